/*
 * tdxkit/module.h: the TDX module in software.
 *
 * A TD is created from a configuration; a VCPU's TDCALL is performed by
 * handing the module the VCPU's registers. Two levels:
 *
 *  - tdx_module_tdcall()/tdx_module_resume(): exactly what the module does,
 *    including TD exits to the host (the caller is the host: it gets the
 *    exit registers a VMM would get from TDH.VP.ENTER and resumes the TD).
 *  - tdx_tdcall(): the same with the built-in host, which maps memory on
 *    EPT violations and passes TDVMCALLs to tdx_td_config.host, until the
 *    guest sees the TDCALL complete. This is "direct mode".
 */
#ifndef TDXKIT_MODULE_H
#define TDXKIT_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tdx_td;

/* A VCPU's register file as the module sees it. gpr[] is indexed by
 * enum tdx_gpr, the numbering of TDVMCALL GPR_SELECT and operand IDs. */
struct tdx_regs {
	TDXKIT_EXTENSION union {
		uint64_t gpr[TDXKIT_NR_GPRS];
		TDXKIT_EXTENSION struct {
			uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
			uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
		};
	};
	uint64_t rip;
	uint64_t rflags;
	uint64_t xmm[16][2];	/* for TDVMCALL XMM_SELECT */
};

/* How the host maps TD memory before the guest accepts it (issue: SEPT). */
enum tdx_sept_policy {
	TDX_SEPT_POLICY_2M = 0,	/* 2 MiB PENDING leaves where aligned, 4 KiB elsewhere */
	TDX_SEPT_POLICY_4K = 1,	/* 4 KiB PENDING leaves only */
};

/* What the guest sees when the module is done with a TDCALL. */
enum tdx_tdcall_outcome {
	TDX_OUTCOME_DONE = 0,	/* completed: outputs written, RIP += 4 */
	TDX_OUTCOME_REEXECUTE,	/* interrupted: RIP unchanged, the guest runs it again */
	TDX_OUTCOME_TD_EXIT,	/* exit to the host (tdx_module_* level only) */
	TDX_OUTCOME_INJECT,	/* exception injected into the guest (#GP, #UD, #VE) */
	TDX_OUTCOME_TD_DEAD,	/* the host gave up on the TD (tdx_tdcall only) */
};

/* Registers a VMM gets back from TDH.VP.ENTER on a TD exit (section 11),
 * plus the exposed guest registers of a TDVMCALL. */
struct tdx_td_exit {
	uint64_t status;	/* RAX: status class | 32-bit VMX exit reason */
	uint64_t exit_qual;	/* RCX: exit qualification (TDVMCALL: mask | vm << 32) */
	uint64_t ext_exit_qual;	/* RDX: extended exit qualification */
	uint64_t gpa;		/* R8 */
	uint64_t intr_info;	/* R9 */
	unsigned vm;		/* 0 = L1, 1..3 = an L2 VM */
	struct tdx_regs vmm;	/* TDVMCALL: selected registers, others 0 */
	const char *why;	/* short human reason, for traces and diagnostics */
};

/* Exception the module injects (TDX_OUTCOME_INJECT). */
struct tdx_inject {
	uint8_t vector;		/* 6 #UD, 13 #GP, 20 #VE, 8 #DF */
	uint32_t error_code;
};

struct tdx_host_ops {
	/* A TDVMCALL: read and write exit->vmm (only exposed registers are
	 * copied back to the guest). Return 0 to resume the TD, non-zero to
	 * kill it. NULL: every TDVMCALL gets R10 = SUBFUNC_UNSUPPORTED. */
	int (*tdvmcall)(void *ctx, struct tdx_td *td, unsigned vcpu,
			struct tdx_td_exit *exit);
	/* Any other TD exit the built-in host cannot handle itself. */
	int (*td_exit)(void *ctx, struct tdx_td *td, unsigned vcpu,
		       struct tdx_td_exit *exit);
	void *ctx;
};

struct tdx_td_config {
	uint64_t mem_size;	/* bytes, multiple of 4 KiB, >= 4 KiB */
	unsigned gpaw;		/* 48 or 52; shared bit = GPAW - 1 */
	uint64_t attributes;	/* TD ATTRIBUTES (section 5.2) */
	uint64_t xfam;
	unsigned num_vcpus;	/* 1..max */
	unsigned num_l2_vms;	/* 0..3 */
	uint64_t config_flags;	/* GPAW bit is derived from gpaw */
	enum tdx_sept_policy sept_policy;
	uint8_t mrconfigid[48];
	uint8_t mrowner[48];
	uint8_t mrownerconfig[48];
	uint8_t mrtd[48];	/* build-time measurement; zeros by default */
	struct tdx_host_ops host;
};

/* Default configuration: 1 GiB, GPAW 48, 1 VCPU, SEPT_VE_DISABLE. */
TDXKIT_API void tdx_td_config_init(struct tdx_td_config *cfg);

/* Checks a configuration as TDH.MNG.INIT checks TD_PARAMS in module 1.5.01
 * (ATTRIBUTES, XFAM against the module's fixed bits and this CPU's
 * XCR0/XSS support, CONFIG_FLAGS) and the model's own limits. 0, or -1
 * with a one-line reason in err. tdx_td_create() runs it first. */
TDXKIT_API int tdx_td_config_check(const struct tdx_td_config *cfg, char *err, size_t errlen);
/* The XFAM a host would give a TD on this CPU: its XCR0 within the bits
 * module 1.5.01 allows (x87 and SSE always). */
TDXKIT_API uint64_t tdx_xfam_from_host(void);

/* Creates a TD. On failure returns NULL and writes a one-line reason. */
TDXKIT_API struct tdx_td *tdx_td_create(const struct tdx_td_config *cfg, char *err, size_t errlen);
TDXKIT_API void tdx_td_destroy(struct tdx_td *td);
/* Puts the TD back in the state tdx_td_create() left it in, without new
 * mappings (what a fuzzer does between inputs): every page PENDING again
 * with zero contents, not shared; VCPUs, TD metadata, RTMRs, L2 VM state
 * and aliases as created; no longer dead or ended. Kept: the configuration
 * and its host callbacks, the trace and notify hooks, the L2 engine (told
 * through its reset op), the window mode, TD_UUID and the report MAC key,
 * and every address (tdx_td_windows, tdx_td_gpa_ptr) stays valid. Costs
 * little when little changed. No TDCALL or host operation on the TD may be
 * in flight. 0, or -1 with a one-line reason (a failed system call: the TD
 * is then in an undefined state; destroy it). */
TDXKIT_API int tdx_td_reset(struct tdx_td *td, char *err, size_t errlen);
TDXKIT_API const struct tdx_td_config *tdx_td_config(const struct tdx_td *td);
TDXKIT_API uint64_t tdx_td_shared_bit(const struct tdx_td *td);

/* Module level: perform one TDCALL for VCPU `vcpu` with registers `regs`.
 * DONE/REEXECUTE: regs are what the guest sees. TD_EXIT: *exit holds what
 * the host sees; call tdx_module_resume() afterwards. INJECT: *inj says
 * which exception (RIP not advanced). TD_DEAD: no such VCPU. */
TDXKIT_API enum tdx_tdcall_outcome tdx_module_tdcall(struct tdx_td *td, unsigned vcpu,
					  struct tdx_regs *regs,
					  struct tdx_td_exit *exit,
					  struct tdx_inject *inj);
/* Resume after a TD exit (TDH.VP.ENTER). For a TDVMCALL exit, copies the
 * exposed registers of exit->vmm into regs, sets RAX = 0 and RCX = the
 * control value, and returns DONE (trap-like exit: RIP already advanced).
 * For other exits returns REEXECUTE (fault-like: the TDCALL runs again). */
TDXKIT_API enum tdx_tdcall_outcome tdx_module_resume(struct tdx_td *td, unsigned vcpu,
					  struct tdx_regs *regs,
					  const struct tdx_td_exit *exit);

/* Direct mode: one TDCALL with the built-in host, looping over TD exits
 * until the guest-visible result. TD_DEAD: the host could not go on;
 * tdx_td_dead_reason() says why. */
TDXKIT_API enum tdx_tdcall_outcome tdx_tdcall(struct tdx_td *td, unsigned vcpu,
				   struct tdx_regs *regs, struct tdx_inject *inj);
TDXKIT_API const char *tdx_td_dead_reason(const struct tdx_td *td);

/* The host ends the TD on purpose (an exit port, ReportFatalError) with an
 * exit status for whoever runs it: the TD is dead from now on (reason as
 * given), and tdx_td_end_status() says so. Safe from any thread. */
TDXKIT_API void tdx_td_end(struct tdx_td *td, int status, const char *reason);
/* 1 and *status if the host ended the TD with tdx_td_end(); 0 otherwise. */
TDXKIT_API int tdx_td_end_status(const struct tdx_td *td, int *status);

/* Called once per completed TDCALL by tdx_tdcall() (tracing, stats). */
typedef void (*tdx_trace_fn)(void *ctx, unsigned vcpu, const struct tdx_regs *in,
			     const struct tdx_regs *out, enum tdx_tdcall_outcome o);
TDXKIT_API void tdx_td_set_trace(struct tdx_td *td, tdx_trace_fn fn, void *ctx);

/* ---- #VE outside a TDCALL (section 4.1) -------------------------------------
 * An instruction or memory access of the guest that the module (or, for
 * shared-EPT violations, the CPU) turns into a virtualization exception:
 * what VE_INFO records. GLA/GPA are 0 for instruction #VEs; instr_len is
 * undefined (0) for EPT violations (4.2). */
struct tdx_ve_event {
	uint32_t exit_reason;	/* VMX exit reason: 30 IO, 12 HLT, 31/32 MSR, 48 EPT */
	uint64_t exit_qual;
	uint64_t gla;
	uint64_t gpa;		/* with the shared bit for a shared GPA */
	uint32_t instr_len;
	uint32_t instr_info;
};
/* Applies the module's #VE rules to an event of VCPU `vcpu`: INJECT with
 * inj->vector 20 (VE_INFO recorded, VALID set) or 8 (#DF: VALID was still
 * set); TD_EXIT when the event is not a #VE at all but an EPT-violation exit
 * to the host (a PENDING page with TD_CTLS.PENDING_VE_DISABLE, a shared
 * page that is mapped, any other private-GPA violation): nothing recorded;
 * TD_DEAD for a dead TD or no such VCPU. Touches only plain memory. */
TDXKIT_API enum tdx_tdcall_outcome tdx_module_virtualization_exception(struct tdx_td *td, unsigned vcpu,
							    const struct tdx_ve_event *ev,
							    struct tdx_inject *inj);
/* CPUID executed by the guest at privilege level `cpl`: what the module's
 * CPUID exit handler does (MOD td_cpuid.c). DONE with the TD's values in
 * RAX, RBX, RCX, RDX and RIP += 2; or INJECT #VE (exit reason 10, VE_INFO
 * recorded) for a leaf the module does not answer (0x40000000-0x4FFFFFFF,
 * 0x6, 0x1F, ...) or one TDG.VP.CPUIDVE.SET / CPUID_CONTROL asks a #VE for
 * at that CPL; TD_DEAD for a dead TD or no such VCPU. The values come from
 * a fixed model platform (an Intel Sapphire Rapids host), whatever CPU
 * runs the model, with the module's fixed bits and the TD's XFAM and GPAW;
 * CPUID(1).EBX[31:24] is the VCPU index and CPUID(0x21) says "IntelTDX". */
TDXKIT_API enum tdx_tdcall_outcome tdx_module_cpuid(struct tdx_td *td, unsigned vcpu, int cpl,
					 struct tdx_regs *regs, struct tdx_inject *inj);

/* The VCPU's VE_INFO as the module holds it (what VEINFO.GET would return,
 * without clearing VALID); returns VALID != 0, or -1 for no such VCPU. */
TDXKIT_API int tdx_vcpu_ve_info(const struct tdx_td *td, unsigned vcpu, struct tdx_ve_event *out);

/* ---- TD memory ----------------------------------------------------------
 * GPA space [0, mem_size) is backed lazily by one memory file, visible
 * through two guest windows: the private window shows accepted private
 * pages, the shared window shows pages converted to shared; a touch of any
 * other page in a window faults. */
struct tdx_mem_windows {
	uint8_t *private_base;	/* VA of GPA 0 through the private alias */
	uint8_t *shared_base;	/* VA of GPA 0 | shared bit through the shared alias */
	uint64_t size;
};
TDXKIT_API void tdx_td_windows(const struct tdx_td *td, struct tdx_mem_windows *w);
/* The file behind TD memory (a memfd), for an engine that maps the windows
 * in another process (tdxkit/isolate.h); the TD keeps owning it. */
TDXKIT_API int tdx_td_memory_fd(const struct tdx_td *td);

/*
 * How the windows keep access in step with the page states:
 *  PROTECT (the default): mprotect. A touch of a page the guest may not
 *    touch raises SIGSEGV (SEGV_ACCERR); every other page simply works,
 *    for the kernel's accesses too. Each boundary between the two is a
 *    kernel mapping, and a process has at most vm.max_map_count of them:
 *    when they run out the TD stops with a line naming the limit.
 *  FAULT: one mapping per window whatever the states, through a
 *    userfaultfd (Linux 5.14+): every first touch of a page raises SIGBUS
 *    (BUS_ADRERR), and the owner of the SIGBUS handler (the trap engine)
 *    calls tdx_td_window_fault(), which maps the page if its state allows
 *    and says whether the touch may go on. The kernel's own accesses to a
 *    window are not checked in this mode.
 * 0, or -1 with a one-line reason (e.g. no userfaultfd on this kernel).
 */
enum tdx_window_mode { TDX_WINDOWS_PROTECT = 0, TDX_WINDOWS_FAULT = 1 };
TDXKIT_API int tdx_td_set_window_mode(struct tdx_td *td, enum tdx_window_mode mode, char *err, size_t len);
TDXKIT_API enum tdx_window_mode tdx_td_window_mode(const struct tdx_td *td);
enum tdx_window_fault_result {
	TDX_WINDOW_OUTSIDE,	/* the address is in neither window */
	TDX_WINDOW_MAPPED,	/* the page may be touched and now is mapped: retry */
	TDX_WINDOW_DENIED,	/* its state does not allow it (#VE, or stop the TD) */
	TDX_WINDOW_BROKEN,	/* a window update failed: tdx_td_dead_reason() */
};
/* A touch of `addr` faulted. Async-signal-safe, from any thread. */
TDXKIT_API enum tdx_window_fault_result tdx_td_window_fault(struct tdx_td *td, const void *addr);

/*
 * Windows in another process (the isolated engine maps them in the traced
 * program): the module keeps them in step through these ops instead of
 * its own mappings. `w` is 0 for the private window, 1 for the shared one;
 * offsets are GPAs without the shared bit. update: [off, off+len) may
 * (touchable) or may not be touched from now on (PROTECT: mprotect;
 * FAULT: only revocations, which must unmap). map (FAULT only): make the
 * pages touchable now (UFFDIO_CONTINUE). Both return 0 or an errno; a
 * failure stops the TD with the reason. With ops set, tdx_td_window_fault_at()
 * decides a fault at (w, off) as tdx_td_window_fault() does for local ones.
 */
struct tdx_window_ops {
	int (*update)(void *ctx, int w, uint64_t off, uint64_t len, int touchable);
	int (*map)(void *ctx, int w, uint64_t off, uint64_t len);
};
TDXKIT_API int tdx_td_set_window_ops(struct tdx_td *td, enum tdx_window_mode mode,
				     const struct tdx_window_ops *ops, void *ctx);
TDXKIT_API enum tdx_window_fault_result tdx_td_window_fault_at(struct tdx_td *td, int w,
							       uint64_t off);

/* Checked access to TD memory by GPA (shared bit ignored) whatever the page
 * state: the module's own view, for engines and L2 CPUs that stand in for
 * hardware. NULL if [gpa, gpa+len) is not inside TD memory. */
TDXKIT_API void *tdx_td_gpa_ptr(struct tdx_td *td, uint64_t gpa, uint64_t len);
/* What a host may touch: [gpa, gpa+len) only where every page is mapped
 * shared, as on hardware (private memory is encrypted for the TD alone).
 * NULL, with one line naming the first private or unmapped GPA in why
 * (may be NULL), otherwise. Every host handler reaches TD memory this way. */
TDXKIT_API void *tdx_td_host_ptr(struct tdx_td *td, uint64_t gpa, uint64_t len, char *why,
				 size_t whylen);

/* Page state of one 4 KiB GPA as the model tracks it. */
struct tdx_page_state {
	enum tdx_sept_state sept;	/* private (secure EPT) state */
	enum tdx_page_level level;	/* level of the SEPT leaf covering it */
	int shared;			/* mapped in the shared EPT */
};
/* 0, or -1 if gpa (shared bit ignored) is outside TD memory. Reads only
 * plain arrays: safe to call from a signal handler. */
TDXKIT_API int tdx_td_page_state(const struct tdx_td *td, uint64_t gpa, struct tdx_page_state *st);

/* Host (SEAMCALL-side) memory operations, used by the built-in host and by
 * host code, each named after the SEAMCALL leaf it stands for:
 * TDH.MEM.PAGE.AUG (map PENDING), TDH.MEM.PAGE.DEMOTE (split a 2 MiB leaf
 * into 512 4 KiB leaves of the same state), TDH.MEM.PAGE.REMOVE (drop the
 * private mapping; content lost); and the shared-EPT mapping, which is no
 * SEAMCALL (the host owns the shared EPT). Return a TDX status. */
TDXKIT_API uint64_t tdh_mem_page_aug(struct tdx_td *td, uint64_t gpa, enum tdx_page_level level);
TDXKIT_API uint64_t tdh_mem_page_demote(struct tdx_td *td, uint64_t gpa);
TDXKIT_API uint64_t tdh_mem_page_remove(struct tdx_td *td, uint64_t gpa, enum tdx_page_level level);
TDXKIT_API uint64_t tdx_td_set_shared(struct tdx_td *td, uint64_t gpa, uint64_t len, int shared);

/* Mark a guest interrupt pending (or not) for a VCPU, as the host's
 * posted-interrupt would: interruptible leaves (2 MiB ACCEPT) then stop
 * part-way with RIP and RAX untouched and resume on re-execution (1.3). */
TDXKIT_API void tdx_vcpu_set_interrupt_pending(struct tdx_td *td, unsigned vcpu, int pending);

/* Interrupts from the host (a notification vector, 3.4): the host posts a
 * vector for a VCPU from any thread; it stays pending (and interruptible
 * leaves stop early) until whoever runs the VCPU takes it. The TD's notify
 * hook, if set, is called at each post (from the posting thread) so that
 * the runner can deliver at once: the trap engine signals the VCPU's
 * thread. post: 0, or -1 for no such VCPU or vector > 255. take: the
 * highest pending vector, now no longer pending, or -1. */
TDXKIT_API int tdx_vcpu_post_interrupt(struct tdx_td *td, unsigned vcpu, unsigned vector);
TDXKIT_API int tdx_vcpu_take_interrupt(struct tdx_td *td, unsigned vcpu);
typedef void (*tdx_interrupt_notify_fn)(void *ctx, unsigned vcpu);
TDXKIT_API void tdx_td_set_interrupt_notify(struct tdx_td *td, tdx_interrupt_notify_fn fn, void *ctx);

/* ---- TD partitioning (section 7) -----------------------------------------
 * The L2 CPU that TDG.VP.ENTER runs is an engine behind struct
 * tdx_l2_engine_ops (tdxkit/l2engine.h). With none registered, ENTER fails
 * the TD with the reason "no L2 CPU engine". ops NULL restores that. The
 * engine being replaced, and the one left at tdx_td_destroy(), get their
 * destroy op called (if they have one). */
struct tdx_l2_engine_ops;
TDXKIT_API void tdx_td_set_l2_engine(struct tdx_td *td, const struct tdx_l2_engine_ops *ops, void *ctx);
/* The engine registered with td (NULL if none) and, if ctx is not NULL,
 * the context it was registered with. */
TDXKIT_API const struct tdx_l2_engine_ops *tdx_td_l2_engine(const struct tdx_td *td, void **ctx);
/* L1's virtual-APIC RVI and PPR for a VCPU: TDG.VP.ENTER refuses with
 * TDXKIT_PENDING_INTERRUPT while RVI[7:4] > PPR[7:4] (7.3). */
TDXKIT_API void tdx_vcpu_set_l1_apic(struct tdx_td *td, unsigned vcpu, uint8_t rvi, uint8_t ppr);

/* ---- Measurement (section 9) ----------------------------------------------
 * Copy RTMR[index] (48 bytes) out; 0, or -1 if index >= 4. */
TDXKIT_API int tdx_td_rtmr(const struct tdx_td *td, unsigned index, uint8_t out[TDXKIT_MR_SIZE]);
/* Check a REPORTMACSTRUCT against this TD's MAC key as TDG.MR.VERIFYREPORT
 * does: TDXKIT_SUCCESS, TDXKIT_INVALID_CPUSVN or TDXKIT_INVALID_REPORTMACSTRUCT. */
TDXKIT_API uint64_t tdx_report_verify_mac(const struct tdx_td *td, const struct tdx_report_mac *mac);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_MODULE_H */

/*
 * tdxkit/trap.h: run the real TDCALL instruction (66 0F 01 CC) in an
 * ordinary Linux process.
 *
 * Outside a TD the instruction raises SIGILL. Once the trap engine is
 * installed, its SIGILL handler recognises TDCALL at RIP, hands the
 * interrupted registers (GPRs, RIP, XMM0-15) to the module model with
 * tdx_tdcall() and writes the guest-visible result back into the signal
 * frame, so the program continues after the TDCALL as on TDX hardware.
 * Its SIGSEGV handler turns a fault in a TD memory window (a PENDING page,
 * or a page touched through the wrong alias) into a one-line diagnostic,
 * or into a #VE for the program's #VE handler (below), as are IO, HLT,
 * RDMSR and WRMSR, which raise SIGSEGV (#GP) in user mode.
 *
 * Every thread's TDCALLs are serviced as the VCPU given to
 * tdx_trap_install() (VCPU = thread is not modelled yet); calls from
 * different threads are serialised. The signal alternate stack is set up
 * for the installing thread only.
 *
 * tdx-run uses this engine from a preload library (libtdxkit-preload.so);
 * tests and benchmarks link it (libtdxkit-trap.a) and install it in-process.
 */
#ifndef TDXKIT_TRAP_H
#define TDXKIT_TRAP_H

#include <stddef.h>
#include <stdint.h>
#include "tdxkit/module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Exit codes of a program stopped by the engine (distinct from the usual
 * 1/2 and from 125-127, which tdx-run uses for its own failures). */
#define TDX_TRAP_EXIT_ACCESS  120	/* bad access to TD memory (SIGSEGV in a window) */
#define TDX_TRAP_EXIT_INJECT  121	/* the module injected an exception (#GP, #UD, #VE) */
#define TDX_TRAP_EXIT_DEAD    122	/* the host gave up on the TD */
#define TDX_TRAP_EXIT_CONFIG  123	/* preload: bad TDXKIT_RUN_* configuration */

/*
 * Installs the SIGILL and SIGSEGV handlers (and a signal alternate stack
 * for the calling thread) that service TDCALLs for `td` as VCPU `vcpu`.
 * Previous handlers are kept: a SIGILL that is not a TDCALL and a SIGSEGV
 * outside the TD windows go to them (or get the default action).
 * Returns 0, or -1 with a one-line reason in err. One TD at a time.
 */
TDXKIT_API int tdx_trap_install(struct tdx_td *td, unsigned vcpu, char *err, size_t errlen);

/* Restores the previous handlers and alternate stack. A TDCALL raises
 * SIGILL again afterwards. The TD is not destroyed. */
TDXKIT_API void tdx_trap_uninstall(void);

/* The TD the engine services, or NULL when not installed. */
TDXKIT_API struct tdx_td *tdx_trap_td(void);

/* Prefix of the engine's diagnostics ("tdx-run" under the tool, "tdxkit"
 * otherwise); the string must stay valid. */
TDXKIT_API void tdx_trap_set_name(const char *name);

/*
 * Exception delivery hook (TDX_OUTCOME_INJECT). Called in the SIGILL
 * handler with the exception and the registers the guest would have at
 * delivery (RIP at the TDCALL); it may rewrite them (RIP, RSP, ...) to
 * enter a program handler and return 0, and the engine resumes the program
 * with them. Non-zero, or no hook: the engine prints a one-line diagnostic
 * (vector, RIP) and exits with TDX_TRAP_EXIT_INJECT.
 * Must be async-signal-safe.
 */
typedef int (*tdx_trap_inject_fn)(void *ctx, struct tdx_td *td, unsigned vcpu,
				  const struct tdx_inject *inj, struct tdx_regs *regs);
TDXKIT_API void tdx_trap_set_inject_hook(tdx_trap_inject_fn fn, void *ctx);

/*
 * #VE delivery (tdx-abi.md 4.1, 4.2). The program registers one handler;
 * the engine then turns these events into a #VE:
 *   - IO (IN, OUT, INS, OUTS, with REP), HLT, RDMSR, WRMSR at RIP: exit
 *     reason 30, 12, 31, 32; qualification as a VMX exit would give it (IO:
 *     bits 2:0 size-1, 3 IN, 4 string, 5 REP, 6 immediate port, 31:16 port);
 *     instruction length; GLA = GPA = 0;
 *   - a touch of a PENDING (or never mapped) private page while
 *     TD_CTLS.PENDING_VE_DISABLE is 0, and a touch of a shared-window page
 *     the host has not mapped shared (MMIO): EPT violation, exit reason 48,
 *     qualification bits 0-2 = read/write/fetch plus GLA valid (7, 8), GLA =
 *     the faulting address, GPA = its GPA (shared bit included for the
 *     shared window); instruction length undefined (0);
 *   - a TDCALL whose memory operand is a PENDING page (the module injects
 *     #VE with RIP at the TDCALL).
 * The module records VE_INFO (TDG.VP.VEINFO.GET returns it and clears
 * VALID), then the handler is called on the signal stack with the
 * interrupted registers, RIP at the instruction. It should call
 * TDG.VP.VEINFO.GET first, and may edit the frame (e.g. RAX for IN, RIP +=
 * instruction length); the program resumes with the frame as left. A
 * handler that returns with RIP unchanged retries the instruction (e.g.
 * after accepting the page). TDCALLs (VEINFO.GET, TDVMCALLs) work inside
 * the handler; asynchronous signals are blocked while it runs, as a #VE
 * handler runs with interrupts off.
 * A #VE while VALID is still set is a #DF; a #DF, or a #VE without a
 * handler, stops the program with one line (TDX_TRAP_EXIT_INJECT). A
 * pending-page touch that is not a #VE (PENDING_VE_DISABLE set: the host
 * would kill the TD, 8.2), or any memory #VE without a handler, stops it
 * with the access diagnostic (TDX_TRAP_EXIT_ACCESS).
 */
struct tdx_ve_frame {
	TDXKIT_EXTENSION union {
		uint64_t gpr[16];	/* enum tdx_gpr order */
		TDXKIT_EXTENSION struct {
			uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
			uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
		};
	};
	uint64_t rip;
	uint64_t rflags;	/* the kernel keeps privileged bits as they were */
};
typedef void (*tdx_ve_handler_fn)(struct tdx_ve_frame *frame);

/* In-process: set (NULL: clear) the #VE handler. Cleared by uninstall. */
TDXKIT_API void tdx_trap_set_ve_handler(tdx_ve_handler_fn fn);

/* The registration entry point exported by the engine (libtdxkit-preload.so
 * under tdx-run, libtdxkit-trap.a in-process): 0, or -1 when the engine is
 * not installed. */
TDXKIT_PRELOAD_API int tdxkit_ve_register(tdx_ve_handler_fn fn);

#ifndef TDXKIT_TRAP_ENGINE
/* For programs: registers through a weak reference, so that the program
 * needs no trap library and links without one; -1 when not under tdx-run
 * (the symbol is absent) or the engine is not installed. */
extern int tdxkit_ve_register(tdx_ve_handler_fn fn) TDXKIT_WEAK;
static inline int tdx_ve_register(tdx_ve_handler_fn fn)
{
	return tdxkit_ve_register ? tdxkit_ve_register(fn) : -1;
}
#endif

/*
 * The default host (tdxkit/vmm.h, libtdxkit-vmm) behind the engine: every
 * TDCALL goes through tdx_vmm_tdcall() (timed per leaf), a quote in flight
 * completes at any trap (tdx_vmm_poll), and when the host ends the run
 * (exit port, ReportFatalError) the process _exits with the host's status
 * instead of TDX_TRAP_EXIT_DEAD. The caller still attaches the VMM to the
 * TD config before tdx_td_create() and owns its trace hook (tdx-run's
 * preload library does all of this). NULL: the built-in host again.
 */
struct tdx_vmm;
TDXKIT_API void tdx_trap_set_vmm(struct tdx_vmm *vmm);

/* One line for a #VE delivery, as --trace prints it ("<name>: [vcpuN
 * rip=...] #VE EPT_VIOLATION qual=... gla=... gpa=... len=..."), with a
 * newline; `vector` 8 says #DF instead. Length as snprintf returns it. */
TDXKIT_API int tdx_trap_ve_format(char *buf, size_t len, unsigned vcpu, const struct tdx_ve_event *ev,
		       uint64_t rip, unsigned vector);

/*
 * Tracing: one decoded line per TDCALL (leaf name, inputs, status name,
 * outputs). tdx_trap_trace_format() writes the line (with a newline) for a
 * call as tdx_td_set_trace() reports it and returns its length as snprintf
 * does; tdx_trap_trace_to_fd() makes `td` write such lines to `fd`
 * (fd < 0: stop tracing).
 */
TDXKIT_API int tdx_trap_trace_format(char *buf, size_t len, unsigned vcpu, const struct tdx_regs *in,
			  const struct tdx_regs *out, enum tdx_tdcall_outcome o);
TDXKIT_API void tdx_trap_trace_to_fd(struct tdx_td *td, int fd);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_TRAP_H */

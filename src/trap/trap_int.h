/* trap_int.h: what the trap engine's files share (not installed). */
#ifndef TDXKIT_TRAP_INT_H
#define TDXKIT_TRAP_INT_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <ucontext.h>

#define TDXKIT_TRAP_ENGINE	/* trap.h: no weak declaration of our own entry points */
#include "tdxkit/trap.h"

#define TDX_TRAP_MAX_VCPUS 64	/* the free-VCPU set is one 64-bit word */

/* Engine state: one TD per process, set up by tdx_trap_install(). Fields
 * written only at install/uninstall are read without synchronisation by
 * the handlers (install happens before any trap of the TD's threads). */
struct tdx_trap_state {
	struct tdx_td *td;
	unsigned nvcpus;
	_Atomic uint64_t vcpu_free;		/* bit v: VCPU v has no thread */
	_Atomic pid_t vcpu_tid[TDX_TRAP_MAX_VCPUS];	/* the thread bound to it, 0 if none */
	_Atomic unsigned gen;			/* bumped by each install: stale bindings */
	pthread_key_t key;			/* thread exit frees the thread's VCPU */
	int key_made;
	struct tdx_mem_windows win;	/* copied at install: the fault path reads no TD internals */
	uint64_t shared_bit;
	int trap_sig;			/* what TDCALL raises on this CPU (probed) */
	struct sigaction old_ill, old_segv, old_bus, old_irq;
	stack_t old_ss;
	void *altstack;			/* the installing thread's */
	tdx_trap_inject_fn inject;
	void *inject_ctx;
	tdx_trap_call_fn call;		/* runs one TDCALL; tdx_tdcall by default */
	void *call_ctx;
	tdx_trap_end_fn end;		/* before the engine ends the process */
	void *end_ctx;
	tdx_ve_handler_fn _Atomic ve_handler;	/* the program's #VE handler, or NULL */
	tdx_irq_handler_fn _Atomic irq_handler;	/* its interrupt handler, or NULL */
	int irq_sig;			/* the signal that carries host interrupts */
	int cpuid_faulting;		/* CPUID traps (arch_prctl(ARCH_SET_CPUID, 0)) */
	_Atomic int installed;
	_Atomic int forked;		/* this process is a fork of the TD's: not the TD */
	void *mmio_page;		/* PROT_NONE page after the shared window, or NULL */
	int mmio_owned;			/* mapped by the engine (else the model's guard) */
};
extern struct tdx_trap_state tdx_trap_g;
extern const char *tdx_trap_name;

/* vcpu.c: the calling thread's VCPU. Its first trap binds it to the lowest
 * free VCPU (with a signal stack of its own); a thread beyond the TD's
 * VCPUs stops the run with one line. Async-signal-safe. */
unsigned tdx_trap_self_vcpu(void);
/* The VCPU the thread is bound to, or -1 (no binding yet). */
int tdx_trap_self_vcpu_if_bound(void);
/* install/uninstall: the key whose destructor frees an exiting thread's
 * VCPU, and the installing thread's binding. 0 or -1 (errno). */
int tdx_trap_vcpus_init(struct tdx_trap_state *g, unsigned installer_vcpu);
void tdx_trap_vcpus_fini(struct tdx_trap_state *g);

/* classify.c: whether the page holding p is mapped (without touching it);
 * and the bytes of the instruction at ip, as many as can be read safely
 * (up to TDX_TRAP_INSN_MAX): how many. */
int tdx_trap_page_mapped(const void *p);
size_t tdx_trap_fetch(const uint8_t *ip, uint8_t out[TDX_TRAP_INSN_MAX]);

/* regs.c: the interrupted context <-> the module's register file. */
void tdx_trap_regs_from_uc(const ucontext_t *uc, struct tdx_regs *r);
void tdx_trap_regs_to_uc(const struct tdx_regs *r, ucontext_t *uc);

/* window.c: a fault in a TD memory window (SIGSEGV under mprotect windows,
 * SIGBUS under userfaultfd windows): resolved (the page may be touched:
 * the access runs again), a #VE for the program's handler, or one line and
 * _exit(TDX_TRAP_EXIT_ACCESS). 0 if the address is in no window. */
int tdx_trap_window_fault(int sig, siginfo_t *si, ucontext_t *uc);
/* segv.c, for either engine: a window access as the EPT-violation #VE
 * event the module records; the access diagnostic line (without its
 * newline: tdx_line_write adds it) for GPA `gpa` (no shared bit) seen
 * through one alias; the access's name. */
void tdx_trap_memory_event(struct tdx_ve_event *ev, uint64_t gla, uint64_t gpa, int fetch,
			   int write);
struct tdx_line;
void tdx_trap_access_line(struct tdx_line *l, struct tdx_td *td, uint64_t gpa, int shared_alias,
			  uint64_t shared_bit, const char *access, uint64_t rip);
const char *tdx_trap_access_name(int fetch, int write);

/* insn.c: an instruction that raises #GP in user mode and #VE in a TD
 * (IO, HLT, RDMSR, WRMSR) decoded at the context's RIP into a VE event
 * (exit reason, qualification, length, info); also a short name for
 * diagnostics ("OUT", "HLT"). 0, or -1 if it is none of them. */
int tdx_trap_decode_ve_insn(const ucontext_t *uc, struct tdx_ve_event *ev, const char **name);
/* insn_ve.c: such an instruction at RIP becomes a #VE (4.1); returns when
 * delivered, else one line and _exit. */
void tdx_trap_insn_ve(ucontext_t *uc);

/* cpuid.c: CPUID at RIP under CPUID faulting: answered as the module's
 * CPUID exit handler does, or a #VE. Returns when done. */
void tdx_trap_cpuid(ucontext_t *uc);
/* cpuid.c, at install: turn CPUID faulting on where the CPU has it (0),
 * or note on the trace that CPUID runs natively (-1); off at uninstall. */
int tdx_trap_cpuid_faulting_on(void);
void tdx_trap_cpuid_faulting_off(void);

/* ve.c: deliver a #VE (or report a #DF) the module decided on for
 * `event` (NULL: the one the module recorded, for a TDCALL's #VE) at the
 * context's RIP: trace it, call the program's handler with the frame and
 * write the frame back. Returns only when delivered; otherwise prints one
 * line ("what" names the event) and exits with TDX_TRAP_EXIT_INJECT. */
void tdx_trap_deliver_ve(ucontext_t *uc, unsigned vcpu, const struct tdx_inject *inj,
			 const char *what, const struct tdx_ve_event *event);
/* The frame <-> the interrupted context. */
void tdx_trap_frame_from_uc(const ucontext_t *uc, struct tdx_ve_frame *f);
void tdx_trap_frame_to_uc(const struct tdx_ve_frame *f, ucontext_t *uc);
/* Runs a program handler (#VE, interrupt) with SIGTERM, SIGINT and SIGQUIT
 * deliverable: the engine blocks them only for one model call. */
void tdx_trap_run_program_handler(void (*fn)(void *), void *arg);

/* irq.c: host interrupts (tdx_vcpu_post_interrupt). The module's notify
 * hook signals the VCPU's thread; the signal handler, and every trap that
 * finds one pending, delivers them to the program's interrupt handler. */
void tdx_trap_irq_notify(void *ctx, unsigned vcpu);
void tdx_trap_irq_handler(int sig, siginfo_t *si, void *ucv);
/* Deliver what is pending for `vcpu` at the interrupted context. */
void tdx_trap_deliver_irqs(ucontext_t *uc, unsigned vcpu);

/* trace.c: the #VE line on the trace fd, when tracing the engine's TD. */
void tdx_trap_trace_ve(unsigned vcpu, const struct tdx_ve_event *ev, uint64_t rip,
		       unsigned vector);
/* trace.c: JSON lines instead of human ones (tdx-run --trace=json). */
void tdx_trap_trace_set_json(int json);
/* trace.c: a host interrupt: delivered to the program's handler, or
 * dropped because it registered none. */
void tdx_trap_trace_irq(unsigned vcpu, int vector, uint64_t rip, int delivered);
/* Its line (with the newline), for an engine with its own trace fd. */
int tdx_trap_irq_format(char *line, size_t len, unsigned vcpu, int vector, uint64_t rip,
			int delivered);
/* trace.c: a note on the trace, as a line or a JSON object (e.g. CPUID
 * runs natively); callers say each once. */
void tdx_trap_trace_note(const char *text);

/* engine.c: the program ends now, as the engine decided: the end hook
 * (stats), then _exit(status). */
_Noreturn void tdx_trap_exit(int status);
/* If the host ended the TD on purpose (exit port, ReportFatalError), end
 * the process with its status; returns otherwise. */
void tdx_trap_end_if_host_ended(void);
/* One line about the dead TD ("what" at RIP), then TDX_TRAP_EXIT_DEAD. */
_Noreturn void tdx_trap_die_dead(const char *what, uint64_t rip);

/* Hand a signal the engine does not own to the handler that was installed
 * before it; with none (or SIG_IGN) the default action is restored so that
 * the faulting instruction, re-executed on return, ends the process as it
 * would have without the engine. */
void tdx_trap_chain(const struct sigaction *old, int sig, siginfo_t *si, void *uc);

/* hint.c: " (0x... looks like an address of the program's own memory: a
 * GPA is the offset from TDXKIT_PRIVATE_BASE)" when gpa lies in a mapping
 * of this process outside TD memory; nothing otherwise. */
struct tdx_line;
void tdx_trap_hint_gpa(struct tdx_line *l, uint64_t gpa);

/* line.c: a diagnostic line built without malloc or stdio, so that it is
 * safe in a signal handler, and written with one write(2). */
struct tdx_line {
	char buf[480];
	size_t n;
};
void tdx_line_init(struct tdx_line *l);	/* starts with "<name>: " */
void tdx_line_str(struct tdx_line *l, const char *s);
void tdx_line_hex(struct tdx_line *l, uint64_t v);	/* 0x... */
void tdx_line_dec(struct tdx_line *l, uint64_t v);
void tdx_line_write(struct tdx_line *l, int fd);	/* appends '\n' */

#endif

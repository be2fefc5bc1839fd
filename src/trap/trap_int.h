/* trap_int.h: what the trap engine's files share (not installed). */
#ifndef TDXKIT_TRAP_INT_H
#define TDXKIT_TRAP_INT_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

#define TDXKIT_TRAP_ENGINE	/* trap.h: no weak declaration of our own entry point */
#include "tdxkit/trap.h"

/* Engine state: one TD per process, set up by tdx_trap_install(). */
struct tdx_trap_state {
	struct tdx_td *td;
	unsigned vcpu;
	struct tdx_mem_windows win;	/* copied at install: the SIGSEGV path reads no TD internals */
	uint64_t shared_bit;
	struct sigaction old_ill, old_segv;
	stack_t old_ss;
	void *altstack;
	size_t altstack_size;
	tdx_trap_inject_fn inject;
	void *inject_ctx;
	atomic_flag busy;		/* serialises TDCALLs of different threads */
	tdx_ve_handler_fn _Atomic ve_handler;	/* the program's #VE handler, or NULL */
	int installed;
	struct tdx_vmm *vmm;		/* the default host (tdx-run), or NULL */
	void *mmio_page;		/* PROT_NONE page after the shared window, or NULL */
	int mmio_owned;			/* mapped by the engine (else the model's guard) */
	int stats;			/* print the vmm's stats when the run ends */
};
extern struct tdx_trap_state tdx_trap_g;
extern const char *tdx_trap_name;

/* regs.c: the interrupted context <-> the module's register file. */
void tdx_trap_regs_from_uc(const ucontext_t *uc, struct tdx_regs *r);
void tdx_trap_regs_to_uc(const struct tdx_regs *r, ucontext_t *uc);

/* segv.c */
void tdx_trap_segv_handler(int sig, siginfo_t *si, void *ucv);

/* The engine lock around module calls (engine.c). Never held while the
 * program's #VE handler runs: that handler executes TDCALLs. */
void tdx_trap_lock(void);
void tdx_trap_unlock(void);

/* insn.c: an instruction that raises #GP in user mode and #VE in a TD
 * (IO, HLT, RDMSR, WRMSR) decoded at the context's RIP into a VE event
 * (exit reason, qualification, length, info); also a short name for
 * diagnostics ("OUT", "HLT"). 0, or -1 if it is none of them. */
int tdx_trap_decode_ve_insn(const ucontext_t *uc, struct tdx_ve_event *ev, const char **name);

/* ve.c: deliver a #VE (or report a #DF) the module decided on for
 * `event` (NULL: the one the module recorded, for a TDCALL's #VE) at the
 * context's RIP: trace it, call the program's handler with the frame and
 * write the frame back. Returns only when delivered; otherwise prints one
 * line ("what" names the event) and exits with TDX_TRAP_EXIT_INJECT. The
 * engine lock must not be held. */
void tdx_trap_deliver_ve(ucontext_t *uc, const struct tdx_inject *inj, const char *what,
			 const struct tdx_ve_event *event);
/* The frame <-> the interrupted context. */
void tdx_trap_frame_from_uc(const ucontext_t *uc, struct tdx_ve_frame *f);
void tdx_trap_frame_to_uc(const struct tdx_ve_frame *f, ucontext_t *uc);

/* trace.c: the #VE line on the trace fd, when tracing the engine's TD. */
void tdx_trap_trace_ve(const struct tdx_ve_event *ev, uint64_t rip, unsigned vector);
/* trace.c: JSON lines instead of human ones (tdx-run --trace=json). */
void tdx_trap_trace_set_json(int json);
/* trace.c: a host interrupt (GetQuote's notify vector) the engine cannot
 * deliver to a user program: one trace line, then it is dropped. */
void tdx_trap_trace_irq(int vector, uint64_t rip);

/* engine.c: if the default host ended the run on purpose (exit port,
 * ReportFatalError), print its stats if asked and _exit with its status;
 * returns otherwise. Async-signal-safe apart from the stats table (stdio),
 * printed only at the very end of the process. */
void tdx_trap_end_if_host_ended(void);

/* Hand a signal the engine does not own to the handler that was installed
 * before it; with none (or SIG_IGN) the default action is restored so that
 * the faulting instruction, re-executed on return, ends the process as it
 * would have without the engine. */
void tdx_trap_chain(const struct sigaction *old, int sig, siginfo_t *si, void *uc);

/* line.c: a diagnostic line built without malloc or stdio, so that it is
 * safe in a signal handler, and written with one write(2). */
struct tdx_line {
	char buf[400];
	size_t n;
};
void tdx_line_init(struct tdx_line *l);	/* starts with "<name>: " */
void tdx_line_str(struct tdx_line *l, const char *s);
void tdx_line_hex(struct tdx_line *l, uint64_t v);	/* 0x... */
void tdx_line_dec(struct tdx_line *l, uint64_t v);
void tdx_line_write(struct tdx_line *l, int fd);	/* appends '\n' */

#endif

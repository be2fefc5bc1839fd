/* trap_int.h: what the trap engine's files share (not installed). */
#ifndef TDXKIT_TRAP_INT_H
#define TDXKIT_TRAP_INT_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <ucontext.h>

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
	int installed;
};
extern struct tdx_trap_state tdx_trap_g;
extern const char *tdx_trap_name;

/* regs.c: the interrupted context <-> the module's register file. */
void tdx_trap_regs_from_uc(const ucontext_t *uc, struct tdx_regs *r);
void tdx_trap_regs_to_uc(const struct tdx_regs *r, ucontext_t *uc);

/* segv.c */
void tdx_trap_segv_handler(int sig, siginfo_t *si, void *ucv);

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

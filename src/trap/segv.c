/* segv.c: the SIGSEGV side of the trap engine. The TD windows make a page
 * accessible only through the alias that matches its state, so a fault
 * inside a window is a guest bug (touching unaccepted memory, or private
 * memory through the shared alias): name the GPA, the access and the RIP
 * and stop, as a real TD would be stopped. Faults elsewhere are the
 * program's own and keep their usual behaviour. */
#define _GNU_SOURCE /* REG_* names of ucontext_t */
#include <unistd.h>

#include "trap_int.h"

/* x86 page-fault error code bits (SDM 4.7). */
#define PF_WRITE (1u << 1)
#define PF_FETCH (1u << 4)

static const char *access_name(uint64_t err)
{
	if (err & PF_FETCH)
		return "instruction fetch";
	return (err & PF_WRITE) ? "write" : "read";
}

static const char *sept_name(enum tdx_sept_state s)
{
	switch (s) {
	case TDX_SEPT_FREE: return "FREE";
	case TDX_SEPT_BLOCKED: return "BLOCKED";
	case TDX_SEPT_PENDING: return "PENDING";
	case TDX_SEPT_PENDING_BLOCKED: return "PENDING_BLOCKED";
	case TDX_SEPT_PRESENT: return "PRESENT";
	default: return "unknown-state";
	}
}

/* The sentence before the GPA; `shared_alias`: the fault was in the shared window. */
static void describe(struct tdx_line *l, int shared_alias, int have_st,
		     const struct tdx_page_state *st)
{
	if (!have_st) {
		tdx_line_str(l, "access outside TD memory");
	} else if (shared_alias) {
		if (st->sept == TDX_SEPT_PRESENT)
			tdx_line_str(l, "page is private but was accessed through the shared alias");
		else if (!st->shared)
			tdx_line_str(l, "page is not shared but was accessed through the shared alias");
		else
			tdx_line_str(l, "access to a shared page was refused");
	} else if (st->shared && st->sept != TDX_SEPT_PRESENT) {
		tdx_line_str(l, "page is shared but was accessed through the private alias");
	} else if (st->sept == TDX_SEPT_FREE || st->sept == TDX_SEPT_PENDING ||
		   st->sept == TDX_SEPT_PENDING_BLOCKED) {
		/* FREE: the host maps such a page PENDING on first touch, so to
		 * the guest it is unaccepted memory all the same. */
		tdx_line_str(l, "access to PENDING page");
		if (st->sept != TDX_SEPT_PENDING) {
			tdx_line_str(l, " (SEPT ");
			tdx_line_str(l, sept_name(st->sept));
			tdx_line_str(l, ")");
		}
	} else {
		tdx_line_str(l, "access to ");
		tdx_line_str(l, sept_name(st->sept));
		tdx_line_str(l, " page");
	}
}

void tdx_trap_segv_handler(int sig, siginfo_t *si, void *ucv)
{
	const struct tdx_trap_state *g = &tdx_trap_g;
	ucontext_t *uc = ucv;
	uintptr_t a = (uintptr_t)si->si_addr;
	uintptr_t priv = (uintptr_t)g->win.private_base;
	uintptr_t shrd = (uintptr_t)g->win.shared_base;
	int shared_alias;
	uint64_t gpa;

	if (g->installed && si->si_code > 0 && priv && a - priv < g->win.size) {
		shared_alias = 0;
		gpa = a - priv;
	} else if (g->installed && si->si_code > 0 && shrd && a - shrd < g->win.size) {
		shared_alias = 1;
		gpa = a - shrd;
	} else {
		tdx_trap_chain(&g->old_segv, sig, si, ucv);
		return;
	}

	struct tdx_page_state st;
	int have_st = tdx_td_page_state(g->td, gpa, &st) == 0;
	uint64_t err = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
	struct tdx_line l;

	tdx_line_init(&l);
	describe(&l, shared_alias, have_st, &st);
	tdx_line_str(&l, ": GPA ");
	/* Name the GPA as the program would: the shared alias has the shared bit. */
	tdx_line_hex(&l, shared_alias ? gpa | g->shared_bit : gpa);
	tdx_line_str(&l, " (");
	tdx_line_str(&l, access_name(err));
	tdx_line_str(&l, shared_alias ? " through the shared alias" : " through the private alias");
	tdx_line_str(&l, ") at RIP ");
	tdx_line_hex(&l, (uint64_t)uc->uc_mcontext.gregs[REG_RIP]);
	tdx_line_write(&l, STDERR_FILENO);
	_exit(TDX_TRAP_EXIT_ACCESS);
}

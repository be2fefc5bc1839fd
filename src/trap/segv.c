/* segv.c: the faults the engine owns besides TDCALL. A fault in a TD
 * window (SIGSEGV under PROTECT windows, SIGBUS under FAULT windows, where
 * the first touch of every page faults and is mapped if its state allows)
 * is otherwise a guest bug (touching unaccepted memory, or private memory
 * through the shared alias): name the GPA, the access and the RIP and
 * stop, as a real TD would be stopped -- unless the module makes it a #VE
 * for the program's handler (a PENDING page with PENDING_VE_DISABLE clear,
 * MMIO). A #GP on IO/HLT/RDMSR/WRMSR is a #VE too (tdx-abi.md 4.1). */
#define _GNU_SOURCE /* REG_* names of ucontext_t */
#include <signal.h>
#include <unistd.h>

#include "trap_int.h"

/* x86 page-fault error code bits (SDM 4.7). */
#define PF_WRITE (1u << 1)
#define PF_FETCH (1u << 4)

const char *tdx_trap_access_name(int fetch, int write)
{
	return fetch ? "instruction fetch" : write ? "write" : "read";
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

/* An IO/HLT/MSR instruction (#GP): always a #VE in a TD (4.1). */
void tdx_trap_insn_ve(ucontext_t *uc)
{
	const struct tdx_trap_state *g = &tdx_trap_g;
	struct tdx_inject inj = { 0 };
	struct tdx_ve_event ev;
	const char *name;

	if (tdx_trap_decode_ve_insn(uc, &ev, &name))
		return;	/* classified as one a moment ago: cannot happen */
	unsigned vcpu = tdx_trap_self_vcpu();
	enum tdx_tdcall_outcome o = tdx_module_virtualization_exception(g->td, vcpu, &ev, &inj);
	if (o == TDX_OUTCOME_INJECT) {
		tdx_trap_deliver_ve(uc, vcpu, &inj, name, &ev);	/* returns only when delivered */
		return;
	}
	tdx_trap_die_dead(name, (uint64_t)uc->uc_mcontext.gregs[REG_RIP]);
}

void tdx_trap_memory_event(struct tdx_ve_event *ev, uint64_t gla, uint64_t gpa, int fetch,
			   int write)
{
	/* An EPT violation (SDM 28.2.1 table 28-7: bits 2:0 the access, 5:3
	 * the entry's permissions, none here, 7 and 8: GLA valid, fault on the
	 * final translation); instruction length not defined (4.2). */
	*ev = (struct tdx_ve_event){
		.exit_reason = TDX_EXIT_EPT_VIOLATION,
		.exit_qual = TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT |
			     (fetch ? TDX_EPT_QUAL_FETCH : write ? TDX_EPT_QUAL_WRITE : TDX_EPT_QUAL_READ),
		.gla = gla,
		.gpa = gpa,
	};
}

void tdx_trap_access_line(struct tdx_line *l, struct tdx_td *td, uint64_t gpa, int shared_alias,
			  uint64_t shared_bit, const char *access, uint64_t rip)
{
	struct tdx_page_state st;
	int have_st = tdx_td_page_state(td, gpa, &st) == 0;

	tdx_line_init(l);
	describe(l, shared_alias, have_st, &st);
	tdx_line_str(l, ": GPA ");
	/* Name the GPA as the program would: the shared alias has the shared bit. */
	tdx_line_hex(l, shared_alias ? gpa | shared_bit : gpa);
	tdx_line_str(l, " (");
	tdx_line_str(l, access);
	tdx_line_str(l, shared_alias ? " through the shared alias" : " through the private alias");
	tdx_line_str(l, ") at RIP ");
	tdx_line_hex(l, rip);
}

/* 1 if the module made the fault a #VE and the handler ran; 0 if it is an
 * exit to the host: the caller reports. */
static int memory_ve(ucontext_t *uc, const siginfo_t *si, uint64_t gpa, uint64_t pf_err)
{
	const struct tdx_trap_state *g = &tdx_trap_g;
	unsigned vcpu = tdx_trap_self_vcpu();
	struct tdx_inject inj = { 0 };
	struct tdx_ve_event ev;

	tdx_trap_memory_event(&ev, (uint64_t)(uintptr_t)si->si_addr, gpa, !!(pf_err & PF_FETCH),
			      !!(pf_err & PF_WRITE));
	enum tdx_tdcall_outcome o = tdx_module_virtualization_exception(g->td, vcpu, &ev, &inj);
	if (o != TDX_OUTCOME_INJECT)
		return 0;
	tdx_trap_deliver_ve(uc, vcpu, &inj, (gpa & g->shared_bit) ? "a shared-GPA (MMIO) access"
								  : "a PENDING-page access", &ev);
	return 1;
}

int tdx_trap_window_fault(int sig, siginfo_t *si, ucontext_t *uc)
{
	const struct tdx_trap_state *g = &tdx_trap_g;
	uintptr_t a = (uintptr_t)si->si_addr;
	uintptr_t priv = (uintptr_t)g->win.private_base;
	uintptr_t shrd = (uintptr_t)g->win.shared_base;
	int shared_alias;
	uint64_t gpa;

	if (priv && a - priv < g->win.size) {
		shared_alias = 0;
		gpa = a - priv;
	} else if (shrd && (a - shrd < g->win.size ||
			    (g->mmio_page && a - (uintptr_t)g->mmio_page < 4096))) {
		/* The shared window, or the MMIO page right above TD memory. */
		shared_alias = 1;
		gpa = a - shrd;
	} else {
		return 0;
	}
	uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	switch (tdx_td_window_fault(g->td, si->si_addr)) {
	case TDX_WINDOW_MAPPED:
		return 1;	/* the access runs again and now succeeds */
	case TDX_WINDOW_BROKEN:
		tdx_trap_die_dead("a memory access", rip);
	default:
		break;		/* denied, or the MMIO page: #VE or a diagnostic */
	}
	if (sig == SIGBUS && gpa >= g->win.size)
		return 0;	/* SIGBUS beyond a window is not ours */

	uint64_t err = (uint64_t)uc->uc_mcontext.gregs[REG_ERR];
	/* Without a handler the access diagnostic says more than "#VE". */
	if (atomic_load(&tdx_trap_g.ve_handler) &&
	    memory_ve(uc, si, shared_alias ? gpa | g->shared_bit : gpa, err))
		return 1;

	struct tdx_line l;

	tdx_trap_access_line(&l, g->td, gpa, shared_alias, g->shared_bit,
			     tdx_trap_access_name(!!(err & PF_FETCH), !!(err & PF_WRITE)), rip);
	tdx_line_write(&l, STDERR_FILENO);
	tdx_trap_exit(TDX_TRAP_EXIT_ACCESS);
}

/* engine.c: the SIGILL side of the trap engine. A TDCALL at the faulting
 * RIP is serviced by the module model as if the CPU had exited to it; any
 * other SIGILL goes where it would have gone without the engine. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tdxkit/names.h"
#include "tdxkit/vmm.h"
#include "trap_int.h"

struct tdx_trap_state tdx_trap_g = { .busy = ATOMIC_FLAG_INIT };
const char *tdx_trap_name = "tdxkit";

/* Module work (SHA-384, the report MAC) runs on this stack; sanitizer
 * builds have much larger frames, hence the generous size. */
#define ALTSTACK_SIZE (512 * 1024)

void tdx_trap_chain(const struct sigaction *old, int sig, siginfo_t *si, void *uc)
{
	if ((old->sa_flags & SA_SIGINFO) && old->sa_sigaction) {
		old->sa_sigaction(sig, si, uc);
		return;
	}
	if (!(old->sa_flags & SA_SIGINFO) && old->sa_handler != SIG_DFL &&
	    old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
		return;
	}
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	/* A fault re-executes and now kills; a sent signal must be re-sent
	 * (it stays pending until the handler returns). */
	if (si->si_code <= 0)
		raise(sig);
}

static int is_tdcall(const uint8_t *ip)
{
	/* Byte by byte: never read past an instruction that is not TDCALL. */
	return ip[0] == 0x66 && ip[1] == 0x0F && ip[2] == 0x01 && ip[3] == 0xCC;
}

static const char *vector_name(unsigned v)
{
	switch (v) {
	case 6: return "#UD";
	case 8: return "#DF";
	case 13: return "#GP";
	case 14: return "#PF";
	case 20: return "#VE";
	default: return "exception";
	}
}

static void __attribute__((noreturn)) die_inject(const struct tdx_inject *inj,
						 const struct tdx_regs *r)
{
	struct tdx_line l;

	tdx_line_init(&l);
	tdx_line_str(&l, "the module injected ");
	tdx_line_str(&l, vector_name(inj->vector));
	tdx_line_str(&l, " (vector ");
	tdx_line_dec(&l, inj->vector);
	tdx_line_str(&l, ", error code ");
	tdx_line_hex(&l, inj->error_code);
	tdx_line_str(&l, ") on the TDCALL at RIP ");
	tdx_line_hex(&l, r->rip);
	tdx_line_str(&l, inj->vector == 20 ? "; the program registered no #VE handler"
					   : "; delivering this exception to the program is not supported");
	tdx_line_write(&l, STDERR_FILENO);
	_exit(TDX_TRAP_EXIT_INJECT);
}

static void __attribute__((noreturn)) die_dead(const struct tdx_regs *in)
{
	struct tdx_line l;
	const char *why = tdx_td_dead_reason(tdx_trap_g.td);

	tdx_line_init(&l);
	tdx_line_str(&l, why ? why : "the TD is dead");
	const char *leaf = tdx_leaf_name(in->rax & TDX_LEAF_MASK);
	tdx_line_str(&l, " (");
	if (leaf && !(in->rax & ~TDX_LEAF_MASK)) {
		tdx_line_str(&l, leaf);
	} else {
		tdx_line_str(&l, "TDCALL RAX ");
		tdx_line_hex(&l, in->rax);
	}
	tdx_line_str(&l, " at RIP ");
	tdx_line_hex(&l, in->rip);
	tdx_line_str(&l, ")");
	tdx_line_write(&l, STDERR_FILENO);
	_exit(TDX_TRAP_EXIT_DEAD);
}

void tdx_trap_end_if_host_ended(void)
{
	struct tdx_vmm *v = tdx_trap_g.vmm;
	int st;

	if (!v || !tdx_vmm_exit_status(v, &st))
		return;
	if (tdx_trap_g.stats) {
		/* The process ends here: no other code of it runs after stdio. */
		tdx_vmm_print_stats(v, stderr);
		fflush(stderr);
	}
	_exit(st & 0xFF);
}

void tdx_trap_lock(void)
{
	while (atomic_flag_test_and_set_explicit(&tdx_trap_g.busy, memory_order_acquire))
		__builtin_ia32_pause();
}

void tdx_trap_unlock(void)
{
	atomic_flag_clear_explicit(&tdx_trap_g.busy, memory_order_release);
}

static void sigill_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	struct tdx_trap_state *g = &tdx_trap_g;
	const uint8_t *ip = (const uint8_t *)uc->uc_mcontext.gregs[REG_RIP];

	if (!g->installed || si->si_code <= 0 || !is_tdcall(ip)) {
		tdx_trap_chain(&g->old_ill, sig, si, ucv);
		return;
	}

	struct tdx_regs r, in;
	struct tdx_inject inj = { 0 };
	int saved_errno = errno;

	tdx_trap_regs_from_uc(uc, &r);
	in = r;
	/* Async signals are blocked in here, so the lock is only ever
	 * contended by another thread, never re-entered by this one (a #VE
	 * handler's TDCALLs come after the unlock below). */
	tdx_trap_lock();
	struct tdx_vmm *vmm = g->vmm;
	enum tdx_tdcall_outcome o;
	int irq = -1;
	if (vmm) {
		/* Any trap is a host entry: a quote in flight completes now. */
		tdx_vmm_poll(vmm);
		o = tdx_vmm_tdcall(vmm, g->td, g->vcpu, &r, &inj);
		irq = tdx_vmm_take_interrupt(vmm);
	} else {
		o = tdx_tdcall(g->td, g->vcpu, &r, &inj);
	}
	if (o == TDX_OUTCOME_INJECT && g->inject &&
	    g->inject(g->inject_ctx, g->td, g->vcpu, &inj, &r) == 0)
		o = TDX_OUTCOME_REEXECUTE;	/* delivered: resume with the hook's registers */
	tdx_trap_unlock();
	errno = saved_errno;
	/* A user program has no interrupt entry point: say so, drop it (the
	 * guest polls the GetQuote status word instead). */
	if (irq >= 0)
		tdx_trap_trace_irq(irq, in.rip);

	if (o == TDX_OUTCOME_INJECT && inj.vector == 20 && atomic_load(&g->ve_handler)) {
		/* Fault-like: the handler sees RIP at the TDCALL and, once it has
		 * fixed the cause (accepted the page), the TDCALL runs again. */
		tdx_trap_deliver_ve(uc, &inj, "a TDCALL memory operand", NULL);
		return;
	}

	switch (o) {
	case TDX_OUTCOME_DONE:		/* RIP already past the TDCALL */
	case TDX_OUTCOME_REEXECUTE:	/* RIP still at it: it runs again */
		tdx_trap_regs_to_uc(&r, uc);
		return;
	case TDX_OUTCOME_INJECT:
		die_inject(&inj, &r);
	default:
		tdx_trap_end_if_host_ended();	/* exit port, ReportFatalError */
		die_dead(&in);
	}
}

int tdx_trap_install(struct tdx_td *td, unsigned vcpu, char *err, size_t errlen)
{
	struct tdx_trap_state *g = &tdx_trap_g;
	char dummy[1];

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (g->installed)
		return snprintf(err, errlen, "the trap engine is already installed"), -1;
	if (!td)
		return snprintf(err, errlen, "no TD given"), -1;
	if (vcpu >= tdx_td_config(td)->num_vcpus)
		return snprintf(err, errlen, "VCPU %u does not exist (the TD has %u)", vcpu,
				tdx_td_config(td)->num_vcpus), -1;

	void *stk = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stk == MAP_FAILED)
		return snprintf(err, errlen, "cannot map the signal stack: %s", strerror(errno)), -1;
	stack_t ss = { .ss_sp = stk, .ss_size = ALTSTACK_SIZE, .ss_flags = 0 };
	if (sigaltstack(&ss, &g->old_ss)) {
		snprintf(err, errlen, "sigaltstack: %s", strerror(errno));
		munmap(stk, ALTSTACK_SIZE);
		return -1;
	}
	g->altstack = stk;
	g->altstack_size = ALTSTACK_SIZE;
	g->td = td;
	g->vcpu = vcpu;
	tdx_td_windows(td, &g->win);
	g->shared_bit = tdx_td_shared_bit(td);
	/* The first GPA above TD memory is the default host's MMIO device
	 * (vmm.h): reserve the page after the shared window so that a touch
	 * there faults as an MMIO #VE, not into whatever else is mapped. */
	g->mmio_page = NULL;
	g->mmio_owned = 0;
	if (g->win.shared_base) {
		uint8_t *want = g->win.shared_base + g->win.size;
		void *p = mmap(want, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			       -1, 0);
		if (p == want) {
			g->mmio_page = p;
			g->mmio_owned = 1;
		} else {
			if (p != MAP_FAILED)
				munmap(p, 4096);	/* an old kernel placed it elsewhere */
			/* Taken: the model's own guard page (mem.c), unless it is
			 * the start of the private window. */
			uint8_t *pb = g->win.private_base;
			if (!(pb && want >= pb && want < pb + g->win.size))
				g->mmio_page = want;
		}
	}
	g->installed = 1;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	/* Block every asynchronous signal while the module runs: a program
	 * handler that executes TDCALL must not interrupt a TDCALL in flight.
	 * Faults stay deliverable so that a crash is still a crash, and so do
	 * SIGILL and SIGSEGV themselves (SA_NODEFER): the #VE handler runs
	 * inside them and executes TDCALLs, and may fault again (#DF). */
	sigfillset(&sa.sa_mask);
	sigdelset(&sa.sa_mask, SIGILL);
	sigdelset(&sa.sa_mask, SIGSEGV);
	sigdelset(&sa.sa_mask, SIGBUS);
	sigdelset(&sa.sa_mask, SIGFPE);
	sigdelset(&sa.sa_mask, SIGTRAP);
	sigdelset(&sa.sa_mask, SIGABRT);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER;
	sa.sa_sigaction = sigill_handler;
	if (sigaction(SIGILL, &sa, &g->old_ill)) {
		snprintf(err, errlen, "sigaction(SIGILL): %s", strerror(errno));
		goto undo_stack;
	}
	sa.sa_sigaction = tdx_trap_segv_handler;
	if (sigaction(SIGSEGV, &sa, &g->old_segv)) {
		snprintf(err, errlen, "sigaction(SIGSEGV): %s", strerror(errno));
		sigaction(SIGILL, &g->old_ill, NULL);
		goto undo_stack;
	}
	return 0;

undo_stack:
	if (g->mmio_owned)
		munmap(g->mmio_page, 4096);
	g->mmio_page = NULL;
	g->installed = 0;
	g->td = NULL;
	sigaltstack(&g->old_ss, NULL);
	munmap(stk, ALTSTACK_SIZE);
	g->altstack = NULL;
	return -1;
}

void tdx_trap_uninstall(void)
{
	struct tdx_trap_state *g = &tdx_trap_g;

	if (!g->installed)
		return;
	sigaction(SIGILL, &g->old_ill, NULL);
	sigaction(SIGSEGV, &g->old_segv, NULL);
	g->installed = 0;
	tdx_trap_set_ve_handler(NULL);
	g->vmm = NULL;
	g->stats = 0;
	if (g->mmio_owned)
		munmap(g->mmio_page, 4096);
	g->mmio_page = NULL;
	g->td = NULL;
	stack_t cur;
	/* Only drop the stack if it is still ours (the program may have set its own). */
	if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == g->altstack) {
		if (g->old_ss.ss_flags & SS_DISABLE) {
			stack_t off = { .ss_flags = SS_DISABLE };
			sigaltstack(&off, NULL);
		} else {
			sigaltstack(&g->old_ss, NULL);
		}
		munmap(g->altstack, g->altstack_size);
	}
	g->altstack = NULL;
}

struct tdx_td *tdx_trap_td(void)
{
	return tdx_trap_g.installed ? tdx_trap_g.td : NULL;
}

void tdx_trap_set_name(const char *name)
{
	tdx_trap_name = name ? name : "tdxkit";
}

void tdx_trap_set_vmm(struct tdx_vmm *vmm)
{
	tdx_trap_lock();
	tdx_trap_g.vmm = vmm;
	tdx_trap_unlock();
}

void tdx_trap_set_inject_hook(tdx_trap_inject_fn fn, void *ctx)
{
	tdx_trap_g.inject = fn;
	tdx_trap_g.inject_ctx = ctx;
}

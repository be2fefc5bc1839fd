/* engine.c: the trap engine's signal handlers and its life cycle. One
 * handler serves SIGILL, SIGSEGV and SIGBUS: tdx_trap_classify() says what
 * the CPU raised (TDCALL, an instruction that is a #VE in a TD, CPUID), a
 * fault in a TD window goes to window.c, anything else goes where it would
 * have gone without the engine. No lock is held across the module: each
 * thread is its own VCPU and the model locks what the real module locks. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tdxkit/names.h"
#include "trap_int.h"

struct tdx_trap_state tdx_trap_g;
const char *tdx_trap_name = "tdxkit";
/* Where the TD windows are, for tdx-run --gdb's script (tdx-run-gdb.py):
 * private base, shared base, size. Exported on purpose, data only. */
__attribute__((visibility("default"))) volatile uint64_t tdxkit_gdb_windows[3];

#define ALTSTACK_SIZE (512 * 1024)	/* the installing thread's; vcpu.c for the others */

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

_Noreturn void tdx_trap_exit(int status)
{
	struct tdx_trap_state *g = &tdx_trap_g;

	if (g->end)
		g->end(g->end_ctx, status);
	_exit(status);
}

void tdx_trap_end_if_host_ended(void)
{
	int st;

	if (tdx_trap_g.td && tdx_td_end_status(tdx_trap_g.td, &st))
		tdx_trap_exit(st & 0xFF);
}

_Noreturn void tdx_trap_die_dead(const char *what, uint64_t rip)
{
	struct tdx_line l;
	const char *why = tdx_td_dead_reason(tdx_trap_g.td);

	tdx_trap_end_if_host_ended();	/* exit port, ReportFatalError: not a death */
	tdx_line_init(&l);
	tdx_line_str(&l, why ? why : "the TD is dead");
	tdx_line_str(&l, " (");
	tdx_line_str(&l, what);
	tdx_line_str(&l, " at RIP ");
	tdx_line_hex(&l, rip);
	tdx_line_str(&l, ")");
	tdx_line_write(&l, STDERR_FILENO);
	tdx_trap_exit(TDX_TRAP_EXIT_DEAD);
}

/* The exception's mnemonic for the one-line reason. */
static const char *vector_name(unsigned v)
{
	const char *n = tdx_vector_name(v);
	return n ? n : "exception";
}

static _Noreturn void die_inject(const struct tdx_inject *inj, const struct tdx_regs *r)
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
	tdx_trap_exit(TDX_TRAP_EXIT_INJECT);
}

/* The name of a TDCALL for a diagnostic: the leaf, or RAX as given. */
static void name_tdcall(struct tdx_line *l, const struct tdx_regs *in)
{
	const char *leaf = tdx_leaf_name(in->rax & TDX_LEAF_MASK);

	if (leaf && !(in->rax & ~TDX_LEAF_MASK)) {
		tdx_line_str(l, leaf);
	} else {
		tdx_line_str(l, "TDCALL RAX ");
		tdx_line_hex(l, in->rax);
	}
}

static _Noreturn void die_dead_tdcall(const struct tdx_regs *in)
{
	struct tdx_line l;
	const char *why = tdx_td_dead_reason(tdx_trap_g.td);

	tdx_trap_end_if_host_ended();
	tdx_line_init(&l);
	tdx_line_str(&l, why ? why : "the TD is dead");
	tdx_line_str(&l, " (");
	name_tdcall(&l, in);
	tdx_line_str(&l, " at RIP ");
	tdx_line_hex(&l, in->rip);
	tdx_line_str(&l, ")");
	/* A GPA operand that is really a pointer of the program's. */
	uint64_t leaf = in->rax & TDX_LEAF_MASK;
	if (leaf == TDG_MEM_PAGE_ACCEPT || leaf == TDG_MR_REPORT || leaf == TDG_MR_RTMR_EXTEND ||
	    leaf == TDG_MR_VERIFYREPORT)
		tdx_trap_hint_gpa(&l, in->rcx & ~0xFFFull);
	tdx_line_write(&l, STDERR_FILENO);
	tdx_trap_exit(TDX_TRAP_EXIT_DEAD);
}

static void tdcall_trap(ucontext_t *uc)
{
	struct tdx_trap_state *g = &tdx_trap_g;
	unsigned vcpu = tdx_trap_self_vcpu();
	struct tdx_regs r, in;
	struct tdx_inject inj = { 0 };
	int saved_errno = errno;

	tdx_trap_regs_from_uc(uc, &r);
	in = r;
	tdx_trap_call_fn call = g->call;
	enum tdx_tdcall_outcome o = call ? call(g->call_ctx, g->td, vcpu, &r, &inj)
					 : tdx_tdcall(g->td, vcpu, &r, &inj);
	if (o == TDX_OUTCOME_INJECT && g->inject &&
	    g->inject(g->inject_ctx, g->td, vcpu, &inj, &r) == 0)
		o = TDX_OUTCOME_REEXECUTE;	/* delivered: resume with the hook's registers */
	errno = saved_errno;

	if (o == TDX_OUTCOME_INJECT && inj.vector == 20 && atomic_load(&g->ve_handler)) {
		/* Fault-like: the handler sees RIP at the TDCALL and, once it has
		 * fixed the cause (accepted the page), the TDCALL runs again. */
		tdx_trap_deliver_ve(uc, vcpu, &inj, "a TDCALL memory operand", NULL);
		return;
	}
	switch (o) {
	case TDX_OUTCOME_DONE:		/* RIP already past the TDCALL */
	case TDX_OUTCOME_REEXECUTE:	/* RIP still at it: it runs again */
		tdx_trap_regs_to_uc(&r, uc);
		/* An interrupt the host posted meanwhile (or that stopped an
		 * interruptible leaf) is taken now, before the next instruction. */
		tdx_trap_deliver_irqs(uc, vcpu);
		return;
	case TDX_OUTCOME_INJECT:
		die_inject(&inj, &r);
	default:
		die_dead_tdcall(&in);
	}
}

/* A process forked from the TD is not part of it (it has a copy of the
 * model, which would drift from the TD's): its first TDCALL stops it. */
static _Noreturn void forked_tdcall(const ucontext_t *uc)
{
	struct tdx_line l;

	tdx_line_init(&l);
	tdx_line_str(&l, "process ");
	tdx_line_dec(&l, (uint64_t)getpid());
	tdx_line_str(&l, ", forked by the TD, made a TDCALL at RIP ");
	tdx_line_hex(&l, (uint64_t)uc->uc_mcontext.gregs[REG_RIP]);
	tdx_line_str(&l, ": a forked child is not part of the TD; stopped");
	tdx_line_write(&l, STDERR_FILENO);
	signal(SIGKILL, SIG_DFL);
	raise(SIGKILL);
	_exit(TDX_TRAP_EXIT_DEAD);
}

static void trap_handler(int sig, siginfo_t *si, void *ucv)
{
	struct tdx_trap_state *g = &tdx_trap_g;
	ucontext_t *uc = ucv;

	if (atomic_load(&g->forked) && si->si_code > 0 &&
	    tdx_trap_classify(sig, si, uc) == TDX_TRAP_TDCALL)
		forked_tdcall(uc);
	if (atomic_load(&g->installed) && !atomic_load(&g->forked) && si->si_code > 0) {
		switch (tdx_trap_classify(sig, si, uc)) {
		case TDX_TRAP_TDCALL:
			tdcall_trap(uc);
			return;
		case TDX_TRAP_VE_INSN:
			tdx_trap_insn_ve(uc);
			return;
		case TDX_TRAP_CPUID:
			if (g->cpuid_faulting) {
				tdx_trap_cpuid(uc);
				return;
			}
			break;
		default:
			if (sig != SIGILL && tdx_trap_window_fault(sig, si, uc))
				return;
			break;
		}
	}
	tdx_trap_chain(sig == SIGILL ? &g->old_ill : sig == SIGSEGV ? &g->old_segv : &g->old_bus,
		       sig, si, ucv);
}

/* The first GPA above TD memory is the default host's MMIO device (vmm.h):
 * reserve the page after the shared window so that a touch there faults
 * as an MMIO #VE, not into whatever else is mapped. */
static void reserve_mmio_page(struct tdx_trap_state *g)
{
	g->mmio_page = NULL;
	g->mmio_owned = 0;
	if (!g->win.shared_base)
		return;
	uint8_t *want = g->win.shared_base + g->win.size;
	void *p = mmap(want, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);
	if (p == want) {
		g->mmio_page = p;
		g->mmio_owned = 1;
		return;
	}
	if (p != MAP_FAILED)
		munmap(p, 4096);	/* an old kernel placed it elsewhere */
	/* Taken: the model's own guard page (mem.c), unless it is the start
	 * of the private window. */
	uint8_t *pb = g->win.private_base;
	if (!(pb && want >= pb && want < pb + g->win.size))
		g->mmio_page = want;
}

static const struct {
	int sig;
	size_t old;	/* offset of the saved action in the state */
} trap_signals[] = {
	{ SIGILL, offsetof(struct tdx_trap_state, old_ill) },
	{ SIGSEGV, offsetof(struct tdx_trap_state, old_segv) },
	{ SIGBUS, offsetof(struct tdx_trap_state, old_bus) },
};
#define NR_TRAP_SIGNALS (sizeof(trap_signals) / sizeof(trap_signals[0]))

static struct sigaction *saved_action(struct tdx_trap_state *g, size_t i)
{
	return (struct sigaction *)((char *)g + trap_signals[i].old);
}

/* The handlers' mask: every asynchronous signal is blocked while the
 * module runs, so a program handler that executes TDCALL cannot interrupt
 * a TDCALL in flight (on hardware the module runs with interrupts off);
 * program handlers run later with SIGTERM/SIGINT/SIGQUIT unblocked (ve.c).
 * Faults stay deliverable, so a crash is still a crash, and so do the
 * engine's own signals (SA_NODEFER): the #VE handler runs inside them and
 * executes TDCALLs, and may fault again (#DF). */
static void handler_mask(sigset_t *m)
{
	sigfillset(m);
	static const int faults[] = { SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGTRAP, SIGABRT, SIGSYS };
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(m, faults[i]);
}

static int install_handlers(struct tdx_trap_state *g, char *err, size_t errlen)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	handler_mask(&sa.sa_mask);
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER;
	sa.sa_sigaction = trap_handler;
	for (size_t i = 0; i < NR_TRAP_SIGNALS; i++) {
		if (sigaction(trap_signals[i].sig, &sa, saved_action(g, i))) {
			snprintf(err, errlen, "sigaction(%s): %s", sigabbrev_np(trap_signals[i].sig),
				 strerror(errno));
			while (i--)
				sigaction(trap_signals[i].sig, saved_action(g, i), NULL);
			return -1;
		}
	}
	/* Host interrupts: the same mask; the handler delivers them. */
	sa.sa_sigaction = tdx_trap_irq_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	g->irq_sig = TDX_TRAP_IRQ_SIGNAL;
	if (sigaction(g->irq_sig, &sa, &g->old_irq)) {
		snprintf(err, errlen, "sigaction(SIGRTMAX-1): %s", strerror(errno));
		for (size_t i = 0; i < NR_TRAP_SIGNALS; i++)
			sigaction(trap_signals[i].sig, saved_action(g, i), NULL);
		return -1;
	}
	return 0;
}

static void restore_handlers(struct tdx_trap_state *g)
{
	for (size_t i = 0; i < NR_TRAP_SIGNALS; i++)
		sigaction(trap_signals[i].sig, saved_action(g, i), NULL);
	sigaction(g->irq_sig, &g->old_irq, NULL);
}

/* The child of a fork: TD memory is not its to touch (the windows go), and
 * its TDCALLs are refused (forked_tdcall). */
static void after_fork_in_child(void)
{
	struct tdx_trap_state *g = &tdx_trap_g;

	if (!atomic_load(&g->installed))
		return;
	atomic_store(&g->forked, 1);
	if (g->win.private_base)
		munmap(g->win.private_base, g->win.size);
	if (g->win.shared_base)
		munmap(g->win.shared_base, g->win.size);
}

int tdx_trap_install(struct tdx_td *td, unsigned vcpu, char *err, size_t errlen)
{
	struct tdx_trap_state *g = &tdx_trap_g;
	char dummy[1];

	if (!err) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (atomic_load(&g->installed))
		return snprintf(err, errlen, "the trap engine is already installed"), -1;
	if (!td)
		return snprintf(err, errlen, "no TD given"), -1;
	unsigned n = tdx_td_config(td)->num_vcpus;
	if (vcpu >= n)
		return snprintf(err, errlen, "VCPU %u does not exist (the TD has %u)", vcpu, n), -1;
	if (n > TDX_TRAP_MAX_VCPUS)
		return snprintf(err, errlen, "the trap engine runs at most %d VCPUs, not %u",
				TDX_TRAP_MAX_VCPUS, n), -1;
	static int atfork_done;
	if (!atfork_done) {
		int e = pthread_atfork(NULL, NULL, after_fork_in_child);
		if (e)
			return snprintf(err, errlen, "pthread_atfork: %s", strerror(e)), -1;
		atfork_done = 1;
	}
	atomic_store(&g->forked, 0);
	g->trap_sig = tdx_trap_probe_signal();
	if (g->trap_sig < 0)
		return snprintf(err, errlen, "cannot find out which signal TDCALL raises on this CPU"), -1;

	void *stk = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (stk == MAP_FAILED)
		return snprintf(err, errlen, "cannot map the signal stack: %s", strerror(errno)), -1;
	stack_t ss = { .ss_sp = stk, .ss_size = ALTSTACK_SIZE, .ss_flags = 0 };
	if (sigaltstack(&ss, &g->old_ss)) {
		snprintf(err, errlen, "sigaltstack: %s", strerror(errno));
		munmap(stk, ALTSTACK_SIZE);
		return -1;
	}
	g->altstack = stk;
	g->td = td;
	g->nvcpus = n;
	tdx_td_windows(td, &g->win);
	g->shared_bit = tdx_td_shared_bit(td);
	reserve_mmio_page(g);
	if (tdx_trap_vcpus_init(g, vcpu)) {
		snprintf(err, errlen, "pthread_key_create: %s", strerror(errno));
		goto undo;
	}
	if (install_handlers(g, err, errlen))
		goto undo;
	tdx_td_set_interrupt_notify(td, tdx_trap_irq_notify, g);
	tdxkit_gdb_windows[0] = (uint64_t)(uintptr_t)g->win.private_base;
	tdxkit_gdb_windows[1] = (uint64_t)(uintptr_t)g->win.shared_base;
	tdxkit_gdb_windows[2] = g->win.size;
	atomic_store(&g->installed, 1);
	g->cpuid_faulting = tdx_trap_cpuid_faulting_on() == 0;
	return 0;

undo:
	tdx_trap_vcpus_fini(g);
	if (g->mmio_owned)
		munmap(g->mmio_page, 4096);
	g->mmio_page = NULL;
	g->td = NULL;
	sigaltstack(&g->old_ss, NULL);
	munmap(stk, ALTSTACK_SIZE);
	g->altstack = NULL;
	return -1;
}

void tdx_trap_uninstall(void)
{
	struct tdx_trap_state *g = &tdx_trap_g;

	if (!atomic_load(&g->installed))
		return;
	if (g->cpuid_faulting)
		tdx_trap_cpuid_faulting_off();
	g->cpuid_faulting = 0;
	restore_handlers(g);
	atomic_store(&g->installed, 0);
	tdxkit_gdb_windows[0] = tdxkit_gdb_windows[1] = tdxkit_gdb_windows[2] = 0;
	/* Fault-driven windows need our SIGBUS handler: back to mprotect. */
	if (tdx_td_window_mode(g->td) == TDX_WINDOWS_FAULT)
		tdx_td_set_window_mode(g->td, TDX_WINDOWS_PROTECT, NULL, 0);
	tdx_td_set_interrupt_notify(g->td, NULL, NULL);
	tdx_trap_vcpus_fini(g);
	tdx_trap_set_ve_handler(NULL);
	tdx_trap_set_irq_handler(NULL);
	g->call = NULL;
	g->end = NULL;
	g->inject = NULL;
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
		munmap(g->altstack, ALTSTACK_SIZE);
	}
	g->altstack = NULL;
}

struct tdx_td *tdx_trap_td(void)
{
	return atomic_load(&tdx_trap_g.installed) ? tdx_trap_g.td : NULL;
}

int tdx_trap_cpuid_virtualized(void)
{
	return atomic_load(&tdx_trap_g.installed) && tdx_trap_g.cpuid_faulting;
}

void tdx_trap_set_name(const char *name)
{
	tdx_trap_name = name ? name : "tdxkit";
}

void tdx_trap_set_inject_hook(tdx_trap_inject_fn fn, void *ctx)
{
	tdx_trap_g.inject = fn;
	tdx_trap_g.inject_ctx = ctx;
}

void tdx_trap_set_call_fn(tdx_trap_call_fn fn, void *ctx)
{
	tdx_trap_g.call_ctx = ctx;
	tdx_trap_g.call = fn;
}

void tdx_trap_set_end_hook(tdx_trap_end_fn fn, void *ctx)
{
	tdx_trap_g.end_ctx = ctx;
	tdx_trap_g.end = fn;
}

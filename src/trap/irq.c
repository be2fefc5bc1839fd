/* irq.c: interrupts the host posts for a VCPU (a GetQuote notification,
 * SetupEventNotifyInterrupt 3.4) delivered to the program's interrupt
 * handler on that VCPU's thread, at once: the module's notify hook sends
 * the thread TDX_TRAP_IRQ_SIGNAL, and every trap of the thread also takes
 * what is pending. Without a handler a vector is traced and dropped. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "trap_int.h"

void tdx_trap_set_irq_handler(tdx_irq_handler_fn fn)
{
	atomic_store(&tdx_trap_g.irq_handler, fn);
}

__attribute__((visibility("default"))) int tdxkit_irq_register(tdx_irq_handler_fn fn)
{
	if (!atomic_load(&tdx_trap_g.installed))
		return -1;
	tdx_trap_set_irq_handler(fn);
	return 0;
}

/* The host's thread posted a vector (tdx_vcpu_post_interrupt). A VCPU no
 * thread holds yet keeps it pending for the thread that will. */
void tdx_trap_irq_notify(void *ctx, unsigned vcpu)
{
	struct tdx_trap_state *g = ctx;
	pid_t tid = vcpu < TDX_TRAP_MAX_VCPUS ? atomic_load(&g->vcpu_tid[vcpu]) : 0;

	if (tid > 0) {
		int e = errno;
		tgkill(getpid(), tid, g->irq_sig);	/* ESRCH: it just exited */
		errno = e;
	}
}

struct irq_call {
	tdx_irq_handler_fn fn;
	unsigned vector;
	struct tdx_ve_frame *f;
};

static void call_irq(void *p)
{
	struct irq_call *c = p;
	c->fn(c->vector, c->f);
}

void tdx_trap_deliver_irqs(ucontext_t *uc, unsigned vcpu)
{
	struct tdx_trap_state *g = &tdx_trap_g;
	int vec;

	while ((vec = tdx_vcpu_take_interrupt(g->td, vcpu)) >= 0) {
		tdx_irq_handler_fn fn = atomic_load(&g->irq_handler);
		uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];

		tdx_trap_trace_irq(vcpu, vec, rip, fn != NULL);
		if (!fn)
			continue;
		struct tdx_ve_frame f;
		struct irq_call call = { fn, (unsigned)vec, &f };
		int saved_errno = errno;
		tdx_trap_frame_from_uc(uc, &f);
		tdx_trap_run_program_handler(call_irq, &call);
		tdx_trap_frame_to_uc(&f, uc);
		errno = saved_errno;
	}
}

void tdx_trap_irq_handler(int sig, siginfo_t *si, void *ucv)
{
	struct tdx_trap_state *g = &tdx_trap_g;
	int vcpu = tdx_trap_self_vcpu_if_bound();

	/* Only the engine's own tgkill is ours: a signal someone else sent
	 * goes to the handler the program had. */
	if (!atomic_load(&g->installed) || si->si_code != SI_TKILL || si->si_pid != getpid()) {
		tdx_trap_chain(&g->old_irq, sig, si, ucv);
		return;
	}
	if (vcpu >= 0)
		tdx_trap_deliver_irqs(ucv, (unsigned)vcpu);
}

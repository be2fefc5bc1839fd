/* run.c: direct mode. The built-in host loop around the module: a TDCALL
 * is retried across TD exits until the guest sees its result, as a VMM
 * running TDH.VP.ENTER in a loop would make it look to the guest. */
#include <stdio.h>
#include <string.h>

#include "td.h"

/* A re-executed TDCALL whose exit the host "fixed" this many times without
 * progress means the host is broken: give up rather than spin forever. */
#define MAX_REEXEC 64

void tdx_exit_ept_violation(struct tdx_call *c, uint64_t gpa, uint64_t qual,
			    uint64_t eeq, const char *why)
{
	struct tdx_td_exit *e = c->exit;

	memset(e, 0, sizeof(*e));
	e->status = TDX_SUCCESS | TDX_EXIT_EPT_VIOLATION;
	e->exit_qual = qual;
	e->ext_exit_qual = eeq;
	e->gpa = gpa & ~0xFFFull;	/* section 11: low 12 bits cleared */
	e->why = why;
	c->outcome = TDX_OUTCOME_TD_EXIT;
}

void tdx_exit_trap_like(struct tdx_call *c, uint64_t guest_rax)
{
	c->regs->rip += TDX_TDCALL_LEN;
	c->vcpu->trap_rax = guest_rax;
	c->vcpu->in_trap = 1;
	c->outcome = TDX_OUTCOME_TD_EXIT;
}

static int default_tdvmcall(struct tdx_td_exit *e)
{
	/* No host attached: every service is unsupported (GHCI status). */
	e->vmm.r10 = TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED;
	return 0;
}

static int host_handle(struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	const struct tdx_host_ops *h = &td->cfg.host;
	uint32_t reason = TDX_EXIT_REASON_BASIC((uint32_t)e->status);
	char why[200];

	if (reason == TDX_EXIT_TDCALL) {
		int rc = h->tdvmcall ? h->tdvmcall(h->ctx, td, vcpu, e) : default_tdvmcall(e);
		if (rc)
			tdx_td_kill(td, "the host stopped the TD on a TDVMCALL");
		return rc;
	}
	if (reason == TDX_EXIT_EPT_VIOLATION) {
		struct tdx_ept_refusal no;
		if (tdx_builtin_host_ept(td, e, &no) == 0)
			return 0;
		if (h->td_exit && h->td_exit(h->ctx, td, vcpu, e) == 0)
			return 0;
		tdx_ept_refusal_text(td, &no, why, sizeof(why));
		tdx_td_kill(td, "%s", why);
		return -1;
	}
	if (TDX_STATUS_CODE(e->status) == TDX_CROSS_TD_TRAP) {
		/* Trap-like: the guest already has its status; a host without a
		 * td_exit callback just enters the TD again. */
		if (!h->td_exit || h->td_exit(h->ctx, td, vcpu, e) == 0)
			return 0;
		tdx_td_kill(td, "the host stopped the TD on a cross-TD trap (%s)", e->why ? e->why : "");
		return -1;
	}
	if (h->td_exit && h->td_exit(h->ctx, td, vcpu, e) == 0)
		return 0;
	tdx_td_kill(td, "unhandled TD exit: status 0x%016llx (%s)",
		    (unsigned long long)e->status, e->why ? e->why : "no reason given");
	return -1;
}

enum tdx_tdcall_outcome tdx_tdcall(struct tdx_td *td, unsigned vcpu,
				   struct tdx_regs *regs, struct tdx_inject *inj)
{
	struct tdx_regs in;	/* the inputs, kept only for the trace hook */
	uint64_t rip0 = regs->rip;
	struct tdx_td_exit exit;
	struct tdx_inject scratch;
	enum tdx_tdcall_outcome o = TDX_OUTCOME_TD_DEAD;

	if (!inj)
		inj = &scratch;
	if (vcpu >= td->cfg.num_vcpus) {
		snprintf(td->dead_reason, sizeof(td->dead_reason),
			 "VCPU %u does not exist (the TD has %u)", vcpu, td->cfg.num_vcpus);
		return TDX_OUTCOME_TD_DEAD;
	}
	if (atomic_load(&td->dead))
		return TDX_OUTCOME_TD_DEAD;
	if (td->trace)
		in = *regs;

	for (unsigned n = 0; n < MAX_REEXEC; n++) {
		o = tdx_module_tdcall(td, vcpu, regs, &exit, inj);
		if (o != TDX_OUTCOME_TD_EXIT)
			break;
		if (host_handle(td, vcpu, &exit) || tdx_td_check_windows(td)) {
			o = TDX_OUTCOME_TD_DEAD;
			break;
		}
		o = tdx_module_resume(td, vcpu, regs, &exit);
		if (o != TDX_OUTCOME_REEXECUTE)
			break;
		o = TDX_OUTCOME_TD_DEAD;	/* in case the loop runs out */
	}
	if (o == TDX_OUTCOME_TD_DEAD)
		tdx_td_kill(td, "the TDCALL at RIP 0x%llx made no progress after %d host fixes",
			    (unsigned long long)rip0, MAX_REEXEC);	/* unless it died already */
	if (td->trace)
		td->trace(td->trace_ctx, vcpu, &in, regs, o);
	return o;
}

/* ve.c: #VE for guest actions outside a TDCALL (section 4.1): instruction
 * #VEs (IO, HLT, MSR, ...) and EPT-violation #VEs, with the VALID / #DF rule
 * of tdx_inject_ve(). The trap engine calls this from its SIGSEGV handler. */
#include "td.h"

/* Is an EPT violation at ev->gpa a #VE (1) or a TD exit to the host (0)? */
static int ept_violation_is_ve(const struct tdx_td *td, uint64_t gpa)
{
	struct tdx_page_state st;

	if (tdx_td_page_state(td, gpa, &st))
		/* Beyond TD memory: a shared GPA is emulated MMIO all the same
		 * (KVM's non-present shared-EPT entry, below; the default host's
		 * test device sits right above TD memory); a private one is the
		 * host's business. */
		return (gpa & td->shared_bit) != 0;
	if (gpa & td->shared_bit)
		/* Shared GPA: KVM maps emulated MMIO as non-present shared-EPT
		 * entries with suppress-#VE clear, so the CPU delivers #VE; a
		 * page the host did map shared cannot fault (4.1). A private
		 * page touched through the shared alias is the same to the CPU:
		 * its shared-EPT entry is not present. */
		return !st.shared;
	if (st.shared)
		return 0;	/* private alias of a shared page: no SEPT leaf, TD exit */
	/* FREE counts as PENDING: the host answers the first EPT-violation
	 * exit with AUG and the re-executed access then finds a PENDING page. */
	if (st.sept != TDX_SEPT_PENDING && st.sept != TDX_SEPT_FREE)
		return 0;
	/* 4.1 / 8.2: PENDING_VE_DISABLE set means an exit the host (KVM)
	 * reads as "touched before accept" and kills the TD. */
	return !(td->td_ctls & TDX_TD_CTLS_PENDING_VE_DISABLE);
}

enum tdx_tdcall_outcome tdx_module_virtualization_exception(struct tdx_td *td, unsigned vcpu,
							    const struct tdx_ve_event *ev,
							    struct tdx_inject *inj)
{
	if (!td || atomic_load(&td->dead) || vcpu >= td->cfg.num_vcpus)
		return TDX_OUTCOME_TD_DEAD;
	if (TDX_EXIT_REASON_BASIC(ev->exit_reason) == TDX_EXIT_EPT_VIOLATION &&
	    !ept_violation_is_ve(td, ev->gpa))
		return TDX_OUTCOME_TD_EXIT;

	struct tdx_call c = {
		.td = td, .vcpu = &td->vcpus[vcpu], .inj = inj, .outcome = TDX_OUTCOME_DONE,
	};
	tdx_inject_ve(&c, ev->exit_reason, ev->exit_qual, ev->gla, ev->gpa, ev->instr_len,
		      ev->instr_info);
	return c.outcome;
}

int tdx_vcpu_ve_info(const struct tdx_td *td, unsigned vcpu, struct tdx_ve_event *out)
{
	if (!td || vcpu >= td->cfg.num_vcpus)
		return -1;
	const struct tdx_ve_info *ve = &td->vcpus[vcpu].ve;
	out->exit_reason = ve->exit_reason;
	out->exit_qual = ve->exit_qual;
	out->gla = ve->gla;
	out->gpa = ve->gpa;
	out->instr_len = ve->instr_len;
	out->instr_info = ve->instr_info;
	return ve->valid != 0;
}

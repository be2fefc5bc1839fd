/* tdg_vp_veinfo_get.c: TDG.VP.VEINFO.GET (leaf 3), section 4.2, and the
 * #VE injection rule of section 4.1 (VALID protocol, #DF on nesting). */
#include "td.h"

uint64_t tdg_vp_veinfo_get(struct tdx_call *c)
{
	struct tdx_ve_info *ve = &c->vcpu->ve;
	struct tdx_regs *r = c->regs;

	if (ve->valid != TDX_VE_INFO_VALID) {
		r->rcx = r->rdx = r->r8 = r->r9 = r->r10 = 0;
		return TDX_NO_VALID_VE_INFO;
	}
	r->rcx = ve->exit_reason;
	r->rdx = ve->exit_qual;
	r->r8 = ve->gla;
	r->r9 = ve->gpa;
	r->r10 = (uint64_t)ve->instr_len | ((uint64_t)ve->instr_info << 32);
	ve->valid = 0;
	return TDX_SUCCESS;
}

void tdx_inject_ve(struct tdx_call *c, uint32_t exit_reason, uint64_t qual,
		   uint64_t gla, uint64_t gpa, uint32_t instr_len, uint32_t instr_info)
{
	struct tdx_ve_info *ve = &c->vcpu->ve;

	c->outcome = TDX_OUTCOME_INJECT;
	c->inj->error_code = 0;
	if (ve->valid) {
		/* A #VE while the last one's info is still unread becomes #DF. */
		c->inj->vector = 8;
		return;
	}
	ve->exit_reason = exit_reason;
	ve->exit_qual = qual;
	ve->gla = gla;
	ve->gpa = gpa;
	ve->eptp_index = 0;
	ve->instr_len = instr_len;
	ve->instr_info = instr_info;
	ve->valid = TDX_VE_INFO_VALID;
	c->inj->vector = 20;
}

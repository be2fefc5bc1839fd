/* tdg_vp_vmcall.c: TDG.VP.VMCALL (leaf 0): expose-mask checks and the
 * trap-like TD exit that hands the selected registers to the VMM (3.1). */
#include <string.h>

#include "td.h"

uint64_t tdg_vp_vmcall(struct tdx_call *c)
{
	struct tdx_regs *r = c->regs;
	uint64_t ctl = r->rcx;
	uint32_t gprs = TDX_VMCALL_GPR_SELECT(ctl);
	uint32_t xmms = TDX_VMCALL_XMM_SELECT(ctl);
	uint32_t forbidden = TDX_VMCALL_FORBIDDEN_GPRS;

	if (c->td->cfg.config_flags & TDX_CONFIG_FLAGS_NO_RBP_MOD)
		forbidden |= 1u << TDX_GPR_RBP;
	if ((ctl & TDX_VMCALL_RSVD_MASK) || (gprs & forbidden))
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);

	struct tdx_td_exit *e = c->exit;
	memset(e, 0, sizeof(*e));
	e->status = TDX_EXIT_TDCALL;
	e->exit_qual = ctl & 0xFFFFFFFFull;	/* VM index 0: the L1 itself */
	e->vm = 0;
	e->why = "TDG.VP.VMCALL";
	for (unsigned i = TDX_GPR_RDX; i < TDX_NR_GPRS; i++)
		if (gprs & (1u << i))
			e->vmm.gpr[i] = r->gpr[i];
	for (unsigned i = 0; i < 16; i++)
		if (xmms & (1u << i))
			memcpy(e->vmm.xmm[i], r->xmm[i], sizeof(r->xmm[i]));

	/* Trap-like: RIP is past the TDCALL before the host sees the exit. */
	r->rip += TDX_TDCALL_LEN;
	c->vcpu->vmcall_ctl = ctl;
	c->vcpu->in_vmcall = 1;
	c->outcome = TDX_OUTCOME_TD_EXIT;
	return TDX_SUCCESS;
}

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

	/* Every field written once, selected registers or 0, rather than a
	 * memset of the whole exit and a copy on top: this is the fast path of
	 * every TDVMCALL. */
	struct tdx_td_exit *e = c->exit;
	e->status = TDX_EXIT_TDCALL;
	e->exit_qual = ctl & 0xFFFFFFFFull;	/* VM index 0: the L1 itself */
	e->ext_exit_qual = e->gpa = e->intr_info = 0;
	e->vm = 0;
	e->why = "TDG.VP.VMCALL";
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		e->vmm.gpr[i] = (gprs >> i) & 1 ? r->gpr[i] : 0;
	e->vmm.rip = e->vmm.rflags = 0;
	for (unsigned i = 0; i < 16; i++) {
		int sel = (xmms >> i) & 1;
		e->vmm.xmm[i][0] = sel ? r->xmm[i][0] : 0;
		e->vmm.xmm[i][1] = sel ? r->xmm[i][1] : 0;
	}

	/* Trap-like: RIP is past the TDCALL before the host sees the exit. */
	r->rip += TDX_TDCALL_LEN;
	c->vcpu->vmcall_ctl = ctl;
	c->vcpu->in_vmcall = 1;
	c->outcome = TDX_OUTCOME_TD_EXIT;
	return TDX_SUCCESS;
}

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
	/* Zeros, then only the selected registers (a walk over the set bits:
	 * a TDVMCALL selects a few). */
	memset(e->vmm.gpr, 0, sizeof(e->vmm.gpr));
	for (uint32_t s = gprs; s; s &= s - 1)
		e->vmm.gpr[__builtin_ctz(s)] = r->gpr[__builtin_ctz(s)];
	e->vmm.rip = e->vmm.rflags = 0;
	memset(e->vmm.xmm, 0, sizeof(e->vmm.xmm));
	for (uint32_t s = xmms; s; s &= s - 1)
		memcpy(e->vmm.xmm[__builtin_ctz(s)], r->xmm[__builtin_ctz(s)], sizeof(r->xmm[0]));

	/* Trap-like: RIP is past the TDCALL before the host sees the exit. */
	r->rip += TDX_TDCALL_LEN;
	c->vcpu->vmcall_ctl = ctl;
	c->vcpu->in_vmcall = 1;
	c->outcome = TDX_OUTCOME_TD_EXIT;
	return TDX_SUCCESS;
}

/* tdg_vp_invept.c: TDG.VP.INVEPT (leaf 26), tdx-abi.md 7.5: RCX bit n
 * (n = 1..NUM_L2_VMS) = INVEPT single-context for VM n. */
#include "td.h"

uint64_t tdg_vp_invept(struct tdx_call *c)
{
	uint64_t rcx = c->regs->rcx;
	uint64_t ok = ((1ull << (c->td->cfg.num_l2_vms + 1)) - 1) & ~1ull;

	if (rcx & ~ok)	/* bit 0 (L1) or a VM above NUM_L2_VMS */
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	for (unsigned vm = 1; vm <= c->td->cfg.num_l2_vms; vm++)
		if (rcx & (1ull << vm))
			tdx_l2_invalidate(c, vm, 1, 0);
	return TDX_SUCCESS;
}

/* tdg_vp_cpuidve_set.c: TDG.VP.CPUIDVE.SET (leaf 5): RCX bit 0 = #VE on
 * CPUID at CPL 0, bit 1 = at CPL > 0; other bits reserved (1.5). */
#include "td.h"

uint64_t tdg_vp_cpuidve_set(struct tdx_call *c)
{
	uint64_t rcx = c->regs->rcx;

	if (rcx & ~0x3ull)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	c->vcpu->cpuid_supervisor_ve = rcx & 1;
	c->vcpu->cpuid_user_ve = (rcx >> 1) & 1;
	return TDX_SUCCESS;
}

/* ghci_msr.c: Instruction.RDMSR / WRMSR (tdx-abi.md 3.4). A refused MSR is
 * an answer (INVALID_OPERAND; the caller injects #GP), so it is returned:
 * the review (seed 003) keeps MSR errors out of the fatal path. */
#include "tdxkit/ghci.h"

uint64_t tdx_ghci_rdmsr(uint32_t msr, uint64_t *val)
{
	struct tdx_tdvmcall_out o;
	uint64_t st = tdx_tdvmcall(0, TDVMCALL_RDMSR, msr, 0, 0, 0, TDX_GHCI_MASK_RDMSR, &o);

	*val = st == TDVMCALL_STATUS_SUCCESS ? o.r11 : 0;
	return st;
}

uint64_t tdx_ghci_wrmsr(uint32_t msr, uint64_t val)
{
	/* R13 = EDX:EAX as one value, as KVM splits it back (3.4). */
	return tdx_tdvmcall(0, TDVMCALL_WRMSR, msr, val, 0, 0, TDX_GHCI_MASK_WRMSR, NULL);
}

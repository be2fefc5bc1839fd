/* ghci_misc.c: CPUID, HLT, GetTdVmCallInfo and KVM hypercalls
 * (tdx-abi.md 3.4, 3.6, 3.10). */
#include "tdxkit/ghci.h"
#include "tdxkit/run.h"

uint64_t tdx_ghci_cpuid(uint32_t leaf, uint32_t subleaf, struct tdx_ghci_cpuid *out)
{
	struct tdx_tdvmcall_out o;
	/* R14, R15 are outputs only: exposed, sent as 0. */
	uint64_t st = tdx_tdvmcall(0, TDVMCALL_CPUID, leaf, subleaf, 0, 0,
				   TDX_GHCI_MASK_CPUID, &o);
	bool ok = st == TDVMCALL_STATUS_SUCCESS;

	/* CPUID writes 32-bit registers: the host's upper halves are dropped. */
	out->eax = ok ? (uint32_t)o.r12 : 0;
	out->ebx = ok ? (uint32_t)o.r13 : 0;
	out->ecx = ok ? (uint32_t)o.r14 : 0;
	out->edx = ok ? (uint32_t)o.r15 : 0;
	return st;
}

uint64_t tdx_ghci_hlt(bool irqs_blocked)
{
	return tdx_tdvmcall(0, TDVMCALL_HLT, irqs_blocked ? 1 : 0, 0, 0, 0,
			    TDX_GHCI_MASK_HLT, NULL);
}

uint64_t tdx_ghci_get_td_vm_call_info(uint64_t leaf, struct tdx_ghci_info *out)
{
	struct tdx_tdvmcall_out o;
	uint64_t st = tdx_tdvmcall(0, TDVMCALL_GET_TD_VM_CALL_INFO, leaf, 0, 0, 0,
				   TDX_GHCI_MASK_GET_TD_VM_CALL_INFO, &o);
	bool ok = st == TDVMCALL_STATUS_SUCCESS;

	out->r[0] = ok ? o.r11 : 0;
	out->r[1] = ok ? o.r12 : 0;
	out->r[2] = ok ? o.r13 : 0;
	out->r[3] = ok ? o.r14 : 0;
	return st;
}

uint64_t tdx_ghci_kvm_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
				uint64_t a3)
{
	/* R10 = 0 would make it a GHCI standard call with sub-function a0. */
	if (nr == 0)
		return (uint64_t)-TDX_GHCI_KVM_ENOSYS;
	/* KVM maps R10 -> RAX (nr), R11-R14 -> RBX, RCX, RDX, RSI (3.10). */
	return tdx_tdvmcall(nr, a0, a1, a2, a3, 0, TDX_GHCI_MASK_KVM_HYPERCALL, NULL);
}

uint64_t tdx_ghci_tdxkit_set_handler(unsigned op, uint64_t handler, uint64_t *previous)
{
	struct tdx_tdvmcall_out out;
	/* R10 = the vendor code, R11 = op, R12 = the handler (tdxkit/run.h). */
	uint64_t st = tdx_tdvmcall(TDXKIT_VMCALL_VENDOR, op, handler, 0, 0, 0, TDXKIT_VMCALL_MASK,
				   &out);
	if (previous)
		*previous = st == TDVMCALL_STATUS_SUCCESS ? out.r11 : 0;
	return st;
}

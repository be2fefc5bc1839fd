/* msr.c: Instruction.RDMSR/WRMSR (tdx-abi.md 3.4) against a small store.
 * Only MSRs that a TD's #VE handler forwards to the host make sense here
 * (the module virtualizes the rest); the documented set:
 *
 *   0x0000001B IA32_APIC_BASE        RO  0xFEE00D00 (BSP, x2APIC, enabled)
 *   0x0000008B IA32_BIOS_SIGN_ID     RO  0 (no microcode update)
 *   0x000000CE MSR_PLATFORM_INFO     RO  0
 *   0x00000140 MISC_FEATURE_ENABLES  RW  bits 0..1
 *   0x00000179 IA32_MCG_CAP          RO  0 (no machine-check banks)
 *   0x0000017A IA32_MCG_STATUS       RW  bits 0..2
 *   0x000001A0 IA32_MISC_ENABLE      RW  all bits, reset 0x1 (fast strings)
 *   0x000006E0 IA32_TSC_DEADLINE     RW  all bits
 *   0x4B564D00 MSR_KVM_WALL_CLOCK_NEW RW all bits (stored, no effect)
 *   0x4B564D01 MSR_KVM_SYSTEM_TIME_NEW RW all bits (stored, no effect)
 *   0x4B584D00 TDXKIT_SCRATCH        RW  all bits (tests)
 *
 * Any other index, a write to an RO MSR or to bits outside the mask ->
 * INVALID_OPERAND: the guest injects #GP itself (3.4). */
#include "vmm_int.h"

static const struct {
	uint32_t index;
	const char *name;
	uint64_t reset, writable;	/* writable = 0: read-only */
} msrs[] = {
	{ 0x0000001B, "IA32_APIC_BASE", 0xFEE00D00ull, 0 },
	{ 0x0000008B, "IA32_BIOS_SIGN_ID", 0, 0 },
	{ 0x000000CE, "MSR_PLATFORM_INFO", 0, 0 },
	{ 0x00000140, "MISC_FEATURE_ENABLES", 0, 0x3 },
	{ 0x00000179, "IA32_MCG_CAP", 0, 0 },
	{ 0x0000017A, "IA32_MCG_STATUS", 0, 0x7 },
	{ 0x000001A0, "IA32_MISC_ENABLE", 0x1, ~0ull },
	{ 0x000006E0, "IA32_TSC_DEADLINE", 0, ~0ull },
	{ 0x4B564D00, "MSR_KVM_WALL_CLOCK_NEW", 0, ~0ull },
	{ 0x4B564D01, "MSR_KVM_SYSTEM_TIME_NEW", 0, ~0ull },
	{ 0x4B584D00, "TDXKIT_SCRATCH", 0, ~0ull },
};
_Static_assert(sizeof(msrs) / sizeof(msrs[0]) <= VMM_NR_MSRS, "grow VMM_NR_MSRS");

static int find(uint32_t index)
{
	for (size_t i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		if (msrs[i].index == index)
			return (int)i;
	return -1;
}

/* MSRs are per VCPU: each VCPU's thread reads and writes its own. */
void vmm_msr_reset(struct tdx_vmm *v, struct vmm_vcpu *c)
{
	for (size_t i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++)
		c->msr[i] = msrs[i].reset;
}

int vmm_rdmsr(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct tdx_vmm *v = ctx;
	int i = find(req->rdmsr.index);

	if (i < 0)
		resp->status = TDVMCALL_STATUS_INVALID_OPERAND;
	else
		resp->out[TDX_GPR_R11] = v->vcpu[req->vcpu % VMM_MAX_VCPUS].msr[i];
	return 0;
}

int vmm_wrmsr(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct tdx_vmm *v = ctx;
	int i = find(req->wrmsr.index);

	if (i < 0 || !msrs[i].writable || (req->wrmsr.value & ~msrs[i].writable))
		resp->status = TDVMCALL_STATUS_INVALID_OPERAND;
	else
		v->vcpu[req->vcpu % VMM_MAX_VCPUS].msr[i] = req->wrmsr.value;
	return 0;
}

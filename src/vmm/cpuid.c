/* cpuid.c: Instruction.CPUID (tdx-abi.md 3.4) from a table modelled on
 * what a TD on a Sapphire Rapids host sees: GenuineIntel, leaf 1 with the
 * hypervisor bit (ECX[31]) and x2APIC but no MONITOR/VMX, the TDX
 * identification leaf 0x21 ("IntelTDX    ", 5.6), and a tdxkit hypervisor
 * leaf range: 0x40000000 = max leaf 0x40000001, signature "tdxkit-model"
 * in EBX, ECX, EDX (the Linux/KVM convention); 0x40000001 = no PV features.
 * 0x80000008 EAX[7:0] (physical address bits) is the TD's GPAW. Leaves
 * or subleaves not in the table read as zeros (SUCCESS), as KVM answers a
 * leaf it has no entry for. */
#include "vmm_int.h"

#define ANY_SUBLEAF 0xFFFFFFFFu

static const struct {
	uint32_t leaf, subleaf;
	uint32_t eax, ebx, ecx, edx;
} table[] = {
	{ 0x00000000, ANY_SUBLEAF, 0x00000021, 0x756E6547, 0x6C65746E, 0x49656E69 },	/* "GenuineIntel" */
	/* family 6 model 0x8F (Sapphire Rapids); ECX: SSE3, PCLMUL, SSSE3, FMA,
	 * CX16, SSE4.1/4.2, x2APIC, MOVBE, POPCNT, TSC-deadline, AES, XSAVE,
	 * OSXSAVE, AVX, F16C, RDRAND, HYPERVISOR. */
	{ 0x00000001, ANY_SUBLEAF, 0x000806F8, 0x00010800, 0xFFF83203, 0x0F8BFBFF },
	/* FSGSBASE, BMI1, AVX2, SMEP, BMI2, ERMS, INVPCID, RDSEED, ADX, SMAP,
	 * CLFLUSHOPT, CLWB, SHA. */
	{ 0x00000007, 0, 0x00000002, 0x219C07A9, 0x00000000, 0x00000000 },
	{ 0x00000021, 0, 0x00000000, 0x65746E49, 0x20202020, 0x5844546C },	/* "IntelTDX    " */
	{ 0x40000000, ANY_SUBLEAF, 0x40000001, 0x6B786474, 0x6D2D7469, 0x6C65646F },	/* "tdxkit-model" */
	{ 0x40000001, ANY_SUBLEAF, 0, 0, 0, 0 },
	{ 0x80000000, ANY_SUBLEAF, 0x80000008, 0, 0, 0 },
	{ 0x80000001, ANY_SUBLEAF, 0, 0, 0x00000121, 0x2C100800 },	/* LAHF, LZCNT, PREFETCHW; SYSCALL, NX, 1G, RDTSCP, LM */
	{ 0x80000007, ANY_SUBLEAF, 0, 0, 0, 0x00000100 },		/* invariant TSC */
	{ 0x80000008, ANY_SUBLEAF, 0x00003000, 0, 0, 0 },		/* 48 virtual bits; physical: GPAW */
};

int vmm_cpuid(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct tdx_vmm *v = ctx;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].leaf != req->cpuid.leaf ||
		    (table[i].subleaf != ANY_SUBLEAF && table[i].subleaf != req->cpuid.subleaf))
			continue;
		uint32_t eax = table[i].eax;
		if (table[i].leaf == 0x80000008)
			eax |= v->gpaw ? v->gpaw : 48;
		resp->out[TDX_GPR_R12] = eax;
		resp->out[TDX_GPR_R13] = table[i].ebx;
		resp->out[TDX_GPR_R14] = table[i].ecx;
		resp->out[TDX_GPR_R15] = table[i].edx;
		return 0;
	}
	return 0;	/* zeros */
}

/* l2_msr.c: what the module does with an L2's RDMSR/WRMSR (TD partitioning,
 * MOD tdx_td_l2_dispatcher.c and td_msr_access.c). The L2 runs with the
 * bitwise OR of L1's MSR bitmap and the TD's own (MOD metadata_vp.c stores
 * MSR_BITMAPS_n | TDCS.MSR_BITMAPS; helpers.c set_msr_bitmaps() builds the
 * TD's from the table below). An MSR clear in both runs natively (the
 * engine serves it). One that exits goes to L1 when it is outside the
 * bitmap ranges or L1 intercepts it; otherwise the module's policy says:
 * emulate it (DEBUGCTL, EFER, XSS, a few reads), #GP, or "#VE", which for an
 * L2 is an exit to L1. An injected #GP becomes an L1 exit (reason 0) when
 * L1's exception bitmap selects it (helpers.c convert_l2_voe_to_l1_exit). */
#include "td.h"

/* What a bit of the TD's bitmap is (MOD msr_bitmap_bit_type): PASS = 0, no
 * exit; EXIT = 1; the others are 0 when the TD's configuration enables the
 * feature (helpers.c is_msr_dynamic_bit_cleared). */
enum bit { PASS, EXIT, PERFMON, CET, PT, ULI, LBR, UMWAIT, PKS, XFD, TSX, OTHER };
/* What the module does once the MSR exits (MOD msr_bitmap_action). NONE:
 * never exits; SPECIAL: handled by name below. */
enum act { NONE, GP, VE, GP_OR_VE, SPECIAL };

/* MOD include/auto_gen/msr_config_lookup.c, in its order: first MSR, last
 * MSR, read bit and action, write bit and action. MSRs of the bitmap ranges
 * that are not listed exit and get "#VE". */
static const struct msr_policy {
	uint32_t first, last;
	uint8_t rd_bit, rd_act, wr_bit, wr_act;
} policy[] = {
	{ 0x10, 0x10, PASS, NONE, EXIT, VE },	/* IA32_TIME_STAMP_COUNTER */
	{ 0x48, 0x48, PASS, NONE, PASS, NONE },	/* IA32_SPEC_CTRL */
	{ 0x49, 0x49, PASS, NONE, PASS, NONE },	/* IA32_PRED_CMD */
	{ 0x87, 0x87, EXIT, GP_OR_VE, EXIT, GP_OR_VE },	/* IA32_MKTME_PARTITIONING */
	{ 0x8c, 0x8f, EXIT, GP, EXIT, GP },	/* IA32_SGXLEPUBKEYHASHx */
	{ 0x98, 0x98, EXIT, GP, EXIT, GP },	/* MSR_WBINVDP */
	{ 0x99, 0x99, EXIT, GP, EXIT, GP },	/* MSR_WBNOINVDP */
	{ 0x9a, 0x9a, EXIT, GP, EXIT, GP },	/* MSR_INTR_PENDING */
	{ 0x9b, 0x9b, EXIT, GP, EXIT, GP },	/* IA32_SMM_MONITOR_CTL */
	{ 0x9e, 0x9e, EXIT, GP, EXIT, GP },	/* IA32_SMBASE */
	{ 0xbc, 0xbc, PASS, NONE, EXIT, VE },	/* IA32_MISC_PACKAGE_CTLS */
	{ 0xbd, 0xbd, EXIT, SPECIAL, PASS, NONE },	/* IA32_XAPIC_DISABLE_STATUS */
	{ 0xc1, 0xc8, PERFMON, GP, PERFMON, GP },	/* IA32_PMCx */
	{ 0xe1, 0xe1, UMWAIT, GP, UMWAIT, GP },	/* IA32_UMWAIT_CONTROL */
	{ 0x10a, 0x10a, EXIT, SPECIAL, PASS, NONE },	/* IA32_ARCH_CAPABILITIES */
	{ 0x10b, 0x10b, PASS, NONE, PASS, NONE },	/* IA32_FLUSH_CMD */
	{ 0x122, 0x122, TSX, GP, TSX, GP },	/* IA32_TSX_CTRL */
	{ 0x174, 0x174, PASS, NONE, PASS, NONE },	/* IA32_SYSENTER_CS */
	{ 0x175, 0x175, PASS, NONE, PASS, NONE },	/* IA32_SYSENTER_ESP */
	{ 0x176, 0x176, PASS, NONE, PASS, NONE },	/* IA32_SYSENTER_EIP */
	{ 0x186, 0x18d, PERFMON, GP, PERFMON, GP },	/* IA32_PERFEVTSELx */
	{ 0x195, 0x195, EXIT, GP, EXIT, GP },	/* IA32_OVERCLOCKING_STATUS */
	{ 0x1a0, 0x1a0, PERFMON, SPECIAL, EXIT, VE },	/* IA32_MISC_ENABLE */
	{ 0x1a6, 0x1a7, PERFMON, GP, PERFMON, GP },	/* MSR_OFFCORE_RSPx */
	{ 0x1c4, 0x1c4, XFD, GP, XFD, GP },	/* IA32_XFD */
	{ 0x1c5, 0x1c5, XFD, GP, XFD, GP },	/* IA32_XFD_ERR */
	{ 0x1d9, 0x1d9, EXIT, SPECIAL, EXIT, SPECIAL },	/* IA32_DEBUGCTL */
	{ 0x1f8, 0x1f8, EXIT, GP_OR_VE, EXIT, GP_OR_VE },	/* IA32_PLATFORM_DCA_CAP */
	{ 0x1f9, 0x1f9, EXIT, GP_OR_VE, EXIT, GP_OR_VE },	/* IA32_CPU_DCA_CAP */
	{ 0x1fa, 0x1fa, EXIT, GP_OR_VE, EXIT, GP_OR_VE },	/* IA32_DCA_0_CAP */
	{ 0x276, 0x276, EXIT, GP, EXIT, GP },	/* MSR_SLAM_ENABLE */
	{ 0x277, 0x277, PASS, NONE, PASS, NONE },	/* IA32_PAT */
	{ 0x309, 0x310, PERFMON, GP, PERFMON, GP },	/* IA32_FIXED_CTRx */
	{ 0x329, 0x329, OTHER, GP, OTHER, GP },	/* IA32_PERF_METRICS */
	{ 0x345, 0x345, OTHER, SPECIAL, PERFMON, GP },	/* IA32_PERF_CAPABILITIES */
	{ 0x38d, 0x38d, PERFMON, GP, PERFMON, GP },	/* IA32_FIXED_CTR_CTRL */
	{ 0x38e, 0x38e, PERFMON, GP, PERFMON, GP },	/* IA32_PERF_GLOBAL_STATUS */
	{ 0x38f, 0x38f, PERFMON, GP, PERFMON, GP },	/* IA32_PERF_GLOBAL_CTRL */
	{ 0x390, 0x390, PERFMON, GP, PERFMON, GP },	/* IA32_PERF_GLOBAL_STATUS_RESET */
	{ 0x391, 0x391, PERFMON, GP, PERFMON, GP },	/* IA32_PERF_GLOBAL_STATUS_SET */
	{ 0x392, 0x392, PERFMON, GP, PERFMON, GP },	/* IA32_PERF_GLOBAL_INUSE */
	{ 0x3f1, 0x3f1, PERFMON, GP, PERFMON, GP },	/* IA32_PEBS_ENABLE */
	{ 0x3f2, 0x3f2, PERFMON, GP, PERFMON, GP },	/* MSR_PEBS_MATRIX_VECT */
	{ 0x3f6, 0x3f6, PERFMON, GP, PERFMON, GP },	/* MSR_PEBS_LD_LATENCY */
	{ 0x3f7, 0x3f7, PERFMON, GP, PERFMON, GP },	/* MSR_PEBS_FRONTEND */
	{ 0x480, 0x480, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_BASIC */
	{ 0x481, 0x481, EXIT, VE, EXIT, GP },	/* IA32_VMX_PINBASED_CTLS */
	{ 0x482, 0x482, EXIT, VE, EXIT, GP },	/* IA32_VMX_PROCBASED_CTLS */
	{ 0x483, 0x483, EXIT, VE, EXIT, GP },	/* IA32_VMX_EXIT_CTLS */
	{ 0x484, 0x484, EXIT, VE, EXIT, GP },	/* IA32_VMX_ENTRY_CTLS */
	{ 0x485, 0x485, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_MISC */
	{ 0x486, 0x486, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_CR0_FIXED0 */
	{ 0x487, 0x487, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_CR0_FIXED1 */
	{ 0x488, 0x488, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_CR4_FIXED0 */
	{ 0x489, 0x489, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_CR4_FIXED1 */
	{ 0x48a, 0x48a, EXIT, VE, EXIT, GP },	/* IA32_VMX_VMCS_ENUM */
	{ 0x48b, 0x48b, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_PROCBASED_CTLS2 */
	{ 0x48c, 0x48c, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_EPT_VPID_CAP */
	{ 0x48d, 0x48d, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_TRUE_PINBASED_CTLS */
	{ 0x48e, 0x48e, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_TRUE_PROCBASED_CTLS */
	{ 0x48f, 0x48f, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_TRUE_EXIT_CTLS */
	{ 0x490, 0x490, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_TRUE_ENTRY_CTLS */
	{ 0x491, 0x491, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_VMFUNC */
	{ 0x492, 0x492, EXIT, SPECIAL, EXIT, GP },	/* IA32_VMX_PROCBASED_CTLS3 */
	{ 0x4c1, 0x4c8, PERFMON, GP, PERFMON, GP },	/* IA32_A_PMCx */
	{ 0x500, 0x500, EXIT, GP, EXIT, GP },	/* IA32_SGX_SVN_STATUS */
	{ 0x560, 0x560, PT, GP, PT, GP },	/* IA32_RTIT_OUTPUT_BASE */
	{ 0x561, 0x561, PT, GP, PT, GP },	/* IA32_RTIT_OUTPUT_MASK_PTRS */
	{ 0x570, 0x570, PT, GP, PT, GP },	/* IA32_RTIT_CTL */
	{ 0x571, 0x571, PT, GP, PT, GP },	/* IA32_RTIT_STATUS */
	{ 0x572, 0x572, PT, GP, PT, GP },	/* IA32_RTIT_CR3_MATCH */
	{ 0x580, 0x580, PT, GP, PT, GP },	/* IA32_RTIT_ADDR0_A */
	{ 0x581, 0x581, PT, GP, PT, GP },	/* IA32_RTIT_ADDR0_B */
	{ 0x582, 0x582, PT, GP, PT, GP },	/* IA32_RTIT_ADDR1_A */
	{ 0x583, 0x583, PT, GP, PT, GP },	/* IA32_RTIT_ADDR1_B */
	{ 0x584, 0x584, PT, GP, PT, GP },	/* IA32_RTIT_ADDR2_A */
	{ 0x585, 0x585, PT, GP, PT, GP },	/* IA32_RTIT_ADDR2_B */
	{ 0x586, 0x586, PT, GP, PT, GP },	/* IA32_RTIT_ADDR3_A */
	{ 0x587, 0x587, PT, GP, PT, GP },	/* IA32_RTIT_ADDR3_B */
	{ 0x600, 0x600, PASS, NONE, PASS, NONE },	/* IA32_DS_AREA */
	{ 0x6a0, 0x6a0, CET, GP, CET, GP },	/* IA32_U_CET */
	{ 0x6a2, 0x6a2, CET, GP, CET, GP },	/* IA32_S_CET */
	{ 0x6a4, 0x6a4, CET, GP, CET, GP },	/* IA32_PL0_SSP */
	{ 0x6a5, 0x6a5, CET, GP, CET, GP },	/* IA32_PL1_SSP */
	{ 0x6a6, 0x6a6, CET, GP, CET, GP },	/* IA32_PL2_SSP */
	{ 0x6a7, 0x6a7, CET, GP, CET, GP },	/* IA32_PL3_SSP */
	{ 0x6a8, 0x6a8, CET, GP, CET, GP },	/* IA32_INTERRUPT_SSP_TABLE_ADDR */
	{ 0x6e0, 0x6e0, EXIT, GP_OR_VE, EXIT, GP_OR_VE },	/* IA32_TSC_DEADLINE */
	{ 0x6e1, 0x6e1, PKS, GP, PKS, GP },	/* IA32_PKRS */
	{ 0x800, 0x801, EXIT, GP, EXIT, GP },	/* Reserved for xAPIC MSRs */
	{ 0x804, 0x807, EXIT, GP, EXIT, GP },	/* Reserved for xAPIC MSRs */
	{ 0x808, 0x808, PASS, NONE, PASS, NONE },	/* IA32_X2APIC_TPR */
	{ 0x809, 0x809, PASS, NONE, PASS, NONE },	/* Reserved for xAPIC MSRs */
	{ 0x80a, 0x80a, PASS, NONE, PASS, NONE },	/* IA32_X2APIC_PPR */
	{ 0x80b, 0x80b, PASS, NONE, PASS, NONE },	/* IA32_X2APIC_EOI */
	{ 0x80c, 0x80c, PASS, NONE, PASS, NONE },	/* Reserved for xAPIC MSRs */
	{ 0x80e, 0x80e, PASS, NONE, PASS, NONE },	/* Reserved for xAPIC MSRs */
	{ 0x810, 0x817, PASS, NONE, PASS, NONE },	/* IA32_X2APIC_ISRx */
	{ 0x818, 0x81f, PASS, NONE, PASS, NONE },	/* IA32_X2APIC_TMRx */
	{ 0x820, 0x827, PASS, NONE, PASS, NONE },	/* IA32_X2APIC_IRRx */
	{ 0x829, 0x82e, EXIT, GP, EXIT, GP },	/* Reserved for xAPIC MSRs */
	{ 0x831, 0x831, EXIT, GP, EXIT, GP },	/* Reserved for xAPIC MSRs */
	{ 0x83f, 0x83f, PASS, NONE, PASS, NONE },	/* IA32_X2APIC_SELF_IPI */
	{ 0x840, 0x87f, EXIT, GP, EXIT, GP },	/* Reserved for xAPIC MSRs */
	{ 0x880, 0x8bf, EXIT, GP, EXIT, GP },	/* Reserved for xAPIC MSRs */
	{ 0x8c0, 0x8ff, EXIT, GP, EXIT, GP },	/* Reserved for xAPIC MSRs */
	{ 0x981, 0x981, EXIT, GP_OR_VE, EXIT, GP_OR_VE },	/* IA32_TME_CAPABILITY */
	{ 0x982, 0x982, EXIT, GP_OR_VE, EXIT, GP_OR_VE },	/* IA32_TME_ACTIVATE */
	{ 0x983, 0x983, EXIT, GP_OR_VE, EXIT, GP_OR_VE },	/* IA32_TME_EXCLUDE_MASK */
	{ 0x984, 0x984, EXIT, GP_OR_VE, EXIT, GP_OR_VE },	/* IA32_TME_EXCLUDE_BASE */
	{ 0x985, 0x985, ULI, GP, ULI, GP },	/* IA32_UINTR_RR */
	{ 0x986, 0x986, ULI, GP, ULI, GP },	/* IA32_UINTR_HANDLER */
	{ 0x987, 0x987, ULI, GP, ULI, GP },	/* IA32_UINTR_STACKADJUST */
	{ 0x988, 0x988, ULI, GP, ULI, GP },	/* IA32_UINTR_MISC */
	{ 0x989, 0x989, ULI, GP, ULI, GP },	/* IA32_UINTR_PD */
	{ 0x98a, 0x98a, ULI, GP, ULI, GP },	/* IA32_UINTR_TT */
	{ 0xc80, 0xc80, PASS, NONE, EXIT, VE },	/* IA32_DEBUG_INTERFACE */
	{ 0xd90, 0xd90, EXIT, GP, EXIT, GP },	/* IA32_BNDCFGS */
	{ 0xd93, 0xd93, EXIT, GP, EXIT, GP },	/* IA32_PASID */
	{ 0xda0, 0xda0, PASS, NONE, EXIT, SPECIAL },	/* IA32_XSS */
	{ 0x1200, 0x12ff, LBR, GP, LBR, GP },	/* IA32_LBR_INFO */
	{ 0x14ce, 0x14ce, LBR, GP, LBR, GP },	/* IA32_LBR_CTL */
	{ 0x14cf, 0x14cf, LBR, GP, LBR, GP },	/* IA32_LBR_DEPTH */
	{ 0x1500, 0x15ff, LBR, GP, LBR, GP },	/* IA32_LBR_x_FROM_IP */
	{ 0x1600, 0x16ff, LBR, GP, LBR, GP },	/* IA32_LBR_x_TO_IP */
	{ 0x1b01, 0x1b01, PASS, NONE, PASS, NONE },	/* IA32_UARCH_MISC_CTL */
	{ 0xc0000080, 0xc0000080, PASS, NONE, EXIT, SPECIAL },	/* IA32_EFER */
	{ 0xc0000081, 0xc0000081, PASS, NONE, PASS, NONE },	/* IA32_STAR */
	{ 0xc0000082, 0xc0000082, PASS, NONE, PASS, NONE },	/* IA32_LSTAR */
	{ 0xc0000084, 0xc0000084, PASS, NONE, PASS, NONE },	/* IA32_FMASK */
	{ 0xc0000100, 0xc0000100, PASS, NONE, PASS, NONE },	/* IA32_FSBASE */
	{ 0xc0000101, 0xc0000101, PASS, NONE, PASS, NONE },	/* IA32_GSBASE */
	{ 0xc0000102, 0xc0000102, PASS, NONE, PASS, NONE },	/* IA32_KERNEL_GS_BASE */
	{ 0xc0000103, 0xc0000103, PASS, NONE, PASS, NONE },	/* IA32_TSC_AUX */
};

#define NPOLICY (sizeof(policy) / sizeof(policy[0]))

#define MSR_XAPIC_DISABLE_STATUS 0xBDu
#define MSR_ARCH_CAPABILITIES 0x10Au
#define MSR_MISC_ENABLE 0x1A0u
#define MSR_DEBUGCTL 0x1D9u
#define MSR_PERF_CAPABILITIES 0x345u
#define MSR_PERF_METRICS 0x329u
#define MSR_VMX_FIRST 0x480u	/* IA32_VMX_BASIC .. IA32_VMX_PROCBASED_CTLS3: L1 only */
#define MSR_VMX_LAST 0x492u
#define MSR_XSS 0xDA0u
#define MSR_EFER 0xC0000080u
#define MSR_TSC_DEADLINE 0x6E0u

/* The modelled TD's CPUID features behind the dynamic bits and GP_OR_VE
 * (MOD cpuid_flags, set from the virtual CPUID at TDH.MNG.INIT): the model
 * has no CPUID configuration, so it takes what every TDX platform has
 * (TSC deadline, XFD when XFAM enables AMX) and nothing optional (WAITPKG,
 * TSX, DCA, TME/MKTME, perf metrics). */
static int feature(const struct tdx_td *td, enum bit b, uint32_t msr)
{
	uint64_t a = td->cfg.attributes, x = td->cfg.xfam;

	switch (b) {
	case PERFMON: return (a & TDX_ATTR_PERFMON) != 0;
	case CET: return (x & (3ull << 11)) != 0;
	case PT: return (x & (1ull << 8)) != 0;
	case ULI: return (x & (1ull << 14)) != 0;
	case LBR: return (x & (1ull << 15)) != 0;
	case PKS: return (a & TDX_ATTR_PKS) != 0;
	case XFD: return (x & (3ull << 17)) != 0;
	case OTHER:	/* PERF_CAPABILITIES: PERFMON and PT; PERF_METRICS: not modelled */
		return msr == MSR_PERF_CAPABILITIES && (a & TDX_ATTR_PERFMON) && (x & (1ull << 8));
	default: return 0;	/* UMWAIT, TSX */
	}
}

static int in_bitmap(uint32_t msr)
{
	return msr < 0x2000u || (msr >= 0xC0000000u && msr < 0xC0002000u);
}

/* SDM 25.6.9: read low, read high, write low, write high; 1 KiB each. */
static unsigned bit_index(uint32_t msr, int write)
{
	return (msr >= 0xC0000000u ? 8192u : 0u) + (write ? 16384u : 0u) + (msr & 0x1FFFu);
}

static int bit_set(const uint64_t *bm, uint32_t msr, int write)
{
	unsigned i = bit_index(msr, write);
	return (int)((bm[i / 64] >> (i % 64)) & 1);
}

void tdx_l2_msr_bitmap_init(struct tdx_td *td)
{
	uint64_t *bm = td->l2.msr_bitmap;

	for (unsigned i = 0; i < 512; i++)
		bm[i] = ~0ull;	/* TDH.MNG.ADDCX fills the page with ones */
	for (size_t i = 0; i < NPOLICY; i++) {
		const struct msr_policy *p = &policy[i];
		int rd = p->rd_bit == PASS || (p->rd_bit != EXIT && feature(td, p->rd_bit, p->first));
		int wr = p->wr_bit == PASS || (p->wr_bit != EXIT && feature(td, p->wr_bit, p->first));
		for (uint32_t m = p->first; m <= p->last; m++) {
			unsigned r = bit_index(m, 0), w = bit_index(m, 1);
			if (rd)
				bm[r / 64] &= ~(1ull << (r % 64));
			if (wr)
				bm[w / 64] &= ~(1ull << (w % 64));
		}
	}
}

static const struct msr_policy *find(uint32_t msr)
{
	for (size_t i = 0; i < NPOLICY && policy[i].first <= msr; i++)
		if (msr <= policy[i].last)
			return &policy[i];
	return NULL;
}

enum outcome { TO_L1, DONE, GP_FAULT };

/* The generic case (MOD rd_wr_msr_generic_case). */
static enum outcome generic(const struct tdx_td *td, uint32_t msr, int write)
{
	const struct msr_policy *p = find(msr);
	if (!p)
		return TO_L1;
	switch (write ? p->wr_act : p->rd_act) {
	case GP:
		return GP_FAULT;
	case GP_OR_VE:	/* supported: "#VE"; not: #GP (DCA, TME, MKTME are not) */
		return msr == MSR_TSC_DEADLINE ? TO_L1 : GP_FAULT;
	default:
		return TO_L1;	/* VE */
	}
}

static void set_result(struct tdx_l2_run *run, uint64_t v)
{
	run->gpr[TDX_GPR_RAX] = v & 0xFFFFFFFFull;
	run->gpr[TDX_GPR_RDX] = v >> 32;
}

/* MOD td_rdmsr_exit() after the generic checks. */
static enum outcome rdmsr(struct tdx_call *c, struct tdx_l2_run *run, struct tdx_l2_vm *s, uint32_t msr)
{
	const struct tdx_td *td = c->td;

	switch (msr) {
	case MSR_DEBUGCTL:	/* the guest's value with Enable Uncore PMI (13) as 0 */
		set_result(run, tdx_l2_vmcs_get(s, VMCS_GUEST_DEBUGCTL) & ~(1ull << 13));
		return DONE;
	case MSR_MISC_ENABLE:	/* exits only without PERFMON: PERFMON available 0, PEBS unavailable 1 */
		/* The modelled platform's value: fast strings (bit 0) on. */
		set_result(run, (1ull << 0) | (1ull << 12));
		return DONE;
	case MSR_PERF_CAPABILITIES:	/* exits only without PERFMON+PT: 0 without PERFMON */
		set_result(run, 0);
		return DONE;
	case MSR_ARCH_CAPABILITIES:	/* TDCS virtual value; the modelled platform reports none */
		set_result(run, 0);
		return DONE;
	case MSR_XAPIC_DISABLE_STATUS:	/* LEGACY_XAPIC_DISABLED */
		set_result(run, 1);
		return DONE;
	default:
		if (msr >= MSR_VMX_FIRST && msr <= MSR_VMX_LAST)
			return TO_L1;	/* the virtual VMX capability MSRs are L1's only */
		return generic(td, msr, 0);
	}
}

/* MOD td_wrmsr_exit() after the generic checks. */
static enum outcome wrmsr(struct tdx_call *c, struct tdx_l2_run *run, struct tdx_l2_vm *s, uint32_t msr)
{
	const struct tdx_td *td = c->td;
	uint64_t v = (run->gpr[TDX_GPR_RAX] & 0xFFFFFFFFull) | (run->gpr[TDX_GPR_RDX] << 32);

	switch (msr) {
	case MSR_XSS:	/* MOD wrmsr_ia32_xss: within XFAM and the CPU's XSS support */
		/* XFAM's XSS-managed bits (PT 8, CET 12:11, HDC 13, ULI 14, LBR 15,
		 * HWP 16) passed tdx_td_config_check against this CPU's XSS. */
		if (v & ~(td->cfg.xfam & 0x1F900ull))
			return GP_FAULT;
		run->msr_granted = 1;	/* the engine executes it: XSS reads are not exits */
		return DONE;
	case MSR_DEBUGCTL: {	/* MOD wrmsr_ia32_debugctl */
		uint64_t old = tdx_l2_vmcs_get(s, VMCS_GUEST_DEBUGCTL);
		if (v & 0xFFFFFFFFFFFF0038ull)	/* reserved: 5:3, 63:16 */
			return GP_FAULT;
		if ((v & (1ull << 6)) && !(v & (1ull << 7)))	/* TR without BTS */
			return TO_L1;
		v = (v & ~(1ull << 13)) | (old & (1ull << 13));	/* Enable Uncore PMI kept */
		tdx_l2_vmcs_set(s, VMCS_GUEST_DEBUGCTL, v);
		return DONE;
	}
	case MSR_EFER: {	/* MOD wrmsr_ia32_efer: an L2 may change SCE and LME only */
		uint64_t old = tdx_l2_vmcs_get(s, VMCS_GUEST_EFER);
		const uint64_t lma = 1ull << 10, changeable = (1ull << 0) | (1ull << 8);
		v = (v & ~lma) | (old & lma);
		if ((v ^ old) & ~changeable)
			return TO_L1;
		tdx_l2_vmcs_set(s, VMCS_GUEST_EFER, v);
		return DONE;
	}
	default:
		return generic(td, msr, 1);
	}
}

enum tdx_l2_route tdx_l2_msr_exit(struct tdx_call *c, struct tdx_l2_run *run)
{
	struct tdx_l2_exit *x = &run->exit;
	struct tdx_l2_vm *s = tdx_l2_vm(c->vcpu, run->vm);
	uint32_t msr = (uint32_t)run->gpr[TDX_GPR_RCX];
	int write = TDX_EXIT_REASON_BASIC(x->reason) == TDX_EXIT_WRMSR;

	/* rd_wr_msr_generic_checks(): outside the bitmap ranges, or L1's own
	 * bitmap intercepts it: L1's exit. */
	if (!in_bitmap(msr) || bit_set(s->msr_bitmap, msr, write))
		return TDX_L2_TO_L1;
	enum outcome o = write ? wrmsr(c, run, s, msr) : rdmsr(c, run, s, msr);
	if (o == TO_L1)
		return TDX_L2_TO_L1;
	if (o == DONE) {
		if (!run->msr_granted)
			run->rip += x->instr_len ? x->instr_len : 2;	/* trap-like once handled */
		return TDX_L2_RESUME;
	}
	/* #GP(0) as a vector on entry; selected by L1's exception bitmap it
	 * becomes an L1 exit: reason 0, qualification 0, the interruption
	 * information and error code of the #GP; the instruction length of
	 * the MSR exit stays (convert_l2_voe_to_l1_exit). */
	const uint32_t gp = 13u | (3u << 8) | (1u << 11) | (1u << 31);
	if (tdx_l2_vmcs_get(s, VMCS_EXCEPTION_BITMAP) & (1u << 13)) {
		x->reason = TDX_EXIT_EXCEPTION_NMI;
		x->qual = 0;
		x->intr_info = gp;
		x->intr_err = 0;
		return TDX_L2_TO_L1;
	}
	/* Delivered through the L2's IDT: the VM-entry event the next run
	 * must inject (an engine that cannot refuses the state). */
	tdx_l2_vmcs_set(s, VMCS_ENTRY_INTR_INFO, gp);
	tdx_l2_vmcs_set(s, VMCS_ENTRY_EXC_ERR, 0);
	return TDX_L2_RESUME;
}

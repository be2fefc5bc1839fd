/* test_partition.c: TD partitioning in direct mode (tdx-abi.md 6.2-6.6, 7;
 * docs/metadata-fields.md 2.3-2.4, 4.3): L2 VMCS and MSR-bitmap fields,
 * TDG.MEM.PAGE.ATTR.RD/WR, TDG.VP.ENTER with a fake L2 CPU engine,
 * TDG.VP.INVEPT and TDG.VP.INVGLA. Exact 64-bit statuses. */
#include <pthread.h>
#include <string.h>

#include "testutil.h"
#include "tdxkit/l2engine.h"
#include "test_hooks.h"

/* VM vm of VCPU vcpu as the module keeps it (a snapshot; test_hooks.h). */
static struct tdx_test_l2_vm l2(struct tdx_td *td, unsigned vcpu, unsigned vm)
{
	struct tdx_test_l2_vm s;
	assert_int_equal(tdx_test_l2_vm(td, vcpu, vm, &s), 0);
	return s;
}

#define PATTERN 0x5A5A5A5A5A5A5A5Aull
#define GS_GPA 0x10000ull	/* L2_ENTER_GUEST_STATE page */
#define VAPIC_GPA 0x11000ull
#define DATA_GPA 0x20000ull
#define BAD_RCX (TDX_OPERAND_INVALID | TDX_OPND_RCX)
#define BAD_RDX (TDX_OPERAND_INVALID | TDX_OPND_RDX)
#define BAD_R8 (TDX_OPERAND_INVALID | TDX_OPND_R8)
#define VM(n) ((uint64_t)(n) << 52)

static uint64_t vmcs_id(unsigned vm, unsigned size, uint32_t enc)
{
	return TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_VMCS(vm), size, enc);
}

static uint64_t msr_id(unsigned vm, uint32_t word)
{
	return TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_MSR_BITMAPS(vm), TDX_FIELD_64, word);
}

static struct tdx_td *td_part(unsigned nvm, enum tdx_sept_policy pol)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.num_l2_vms = nvm;
	cfg.num_vcpus = 2;
	cfg.mem_size = 1ull << 24;
	cfg.sept_policy = pol;
	return tu_td_new(&cfg);
}

static void fill(struct tdx_regs *r, uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8, uint64_t r9)
{
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		r->gpr[i] = PATTERN + i;
	r->rax = rax;
	r->rcx = rcx;
	r->rdx = rdx;
	r->r8 = r8;
	r->r9 = r9;
	r->rip = 0x3000;
}

/* Direct-mode TDCALL on VCPU 0; must complete (DONE, RIP += 4). */
static uint64_t call(struct tdx_td *td, uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8,
		     uint64_t r9, struct tdx_regs *out)
{
	struct tdx_regs r;
	struct tdx_inject inj;

	fill(&r, rax, rcx, rdx, r8, r9);
	enum tdx_tdcall_outcome o = tdx_tdcall(td, 0, &r, &inj);
	if (o != TDX_OUTCOME_DONE)
		fail_msg("outcome %d (%s)", (int)o, tdx_td_dead_reason(td) ? tdx_td_dead_reason(td) : "-");
	ASSERT_EQ(r.rip, 0x3000 + TDX_TDCALL_LEN);
	if (out)
		*out = r;
	return r.rax;
}

/* Module level: one TDCALL, whatever the outcome. */
static enum tdx_tdcall_outcome mcall(struct tdx_td *td, struct tdx_regs *r, struct tdx_td_exit *e)
{
	struct tdx_inject inj;
	return tdx_module_tdcall(td, 0, r, e, &inj);
}

static uint64_t vp_rd(struct tdx_td *td, uint64_t id)
{
	struct tdx_regs r;
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, id, 0, 0, &r), TDX_SUCCESS);
	return r.r8;
}

static uint64_t vp_wr(struct tdx_td *td, uint64_t id, uint64_t v, uint64_t m, uint64_t *old)
{
	struct tdx_regs r;
	uint64_t st = call(td, TDG_VP_WR, 0, id, v, m, &r);
	if (old)
		*old = r.r8;
	return st;
}

/* ---- VMCS_n ---------------------------------------------------------------- */

static void test_vmcs_initial_state(void **state)
{
	struct tdx_td *td = td_part(2, TDX_SEPT_POLICY_4K);

	for (unsigned vm = 1; vm <= 2; vm++) {
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_GUEST_CR0)), 0x21);	/* PE | NE (6.6) */
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_GUEST_CR4)), 0x2040);	/* MCE | VMXE */
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_GUEST_RIP)), 0xFFFFFFF0);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_GUEST_RFLAGS)), 2);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_GUEST_DR7)), 0x400);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 2, VMCS_GUEST_CS_AR)), 0xC09B);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 2, VMCS_GUEST_TR_AR)), 0x8B);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_GUEST_EFER)), 0x901);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_GUEST_PAT)), 0x0007040600070406ull);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 2, VMCS_EXCEPTION_BITMAP)), 1u << 18);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_CR0_MASK)), ~0ull);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_CR0_SHADOW)), 0);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_VIRTUAL_APIC_ADDR)), ~0ull);	/* NULL_PA */
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_GUEST_PDPTE0)), ~0ull);
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, 0x2000)), ~0ull);	/* I/O bitmap A */
		/* EPTP: the read mask hides the HPA bits 51:12 */
		ASSERT_EQ(vp_rd(td, vmcs_id(vm, 3, VMCS_EPTP)) & 0x000FFFFFFFFFF000ull, 0);
	}
	tdx_td_destroy(td);
}

/* Round trips at the four widths; the size code of the ID is ignored (6.1). */
static void test_vmcs_widths(void **state)
{
	struct tdx_td *td = td_part(3, TDX_SEPT_POLICY_4K);
	uint64_t old;
	static const struct { uint32_t enc; unsigned size; uint64_t v; } f[] = {
		{ VMCS_GUEST_CS_SEL, 1, 0xBEEF },		/* 16-bit */
		{ 0x401C, 2, 0x89ABCDEF },			/* 32-bit TPR threshold */
		{ VMCS_GUEST_PAT, 3, 0x0123456789ABCDEFull },	/* 64-bit */
		{ VMCS_GUEST_RIP, 3, 0xFEDCBA9876543210ull },	/* natural */
	};

	assert_int_equal(VMCS_WIDTH(0x0802), VMCS_W16);
	assert_int_equal(VMCS_WIDTH(0x2804), VMCS_W64);
	assert_int_equal(VMCS_WIDTH(0x401C), VMCS_W32);
	assert_int_equal(VMCS_WIDTH(0x681E), VMCS_WNAT);
	for (unsigned vm = 1; vm <= 3; vm++)
		for (unsigned i = 0; i < 4; i++) {
			uint64_t id = vmcs_id(vm, f[i].size, f[i].enc), v = f[i].v ^ vm;
			uint64_t before = vp_rd(td, id);
			ASSERT_STATUS(vp_wr(td, id, v, ~0ull >> (64 - (8u << f[i].size)), &old), TDX_SUCCESS);
			ASSERT_EQ(old, before);
			ASSERT_EQ(vp_rd(td, id), v);
			ASSERT_EQ(vp_rd(td, vmcs_id(vm, 0, f[i].enc)), v);	/* size code ignored */
			/* partial mask: only the low byte changes */
			ASSERT_STATUS(vp_wr(td, id, 0, 0xFF, &old), TDX_SUCCESS);
			ASSERT_EQ(old, v);
			ASSERT_EQ(vp_rd(td, id), v & ~0xFFull);
		}
	/* Per VM and per VCPU. */
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 1, VMCS_GUEST_SS_SEL), 0x11, 0xFFFF, NULL), TDX_SUCCESS);
	ASSERT_EQ(vp_rd(td, vmcs_id(2, 1, VMCS_GUEST_SS_SEL)), 0);
	ASSERT_EQ(tdx_test_l2_vmcs(td, 1, 1, VMCS_GUEST_SS_SEL), 0);
	tdx_td_destroy(td);
}

static void test_vmcs_errors(void **state)
{
	struct tdx_td *td = td_part(2, TDX_SEPT_POLICY_4K);
	struct tdx_regs r;
	uint64_t old;

	/* No such field: VM above NUM_L2_VMS, high access, unknown encoding. */
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(3, 3, VMCS_GUEST_RIP), 0, 0, &r), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_EQ(r.rdx, TDX_FIELD_ID_NULL);
	ASSERT_EQ(r.r8, 0);
	ASSERT_STATUS(vp_wr(td, vmcs_id(3, 3, VMCS_GUEST_RIP), 0, ~0ull, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(1, 2, 0x2805), 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 2, 0x2805), 0, ~0ull, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(1, 3, 0x6C00), 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(1, 3, 0x12681E), 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	/* Exists, L1 masks 0: shared EPTP (host only), VPID, TSC offset. */
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(1, 3, VMCS_SHARED_EPTP), 0, 0, NULL),
		      TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_SHARED_EPTP), 0, ~0ull, NULL), TDX_METADATA_FIELD_NOT_WRITABLE);
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(1, 1, 0x0000), 0, 0, NULL), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(2, 3, 0x2010), 0, 0, NULL), TDX_METADATA_FIELD_NOT_READABLE);
	/* Read-only for L1. */
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 2, VMCS_PIN_CTLS), 0, ~0ull, &old), TDX_METADATA_FIELD_NOT_WRITABLE);
	ASSERT_EQ(old, 0);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 2, VMCS_EXIT_CTLS), 1, 1, NULL), TDX_METADATA_FIELD_NOT_WRITABLE);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 2, VMCS_GUEST_ACTIVITY), 1, 1, NULL), TDX_METADATA_FIELD_NOT_WRITABLE);
	/* Mask semantics (6.2): a masked bit outside the write mask must keep its value. */
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_CR0), 0x1, ~0ull, NULL), TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_CR0), 0x80000021, ~0ull, &old), TDX_SUCCESS);
	ASSERT_EQ(old, 0x21);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_CR0), 0, 0x20, NULL), TDX_METADATA_FIELD_NOT_WRITABLE);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_CR4), 0, 0x40, NULL), TDX_METADATA_FIELD_NOT_WRITABLE);
	/* 16-bit field: bits above the width count as not writable. */
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 1, VMCS_GUEST_CS_SEL), 0x10000, ~0ull, NULL),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	/* Entry controls: only bit 9 (IA-32e guest). */
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 2, VMCS_ENTRY_CTLS), 0, 0x200, &old), TDX_SUCCESS);
	ASSERT_EQ(old, 0xC200);
	ASSERT_EQ(vp_rd(td, vmcs_id(1, 2, VMCS_ENTRY_CTLS)), 0xC000);
	/* Virtual-APIC address: private GPA, bits 11:0 not writable. */
	uint64_t vapic = vmcs_id(1, 3, VMCS_VIRTUAL_APIC_ADDR);
	ASSERT_STATUS(vp_wr(td, vapic, VAPIC_GPA | 0x8, ~0ull, NULL), TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_STATUS(vp_wr(td, vapic, VAPIC_GPA | tdx_td_shared_bit(td), ~0ull, NULL),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_STATUS(vp_wr(td, vapic, 1ull << 48, ~0ull, NULL), TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_EQ(vp_rd(td, vapic), ~0ull);
	ASSERT_STATUS(vp_wr(td, vapic, VAPIC_GPA, ~0ull, &old), TDX_SUCCESS);
	ASSERT_EQ(old, ~0ull);
	ASSERT_EQ(vp_rd(td, vapic), VAPIC_GPA);
	ASSERT_EQ(l2(td, 0, 1).vapic_gpa, VAPIC_GPA);
	ASSERT_EQ(l2(td, 0, 2).vapic_gpa, TDX_TEST_NULL_PA);
	/* Guest CR3 and PDPTEs: private GPAs. */
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_CR3), tdx_td_shared_bit(td) | 0x1000, ~0ull, NULL),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_CR3), 0x5000, ~0ull, NULL), TDX_SUCCESS);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_PDPTE0 + 2), tdx_td_shared_bit(td), ~0ull, NULL),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_PDPTE0 + 2), 0x6001, ~0ull, NULL), TDX_SUCCESS);
	/* EPTP: only bit 7, and only with XFAM.CET_S (the default XFAM lacks it). */
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_EPTP), 0x80, 0x80, NULL), TDX_METADATA_FIELD_VALUE_NOT_VALID);
	/* DEBUGCTL bits 7:6 = 01 needs a DEBUG TD. */
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_DEBUGCTL), 0x40, 0xC0, NULL),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_DEBUGCTL), 0xC0, 0xC0, NULL), TDX_SUCCESS);
	/* RCX must be 0 for VP.RD/WR. */
	ASSERT_STATUS(call(td, TDG_VP_WR, 1, vmcs_id(1, 3, VMCS_GUEST_RIP), 0, ~0ull, &r), BAD_RCX);
	ASSERT_EQ(r.r8, 0);
	tdx_td_destroy(td);
}

/* MSR bitmaps (6.6): word = (msr & 0xFFFF) / 64, +0x80 high range, +0x100 write. */
static void test_msr_bitmaps(void **state)
{
	struct tdx_td *td = td_part(2, TDX_SEPT_POLICY_4K);
	uint64_t old;
	uint32_t lo = 0x10, hi = 0xC0000080;	/* TSC, EFER */
	uint32_t w_rd_lo = (lo & 0xFFFF) / 64, w_rd_hi = 0x80 + (hi & 0xFFFF) / 64;

	for (uint32_t w = 0; w < 512; w += 37)
		ASSERT_EQ(vp_rd(td, msr_id(2, w)), ~0ull);	/* intercept everything */
	/* Pass reads of the TSC and writes of EFER through for VM 1. */
	ASSERT_STATUS(vp_wr(td, msr_id(1, w_rd_lo), 0, 1ull << (lo & 63), &old), TDX_SUCCESS);
	ASSERT_EQ(old, ~0ull);
	ASSERT_STATUS(vp_wr(td, msr_id(1, 0x100 + w_rd_hi), 0, 1ull << (hi & 63), NULL), TDX_SUCCESS);
	ASSERT_EQ(vp_rd(td, msr_id(1, 0)), ~(1ull << 16));
	ASSERT_EQ(vp_rd(td, msr_id(1, 0x182)), ~1ull);
	ASSERT_EQ(vp_rd(td, msr_id(1, 0x82)), ~0ull);	/* the read half is untouched */
	ASSERT_EQ(vp_rd(td, msr_id(2, 0)), ~0ull);	/* per VM */
	const uint64_t *bm = l2(td, 0, 1).msr_bitmap;
	ASSERT_EQ(bm[0], ~(1ull << 16));
	/* Set again. */
	ASSERT_STATUS(vp_wr(td, msr_id(1, 0x182), 1, 1, &old), TDX_SUCCESS);
	ASSERT_EQ(old, ~1ull);
	ASSERT_EQ(vp_rd(td, msr_id(1, 0x182)), ~0ull);
	/* 512 words only; VM above NUM_L2_VMS; mask 0. */
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, msr_id(1, 512), 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, msr_id(3, 0), 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_STATUS(vp_wr(td, msr_id(1, 0), 0, 0, NULL), TDX_METADATA_FIELD_NOT_WRITABLE);
	/* The shadow bitmaps are not L1's. */
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, 0xA620000300000000ull, 0, 0, NULL), TDX_METADATA_FIELD_NOT_READABLE);
	tdx_td_destroy(td);
}

/* Next-field chain through the L2 classes (metadata-fields.md 4.3). */
static void test_vp_chain_l2(void **state)
{
	struct tdx_td *td = td_part(2, TDX_SEPT_POLICY_4K);
	struct tdx_regs r;

	ASSERT_STATUS(call(td, TDG_VP_RD, 0, 0xA12000000000007Full, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, 0x2424000100000002ull);	/* VMCS_1: first L1-readable entry */
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, 0x2424000100000002ull, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, 0x2424000100000006ull);	/* EPTP index (0x0004) is skipped */
	/* Multi-field entries step by 2 and keep the caller's bits. */
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(1, 0, 0x201C), 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, vmcs_id(1, 0, 0x201E));
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(1, 3, 0x2022), 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, 0x242400030000202Aull);
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(1, 3, 0x682C), 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, msr_id(1, 0));
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, msr_id(1, 511), 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, 0x2C24000100000002ull);
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, msr_id(2, 511), 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, TDX_FIELD_ID_NULL);

	/* A full walk: every step a successful read; count the VMCS_1 fields. */
	uint64_t id = 0x2424000100000002ull;
	unsigned n = 0;
	while (TDX_FIELD_CLASS(id) == TDX_VP_CLASS_VMCS(1)) {
		ASSERT_STATUS(call(td, TDG_VP_RD, 0, id, 0, 0, &r), TDX_SUCCESS);
		id = r.rdx;
		n++;
	}
	assert_int_equal(n, 122);	/* L1-readable elements of the 112 readable entries */
	tdx_td_destroy(td);
}

/* ---- ATTR.RD / ATTR.WR (7.6) ---------------------------------------------- */

#define W(vm, a) ((uint64_t)(a) << (16 * (vm)))
#define RWX (TDX_GPA_ATTR_VALID | TDX_GPA_ATTR_R | TDX_GPA_ATTR_W | TDX_GPA_ATTR_XS)
#define ALLM 0x000Fu	/* R|W|XS|XU in the mask */

static void test_attr_rd(void **state)
{
	struct tdx_td *td = td_part(2, TDX_SEPT_POLICY_4K);
	struct tdx_regs r;
	struct tdx_td_exit e;

	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, DATA_GPA | tdx_td_shared_bit(td), 0, 0, 0, &r), BAD_RCX);
	ASSERT_EQ(r.rcx, 0);
	ASSERT_EQ(r.rdx, 0);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, 1ull << 48, 0, 0, 0, &r), BAD_RCX);
	/* PENDING page: level 0, bit 62, L1 word only. Any offset in the page. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, DATA_GPA + 0x123, 0, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rcx, DATA_GPA | TDX_GPA_MAPPING_PENDING);
	/* Word 0 (L1) is 0: MOD sept_get_gpa_attr() (sept_manager.h) ignores the entry. */
	ASSERT_EQ(r.rdx, 0);
	ASSERT_EQ(r.r9, 0);
	tu_accept(td, DATA_GPA, 0x1000);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, DATA_GPA, 0, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rcx, DATA_GPA);
	/* FREE page: EPT-violation TD exit, qualification 0. */
	ASSERT_STATUS(tdh_mem_page_remove(td, DATA_GPA + 0x1000, TDX_PAGE_4K), TDX_SUCCESS);
	fill(&r, TDG_MEM_PAGE_ATTR_RD, DATA_GPA + 0x1010, 0, 0, 0);
	assert_int_equal(mcall(td, &r, &e), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.status, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(e.gpa, DATA_GPA + 0x1000);
	ASSERT_EQ(e.exit_qual, 0);
	ASSERT_EQ(r.rip, 0x3000);
	tdx_td_destroy(td);

	/* 2 MiB leaf: the actual mapping level and aligned GPA. */
	td = td_part(1, TDX_SEPT_POLICY_2M);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, 0x234567, 0, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rcx, 0x200000 | TDX_PAGE_2M | TDX_GPA_MAPPING_PENDING);
	tdx_td_destroy(td);
}

static void test_attr_wr_operands(void **state)
{
	struct tdx_td *td = td_part(1, TDX_SEPT_POLICY_4K);
	struct tdx_regs r;
	uint64_t rcx = DATA_GPA | TDX_PAGE_4K;

	tu_accept(td, DATA_GPA, 0x1000);
	/* L1 word and words of absent VMs: RDX before R8. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, W(0, 1), 0, 0, &r), BAD_RDX);
	ASSERT_EQ(r.rcx, 0);
	ASSERT_EQ(r.rdx, 0);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, 0, W(0, 1), 0, NULL), BAD_R8);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, W(2, RWX), W(1, ALLM), 0, NULL), BAD_RDX);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, W(1, RWX), W(3, 1), 0, NULL), BAD_R8);
	/* VALID = 0 with other bits. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, W(1, 1), W(1, ALLM), 0, NULL), BAD_RDX);
	/* Attribute errors come before RCX errors. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx | 8, W(0, 1), 0, 0, NULL), BAD_RDX);
	/* RCX: reserved bits, level, alignment, shared / too wide GPA. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx | 8, W(1, RWX), W(1, ALLM), 0, &r), BAD_RCX);
	ASSERT_EQ(r.rcx, 0);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx | (1ull << 52), W(1, RWX), W(1, ALLM), 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, DATA_GPA | 3, W(1, RWX), W(1, ALLM), 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, DATA_GPA | TDX_PAGE_2M, W(1, RWX), W(1, ALLM), 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx | tdx_td_shared_bit(td), W(1, RWX), W(1, ALLM), 0, NULL),
		      BAD_RCX);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx | (1ull << 49), W(1, RWX), W(1, ALLM), 0, NULL), BAD_RCX);
	/* Non-leaf at the requested level. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, TDX_PAGE_2M, W(1, RWX), W(1, ALLM), 0, NULL),
		      TDX_PAGE_SIZE_MISMATCH | TDX_PAGE_2M);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, TDX_PAGE_1G, W(1, RWX), W(1, ALLM), 0, NULL),
		      TDX_PAGE_SIZE_MISMATCH | TDX_PAGE_1G);
	/* FREE page: EPT-violation TD exit with EEQ type ATTR_WR. */
	struct tdx_td_exit e;
	ASSERT_STATUS(tdh_mem_page_remove(td, DATA_GPA + 0x1000, TDX_PAGE_4K), TDX_SUCCESS);
	fill(&r, TDG_MEM_PAGE_ATTR_WR, (DATA_GPA + 0x1000) | TDX_PAGE_4K, W(1, RWX), W(1, ALLM), 0);
	assert_int_equal(mcall(td, &r, &e), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.status, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(e.gpa, DATA_GPA + 0x1000);
	ASSERT_EQ(e.ext_exit_qual & 0xF, TDX_EEQ_ATTR_WR);
	ASSERT_EQ(e.exit_qual, TDX_EPT_QUAL_WRITE);
	tdx_td_destroy(td);

	/* 2 MiB policy: a 4 KiB ATTR.WR inside an accepted (PRESENT) 2 MiB
	 * leaf asks the host to demote; the qualification carries the leaf's
	 * R/W/X (MOD td_other_exits.c async_tdexit_ept_violation). */
	td = td_part(1, TDX_SEPT_POLICY_2M);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ACCEPT, 0x200000 | TDX_PAGE_2M, 0, 0, 0, NULL), TDX_SUCCESS);
	fill(&r, TDG_MEM_PAGE_ATTR_WR, 0x201000 | TDX_PAGE_4K, W(1, RWX), W(1, ALLM), 0);
	assert_int_equal(mcall(td, &r, &e), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.ext_exit_qual & 0xF, TDX_EEQ_ATTR_WR);
	ASSERT_EQ(e.exit_qual, TDX_EPT_QUAL_WRITE | TDX_EPT_QUAL_READABLE | TDX_EPT_QUAL_WRITABLE |
			       TDX_EPT_QUAL_EXECUTABLE);
	tdx_td_destroy(td);
}

static void test_attr_wr_semantics(void **state)
{
	struct tdx_td *td = td_part(2, TDX_SEPT_POLICY_4K);
	struct tdx_regs r;
	uint64_t rcx = DATA_GPA | TDX_PAGE_4K;

	tu_accept(td, DATA_GPA, 0x1000);
	/* Illegal combinations: W without R, PWA without R, SVE, reserved bits. */
	static const uint16_t bad[] = {
		TDX_GPA_ATTR_VALID | TDX_GPA_ATTR_W, TDX_GPA_ATTR_VALID | TDX_GPA_ATTR_PWA | TDX_GPA_ATTR_XS,
		TDX_GPA_ATTR_VALID | TDX_GPA_ATTR_R | TDX_GPA_ATTR_SVE, TDX_GPA_ATTR_VALID | TDX_GPA_ATTR_R | 0x100,
	};
	for (unsigned i = 0; i < 4; i++) {
		ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, W(1, bad[i]), W(1, 0x7FFF), 0, &r),
			      TDX_PAGE_ATTR_INVALID);
		ASSERT_EQ(r.rcx, 0);
		ASSERT_EQ(r.rdx, 0);	/* current attributes: no alias, L1 word 0 (sept_get_gpa_attr) */
	}
	/* Create VM 1's alias; VM 2 untouched (output word = its input, 0). */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, W(1, RWX), W(1, ALLM), 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rcx, rcx);
	ASSERT_EQ(r.rdx, W(1, RWX));
	ASSERT_EQ(r.r8, W(1, ALLM));	/* R8 is input only */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, DATA_GPA, 0, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, W(1, RWX));
	ASSERT_EQ(tdx_test_l2_attr(td, DATA_GPA, 1, 1), RWX);
	ASSERT_EQ(tdx_test_l2_attr(td, DATA_GPA, 2, 1), 0);
	/* Update through the mask only: clear W; the rest stays. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, W(1, TDX_GPA_ATTR_VALID), W(1, TDX_GPA_ATTR_W), 0, &r),
		      TDX_SUCCESS);
	ASSERT_EQ(r.rdx, W(1, RWX & ~TDX_GPA_ATTR_W));
	/* An illegal merge reports the current word of that VM. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, W(1, TDX_GPA_ATTR_VALID | TDX_GPA_ATTR_W),
			   W(1, TDX_GPA_ATTR_W | TDX_GPA_ATTR_R), 0, &r), TDX_PAGE_ATTR_INVALID);
	ASSERT_EQ(r.rcx, 0);
	ASSERT_EQ(r.rdx, W(1, RWX & ~TDX_GPA_ATTR_W));
	/* INVEPT flag: VM 2's alias created and its TLB flushed. */
	uint64_t inv = l2(td, 0, 2).n_invept;
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, W(2, TDX_GPA_ATTR_VALID | TDX_GPA_ATTR_R),
			   W(2, ALLM | TDX_ATTR_FLAGS_INVEPT), 0, &r), TDX_SUCCESS);
	ASSERT_EQ(l2(td, 0, 2).n_invept, inv + 1);
	/* Remove VM 1's alias: the word says VALID only. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, rcx, W(1, TDX_GPA_ATTR_VALID), W(1, ALLM), 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, W(1, TDX_GPA_ATTR_VALID));
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, DATA_GPA, 0, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, W(2, TDX_GPA_ATTR_VALID | TDX_GPA_ATTR_R));

	/* Alias of a PENDING page: created, PENDING bit in RCX, blocked until accepted. */
	uint64_t pg = DATA_GPA + 0x3000;
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, pg, W(1, RWX), W(1, ALLM), 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rcx, pg | TDX_GPA_MAPPING_PENDING);
	ASSERT_EQ(tdx_test_l2_attr(td, pg, 1, 0), RWX);
	ASSERT_EQ(tdx_test_l2_attr(td, pg, 1, 1), 0);
	tu_accept(td, pg, 0x1000);
	ASSERT_EQ(tdx_test_l2_attr(td, pg, 1, 1), RWX);

	/* No L2 SEPT page left for a new alias (VM_CTLS bit 0 clear). */
	tdx_test_l2_alias_pool_full(td);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, DATA_GPA + 0x5000, W(0, 0) | W(2, RWX), W(2, ALLM), 0, &r),
		      TDX_L2_SEPT_WALK_FAILED | (2u << 16) | TDX_PAGE_4K);
	ASSERT_EQ(r.rcx, 0);
	ASSERT_EQ(r.rdx, 0);
	/* Existing aliases can still change. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, pg, W(1, TDX_GPA_ATTR_VALID | TDX_GPA_ATTR_R), W(1, ALLM), 0, NULL),
		      TDX_SUCCESS);
	tdx_td_destroy(td);

	/* 2 MiB alias; after DEMOTE its 4 KiB pages inherit it. */
	td = td_part(1, TDX_SEPT_POLICY_2M);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ACCEPT, 0x200000 | TDX_PAGE_2M, 0, 0, 0, NULL), TDX_SUCCESS);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, 0x200000 | TDX_PAGE_2M, W(1, RWX), W(1, ALLM), 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rcx, 0x200000 | TDX_PAGE_2M);
	ASSERT_EQ(tdx_test_l2_attr(td, 0x3FF000, 1, 1), RWX);
	ASSERT_STATUS(tdh_mem_page_demote(td, 0x200000), TDX_SUCCESS);
	ASSERT_EQ(tdx_test_l2_attr(td, 0x201000, 1, 1), RWX);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, 0x201000, W(1, TDX_GPA_ATTR_VALID), W(1, ALLM), 0, NULL), TDX_SUCCESS);
	ASSERT_EQ(tdx_test_l2_attr(td, 0x201000, 1, 1), 0);
	ASSERT_EQ(tdx_test_l2_attr(td, 0x202000, 1, 1), RWX);
	tdx_td_destroy(td);

	/* A 4 KiB ATTR.WR inside an accepted 2 MiB leaf: the module exits to the
	 * host (EEQ type 5), the built-in host DEMOTEs, the TDCALL re-executes. */
	td = td_part(1, TDX_SEPT_POLICY_2M);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ACCEPT, 0x400000 | TDX_PAGE_2M, 0, 0, 0, NULL), TDX_SUCCESS);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, 0x401000, W(1, RWX), W(1, ALLM), 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rcx, 0x401000);
	struct tdx_page_state ps;
	assert_int_equal(tdx_td_page_state(td, 0x401000, &ps), 0);
	ASSERT_EQ(ps.level, TDX_PAGE_4K);
	ASSERT_EQ(ps.sept, TDX_SEPT_PRESENT);
	ASSERT_EQ(tdx_test_l2_attr(td, 0x401000, 1, 1), RWX);
	ASSERT_EQ(tdx_test_l2_attr(td, 0x402000, 1, 1), 0);
	tdx_td_destroy(td);
}

/* ---- the fake L2 CPU engine --------------------------------------------------- */

struct fake {
	struct tdx_l2_exit exit;	/* what run() reports */
	unsigned runs, last_vm, last_invd, inval;
	int launched_seen;
	uint64_t rbp, rip_step;		/* L2 effects */
	int use_mem;			/* access mem_gpa first; report its fault */
	uint64_t mem_gpa;
	unsigned mem_acc;
	int mem_rc;
	uint64_t mem_val;
};

static int fake_run(void *ctx, struct tdx_l2_run *run)
{
	struct fake *f = ctx;

	f->runs++;
	f->last_vm = run->vm;
	f->last_invd = run->invd;
	f->launched_seen = run->launched;
	if (f->use_mem) {
		struct tdx_l2_exit fault;
		f->mem_rc = run->mem(run, f->mem_gpa, &f->mem_val, 8, f->mem_acc, &fault);
		if (f->mem_rc) {
			run->exit = fault;
			run->exit.gla = 0x7000;
			run->exit.qual |= TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT;
			return 0;
		}
	}
	run->exit = f->exit;
	run->gpr[TDX_GPR_RBP] = f->rbp;
	run->gpr[TDX_GPR_RBX] += 1;
	run->rip += f->rip_step;
	run->vmwrite(run, VMCS_GUEST_CR3, 0x9000);
	return 0;
}

static void fake_inval(void *ctx, unsigned vcpu, unsigned vm, unsigned kind, uint64_t gla)
{
	(void)vcpu, (void)vm, (void)kind, (void)gla;
	((struct fake *)ctx)->inval++;
}

static const struct tdx_l2_engine_ops fake_ops = { .name = "fake", .run = fake_run, .invalidate = fake_inval };

struct host_rec {
	unsigned calls, vm;
	uint64_t qual, r12;
};

static int host_vmcall(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	struct host_rec *h = ctx;
	(void)td, (void)vcpu;
	h->calls++;
	h->vm = e->vm;
	h->qual = e->exit_qual;
	h->r12 = e->vmm.r12;
	e->vmm.r10 = 0;
	e->vmm.r11 = 0xABCD;
	return 0;
}

static int host_exit_ok(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	(void)td, (void)vcpu, (void)e;
	((struct host_rec *)ctx)->calls++;
	return 0;
}

/* A TD with VM 1 ready to enter: guest-state and vAPIC pages accepted,
 * vAPIC address set, guest state with recognisable GPRs. */
static struct tdx_td *td_enter(unsigned nvm, struct fake *f, struct host_rec *h)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.num_l2_vms = nvm;
	cfg.mem_size = 1ull << 24;
	cfg.sept_policy = TDX_SEPT_POLICY_4K;
	cfg.host.tdvmcall = host_vmcall;
	cfg.host.td_exit = host_exit_ok;
	cfg.host.ctx = h;
	struct tdx_td *td = tu_td_new(&cfg);
	tu_accept(td, GS_GPA, 0x2000);
	tu_accept(td, DATA_GPA, 0x1000);
	for (unsigned vm = 1; vm <= nvm; vm++)
		ASSERT_STATUS(vp_wr(td, vmcs_id(vm, 3, VMCS_VIRTUAL_APIC_ADDR), VAPIC_GPA, ~0ull, NULL), TDX_SUCCESS);
	struct tdx_l2_enter_guest_state *g = tdx_td_gpa_ptr(td, GS_GPA, sizeof(*g));
	for (unsigned i = 0; i < 16; i++)
		g->gpr[i] = 0x100 + i;
	g->rflags = 0x202;
	g->rip = 0x400000;
	g->ssp = 0x8000;
	g->rvi = 0x31;
	g->svi = 0x20;
	if (f)
		tdx_td_set_l2_engine(td, &fake_ops, f);
	return td;
}

/* Every short-circuit of 7.3: only RAX and RIP change. */
/* SEPT entry locks (MOD sept_lock_acquire_guest): the entry a leaf's walk
 * reaches is locked before its state is read. Another VCPU's hold of it
 * makes ATTR.RD, ATTR.WR and ACCEPT answer OPERAND_BUSY | RCX with RCX =
 * RDX = 0, and nothing changes; other entries are not held. */
static void test_attr_busy(void **state)
{
	struct tdx_td *td = td_part(1, TDX_SEPT_POLICY_2M);
	struct tdx_regs r;
	struct tdx_td_exit e;
	const uint64_t busy = TDX_OPERAND_BUSY | TDX_OPND_RCX, big = 0x200000, in = big + 0x5000;

	/* A PENDING 2 MiB leaf: every walk stops at its entry. */
	assert_true(tdx_test_sept_hold(td, big, TDX_PAGE_2M, 1));
	assert_false(tdx_test_sept_hold(td, in, TDX_PAGE_4K, 1));
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, in, 0, 0, 0, &r), busy);
	ASSERT_EQ(r.rcx, 0);
	ASSERT_EQ(r.rdx, 0);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, big | TDX_PAGE_2M, W(1, RWX), W(1, ALLM), 0, &r), busy);
	ASSERT_EQ(r.rcx, 0);
	ASSERT_EQ(r.rdx, 0);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ACCEPT, big | TDX_PAGE_2M, 0, 0, 0, &r), busy);
	/* A 4 KiB ATTR.WR walk stops above its level: the EPT violation
	 * comes first, no lock is tried (MOD walk_private_gpa). */
	fill(&r, TDG_MEM_PAGE_ATTR_WR, in | TDX_PAGE_4K, W(1, RWX), W(1, ALLM), 0);
	assert_int_equal(mcall(td, &r, &e), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.status, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(e.gpa, in);
	/* The next region's entry is free. */
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, big + TDX_PAGE_SIZE_2M, 0, 0, 0, &r), TDX_SUCCESS);
	tdx_test_sept_hold(td, big, TDX_PAGE_2M, 0);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, in, 0, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rcx, big | TDX_PAGE_2M | TDX_GPA_MAPPING_PENDING);
	ASSERT_EQ(r.rdx, 0);	/* the refused ATTR.WR made no alias */
	tdx_td_destroy(td);

	/* 4 KiB entries: only the held page is busy. */
	td = td_part(1, TDX_SEPT_POLICY_4K);
	const uint64_t next = DATA_GPA + 0x1000;
	assert_true(tdx_test_sept_hold(td, DATA_GPA, TDX_PAGE_4K, 1));
	assert_false(tdx_test_sept_hold(td, DATA_GPA, TDX_PAGE_4K, 1));
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, DATA_GPA + 0x10, 0, 0, 0, &r), busy);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, DATA_GPA | TDX_PAGE_4K, W(1, RWX), W(1, ALLM), 0, &r), busy);
	ASSERT_EQ(r.rdx, 0);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ACCEPT, DATA_GPA | TDX_PAGE_4K, 0, 0, 0, &r), busy);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, next, 0, 0, 0, &r), TDX_SUCCESS);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, next | TDX_PAGE_4K, W(1, RWX), W(1, ALLM), 0, &r), TDX_SUCCESS);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ACCEPT, next | TDX_PAGE_4K, 0, 0, 0, &r), TDX_SUCCESS);
	tdx_test_sept_hold(td, DATA_GPA, TDX_PAGE_4K, 0);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_RD, DATA_GPA, 0, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rcx, DATA_GPA | TDX_GPA_MAPPING_PENDING);	/* the refused accept did nothing */
	ASSERT_EQ(r.rdx, 0);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ACCEPT, DATA_GPA | TDX_PAGE_4K, 0, 0, 0, &r), TDX_SUCCESS);
	tdx_td_destroy(td);
}

/* Two VCPUs on two threads, one page: VCPU 0 flips VM 1's W bit with
 * ATTR.WR, VCPU 1 reads with ATTR.RD. Every answer is SUCCESS or BUSY, and
 * every word read is one of the two VCPU 0 writes. */
struct attr_race {
	struct tdx_td *td;
	unsigned n_busy, n_bad;
	uint64_t bad;
};

static void *attr_reader(void *p)
{
	struct attr_race *a = p;
	struct tdx_inject inj;

	for (unsigned i = 0; i < 20000; i++) {
		struct tdx_regs r;
		fill(&r, TDG_MEM_PAGE_ATTR_RD, DATA_GPA, 0, 0, 0);
		tdx_tdcall(a->td, 1, &r, &inj);
		if (r.rax == (TDX_OPERAND_BUSY | TDX_OPND_RCX))
			a->n_busy++;
		else if (r.rax != TDX_SUCCESS || (r.rdx != W(1, RWX) && r.rdx != W(1, RWX & ~TDX_GPA_ATTR_W)))
			a->n_bad++, a->bad = r.rax ? r.rax : r.rdx;
	}
	return NULL;
}

static void test_attr_threads(void **state)
{
	struct attr_race a = { .td = td_part(1, TDX_SEPT_POLICY_4K) };
	const uint64_t rcx = DATA_GPA | TDX_PAGE_4K;
	unsigned wr_busy = 0, wr_bad = 0;
	struct tdx_inject inj;
	pthread_t t;

	tu_accept(a.td, DATA_GPA, 0x1000);
	ASSERT_STATUS(call(a.td, TDG_MEM_PAGE_ATTR_WR, rcx, W(1, RWX), W(1, ALLM), 0, NULL), TDX_SUCCESS);
	assert_int_equal(pthread_create(&t, NULL, attr_reader, &a), 0);
	for (unsigned i = 0; i < 20000; i++) {
		struct tdx_regs r;
		fill(&r, TDG_MEM_PAGE_ATTR_WR, rcx, W(1, TDX_GPA_ATTR_VALID | (i & 1 ? TDX_GPA_ATTR_W : 0)),
		     W(1, TDX_GPA_ATTR_W), 0);
		tdx_tdcall(a.td, 0, &r, &inj);
		if (r.rax == (TDX_OPERAND_BUSY | TDX_OPND_RCX))
			wr_busy++;
		else if (r.rax != TDX_SUCCESS)
			wr_bad++;
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	print_message("ATTR.RD busy %u, ATTR.WR busy %u of 20000 each\n", a.n_busy, wr_busy);
	if (a.n_bad)
		fail_msg("%u ATTR.RD answers neither SUCCESS with a written word nor BUSY (e.g. 0x%llx)",
			 a.n_bad, (unsigned long long)a.bad);
	assert_int_equal(wr_bad, 0);
	tdx_td_destroy(a.td);
}

static void test_enter_short_circuits(void **state)
{
	struct fake f = { 0 };
	struct tdx_td *td = td_enter(2, &f, NULL);
	struct tdx_regs r, in;
	struct tdx_td_exit e;
	static const struct { uint64_t rcx, rdx, st; } c[] = {
		{ VM(1), GS_GPA + 0x80, BAD_RDX },		/* not 256-byte aligned */
		{ VM(1), GS_GPA | (1ull << 47), BAD_RDX },	/* shared */
		{ VM(1), 1ull << 48, BAD_RDX },			/* above GPAW */
		{ VM(0), GS_GPA + 1, BAD_RDX },			/* RDX is checked first */
		{ VM(0), GS_GPA, BAD_RCX },
		{ VM(3), GS_GPA, BAD_RCX },			/* NUM_L2_VMS = 2 */
		{ VM(1) | 4, GS_GPA, BAD_RCX },			/* reserved 51:2 */
		{ VM(1) | (1ull << 51), GS_GPA, BAD_RCX },
		{ VM(1) | (1ull << 54), GS_GPA, BAD_RCX },	/* reserved 63:54 */
		{ VM(1) | (1ull << 63), GS_GPA, BAD_RCX },
	};
	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		fill(&in, TDG_VP_ENTER, c[i].rcx, c[i].rdx, 0, 0);
		r = in;
		assert_int_equal(tdx_tdcall(td, 0, &r, NULL), TDX_OUTCOME_DONE);
		ASSERT_STATUS(r.rax, c[i].st);
		ASSERT_EQ(r.rip, in.rip + 4);
		r.rax = in.rax;
		r.rip = in.rip;
		assert_memory_equal(&r, &in, sizeof(r));
	}
	/* vAPIC address never set (VM 2 of a fresh VCPU 0 state). */
	tdx_test_l2_set_vapic(td, 0, 2, TDX_TEST_NULL_PA);
	fill(&in, TDG_VP_ENTER, VM(2), GS_GPA, 0, 0);
	r = in;
	assert_int_equal(tdx_tdcall(td, 0, &r, NULL), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.rax, 0xC0000100000000AAull);
	r.rax = in.rax, r.rip = in.rip;
	assert_memory_equal(&r, &in, sizeof(r));
	/* Pending L1 interrupt: RVI[7:4] > PPR[7:4]; equal classes do not count. */
	tdx_vcpu_set_l1_apic(td, 0, 0x41, 0x30);
	fill(&in, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0);
	r = in;
	assert_int_equal(tdx_tdcall(td, 0, &r, NULL), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.rax, TDX_PENDING_INTERRUPT);
	r.rax = in.rax, r.rip = in.rip;
	assert_memory_equal(&r, &in, sizeof(r));
	assert_int_equal(f.runs, 0);
	tdx_vcpu_set_l1_apic(td, 0, 0x4F, 0x40);
	f.exit.reason = TDX_EXIT_HLT;
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, NULL), TDX_EXIT_HLT);
	assert_int_equal(f.runs, 1);

	/* Guest-state / vAPIC page not accepted: EPT-violation TD exit, GPA[11:0] = 0. */
	fill(&r, TDG_VP_ENTER, VM(1), DATA_GPA + 0x1100, 0, 0);
	assert_int_equal(mcall(td, &r, &e), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.status, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(e.gpa, DATA_GPA + 0x1000);
	ASSERT_EQ(e.exit_qual, 0);
	ASSERT_EQ(r.rip, 0x3000);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_VIRTUAL_APIC_ADDR), DATA_GPA + 0x2000, ~0ull, NULL), TDX_SUCCESS);
	fill(&r, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0);
	assert_int_equal(mcall(td, &r, &e), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.gpa, DATA_GPA + 0x2000);
	tdx_td_destroy(td);
}

static void test_enter_no_engine(void **state)
{
	struct tdx_td *td = td_enter(1, NULL, NULL);
	struct tdx_regs r;

	fill(&r, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0);
	assert_int_equal(tdx_tdcall(td, 0, &r, NULL), TDX_OUTCOME_TD_DEAD);
	assert_non_null(strstr(tdx_td_dead_reason(td), "no L2 CPU engine"));
	ASSERT_EQ(r.rip, 0x3000);
	tdx_td_destroy(td);
}

/* INVD_TRANSLATIONS: 1 INVEPT, 2 INVVPID, 3 INVVPID retaining globals. */
static void test_enter_invd(void **state)
{
	struct fake f = { .exit = { .reason = TDX_EXIT_HLT, .instr_len = 1 } };
	struct tdx_td *td = td_enter(1, &f, NULL);

	for (unsigned invd = 0; invd < 4; invd++) {
		ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1) | invd, GS_GPA, 0, 0, NULL), TDX_EXIT_HLT);
		assert_int_equal(f.last_invd, invd);
	}
	ASSERT_EQ(l2(td, 0, 1).n_invept, 1);
	ASSERT_EQ(l2(td, 0, 1).n_invvpid, 1);
	ASSERT_EQ(l2(td, 0, 1).n_invvpid_nonglobal, 1);
	assert_int_equal(f.inval, 3);
	assert_int_equal(f.launched_seen, 1);
	tdx_td_destroy(td);
}

/* An L2 -> L1 exit, every output register of 7.3. */
static void test_enter_exit_outputs(void **state)
{
	struct fake f = {
		.exit = { .reason = TDX_EXIT_IO_INSTRUCTION, .qual = 0x03F80008, .gla = 0x1111, .gpa = 0x2222,
			  .intr_info = 0x80000B0E, .intr_err = 0x5, .idt_vec_info = 0x80000300,
			  .idt_vec_err = 0x7, .instr_info = 0x99, .instr_len = 1 },
		.rbp = 0xB0B0B0B0, .rip_step = 0x10,
	};
	struct tdx_td *td = td_enter(1, &f, NULL);
	struct tdx_regs r;

	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 1, VMCS_GUEST_CS_SEL), 0x33, 0xFFFF, NULL), TDX_SUCCESS);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 2, VMCS_GUEST_CS_AR), 0xA0FB, ~0ull, NULL), TDX_SUCCESS);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 2, VMCS_GUEST_CS_LIMIT), 0xFFFFF, ~0ull, NULL), TDX_SUCCESS);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 3, VMCS_GUEST_CS_BASE), 0xC0DE0000, ~0ull, NULL), TDX_SUCCESS);
	ASSERT_STATUS(vp_wr(td, vmcs_id(1, 2, VMCS_GUEST_SS_AR), 0xC0F3, ~0ull, NULL), TDX_SUCCESS);

	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, &r), TDX_SUCCESS | TDX_EXIT_IO_INSTRUCTION);
	ASSERT_EQ(r.rbx, 0);
	ASSERT_EQ(r.rcx, 0x03F80008);
	ASSERT_EQ(r.rdx, 0x1111);
	ASSERT_EQ(r.rsi, 0x33 | (0xA0FBull << 16) | (0xFFFFFull << 32));
	ASSERT_EQ(r.rdi, 0xC0DE0000);
	ASSERT_EQ(r.r8, 0x2222);
	ASSERT_EQ(r.r9, 0x80000B0Eull | (5ull << 32));
	ASSERT_EQ(r.r10, 0x80000300ull | (7ull << 32));
	ASSERT_EQ(r.r11, 0x99 | (1ull << 32));
	ASSERT_EQ(r.r12, 3);	/* CPL from SS.DPL */
	ASSERT_EQ(r.r13, 0);
	ASSERT_EQ(r.r14, 0);
	ASSERT_EQ(r.r15, 0);
	ASSERT_EQ(r.rbp, 0xB0B0B0B0);	/* the L2's RBP */
	ASSERT_EQ(r.rsp, PATTERN + TDX_GPR_RSP);	/* L1's own */

	/* The guest-state page is written back. */
	const struct tdx_l2_enter_guest_state *g = tdx_td_gpa_ptr(td, GS_GPA, sizeof(*g));
	ASSERT_EQ(g->gpr[TDX_GPR_RBP], 0xB0B0B0B0);
	ASSERT_EQ(g->gpr[TDX_GPR_RBX], 0x104);
	ASSERT_EQ(g->gpr[TDX_GPR_RSP], 0x104 - 0x103 + 0x103);
	ASSERT_EQ(g->rip, 0x400010);
	ASSERT_EQ(g->rflags, 0x202);
	ASSERT_EQ(g->ssp, 0x8000);
	ASSERT_EQ(g->rvi, 0x31);
	ASSERT_EQ(g->svi, 0x20);
	/* ...and the L2 VMCS, readable by L1. */
	ASSERT_EQ(vp_rd(td, vmcs_id(1, 2, VMCS_EXIT_REASON)), TDX_EXIT_IO_INSTRUCTION);
	ASSERT_EQ(vp_rd(td, vmcs_id(1, 3, VMCS_EXIT_QUAL)), 0x03F80008);
	ASSERT_EQ(vp_rd(td, vmcs_id(1, 3, VMCS_GUEST_RIP)), 0x400010);
	ASSERT_EQ(vp_rd(td, vmcs_id(1, 3, VMCS_GUEST_RSP)), 0x104);
	ASSERT_EQ(vp_rd(td, vmcs_id(1, 1, VMCS_GUEST_INTR_STATUS)), 0x2031);
	ASSERT_EQ(vp_rd(td, vmcs_id(1, 3, VMCS_GUEST_CR3)), 0x9000);	/* engine's vmwrite */

	/* Re-entry continues from the written-back state. */
	f.exit = (struct tdx_l2_exit){ .reason = TDX_EXIT_CPUID, .instr_len = 2 };
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, &r), TDX_EXIT_CPUID);
	ASSERT_EQ(r.r11, 2ull << 32);
	ASSERT_EQ(g->rip, 0x400020);
	ASSERT_EQ(g->gpr[TDX_GPR_RBX], 0x105);
	f.exit = (struct tdx_l2_exit){ .reason = TDX_EXIT_HLT, .instr_len = 1 };
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, &r), TDX_EXIT_HLT);
	ASSERT_EQ(r.r11, 1ull << 32);
	tdx_td_destroy(td);
}

/* EPT violations: PENDING page -> L1 with R13 type 6; no alias -> L1, R13 0;
 * with an alias the access just works (attributes gate what the L2 touches). */
static void test_enter_ept(void **state)
{
	struct fake f = { .use_mem = 1, .mem_acc = TDX_L2_ACC_READ, .exit = { .reason = TDX_EXIT_HLT } };
	struct host_rec h = { 0 };
	struct tdx_td *td = td_enter(2, &f, &h);
	struct tdx_regs r;

	f.mem_gpa = DATA_GPA + 0x5008;	/* PENDING */
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, &r), TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(r.r8, DATA_GPA + 0x5008);
	ASSERT_EQ(r.rdx, 0x7000);
	ASSERT_EQ(r.rcx, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT);
	ASSERT_EQ(r.r13, TDX_EEQ_PENDING_EPT_VIOLATION);

	f.mem_gpa = DATA_GPA + 8;	/* accepted, no alias for VM 1 */
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, &r), TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(r.r13, 0);
	*(uint64_t *)tdx_td_gpa_ptr(td, DATA_GPA + 8, 8) = 0x1234;
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, DATA_GPA, W(1, TDX_GPA_ATTR_VALID | TDX_GPA_ATTR_R),
			   W(1, ALLM), 0, NULL), TDX_SUCCESS);
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, &r), TDX_EXIT_HLT);
	ASSERT_EQ(f.mem_val, 0x1234);
	/* Read-only alias: a write faults with the alias's R bit in the qualification. */
	f.mem_acc = TDX_L2_ACC_WRITE;
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, &r), TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(r.rcx & 0x7F, TDX_EPT_QUAL_WRITE | TDX_EPT_QUAL_READABLE);
	/* VM 2 has no alias at all. */
	f.mem_acc = TDX_L2_ACC_READ;
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(2), GS_GPA, 0, 0, &r), TDX_EXIT_EPT_VIOLATION);

	/* Unmapped private GPA: host-routed (the built-in host AUGs it), then
	 * completed into L1 as HOST_ROUTED_ASYNC with R13 = 0. */
	ASSERT_STATUS(tdh_mem_page_remove(td, DATA_GPA + 0x6000, TDX_PAGE_4K), TDX_SUCCESS);
	f.mem_gpa = DATA_GPA + 0x6000;
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, &r),
		      TDX_L2_EXIT_HOST_ROUTED_ASYNC | TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(r.r13, 0);
	struct tdx_page_state ps;
	assert_int_equal(tdx_td_page_state(td, DATA_GPA + 0x6000, &ps), 0);
	assert_int_equal(ps.sept, TDX_SEPT_PENDING);
	/* An async exit (external interrupt) goes to the host too. */
	f.use_mem = 0;
	f.exit = (struct tdx_l2_exit){ .reason = TDX_EXIT_EXTERNAL_INTERRUPT, .intr_info = 0x800000EC };
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, &r),
		      TDX_L2_EXIT_HOST_ROUTED_ASYNC | TDX_EXIT_EXTERNAL_INTERRUPT);
	assert_int_equal(h.calls, 1);
	tdx_td_destroy(td);
}

/* L2 TDCALL: ENABLE_TDVMCALL off -> L1 exit 77; on -> TD exit to the host
 * with the VM index, then HOST_ROUTED_TDVMCALL into L1 (7.4). */
static void test_enter_tdcall_routing(void **state)
{
	struct fake f = { .exit = { .reason = TDX_EXIT_TDCALL, .instr_len = 4 } };
	struct host_rec h = { 0 };
	struct tdx_td *td = td_enter(2, &f, &h);
	struct tdx_l2_enter_guest_state *g = tdx_td_gpa_ptr(td, GS_GPA, sizeof(*g));
	struct tdx_regs r;
	uint64_t mask = (1u << TDX_GPR_R10) | (1u << TDX_GPR_R11) | (1u << TDX_GPR_R12);

	g->gpr[TDX_GPR_RAX] = TDG_VP_VMCALL;
	g->gpr[TDX_GPR_RCX] = mask;
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(2), GS_GPA, 0, 0, &r), TDX_SUCCESS | TDX_EXIT_TDCALL);
	assert_int_equal(h.calls, 0);
	ASSERT_EQ(g->rip, 0x400000);	/* L1 advances the L2 RIP itself */

	ASSERT_STATUS(vp_wr(td, TDX_FIELD_VP_L2_CTLS(2), 2, 2, NULL), TDX_SUCCESS);	/* ENABLE_TDVMCALL */
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(2), GS_GPA, 0, 0, &r),
		      TDX_L2_EXIT_HOST_ROUTED_TDVMCALL | TDX_EXIT_TDCALL);
	assert_int_equal(h.calls, 1);
	assert_int_equal(h.vm, 2);
	ASSERT_EQ(h.qual, mask | (2ull << 32));	/* VM index in RCX[33:32] */
	ASSERT_EQ(h.r12, 0x10C);
	ASSERT_EQ(r.r13, 0);
	ASSERT_EQ(g->gpr[TDX_GPR_RAX], 0);
	ASSERT_EQ(g->gpr[TDX_GPR_RCX], mask);
	ASSERT_EQ(g->gpr[TDX_GPR_R10], 0);
	ASSERT_EQ(g->gpr[TDX_GPR_R11], 0xABCD);
	ASSERT_EQ(g->rip, 0x400004);	/* past the L2's TDCALL */

	/* A non-VMCALL leaf from the L2 still goes to L1. */
	g->gpr[TDX_GPR_RAX] = TDG_VP_INFO;
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(2), GS_GPA, 0, 0, &r), TDX_EXIT_TDCALL);
	assert_int_equal(h.calls, 1);
	/* A bad expose mask fails the L2's TDCALL inside the L2, which runs on:
	 * its next TDCALL (RAX now the error, not leaf 0) goes to L1. */
	g->gpr[TDX_GPR_RAX] = TDG_VP_VMCALL;
	g->gpr[TDX_GPR_RCX] = 1u << TDX_GPR_RSP;
	f.runs = 0;
	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(2), GS_GPA, 0, 0, &r), TDX_EXIT_TDCALL);
	assert_int_equal(f.runs, 2);
	assert_int_equal(h.calls, 1);
	ASSERT_EQ(g->gpr[TDX_GPR_RAX], BAD_RCX);
	ASSERT_EQ(g->rip, 0x400008);
	tdx_td_destroy(td);
}

/* ---- INVEPT / INVGLA (7.5) ------------------------------------------------------ */

static void test_invept(void **state)
{
	struct tdx_td *td = td_part(2, TDX_SEPT_POLICY_4K);
	struct tdx_regs r;

	ASSERT_STATUS(call(td, TDG_VP_INVEPT, 1, 0, 0, 0, &r), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_VP_INVEPT, 8, 0, 0, 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_VP_INVEPT, 1ull << 63, 0, 0, 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_VP_INVEPT, 6, 0, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rcx, 6);
	ASSERT_STATUS(call(td, TDG_VP_INVEPT, 4, 0, 0, 0, NULL), TDX_SUCCESS);
	ASSERT_STATUS(call(td, TDG_VP_INVEPT, 0, 0, 0, 0, NULL), TDX_SUCCESS);
	ASSERT_EQ(l2(td, 0, 1).n_invept, 1);
	ASSERT_EQ(l2(td, 0, 2).n_invept, 2);
	tdx_td_destroy(td);
}

static void test_invgla(void **state)
{
	struct tdx_td *td = td_part(2, TDX_SEPT_POLICY_4K);
	struct tdx_regs r;
	struct tdx_td_exit e;

	ASSERT_STATUS(call(td, TDG_VP_INVGLA, 0, 0x1000, 0, 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(3), 0x1000, 0, 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(1) | 2, 0x1000, 0, 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(1) | (1ull << 60), 0x1000, 0, 0, NULL), BAD_RCX);
	/* Single entry: base + 2 more pages. */
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(2), 0xFFFF800000001000ull | 2, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, 0xFFFF800000001002ull);
	ASSERT_EQ(l2(td, 0, 2).n_invgla, 3);
	ASSERT_EQ(l2(td, 0, 2).last_invgla, 0xFFFF800000003000ull);
	/* Crossing out of the canonical range. */
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(2), 0x00007FFFFFFFE000ull | 3, 0, 0, NULL), TDX_GLA_NOT_CANONICAL);
	ASSERT_EQ(l2(td, 0, 2).n_invgla, 5);

	/* List mode: page at DATA_GPA with 4 entries. */
	tu_accept(td, DATA_GPA, 0x1000);
	uint64_t *list = tdx_td_gpa_ptr(td, DATA_GPA, 0x1000);
	list[10] = 0x1000;
	list[11] = 0x5000 | 1;
	list[12] = 0x9000;
	list[13] = 0x0000900000000000ull;	/* non-canonical */
	uint64_t d = DATA_GPA | 10 | (3ull << 52);
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(2) | 1, d, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, DATA_GPA | 13);	/* FIRST advanced, NUM = 0 */
	ASSERT_EQ(l2(td, 0, 2).n_invgla, 9);
	ASSERT_EQ(l2(td, 0, 2).last_invgla, 0x9000);
	d = DATA_GPA | 12 | (2ull << 52);
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(2) | 1, d, 0, 0, &r), TDX_GLA_NOT_CANONICAL);
	ASSERT_EQ(r.rdx, d);	/* unchanged on error */
	/* Descriptor errors. */
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(2) | 1, DATA_GPA | (1u << 9) | (1ull << 52), 0, 0, NULL), BAD_RDX);
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(2) | 1, DATA_GPA | (1ull << 62), 0, 0, NULL), BAD_RDX);
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(2) | 1, DATA_GPA | 500 | (13ull << 52), 0, 0, NULL), BAD_RDX);
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(2) | 1, DATA_GPA | 500 | (12ull << 52), 0, 0, NULL), TDX_SUCCESS);
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(2) | 1, DATA_GPA | (1ull << 47) | (1ull << 52), 0, 0, NULL), BAD_RDX);
	/* List page not accepted: the GPA walk's outcome (EPT violation to the host). */
	fill(&r, TDG_VP_INVGLA, VM(2) | 1, (DATA_GPA + 0x1000) | (1ull << 52), 0, 0);
	assert_int_equal(mcall(td, &r, &e), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.gpa, DATA_GPA + 0x1000);
	/* Interrupted: progress in RDX, RIP and RAX untouched, re-executed. */
	tdx_vcpu_set_interrupt_pending(td, 0, 1);
	d = DATA_GPA | 10 | (3ull << 52);
	fill(&r, TDG_VP_INVGLA, VM(2) | 1, d, 0, 0);
	assert_int_equal(mcall(td, &r, &e), TDX_OUTCOME_REEXECUTE);
	ASSERT_EQ(r.rdx, DATA_GPA | 11 | (2ull << 52));
	ASSERT_EQ(r.rax, TDG_VP_INVGLA);
	ASSERT_EQ(r.rip, 0x3000);
	tdx_vcpu_set_interrupt_pending(td, 0, 0);
	assert_int_equal(mcall(td, &r, &e), TDX_OUTCOME_DONE);
	ASSERT_EQ(r.rdx, DATA_GPA | 13);
	tdx_td_destroy(td);
}

/* The new leaves take version 0 only and do not exist for a TD without L2 VMs. */
static void test_leaves_without_l2(void **state)
{
	struct tdx_td *td = td_part(0, TDX_SEPT_POLICY_4K);

	ASSERT_STATUS(call(td, TDG_VP_ENTER, VM(1), GS_GPA, 0, 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_VP_INVEPT, 2, 0, 0, 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_VP_INVGLA, VM(1), 0, 0, 0, NULL), BAD_RCX);
	ASSERT_STATUS(call(td, TDG_MEM_PAGE_ATTR_WR, DATA_GPA, W(1, RWX), W(1, ALLM), 0, NULL), BAD_RDX);
	ASSERT_STATUS(call(td, TDG_VP_INVEPT | (1ull << 16), 0, 0, 0, 0, NULL), TDX_OPERAND_INVALID | TDX_OPND_RAX);
	ASSERT_STATUS(call(td, TDG_VP_RD, 0, vmcs_id(1, 3, VMCS_GUEST_RIP), 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	tdx_td_destroy(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmcs_initial_state),
		cmocka_unit_test(test_vmcs_widths),
		cmocka_unit_test(test_vmcs_errors),
		cmocka_unit_test(test_msr_bitmaps),
		cmocka_unit_test(test_vp_chain_l2),
		cmocka_unit_test(test_attr_rd),
		cmocka_unit_test(test_attr_wr_operands),
		cmocka_unit_test(test_attr_wr_semantics),
		cmocka_unit_test(test_attr_busy),
		cmocka_unit_test(test_attr_threads),
		cmocka_unit_test(test_enter_short_circuits),
		cmocka_unit_test(test_enter_no_engine),
		cmocka_unit_test(test_enter_invd),
		cmocka_unit_test(test_enter_exit_outputs),
		cmocka_unit_test(test_enter_ept),
		cmocka_unit_test(test_enter_tdcall_routing),
		cmocka_unit_test(test_invept),
		cmocka_unit_test(test_invgla),
		cmocka_unit_test(test_leaves_without_l2),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

/* test_rdall_servtd.c: TDG.SYS.RDALL (leaf 12) and TDG.SERVTD.RD/WR
 * (leaves 18, 20). Every expected value comes from the TDX module 1.5.01
 * source (MOD): tdg_sys_rdall.c, metadata_generic.c md_dump_list() /
 * md_dump_sequence(), global_sys_fields_lookup.c (IDs, guest masks, shapes),
 * metadata_sys.c (values), helpers.c (GPA walk), tdg_servtd_rd_wr.c,
 * service_td.h, td_exit.c async_tdexit_cross_td(). */
#include <string.h>

#include "testutil.h"

#define NULL_ID 0xFFFFFFFFFFFFFFFFull
#define LIST 0x40000ull		/* 4 KiB list page, accepted by the tests */
#define PATTERN 0x5A5A5A5A5A5A5A5Aull
#define OI_RCX (TDX_OPERAND_INVALID | TDX_OPND_RCX)
#define OI_RDX (TDX_OPERAND_INVALID | TDX_OPND_RDX)
#define SEQ(id, nfields) ((id) | (uint64_t)((nfields) - 1) << 38)	/* LAST_FIELD_IN_SEQUENCE */

static struct tdx_td *td_new(enum tdx_sept_policy pol, uint64_t attributes)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.mem_size = 16ull << 20;
	cfg.sept_policy = pol;
	cfg.attributes = attributes;
	return tu_td_new(&cfg);
}

static uint64_t *page(struct tdx_td *td, uint64_t gpa)
{
	uint64_t *p = tdx_td_gpa_ptr(td, gpa, TDX_PAGE_SIZE_4K);
	assert_non_null(p);
	return p;
}

/* RDALL with every other GPR = PATTERN; returns RAX, *next = R8. */
static uint64_t rdall(struct tdx_td *td, uint64_t gpa, uint64_t start, uint64_t *next)
{
	struct tdx_regs r;

	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		r.gpr[i] = PATTERN;
	r.rax = TDG_SYS_RDALL;
	r.rdx = gpa;
	r.r8 = start;
	r.rip = 0x3000;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_DONE);
	ASSERT_EQ(r.rip, 0x3004);
	ASSERT_EQ(r.rdx, gpa);	/* only RAX and R8 are outputs */
	ASSERT_EQ(r.rcx, PATTERN);
	ASSERT_EQ(r.r9, PATTERN);
	*next = r.r8;
	return r.rax;
}

/* The guest-readable global fields of 1.5.01 in table order, as
 * md_dump_list() groups them (global_sys_fields_lookup.c: every readable
 * entry is 1 field x 1 element; a sequence continues while class, element
 * size and consecutive field codes match). */
static const uint64_t full_list[] = {
	0x00A8 | 8ull << 16,			/* header: 168 bytes, 8 sequences */
	SEQ(0x0800000200000000ull, 1), 0x8086,	/* VENDOR_ID */
	SEQ(0x0800000100000003ull, 2), 5, 1,	/* MINOR, MAJOR_VERSION (proj_defs.mk: 1.5) */
	SEQ(0x0A00000200000000ull, 1), 0,	/* SYS_ATTRIBUTES: 32-bit, next is 8-bit */
	SEQ(0x0A00000000000001ull, 1), 1,	/* NUM_TDX_FEATURES (tdx_api_defs.h) */
	/* TDX_FEATURES0 as metadata_sys.c builds it, local attestation on */
	SEQ(0x0A00000300000008ull, 1), 0xF0FBF,
	SEQ(0xA000000300000000ull, 1), 0,	/* MIG_ATTRIBUTES: 64-bit, next 16-bit */
	SEQ(0x2000000100000001ull, 4), 0, 0, 0, 0,	/* MIN/MAX_EXPORT/IMPORT_VERSION */
	SEQ(0xA200000100000000ull, 1), 0x807F,	/* GUEST_L2_GPA_ATTR_MASK: BITS(6,0) | BIT(15) */
};

static void expect_list(struct tdx_td *td, const uint64_t *want, size_t n)
{
	const uint64_t *p = page(td, LIST);

	for (size_t i = 0; i < n; i++) {
		if (p[i] != want[i])
			fail_msg("list qword %zu: 0x%016llx, want 0x%016llx", i,
				 (unsigned long long)p[i], (unsigned long long)want[i]);
	}
	ASSERT_EQ(p[n], PATTERN);	/* nothing written past the list */
}

static void test_rdall_whole_context(enum tdx_sept_policy pol)
{
	struct tdx_td *td = td_new(pol, TDX_ATTR_SEPT_VE_DISABLE);
	uint64_t next;

	tu_accept(td, LIST, TDX_PAGE_SIZE_4K);
	for (unsigned i = 0; i < 512; i++)
		page(td, LIST)[i] = PATTERN;
	ASSERT_STATUS(rdall(td, LIST, NULL_ID, &next), TDX_SUCCESS);
	ASSERT_EQ(next, NULL_ID);
	expect_list(td, full_list, sizeof(full_list) / sizeof(full_list[0]));

	/* The null ID is any ID with all bits set but the context code. */
	memset(page(td, LIST), 0x5A, 4096);
	ASSERT_STATUS(rdall(td, LIST, NULL_ID & ~(7ull << 52), &next), TDX_SUCCESS);
	expect_list(td, full_list, sizeof(full_list) / sizeof(full_list[0]));

	/* Only class and field code (and the size code) of a start ID count:
	 * md_check_field_and_get_entry() ignores the other bits, so VENDOR_ID
	 * with reserved, sequence, write-mask and context bits starts the same
	 * list, whose headers carry the table's IDs. */
	memset(page(td, LIST), 0x5A, 4096);
	ASSERT_STATUS(rdall(td, LIST, 0x0800000200000000ull | 0xFFull << 24 | 0x1FFull << 38 | 0xFull << 34 |
				       TDX_FIELD_WRITE_MASK_VALID | 7ull << 52 | 1ull << 62, &next), TDX_SUCCESS);
	expect_list(td, full_list, sizeof(full_list) / sizeof(full_list[0]));
	tdx_td_destroy(td);
}

static void test_rdall_2m(void **state)
{
	test_rdall_whole_context(TDX_SEPT_POLICY_2M);
}

static void test_rdall_4k(void **state)
{
	test_rdall_whole_context(TDX_SEPT_POLICY_4K);
}

static void test_rdall_start_fields(void **state)
{
	struct tdx_td *td = td_new(TDX_SEPT_POLICY_2M, TDX_ATTR_SEPT_VE_DISABLE);
	uint64_t next;

	tu_accept(td, LIST, TDX_PAGE_SIZE_4K);
	/* From MAJOR_VERSION: that field alone, then the rest. */
	memset(page(td, LIST), 0x5A, 4096);
	ASSERT_STATUS(rdall(td, LIST, 0x0800000100000004ull, &next), TDX_SUCCESS);
	ASSERT_EQ(next, NULL_ID);
	const uint64_t from_major[] = {
		0x0090 | 7ull << 16, SEQ(0x0800000100000004ull, 1), 1,
		SEQ(0x0A00000200000000ull, 1), 0, SEQ(0x0A00000000000001ull, 1), 1,
		SEQ(0x0A00000300000008ull, 1), 0xF0FBF, SEQ(0xA000000300000000ull, 1), 0,
		SEQ(0x2000000100000001ull, 4), 0, 0, 0, 0, SEQ(0xA200000100000000ull, 1), 0x807F,
	};
	expect_list(td, from_major, sizeof(from_major) / sizeof(from_major[0]));

	/* From a field the guest may not read (NUM_CMRS): an empty sequence
	 * for it, then the readable fields after it (md_dump_sequence). */
	static const uint64_t from_mig[] = {
		0x0050 | 3ull << 16, SEQ(0xA000000300000000ull, 1), 0,
		SEQ(0x2000000100000001ull, 4), 0, 0, 0, 0, SEQ(0xA200000100000000ull, 1), 0x807F,
	};
	memset(page(td, LIST), 0x5A, 4096);
	ASSERT_STATUS(rdall(td, LIST, 0x9000000100000000ull, &next), TDX_SUCCESS);
	expect_list(td, from_mig, sizeof(from_mig) / sizeof(from_mig[0]));
	/* CPUID_CONFIG_VALUES has 2 elements per field: code 0x502 starts field 1. */
	memset(page(td, LIST), 0x5A, 4096);
	ASSERT_STATUS(rdall(td, LIST, 0x9900000300000502ull, &next), TDX_SUCCESS);
	expect_list(td, from_mig, sizeof(from_mig) / sizeof(from_mig[0]));

	/* Not the first element of a field, a wrong size code, no such field:
	 * FIELD_ID_INCORRECT, R8 = -1 and the page untouched. */
	static const uint64_t bad[] = {
		0x9900000300000501ull, 0x0800000300000000ull, 0x0800000100000007ull, 0x3F00000300000000ull,
	};
	for (unsigned i = 0; i < 4; i++) {
		memset(page(td, LIST), 0x5A, 4096);
		ASSERT_STATUS(rdall(td, LIST, bad[i], &next), TDX_METADATA_FIELD_ID_INCORRECT);
		ASSERT_EQ(next, NULL_ID);
		ASSERT_EQ(page(td, LIST)[0], PATTERN);
	}
	tdx_td_destroy(td);
}

/* The list GPA (RDX): 4 KiB aligned, then check_walk_and_map_guest_side_gpa()
 * with TDX_RANGE_RW, PRIVATE_ONLY; failures are OPERAND_INVALID | RDX with
 * R8 preset to -1, or a #VE / TD exit from the walk. */
static void test_rdall_list_gpa(enum tdx_sept_policy pol)
{
	struct tdx_td *td = td_new(pol, TDX_ATTR_SEPT_VE_DISABLE);
	uint64_t sb = tdx_td_shared_bit(td), next;

	tu_accept(td, LIST, TDX_PAGE_SIZE_4K);
	ASSERT_STATUS(rdall(td, LIST + 8, NULL_ID, &next), OI_RDX);
	ASSERT_EQ(next, NULL_ID);
	ASSERT_STATUS(rdall(td, LIST + 0x800, 0x0800000100000004ull, &next), OI_RDX);
	ASSERT_EQ(next, NULL_ID);
	ASSERT_STATUS(rdall(td, LIST | sb, NULL_ID, &next), OI_RDX);	/* private only */
	ASSERT_STATUS(rdall(td, 1ull << 48, NULL_ID, &next), OI_RDX);	/* beyond GPAW */
	/* Alignment is checked before the start field ID. */
	ASSERT_STATUS(rdall(td, LIST + 8, 0x0800000300000000ull, &next), OI_RDX);

	/* A page mapped PENDING at creation, not accepted: EPT-violation TD exit for the host, with
	 * the qualification of a read-write walk (bits 0 and 1) and, as
	 * PENDING_VE_DISABLE is set, EEQ type PENDING_EPT_VIOLATION. */
	struct tdx_regs r;
	struct tdx_td_exit e;
	struct tdx_inject inj;
	memset(&r, 0, sizeof(r));
	r.rax = TDG_SYS_RDALL;
	r.rdx = 0x80000;
	r.r8 = 0x1234;
	r.rip = 0x3000;
	enum tdx_tdcall_outcome o = tdx_module_tdcall(td, 0, &r, &e, &inj);
	assert_int_equal(o, TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.status, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(e.gpa, 0x80000);
	ASSERT_EQ(e.exit_qual, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_WRITE);
	ASSERT_EQ(e.ext_exit_qual, TDX_EEQ_PENDING_EPT_VIOLATION);
	ASSERT_EQ(r.rip, 0x3000);	/* fault-like, GPRs as the guest had them */
	ASSERT_EQ(r.r8, 0x1234);
	ASSERT_EQ(r.rax, TDG_SYS_RDALL);
	tdx_td_destroy(td);

	/* PENDING_VE_DISABLE clear: #VE, VE info with the same qualification. */
	td = td_new(pol, 0);
	tu_accept(td, LIST, TDX_PAGE_SIZE_4K);
	struct tdx_page_state ps;
	assert_int_equal(tdx_td_page_state(td, 0x80000, &ps), 0);
	ASSERT_EQ(ps.sept, TDX_SEPT_PENDING);	/* mapped PENDING at creation, not accepted */
	memset(&r, 0, sizeof(r));
	r.rax = TDG_SYS_RDALL;
	r.rdx = 0x80000;
	r.r8 = NULL_ID;
	r.rip = 0x3000;
	assert_int_equal(tdx_tdcall(td, 0, &r, &inj), TDX_OUTCOME_INJECT);
	ASSERT_EQ(inj.vector, 20);
	ASSERT_EQ(r.rip, 0x3000);
	struct tdx_regs v;
	ASSERT_STATUS(tu_leaf(td, TDG_VP_VEINFO_GET, 0, 0, 0, 0, &v), TDX_SUCCESS);
	ASSERT_EQ(v.rcx, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(v.rdx, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_WRITE);
	ASSERT_EQ(v.r9, 0x80000);
	/* Accepted, the same call completes. */
	tu_accept(td, 0x80000, TDX_PAGE_SIZE_4K);
	ASSERT_STATUS(rdall(td, 0x80000, NULL_ID, &next), TDX_SUCCESS);
	ASSERT_EQ(page(td, 0x80000)[1], SEQ(0x0800000200000000ull, 1));
	tdx_td_destroy(td);
}

static void test_rdall_list_gpa_2m(void **state)
{
	test_rdall_list_gpa(TDX_SEPT_POLICY_2M);
}

static void test_rdall_list_gpa_4k(void **state)
{
	test_rdall_list_gpa(TDX_SEPT_POLICY_4K);
}

/* ---- TDG.SERVTD.RD / WR ----------------------------------------------------- */

/* TD_UUID (TDR, guest-readable: tdr_tdcs_fields_lookup.c) element 0. */
static uint64_t td_uuid0(struct tdx_td *td)
{
	struct tdx_regs r;
	ASSERT_STATUS(tu_leaf(td, TDG_VM_RD, 0, 0x8010000300000020ull, 0, 0, &r), TDX_SUCCESS);
	return r.r8;
}

static void test_servtd_slot(void **state)
{
	struct tdx_td *td = td_new(TDX_SEPT_POLICY_2M, TDX_ATTR_SEPT_VE_DISABLE);
	uint64_t u = td_uuid0(td);
	struct tdx_regs r;

	/* Handle - TD_UUID[0] = slot (11:0) | TDR page (51:12); MAX_SERVTDS = 1,
	 * so a slot >= 1 is OPERAND_INVALID | RCX, after the presets: RD sets
	 * RDX = -1 and R8 = 0, WR only R8 = 0. */
	ASSERT_STATUS(tu_leaf(td, TDG_SERVTD_RD, u + 1, 0x9410000300000000ull, 7, 7, &r), OI_RCX);
	ASSERT_EQ(r.rdx, NULL_ID);
	ASSERT_EQ(r.r8, 0);
	ASSERT_STATUS(tu_leaf(td, TDG_SERVTD_WR, u + 0xFFF, 0x9410000300000000ull, 7, 7, &r), OI_RCX);
	ASSERT_EQ(r.rdx, 0x9410000300000000ull);
	ASSERT_EQ(r.r8, 0);
	ASSERT_EQ(r.r9, 7);
	/* A handle not made from this TD's UUID decodes to another slot. */
	ASSERT_STATUS(tu_leaf(td, TDG_SERVTD_RD, 0x1000 + u + 0x10, 0, 0, 0, &r), OI_RCX);
	/* Versions other than 0: the dispatcher refuses before any preset. */
	ASSERT_STATUS(tu_leaf(td, TDG_SERVTD_RD | 1ull << 16, u, 5, 6, 0, &r),
		      TDX_OPERAND_INVALID | TDX_OPND_RAX);
	ASSERT_EQ(r.rdx, 5);
	ASSERT_EQ(r.r8, 6);
	tdx_td_destroy(td);
}

/* Slot 0: the target TDR check fails (no other TD exists), and the module
 * leaves through async_tdexit_cross_td(): a trap-like TD exit with host RAX
 * = CROSS_TD_TRAP, RDX = the status, R8 = the TDR HPA; the guest resumes
 * after the TDCALL with RAX = the status and its presets in RDX, R8. */
static void test_servtd_cross_td_trap(void **state)
{
	struct tdx_td *td = td_new(TDX_SEPT_POLICY_4K, TDX_ATTR_SEPT_VE_DISABLE);
	uint64_t u = td_uuid0(td);
	const uint64_t status = TDX_OPERAND_ADDR_RANGE_ERROR | TDX_OPND_TDR;

	for (int write = 0; write < 2; write++) {
		struct tdx_regs r;
		struct tdx_td_exit e;
		struct tdx_inject inj;

		for (unsigned i = 0; i < TDX_NR_GPRS; i++)
			r.gpr[i] = PATTERN;
		r.rax = write ? TDG_SERVTD_WR : TDG_SERVTD_RD;
		r.rcx = u + 0x12345000;
		r.rdx = 0x1110000300000000ull;
		r.rip = 0x7000;
		assert_int_equal(tdx_module_tdcall(td, 0, &r, &e, &inj), TDX_OUTCOME_TD_EXIT);
		ASSERT_STATUS(e.status, TDX_CROSS_TD_TRAP);
		ASSERT_EQ(e.exit_qual, 0);
		ASSERT_STATUS(e.ext_exit_qual, status);
		ASSERT_EQ(e.gpa, 0x12345000);
		ASSERT_EQ(e.intr_info, 0);
		ASSERT_EQ(r.rip, 0x7004);	/* trap-like */
		assert_int_equal(tdx_module_resume(td, 0, &r, &e), TDX_OUTCOME_DONE);
		ASSERT_STATUS(r.rax, status);
		ASSERT_EQ(r.rip, 0x7004);
		ASSERT_EQ(r.rdx, write ? 0x1110000300000000ull : NULL_ID);
		ASSERT_EQ(r.r8, 0);
		ASSERT_EQ(r.r10, PATTERN);
		ASSERT_EQ(r.rcx, u + 0x12345000);

		/* Direct mode: the built-in host re-enters the TD. */
		struct tdx_regs d;
		ASSERT_STATUS(tu_leaf(td, r.rax = write ? TDG_SERVTD_WR : TDG_SERVTD_RD, u, 0, 0, 0, &d),
			      status);
	}
	tdx_td_destroy(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rdall_2m),
		cmocka_unit_test(test_rdall_4k),
		cmocka_unit_test(test_rdall_start_fields),
		cmocka_unit_test(test_rdall_list_gpa_2m),
		cmocka_unit_test(test_rdall_list_gpa_4k),
		cmocka_unit_test(test_servtd_slot),
		cmocka_unit_test(test_servtd_cross_td_trap),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

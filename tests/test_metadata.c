/* test_metadata.c: TDG.VM.RD/WR, TDG.VP.RD/WR and TDG.SYS.RD in direct mode
 * (docs/metadata-fields.md; tdx-abi.md 6). Exact 64-bit statuses. */
#include <string.h>

#include "testutil.h"
#include "test_hooks.h"

#define NULL_ID TDX_FIELD_ID_NULL
#define PATTERN 0xA5A5A5A5A5A5A5A5ull
#define VM_RD_V1 (TDG_VM_RD | (1ull << 16))

#define F_TD_UUID 0x8010000300000020ull
#define F_TSC_OFFSET 0x111000030000000Aull
#define F_TSC_FREQUENCY 0x111000010000000Cull
#define F_MRCONFIGID 0x1310000300000010ull
#define F_RTMR 0x1310000300000040ull
#define F_L2_SEPT_ROOT_1 0x2510000300000000ull
#define F_CPUID_CONTROL(i) (0xA120000000000000ull + (i))
#define F_VCPU_STATE 0xA020000000000000ull
#define F_SHADOW_TSC_DEADLINE(vm) (0xA02000030000005Cull + (vm))
#define F_SYS_VENDOR_ID 0x0800000200000000ull
#define F_SYS_MINOR 0x0800000100000003ull
#define F_SYS_MAJOR 0x0800000100000004ull
#define F_SYS_NUM_CMRS 0x9000000100000000ull

/* One TDCALL on `vcpu`; every other register holds PATTERN so the test can
 * see which outputs the leaf wrote. Returns RAX. */
static uint64_t call(struct tdx_td *td, unsigned vcpu, uint64_t rax, uint64_t rcx, uint64_t rdx,
		     uint64_t r8, uint64_t r9, struct tdx_regs *out)
{
	struct tdx_regs r;
	struct tdx_inject inj;

	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		r.gpr[i] = PATTERN;
	r.rax = rax;
	r.rcx = rcx;
	r.rdx = rdx;
	r.r8 = r8;
	r.r9 = r9;
	r.rip = 0x2000;
	assert_int_equal(tdx_tdcall(td, vcpu, &r, &inj), TDX_OUTCOME_DONE);
	ASSERT_EQ(r.rip, 0x2000 + TDX_TDCALL_LEN);
	ASSERT_EQ(r.r10, PATTERN);	/* never an output of these leaves */
	ASSERT_EQ(r.rbx, PATTERN);
	if (out)
		*out = r;
	return r.rax;
}

/* Successful reads, returning the value. */
static uint64_t vm_rd(struct tdx_td *td, uint64_t id)
{
	struct tdx_regs r;
	ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, id, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, id);	/* version 0 leaves RDX alone */
	return r.r8;
}

static uint64_t vp_rd(struct tdx_td *td, unsigned vcpu, uint64_t id)
{
	struct tdx_regs r;
	ASSERT_STATUS(call(td, vcpu, TDG_VP_RD, 0, id, 0, 0, &r), TDX_SUCCESS);
	return r.r8;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static struct tdx_td *td_with(unsigned gpaw, unsigned vcpus, unsigned l2, uint64_t attrs, uint64_t flags)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.gpaw = gpaw;
	cfg.num_vcpus = vcpus;
	cfg.num_l2_vms = l2;
	cfg.attributes = attrs;
	cfg.config_flags = flags;
	cfg.mem_size = 1ull << 24;
	return tu_td_new(&cfg);
}

/* ---- tables ------------------------------------------------------------ */

static void test_tables_sound(void **state)
{
	size_t sys_rows, td_rows, vp_rows;

	assert_int_equal(tdx_test_md_table(TDX_CTX_SYS, &sys_rows), -1);
	assert_int_equal(tdx_test_md_table(TDX_CTX_TD, &td_rows), -1);
	assert_int_equal(tdx_test_md_table(TDX_CTX_VCPU, &vp_rows), -1);
	/* All 65 global and 83 TD entries of 1.5.01 (Appendix A/B); the VCPU
	 * table has all 119 TDVPS entries (the L2 VMCS / MSR-bitmap entries are
	 * delegating rows, metadata_l2.c) and one row for the TD VMCS class. */
	assert_int_equal(sys_rows, 65);
	assert_int_equal(td_rows, 83);
	assert_int_equal(vp_rows, 120);
}

/* ---- TD scope: values ---------------------------------------------------- */

static void test_td_fields_match_config(void **state)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.gpaw = 52;
	cfg.num_vcpus = 4;
	cfg.num_l2_vms = 2;
	cfg.attributes = TDX_ATTR_SEPT_VE_DISABLE | TDX_ATTR_DEBUG;
	cfg.xfam = tdx_xfam_from_host();	/* a valid XFAM on any CPU */
	cfg.config_flags = TDX_CONFIG_FLAGS_FLEXIBLE_PENDING_VE;
	cfg.mem_size = 1ull << 24;
	for (unsigned i = 0; i < 48; i++) {
		cfg.mrconfigid[i] = (uint8_t)i;
		cfg.mrowner[i] = (uint8_t)(0x40 + i);
		cfg.mrownerconfig[i] = (uint8_t)(0x80 + i);
		cfg.mrtd[i] = (uint8_t)(0xC0 + i);
	}
	struct tdx_td *td = tu_td_new(&cfg);

	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_ATTRIBUTES), cfg.attributes);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_XFAM), cfg.xfam);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_MAX_VCPUS), 4);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_NUM_VCPUS), 4);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_NUM_L2_VMS), 2);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_GPAW), 1);	/* boolean, not 52 */
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_CONFIG_FLAGS),
		  TDX_CONFIG_FLAGS_GPAW | TDX_CONFIG_FLAGS_FLEXIBLE_PENDING_VE);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_TD_CTLS), TDX_TD_CTLS_PENDING_VE_DISABLE);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_NOTIFY_ENABLES), 0);
	uint64_t tsc = vm_rd(td, F_TSC_FREQUENCY);
	assert_true(tsc >= 4 && tsc <= 400);
	for (unsigned i = 0; i < 6; i++) {
		ASSERT_EQ(vm_rd(td, F_MRCONFIGID + i), le64(cfg.mrconfigid + 8 * i));
		ASSERT_EQ(vm_rd(td, 0x1310000300000018ull + i), le64(cfg.mrowner + 8 * i));
		ASSERT_EQ(vm_rd(td, 0x1310000300000020ull + i), le64(cfg.mrownerconfig + 8 * i));
		ASSERT_EQ(vm_rd(td, 0x1310000300000000ull + i), le64(cfg.mrtd + 8 * i));
	}
	for (unsigned i = 0; i < 24; i++)	/* RTMRs start at 0 */
		ASSERT_EQ(vm_rd(td, F_RTMR + i), 0);
	/* TD_UUID: some non-zero value, stable across reads. */
	uint64_t u[4];
	for (unsigned i = 0; i < 4; i++)
		u[i] = vm_rd(td, F_TD_UUID + i);
	assert_true(u[0] | u[1] | u[2] | u[3]);
	for (unsigned i = 0; i < 4; i++)
		ASSERT_EQ(vm_rd(td, F_TD_UUID + i), u[i]);
	/* Service TD and import fields: 0 without bindings. */
	ASSERT_EQ(vm_rd(td, 0x9910000100000006ull), 0);
	ASSERT_EQ(vm_rd(td, 0x9910000300000085ull), 0);
	ASSERT_EQ(vm_rd(td, 0x9810000300000043ull), 0);
	tdx_td_destroy(td);

	/* GPAW 48 reads 0; TD_CTLS starts as ATTRIBUTES.SEPT_VE_DISABLE. */
	td = td_with(48, 1, 0, 0, 0);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_GPAW), 0);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_CONFIG_FLAGS), 0);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_TD_CTLS), 0);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_NUM_L2_VMS), 0);
	tdx_td_destroy(td);
}

/* Ignored field-ID bits: size code, INC_SIZE, WRITE_MASK_VALID, context,
 * NON_ARCH; the value is that of the table's element (5). */
static void test_td_ignored_id_bits(void **state)
{
	struct tdx_td *td = td_with(48, 1, 0, TDX_ATTR_SEPT_VE_DISABLE | TDX_ATTR_DEBUG, 0);
	uint64_t attrs = TDX_ATTR_SEPT_VE_DISABLE | TDX_ATTR_DEBUG;
	uint64_t a = TDX_FIELD_TD_ATTRIBUTES & ~(3ull << 32);	/* size code 0 */
	struct tdx_regs r;

	ASSERT_EQ(vm_rd(td, a), attrs);
	ASSERT_EQ(vm_rd(td, a | TDX_FIELD_INC_SIZE | TDX_FIELD_WRITE_MASK_VALID), attrs);
	ASSERT_EQ(vm_rd(td, a | TDX_FIELD_NON_ARCH), attrs);
	ASSERT_EQ(vm_rd(td, (a & ~(7ull << 52)) | (2ull << 52)), attrs);	/* context 2 */
	/* OVMM's CONFIG_FLAGS ID sets NON_ARCH. */
	ASSERT_EQ(vm_rd(td, 0x9110000300000016ull), 0);
	/* Version 1: the successor keeps the caller's bits, only the code steps. */
	ASSERT_STATUS(call(td, 0, VM_RD_V1, 0, F_MRCONFIGID & ~(3ull << 32), 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, (F_MRCONFIGID & ~(3ull << 32)) + 1);
	tdx_td_destroy(td);
}

/* ---- TD scope: writes ---------------------------------------------------- */

static void test_notify_enables(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_regs r;

	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_NOTIFY_ENABLES, 1, 1, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 0);	/* old value */
	ASSERT_EQ(r.rdx, TDX_FIELD_TD_NOTIFY_ENABLES);	/* VM.WR leaves RDX alone */
	ASSERT_EQ(r.r9, 1);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_NOTIFY_ENABLES), 1);
	/* Linux's ID for the same field (size code 0, ignored): value 0, mask -1. */
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, 0x9100000000000010ull, 0, ~0ull, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 1);
	ASSERT_EQ(vm_rd(td, 0x9100000000000010ull), 0);
	/* Bit 1 is not writable: changing it with R9 set fails, R9 clear ignores it. */
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_NOTIFY_ENABLES, 3, 3, &r),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_EQ(r.r8, 0);
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_NOTIFY_ENABLES, 3, 1, &r), TDX_SUCCESS);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_NOTIFY_ENABLES), 1);
	tdx_td_destroy(td);
}

static void test_td_ctls_write(void **state)
{
	struct tdx_td *td = td_with(48, 1, 0, TDX_ATTR_SEPT_VE_DISABLE, 0);
	struct tdx_regs r;

	/* Without FLEXIBLE_PENDING_VE bit 0 may not change... */
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_TD_CTLS, 0, 1, &r),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_EQ(r.r8, 0);
	/* ...but rewriting the same value succeeds. */
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_TD_CTLS, 1, ~0ull, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 1);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_TD_CTLS), 1);
	/* Later-module bits (ENUM_TOPOLOGY, LOCK) do not exist in 1.5.01. */
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_TD_CTLS, 3, 3, &r),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_TD_CTLS, TDX_TD_CTLS_LOCK | 1, ~0ull, &r),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_TD_CTLS, TDX_TD_CTLS_LOCK | 1, 1, &r),
		      TDX_SUCCESS);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_TD_CTLS), 1);
	tdx_td_destroy(td);

	/* With FLEXIBLE_PENDING_VE the guest flips it freely. */
	td = td_with(48, 1, 0, TDX_ATTR_SEPT_VE_DISABLE, TDX_CONFIG_FLAGS_FLEXIBLE_PENDING_VE);
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_TD_CTLS, 0, 1, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 1);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_TD_CTLS), 0);
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_TD_CTLS, 1, 1, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 0);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_TD_CTLS), 1);
	tdx_td_destroy(td);
}

static void test_write_mask_semantics(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_regs r;

	/* Read-only and hidden fields: write mask 0 -> NOT_WRITABLE, R8 = 0. */
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_ATTRIBUTES, 0, ~0ull, &r),
		      TDX_METADATA_FIELD_NOT_WRITABLE);
	ASSERT_EQ(r.r8, 0);
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, F_TSC_OFFSET, 0, ~0ull, NULL), TDX_METADATA_FIELD_NOT_WRITABLE);
	/* Writable field, but R9 selects none of its writable bits. */
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_NOTIFY_ENABLES, 1, 0, NULL),
		      TDX_METADATA_FIELD_NOT_WRITABLE);
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_NOTIFY_ENABLES, 1, 2, NULL),
		      TDX_METADATA_FIELD_NOT_WRITABLE);
	/* Unknown field -> FIELD_ID_INCORRECT before any mask check. */
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, 0x1110000300000030ull, 0, ~0ull, NULL),
		      TDX_METADATA_FIELD_ID_INCORRECT);

	/* Partial masks on an 8-bit VCPU field with write mask 0x3. */
	uint64_t f = F_CPUID_CONTROL(5);
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, f, 0xFF, 0x1, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 0);
	ASSERT_EQ(vp_rd(td, 0, f), 0x1);
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, f, 0x2, 0x2, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 0x1);
	ASSERT_EQ(vp_rd(td, 0, f), 0x3);
	/* Bit 2 selected and changed -> VALUE_NOT_VALID; value unchanged. */
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, f, 0x4, 0x7, &r), TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_EQ(r.r8, 0);
	ASSERT_EQ(vp_rd(td, 0, f), 0x3);
	/* Bits above the element compare with 0 (zero-extended current value). */
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, TDX_FIELD_VP_CPUID_USER_VE, 0x101, ~0ull, NULL),
		      TDX_METADATA_FIELD_VALUE_NOT_VALID);
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, TDX_FIELD_VP_CPUID_USER_VE, 0x101, 0xFF, &r), TDX_SUCCESS);
	ASSERT_EQ(vp_rd(td, 0, TDX_FIELD_VP_CPUID_USER_VE), 1);
	/* Full-mask write of 0 with R9 = -1 clears. */
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, f, 0, ~0ull, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 0x3);
	ASSERT_EQ(vp_rd(td, 0, f), 0);
	/* Read-only VCPU field. */
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, TDX_FIELD_VP_VCPU_INDEX, 0, ~0ull, &r),
		      TDX_METADATA_FIELD_NOT_WRITABLE);
	tdx_td_destroy(td);
}

/* ---- error paths ----------------------------------------------------------- */

static void test_rcx_and_version(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_regs r;
	const uint64_t rcx_bad = TDX_OPERAND_INVALID | TDX_OPND_RCX;

	ASSERT_STATUS(call(td, 0, TDG_VM_RD, 1, TDX_FIELD_TD_ATTRIBUTES, 0, 0, &r), rcx_bad);
	ASSERT_EQ(r.r8, 0);
	ASSERT_EQ(r.rdx, TDX_FIELD_TD_ATTRIBUTES);	/* v0: untouched */
	ASSERT_STATUS(call(td, 0, VM_RD_V1, 1, TDX_FIELD_TD_ATTRIBUTES, 0, 0, &r), rcx_bad);
	ASSERT_EQ(r.r8, 0);
	ASSERT_EQ(r.rdx, NULL_ID);	/* v1: preset to -1 */
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 2, TDX_FIELD_TD_NOTIFY_ENABLES, 1, 1, &r), rcx_bad);
	ASSERT_EQ(r.r8, 0);
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_NOTIFY_ENABLES), 0);
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 1ull << 63, TDX_FIELD_VP_VCPU_INDEX, 0, 0, &r), rcx_bad);
	ASSERT_EQ(r.rdx, NULL_ID);
	ASSERT_EQ(r.r8, 0);
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 1, TDX_FIELD_VP_CPUID_USER_VE, 1, 1, &r), rcx_bad);
	ASSERT_EQ(r.r8, 0);
	/* TDG.SYS.RD has no RCX input. */
	ASSERT_STATUS(call(td, 0, TDG_SYS_RD, 7, F_SYS_VENDOR_ID, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 0x8086);

	/* Versions: only TDG.VM.RD takes 1 (dispatcher, tdx-abi.md 1.2). */
	const uint64_t rax_bad = TDX_OPERAND_INVALID | TDX_OPND_RAX;
	ASSERT_STATUS(call(td, 0, TDG_VM_WR | (1ull << 16), 0, TDX_FIELD_TD_NOTIFY_ENABLES, 1, 1, &r), rax_bad);
	ASSERT_EQ(r.r8, 1);	/* leaf never ran: R8 untouched */
	/* TDG.VM.RD takes every version past the dispatcher (MOD td_call()) and
	 * presets RDX = -1 (version > 0) and R8 = 0 before refusing 2..255
	 * (MOD tdg_vm_rd_wr.c). */
	for (uint64_t v = 2; v < 256; v += 253) {
		ASSERT_STATUS(call(td, 0, TDG_VM_RD | (v << 16), 0, TDX_FIELD_TD_ATTRIBUTES, 9, 0, &r), rax_bad);
		ASSERT_EQ(r.rdx, NULL_ID);
		ASSERT_EQ(r.r8, 0);
	}
	/* Reserved RAX bits: refused by the dispatcher, nothing preset. */
	ASSERT_STATUS(call(td, 0, TDG_VM_RD | (1ull << 24), 0, TDX_FIELD_TD_ATTRIBUTES, 9, 0, &r), rax_bad);
	ASSERT_EQ(r.rdx, TDX_FIELD_TD_ATTRIBUTES);
	ASSERT_EQ(r.r8, 9);
	ASSERT_STATUS(call(td, 0, TDG_VP_RD | (1ull << 16), 0, TDX_FIELD_VP_VCPU_INDEX, 0, 0, NULL), rax_bad);
	ASSERT_STATUS(call(td, 0, TDG_VP_WR | (1ull << 16), 0, TDX_FIELD_VP_VCPU_INDEX, 0, 0, NULL), rax_bad);
	ASSERT_STATUS(call(td, 0, TDG_SYS_RD | (1ull << 16), 0, F_SYS_VENDOR_ID, 0, 0, NULL), rax_bad);
	tdx_td_destroy(td);
}

static void test_field_id_errors(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_regs r;
	static const unsigned bad_bits[] = { 24, 31, 34, 37, 38, 46, 47, 49, 55, 62 };

	/* Reserved bits, LAST_ELEMENT, LAST_FIELD: all five leaves. */
	for (unsigned i = 0; i < sizeof(bad_bits) / sizeof(bad_bits[0]); i++) {
		uint64_t b = 1ull << bad_bits[i];
		ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, TDX_FIELD_TD_ATTRIBUTES | b, 0, 0, &r),
			      TDX_METADATA_FIELD_ID_INCORRECT);
		ASSERT_EQ(r.r8, 0);
		ASSERT_STATUS(call(td, 0, VM_RD_V1, 0, TDX_FIELD_TD_ATTRIBUTES | b, 0, 0, &r),
			      TDX_METADATA_FIELD_ID_INCORRECT);
		ASSERT_EQ(r.rdx, NULL_ID);
		ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, TDX_FIELD_TD_NOTIFY_ENABLES | b, 1, 1, NULL),
			      TDX_METADATA_FIELD_ID_INCORRECT);
		ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, TDX_FIELD_VP_VCPU_INDEX | b, 0, 0, NULL),
			      TDX_METADATA_FIELD_ID_INCORRECT);
		ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, TDX_FIELD_VP_CPUID_USER_VE | b, 1, 1, NULL),
			      TDX_METADATA_FIELD_ID_INCORRECT);
		ASSERT_STATUS(call(td, 0, TDG_SYS_RD, 0, F_SYS_VENDOR_ID | b, 0, 0, NULL),
			      TDX_METADATA_FIELD_ID_INCORRECT);
	}
	ASSERT_EQ(vm_rd(td, TDX_FIELD_TD_NOTIFY_ENABLES), 0);

	/* No such field: unknown code, code past an array, unknown class. */
	ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, 0x1110000300000005ull, 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, 0x1310000300000058ull, 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, 0x3F10000300000000ull, 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, F_CPUID_CONTROL(128), 0, 0, &r), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_EQ(r.rdx, NULL_ID);
	ASSERT_STATUS(call(td, 0, TDG_SYS_RD, 0, 0x0A00000300000009ull, 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);

	/* Exists but hidden from the guest. */
	ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, F_TSC_OFFSET, 0, 0, &r), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_EQ(r.r8, 0);
	ASSERT_STATUS(call(td, 0, VM_RD_V1, 0, 0x1110000300000004ull, 0, 0, &r), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_EQ(r.rdx, NULL_ID);
	ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, 0x9410000300000000ull, 0, 0, NULL), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, 0x8010000000000001ull, 0, 0, NULL), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, F_VCPU_STATE, 0, 0, NULL), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, 0x0220000200000000ull, 0, 0, NULL), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, 0x1020000300000008ull, 0, 0, NULL), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, F_VCPU_STATE, 0, ~0ull, NULL), TDX_METADATA_FIELD_NOT_WRITABLE);
	ASSERT_STATUS(call(td, 0, TDG_SYS_RD, 0, F_SYS_NUM_CMRS, 0, 0, &r), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_EQ(r.rdx, NULL_ID);

	/* Null ID: not special for VM.RD version 0 and for writes. */
	ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, NULL_ID, 0, 0, &r), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_EQ(r.rdx, NULL_ID);
	ASSERT_EQ(r.r8, 0);
	ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, NULL_ID, 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, NULL_ID, 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	/* Null = all ones except the context bits, whatever they hold. */
	ASSERT_STATUS(call(td, 0, VM_RD_V1, 0, NULL_ID & ~(7ull << 52), 0, 0, &r),
		      TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
	ASSERT_EQ(r.rdx, F_TD_UUID);
	ASSERT_EQ(r.r8, 0);
	/* Almost null (one more bit clear) is just a bad ID. */
	ASSERT_STATUS(call(td, 0, VM_RD_V1, 0, NULL_ID & ~1ull, 0, 0, &r), TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_EQ(r.rdx, NULL_ID);
	tdx_td_destroy(td);
}

/* L2 SEPT roots exist only for VMs 1..NUM_L2_VMS (4.3). */
static void test_td_per_vm_rows(void **state)
{
	for (unsigned l2 = 0; l2 <= 3; l2++) {
		struct tdx_td *td = td_with(48, 1, l2, TDX_ATTR_SEPT_VE_DISABLE, 0);
		for (unsigned vm = 1; vm <= 3; vm++) {
			uint64_t id = F_L2_SEPT_ROOT_1 + ((uint64_t)(4 * (vm - 1)) << 56);
			ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, id, 0, 0, NULL),
				      vm <= l2 ? TDX_METADATA_FIELD_NOT_READABLE : TDX_METADATA_FIELD_ID_INCORRECT);
		}
		tdx_td_destroy(td);
	}
}

/* ---- next-field chains ----------------------------------------------------- */

struct span {
	uint64_t id;
	unsigned n;
};

/* Walk a context from the null ID with `rax`; compare with the expected
 * element sequence and check every step is a successful read. */
static void walk(struct tdx_td *td, unsigned vcpu, uint64_t rax, const struct span *s, size_t ns)
{
	struct tdx_regs r;
	unsigned steps = 0;

	ASSERT_STATUS(call(td, vcpu, rax, 0, NULL_ID, 0, 0, &r), TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
	ASSERT_EQ(r.r8, 0);
	uint64_t id = r.rdx;
	for (size_t i = 0; i < ns; i++) {
		for (unsigned e = 0; e < s[i].n; e++) {
			ASSERT_EQ(id, s[i].id + e);
			ASSERT_STATUS(call(td, vcpu, rax, 0, id, 0, 0, &r), TDX_SUCCESS);
			id = r.rdx;
			steps++;
		}
	}
	ASSERT_EQ(id, NULL_ID);
	assert_true(steps > 0);
}

/* The 89 readable elements of metadata-fields.md 4.3, in chain order. */
static const struct span td_chain[] = {
	{ F_TD_UUID, 4 }, { TDX_FIELD_TD_NUM_VCPUS, 1 }, { TDX_FIELD_TD_NUM_L2_VMS, 1 },
	{ TDX_FIELD_TD_ATTRIBUTES, 1 }, { TDX_FIELD_TD_XFAM, 1 }, { TDX_FIELD_TD_MAX_VCPUS, 1 },
	{ TDX_FIELD_TD_GPAW, 1 }, { F_TSC_FREQUENCY, 1 }, { TDX_FIELD_TD_NOTIFY_ENABLES, 1 },
	{ TDX_FIELD_TD_CONFIG_FLAGS, 1 }, { TDX_FIELD_TD_TD_CTLS, 1 },
	{ 0x1310000300000000ull, 6 }, { F_MRCONFIGID, 6 }, { 0x1310000300000018ull, 6 },
	{ 0x1310000300000020ull, 6 }, { F_RTMR, 24 }, { 0x9810000300000040ull, 4 },
	{ 0x9910000300000000ull, 6 }, { 0x9910000100000006ull, 1 }, { 0x9910000300000080ull, 16 },
};

static void test_td_chain(void **state)
{
	for (unsigned l2 = 0; l2 <= 3; l2 += 3) {
		struct tdx_td *td = td_with(52, 2, l2, TDX_ATTR_SEPT_VE_DISABLE, 0);
		walk(td, 0, VM_RD_V1, td_chain, sizeof(td_chain) / sizeof(td_chain[0]));
		tdx_td_destroy(td);
	}
}

static const struct span vp_chain[] = {
	{ TDX_FIELD_VP_VCPU_INDEX, 1 }, { TDX_FIELD_VP_CPUID_SUPERVISOR_VE, 1 },
	{ TDX_FIELD_VP_CPUID_USER_VE, 1 }, { TDX_FIELD_VP_L2_CTLS(0), 4 },
	{ TDX_FIELD_VP_TSC_DEADLINE(0), 4 }, { F_CPUID_CONTROL(0), 128 },
};

static void test_vp_chain(void **state)
{
	struct tdx_td *td = td_with(48, 2, 0, TDX_ATTR_SEPT_VE_DISABLE, 0);
	walk(td, 1, TDG_VP_RD, vp_chain, sizeof(vp_chain) / sizeof(vp_chain[0]));
	tdx_td_destroy(td);
}

static const struct span sys_chain[] = {
	{ F_SYS_VENDOR_ID, 1 }, { F_SYS_MINOR, 1 }, { F_SYS_MAJOR, 1 },
	{ 0x0A00000200000000ull, 1 }, { 0x0A00000000000001ull, 1 }, { TDX_FIELD_SYS_TDX_FEATURES0, 1 },
	{ 0xA000000300000000ull, 1 }, { 0x2000000100000001ull, 1 }, { 0x2000000100000002ull, 1 },
	{ 0x2000000100000003ull, 1 }, { 0x2000000100000004ull, 1 }, { 0xA200000100000000ull, 1 },
};

static void test_sys_fields_and_chain(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_regs r;

	ASSERT_STATUS(call(td, 0, TDG_SYS_RD, 0, TDX_FIELD_SYS_TDX_FEATURES0, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 0xF0FBF);
	ASSERT_EQ(r.rdx, 0xA000000300000000ull);
	ASSERT_STATUS(call(td, 0, TDG_SYS_RD, 0, F_SYS_MAJOR, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 1);
	ASSERT_STATUS(call(td, 0, TDG_SYS_RD, 0, F_SYS_MINOR, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 5);
	ASSERT_EQ(r.rdx, F_SYS_MAJOR);
	ASSERT_STATUS(call(td, 0, TDG_SYS_RD, 0, 0x0A00000000000001ull, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 1);
	ASSERT_STATUS(call(td, 0, TDG_SYS_RD, 0, 0xA200000100000000ull, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 0x807F);
	ASSERT_EQ(r.rdx, NULL_ID);
	/* The context bits are forced to 0 (SYS). */
	ASSERT_STATUS(call(td, 0, TDG_SYS_RD, 0, F_SYS_VENDOR_ID | (1ull << 52), 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 0x8086);
	ASSERT_EQ(r.rdx, F_SYS_MINOR);
	walk(td, 0, TDG_SYS_RD, sys_chain, sizeof(sys_chain) / sizeof(sys_chain[0]));
	tdx_td_destroy(td);
}

/* ---- VCPU scope ------------------------------------------------------------ */

static void test_vcpu_index(void **state)
{
	struct tdx_td *td = td_with(48, 5, 0, TDX_ATTR_SEPT_VE_DISABLE, 0);
	struct tdx_regs r;

	for (unsigned v = 0; v < 5; v++) {
		ASSERT_STATUS(call(td, v, TDG_VP_RD, 0, TDX_FIELD_VP_VCPU_INDEX, 0, 0, &r), TDX_SUCCESS);
		ASSERT_EQ(r.r8, v);
		ASSERT_EQ(r.rdx, TDX_FIELD_VP_CPUID_SUPERVISOR_VE);
		ASSERT_EQ(r.r11, PATTERN);
	}
	tdx_td_destroy(td);
}

/* TDG.VP.CPUIDVE.SET and the two MANAGEMENT fields are the same state. */
static void test_cpuid_ve_consistency(void **state)
{
	struct tdx_td *td = td_with(48, 2, 0, TDX_ATTR_SEPT_VE_DISABLE, 0);
	struct tdx_regs r;

	ASSERT_EQ(vp_rd(td, 0, TDX_FIELD_VP_CPUID_SUPERVISOR_VE), 0);
	ASSERT_STATUS(call(td, 0, TDG_VP_CPUIDVE_SET, 3, 0, 0, 0, NULL), TDX_SUCCESS);
	ASSERT_EQ(vp_rd(td, 0, TDX_FIELD_VP_CPUID_SUPERVISOR_VE), 1);
	ASSERT_EQ(vp_rd(td, 0, TDX_FIELD_VP_CPUID_USER_VE), 1);
	ASSERT_EQ(vp_rd(td, 1, TDX_FIELD_VP_CPUID_USER_VE), 0);	/* per VCPU */
	ASSERT_STATUS(call(td, 0, TDG_VP_CPUIDVE_SET, 2, 0, 0, 0, NULL), TDX_SUCCESS);
	ASSERT_EQ(vp_rd(td, 0, TDX_FIELD_VP_CPUID_SUPERVISOR_VE), 0);
	ASSERT_EQ(vp_rd(td, 0, TDX_FIELD_VP_CPUID_USER_VE), 1);
	/* VP.WR takes any 8-bit value and the leaf's state follows. */
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, TDX_FIELD_VP_CPUID_SUPERVISOR_VE, 0xFF, 0xFF, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 0);
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, TDX_FIELD_VP_CPUID_USER_VE, 0, 0xFF, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, 1);
	struct tdx_test_vcpu v;
	assert_int_equal(tdx_test_vcpu(td, 0, &v), 0);
	ASSERT_EQ(v.cpuid_supervisor_ve, 0xFF);
	ASSERT_EQ(v.cpuid_user_ve, 0);
	ASSERT_EQ(vp_rd(td, 0, TDX_FIELD_VP_CPUID_SUPERVISOR_VE), 0xFF);
	tdx_td_destroy(td);
}

/* L2_CTLS / TSC_DEADLINE: four elements always exist; VMs within and
 * beyond NUM_L2_VMS store what is written (2.3). */
static void test_l2_ctls_tsc_deadline(void **state)
{
	struct tdx_td *td = td_with(48, 1, 1, TDX_ATTR_SEPT_VE_DISABLE, 0);
	struct tdx_regs r;

	for (unsigned vm = 0; vm <= 3; vm++) {
		uint64_t ctl = TDX_FIELD_VP_L2_CTLS(vm), dl = TDX_FIELD_VP_TSC_DEADLINE(vm);
		ASSERT_EQ(vp_rd(td, 0, ctl), 0);
		if (vm <= 1)	/* disabled (~0) for VMs 0..NUM_L2_VMS */
			ASSERT_EQ(vp_rd(td, 0, dl), ~0ull);
		/* Write mask 0x7: bit 3 may not change. */
		ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, ctl, 0xF, ~0ull, &r), TDX_METADATA_FIELD_VALUE_NOT_VALID);
		ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, ctl, 0x7, ~0ull, &r), TDX_SUCCESS);
		ASSERT_EQ(r.r8, 0);
		ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, ctl, 0xF0, 0xF2, &r), TDX_METADATA_FIELD_VALUE_NOT_VALID);
		ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, ctl, 0x0, 0x2, &r), TDX_SUCCESS);
		ASSERT_EQ(r.r8, 0x7);
		ASSERT_EQ(vp_rd(td, 0, ctl), 0x5);
		/* TSC_DEADLINE: every bit writable. */
		uint64_t val = 0x123456789A00ull + vm;
		ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, dl, val, ~0ull, &r), TDX_SUCCESS);
		ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, dl, ~0ull, 0xFF00000000000000ull, &r), TDX_SUCCESS);
		ASSERT_EQ(r.r8, val);
		ASSERT_EQ(vp_rd(td, 0, dl), val | 0xFF00000000000000ull);
	}
	/* The next codes belong to hidden arrays. */
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, 0xA020000300000054ull, 0, 0, NULL), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, F_SHADOW_TSC_DEADLINE(0), 0, 0, NULL),
		      TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, F_SHADOW_TSC_DEADLINE(1), 0, ~0ull, NULL),
		      TDX_METADATA_FIELD_NOT_WRITABLE);
	/* Next-ID steps inside the arrays and into the next readable row. */
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, TDX_FIELD_VP_L2_CTLS(3), 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, TDX_FIELD_VP_TSC_DEADLINE(0));
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, TDX_FIELD_VP_TSC_DEADLINE(3), 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.rdx, F_CPUID_CONTROL(0));
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, F_CPUID_CONTROL(127), 0, 0, &r), TDX_SUCCESS);
	/* With one L2 VM the chain goes on into VMCS_1 (test_partition.c). */
	ASSERT_EQ(r.rdx, 0x2424000100000002ull);
	/* The per-L2-VM shadow MSR bitmaps exist only for VM 1 here. */
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, 0xA620000300000000ull, 0, 0, NULL), TDX_METADATA_FIELD_NOT_READABLE);
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, 0xAE20000300000000ull, 0, 0, NULL), TDX_METADATA_FIELD_ID_INCORRECT);
	tdx_td_destroy(td);
}

/* Classes a guest may name but never access, checked as the module checks
 * them before it finds the guest masks 0. */
#define F_CPUID(code) (0x9410000300000000ull | (code))
#define CPUID_CODE(leaf, sub) ((((leaf) & 0x7F) << 9) | (((leaf) >> 31) << 16) | \
			       ((sub) == ~0u ? 0x100u : ((sub) & 0x7F) << 1))
static void test_hidden_classes(void **state)
{
	struct tdx_td *td = td_with(48, 1, 0, TDX_ATTR_SEPT_VE_DISABLE, 0);
	struct tdx_regs r;
	const uint64_t incorrect = TDX_METADATA_FIELD_ID_INCORRECT;
	const uint64_t not_rd = TDX_METADATA_FIELD_NOT_READABLE, not_wr = TDX_METADATA_FIELD_NOT_WRITABLE;

	/* CPUID_VALUES: tdx_api_defs.h cpuid_field_code (element 0, subleaf
	 * 7:1, SUBLEAF_NA 8, leaf 15:9, leaf bit 31 at 16, 23:17 reserved);
	 * metadata_td.c md_td_get_element(): reserved bits, then the
	 * leaf/subleaf among cpuid_configurations.c cpuid_lookup, both
	 * FIELD_ID_INCORRECT; then the zero guest mask. */
	static const struct { uint32_t code; uint64_t st; } cpuid[] = {
		{ CPUID_CODE(0u, ~0u), not_rd },	/* leaf 0 */
		{ CPUID_CODE(0u, ~0u) | 1, not_rd },	/* element 1 */
		{ CPUID_CODE(1u, 3u), not_rd },		/* leaf 1 has no subleaves: any matches */
		{ CPUID_CODE(4u, 4u), not_rd },		/* leaf 4 subleaves 0..4 */
		{ CPUID_CODE(4u, 5u), incorrect },
		{ CPUID_CODE(4u, ~0u), incorrect },	/* leaf 4 is only known per subleaf */
		{ CPUID_CODE(2u, ~0u), incorrect },	/* leaf 2: not virtualized */
		{ CPUID_CODE(0x80000008u, ~0u), not_rd },
		{ CPUID_CODE(0x80000002u, ~0u), incorrect },
		{ CPUID_CODE(0x23u, 3u), not_rd },
		{ CPUID_CODE(0u, ~0u) | 1u << 17, incorrect },	/* reserved bit 17 */
		{ CPUID_CODE(0u, ~0u) | 1u << 23, incorrect },
	};
	for (unsigned i = 0; i < sizeof(cpuid) / sizeof(cpuid[0]); i++) {
		ASSERT_STATUS(call(td, 0, VM_RD_V1, 0, F_CPUID(cpuid[i].code), 0, 0, &r), cpuid[i].st);
		ASSERT_EQ(r.rdx, NULL_ID);
		ASSERT_EQ(r.r8, 0);
		ASSERT_STATUS(call(td, 0, TDG_VM_WR, 0, F_CPUID(cpuid[i].code), 0, ~0ull, &r),
			      cpuid[i].st == not_rd ? not_wr : incorrect);
	}
	/* Bits 31:24 fail md_check_as_single_element_id() first. */
	ASSERT_STATUS(call(td, 0, TDG_VM_RD, 0, F_CPUID(1u << 24), 0, 0, NULL), incorrect);

	/* TD VMCS (VCPU class 0): td_vmcs_fields_lookup.c entries (INC_SIZE,
	 * step 2); metadata_vp.c md_vp_get_element() refuses the "high" access
	 * type and codes outside the table, else the zero guest mask. */
	static const struct { uint32_t code; uint64_t st; } vmcs[] = {
		{ 0x0000, not_rd },	/* VPID */
		{ 0x6800, not_rd },	/* guest CR0 */
		{ 0x6801, incorrect },	/* its high half */
		{ 0x2002, not_rd },	/* I/O bitmap B: second field of a 2-field entry */
		{ 0x2003, incorrect },
		{ 0x2004, not_rd },	/* MSR-bitmap address, the next entry */
		{ 0x0001, incorrect },	/* odd: high half even of a 16-bit field's slot */
		{ 0x7000, incorrect },
	};
	for (unsigned i = 0; i < sizeof(vmcs) / sizeof(vmcs[0]); i++) {
		uint64_t id = 0x0020000300000000ull | vmcs[i].code;
		ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, id, 0, 0, &r), vmcs[i].st);
		ASSERT_EQ(r.rdx, NULL_ID);
		ASSERT_STATUS(call(td, 0, TDG_VP_WR, 0, id, 0, ~0ull, NULL),
			      vmcs[i].st == not_rd ? not_wr : incorrect);
	}
	/* Neither class is on the next-field chain: the VCPU chain still starts
	 * at the first readable TDVPS field. */
	ASSERT_STATUS(call(td, 0, TDG_VP_RD, 0, NULL_ID, 0, 0, &r), TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
	ASSERT_EQ(r.rdx, TDX_FIELD_VP_VCPU_INDEX);
	tdx_td_destroy(td);
}

/* Per-VCPU state stays per VCPU. */
static void test_cpuid_control_per_vcpu(void **state)
{
	struct tdx_td *td = td_with(48, 2, 0, TDX_ATTR_SEPT_VE_DISABLE, 0);
	struct tdx_regs r;

	ASSERT_STATUS(call(td, 1, TDG_VP_WR, 0, F_CPUID_CONTROL(127), 3, 3, &r), TDX_SUCCESS);
	ASSERT_EQ(vp_rd(td, 1, F_CPUID_CONTROL(127)), 3);
	ASSERT_EQ(vp_rd(td, 0, F_CPUID_CONTROL(127)), 0);
	ASSERT_STATUS(call(td, 1, TDG_VP_WR, 0, TDX_FIELD_VP_L2_CTLS(2), 1, 1, &r), TDX_SUCCESS);
	ASSERT_EQ(vp_rd(td, 0, TDX_FIELD_VP_L2_CTLS(2)), 0);
	ASSERT_EQ(vp_rd(td, 1, TDX_FIELD_VP_L2_CTLS(2)), 1);
	tdx_td_destroy(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_sound),
		cmocka_unit_test(test_td_fields_match_config),
		cmocka_unit_test(test_td_ignored_id_bits),
		cmocka_unit_test(test_notify_enables),
		cmocka_unit_test(test_td_ctls_write),
		cmocka_unit_test(test_write_mask_semantics),
		cmocka_unit_test(test_rcx_and_version),
		cmocka_unit_test(test_field_id_errors),
		cmocka_unit_test(test_td_per_vm_rows),
		cmocka_unit_test(test_td_chain),
		cmocka_unit_test(test_vp_chain),
		cmocka_unit_test(test_sys_fields_and_chain),
		cmocka_unit_test(test_vcpu_index),
		cmocka_unit_test(test_cpuid_ve_consistency),
		cmocka_unit_test(test_l2_ctls_tsc_deadline),
		cmocka_unit_test(test_cpuid_control_per_vcpu),
		cmocka_unit_test(test_hidden_classes),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

/* test_td_core.c: TD creation, the dispatcher, TDG.VP.INFO, VEINFO.GET,
 * CPUIDVE.SET and the TDG.VP.VMCALL mechanics, in direct mode. */
#include <string.h>

#include "testutil.h"

static void test_config_rejected(void **state)
{
	struct tdx_td_config cfg;
	char err[256];

	tdx_td_config_init(&cfg);
	cfg.gpaw = 50;
	assert_null(tdx_td_create(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "GPAW"));
	tdx_td_config_init(&cfg);
	cfg.mem_size = 12345;
	assert_null(tdx_td_create(&cfg, err, sizeof(err)));
	tdx_td_config_init(&cfg);
	cfg.num_l2_vms = 4;
	assert_null(tdx_td_create(&cfg, err, sizeof(err)));
	tdx_td_config_init(&cfg);
	cfg.num_vcpus = 0;
	assert_null(tdx_td_create(&cfg, err, sizeof(err)));
}

/* TD_PARAMS rules of TDH.MNG.INIT in module 1.5.01: ATTRIBUTES within
 * TDX_ATTRIBUTES_FIXED0 = DEBUG | SEPT_VE_DISABLE | MIGRATABLE | PKS |
 * PERFMON (td_control_structures.h), a MIGRATABLE TD neither DEBUG nor
 * PERFMON (helpers.c verify_td_attributes); XFAM within TDX_XFAM_FIXED0
 * 0x6DBE7 and the CPU's support, with TDX_XFAM_FIXED1 0x3 and the pair
 * rules of helpers.c check_xfam; CONFIG_FLAGS within bits 2:0. */
static void test_td_params_rules(void **state)
{
	static const struct { uint64_t attributes, xfam, flags; const char *why; } bad[] = {
		{ 1ull << 27, 3, 0, "ATTRIBUTES" },	/* LASS: not yet in 1.5.01 */
		{ 1ull << 31, 3, 0, "ATTRIBUTES" },	/* KL */
		{ 1ull << 62, 3, 0, "ATTRIBUTES" },	/* TPA */
		{ TDX_ATTR_MIGRATABLE | TDX_ATTR_DEBUG, 3, 0, "MIGRATABLE" },
		{ TDX_ATTR_MIGRATABLE | TDX_ATTR_PERFMON, 3, 0, "MIGRATABLE" },
		{ 0, 1, 0, "XFAM" },			/* SSE missing */
		{ 0, 2, 0, "XFAM" },			/* x87 missing */
		{ 0, 0x1B, 0, "XFAM" },			/* MPX bits 4:3 */
		{ 0, 0x403, 0, "XFAM" },		/* PASID, bit 10 */
		{ 0, 0xE3, 0, "XFAM" },			/* AVX-512 without AVX */
		{ 0, 0x27, 0, "XFAM" },			/* only the AVX-512 k-mask */
		{ 0, 0x803, 0, "XFAM" },		/* CET_U without CET_S */
		{ 0, 0x20003, 0, "XFAM" },		/* AMX XTILECFG alone */
		{ 0, 3, 1ull << 3, "CONFIG_FLAGS" },
	};
	struct tdx_td_config cfg;
	char err[256];

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tdx_td_config_init(&cfg);
		cfg.attributes = bad[i].attributes;
		cfg.xfam = bad[i].xfam;
		cfg.config_flags = bad[i].flags;
		err[0] = 0;
		assert_int_equal(tdx_td_config_check(&cfg, err, sizeof(err)), -1);
		if (!strstr(err, bad[i].why))
			fail_msg("case %u: '%s' does not name %s", i, err, bad[i].why);
		assert_null(strchr(err, '\n'));
		assert_null(tdx_td_create(&cfg, NULL, 0));
	}
	/* Allowed: each ATTRIBUTES bit alone, a migratable TD, NO_RBP_MOD and
	 * FLEXIBLE_PENDING_VE, and the XFAM a host derives from its XCR0. */
	static const uint64_t good_attr[] = {
		0, TDX_ATTR_DEBUG, TDX_ATTR_SEPT_VE_DISABLE, TDX_ATTR_PKS, TDX_ATTR_PERFMON,
		TDX_ATTR_MIGRATABLE | TDX_ATTR_SEPT_VE_DISABLE,
	};
	for (unsigned i = 0; i < sizeof(good_attr) / sizeof(good_attr[0]); i++) {
		tdx_td_config_init(&cfg);
		cfg.attributes = good_attr[i];
		cfg.config_flags = TDX_CONFIG_FLAGS_NO_RBP_MOD | TDX_CONFIG_FLAGS_FLEXIBLE_PENDING_VE;
		cfg.xfam = tdx_xfam_from_host();
		if (tdx_td_config_check(&cfg, err, sizeof(err)))
			fail_msg("attributes 0x%llx: %s", (unsigned long long)good_attr[i], err);
	}
	uint64_t x = tdx_xfam_from_host();
	ASSERT_EQ(x & 3, 3);
	ASSERT_EQ(x & ~0x6DBE7ull, 0);
	struct tdx_td *td = tu_td_new(&cfg);
	struct tdx_regs r;
	ASSERT_STATUS(tu_leaf(td, TDG_VM_RD, 0, TDX_FIELD_TD_XFAM, 0, 0, &r), TDX_SUCCESS);
	ASSERT_EQ(r.r8, x);
	tdx_td_destroy(td);
}

static void test_vp_info(void **state)
{
	struct tdx_td_config cfg;
	struct tdx_regs r;

	tdx_td_config_init(&cfg);
	cfg.gpaw = 52;
	cfg.num_vcpus = 4;
	cfg.attributes = TDX_ATTR_SEPT_VE_DISABLE | TDX_ATTR_DEBUG;
	struct tdx_td *td = tu_td_new(&cfg);
	memset(&r, 0xAB, sizeof(r));
	r.rax = TDG_VP_INFO;
	r.rip = 0x4000;
	assert_int_equal(tdx_tdcall(td, 2, &r, NULL), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.rax, TDX_SUCCESS);
	ASSERT_EQ(r.rcx, 52);
	ASSERT_EQ(r.rdx, cfg.attributes);
	ASSERT_EQ(r.r8, 4ull | (4ull << 32));
	ASSERT_EQ(r.r9, 2);
	ASSERT_EQ(r.r10, 1);
	ASSERT_EQ(r.r11, 0);
	/* Registers the leaf does not write stay as they were. */
	ASSERT_EQ(r.rbx, 0xABABABABABABABABull);
	ASSERT_EQ(r.r12, 0xABABABABABABABABull);
	ASSERT_EQ(r.rip, 0x4004);
	tdx_td_destroy(td);
}

static void test_bad_rax(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_regs r;

	/* Unknown leaves, reserved bits and unsupported versions: OPERAND_INVALID | RAX. */
	ASSERT_STATUS(tu_leaf(td, 13, 0, 0, 0, 0, NULL), TDX_OPERAND_INVALID | TDX_OPND_RAX);
	ASSERT_STATUS(tu_leaf(td, 0xFFFF, 0, 0, 0, 0, NULL), TDX_OPERAND_INVALID);
	ASSERT_STATUS(tu_leaf(td, TDG_VP_INFO | (1ull << 24), 0, 0, 0, 0, NULL), TDX_OPERAND_INVALID);
	ASSERT_STATUS(tu_leaf(td, TDG_VP_INFO | (1ull << 16), 0, 0, 0, 0, NULL), TDX_OPERAND_INVALID);
	ASSERT_STATUS(tu_leaf(td, TDG_VM_WR | (1ull << 16), 0, 0, 0, 0, &r), TDX_OPERAND_INVALID);
	ASSERT_STATUS(tu_leaf(td, TDG_VP_INFO | (1ull << 63), 0, 0, 0, 0, NULL), TDX_OPERAND_INVALID);
	tdx_td_destroy(td);
}

static void test_veinfo_empty_and_cpuidve(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_regs r;

	memset(&r, 0x55, sizeof(r));
	r.rax = TDG_VP_VEINFO_GET;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.rax, TDX_NO_VALID_VE_INFO);
	ASSERT_EQ(r.rcx | r.rdx | r.r8 | r.r9 | r.r10, 0);
	ASSERT_EQ(r.r11, 0x5555555555555555ull);

	ASSERT_STATUS(tu_leaf(td, TDG_VP_CPUIDVE_SET, 3, 0, 0, 0, NULL), TDX_SUCCESS);
	ASSERT_STATUS(tu_leaf(td, TDG_VP_CPUIDVE_SET, 4, 0, 0, 0, NULL),
		      TDX_OPERAND_INVALID | TDX_OPND_RCX);
	tdx_td_destroy(td);
}

struct host_seen {
	struct tdx_td_exit exit;
	int calls;
};

static int echo_host(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	struct host_seen *h = ctx;
	h->exit = *e;
	h->calls++;
	/* Answer in every register; only exposed ones may reach the guest. */
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		e->vmm.gpr[i] = 0x1000 + i;
	e->vmm.r10 = TDVMCALL_STATUS_SUCCESS;
	return 0;
}

static void test_vmcall_mechanics(void **state)
{
	struct host_seen seen = { 0 };
	struct tdx_td_config cfg;
	struct tdx_regs r;

	tdx_td_config_init(&cfg);
	cfg.host.tdvmcall = echo_host;
	cfg.host.ctx = &seen;
	struct tdx_td *td = tu_td_new(&cfg);

	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		r.gpr[i] = 0x900 + i;
	r.rax = TDG_VP_VMCALL;
	r.rcx = (1u << TDX_GPR_R10) | (1u << TDX_GPR_R11) | (1u << TDX_GPR_R12);
	r.rip = 0x2000;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_DONE);
	assert_int_equal(seen.calls, 1);
	ASSERT_EQ(seen.exit.status, TDX_EXIT_TDCALL);
	ASSERT_EQ(seen.exit.exit_qual, 0x1C00);
	/* The host sees only the selected registers; the rest are zero. */
	ASSERT_EQ(seen.exit.vmm.r10, 0x90A);
	ASSERT_EQ(seen.exit.vmm.r12, 0x90C);
	ASSERT_EQ(seen.exit.vmm.r13, 0);
	ASSERT_EQ(seen.exit.vmm.rdx, 0);
	ASSERT_EQ(seen.exit.vmm.rbx, 0);
	/* The guest gets back only the selected registers; RAX = 0, RCX = mask. */
	ASSERT_EQ(r.rax, 0);
	ASSERT_EQ(r.rcx, 0x1C00);
	ASSERT_EQ(r.r10, 0);	/* host wrote SUCCESS into R10 */
	ASSERT_EQ(r.r11, 0x100B);
	ASSERT_EQ(r.r12, 0x100C);
	ASSERT_EQ(r.r13, 0x90D);
	ASSERT_EQ(r.rdx, 0x902);
	ASSERT_EQ(r.rip, 0x2004);

	/* Forbidden masks never reach the host. */
	seen.calls = 0;
	static const uint64_t bad[] = { 1u << 0, 1u << 1, 1u << 4, 1ull << 32 };
	for (unsigned i = 0; i < 4; i++) {
		memset(&r, 0, sizeof(r));
		r.rcx = bad[i];
		assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_DONE);
		ASSERT_STATUS(r.rax, TDX_OPERAND_INVALID | TDX_OPND_RCX);
	}
	assert_int_equal(seen.calls, 0);
	tdx_td_destroy(td);
}

static void test_vmcall_no_rbp_mod(void **state)
{
	struct tdx_td_config cfg;
	struct tdx_regs r;

	tdx_td_config_init(&cfg);
	cfg.config_flags = TDX_CONFIG_FLAGS_NO_RBP_MOD;
	struct tdx_td *td = tu_td_new(&cfg);
	memset(&r, 0, sizeof(r));
	r.rcx = 1u << TDX_GPR_RBP;
	tu_tdcall(td, &r);
	ASSERT_STATUS(r.rax, TDX_OPERAND_INVALID | TDX_OPND_RCX);
	tdx_td_destroy(td);

	/* Without NO_RBP_MOD, RBP may be exposed; no host: SUBFUNC_UNSUPPORTED. */
	td = tu_td_new(NULL);
	memset(&r, 0, sizeof(r));
	r.rcx = (1u << TDX_GPR_RBP) | (1u << TDX_GPR_R10);
	tu_tdcall(td, &r);
	ASSERT_STATUS(r.rax, TDX_SUCCESS);
	ASSERT_EQ(r.r10, TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
	tdx_td_destroy(td);
}

static void test_bad_vcpu(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_regs r = { .rax = TDG_VP_INFO };

	assert_int_equal(tdx_tdcall(td, 7, &r, NULL), TDX_OUTCOME_TD_DEAD);
	assert_non_null(strstr(tdx_td_dead_reason(td), "VCPU 7"));
	tdx_td_destroy(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_rejected),
		cmocka_unit_test(test_td_params_rules),
		cmocka_unit_test(test_vp_info),
		cmocka_unit_test(test_bad_rax),
		cmocka_unit_test(test_veinfo_empty_and_cpuidve),
		cmocka_unit_test(test_vmcall_mechanics),
		cmocka_unit_test(test_vmcall_no_rbp_mod),
		cmocka_unit_test(test_bad_vcpu),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

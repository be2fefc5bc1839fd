/* test_cpuid.c: the module's CPUID exit (tdx_module_cpuid), through the
 * public API, on any machine: the values a TD reads come from the model
 * platform with the module's fixed bits, never from this CPU. Expected
 * values from MOD include/auto_gen/cpuid_configurations.c (fixed1 /
 * faulting per leaf) and src/td_dispatcher/vm_exits/td_cpuid.c (leaf
 * ranges, CPUIDVE, dynamic fields); the signature bytes are ASCII. */
#include <string.h>

#include "testutil.h"

static struct tdx_td *td;

static int setup(void **state)
{
	struct tdx_td_config cfg;
	tdx_td_config_init(&cfg);
	cfg.num_vcpus = 3;
	cfg.gpaw = 52;
	td = tu_td_new(&cfg);
	return 0;
}

static int teardown(void **state)
{
	tdx_td_destroy(td);
	return 0;
}

/* CPUID(leaf, subleaf) on `vcpu` at `cpl`; regs out, outcome returned. */
static enum tdx_tdcall_outcome cpuid(unsigned vcpu, int cpl, uint32_t leaf, uint32_t sub,
				     struct tdx_regs *r, struct tdx_inject *inj)
{
	memset(r, 0, sizeof(*r));
	memset(inj, 0, sizeof(*inj));
	r->rax = leaf;
	r->rcx = sub;
	r->rip = 0x1000;
	return tdx_module_cpuid(td, vcpu, cpl, r, inj);
}

static void expect_values(uint32_t leaf, uint32_t sub, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	struct tdx_regs r;
	struct tdx_inject inj;
	ASSERT_EQ(cpuid(0, 0, leaf, sub, &r, &inj), TDX_OUTCOME_DONE);
	ASSERT_EQ(r.rax, a);
	ASSERT_EQ(r.rbx, b);
	ASSERT_EQ(r.rcx, c);
	ASSERT_EQ(r.rdx, d);
	ASSERT_EQ(r.rip, 0x1002);	/* CPUID is 2 bytes */
}

/* A #VE with exit reason CPUID (10), instruction length 2, RIP kept. */
static void expect_ve(unsigned vcpu, int cpl, uint32_t leaf, uint32_t sub)
{
	struct tdx_regs r;
	struct tdx_inject inj;
	struct tdx_ve_event ev;
	print_message("leaf 0x%x.%u at CPL %d\n", leaf, sub, cpl);
	ASSERT_EQ(cpuid(vcpu, cpl, leaf, sub, &r, &inj), TDX_OUTCOME_INJECT);
	ASSERT_EQ(inj.vector, 20);
	ASSERT_EQ(r.rip, 0x1000);
	ASSERT_EQ(tdx_vcpu_ve_info(td, vcpu, &ev), 1);
	ASSERT_EQ(ev.exit_reason, TDX_EXIT_CPUID);
	ASSERT_EQ(ev.instr_len, 2);
	ASSERT_EQ(ev.exit_qual | ev.gla | ev.gpa, 0);
	/* VEINFO.GET clears VALID for the next #VE (4.2). */
	struct tdx_regs v = { .rax = TDG_VP_VEINFO_GET };
	struct tdx_inject i2;
	ASSERT_EQ(tdx_tdcall(td, vcpu, &v, &i2), TDX_OUTCOME_DONE);
	ASSERT_STATUS(v.rax, TDX_SUCCESS);
}

static void test_identification(void **state)
{
	/* Leaf 0x21: "IntelTDX    " in EBX, EDX, ECX; EAX 0 (fixed1, 5.6). */
	expect_values(0x21, 0, 0, 0x65746e49, 0x20202020, 0x5844546c);
	struct tdx_regs r;
	struct tdx_inject inj;
	/* Leaf 0: max base leaf 0x23 (fixed1), "GenuineIntel" on any host. */
	ASSERT_EQ(cpuid(0, 0, 0, 0, &r, &inj), TDX_OUTCOME_DONE);
	ASSERT_EQ(r.rax, 0x23);
	char vendor[13];
	memcpy(vendor, &r.rbx, 4);
	memcpy(vendor + 4, &r.rdx, 4);
	memcpy(vendor + 8, &r.rcx, 4);
	vendor[12] = 0;
	assert_string_equal(vendor, "GenuineIntel");
	/* Leaf 0x80000000: max extended leaf 0x80000008 (fixed1). */
	ASSERT_EQ(cpuid(0, 0, 0x80000000, 0, &r, &inj), TDX_OUTCOME_DONE);
	ASSERT_EQ(r.rax, 0x80000008);
}

static void test_leaf1_per_vcpu(void **state)
{
	struct tdx_regs r;
	struct tdx_inject inj;
	for (unsigned v = 0; v < 3; v++) {
		ASSERT_EQ(cpuid(v, 0, 1, 0, &r, &inj), TDX_OUTCOME_DONE);
		ASSERT_EQ(r.rbx >> 24, v);		/* INITIAL_APIC_ID = VCPU_INDEX */
		ASSERT_EQ(r.rcx >> 31 & 1, 1);		/* fixed1: HYPERVISOR */
		ASSERT_EQ(r.rdx >> 9 & 1, 1);		/* fixed1: APIC */
		ASSERT_EQ(r.rcx & 0x00010060, 0);	/* fixed0: VMX, SMX, bit 16 */
		ASSERT_EQ(r.rcx >> 27 & 1, 1);		/* dynamic: OSXSAVE = CR4.OSXSAVE */
	}
	/* The guest's GPAW as physical address bits (model choice, cpuid.c). */
	ASSERT_EQ(cpuid(0, 0, 0x80000008, 0, &r, &inj), TDX_OUTCOME_DONE);
	ASSERT_EQ(r.rax & 0xFF, 52);
	/* 0x80000001 EDX SYSCALL is 1 in 64-bit mode (td_cpuid.c). */
	ASSERT_EQ(cpuid(0, 0, 0x80000001, 0, &r, &inj), TDX_OUTCOME_DONE);
	ASSERT_EQ(r.rdx >> 11 & 1, 1);
}

static void test_ve_leaves(void **state)
{
	/* Never answered: the hypervisor range (CPUID_RESERVED_START..END),
	 * faulting entries (0x6, 0x1F, 0x80000006), and leaves or subleaves
	 * absent from the lookup table (0x2, 0xB, 0x4.5, 0xD.0x13). */
	static const uint32_t ve[][2] = {
		{ 0x40000000, 0 }, { 0x40000001, 0 }, { 0x4FFFFFFF, 0 }, { 0x6, 0 },
		{ 0x1F, 0 }, { 0x1F, 5 }, { 0x80000006, 0 }, { 0x2, 0 }, { 0xB, 0 },
		{ 0x4, 5 }, { 0xD, 0x13 },
	};
	for (size_t i = 0; i < sizeof(ve) / sizeof(ve[0]); i++)
		expect_ve(1, 0, ve[i][0], ve[i][1]);
}

static void test_out_of_range_is_last_base_leaf(void **state)
{
	/* Above the base range or the extended range: read as leaf 0x23,
	 * same subleaf (td_cpuid.c). */
	struct tdx_regs want, r;
	struct tdx_inject inj;
	ASSERT_EQ(cpuid(0, 0, 0x23, 1, &want, &inj), TDX_OUTCOME_DONE);
	static const uint32_t leaves[] = { 0x24, 0x3FFFFFFF, 0x50000000, 0x7FFFFFFF, 0x80000009,
					   0xFFFFFFFF };
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		ASSERT_EQ(cpuid(0, 0, leaves[i], 1, &r, &inj), TDX_OUTCOME_DONE);
		ASSERT_EQ(r.rax, want.rax);
		ASSERT_EQ(r.rbx, want.rbx);
		ASSERT_EQ(r.rcx, want.rcx);
		ASSERT_EQ(r.rdx, want.rdx);
	}
	expect_ve(0, 0, 0x24, 5);	/* 0x23 has no subleaf 5 */
}

static void test_cpuidve_set(void **state)
{
	struct tdx_regs r;
	struct tdx_inject inj;

	/* TDG.VP.CPUIDVE.SET on VCPU 2: supervisor #VE for every leaf. */
	r = (struct tdx_regs){ .rax = TDG_VP_CPUIDVE_SET, .rcx = 1 };
	ASSERT_EQ(tdx_tdcall(td, 2, &r, &inj), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.rax, TDX_SUCCESS);
	expect_ve(2, 0, 0, 0);
	expect_ve(2, 0, 0x21, 0);
	ASSERT_EQ(cpuid(2, 3, 0, 0, &r, &inj), TDX_OUTCOME_DONE);	/* CPL 3: still answered */
	ASSERT_EQ(cpuid(1, 0, 0, 0, &r, &inj), TDX_OUTCOME_DONE);	/* another VCPU: its own */
	/* User #VE only. */
	r = (struct tdx_regs){ .rax = TDG_VP_CPUIDVE_SET, .rcx = 2 };
	ASSERT_EQ(tdx_tdcall(td, 2, &r, &inj), TDX_OUTCOME_DONE);
	ASSERT_EQ(cpuid(2, 0, 0, 0, &r, &inj), TDX_OUTCOME_DONE);
	expect_ve(2, 3, 1, 0);
}

static void test_double_ve_is_df(void **state)
{
	struct tdx_regs r;
	struct tdx_inject inj;
	/* A #VE while VE_INFO.VALID is still set is a #DF (4.1). */
	ASSERT_EQ(cpuid(1, 0, 0x40000000, 0, &r, &inj), TDX_OUTCOME_INJECT);
	ASSERT_EQ(inj.vector, 20);
	ASSERT_EQ(cpuid(1, 0, 0x40000000, 0, &r, &inj), TDX_OUTCOME_INJECT);
	ASSERT_EQ(inj.vector, 8);
}

static void test_no_such_vcpu(void **state)
{
	struct tdx_regs r;
	struct tdx_inject inj;
	ASSERT_EQ(cpuid(3, 0, 0, 0, &r, &inj), TDX_OUTCOME_TD_DEAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leaf1_per_vcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ve_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_range_is_last_base_leaf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpuidve_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_double_ve_is_df, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_such_vcpu, setup, teardown),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

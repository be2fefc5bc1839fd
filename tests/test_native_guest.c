/* test_native_guest.c: the guest library's native transport. The same
 * wrappers test_guest.c runs over the direct transport, here executing the
 * real TDCALL instruction, serviced in-process by the trap engine. */
#include <string.h>

#include <openssl/evp.h>

#include "testutil.h"
#include "tdxkit/guest.h"
#include "tdxkit/trap.h"

static struct tdx_td *td;
static uint8_t *priv;	/* VA of GPA 0 through the private window */

/* One TD for the whole group; the trap is installed inside each test body
 * because cmocka installs its own SIGILL/SIGSEGV handlers around every test
 * and fixture call. */
static int setup(void **state)
{
	struct tdx_td_config cfg;
	struct tdx_mem_windows w;

	tdx_td_config_init(&cfg);
	cfg.mem_size = 64ull << 20;
	cfg.num_vcpus = 2;
	td = tu_td_new(&cfg);
	tdx_td_windows(td, &w);
	priv = w.private_base;
	return 0;
}

static int teardown(void **state)
{
	tdx_td_destroy(td);
	return 0;
}

static void trap_on(void)
{
	char err[256] = "";

	tdx_trap_uninstall();	/* a failed earlier test may have left it installed */
	if (tdx_trap_install(td, 1, err, sizeof(err)))
		fail_msg("tdx_trap_install: %s", err);
}

static void test_vp_info(void **state)
{
	struct tdx_vp_info info;

	trap_on();
	memset(&info, 0xFF, sizeof(info));
	tdx_vp_info(&info);
	ASSERT_EQ(info.gpaw, 48);
	ASSERT_EQ(info.shared_bit, 1ull << 47);
	ASSERT_EQ(info.attributes, TDX_ATTR_SEPT_VE_DISABLE);
	ASSERT_EQ(info.num_vcpus, 2);
	ASSERT_EQ(info.max_vcpus, 2);
	ASSERT_EQ(info.vcpu_index, 1);	/* the VCPU the engine was installed for */
	assert_true(info.sys_rd);
	tdx_trap_uninstall();
}

static void test_accept_memory(void **state)
{
	uint64_t stopped = 0;
	struct tdx_page_state ps;

	trap_on();
	/* Unaligned head, two 2 MiB pages, unaligned tail. */
	ASSERT_STATUS(tdx_accept_memory(0x1FE000, 0x602000, &stopped), TDX_SUCCESS);
	ASSERT_EQ(stopped, 0x602000);
	assert_int_equal(tdx_td_page_state(td, 0x1FE000, &ps), 0);
	ASSERT_EQ(ps.sept, TDX_SEPT_PRESENT);
	ASSERT_EQ(ps.level, TDX_PAGE_4K);
	assert_int_equal(tdx_td_page_state(td, 0x300000, &ps), 0);
	ASSERT_EQ(ps.sept, TDX_SEPT_PRESENT);
	ASSERT_EQ(ps.level, TDX_PAGE_2M);
	/* Accepted pages are zero and usable through the private window. */
	ASSERT_EQ(priv[0x3FFFFF], 0);
	priv[0x3FFFFF] = 0x42;
	ASSERT_EQ(priv[0x3FFFFF], 0x42);
	/* A second accept of the same 2 MiB page is reported, not repeated. */
	ASSERT_STATUS(tdx_mem_page_accept(0x200000, TDX_PAGE_2M), TDX_PAGE_ALREADY_ACCEPTED | TDX_PAGE_2M);
	ASSERT_EQ(priv[0x3FFFFF], 0x42);
	/* Bad bounds accept nothing. */
	ASSERT_STATUS(tdx_accept_memory(0x1001, 0x3000, &stopped), TDX_OPERAND_INVALID | TDX_OPND_RCX);
	ASSERT_EQ(stopped, 0x1001);
	tdx_trap_uninstall();
}

static void test_rtmr_report_verify(void **state)
{
	uint8_t expect[48] = { 0 }, buf[96], got[48];
	unsigned len;

	trap_on();
	tdx_accept_memory_or_panic(0x10000, 0x14000);
	memset(priv + 0x10000, 0x11, 48);
	ASSERT_STATUS(tdx_mr_rtmr_extend(0x10000, 3), TDX_SUCCESS);
	memcpy(buf, expect, 48);
	memset(buf + 48, 0x11, 48);
	EVP_Digest(buf, sizeof(buf), expect, &len, EVP_sha384(), NULL);
	assert_int_equal(tdx_td_rtmr(td, 3, got), 0);
	assert_memory_equal(got, expect, 48);
	ASSERT_STATUS(tdx_mr_rtmr_extend(0x10000, 4), TDX_OPERAND_INVALID | TDX_OPND_RDX);
	ASSERT_STATUS(tdx_mr_rtmr_extend(0x10020, 0), TDX_OPERAND_INVALID | TDX_OPND_RCX);

	memset(priv + 0x11000, 0xA5, 64);
	ASSERT_STATUS(tdx_mr_report(0x12000, 0x11000), TDX_SUCCESS);
	struct tdx_report *rep = (struct tdx_report *)(priv + 0x12000);
	ASSERT_EQ(rep->mac.report_type[0], TDX_REPORT_TYPE_TDX);
	ASSERT_EQ(rep->mac.reportdata[63], 0xA5);
	assert_memory_equal(rep->td_info.rtmr[3], expect, 48);

	memcpy(priv + 0x13000, &rep->mac, sizeof(rep->mac));
	ASSERT_STATUS(tdx_mr_verifyreport(0x13000), TDX_SUCCESS);
	priv[0x13000 + 130] ^= 0x80;
	ASSERT_STATUS(tdx_mr_verifyreport(0x13000), TDX_INVALID_REPORTMACSTRUCT);
	ASSERT_STATUS(tdx_mr_report(0x12200, 0x11000), TDX_OPERAND_INVALID | TDX_OPND_RCX);
	tdx_trap_uninstall();
}

static void test_metadata(void **state)
{
	uint64_t v = 0, old = 0, next = 0;

	trap_on();
	ASSERT_STATUS(tdx_vm_rd(TDX_FIELD_TD_ATTRIBUTES, &v), TDX_SUCCESS);
	ASSERT_EQ(v, TDX_ATTR_SEPT_VE_DISABLE);
	ASSERT_STATUS(tdx_vm_rd_next(TDX_FIELD_TD_NUM_VCPUS, &v, &next), TDX_SUCCESS);
	ASSERT_EQ(v, 2);
	assert_true(next != TDX_FIELD_TD_NUM_VCPUS);
	ASSERT_STATUS(tdx_vm_wr(TDX_FIELD_TD_NOTIFY_ENABLES, 1, 1, &old), TDX_SUCCESS);
	ASSERT_EQ(old, 0);
	ASSERT_EQ(tdx_vm_rd_or_panic(TDX_FIELD_TD_NOTIFY_ENABLES), 1);
	ASSERT_STATUS(tdx_vm_wr(TDX_FIELD_TD_ATTRIBUTES, 0, ~0ull, NULL), TDX_METADATA_FIELD_NOT_WRITABLE);
	ASSERT_EQ(tdx_vp_rd_or_panic(TDX_FIELD_VP_VCPU_INDEX), 1);
	ASSERT_STATUS(tdx_sys_rd(TDX_FIELD_SYS_TDX_FEATURES0, &v, NULL), TDX_SUCCESS);
	assert_true(v & TDX_FEATURES0_TD_PARTITIONING);
	tdx_trap_uninstall();
}

static void test_cpuidve_and_veinfo(void **state)
{
	uint64_t v = 0;

	trap_on();
	tdx_vp_cpuidve_set(TDX_CPUIDVE_USER);
	ASSERT_STATUS(tdx_vp_rd(TDX_FIELD_VP_CPUID_USER_VE, &v, NULL), TDX_SUCCESS);
	ASSERT_EQ(v, 1);
	ASSERT_STATUS(tdx_vp_rd(TDX_FIELD_VP_CPUID_SUPERVISOR_VE, &v, NULL), TDX_SUCCESS);
	ASSERT_EQ(v, 0);
	/* No #VE pending: the raw leaf says so and clears its outputs. */
	struct tdx_tdcall_out out;
	memset(&out, 0x77, sizeof(out));
	ASSERT_STATUS(tdx_tdcall_raw_ret(TDG_VP_VEINFO_GET, 0, 0, 0, 0, &out), TDX_NO_VALID_VE_INFO);
	ASSERT_EQ(out.rcx | out.rdx | out.r8 | out.r9 | out.r10, 0);
	tdx_trap_uninstall();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vp_info),
		cmocka_unit_test(test_accept_memory),
		cmocka_unit_test(test_rtmr_report_verify),
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_cpuidve_and_veinfo),
	};
	return TU_RUN_GROUP(tests, setup, teardown);
}

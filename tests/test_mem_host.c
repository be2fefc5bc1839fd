/* test_mem_host.c: the guest windows follow the SEPT and shared state, the
 * host memory operations and their statuses, shared conversion, and the
 * GPA-operand walk tdx_gpa_access() that leaves use. */
#include <signal.h>
#include <string.h>

#include "testutil.h"
#include "test_hooks.h"

#define RCX(s) ((s) | TDX_OPND_RCX)

static sigjmp_buf fault_jb;

static void on_segv(int sig)
{
	siglongjmp(fault_jb, 1);
}

/* Does touching *p fault? */
static int faults(volatile uint8_t *p, int write)
{
	struct sigaction sa, old;
	volatile int hit = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(fault_jb, 1) == 0) {
		if (write)
			*p = 0x42;
		else
			(void)*p;
	} else {
		hit = 1;
	}
	sigaction(SIGSEGV, &old, NULL);
	return hit;
}

static uint64_t accept(struct tdx_td *td, uint64_t gpa, unsigned level)
{
	return tu_leaf(td, TDG_MEM_PAGE_ACCEPT, gpa | level, 0, 0, 0, NULL);
}

static void expect_state(struct tdx_td *td, uint64_t gpa, enum tdx_sept_state s,
			 enum tdx_page_level level, int shared)
{
	struct tdx_page_state st;

	assert_int_equal(tdx_td_page_state(td, gpa, &st), 0);
	ASSERT_EQ(st.sept, s);
	ASSERT_EQ(st.level, level);
	ASSERT_EQ(st.shared, shared);
}

static void test_windows_follow_accept(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_mem_windows w;

	tdx_td_windows(td, &w);
	ASSERT_EQ(w.size, 1ull << 30);
	assert_non_null(w.private_base);
	assert_non_null(w.shared_base);
	/* PENDING: neither window shows the page. */
	assert_true(faults(w.private_base + 0x3000, 0));
	assert_true(faults(w.private_base + 0x3000, 1));
	assert_true(faults(w.shared_base + 0x3000, 0));
	ASSERT_STATUS(accept(td, 0x3000, TDX_PAGE_4K), TDX_SUCCESS);
	assert_false(faults(w.private_base + 0x3000, 1));
	assert_false(faults(w.private_base + 0x3FFF, 0));
	ASSERT_EQ(*(uint8_t *)tdx_td_gpa_ptr(td, 0x3000, 1), 0x42);	/* same memory */
	assert_true(faults(w.shared_base + 0x3000, 0));
	/* Its demoted neighbours stay PENDING and hidden. */
	assert_true(faults(w.private_base + 0x2000, 0));
	assert_true(faults(w.private_base + 0x4000, 0));
	/* A 2 MiB accept opens the whole 2 MiB. */
	ASSERT_STATUS(accept(td, 0x400000, TDX_PAGE_2M), TDX_SUCCESS);
	assert_false(faults(w.private_base + 0x400000, 1));
	assert_false(faults(w.private_base + 0x5FFFFF, 1));
	assert_true(faults(w.private_base + 0x600000, 0));
	tdx_td_destroy(td);
}

static void test_remove_and_reaccept(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_mem_windows w;
	struct tdx_regs r;
	struct tdx_td_exit e;
	struct tdx_inject inj;
	char why[256];

	tdx_td_windows(td, &w);
	ASSERT_STATUS(accept(td, 0x1000, TDX_PAGE_4K), TDX_SUCCESS);
	w.private_base[0x1000] = 7;
	ASSERT_STATUS(tdh_mem_page_remove(td, 0x1000, TDX_PAGE_4K), TDX_SUCCESS);
	expect_state(td, 0x1000, TDX_SEPT_FREE, TDX_PAGE_4K, 0);
	assert_true(faults(w.private_base + 0x1000, 0));
	ASSERT_STATUS(tdh_mem_page_remove(td, 0x1000, TDX_PAGE_4K), RCX(TDX_EPT_ENTRY_FREE));

	/* Accept of the FREE entry: an exit the built-in host answers with AUG. */
	memset(&r, 0, sizeof(r));
	r.rax = TDG_MEM_PAGE_ACCEPT;
	r.rcx = 0x1000;
	assert_int_equal(tdx_module_tdcall(td, 0, &r, &e, &inj), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.ext_exit_qual, TDX_EEQ(TDX_EEQ_ACCEPT, 0, 0, TDX_SEPT_FREE, 1));
	ASSERT_EQ(e.gpa, 0x1000);
	assert_int_equal(tdx_test_host_ept(td, &e, why, sizeof(why)), 0);
	expect_state(td, 0x1000, TDX_SEPT_PENDING, TDX_PAGE_4K, 0);
	ASSERT_STATUS(accept(td, 0x1000, TDX_PAGE_4K), TDX_SUCCESS);
	ASSERT_EQ(w.private_base[0x1000], 0);	/* content was lost */

	/* A removed 2 MiB leaf comes back as a 2 MiB leaf (POLICY_2M), then
	 * is demoted for the 4 KiB accept: all inside one direct-mode TDCALL. */
	ASSERT_STATUS(tdh_mem_page_remove(td, 0x800000, TDX_PAGE_2M), TDX_SUCCESS);
	expect_state(td, 0x800000, TDX_SEPT_FREE, TDX_PAGE_2M, 0);
	ASSERT_STATUS(accept(td, 0x801000, TDX_PAGE_4K), TDX_SUCCESS);
	expect_state(td, 0x801000, TDX_SEPT_PRESENT, TDX_PAGE_4K, 0);
	expect_state(td, 0x800000, TDX_SEPT_PENDING, TDX_PAGE_4K, 0);

	/* Under POLICY_4K the host maps the one 4 KiB page. */
	tdx_td_destroy(td);
	struct tdx_td_config cfg;
	tdx_td_config_init(&cfg);
	cfg.sept_policy = TDX_SEPT_POLICY_4K;
	td = tu_td_new(&cfg);
	ASSERT_STATUS(tdh_mem_page_remove(td, 0x5000, TDX_PAGE_4K), TDX_SUCCESS);
	ASSERT_STATUS(accept(td, 0x5000, TDX_PAGE_4K), TDX_SUCCESS);
	expect_state(td, 0x5000, TDX_SEPT_PRESENT, TDX_PAGE_4K, 0);
	tdx_td_destroy(td);
}

static void test_host_op_statuses(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	uint64_t sbit = tdx_td_shared_bit(td);

	/* Format errors. */
	ASSERT_STATUS(tdh_mem_page_aug(td, 0x1234, TDX_PAGE_4K), RCX(TDX_OPERAND_INVALID));
	ASSERT_STATUS(tdh_mem_page_aug(td, 0x1000, TDX_PAGE_2M), RCX(TDX_OPERAND_INVALID));
	ASSERT_STATUS(tdh_mem_page_aug(td, 0, TDX_PAGE_1G), RCX(TDX_OPERAND_INVALID));
	ASSERT_STATUS(tdh_mem_page_aug(td, sbit, TDX_PAGE_4K), RCX(TDX_OPERAND_INVALID));
	ASSERT_STATUS(tdh_mem_page_aug(td, 1ull << 30, TDX_PAGE_4K),
		      RCX(TDX_OPERAND_ADDR_RANGE_ERROR));
	ASSERT_STATUS(tdh_mem_page_demote(td, 0x1000), RCX(TDX_OPERAND_INVALID));
	ASSERT_STATUS(tdh_mem_page_remove(td, 0x1001, TDX_PAGE_4K), RCX(TDX_OPERAND_INVALID));
	/* State errors. */
	ASSERT_STATUS(tdh_mem_page_aug(td, 0, TDX_PAGE_2M), RCX(TDX_EPT_ENTRY_NOT_FREE));
	ASSERT_STATUS(tdh_mem_page_aug(td, 0x1000, TDX_PAGE_4K), RCX(TDX_EPT_WALK_FAILED));
	ASSERT_STATUS(tdh_mem_page_remove(td, 0x1000, TDX_PAGE_4K), RCX(TDX_EPT_WALK_FAILED));
	ASSERT_STATUS(tdh_mem_page_demote(td, 0), TDX_SUCCESS);
	ASSERT_STATUS(tdh_mem_page_demote(td, 0), RCX(TDX_EPT_ENTRY_NOT_LEAF));
	ASSERT_STATUS(tdh_mem_page_remove(td, 0, TDX_PAGE_2M), RCX(TDX_EPT_ENTRY_NOT_LEAF));
	ASSERT_STATUS(tdh_mem_page_aug(td, 0, TDX_PAGE_2M), RCX(TDX_EPT_ENTRY_NOT_FREE));
	ASSERT_STATUS(tdh_mem_page_aug(td, 0x1000, TDX_PAGE_4K), RCX(TDX_EPT_ENTRY_NOT_FREE));
	ASSERT_STATUS(tdh_mem_page_remove(td, 0x200000, TDX_PAGE_2M), TDX_SUCCESS);
	ASSERT_STATUS(tdh_mem_page_remove(td, 0x200000, TDX_PAGE_2M), RCX(TDX_EPT_ENTRY_FREE));
	ASSERT_STATUS(tdh_mem_page_demote(td, 0x200000), RCX(TDX_EPT_ENTRY_NOT_LEAF));
	ASSERT_STATUS(tdh_mem_page_aug(td, 0x200000, TDX_PAGE_2M), TDX_SUCCESS);
	expect_state(td, 0x3FF000, TDX_SEPT_PENDING, TDX_PAGE_2M, 0);
	/* Demote keeps an accepted 2 MiB accepted and visible. */
	ASSERT_STATUS(accept(td, 0x200000, TDX_PAGE_2M), TDX_SUCCESS);
	ASSERT_STATUS(tdh_mem_page_demote(td, 0x200000), TDX_SUCCESS);
	expect_state(td, 0x3FF000, TDX_SEPT_PRESENT, TDX_PAGE_4K, 0);
	ASSERT_STATUS(accept(td, 0x3FF000, TDX_PAGE_4K), 0x00000B0A00000000ull);
	struct tdx_mem_windows w;
	tdx_td_windows(td, &w);
	assert_false(faults(w.private_base + 0x3FF000, 1));
	/* set_shared arguments. */
	ASSERT_STATUS(tdx_td_set_shared(td, 0x1800, 0x1000, 1), RCX(TDX_OPERAND_INVALID));
	ASSERT_STATUS(tdx_td_set_shared(td, 0x1000, 0x800, 1), TDX_OPERAND_INVALID | TDX_OPND_RDX);
	ASSERT_STATUS(tdx_td_set_shared(td, (1ull << 30) - 0x1000, 0x2000, 1),
		      RCX(TDX_OPERAND_ADDR_RANGE_ERROR));
	tdx_td_destroy(td);
}

static void test_shared_conversion(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	uint64_t sbit = tdx_td_shared_bit(td);
	struct tdx_mem_windows w;

	tdx_td_windows(td, &w);
	ASSERT_STATUS(accept(td, 0x600000, TDX_PAGE_2M), TDX_SUCCESS);
	memset(w.private_base + 0x600000, 0x77, 0x3000);
	/* Convert 2 pages in the middle of an accepted 2 MiB leaf to shared. */
	ASSERT_STATUS(tdx_td_set_shared(td, sbit | 0x601000, 0x2000, 1), TDX_SUCCESS);
	expect_state(td, 0x601000, TDX_SEPT_FREE, TDX_PAGE_4K, 1);
	expect_state(td, 0x602000, TDX_SEPT_FREE, TDX_PAGE_4K, 1);
	expect_state(td, 0x600000, TDX_SEPT_PRESENT, TDX_PAGE_4K, 0);
	expect_state(td, 0x603000, TDX_SEPT_PRESENT, TDX_PAGE_4K, 0);
	assert_true(faults(w.private_base + 0x601000, 0));
	assert_true(faults(w.shared_base + 0x600000, 0));
	assert_false(faults(w.shared_base + 0x601000, 0));
	ASSERT_EQ(w.shared_base[0x601000], 0);		/* private content is gone */
	ASSERT_EQ(w.private_base[0x600000], 0x77);	/* the neighbour keeps its own */
	w.shared_base[0x602000] = 0x99;
	ASSERT_EQ(*(uint8_t *)tdx_td_gpa_ptr(td, sbit | 0x602000, 1), 0x99);
	/* Sharing again keeps shared content. */
	ASSERT_STATUS(tdx_td_set_shared(td, 0x601000, 0x2000, 1), TDX_SUCCESS);
	ASSERT_EQ(w.shared_base[0x602000], 0x99);

	/* Back to private: unmap shared, then AUG (by the built-in host on the
	 * accept's EPT violation) and accept. */
	ASSERT_STATUS(tdx_td_set_shared(td, 0x601000, 0x2000, 0), TDX_SUCCESS);
	expect_state(td, 0x602000, TDX_SEPT_FREE, TDX_PAGE_4K, 0);
	assert_true(faults(w.shared_base + 0x602000, 0));
	ASSERT_STATUS(accept(td, 0x602000, TDX_PAGE_4K), TDX_SUCCESS);
	ASSERT_EQ(w.private_base[0x602000], 0);
	expect_state(td, 0x602000, TDX_SEPT_PRESENT, TDX_PAGE_4K, 0);

	/* A whole 2 MiB PENDING leaf goes FREE at once. */
	ASSERT_STATUS(tdx_td_set_shared(td, 0x800000, 0x200000, 1), TDX_SUCCESS);
	expect_state(td, 0x900000, TDX_SEPT_FREE, TDX_PAGE_2M, 1);
	assert_false(faults(w.shared_base + 0x9FF000, 1));
	/* AUG of a shared page drops the shared mapping (one page per GPA). */
	ASSERT_STATUS(tdh_mem_page_aug(td, 0x800000, TDX_PAGE_2M), TDX_SUCCESS);
	expect_state(td, 0x900000, TDX_SEPT_PENDING, TDX_PAGE_2M, 0);
	assert_true(faults(w.shared_base + 0x9FF000, 0));
	tdx_td_destroy(td);
}

/* ---- tdx_gpa_access ------------------------------------------------------- */

static void test_gpa_access(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);	/* PENDING_VE_DISABLE = 1 */
	uint64_t sbit = tdx_td_shared_bit(td);
	struct tdx_test_gpa x;
	void *p = NULL;

	tu_accept(td, 0x10000, 0x1000);
	ASSERT_STATUS(tdx_test_gpa_access(td, 0x10040, 64, 1, 0, TDX_OPND_RDX, &p, &x),
		      TDX_SUCCESS);
	assert_ptr_equal(p, tdx_td_gpa_ptr(td, 0x10040, 64));
	ASSERT_EQ(x.outcome, TDX_OUTCOME_DONE);

	/* Crossing into the PENDING next page: EPT violation, type 6, that page. */
	ASSERT_STATUS(tdx_test_gpa_access(td, 0x10F00, 0x200, 0, 0, TDX_OPND_RCX, &p, &x),
		      TDX_TEST_GPA_DIVERTED);
	ASSERT_EQ(x.outcome, TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(x.exit.status, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(x.exit.gpa, 0x11000);
	ASSERT_EQ(x.exit.exit_qual, TDX_EPT_QUAL_READ);
	ASSERT_EQ(x.exit.ext_exit_qual, TDX_EEQ_PENDING_EPT_VIOLATION);
	/* The built-in host refuses: the TD touched memory before accepting. */
	char why[256];
	assert_int_equal(tdx_test_host_ept(td, &x.exit, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "0x11000"));

	/* PENDING_VE_DISABLE = 0: #VE with exit reason 48 and the GPA. */
	tdx_test_set_td_ctls(td, 0);	/* was PENDING_VE_DISABLE only */
	ASSERT_STATUS(tdx_test_gpa_access(td, 0x20000, 8, 1, 0, TDX_OPND_RCX, &p, &x),
		      TDX_TEST_GPA_DIVERTED);
	ASSERT_EQ(x.outcome, TDX_OUTCOME_INJECT);
	ASSERT_EQ(x.inj.vector, 20);
	struct tdx_ve_event ve;
	assert_int_equal(tdx_vcpu_ve_info(td, 0, &ve), 1);	/* VALID */
	ASSERT_EQ(ve.exit_reason, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(ve.gpa, 0x20000);
	/* A TDX_RANGE_RW walk asks for read and write: MOD helpers.c
	 * check_walk_and_map_guest_side_gpa() sets data_read always. */
	ASSERT_EQ(ve.exit_qual, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_WRITE);
	tdx_test_set_ve_info(td, 0, &ve, 0);	/* as VEINFO.GET leaves it */

	/* FREE private page: EPT violation without EEQ, host AUGs it. */
	ASSERT_STATUS(tdh_mem_page_remove(td, 0x10000, TDX_PAGE_4K), TDX_SUCCESS);
	ASSERT_STATUS(tdx_test_gpa_access(td, 0x10000, 8, 0, 0, TDX_OPND_RCX, &p, &x),
		      TDX_TEST_GPA_DIVERTED);
	ASSERT_EQ(x.outcome, TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(x.exit.ext_exit_qual, 0);
	assert_int_equal(tdx_test_host_ept(td, &x.exit, why, sizeof(why)), 0);
	expect_state(td, 0x10000, TDX_SEPT_PENDING, TDX_PAGE_4K, 0);
	/* Beyond memory: an exit the host cannot resolve. */
	ASSERT_STATUS(tdx_test_gpa_access(td, 1ull << 32, 8, 0, 0, TDX_OPND_RCX, &p, &x),
		      TDX_TEST_GPA_DIVERTED);
	assert_int_equal(tdx_test_host_ept(td, &x.exit, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "0x100000000"));

	/* Beyond GPAW, and a range crossing the top: OPERAND_INVALID | operand. */
	ASSERT_STATUS(tdx_test_gpa_access(td, 1ull << 48, 8, 0, 1, TDX_OPND_R8, &p, &x),
		      TDX_OPERAND_INVALID | TDX_OPND_R8);
	ASSERT_STATUS(tdx_test_gpa_access(td, (1ull << 48) - 4, 8, 0, 1, TDX_OPND_R8, &p, &x),
		      TDX_OPERAND_INVALID | TDX_OPND_R8);
	ASSERT_EQ(x.outcome, TDX_OUTCOME_DONE);

	/* Shared operands. */
	ASSERT_STATUS(tdx_test_gpa_access(td, sbit | 0x30000, 8, 0, 0, TDX_OPND_RDX, &p, &x),
		      TDX_OPERAND_INVALID | TDX_OPND_RDX);
	/* Not mapped shared: the shared-EPT walk fails on a non-present entry
	 * with suppress-#VE set, an EPT-violation TD exit with the shared GPA
	 * (MOD helpers.c, EPT_WALK_VIOLATION); the built-in host maps it. */
	ASSERT_STATUS(tdx_test_gpa_access(td, sbit | 0x30010, 8, 1, 1, TDX_OPND_RDX, &p, &x),
		      TDX_TEST_GPA_DIVERTED);
	ASSERT_EQ(x.outcome, TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(x.exit.status, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(x.exit.gpa, sbit | 0x30000);
	ASSERT_EQ(x.exit.exit_qual, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_WRITE);
	ASSERT_EQ(x.exit.ext_exit_qual, 0);
	assert_int_equal(tdx_test_host_ept(td, &x.exit, why, sizeof(why)), 0);
	expect_state(td, 0x30000, TDX_SEPT_FREE, TDX_PAGE_4K, 1);
	ASSERT_STATUS(tdx_test_gpa_access(td, sbit | 0x30000, 8, 0, 1, TDX_OPND_RDX, &p, &x),
		      TDX_SUCCESS);
	assert_ptr_equal(p, tdx_td_gpa_ptr(td, 0x30000, 8));
	ASSERT_STATUS(tdx_test_gpa_access(td, sbit | 0x30000, 8, 0, 0, TDX_OPND_RDX, &p, &x),
		      TDX_OPERAND_INVALID | TDX_OPND_RDX);	/* leaf takes private only */
	ASSERT_EQ(x.outcome, TDX_OUTCOME_DONE);
	/* The second page is not shared: an exit for that page. */
	ASSERT_STATUS(tdx_test_gpa_access(td, sbit | 0x30FFC, 8, 0, 1, TDX_OPND_RDX, &p, &x),
		      TDX_TEST_GPA_DIVERTED);
	ASSERT_EQ(x.exit.gpa, sbit | 0x31000);
	ASSERT_EQ(x.exit.exit_qual, TDX_EPT_QUAL_READ);
	/* Beyond TD memory a shared GPA is emulated MMIO: the entry's
	 * suppress-#VE is clear, so the violation is convertible: #VE
	 * (EPT_WALK_CONVERTIBLE_VIOLATION), VE info with the shared GPA. */
	ASSERT_STATUS(tdx_test_gpa_access(td, sbit | (1ull << 32) | 0x40, 8, 0, 1, TDX_OPND_RDX, &p, &x),
		      TDX_TEST_GPA_DIVERTED);
	ASSERT_EQ(x.outcome, TDX_OUTCOME_INJECT);
	ASSERT_EQ(x.inj.vector, 20);
	assert_int_equal(tdx_vcpu_ve_info(td, 0, &ve), 1);
	ASSERT_EQ(ve.gpa, sbit | (1ull << 32) | 0x40);
	ASSERT_EQ(ve.exit_qual, TDX_EPT_QUAL_READ);
	tdx_td_destroy(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_follow_accept),
		cmocka_unit_test(test_remove_and_reaccept),
		cmocka_unit_test(test_host_op_statuses),
		cmocka_unit_test(test_shared_conversion),
		cmocka_unit_test(test_gpa_access),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

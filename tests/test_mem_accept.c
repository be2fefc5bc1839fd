/* test_mem_accept.c: TDG.MEM.PAGE.ACCEPT (sections 8.1/8.2), the SEPT
 * policies, the built-in host's AUG/DEMOTE answers, interruptible 2 MiB
 * accept, and the cost of a large TD. */
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"
#include "test_hooks.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define BAD_RCX (TDX_OPERAND_INVALID | TDX_OPND_RCX)

static uint64_t accept(struct tdx_td *td, uint64_t gpa, unsigned level)
{
	return tu_leaf(td, TDG_MEM_PAGE_ACCEPT, gpa | level, 0, 0, 0, NULL);
}

static void expect_state(struct tdx_td *td, uint64_t gpa, enum tdx_sept_state s,
			 enum tdx_page_level level)
{
	struct tdx_page_state st;

	assert_int_equal(tdx_td_page_state(td, gpa, &st), 0);
	ASSERT_EQ(st.sept, s);
	ASSERT_EQ(st.level, level);
}

static struct tdx_td *td_with(uint64_t mem, enum tdx_sept_policy policy)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.mem_size = mem;
	cfg.sept_policy = policy;
	return tu_td_new(&cfg);
}

static void test_rcx_format_errors(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);	/* GPAW 48: shared bit 47 */

	ASSERT_STATUS(accept(td, 0x1000 | (1ull << 3), 0), BAD_RCX);	/* bits 11:3 */
	ASSERT_STATUS(accept(td, 0x1000 | (1ull << 11), 0), BAD_RCX);
	ASSERT_STATUS(accept(td, 0x1000 | (1ull << 52), 0), BAD_RCX);	/* bits 63:52 */
	ASSERT_STATUS(accept(td, 0x1000 | (1ull << 63), 0), BAD_RCX);
	ASSERT_STATUS(accept(td, 0, TDX_PAGE_1G), BAD_RCX);		/* 1 GiB not supported */
	for (unsigned l = 3; l < 8; l++)
		ASSERT_STATUS(accept(td, 0, l), BAD_RCX);
	ASSERT_STATUS(accept(td, 0x1000, TDX_PAGE_2M), BAD_RCX);	/* misaligned for 2 MiB */
	ASSERT_STATUS(accept(td, 0x100000, TDX_PAGE_2M), BAD_RCX);
	ASSERT_STATUS(accept(td, tdx_td_shared_bit(td) | 0x1000, 0), BAD_RCX);	/* shared */
	ASSERT_STATUS(accept(td, 1ull << 48, 0), BAD_RCX);		/* >= 2^GPAW */
	ASSERT_STATUS(accept(td, 1ull << 51, 0), BAD_RCX);
	/* Nothing changed. */
	expect_state(td, 0x1000, TDX_SEPT_PENDING, TDX_PAGE_2M);
	tdx_td_destroy(td);
}

static void test_rcx_gpaw52(void **state)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.gpaw = 52;
	struct tdx_td *td = tu_td_new(&cfg);
	ASSERT_STATUS(accept(td, 1ull << 51, 0), BAD_RCX);		/* shared bit 51 */
	ASSERT_STATUS(accept(td, 0x1000, 0), TDX_SUCCESS);
	tdx_td_destroy(td);
}

/* 4 KiB accept inside a PENDING 2 MiB leaf: the module exits, the host
 * demotes, the TDCALL runs again, seen step by step at the module level. */
static void test_4k_in_pending_2m_module_level(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_regs r;
	struct tdx_td_exit e;
	struct tdx_inject inj;
	char why[256];

	memset(&r, 0, sizeof(r));
	r.rax = TDG_MEM_PAGE_ACCEPT;
	r.rcx = 0x3000 | TDX_PAGE_4K;
	r.rip = 0x2000;
	assert_int_equal(tdx_module_tdcall(td, 0, &r, &e, &inj), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.status, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(e.exit_qual, TDX_EPT_QUAL_WRITE);
	ASSERT_EQ(e.ext_exit_qual, TDX_EEQ(TDX_EEQ_ACCEPT, 0, 1, TDX_SEPT_PENDING, 1));
	ASSERT_EQ(e.ext_exit_qual, 0x0000408800000001ull);
	ASSERT_EQ(e.gpa, 0x3000);
	ASSERT_EQ(r.rax, TDG_MEM_PAGE_ACCEPT);	/* untouched */
	ASSERT_EQ(r.rip, 0x2000);
	assert_int_equal(tdx_test_host_ept(td, &e, why, sizeof(why)), 0);
	expect_state(td, 0x3000, TDX_SEPT_PENDING, TDX_PAGE_4K);	/* demoted */
	assert_int_equal(tdx_module_resume(td, 0, &r, &e), TDX_OUTCOME_REEXECUTE);
	assert_int_equal(tdx_module_tdcall(td, 0, &r, &e, &inj), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.rax, TDX_SUCCESS);
	ASSERT_EQ(r.rip, 0x2004);
	tdx_td_destroy(td);
}

static void test_4k_in_pending_2m_direct(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	struct tdx_page_state st;
	unsigned pending = 0;

	ASSERT_STATUS(accept(td, 0x201000, TDX_PAGE_4K), TDX_SUCCESS);
	expect_state(td, 0x201000, TDX_SEPT_PRESENT, TDX_PAGE_4K);
	for (uint64_t g = 0x200000; g < 0x400000; g += 0x1000) {
		assert_int_equal(tdx_td_page_state(td, g, &st), 0);
		ASSERT_EQ(st.level, TDX_PAGE_4K);
		pending += st.sept == TDX_SEPT_PENDING;
	}
	ASSERT_EQ(pending, 511);
	/* Neighbouring regions keep their 2 MiB leaves. */
	expect_state(td, 0x1FF000, TDX_SEPT_PENDING, TDX_PAGE_2M);
	expect_state(td, 0x400000, TDX_SEPT_PENDING, TDX_PAGE_2M);
	/* 2 MiB accept over the split region, and the accepted 4 KiB again. */
	ASSERT_STATUS(accept(td, 0x200000, TDX_PAGE_2M), 0xC0000B0B00000001ull);
	ASSERT_STATUS(accept(td, 0x201000, TDX_PAGE_4K), 0x00000B0A00000000ull);
	ASSERT_STATUS(accept(td, 0x202000, TDX_PAGE_4K), TDX_SUCCESS);
	tdx_td_destroy(td);
}

static void test_2m_accept_and_already_accepted(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);

	ASSERT_STATUS(accept(td, 0x600000, TDX_PAGE_2M), TDX_SUCCESS);
	expect_state(td, 0x600000, TDX_SEPT_PRESENT, TDX_PAGE_2M);
	expect_state(td, 0x7FF000, TDX_SEPT_PRESENT, TDX_PAGE_2M);
	ASSERT_STATUS(accept(td, 0x600000, TDX_PAGE_2M), 0x00000B0A00000001ull);
	ASSERT_STATUS(accept(td, 0x7FF000, TDX_PAGE_4K), 0x00000B0A00000001ull);
	ASSERT_STATUS(accept(td, 0x600000, TDX_PAGE_4K), TDX_PAGE_ALREADY_ACCEPTED | TDX_PAGE_2M);
	tdx_td_destroy(td);
}

static void test_policy_4k(void **state)
{
	struct tdx_td *td = td_with(64 * MiB, TDX_SEPT_POLICY_4K);

	expect_state(td, 0, TDX_SEPT_PENDING, TDX_PAGE_4K);
	expect_state(td, 0x200000, TDX_SEPT_PENDING, TDX_PAGE_4K);
	ASSERT_STATUS(accept(td, 0x200000, TDX_PAGE_2M), 0xC0000B0B00000001ull);
	ASSERT_STATUS(accept(td, 0x200000, TDX_PAGE_4K), TDX_SUCCESS);
	ASSERT_STATUS(accept(td, 0x200000, TDX_PAGE_4K), 0x00000B0A00000000ull);
	expect_state(td, 0x200000, TDX_SEPT_PRESENT, TDX_PAGE_4K);
	expect_state(td, 0x201000, TDX_SEPT_PENDING, TDX_PAGE_4K);
	tu_accept(td, 0x400000, 0x10000);
	tdx_td_destroy(td);
}

/* Under POLICY_2M the partial last 2 MiB of memory has 4 KiB leaves. */
static void test_policy_2m_tail(void **state)
{
	struct tdx_td *td = td_with(4 * MiB + 0x3000, TDX_SEPT_POLICY_2M);
	struct tdx_regs r;
	struct tdx_page_state st;

	expect_state(td, 0x200000, TDX_SEPT_PENDING, TDX_PAGE_2M);
	expect_state(td, 0x400000, TDX_SEPT_PENDING, TDX_PAGE_4K);
	expect_state(td, 0x402000, TDX_SEPT_PENDING, TDX_PAGE_4K);
	assert_int_equal(tdx_td_page_state(td, 0x403000, &st), -1);	/* outside memory */
	ASSERT_STATUS(accept(td, 0x400000, TDX_PAGE_2M), 0xC0000B0B00000001ull);
	ASSERT_STATUS(accept(td, 0x402000, TDX_PAGE_4K), TDX_SUCCESS);
	ASSERT_STATUS(accept(td, 0x200000, TDX_PAGE_2M), TDX_SUCCESS);

	/* The first page beyond memory: the host cannot map it, the TD dies. */
	memset(&r, 0, sizeof(r));
	r.rax = TDG_MEM_PAGE_ACCEPT;
	r.rcx = 0x403000;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_TD_DEAD);
	const char *why = tdx_td_dead_reason(td);
	assert_non_null(why);
	assert_non_null(strstr(why, "0x403000"));
	tdx_td_destroy(td);
}

static void test_beyond_memory_kills_td(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);	/* 1 GiB */
	struct tdx_regs r;
	struct tdx_td_exit e;
	struct tdx_inject inj;

	/* Module level: a FREE 2 MiB entry. */
	memset(&r, 0, sizeof(r));
	r.rax = TDG_MEM_PAGE_ACCEPT;
	r.rcx = 0x80000000 | TDX_PAGE_2M;
	assert_int_equal(tdx_module_tdcall(td, 0, &r, &e, &inj), TDX_OUTCOME_TD_EXIT);
	ASSERT_EQ(e.ext_exit_qual, TDX_EEQ(TDX_EEQ_ACCEPT, 1, 1, TDX_SEPT_FREE, 0));
	ASSERT_EQ(e.gpa, 0x80000000);

	r.rcx = 0x80000000 | TDX_PAGE_4K;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_TD_DEAD);
	const char *why = tdx_td_dead_reason(td);
	assert_non_null(why);
	assert_non_null(strstr(why, "0x80000000"));
	assert_non_null(strstr(why, "0x40000000"));	/* the memory size */
	assert_null(strchr(why, '\n'));
	/* A dead TD refuses every later TDCALL. */
	r.rax = TDG_VP_INFO;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_TD_DEAD);
	tdx_td_destroy(td);
}

static void test_accept_zeroes(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	uint8_t *p4k = tdx_td_gpa_ptr(td, 0x5000, 0x1000);
	uint8_t *p2m = tdx_td_gpa_ptr(td, 0x800000, TDX_PAGE_SIZE_2M);
	static const uint8_t zero[4096];

	assert_non_null(p4k);
	assert_non_null(p2m);
	assert_null(tdx_td_gpa_ptr(td, 1 * GiB, 1));
	assert_null(tdx_td_gpa_ptr(td, 1 * GiB - 0x1000, 0x1001));
	/* The shared bit is ignored: same host view. */
	assert_ptr_equal(tdx_td_gpa_ptr(td, 0x5000 | tdx_td_shared_bit(td), 1), p4k);
	memset(p4k, 0xA5, 0x1000);
	memset(p2m, 0x5A, TDX_PAGE_SIZE_2M);
	ASSERT_STATUS(accept(td, 0x5000, TDX_PAGE_4K), TDX_SUCCESS);
	ASSERT_STATUS(accept(td, 0x800000, TDX_PAGE_2M), TDX_SUCCESS);
	assert_memory_equal(p4k, zero, sizeof(zero));
	for (uint64_t o = 0; o < TDX_PAGE_SIZE_2M; o += sizeof(zero))
		assert_memory_equal(p2m + o, zero, sizeof(zero));
	/* The neighbours of the 4 KiB page (demoted, still PENDING) keep theirs. */
	uint8_t *p = tdx_td_gpa_ptr(td, 0x6000, 1);
	ASSERT_EQ(p[0], 0);	/* never written */
	tdx_td_destroy(td);
}

static void test_interruptible_2m(void **state)
{
	struct tdx_td *td = tu_td_new(NULL);
	uint8_t *first = tdx_td_gpa_ptr(td, 0xA00000, 0x1000);
	uint8_t *last = tdx_td_gpa_ptr(td, 0xBFF000, 0x1000);
	struct tdx_regs r;

	memset(first, 0x11, 0x1000);
	memset(last, 0x22, 0x1000);
	tdx_vcpu_set_interrupt_pending(td, 0, 1);
	memset(&r, 0, sizeof(r));
	r.rax = TDG_MEM_PAGE_ACCEPT;
	r.rcx = 0xA00000 | TDX_PAGE_2M;
	r.rip = 0x7000;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_REEXECUTE);
	ASSERT_EQ(r.rax, TDG_MEM_PAGE_ACCEPT);	/* RAX and RIP untouched */
	ASSERT_EQ(r.rip, 0x7000);
	ASSERT_EQ(first[0], 0);			/* the first chunk is done */
	ASSERT_EQ(last[0], 0x22);		/* the rest is not */
	expect_state(td, 0xA00000, TDX_SEPT_PENDING, TDX_PAGE_2M);
	/* Still pending: another chunk of progress, no completion. */
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_REEXECUTE);
	ASSERT_EQ(r.rip, 0x7000);
	ASSERT_EQ(last[0], 0x22);
	tdx_vcpu_set_interrupt_pending(td, 0, 0);
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.rax, TDX_SUCCESS);
	ASSERT_EQ(r.rip, 0x7004);
	ASSERT_EQ(last[0], 0);
	expect_state(td, 0xA00000, TDX_SEPT_PRESENT, TDX_PAGE_2M);
	/* A 4 KiB accept is not interruptible. */
	tdx_vcpu_set_interrupt_pending(td, 0, 1);
	ASSERT_STATUS(accept(td, 0xC00000, TDX_PAGE_4K), TDX_SUCCESS);
	/* With the flag left set, every execution still zeroes one chunk: a
	 * fresh 2 MiB region completes on the 512th. */
	memset(&r, 0, sizeof(r));
	r.rax = TDG_MEM_PAGE_ACCEPT;
	r.rcx = 0xE00000 | TDX_PAGE_2M;
	unsigned runs = 0;
	while (tu_tdcall(td, &r) == TDX_OUTCOME_REEXECUTE)
		runs++;
	ASSERT_EQ(runs, 511);
	ASSERT_STATUS(r.rax, TDX_SUCCESS);
	tdx_td_destroy(td);
}

/* Current RSS (/proc/self/statm, field 2, in pages): unlike ru_maxrss it
 * also shows growth after an earlier, higher peak. */
static long rss_kib(void)
{
	long size = 0, resident = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld %ld", &size, &resident), 2);
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* A 64 GiB TD is built without per-page work: RSS barely moves. */
static void test_64g_td_small_rss(void **state)
{
	long before = rss_kib();
	struct tdx_td *td = td_with(64 * GiB, TDX_SEPT_POLICY_2M);
	struct tdx_page_state st;

	expect_state(td, 63 * GiB, TDX_SEPT_PENDING, TDX_PAGE_2M);
	ASSERT_STATUS(accept(td, 32 * GiB, TDX_PAGE_2M), TDX_SUCCESS);
	ASSERT_STATUS(accept(td, 64 * GiB - 0x1000, TDX_PAGE_4K), TDX_SUCCESS);
	assert_int_equal(tdx_td_page_state(td, 64 * GiB, &st), -1);
	long grown = rss_kib() - before;
	if (grown >= 64 * 1024)
		fail_msg("RSS grew by %ld KiB creating a 64 GiB TD", grown);
	tdx_td_destroy(td);

	/* Same with 4 KiB leaves everywhere. */
	before = rss_kib();
	td = td_with(64 * GiB, TDX_SEPT_POLICY_4K);
	expect_state(td, 40 * GiB, TDX_SEPT_PENDING, TDX_PAGE_4K);
	ASSERT_STATUS(accept(td, 40 * GiB, TDX_PAGE_4K), TDX_SUCCESS);
	grown = rss_kib() - before;
	if (grown >= 64 * 1024)
		fail_msg("RSS grew by %ld KiB creating a 64 GiB TD (4K policy)", grown);
	tdx_td_destroy(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rcx_format_errors),
		cmocka_unit_test(test_rcx_gpaw52),
		cmocka_unit_test(test_4k_in_pending_2m_module_level),
		cmocka_unit_test(test_4k_in_pending_2m_direct),
		cmocka_unit_test(test_2m_accept_and_already_accepted),
		cmocka_unit_test(test_policy_4k),
		cmocka_unit_test(test_policy_2m_tail),
		cmocka_unit_test(test_beyond_memory_kills_td),
		cmocka_unit_test(test_accept_zeroes),
		cmocka_unit_test(test_interruptible_2m),
		cmocka_unit_test(test_64g_td_small_rss),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

/* test_tdx_run_ve.c: #VE delivery under tdx-run, with tests/guests/ve_basic.c,
 * a program that registers its handler through the weak tdxkit_ve_register. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/trap.h"

#define GUEST TU_GUEST("ve_basic")

/* TDXKIT_RUN_ATTRIBUTES = attrs (NULL: unset), as tdx-run --attributes. */
#define RUN(r, attrs, ...) TU_RUN_WITH(r, "TDXKIT_RUN_ATTRIBUTES", attrs, __VA_ARGS__)

static void test_all_events(void **state)
{
	struct tu_proc r = { 0 };

	/* SEPT_VE_DISABLE clear: a PENDING-page touch is a #VE too (4.1). */
	RUN(&r, "0", TDX_RUN_PATH, "--", GUEST, "all");
	tu_expect(&r, 0, r.out, "ve_basic: done\n");
	tu_expect(&r, 0, r.out, "outb: count=1 status=0x0 reason=30 qual=0x800040 gla_ok=1 gpa=0x0 len=0x2 rip_ok=1\n");
	tu_expect(&r, 0, r.out, "inb -> 0x123456ab\n");
	tu_expect(&r, 0, r.out, "inb: count=2 status=0x0 reason=30 qual=0x710048 gla_ok=1 gpa=0x0 len=0x2 rip_ok=1\n");
	tu_expect(&r, 0, r.out, "inw -> 0x1234abab\n");
	tu_expect(&r, 0, r.out, "inw: count=3 status=0x0 reason=30 qual=0x1f00009 gla_ok=1 gpa=0x0 len=0x2 rip_ok=1\n");
	tu_expect(&r, 0, r.out, "hlt: count=4 status=0x0 reason=12 qual=0x0 gla_ok=1 gpa=0x0 len=0x1 rip_ok=1\n");
	tu_expect(&r, 0, r.out, "rdmsr -> 0x123456789abcdef0\n");
	tu_expect(&r, 0, r.out, "rdmsr: count=5 status=0x0 reason=31 qual=0x0 gla_ok=1 gpa=0x0 len=0x2 rip_ok=1\n");
	tu_expect(&r, 0, r.out, "wrmsr: count=6 status=0x0 reason=32 qual=0x0 gla_ok=1 gpa=0x0 len=0x2 rip_ok=1\n");
	tu_expect(&r, 0, r.out, "pending: accept=0x0 gla_ok=1 value=0xc0ffee\n");
	tu_expect(&r, 0, r.out, "pending: count=7 status=0x0 reason=48 qual=0x182 gla_ok=1 gpa=0x300040 len=0x0");
	tu_expect(&r, 0, r.out, "mmio -> 0xd00df00d\n");
	tu_expect(&r, 0, r.out, "mmio: count=8 status=0x0 reason=48 qual=0x181 gla_ok=1 gpa=0x800000400000 len=0x0");
	assert_string_equal(r.err, "");

	/* GPAW 52 and 4 KiB SEPT: the shared bit moves, nothing else. */
	RUN(&r, "0", TDX_RUN_PATH, "--gpaw", "52", "--sept", "4k", "--", GUEST, "all");
	tu_expect(&r, 0, r.out, "mmio: count=8 status=0x0 reason=48 qual=0x181 gla_ok=1 gpa=0x8000000400000 ");
	tu_expect(&r, 0, r.out, "ve_basic: done\n");
	tu_proc_free(&r);
}

static void test_trace(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, "0", TDX_RUN_PATH, "--trace", "--", GUEST, "all");
	tu_expect(&r, 0, r.out, "ve_basic: done\n");
	tu_expect(&r, 0, r.err, "] #VE IO_INSTRUCTION qual=0x800040 gla=0x0 gpa=0x0 len=2 info=0x0\n");
	tu_expect(&r, 0, r.err, "] #VE HLT qual=0x0 gla=0x0 gpa=0x0 len=1 info=0x0\n");
	tu_expect(&r, 0, r.err, "] #VE RDMSR qual=0x0");
	tu_expect(&r, 0, r.err, "] #VE WRMSR qual=0x0");
	tu_expect(&r, 0, r.err, "] #VE EPT_VIOLATION qual=0x182 gla=0x");
	tu_expect(&r, 0, r.err, " gpa=0x800000400000 len=0");
	tu_expect(&r, 0, r.err, "TDG.VP.VEINFO.GET() = TDX_SUCCESS: rcx=0x1e rdx=0x800040 ");
	tu_expect(&r, 0, r.err, "TDG.MEM.PAGE.ACCEPT(rcx=0x300000) = TDX_SUCCESS\n");
	/* One #VE line per delivery: 8 #VEs, 8 VEINFO.GETs. */
	int ve = 0;
	for (const char *p = r.err; (p = strstr(p, "] #VE ")); p++)
		ve++;
	ASSERT_EQ(ve, 8);
	tu_proc_free(&r);
}

static void test_no_handler(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, NULL, TDX_RUN_PATH, "--", GUEST, "noreg");
	tu_expect(&r, TDX_TRAP_EXIT_INJECT, r.err,
	       "tdx-run: #VE for OUT (IO_INSTRUCTION 30, qualification 0x800040) at RIP 0x");
	tu_expect(&r, TDX_TRAP_EXIT_INJECT, r.err, ": the program registered no #VE handler\n");
	ASSERT_EQ(tu_count_lines(r.err), 1);
	assert_null(strstr(r.out, "survived"));
	tu_proc_free(&r);
}

static void test_pending_ve_disabled(void **state)
{
	struct tu_proc r = { 0 };

	/* Default ATTRIBUTES (SEPT_VE_DISABLE): the module exits to the host,
	 * which kills the TD (8.2): the access diagnostic despite the handler. */
	RUN(&r, NULL, TDX_RUN_PATH, "--", GUEST, "pending");
	tu_expect(&r, TDX_TRAP_EXIT_ACCESS, r.err,
	       "tdx-run: access to PENDING page: GPA 0x300000 (write through the private alias)");
	ASSERT_EQ(tu_count_lines(r.err), 1);
	assert_null(strstr(r.out, "survived"));

	/* SEPT_VE_DISABLE clear: the handler accepts, the store lands. */
	RUN(&r, "0", TDX_RUN_PATH, "--", GUEST, "pending");
	tu_expect(&r, 0, r.out, "survived\n");
	tu_proc_free(&r);
}

static void test_without_tdx_run(void **state)
{
	struct tu_proc r = { 0 };

	/* Not a TD: the weak symbol is absent, registering says -1. */
	RUN(&r, NULL, GUEST, "register");
	tu_expect(&r, 0, r.out, "register: -1\n");
	tu_proc_free(&r);
}

static void test_bad_attributes(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, "lots", TDX_RUN_PATH, "--", GUEST, "all");
	tu_expect(&r, TDX_TRAP_EXIT_CONFIG, r.err, "tdx-run: TDXKIT_RUN_ATTRIBUTES: 'lots' is not a number");
	tu_proc_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_events),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_no_handler),
		cmocka_unit_test(test_pending_ve_disabled),
		cmocka_unit_test(test_without_tdx_run),
		cmocka_unit_test(test_bad_attributes),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

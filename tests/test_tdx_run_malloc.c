/* test_tdx_run_malloc.c: a TDCALL while another thread holds malloc's
 * lock (the guest replaces malloc with one whose lock it holds); the
 * trap path must take no libc lock. A sanitizer build cannot replace its
 * allocator: there the guest says so (77) and this is a skip. */
#define _GNU_SOURCE
#include <sys/wait.h>

#include "testutil.h"

#define GUEST(name) TU_GUEST(name)
/* A run that must end by itself within `limit` ms (a hang fails). */
#define RUN_LIMIT(r, limit, ...) \
	tu_run_timed((const char *const[]){ __VA_ARGS__, NULL }, NULL, 0, 0, (limit), r)

static void test_tdcall_under_malloc_lock(void **state)
{
	struct tu_proc r = { 0 };

	RUN_LIMIT(&r, 30000, TDX_RUN_PATH, "--", GUEST("signals"), "malloc-lock");
	if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 77) {
		tu_proc_free(&r);
		skip();	/* a sanitizer build: its allocator cannot be replaced */
	}
	tu_expect(&r, 0, r.out, "tdcalls done under the malloc lock\n");
	/* The trace, stats and leak-check paths format lines in the handler too. */
	RUN_LIMIT(&r, 30000, TDX_RUN_PATH, "--trace", "--stats", "--leak-check", "--",
		  GUEST("signals"), "malloc-lock");
	tu_expect(&r, 0, r.out, "tdcalls done under the malloc lock\n");
	tu_expect_has(&r, r.err, "TDG.MR.VERIFYREPORT(");
	tu_proc_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tdcall_under_malloc_lock),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

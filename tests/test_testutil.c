/* test_testutil.c: the test harness itself tells the truth. A program
 * whose cases skip exits 77 and CTest shows it as "Skipped" (cmocka 1.1.5
 * alone exits 0: a pass); failures are never read as skips; the per-program
 * counts make test sums are what happened; tu_in_child survives a child
 * that writes far more than a pipe holds. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define PROBE TDXKIT_BUILD_DIR "/tests/tu_probe"

/* The probe with TU_PROBE = mode (NULL: unset) and TU_COUNTS_DIR = dir
 * (NULL: unset, so the outer make test's totals never see the probe), and
 * without this test's TU_NAME. */
static int run_probe(struct tu_proc *p, const char *mode, const char *dir)
{
	char m[64], d[512];
	const char *env[4] = { "TU_PROBE", "TU_COUNTS_DIR", "TU_NAME", NULL };	/* unset */

	if (mode) {
		snprintf(m, sizeof(m), "TU_PROBE=%s", mode);
		env[0] = m;
	}
	if (dir) {
		snprintf(d, sizeof(d), "TU_COUNTS_DIR=%s", dir);
		env[1] = d;
	}
	return tu_run((const char *const[]){ PROBE, NULL }, env, p);
}

static void test_exit_status_per_outcome(void **state)
{
	struct tu_proc p = { 0 };

	run_probe(&p, NULL, NULL);
	tu_expect_exit(&p, 0);
	run_probe(&p, "skip", NULL);
	tu_expect(&p, 77, p.err, "1 SKIPPED");	/* cmocka's own report agrees */
	run_probe(&p, "fail", NULL);
	tu_expect(&p, 1, p.err, "1 FAILED");	/* a skip next to a failure is a failure */
	tu_proc_free(&p);
}

static void expect_counts(const char *dir, const char *want)
{
	char path[600], line[128] = "";
	snprintf(path, sizeof(path), "%s/tu_probe", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	unlink(path);
	assert_string_equal(line, want);
}

static void test_counts_file(void **state)
{
	char dir[] = "/tmp/tdxkit-counts-XXXXXX";
	struct tu_proc p = { 0 };

	assert_non_null(mkdtemp(dir));
	run_probe(&p, NULL, dir);
	expect_counts(dir, "3 3 0 0\n");	/* run passed skipped failed */
	run_probe(&p, "skip", dir);
	expect_counts(dir, "3 2 1 0\n");
	run_probe(&p, "fail", dir);
	expect_counts(dir, "3 1 1 1\n");
	tu_proc_free(&p);
	rmdir(dir);
}

/* The real registration (tests/CMakeLists.txt) through the real CTest. */
static void ctest_probe(struct tu_proc *p, const char *mode)
{
	char m[64];
	snprintf(m, sizeof(m), "TU_PROBE=%s", mode);
	const char *env[] = { m, "TU_COUNTS_DIR", NULL };
	tu_run((const char *const[]){ TU_CTEST_COMMAND, "--test-dir", TDXKIT_BUILD_DIR "/tests",
				      "-R", "^tu_probe$", NULL },
	       env, p);
}

static void test_ctest_shows_a_skip(void **state)
{
	struct tu_proc p = { 0 };

	ctest_probe(&p, "skip");
	tu_expect(&p, 0, p.out, "tu_probe (Skipped)");
	tu_expect_lacks(&p, p.out, "(Failed)");
	ctest_probe(&p, "pass");
	tu_expect(&p, 0, p.out, "100% tests passed, 0 tests failed out of 1");
	tu_expect_lacks(&p, p.out, "Skipped");
	ctest_probe(&p, "fail");
	tu_expect_has(&p, p.out, "tu_probe (Failed)");
	assert_true(WIFEXITED(p.status) && WEXITSTATUS(p.status) != 0);
	tu_proc_free(&p);
}

/* 1 MiB through a 64 KiB pipe: the parent must keep reading. */
static void big_writer(void *arg)
{
	static char buf[1 << 20];
	memset(buf, 'x', sizeof(buf));
	buf[0] = 'A';
	fwrite(buf, 1, sizeof(buf), stdout);
	fputs("tail\n", stderr);
}

static void test_in_child_big_output(void **state)
{
	char out[64];
	int st = tu_in_child(big_writer, NULL, out, sizeof(out));

	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ASSERT_EQ(strlen(out), sizeof(out) - 1);	/* the first outlen - 1 bytes */
	ASSERT_EQ(out[0], 'A');
	ASSERT_EQ(out[1], 'x');
}

static void small_writer(void *arg)
{
	printf("out %s\n", (const char *)arg);
	fprintf(stderr, "err\n");
}

static void test_in_child_small_output(void **state)
{
	char out[64];
	int st = tu_in_child(small_writer, "7", out, sizeof(out));

	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* stderr is unbuffered and comes first; stdout is flushed at exit. */
	assert_string_equal(out, "err\nout 7\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_status_per_outcome),
		cmocka_unit_test(test_counts_file),
		cmocka_unit_test(test_ctest_shows_a_skip),
		cmocka_unit_test(test_in_child_big_output),
		cmocka_unit_test(test_in_child_small_output),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

/* test_isolated.c: what only the isolated engine (tdx-run --isolated, and
 * any static program) promises: nothing of tdxkit in the program's
 * address space, the module's key out of its reach, static programs with
 * threads and #VE handlers, and a clear word for programs that exec
 * nothing, trace, or die; no process left behind. (Every test_tdx_run_*
 * test also runs under this engine: their CTest twins *_isolated.) */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/isolate.h"

#define GUEST(name) TU_GUEST(name)
#define ISO(r, ...) TU_RUN(r, TDX_RUN_PATH, "--isolated", __VA_ARGS__)

static void test_nothing_of_tdxkit_mapped(void **state)
{
	struct tu_proc r = { 0 };

	ISO(&r, "--", GUEST("isolation"), "maps");
	tu_expect(&r, 0, r.out, "tdxkit mappings 0 engine isolated\n");
	/* The same program under the preload engine sees the library: the
	 * check can tell the two apart. */
	TU_RUN(&r, TDX_RUN_PATH, "--", GUEST("isolation"), "maps");
	tu_expect(&r, 0, r.out, "engine preload\n");
	tu_expect_lacks(&r, r.out, "tdxkit mappings 0 ");
	/* Static, the same. */
	ISO(&r, "--", GUEST("static_libc"), "maps");
	tu_expect(&r, 0, r.out, "tdxkit mappings 0 ld_preload unset\n");
	tu_proc_free(&r);
}

static void test_tampered_report_refused(void **state)
{
	struct tu_proc r = { 0 };
	char want[128];

	/* The MAC key lives in tdx-run only: a report the program alters no
	 * longer verifies (9.4: TDX_INVALID_REPORTMACSTRUCT). */
	ISO(&r, "--", GUEST("isolation"), "tamper");
	snprintf(want, sizeof(want), "report 0x0 verify 0x0 tampered 0x%llx\n",
		 (unsigned long long)TDX_INVALID_REPORTMACSTRUCT);
	tu_expect(&r, 0, r.out, want);
	tu_proc_free(&r);
}

static void test_static_threads_and_ve(void **state)
{
	struct tu_proc r = { 0 };

	ISO(&r, "--vcpus", "5", "--", GUEST("static_libc"), "threads");
	tu_expect(&r, 0, r.out, "vcpus distinct 4\n");
	/* A #VE handler registered with tdxkit's TDVMCALL (run.h): no dynamic
	 * linker to find an entry point with. */
	ISO(&r, "--", GUEST("static_libc"), "ve");
	tu_expect(&r, 0, r.out, "ve 100\n");
	tu_proc_free(&r);
}

static void test_program_that_traces(void **state)
{
	struct tu_proc r = { 0 };

	ISO(&r, "--", GUEST("isolation"), "ptrace");
	tu_expect(&r, TDX_ISO_EXIT_REFUSED, r.err, "called ptrace(2): under --isolated tdx-run is "
						   "its tracer");
	tu_expect_one_line(&r, r.err, "tdx-run: thread ");
	tu_expect_lacks(&r, r.out, "survived");
	tu_proc_free(&r);
}

static void test_cannot_exec(void **state)
{
	struct tu_proc r = { 0 };
	char path[] = "/tmp/tdxkit-noexec-XXXXXX";
	int fd = mkstemp(path);

	ISO(&r, "--", "/nonexistent/program");
	tu_expect(&r, 127, r.err, "cannot execute /nonexistent/program");
	tu_expect_one_line(&r, r.err, "tdx-run: ");
	/* A file that is not executable. */
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "junk", 4), 4);
	close(fd);
	chmod(path, 0644);
	ISO(&r, "--", path);
	tu_expect(&r, 126, r.err, "cannot execute");
	unlink(path);
	tu_proc_free(&r);
}

static void test_killed_by_signal(void **state)
{
	struct tu_proc r = { 0 };

	ISO(&r, "--", GUEST("isolation"), "abort");
	tu_expect(&r, 128 + SIGABRT, r.err, "the TD program was killed by signal 6 (ABRT)");
	tu_proc_free(&r);
}

/* Processes whose command line names a guest program of this build. */
static int guests_alive(const char *name)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[300], cmd[512];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "r");
		size_t k = f ? fread(cmd, 1, sizeof(cmd) - 1, f) : 0;
		if (f)
			fclose(f);
		cmd[k] = 0;
		n += strstr(cmd, name) != NULL;
	}
	if (d)
		closedir(d);
	return n;
}

static void test_nothing_left_behind(void **state)
{
	struct tu_proc r = { 0 };

	/* The forked child's TDCALL is stopped with a line; neither it nor
	 * the TD stays, stopped or running, once tdx-run is done. */
	ISO(&r, "--", GUEST("isolation"), "fork");
	tu_expect(&r, 0, r.out, "child signal 9\n");
	tu_expect_has(&r, r.err, ", forked by the TD, made a TDCALL at RIP 0x");
	ISO(&r, "--", GUEST("isolation"), "ptrace");
	/* A looping TD that tdx-run is told to end: SIGTERM goes on to it. */
	tu_run_timed((const char *const[]){ TDX_RUN_PATH, "--isolated", "--", GUEST("signals"),
					    "loop", NULL }, NULL, SIGTERM, 300, 10000, &r);
	tu_expect(&r, 128 + SIGTERM, r.err, "killed by signal 15 (TERM)");
	tu_proc_free(&r);
	ASSERT_EQ(guests_alive("guest-isolation"), 0);
	ASSERT_EQ(guests_alive("guest-signals"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_of_tdxkit_mapped),
		cmocka_unit_test(test_tampered_report_refused),
		cmocka_unit_test(test_static_threads_and_ve),
		cmocka_unit_test(test_program_that_traces),
		cmocka_unit_test(test_cannot_exec),
		cmocka_unit_test(test_killed_by_signal),
		cmocka_unit_test(test_nothing_left_behind),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

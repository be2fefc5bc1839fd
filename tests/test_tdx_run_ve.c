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

#define GUEST TDXKIT_BUILD_DIR "/tests/guest-ve_basic"

struct run {
	int status;
	char out[16384];
	char err[16384];
};

static int tmpfd(void)
{
	char path[] = "/tmp/tdxkit-ve-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

static void slurp(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t k;
	lseek(fd, 0, SEEK_SET);
	while (n + 1 < len && (k = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)k;
	buf[n] = 0;
	close(fd);
}

/* Runs argv with `attributes` (NULL: unset) as TDXKIT_RUN_ATTRIBUTES. */
static void run(struct run *r, const char *attributes, const char *const *argv)
{
	int ofd = tmpfd(), efd = tmpfd();

	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGILL, SIG_DFL);	/* cmocka's handlers are not the program's */
		signal(SIGSEGV, SIG_DFL);
		if (attributes)
			setenv("TDXKIT_RUN_ATTRIBUTES", attributes, 1);
		else
			unsetenv("TDXKIT_RUN_ATTRIBUTES");
		dup2(ofd, STDOUT_FILENO);
		dup2(efd, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(99);
	}
	assert_int_equal(waitpid(pid, &r->status, 0), pid);
	slurp(ofd, r->out, sizeof(r->out));
	slurp(efd, r->err, sizeof(r->err));
}

#define RUN(r, attrs, ...) run(r, attrs, (const char *const[]){ __VA_ARGS__, NULL })

static void expect(const struct run *r, int code, const char *text, const char *needle)
{
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != code || !strstr(text, needle)) {
		print_message("status 0x%x\n--- stdout\n%s--- stderr\n%s---\n", r->status, r->out,
			      r->err);
		fail_msg("expected exit %d and '%s'", code, needle);
	}
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_all_events(void **state)
{
	struct run r;

	/* SEPT_VE_DISABLE clear: a PENDING-page touch is a #VE too (4.1). */
	RUN(&r, "0", TDX_RUN_PATH, "--", GUEST, "all");
	expect(&r, 0, r.out, "ve_basic: done\n");
	expect(&r, 0, r.out, "outb: count=1 status=0x0 reason=30 qual=0x800040 gla_ok=1 gpa=0x0 len=0x2 rip_ok=1\n");
	expect(&r, 0, r.out, "inb -> 0x123456ab\n");
	expect(&r, 0, r.out, "inb: count=2 status=0x0 reason=30 qual=0x710048 gla_ok=1 gpa=0x0 len=0x2 rip_ok=1\n");
	expect(&r, 0, r.out, "inw -> 0x1234abab\n");
	expect(&r, 0, r.out, "inw: count=3 status=0x0 reason=30 qual=0x1f00009 gla_ok=1 gpa=0x0 len=0x2 rip_ok=1\n");
	expect(&r, 0, r.out, "hlt: count=4 status=0x0 reason=12 qual=0x0 gla_ok=1 gpa=0x0 len=0x1 rip_ok=1\n");
	expect(&r, 0, r.out, "rdmsr -> 0x123456789abcdef0\n");
	expect(&r, 0, r.out, "rdmsr: count=5 status=0x0 reason=31 qual=0x0 gla_ok=1 gpa=0x0 len=0x2 rip_ok=1\n");
	expect(&r, 0, r.out, "wrmsr: count=6 status=0x0 reason=32 qual=0x0 gla_ok=1 gpa=0x0 len=0x2 rip_ok=1\n");
	expect(&r, 0, r.out, "pending: accept=0x0 gla_ok=1 value=0xc0ffee\n");
	expect(&r, 0, r.out, "pending: count=7 status=0x0 reason=48 qual=0x182 gla_ok=1 gpa=0x300040 len=0x0");
	expect(&r, 0, r.out, "mmio -> 0xd00df00d\n");
	expect(&r, 0, r.out, "mmio: count=8 status=0x0 reason=48 qual=0x181 gla_ok=1 gpa=0x800000400000 len=0x0");
	assert_string_equal(r.err, "");

	/* GPAW 52 and 4 KiB SEPT: the shared bit moves, nothing else. */
	RUN(&r, "0", TDX_RUN_PATH, "--gpaw", "52", "--sept", "4k", "--", GUEST, "all");
	expect(&r, 0, r.out, "mmio: count=8 status=0x0 reason=48 qual=0x181 gla_ok=1 gpa=0x8000000400000 ");
	expect(&r, 0, r.out, "ve_basic: done\n");
}

static void test_trace(void **state)
{
	struct run r;

	RUN(&r, "0", TDX_RUN_PATH, "--trace", "--", GUEST, "all");
	expect(&r, 0, r.out, "ve_basic: done\n");
	expect(&r, 0, r.err, "] #VE IO_INSTRUCTION qual=0x800040 gla=0x0 gpa=0x0 len=2 info=0x0\n");
	expect(&r, 0, r.err, "] #VE HLT qual=0x0 gla=0x0 gpa=0x0 len=1 info=0x0\n");
	expect(&r, 0, r.err, "] #VE RDMSR qual=0x0");
	expect(&r, 0, r.err, "] #VE WRMSR qual=0x0");
	expect(&r, 0, r.err, "] #VE EPT_VIOLATION qual=0x182 gla=0x");
	expect(&r, 0, r.err, " gpa=0x800000400000 len=0");
	expect(&r, 0, r.err, "TDG.VP.VEINFO.GET() = TDX_SUCCESS: rcx=0x1e rdx=0x800040 ");
	expect(&r, 0, r.err, "TDG.MEM.PAGE.ACCEPT(rcx=0x300000) = TDX_SUCCESS\n");
	/* One #VE line per delivery: 8 #VEs, 8 VEINFO.GETs. */
	int ve = 0;
	for (const char *p = r.err; (p = strstr(p, "] #VE ")); p++)
		ve++;
	ASSERT_EQ(ve, 8);
}

static void test_no_handler(void **state)
{
	struct run r;

	RUN(&r, NULL, TDX_RUN_PATH, "--", GUEST, "noreg");
	expect(&r, TDX_TRAP_EXIT_INJECT, r.err,
	       "tdx-run: #VE for OUT (IO_INSTRUCTION 30, qualification 0x800040) at RIP 0x");
	expect(&r, TDX_TRAP_EXIT_INJECT, r.err, ": the program registered no #VE handler\n");
	ASSERT_EQ(count_lines(r.err), 1);
	assert_null(strstr(r.out, "survived"));
}

static void test_pending_ve_disabled(void **state)
{
	struct run r;

	/* Default ATTRIBUTES (SEPT_VE_DISABLE): the module exits to the host,
	 * which kills the TD (8.2): the access diagnostic despite the handler. */
	RUN(&r, NULL, TDX_RUN_PATH, "--", GUEST, "pending");
	expect(&r, TDX_TRAP_EXIT_ACCESS, r.err,
	       "tdx-run: access to PENDING page: GPA 0x300000 (write through the private alias)");
	ASSERT_EQ(count_lines(r.err), 1);
	assert_null(strstr(r.out, "survived"));

	/* SEPT_VE_DISABLE clear: the handler accepts, the store lands. */
	RUN(&r, "0", TDX_RUN_PATH, "--", GUEST, "pending");
	expect(&r, 0, r.out, "survived\n");
}

static void test_without_tdx_run(void **state)
{
	struct run r;

	/* Not a TD: the weak symbol is absent, registering says -1. */
	RUN(&r, NULL, GUEST, "register");
	expect(&r, 0, r.out, "register: -1\n");
}

static void test_bad_attributes(void **state)
{
	struct run r;

	RUN(&r, "lots", TDX_RUN_PATH, "--", GUEST, "all");
	expect(&r, TDX_TRAP_EXIT_CONFIG, r.err, "tdx-run: TDXKIT_RUN_ATTRIBUTES: 'lots' is not a number");
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
	return cmocka_run_group_tests(tests, NULL, NULL);
}

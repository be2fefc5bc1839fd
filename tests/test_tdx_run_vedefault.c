/* test_tdx_run_vedefault.c: the default #VE handler (tdxkit/ve.h) in programs
 * run by tdx-run (tests/guests/vedefault_basic.c, vedefault_hook.c).
 *
 * Note: tdx-run's default host (include/tdxkit/vmm.h: UART at 0x3F8, exit
 * port 0x501, an MMIO test device) is not wired into tdx-run yet; its
 * built-in host answers every TDVMCALL with SUBFUNC_UNSUPPORTED (3.3). So
 * the tests check what holds for any host (PENDING-page accept, string IO
 * declined, registration outside a TD), and for IO they accept either a
 * host that serves the UART (the bytes appear on stdout, the program goes
 * on) or one that refuses it (the handler's error path with that status). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/trap.h"

#define BASIC TDXKIT_BUILD_DIR "/tests/guest-vedefault_basic"
#define HOOK TDXKIT_BUILD_DIR "/tests/guest-vedefault_hook"

struct run {
	int status;
	char out[16384];
	char err[16384];
};

static int tmpfd(void)
{
	char path[] = "/tmp/tdxkit-vedef-XXXXXX";
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

static void dump(const struct run *r)
{
	print_message("status 0x%x\n--- stdout\n%s--- stderr\n%s---\n", r->status, r->out, r->err);
}

static void expect(const struct run *r, int code, const char *text, const char *needle)
{
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != code || !strstr(text, needle)) {
		dump(r);
		fail_msg("expected exit %d and '%s'", code, needle);
	}
}

/* A host that serves the UART, or the error path with its refusal. */
static int served(const struct run *r, const char *event)
{
	char ok[64], refused[128];
	snprintf(ok, sizeof(ok), "%s: unhandled=0 err=none status=0x0\n", event);
	/* Refused: any GHCI error (3.3): SUBFUNC_UNSUPPORTED from the built-in
	 * host, INVALID_OPERAND for an MSR or GPA a device host rejects. */
	snprintf(refused, sizeof(refused), "%s: unhandled=1 err=host refused status=0x800000000000000",
		 event);
	if (strstr(r->out, ok))
		return 1;
	if (strstr(r->out, refused))
		return 0;
	dump(r);
	fail_msg("'%s': neither served nor refused by the host", event);
	return -1;
}

static void test_pending(void **state)
{
	struct run r;

	/* SEPT_VE_DISABLE clear: the default handler accepts the page (8.2). */
	RUN(&r, "0", TDX_RUN_PATH, "--", BASIC, "pending");
	expect(&r, 0, r.out, "pending: value=0xc0ffee\n");
	assert_string_equal(r.err, "");
	RUN(&r, "0", TDX_RUN_PATH, "--sept", "4k", "--gpaw", "52", "--", BASIC, "pending");
	expect(&r, 0, r.out, "pending: value=0xc0ffee\n");

	/* And with --trace: exactly one #VE and the 4 KiB accept. */
	RUN(&r, "0", TDX_RUN_PATH, "--trace", "--", BASIC, "pending");
	expect(&r, 0, r.err, "] #VE EPT_VIOLATION qual=0x182 ");
	expect(&r, 0, r.err, "TDG.MEM.PAGE.ACCEPT(rcx=0x300000) = TDX_SUCCESS\n");

	/* SEPT_VE_DISABLE set: no #VE at all, the host kills the TD (8.2). */
	RUN(&r, NULL, TDX_RUN_PATH, "--", BASIC, "pending");
	expect(&r, TDX_TRAP_EXIT_ACCESS, r.err, "access to PENDING page: GPA 0x300040");
}

static void test_events(void **state)
{
	struct run r;

	RUN(&r, NULL, TDX_RUN_PATH, "--", HOOK);
	expect(&r, 0, r.out, "vedefault_hook: done\n");
	/* String IO is declined whatever the host (ve.h), before any TDVMCALL. */
	expect(&r, 0, r.out, "outsb: unhandled=1 err=string IO status=0x0\n");
	if (served(&r, "outb"))
		expect(&r, 0, r.out, "!");
	if (served(&r, "inb"))
		expect(&r, 0, r.out, "inb -> 0x11223344556677");	/* only AL changes */
	else
		expect(&r, 0, r.out, "inb -> 0x1122334455667788\n");	/* untouched */
	served(&r, "hlt");
	served(&r, "rdmsr");
	served(&r, "wrmsr");
	served(&r, "mmio");
	assert_string_equal(r.err, "");
}

static void test_uart(void **state)
{
	struct run r;

	RUN(&r, NULL, TDX_RUN_PATH, "--", BASIC, "uart");
	if (WIFEXITED(r.status)) {	/* a host that serves the UART */
		expect(&r, 0, r.out, "VE\nuart: survived\n");
		RUN(&r, NULL, TDX_RUN_PATH, "--", BASIC, "exit");
		expect(&r, 7, r.out, "");
		assert_null(strstr(r.out, "survived"));
		return;
	}
	/* The built-in host refuses IO: the default error path is fatal
	 * (tdx_guest_panic: ReportFatalError, then ud2). */
	if (!WIFSIGNALED(r.status) || WTERMSIG(r.status) != SIGILL) {
		dump(&r);
		fail_msg("expected death by SIGILL from the panic hook");
	}
	assert_null(strstr(r.out, "survived"));
	/* The trace shows the IO request, then the panic's ReportFatalError
	 * (R11 = 0x10003), message "#VE 30 host refused st=0x..." from R14. */
	RUN(&r, NULL, TDX_RUN_PATH, "--trace", "--", BASIC, "uart");
	if (!strstr(r.err, "] #VE IO_INSTRUCTION qual=0x3f80000 ") ||
	    !strstr(r.err, "TDG.VP.VEINFO.GET() = TDX_SUCCESS") ||
	    !strstr(r.err, "r11=0x1e, r12=0x1, r13=0x1, r14=0x3f8, r15=0x56) [Instruction.IO]") ||
	    !strstr(r.err, "r11=0x10003, r12=0x0, r13=0x0, r14=0x6820303320455623") ||
	    !strstr(r.err, "[ReportFatalError]")) {
		dump(&r);
		fail_msg("trace lacks the #VE");
	}
}

static void test_without_tdx_run(void **state)
{
	struct run r;

	RUN(&r, NULL, BASIC, "register");
	expect(&r, 0, r.out, "register: -1\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_uart),
		cmocka_unit_test(test_without_tdx_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

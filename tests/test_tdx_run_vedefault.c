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

#define BASIC TU_GUEST("vedefault_basic")
#define HOOK TU_GUEST("vedefault_hook")

/* TDXKIT_RUN_ATTRIBUTES = attrs (NULL: unset), as tdx-run --attributes. */
#define RUN(r, attrs, ...) TU_RUN_WITH(r, "TDXKIT_RUN_ATTRIBUTES", attrs, __VA_ARGS__)

/* A host that serves the UART, or the error path with its refusal. */
static int served(const struct tu_proc *r, const char *event)
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
	tu_proc_dump(r);
	fail_msg("'%s': neither served nor refused by the host", event);
	return -1;
}

static void test_pending(void **state)
{
	struct tu_proc r = { 0 };

	/* SEPT_VE_DISABLE clear: the default handler accepts the page (8.2). */
	RUN(&r, "0", TDX_RUN_PATH, "--", BASIC, "pending");
	tu_expect(&r, 0, r.out, "pending: value=0xc0ffee\n");
	assert_string_equal(r.err, "");
	RUN(&r, "0", TDX_RUN_PATH, "--sept", "4k", "--gpaw", "52", "--", BASIC, "pending");
	tu_expect(&r, 0, r.out, "pending: value=0xc0ffee\n");

	/* And with --trace: exactly one #VE and the 4 KiB accept. */
	RUN(&r, "0", TDX_RUN_PATH, "--trace", "--", BASIC, "pending");
	tu_expect(&r, 0, r.err, "] #VE EPT_VIOLATION qual=0x182 ");
	tu_expect(&r, 0, r.err, "TDG.MEM.PAGE.ACCEPT(rcx=0x300000) = TDX_SUCCESS\n");

	/* SEPT_VE_DISABLE set: no #VE at all, the host kills the TD (8.2). */
	RUN(&r, NULL, TDX_RUN_PATH, "--", BASIC, "pending");
	tu_expect(&r, TDX_TRAP_EXIT_ACCESS, r.err, "access to PENDING page: GPA 0x300040");
	tu_proc_free(&r);
}

static void test_events(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, NULL, TDX_RUN_PATH, "--", HOOK);
	tu_expect(&r, 0, r.out, "vedefault_hook: done\n");
	/* String IO is declined whatever the host (ve.h), before any TDVMCALL. */
	tu_expect(&r, 0, r.out, "outsb: unhandled=1 err=string IO status=0x0\n");
	if (served(&r, "outb"))
		tu_expect(&r, 0, r.out, "!");
	if (served(&r, "inb"))
		tu_expect(&r, 0, r.out, "inb -> 0x11223344556677");	/* only AL changes */
	else
		tu_expect(&r, 0, r.out, "inb -> 0x1122334455667788\n");	/* untouched */
	served(&r, "hlt");
	served(&r, "rdmsr");
	served(&r, "wrmsr");
	served(&r, "mmio");
	assert_string_equal(r.err, "");
	tu_proc_free(&r);
}

static void test_uart(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, NULL, TDX_RUN_PATH, "--", BASIC, "uart");
	if (WIFEXITED(r.status)) {	/* a host that serves the UART */
		tu_expect(&r, 0, r.out, "VE\nuart: survived\n");
		RUN(&r, NULL, TDX_RUN_PATH, "--", BASIC, "exit");
		tu_expect(&r, 7, r.out, "");
		assert_null(strstr(r.out, "survived"));
		tu_proc_free(&r);
		return;
	}
	/* The built-in host refuses IO: the default error path is fatal
	 * (tdx_guest_panic: ReportFatalError, then ud2). */
	if (!WIFSIGNALED(r.status) || WTERMSIG(r.status) != SIGILL) {
		tu_proc_dump(&r);
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
		tu_proc_dump(&r);
		fail_msg("trace lacks the #VE");
	}
	tu_proc_free(&r);
}

static void test_without_tdx_run(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, NULL, BASIC, "register");
	tu_expect(&r, 0, r.out, "register: -1\n");
	tu_proc_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_uart),
		cmocka_unit_test(test_without_tdx_run),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

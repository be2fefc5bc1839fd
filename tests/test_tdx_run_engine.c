/* test_tdx_run_engine.c: the trap engine as a TD program meets it under
 * tdx-run: threads as VCPUs, TDCALL from signal handlers and with the
 * malloc lock held, SIGTERM, fragmented page states at scale, the host's
 * interrupt, programs the preload engine cannot enter, gdb, and the
 * pointer-for-a-GPA hint. CPUID and the malloc lock have programs of their
 * own (test_tdx_run_cpuid.c, test_tdx_run_malloc.c): where they skip (no
 * CPUID faulting, a sanitizer's allocator) this one still counts. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/trap.h"

#define GUEST(name) TU_GUEST(name)
#define RUN(r, ...) TU_RUN(r, __VA_ARGS__)
/* A run that must end by itself within `limit` ms (a hang fails). */
#define RUN_LIMIT(r, limit, ...) \
	tu_run_timed((const char *const[]){ __VA_ARGS__, NULL }, NULL, 0, 0, (limit), r)

/* ---- threads are VCPUs ----------------------------------------------------- */

static void test_threads_distinct_vcpus(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--vcpus", "4", "--", GUEST("threads"), "info", "4");
	tu_expect(&r, 0, r.out, "vcpus 4 distinct 4 max 3 main 0\n");
	RUN(&r, TDX_RUN_PATH, "--vcpus", "64", "--", GUEST("threads"), "info", "64");
	tu_expect(&r, 0, r.out, "vcpus 64 distinct 64 max 63 main 0\n");
	tu_proc_free(&r);
}

static void test_thread_exit_frees_vcpu(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--vcpus", "2", "--", GUEST("threads"), "reuse");
	tu_expect(&r, 0, r.out, "first 1 second 1\n");
	tu_proc_free(&r);
}

static void test_ve_from_four_threads(void **state)
{
	struct tu_proc r = { 0 };

	/* Four threads, 2000 OUTs each, all at once: each VCPU has its own
	 * VE_INFO, so no #VE finds VALID still set (which would be a #DF). */
	RUN_LIMIT(&r, 60000, TDX_RUN_PATH, "--vcpus", "5", "--", GUEST("threads"), "ve", "4");
	tu_expect(&r, 0, r.out, "ve 8000\n");
	tu_expect_lacks(&r, r.err, "#DF");
	tu_proc_free(&r);
}

static void test_one_thread_too_many(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--", GUEST("threads"), "extra");
	tu_expect(&r, TDX_TRAP_EXIT_CONFIG, r.err, "made a TDCALL but all 1 VCPUs are held");
	tu_expect_has(&r, r.err, "--vcpus");
	tu_expect_one_line(&r, r.err, "tdx-run: thread ");
	tu_expect_lacks(&r, r.out, "survived");
	tu_proc_free(&r);
}

/* ---- TDCALL at any moment -------------------------------------------------- */

static void test_tdcall_in_signal_handler_through_exit(void **state)
{
	struct tu_proc r = { 0 };

	/* Twice: a deadlock or a crash here is a matter of timing. */
	for (int i = 0; i < 2; i++) {
		RUN_LIMIT(&r, 30000, TDX_RUN_PATH, "--", GUEST("signals"), "alarm-exit");
		tu_expect(&r, 0, r.out, " fail 0x0\n");
		int n = 0;
		assert_int_equal(sscanf(r.out, "extends %d", &n), 1);
		assert_true(n > 10);
	}
	tu_proc_free(&r);
}

static void test_sigterm_ends_a_looping_td(void **state)
{
	static const char *const modes[] = { "loop", "ve-loop" };
	struct tu_proc r = { 0 };

	for (int i = 0; i < 2; i++) {
		tu_run_timed((const char *const[]){ TDX_RUN_PATH, "--", GUEST("signals"), modes[i], NULL },
			     NULL, SIGTERM, 300, 10000, &r);
		tu_expect_has(&r, r.out, "looping\n");
		tu_expect_killed(&r, SIGTERM);
	}
	tu_proc_free(&r);
}

/* ---- page states at scale ---------------------------------------------------- */

static long max_map_count(void)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	long n = -1;
	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static void test_interleaved_accept_1g(void **state)
{
	static const char *const policies[] = { "4k", "2m" };
	struct tu_proc r = { 0 };

	/* Every other 4 KiB page of 1 GiB accepted, then every one touched:
	 * 131072 page-state boundaries. */
	for (int i = 0; i < 2; i++) {
		RUN_LIMIT(&r, 120000, TDX_RUN_PATH, "--windows", "fault", "--sept", policies[i], "--",
			  GUEST("interleave"));
		if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == TDX_TRAP_EXIT_CONFIG &&
		    strstr(r.err, "userfaultfd")) {
			print_message("no fault-driven windows here: %s", r.err);
			tu_proc_free(&r);
			skip();
		}
		tu_expect(&r, 0, r.out, "accepted 131072 touched 131072\n");
	}
	/* mprotect windows need a kernel mapping per boundary: past the limit
	 * the TD stops with the limit's name, never a window that lies. */
	RUN_LIMIT(&r, 120000, TDX_RUN_PATH, "--windows", "protect", "--sept", "4k", "--",
		  GUEST("interleave"));
	if (max_map_count() > 2 * 131072 + 1000) {
		tu_expect(&r, 0, r.out, "accepted 131072 touched 131072\n");
#if defined(__SANITIZE_ADDRESS__)
	} else if (strstr(r.err, "AddressSanitizer failed to allocate")) {
		/* ASan's shadow mappings count against the same limit: it may run
		 * out first and say so itself. The window never lied either way. */
		tu_expect_lacks(&r, r.err, "access to PRESENT page");
#endif
	} else {
		tu_expect(&r, TDX_TRAP_EXIT_DEAD, r.err, "(vm.max_map_count) is reached");
		tu_expect_one_line(&r, r.err, "tdx-run: cannot keep the TD memory windows in step");
		tu_expect_lacks(&r, r.err, "access to PRESENT page");
	}
	tu_proc_free(&r);
}

static void test_windows_option(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--windows", "lazy", "--", GUEST("info"));
	tu_expect(&r, 2, r.err, "--windows: window mode 'lazy' is not auto, fault or protect");
	/* Both modes give the same diagnostics for a bad access. */
	static const char *const modes[] = { "fault", "protect" };
	for (int i = 0; i < 2; i++) {
		RUN(&r, TDX_RUN_PATH, "--windows", modes[i], "--", GUEST("touch"), "pending-write");
		if (i == 0 && WIFEXITED(r.status) && WEXITSTATUS(r.status) == TDX_TRAP_EXIT_CONFIG)
			continue;	/* no userfaultfd on this kernel */
		tu_expect(&r, TDX_TRAP_EXIT_ACCESS, r.err,
			  "access to PENDING page: GPA 0x300000 (write through the private alias)");
		RUN(&r, TDX_RUN_PATH, "--windows", modes[i], "--", GUEST("touch"), "shared-alias");
		tu_expect(&r, TDX_TRAP_EXIT_ACCESS, r.err,
			  "page is private but was accessed through the shared alias");
	}
	tu_proc_free(&r);
}

/* ---- the host beside the TD -------------------------------------------------- */

static void test_notify_interrupt_per_quote(void **state)
{
	struct tu_proc r = { 0 };

	/* Three quotes, each waited for with nanosleep only: the quoting
	 * service answers on its own thread and the vector arrives on the
	 * thread (VCPU) that set it up, once per quote. */
	RUN_LIMIT(&r, 60000, TDX_RUN_PATH, "--", GUEST("irq"), "3");
	tu_expect(&r, 0, r.out, "quotes 3 irqs 3 vector 0x40 on-main 1\n");
	RUN_LIMIT(&r, 60000, TDX_RUN_PATH, "--trace", "--", GUEST("irq"), "1");
	tu_expect(&r, 0, r.err, "] interrupt vector 64 from the host: delivered to the program's handler");
	tu_proc_free(&r);
}

/* ---- programs the preload engine cannot enter ----------------------------------- */

static void test_static_programs_isolated(void **state)
{
	struct tu_proc r = { 0 };

	/* No dynamic loader to preload into: tdx-run runs them with the
	 * isolated engine by itself, and says so on the trace. A static libc
	 * program with its own TDCALL ... */
	RUN(&r, TDX_RUN_PATH, "--trace", "--", GUEST("static_libc"));
	tu_expect(&r, 0, r.out, "VP.INFO status 0x0 gpaw 48\n");
	tu_expect_has(&r, r.err, " is statically linked: the isolated engine runs it\n");
	tu_expect_has(&r, r.err, "TDG.VP.INFO() = TDX_SUCCESS");
	/* ... and -nostdlib -static code: its own _start, raw TDCALLs, output
	 * through the UART TDVMCALL, the end through the exit port. */
	RUN(&r, TDX_RUN_PATH, "--", GUEST("nostdlib"));
	tu_expect(&r, 0, r.out, "hello from a -nostdlib TD\n");
	tu_proc_free(&r);
}

static void test_setuid_program_refused(void **state)
{
	char dir[] = "/tmp/tdxkit-setuid-XXXXXX", path[256], cmd[512];
	struct tu_proc r = { 0 };

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/info", dir);
	snprintf(cmd, sizeof(cmd), "cp %s %s", GUEST("info"), path);
	assert_int_equal(system(cmd), 0);
	/* Set-user-ID to someone else: the kernel's secure mode. */
	if (chmod(dir, 0755) || chown(path, 65534, 65534) || chmod(path, 04755)) {
		int e = errno;
		unlink(path);
		rmdir(dir);
		print_message("cannot make a set-user-ID file here: %s\n", strerror(e));
		skip();
	}
	RUN(&r, TDX_RUN_PATH, "--", path);
	tu_expect(&r, 126, r.err, " is set-user-ID: the kernel runs it in secure mode");
	tu_expect_one_line(&r, r.err, "tdx-run: ");
	unlink(path);
	rmdir(dir);
	tu_proc_free(&r);
}

/* ---- debugging --------------------------------------------------------------------- */

static void test_gdb(void **state)
{
	struct tu_proc r = { 0 };
	char cmd[1024];

	const char *engine = getenv("TDXKIT_RUN_ENGINE");
	if (engine && !strcmp(engine, "isolated")) {
		/* gdb and the isolated engine would both be the tracer. */
		RUN(&r, TDX_RUN_PATH, "--gdb", "--", GUEST("info"));
		tu_expect(&r, 2, r.err, "--gdb cannot run --isolated: gdb and the isolated engine both "
					"need to be its tracer");
		tu_proc_free(&r);
		return;
	}
	if (system("gdb --version >/dev/null 2>&1")) {
		print_message("no gdb on PATH\n");
		skip();
	}
	/* A genuine fault: gdb stops at the faulting instruction. */
	snprintf(cmd, sizeof(cmd), "printf 'run\\ninfo symbol $pc\\nkill\\nquit\\n' | %s --gdb -- %s outside",
		 TDX_RUN_PATH, GUEST("touch"));
	tu_run_timed((const char *const[]){ "/bin/sh", "-c", cmd, NULL }, NULL, 0, 0, 120000, &r);
	tu_expect_has(&r, r.out, "tdx-run --gdb: SIGSEGV is not the trap engine's: stopped at the "
				 "faulting instruction");
	tu_expect_has(&r, r.out, "touch_store in section .text");
	/* The engine's own signals (the TDCALL trap, window faults) pass
	 * silently; the TD the engine stops stops gdb after its line. */
	snprintf(cmd, sizeof(cmd), "printf 'run\\nbt\\nkill\\nquit\\n' | %s --gdb -- %s shared-alias",
		 TDX_RUN_PATH, GUEST("touch"));
	tu_run_timed((const char *const[]){ "/bin/sh", "-c", cmd, NULL }, NULL, 0, 0, 120000, &r);
	tu_expect_has(&r, r.err, "page is private but was accessed through the shared alias");
	tu_expect_has(&r, r.out, "received signal SIGTRAP");
	tu_expect_has(&r, r.out, "in touch_load");
	tu_expect_lacks(&r, r.out, "is not the trap engine's");
	tu_proc_free(&r);
}

static void test_forked_child_is_not_the_td(void **state)
{
	struct tu_proc r = { 0 };

	/* Both engines: the fork's first TDCALL stops it, with one line; the
	 * TD goes on. */
	RUN(&r, TDX_RUN_PATH, "--", GUEST("isolation"), "fork");
	tu_expect(&r, 0, r.out, "child signal 9\n");
	tu_expect_has(&r, r.err, ", forked by the TD, made a TDCALL at RIP 0x");
	tu_expect_has(&r, r.err, ": a forked child is not part of the TD; stopped\n");
	tu_expect_lacks(&r, r.out, "survived");
	tu_proc_free(&r);
}

static void test_host_sees_shared_pages_only(void **state)
{
	struct tu_proc r = { 0 };

	/* GetQuote on a private buffer: the host is refused (a line naming
	 * the GPA), the guest gets INVALID_OPERAND. */
	RUN(&r, TDX_RUN_PATH, "--", GUEST("ghci_services"), "quote-private");
	tu_expect(&r, 0, r.out, "get_quote_private: 0x8000000000000000\n");
	tu_expect_has(&r, r.err, "tdx-vmm: GetQuote buffer refused: GPA 0x400000 is private: a host "
				 "reaches TD memory only through pages the TD shared");
	tu_proc_free(&r);
}

static void test_pointer_for_a_gpa(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--", GUEST("touch"), "accept-pointer");
	tu_expect(&r, TDX_TRAP_EXIT_DEAD, r.err, "is an address of the program's own memory, not a "
						 "GPA: a GPA is the offset from TDXKIT_PRIVATE_BASE");
	char ptr[32];
	assert_int_equal(sscanf(r.out, "pointer=%31s", ptr), 1);
	tu_expect_has(&r, r.err, ptr);
	tu_expect_one_line(&r, r.err, "tdx-run: ");
	tu_proc_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_distinct_vcpus),
		cmocka_unit_test(test_thread_exit_frees_vcpu),
		cmocka_unit_test(test_ve_from_four_threads),
		cmocka_unit_test(test_one_thread_too_many),
		cmocka_unit_test(test_tdcall_in_signal_handler_through_exit),
		cmocka_unit_test(test_sigterm_ends_a_looping_td),
		cmocka_unit_test(test_interleaved_accept_1g),
		cmocka_unit_test(test_windows_option),
		cmocka_unit_test(test_notify_interrupt_per_quote),
		cmocka_unit_test(test_static_programs_isolated),
		cmocka_unit_test(test_setuid_program_refused),
		cmocka_unit_test(test_gdb),
		cmocka_unit_test(test_pointer_for_a_gpa),
		cmocka_unit_test(test_forked_child_is_not_the_td),
		cmocka_unit_test(test_host_sees_shared_pages_only),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

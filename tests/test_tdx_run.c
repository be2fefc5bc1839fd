/* test_tdx_run.c: the tdx-run tool on the guest programs of tests/guests/,
 * each executing the real TDCALL instruction in its own process. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "testutil.h"
#include "tdxkit/trap.h"

#define PRELOAD_LIB TDXKIT_BUILD_DIR "/libtdxkit-preload.so"

#define GUEST(name) TU_GUEST(name)
#define RUN(r, ...) TU_RUN(r, __VA_ARGS__)
#define RUN_ENV(r, env, ...) tu_run((const char *const[]){ __VA_ARGS__, NULL }, \
				    (const char *const[]){ env, NULL }, r)

/* RTMR after one extend from zero: SHA-384(48 zero bytes || digest) (9.3). */
static void rtmr_hex(uint8_t fill, char hex[97])
{
	uint8_t buf[96], md[48];
	unsigned n = sizeof(md);
	memset(buf, 0, 48);
	memset(buf + 48, fill, 48);
	assert_int_equal(EVP_Digest(buf, sizeof(buf), md, &n, EVP_sha384(), NULL), 1);
	for (int i = 0; i < 48; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
}

static void test_attest(void **state)
{
	struct tu_proc r = { 0 };
	char want[97], line[128];

	rtmr_hex(0x11, want);
	snprintf(line, sizeof(line), "rtmr2=%s\n", want);
	RUN(&r, TDX_RUN_PATH, "--", GUEST("attest"));
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "accept: 0x0000000000000000");
	tu_expect_has(&r, r.out, "report_type=0x81");
	tu_expect_has(&r, r.out, "reportdata=tdxkit attest test");
	tu_expect_has(&r, r.out, line);
	tu_expect_has(&r, r.out, "attest: ok");
	assert_string_equal(r.err, "");

	/* Other shapes of TD: 4 KiB SEPT, GPAW 52, small memory. */
	RUN(&r, TDX_RUN_PATH, "--sept", "4k", "--gpaw", "52", "--mem", "8M", "--", GUEST("attest"));
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "gpaw=52");
	tu_expect_has(&r, r.out, line);
	tu_proc_free(&r);
}

static void test_bad_calls(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--", GUEST("badcall"));
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "unknown_leaf 0xc000010000000000\n");
	tu_expect_has(&r, r.out, "bad_version 0xc000010000000000\n");
	tu_expect_has(&r, r.out, "vmcall_bad_mask 0xc000010000000001\n");
	tu_expect_has(&r, r.out, "accept_shared 0xc000010000000001\n");
	tu_expect_has(&r, r.out, "accept_level3 0xc000010000000001\n");
	tu_expect_has(&r, r.out, "accept 0x0000000000000000\n");
	tu_expect_has(&r, r.out, "accept_again 0x00000b0a00000000\n");
	tu_expect_has(&r, r.out, "rtmr_misaligned 0xc000010000000001\n");
	tu_expect_has(&r, r.out, "rtmr_bad_index 0xc000010000000002\n");
	tu_expect_has(&r, r.out, "report_subtype 0xc000010000000008\n");
	tu_expect_has(&r, r.out, "badcall: done");
	assert_string_equal(r.err, "");
	tu_proc_free(&r);
}

/* The guest prints "rip=0x..." of the instruction about to fault. */
static void expect_access_diag(const struct tu_proc *r, const char *what)
{
	char rip[64] = "", want[96];
	const char *p = strstr(r->out, "rip=");
	assert_non_null(p);
	sscanf(p + 4, "%63s", rip);
	tu_expect_exit(r, TDX_TRAP_EXIT_ACCESS);
	tu_expect_one_line(r, r->err, "tdx-run: ");
	tu_expect_has(r, r->err, what);
	snprintf(want, sizeof(want), "at RIP %s\n", rip);
	tu_expect_has(r, r->err, want);
	assert_null(strstr(r->out, "survived"));
}

static void test_pending_page(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--", GUEST("touch"), "pending-write");
	expect_access_diag(&r, "access to PENDING page: GPA 0x300000 (write through the private alias)");
	RUN(&r, TDX_RUN_PATH, "--sept", "4k", "--", GUEST("touch"), "pending-read");
	expect_access_diag(&r, "access to PENDING page: GPA 0x300000 (read through the private alias)");
	tu_proc_free(&r);
}

static void test_wrong_alias(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--", GUEST("touch"), "shared-alias");
	expect_access_diag(&r, "page is private but was accessed through the shared alias: "
			       "GPA 0x800000100000 (read through the shared alias)");
	RUN(&r, TDX_RUN_PATH, "--gpaw", "52", "--", GUEST("touch"), "shared-alias");
	expect_access_diag(&r, "GPA 0x8000000100000 (read through the shared alias)");
	tu_proc_free(&r);
}

static void test_td_dead(void **state)
{
	struct tu_proc r = { 0 };

	/* MR.REPORT into a page never accepted: the host cannot fix that, the
	 * TD stops with the reason; the tool does not crash. */
	RUN(&r, TDX_RUN_PATH, "--", GUEST("touch"), "report-pending");
	tu_expect_exit(&r, TDX_TRAP_EXIT_DEAD);
	tu_expect_one_line(&r, r.err, "tdx-run: ");
	tu_expect_has(&r, r.err, "0x300000");
	tu_expect_has(&r, r.err, "TDG.MR.REPORT");
	tu_proc_free(&r);
}

static void test_ordinary_faults(void **state)
{
	struct tu_proc r = { 0 };

	/* Faults outside TD memory and genuine illegal instructions behave as
	 * without the engine. */
	RUN(&r, TDX_RUN_PATH, "--", GUEST("touch"), "ud2");
	tu_expect_killed(&r, SIGILL);
	RUN(&r, TDX_RUN_PATH, "--", GUEST("touch"), "outside");
	assert_null(strstr(r.err, "GPA"));
#if defined(__SANITIZE_ADDRESS__)
	/* The engine chains to ASan's handler, which reports and exits. */
	assert_true(WIFSIGNALED(r.status) || (WIFEXITED(r.status) && WEXITSTATUS(r.status) != 0 &&
					      WEXITSTATUS(r.status) != TDX_TRAP_EXIT_ACCESS));
#else
	tu_expect_killed(&r, SIGSEGV);
#endif
	tu_proc_free(&r);
}

static void test_trace(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--trace", "--", GUEST("attest"));
	tu_expect_exit(&r, 0);
	assert_int_equal(tu_count_lines_with(r.err, "[vcpu"), 4);	/* one per TDCALL */
	tu_expect_has(&r, r.err, "TDG.VP.INFO() = TDX_SUCCESS: rcx=0x30");
	tu_expect_has(&r, r.err, "TDG.MEM.PAGE.ACCEPT(rcx=0x100000) = TDX_SUCCESS");
	tu_expect_has(&r, r.err, "TDG.MR.RTMR.EXTEND(rcx=0x100000, rdx=0x2) = TDX_SUCCESS");
	tu_expect_has(&r, r.err, "TDG.MR.REPORT(rcx=0x100400, rdx=0x100080, r8=0x0) = TDX_SUCCESS");

	RUN(&r, TDX_RUN_PATH, "--trace", "--", GUEST("badcall"));
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.err, "leaf 200(rcx=0x0, rdx=0x0, r8=0x0, r9=0x0) = TDX_OPERAND_INVALID | RAX\n");
	tu_expect_has(&r, r.err, "TDG.MEM.PAGE.ACCEPT(rcx=0x100000) = TDX_PAGE_ALREADY_ACCEPTED");
	tu_expect_has(&r, r.err, "TDG.VP.INFO[rax=0x10001]() = TDX_OPERAND_INVALID | RAX\n");
	assert_int_equal(tu_count_lines_with(r.err, "[vcpu"), 11);

	/* The trace has its own descriptor: it survives the program closing
	 * stderr, and names the TDVMCALL sub-function and its GHCI status. */
	RUN(&r, TDX_RUN_PATH, "--trace", "--", GUEST("info"), "close-stderr");
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.err, "TDG.VP.VMCALL(rcx=0xfc00");
	tu_expect_has(&r, r.err, "[GetTdVmCallInfo]");

	/* No --trace, no trace. */
	RUN(&r, TDX_RUN_PATH, "--", GUEST("info"));
	tu_expect_exit(&r, 0);
	assert_string_equal(r.err, "");
	tu_proc_free(&r);
}

static void test_options_reach_the_td(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--gpaw", "52", "--vcpus", "4", "--l2-vms", "2", "--mem", "64G",
	    "--", GUEST("info"));
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "status=0x0 gpaw=52 attributes=0x10000000 num_vcpus=4 max_vcpus=4 vcpu=0");
	tu_expect_has(&r, r.out, "private_base=set shared_base=set mem_size=0x1000000000");
	tu_expect_has(&r, r.out, "ld_preload=unset");	/* the program's children are not TDs */
	/* GetTdVmCallInfo leaf 7: the default host serves the call and refuses
	 * the leaf (INVALID_OPERAND; the built-in host said SUBFUNC_UNSUPPORTED). */
	tu_expect_has(&r, r.out, "tdvmcall status=0x0 r10=0x8000000000000000 rcx=0xfc00");

	RUN(&r, TDX_RUN_PATH, "--mem=0x100000", "--", GUEST("info"));
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "mem_size=0x100000");
	tu_proc_free(&r);
}

/* TD_PARAMS values a host sets (tdx-run --xfam, --mrconfigid, --mrowner,
 * --mrownerconfig) reach TDG.VM.RD and the TDREPORT's TDINFO. */
static void test_td_params(void **state)
{
	struct tu_proc r = { 0 };
	const char *cfgid = "00112233445566778899aabbccddeeff";	/* 16 bytes, the rest 0 */
	char owner[97];
	for (int i = 0; i < 96; i++)
		owner[i] = "0123456789abcdef"[(i * 7) % 16];
	owner[96] = 0;
	char want_cfg[97];
	snprintf(want_cfg, sizeof(want_cfg), "%s%064d", cfgid, 0);

	RUN(&r, TDX_RUN_PATH, "--xfam", "3", "--mrconfigid", cfgid, "--mrowner", owner,
	    "--mrownerconfig", "0xF", "--", GUEST("tdparams"));
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "xfam=0x3\nmrconfigid=");
	tu_expect_has(&r, r.out, "report_xfam=0x3\n");
	char line[160];
	snprintf(line, sizeof(line), "\nmrconfigid=%s\n", want_cfg);
	tu_expect_has(&r, r.out, line);
	snprintf(line, sizeof(line), "report_mrconfigid=%s\n", want_cfg);
	tu_expect_has(&r, r.out, line);
	snprintf(line, sizeof(line), "\nmrowner=%s\n", owner);
	tu_expect_has(&r, r.out, line);
	snprintf(line, sizeof(line), "report_mrowner=%s\n", owner);
	tu_expect_has(&r, r.out, line);
	snprintf(line, sizeof(line), "\nmrownerconfig=f0%094d\n", 0);	/* one digit: a high nibble */
	tu_expect_has(&r, r.out, line);
	/* TDG.SYS.RDALL with the real TDCALL: 8 sequences, 168 bytes, all read
	 * (MOD md_dump_list over global_sys_fields_lookup.c). */
	tu_expect_has(&r, r.out, "rdall=0x0 next=0xffffffffffffffff header=0x800a8\n");

	/* --xfam host: this CPU's XCR0 within the module's XFAM_FIXED0. */
	RUN(&r, TDX_RUN_PATH, "--xfam", "host", "--", GUEST("tdparams"));
	tu_expect_exit(&r, 0);
	snprintf(line, sizeof(line), "xfam=0x%llx\nmrconfigid=", (unsigned long long)tdx_xfam_from_host());
	tu_expect_has(&r, r.out, line);
	tu_proc_free(&r);
}

static void test_bad_options(void **state)
{
	static const char *const bad[][4] = {
		{ "--gpaw", "50" }, { "--gpaw", "" }, { "--mem", "12345" }, { "--mem", "abc" },
		{ "--mem", "0" }, { "--mem", "-4G" }, { "--mem", "256T" }, { "--mem", "99999999999T" },
		{ "--vcpus", "0" }, { "--vcpus", "65" }, { "--vcpus", "2x" }, { "--l2-vms", "4" },
		{ "--sept", "1g" }, { "--bogus" }, { "-x" },
		/* TD_PARAMS the module refuses (tdh_mng_init.c, helpers.c): */
		{ "--attributes", "8000000" },		/* LASS: not in 1.5.01's ATTRIBUTES_FIXED0 */
		{ "--attributes", "20000001" },		/* MIGRATABLE with DEBUG */
		{ "--xfam", "1" },			/* SSE is XFAM_FIXED1 */
		{ "--xfam", "0x18" },			/* MPX: not in XFAM_FIXED0 */
		{ "--xfam", "hostx" }, { "--mrconfigid", "" }, { "--mrowner", "0g" },
		{ "--mrownerconfig", "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" },
	};
	struct tu_proc r = { 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[8] = { TDX_RUN_PATH };
		int n = 1;
		for (int k = 0; k < 4 && bad[i][k]; k++)
			argv[n++] = bad[i][k];
		argv[n++] = "--";
		argv[n++] = GUEST("info");
		tu_run(argv, NULL, &r);
		tu_expect_exit(&r, 2);
		tu_expect_one_line(&r, r.err, "tdx-run: ");
		assert_string_equal(r.out, "");
	}
	RUN(&r, TDX_RUN_PATH);	/* no program */
	tu_expect_exit(&r, 2);
	tu_expect_one_line(&r, r.err, "tdx-run: ");
	RUN(&r, TDX_RUN_PATH, "--mem");	/* no value */
	tu_expect_exit(&r, 2);
	tu_expect_one_line(&r, r.err, "tdx-run: ");
	RUN(&r, TDX_RUN_PATH, "--", "/nonexistent/program");
	tu_expect_exit(&r, 127);
	tu_expect_one_line(&r, r.err, "tdx-run: ");
	tu_proc_free(&r);
}

static void test_help(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--help");
	tu_expect_exit(&r, 0);
	static const char *const words[] = {
		"--mem SIZE", "--gpaw 48|52", "--vcpus N", "--l2-vms N", "--sept 2m|4k", "--trace",
		"TDXKIT_PRIVATE_BASE", "TDXKIT_SHARED_BASE", "TDXKIT_MEM_SIZE", "VCPU 0",
		"LD_PRELOAD", "SIGILL",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		tu_expect_has(&r, r.out, words[i]);
	tu_proc_free(&r);
}

static void test_exit_status_passes_through(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--", "/bin/sh", "-c", "exit 7");
	tu_expect_exit(&r, 7);
	/* What the program starts is not a TD: its TDCALL faults as the CPU
	 * makes it (SIGILL on AMD, SIGSEGV on Intel). */
	char want[32];
	snprintf(want, sizeof(want), "child=%d", 128 + tdx_trap_probe_signal());
	RUN(&r, TDX_RUN_PATH, "--", "/bin/sh", "-c", GUEST("info") "; echo child=$?");
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, want);
	tu_proc_free(&r);
}

static void test_without_tdx_run(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, GUEST("info"));
	tu_expect_signal(&r, tdx_trap_probe_signal());	/* the CPU's own answer to TDCALL */
	assert_string_equal(r.out, "");
	tu_proc_free(&r);
}

static void test_ld_preload_by_hand(void **state)
{
	struct tu_proc r = { 0 };

	RUN_ENV(&r, "LD_PRELOAD=" PRELOAD_LIB, GUEST("info"));
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "gpaw=48 attributes=0x10000000 num_vcpus=1");
	tu_expect_has(&r, r.out, "mem_size=0x40000000");
	tu_expect_has(&r, r.out, "ld_preload=unset");

	RUN_ENV(&r, "LD_PRELOAD=" PRELOAD_LIB, GUEST("attest"));
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "attest: ok");

	/* Bad configuration: one line and a distinct status, before main(). */
	const char *const env[] = { "LD_PRELOAD=" PRELOAD_LIB, "TDXKIT_RUN_MEM=12k3", NULL };
	tu_run((const char *const[]){ GUEST("info"), NULL }, env, &r);
	tu_expect_exit(&r, TDX_TRAP_EXIT_CONFIG);
	tu_expect_one_line(&r, r.err, "tdx-run: TDXKIT_RUN_MEM");
	assert_string_equal(r.out, "");
	tu_proc_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attest),
		cmocka_unit_test(test_bad_calls),
		cmocka_unit_test(test_pending_page),
		cmocka_unit_test(test_wrong_alias),
		cmocka_unit_test(test_td_dead),
		cmocka_unit_test(test_ordinary_faults),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_options_reach_the_td),
		cmocka_unit_test(test_td_params),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_exit_status_passes_through),
		cmocka_unit_test(test_without_tdx_run),
		cmocka_unit_test(test_ld_preload_by_hand),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

/* test_tdx_run_host.c: tdx-run's default host (tdxkit/vmm.h wired into the
 * trap engine) on the programs of tests/guests/ghci_*.c and the demo:
 * UART, exit port, ReportFatalError, --trace and --trace=json, --stats,
 * --leak-check, --hostile, MapGPA, GetQuote with --quote-key. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/quote.h"
#include "tdxkit/trap.h"
#include "tdxkit/vmm.h"

#define SERVICES TU_GUEST("ghci_services")
#define LEAK TU_GUEST("ghci_leak")
#define INFO TU_GUEST("info")
#define DEMO TDXKIT_BUILD_DIR "/example-ghci_demo"

/* The TD's ATTRIBUTES are always tdx-run's default or --attributes. */
#define RUN(r, ...) TU_RUN_WITH(r, "TDXKIT_RUN_ATTRIBUTES", NULL, __VA_ARGS__)

static int count(const char *s, const char *needle)
{
	int n = 0;
	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

static void test_uart(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--", SERVICES, "uart");
	tu_expect_exit(&r, 0);
	assert_string_equal(r.out, "hello from the UART\n");	/* on tdx-run's stdout */
	assert_string_equal(r.err, "");
	tu_proc_free(&r);
}

static void test_exit_port(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--", SERVICES, "exit", "7");
	tu_expect_exit(&r, 7);
	tu_expect_lacks(&r, r.out, "survived");
	assert_string_equal(r.err, "");
	RUN(&r, TDX_RUN_PATH, "--", SERVICES, "exit", "0");
	tu_expect_exit(&r, 0);
	tu_expect_lacks(&r, r.out, "survived");
	/* The stats still come out when the exit port ends the run. */
	RUN(&r, TDX_RUN_PATH, "--stats", "--", SERVICES, "exit", "3");
	tu_expect_exit(&r, 3);
	tu_expect_has(&r, r.err, "tdx-vmm stats\n");
	tu_proc_free(&r);
}

static void test_fatal_error(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--", SERVICES, "fatal");
	tu_expect_exit(&r, TDX_VMM_EXIT_FATAL);
	assert_string_equal(r.err, "tdx-vmm: TD fatal error 0x00001234: ghci test fatal\n");
	/* The guest library's panic path (failed TDCALL -> ReportFatalError)
	 * the same way: the #VE default handler's error path in the demo is
	 * not exercised here; see test_tdx_run_vedefault. */
	tu_proc_free(&r);
}

static void test_trace(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--trace", "--", SERVICES, "all");
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "services: done\n");
	/* A TDCALL line, then the host's decoded TDVMCALL line. */
	tu_expect_has(&r, r.err, "] TDG.VP.VMCALL(rcx=0xfc00, r10=0x0, r11=0x1e, r12=0x1, r13=0x1, "
			      "r14=0x3ff, r15=0x5a) [Instruction.IO] = TDX_SUCCESS");
	tu_expect_has(&r, r.err, "] IO(size=0x1, dir=0x1, port=0x3ff, data=0x5a) = TDVMCALL_STATUS_SUCCESS\n");
	tu_expect_has(&r, r.err, "] IO(size=0x1, dir=0x0, port=0x3ff) = TDVMCALL_STATUS_SUCCESS r11=0x5a\n");
	tu_expect_has(&r, r.err, "] CPUID(leaf=0x40000000, subleaf=0x0) = TDVMCALL_STATUS_SUCCESS");
	tu_expect_has(&r, r.err, "] RDMSR(msr=0xc0de) = TDVMCALL_STATUS_INVALID_OPERAND\n");
	tu_expect_has(&r, r.err, "] MapGPA(gpa=0x800000400000, size=0x10000) = TDVMCALL_STATUS_SUCCESS\n");
	tu_expect_has(&r, r.err, "] GetQuote(gpa=0x800000400000, size=0x10000) = TDVMCALL_STATUS_SUCCESS\n");
	/* The program registered no interrupt handler: the vector is dropped, said once. */
	tu_expect_has(&r, r.err, "] interrupt vector 64 from the host: dropped (the program "
				 "registered no interrupt handler)");
	/* Every TDVMCALL line has the RIP of its TDCALL (from the trace hook). */
	tu_expect_lacks(&r, r.err, "rip=?");
	assert_int_equal(count(r.err, "tdx-vmm: [vcpu0 rip=0x"), count(r.err, "] TDG.VP.VMCALL("));
	tu_proc_free(&r);
}

/* Every line is one JSON object: braces balance outside strings, strings
 * close, and the line has the keys we rely on. */
static void check_json_line(const struct tu_proc *r, const char *line, size_t n)
{
	static const char note[] = "{\"event\":\"note\",\"text\":\"";
	int depth = 0, in_str = 0, ok = n > 1 && line[0] == '{' && line[n - 1] == '}';

	for (size_t i = 0; ok && i < n; i++) {
		char c = line[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (depth == 0 && i > 0)
			ok = 0;	/* text after the object closed */
		else if (c == '"')
			in_str = 1;
		else if (c == '{')
			depth++;
		else if (c == '}')
			depth--;
	}
	/* Per-VCPU events name the VCPU and RIP; a note names neither. */
	ok = ok && depth == 0 && !in_str &&
	     ((memmem(line, n, "\"vcpu\":", 7) && memmem(line, n, "\"rip\":", 6)) ||
	      (n > strlen(note) && !memcmp(line, note, strlen(note))));
	if (!ok) {
		tu_proc_dump(r);
		fail_msg("not a JSON line: %.*s", (int)n, line);
	}
}

static void test_trace_json(void **state)
{
	struct tu_proc r = { 0 };
	int lines = 0, tdcalls = 0, services = 0;

	RUN(&r, TDX_RUN_PATH, "--trace=json", "--", SERVICES, "all");
	tu_expect_exit(&r, 0);
	for (char *p = r.err, *nl; *p; p = nl + 1) {
		assert_non_null(nl = strchr(p, '\n'));
		check_json_line(&r, p, (size_t)(nl - p));
		lines++;
		tdcalls += !strncmp(p, "{\"vcpu\":0,\"rip\":\"0x", 19) &&
			   memmem(p, (size_t)(nl - p), "\"leaf\":", 7) != NULL;
		services += memmem(p, (size_t)(nl - p), "\"service\":", 10) != NULL;
	}
	assert_true(lines > 30);
	assert_true(services > 20);
	assert_true(tdcalls > services);	/* TDVMCALLs and the other leaves */
	tu_expect_has(&r, r.err, "\"service\":\"IO\",\"subfn\":\"0x1e\",\"args\":{\"size\":\"0x1\","
			      "\"dir\":\"0x1\",\"port\":\"0x3ff\",\"data\":\"0x5a\"}");
	tu_expect_has(&r, r.err, "\"status\":\"TDVMCALL_STATUS_SUCCESS\"");
	tu_expect_has(&r, r.err, "\"leaf\":\"TDG.MR.REPORT\"");
	tu_expect_has(&r, r.err, "\"event\":\"interrupt\",\"vector\":64");
	tu_expect_lacks(&r, r.err, "\"rip\":null");
	/* Bad trace format: a usage error. */
	RUN(&r, TDX_RUN_PATH, "--trace=xml", "--", INFO);
	tu_expect_exit(&r, 2);
	tu_proc_free(&r);
}

static void test_stats(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--stats", "--", SERVICES, "all");
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.err, "tdx-vmm stats\n");
	tu_expect_has(&r, r.err, "TDCALL leaf");
	tu_expect_has(&r, r.err, "TDVMCALL service");
	/* counts: 2 MapGPA, 1 GetQuote, 1 SetupEventNotifyInterrupt */
	char line[256];
	const char *p = strstr(r.err, "\n  MapGPA ");
	assert_non_null(p);
	unsigned long long n, errs;
	assert_int_equal(sscanf(p + 1, "%255s %llu %llu", line, &n, &errs), 3);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(errs, 0);
	p = strstr(r.err, "\n  RDMSR ");
	assert_non_null(p);
	assert_int_equal(sscanf(p + 1, "%255s %llu %llu", line, &n, &errs), 3);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(errs, 1);	/* the unknown MSR */
	p = strstr(r.err, "\n  TDG.MR.REPORT ");
	assert_non_null(p);
	assert_int_equal(sscanf(p + 1, "%255s %llu", line, &n), 2);
	ASSERT_EQ(n, 1);
	/* Without --stats: nothing. */
	RUN(&r, TDX_RUN_PATH, "--", SERVICES, "uart");
	assert_string_equal(r.err, "");
	tu_proc_free(&r);
}

static void test_leak_check(void **state)
{
	struct tu_proc r = { 0 };
	char want[160], rip[32] = "";

	/* The guest library (and the default #VE handler in the demo) expose
	 * nothing but inputs and zeros. */
	RUN(&r, TDX_RUN_PATH, "--leak-check", "--", SERVICES, "all");
	tu_expect_exit(&r, 0);
	assert_string_equal(r.err, "");
	RUN(&r, TDX_RUN_PATH, "--leak-check", "--mem", "64M", "--", DEMO);
	tu_expect_exit(&r, 0);
	tu_expect_lacks(&r, r.err, "leak-check");

	/* A raw TDVMCALL with a secret in an output-only register. */
	RUN(&r, TDX_RUN_PATH, "--leak-check", "--", LEAK);
	tu_expect_exit(&r, 0);
	const char *p = strstr(r.out, "rip=");
	assert_non_null(p);
	sscanf(p + 4, "%31s", rip);
	snprintf(want, sizeof(want), "tdx-vmm: leak-check: GetTdVmCallInfo exposes R13 (non-zero, "
		 "not an input) [vcpu0 rip=%s]\n", rip);
	assert_string_equal(r.err, want);
	/* Not asked: not checked. */
	RUN(&r, TDX_RUN_PATH, "--", LEAK);
	assert_string_equal(r.err, "");
	tu_proc_free(&r);
}

static int crashed(const struct tu_proc *r)
{
	if (WIFSIGNALED(r->status))
		return 1;
	int st = WEXITSTATUS(r->status);
	/* 120-122: the engine stopped a bad access, an exception, a dead TD. */
	return st >= TDX_TRAP_EXIT_ACCESS && st <= TDX_TRAP_EXIT_DEAD;
}

static void test_hostile(void **state)
{
	struct tu_proc a = { 0 }, b = { 0 };
	int perturbed = 0;

	for (int seed = 1; seed <= 12; seed++) {
		char s[16];
		snprintf(s, sizeof(s), "%d", seed);
		RUN(&a, TDX_RUN_PATH, "--hostile", s, "--", SERVICES, "all");
		RUN(&b, TDX_RUN_PATH, "--hostile", s, "--", SERVICES, "all");
		if (crashed(&a) || !WIFEXITED(a.status) ||
		    (WEXITSTATUS(a.status) != 0 && WEXITSTATUS(a.status) != TDX_VMM_EXIT_FATAL)) {
			tu_proc_dump(&a);
			fail_msg("seed %d: the guest did not survive the hostile host", seed);
		}
		/* Same seed, same answers, same output. */
		if (a.status != b.status || strcmp(a.out, b.out) || strcmp(a.err, b.err)) {
			tu_proc_dump(&a);
			tu_proc_dump(&b);
			fail_msg("seed %d: two runs differ", seed);
		}
		/* No value the service does not define got through. */
		tu_expect_lacks(&a, a.out, "fits=0");
		tu_expect_has(&a, a.out, "services: done\n");
		RUN(&b, TDX_RUN_PATH, "--", SERVICES, "all");
		perturbed += strcmp(a.out, b.out) != 0;
	}
	assert_true(perturbed >= 10);	/* the host really was hostile */
	/* The demo under a hostile host: it may fail, but cleanly. */
	for (int seed = 1; seed <= 4; seed++) {
		char s[16];
		snprintf(s, sizeof(s), "%d", seed);
		RUN(&a, TDX_RUN_PATH, "--hostile", s, "--mem", "64M", "--", DEMO);
		if (WIFSIGNALED(a.status)) {
			tu_proc_dump(&a);
			fail_msg("seed %d: the demo died of a signal", seed);
		}
	}
	RUN(&a, TDX_RUN_PATH, "--hostile", "x1", "--", INFO);
	tu_expect_exit(&a, 2);
	tu_proc_free(&a);
	tu_proc_free(&b);
}

static void test_map_gpa_shared(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--", SERVICES, "shared");
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "map_gpa_shared: 0x0\nmap_gpa_shared done_to ok: 1\n");
	tu_expect_has(&r, r.out, "shared: 16 pages written and read back, 0 bad\n");
	tu_expect_has(&r, r.out, "map_gpa_private: 0x0\naccept_after_private: 0x0\n");
	tu_expect_has(&r, r.out, "private again: 0x77\n");
	/* GPAW 52 and 4 KiB SEPT: the shared bit moves. */
	RUN(&r, TDX_RUN_PATH, "--gpaw", "52", "--sept", "4k", "--", SERVICES, "shared");
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "0 bad\n");
	tu_proc_free(&r);
}

static void verify_quote(const char *quote, const char *key, int expect_ok)
{
	struct tu_proc r = { 0 };
	uint8_t buf[16384];
	char why[200];
	FILE *f = fopen(quote, "rb");

	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	struct tdx_quote_key *k = tdx_quote_key_load(key, why, sizeof(why));
	assert_non_null(k);
	assert_int_equal(tdx_quote_verify(buf, n, k, why, sizeof(why)), expect_ok ? 0 : -1);
	tdx_quote_key_free(k);
	RUN(&r, TDX_DECODE_PATH, "quote", quote, key);
	if (expect_ok) {
		tu_expect_exit(&r, 0);
		tu_expect_has(&r, r.out, "verification: OK");
	} else {
		assert_false(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	}
	tu_proc_free(&r);
}

static void test_quote_key(void **state)
{
	char dir[] = "/tmp/tdxkit-quote-XXXXXX", key[96], quote[96], other[96], priv[96];
	struct tu_proc r = { 0 };

	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(quote, sizeof(quote), "%s/quote.bin", dir);
	snprintf(other, sizeof(other), "%s/other.pem", dir);
	snprintf(priv, sizeof(priv), "%s/priv.pem", dir);

	/* A missing FILE: the fresh key's public half is saved there. */
	RUN(&r, TDX_RUN_PATH, "--quote-key", key, "--", SERVICES, "quote", quote);
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "quote_status: 0x0\nquote_len: ok\nquote: written\n");
	verify_quote(quote, key, 1);
	/* Another key does not verify it. */
	struct tdx_quote_key *k = tdx_quote_key_new();
	assert_int_equal(tdx_quote_key_save(k, other, 0), 0);
	verify_quote(quote, other, 0);
	/* An existing FILE is the private key to sign with. */
	assert_int_equal(tdx_quote_key_save(k, priv, 1), 0);
	RUN(&r, TDX_RUN_PATH, "--quote-key", priv, "--", SERVICES, "quote", quote);
	tu_expect_exit(&r, 0);
	verify_quote(quote, other, 1);
	tdx_quote_key_free(k);
	/* A public key cannot sign: the run does not start. */
	RUN(&r, TDX_RUN_PATH, "--quote-key", key, "--", SERVICES, "quote", quote);
	tu_expect_exit(&r, TDX_TRAP_EXIT_CONFIG);
	tu_expect_has(&r, r.err, "tdx-run: attestation key");
	/* The demo's own quote, as make demo checks it. */
	unlink(key);
	RUN(&r, TDX_RUN_PATH, "--mem", "64M", "--quote-key", key, "--", DEMO, quote);
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "MMIO device at GPA 0x800004000000: ID \"TDXKMMIO\", version 1");
	tu_expect_has(&r, r.out, "bye: exit port 0x501 <- 0\n");
	verify_quote(quote, key, 1);

	unlink(key);
	unlink(quote);
	unlink(other);
	unlink(priv);
	rmdir(dir);
	tu_proc_free(&r);
}

static void test_options(void **state)
{
	struct tu_proc r = { 0 };

	RUN(&r, TDX_RUN_PATH, "--attributes", "0", "--", INFO);
	tu_expect_exit(&r, 0);
	tu_expect_has(&r, r.out, "attributes=0x0 ");
	RUN(&r, TDX_RUN_PATH, "--attributes", "0x10000000", "--", INFO);
	tu_expect_has(&r, r.out, "attributes=0x10000000 ");
	RUN(&r, TDX_RUN_PATH, "--attributes", "zz", "--", INFO);
	tu_expect_exit(&r, 2);
	RUN(&r, TDX_RUN_PATH, "--help");
	tu_expect_exit(&r, 0);
	static const char *const words[] = {
		"--attributes HEX", "--trace=json", "--stats", "--leak-check", "--hostile SEED",
		"--quote-key FILE", "0x3F8", "0x501", "119", "#VE", "tdx_ve_register",
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		tu_expect_has(&r, r.out, words[i]);
	tu_proc_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uart),
		cmocka_unit_test(test_exit_port),
		cmocka_unit_test(test_fatal_error),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_trace_json),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_leak_check),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_map_gpa_shared),
		cmocka_unit_test(test_quote_key),
		cmocka_unit_test(test_options),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

/* testutil.h: shared helpers for the cmocka tests (KVM-selftests style:
 * tiny helpers, failures print both values, missing capability = skip). */
#ifndef TDXKIT_TESTUTIL_H
#define TDXKIT_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tdxkit/abi.h"
#include "tdxkit/module.h"

/* ---- running a test program ---------------------------------------------
 * cmocka 1.1.5's cmocka_run_group_tests returns the number of failures, so
 * a program whose tests skip exits 0 and CTest calls it passed. Every test
 * program's main ends in TU_RUN_GROUP instead: exit 0 when every case
 * passed, 77 (CTest's SKIP_RETURN_CODE, tests/CMakeLists.txt) when some
 * skipped and none failed, 1 when any failed. With TU_COUNTS_DIR set it
 * also writes "run passed skipped failed" to TU_COUNTS_DIR/<program>
 * (or TU_COUNTS_DIR/$TU_NAME; make test sums them: scripts/test-counts.sh). */
int tu_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
		 CMFixtureFunction setup, CMFixtureFunction teardown);
#define TU_RUN_GROUP(tests, setup, teardown) \
	tu_run_group(#tests, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

/* cmocka's own runner exits 0 when cases skip: a test that used it would
 * show a skip as a pass, so it does not compile here. */
#undef cmocka_run_group_tests
#define cmocka_run_group_tests(tests, setup, teardown) \
	((int)sizeof(struct { int use_TU_RUN_GROUP_it_reports_skips_to_CTest : -1; }))

/* skip() counted: the count is how tu_run_group tells a skip from a pass. */
void tu_skip(const char *file, int line);
#undef skip
#define skip() tu_skip(__FILE__, __LINE__)

/* cmocka's assert_int_equal prints both values in hex. */
#define ASSERT_EQ(a, b) assert_int_equal((uint64_t)(a), (uint64_t)(b))
#define ASSERT_STATUS(s, expected) assert_int_equal((uint64_t)(s), (uint64_t)(expected))

/* A TD from `cfg` (or the defaults when NULL); fails the test if refused. */
struct tdx_td *tu_td_new(const struct tdx_td_config *cfg);

/* One direct-mode TDCALL: rax = leaf, rcx.. as given; returns the outcome,
 * regs hold what the guest sees. */
enum tdx_tdcall_outcome tu_tdcall(struct tdx_td *td, struct tdx_regs *regs);

/* Shorthand for a leaf with up to four inputs (RCX, RDX, R8, R9); returns RAX. */
uint64_t tu_leaf(struct tdx_td *td, uint64_t rax, uint64_t rcx, uint64_t rdx,
		 uint64_t r8, uint64_t r9, struct tdx_regs *out);

/* Accept [gpa, gpa+len) with 4 KiB TDG.MEM.PAGE.ACCEPT calls; asserts success. */
void tu_accept(struct tdx_td *td, uint64_t gpa, uint64_t len);

/* ---- tdx_guest_panic() caught (tdxkit/guest.h) ------------------------------
 * A test that expects panics defines the hook as
 *   void tdx_guest_panic(const char *why, uint64_t leaf, uint64_t status)
 *   { tu_panic(why, leaf, status); }
 * tu_panic records the call and longjmps back into TU_EXPECT_PANIC; a panic
 * outside TU_EXPECT_PANIC prints it and aborts. */
struct tu_panic_record {
	const char *why;
	uint64_t leaf, status;
};
extern struct tu_panic_record tu_panic_seen;
extern jmp_buf tu_panic_jb;
extern volatile int tu_panic_armed;
__attribute__((noreturn)) void tu_panic(const char *why, uint64_t leaf, uint64_t status);

/* Run `stmt`, which must end in tdx_guest_panic(`leaf`, `status`). */
#define TU_EXPECT_PANIC(stmt, leaf_, status_) do {				\
		memset(&tu_panic_seen, 0, sizeof(tu_panic_seen));		\
		if (setjmp(tu_panic_jb) == 0) {					\
			tu_panic_armed = 1;					\
			stmt;							\
			tu_panic_armed = 0;					\
			fail_msg("no panic from: %s", #stmt);			\
		}								\
		assert_non_null(tu_panic_seen.why);				\
		ASSERT_EQ(tu_panic_seen.leaf, (leaf_));				\
		ASSERT_STATUS(tu_panic_seen.status, (status_));			\
	} while (0)

/* ---- running a program (the tdx-run tests) ----------------------------------
 * A program in a child process, stdout and stderr captured apart. */
#define TU_GUEST(name) TDXKIT_BUILD_DIR "/tests/guest-" name	/* tests/guests/NAME.c */

struct tu_proc {
	int status;	/* as from waitpid(): WIFEXITED(status) ... */
	char *out;	/* everything the program wrote, NUL-terminated */
	char *err;
};

/* Runs argv (NULL-terminated; argv[0] is a path) with envp_extra applied to
 * the environment ("NAME=VALUE" sets, "NAME" unsets; NULL-terminated, may
 * be NULL). The child starts with SIGILL and SIGSEGV at SIG_DFL (cmocka's
 * handlers are not the program's) and, in an ASan build, with
 * verify_asan_link_order=0 (a preloaded instrumented library comes before
 * the ASan runtime). `p` must be zeroed or from an earlier tu_run, whose
 * output is freed. Returns p->status; failures to start fail the test. */
int tu_run(const char *const argv[], const char *const envp_extra[], struct tu_proc *p);
/* tu_run with one variable set to value, or unset when value is NULL. */
int tu_run_with(struct tu_proc *p, const char *name, const char *value, const char *const argv[]);
void tu_proc_free(struct tu_proc *p);
/* tu_run, with `sig` sent to the program `after_ms` after its start (sig
 * 0: none); a program still running after `limit_ms` is killed and the
 * test fails (a hang is a failure, not a CTest timeout). */
int tu_run_timed(const char *const argv[], const char *const envp_extra[], int sig,
		 unsigned after_ms, unsigned limit_ms, struct tu_proc *p);

#define TU_RUN(p, ...) tu_run((const char *const[]){ __VA_ARGS__, NULL }, NULL, p)
#define TU_RUN_WITH(p, name, value, ...) \
	tu_run_with(p, name, value, (const char *const[]){ __VA_ARGS__, NULL })

/* Checks on a run; a failure prints the status, stdout and stderr. */
void tu_proc_dump(const struct tu_proc *p);
void tu_expect_exit(const struct tu_proc *p, int code);
/* Exit status `code` and `needle` in `text`, checked together. */
void tu_expect(const struct tu_proc *p, int code, const char *text, const char *needle);
void tu_expect_signal(const struct tu_proc *p, int sig);
/* A tdx-run whose program a signal killed: under the preload engine tdx-run
 * is the program and dies of it; under the isolated engine (the test's
 * TDXKIT_RUN_ENGINE=isolated) it says so in a line and exits 128 + sig. */
void tu_expect_killed(const struct tu_proc *p, int sig);
void tu_expect_has(const struct tu_proc *p, const char *text, const char *needle);
void tu_expect_lacks(const struct tu_proc *p, const char *text, const char *needle);
/* `text` is exactly one line, starting with `prefix`. */
void tu_expect_one_line(const struct tu_proc *p, const char *text, const char *prefix);
int tu_count_lines(const char *s);
/* Lines of s that contain needle (a trace's per-VCPU lines: "[vcpu"). */
int tu_count_lines_with(const char *s, const char *needle);

/* Runs fn(arg) in a forked child (SIGILL, SIGSEGV at SIG_DFL, as in a program
 * without cmocka; stdout flushed before the child's _exit(0)) with stdout and
 * stderr into out (NUL-terminated: the first outlen - 1 bytes; the rest is
 * read and dropped, so no amount of output can block the child); returns
 * the wait status. */
int tu_in_child(void (*fn)(void *), void *arg, char *out, size_t outlen);

/* A TDVMCALL as the host saw it: exit qualification `qual` must equal
 * `mask`, R10..R15 must be want[0..5] where exposed, and every register
 * the mask does not expose must be 0. `call` only labels the failure. */
void tu_check_exposed(unsigned call, uint64_t qual, const uint64_t seen[TDX_NR_GPRS],
		      uint64_t mask, const uint64_t want_r10_r15[6]);

#endif

/* testutil.c: see testutil.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/* ---- running a test program ------------------------------------------------ */

static unsigned tu_skipped;

void tu_skip(const char *file, int line)
{
	tu_skipped++;
	_skip(file, line);	/* longjmps out of the test */
}

int tu_run_group(const char *name, const struct CMUnitTest *tests, size_t n,
		 CMFixtureFunction setup, CMFixtureFunction teardown)
{
	int failed = _cmocka_run_group_tests(name, tests, n, setup, teardown);
	size_t skipped = tu_skipped;
	const char *dir = getenv("TU_COUNTS_DIR");

	if (failed < 0 || (size_t)failed > n)
		failed = (int)n;	/* a group fixture failed: nothing counts as passed */
	if (skipped > n - (size_t)failed)
		skipped = n - (size_t)failed;
	if (dir && *dir) {
		char path[4096];
		const char *who = getenv("TU_NAME");	/* the CTest name: one program may be two tests */
		snprintf(path, sizeof(path), "%s/%s", dir, who && *who ? who : program_invocation_short_name);
		FILE *f = fopen(path, "w");
		if (!f || fprintf(f, "%zu %zu %zu %d\n", n, n - (size_t)failed - skipped, skipped,
				  failed) < 0 || fclose(f)) {
			fprintf(stderr, "%s: cannot write the test counts to %s\n", name, path);
			return 1;
		}
	}
	if (failed)
		return 1;	/* never the count itself: 77 failures must not read as a skip */
	return skipped ? 77 : 0;
}

struct tdx_td *tu_td_new(const struct tdx_td_config *cfg)
{
	struct tdx_td_config def;
	char err[256] = "";

	if (!cfg) {
		tdx_td_config_init(&def);
		cfg = &def;
	}
	struct tdx_td *td = tdx_td_create(cfg, err, sizeof(err));
	if (!td)
		fail_msg("tdx_td_create: %s", err);
	return td;
}

enum tdx_tdcall_outcome tu_tdcall(struct tdx_td *td, struct tdx_regs *regs)
{
	struct tdx_inject inj;
	return tdx_tdcall(td, 0, regs, &inj);
}

uint64_t tu_leaf(struct tdx_td *td, uint64_t rax, uint64_t rcx, uint64_t rdx,
		 uint64_t r8, uint64_t r9, struct tdx_regs *out)
{
	struct tdx_regs r;

	memset(&r, 0, sizeof(r));
	r.rax = rax;
	r.rcx = rcx;
	r.rdx = rdx;
	r.r8 = r8;
	r.r9 = r9;
	r.rip = 0x1000;
	enum tdx_tdcall_outcome o = tu_tdcall(td, &r);
	if (o != TDX_OUTCOME_DONE)
		fail_msg("leaf 0x%llx: outcome %d, not DONE (%s)", (unsigned long long)rax, (int)o,
			 tdx_td_dead_reason(td) ? tdx_td_dead_reason(td) : "-");
	ASSERT_EQ(r.rip, 0x1000 + TDX_TDCALL_LEN);
	if (out)
		*out = r;
	return r.rax;
}

void tu_accept(struct tdx_td *td, uint64_t gpa, uint64_t len)
{
	for (uint64_t a = gpa; a < gpa + len; a += TDX_PAGE_SIZE_4K) {
		uint64_t st = tu_leaf(td, TDG_MEM_PAGE_ACCEPT, a | TDX_PAGE_4K, 0, 0, 0, NULL);
		ASSERT_STATUS(st, TDX_SUCCESS);
	}
}

/* ---- tdx_guest_panic() caught ------------------------------------------------ */

struct tu_panic_record tu_panic_seen;
jmp_buf tu_panic_jb;
volatile int tu_panic_armed;

void tu_panic(const char *why, uint64_t leaf, uint64_t status)
{
	tu_panic_seen.why = why;
	tu_panic_seen.leaf = leaf;
	tu_panic_seen.status = status;
	if (!tu_panic_armed) {
		fprintf(stderr, "unexpected tdx_guest_panic(%s, leaf %llu, status 0x%016llx)\n",
			why, (unsigned long long)leaf, (unsigned long long)status);
		abort();
	}
	tu_panic_armed = 0;
	longjmp(tu_panic_jb, 1);
}

/* ---- running a program ------------------------------------------------------ */

static int tmpfd(void)
{
	char path[] = "/tmp/tdxkit-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	return fd;
}

/* The whole file, NUL-terminated; closes fd. */
static char *slurp(int fd)
{
	struct stat st;
	size_t n = 0;
	ssize_t k;

	assert_int_equal(fstat(fd, &st), 0);
	char *buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	lseek(fd, 0, SEEK_SET);
	while (n < (size_t)st.st_size && (k = read(fd, buf + n, (size_t)st.st_size - n)) > 0)
		n += (size_t)k;
	buf[n] = 0;
	close(fd);
	return buf;
}

void tu_proc_free(struct tu_proc *p)
{
	free(p->out);
	free(p->err);
	p->out = p->err = NULL;
}

static pid_t spawn(const char *const argv[], const char *const envp_extra[], int ofd, int efd)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGILL, SIG_DFL);	/* cmocka's handlers are not the program's */
		signal(SIGSEGV, SIG_DFL);
		for (const char *const *e = envp_extra; e && *e; e++) {
			char *kv = strdup(*e), *eq = strchr(kv, '=');
			if (eq) {
				*eq = 0;
				setenv(kv, eq + 1, 1);
			} else {
				unsetenv(kv);
			}
		}
#if defined(__SANITIZE_ADDRESS__)
		/* A preloaded instrumented library comes before the ASan runtime. */
		const char *ao = getenv("ASAN_OPTIONS");
		char opts[512];
		snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0", ao ? ao : "",
			 ao && *ao ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
#endif
		dup2(ofd, STDOUT_FILENO);
		dup2(efd, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(99);
	}
	return pid;
}

int tu_run(const char *const argv[], const char *const envp_extra[], struct tu_proc *p)
{
	int ofd = tmpfd(), efd = tmpfd();

	tu_proc_free(p);
	pid_t pid = spawn(argv, envp_extra, ofd, efd);
	assert_int_equal(waitpid(pid, &p->status, 0), pid);
	p->out = slurp(ofd);
	p->err = slurp(efd);
	return p->status;
}

static unsigned ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned)((t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000);
}

int tu_run_timed(const char *const argv[], const char *const envp_extra[], int sig,
		 unsigned after_ms, unsigned limit_ms, struct tu_proc *p)
{
	int ofd = tmpfd(), efd = tmpfd(), sent = 0;
	struct timespec t0;

	tu_proc_free(p);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = spawn(argv, envp_extra, ofd, efd);
	for (;;) {
		pid_t w = waitpid(pid, &p->status, WNOHANG);
		assert_true(w >= 0);
		if (w == pid)
			break;
		unsigned ms = ms_since(&t0);
		if (sig && !sent && ms >= after_ms) {
			kill(pid, sig);
			sent = 1;
		}
		if (ms >= limit_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &p->status, 0);
			p->out = slurp(ofd);
			p->err = slurp(efd);
			tu_proc_dump(p);
			fail_msg("%s still ran after %u ms: killed", argv[0], limit_ms);
		}
		nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
	}
	p->out = slurp(ofd);
	p->err = slurp(efd);
	return p->status;
}

int tu_run_with(struct tu_proc *p, const char *name, const char *value, const char *const argv[])
{
	char kv[256];
	const char *env[] = { name, NULL };

	if (value) {
		snprintf(kv, sizeof(kv), "%s=%s", name, value);
		env[0] = kv;
	}
	return tu_run(argv, env, p);
}

void tu_proc_dump(const struct tu_proc *p)
{
	print_message("status 0x%x\n--- stdout\n%s--- stderr\n%s---\n", p->status, p->out, p->err);
}

void tu_expect_exit(const struct tu_proc *p, int code)
{
	if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != code) {
		tu_proc_dump(p);
		fail_msg("expected exit status %d", code);
	}
}

void tu_expect(const struct tu_proc *p, int code, const char *text, const char *needle)
{
	if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != code || !strstr(text, needle)) {
		tu_proc_dump(p);
		fail_msg("expected exit %d and '%s'", code, needle);
	}
}

void tu_expect_killed(const struct tu_proc *p, int sig)
{
	const char *e = getenv("TDXKIT_RUN_ENGINE");
	char line[64];

	if (!e || strcmp(e, "isolated")) {
		tu_expect_signal(p, sig);
		return;
	}
	/* tdx-run traced it: the line, then the shell's convention. */
	snprintf(line, sizeof(line), "was killed by signal %d (", sig);
	tu_expect(p, 128 + sig, p->err, line);
}

void tu_expect_signal(const struct tu_proc *p, int sig)
{
	if (!WIFSIGNALED(p->status) || WTERMSIG(p->status) != sig) {
		tu_proc_dump(p);
		fail_msg("expected death by signal %d", sig);
	}
}

void tu_expect_has(const struct tu_proc *p, const char *text, const char *needle)
{
	if (!strstr(text, needle)) {
		tu_proc_dump(p);
		fail_msg("missing: %s", needle);
	}
}

void tu_expect_lacks(const struct tu_proc *p, const char *text, const char *needle)
{
	if (strstr(text, needle)) {
		tu_proc_dump(p);
		fail_msg("unexpected: %s", needle);
	}
}

int tu_count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

int tu_count_lines_with(const char *s, const char *needle)
{
	int n = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		n += memmem(s, len, needle, strlen(needle)) != NULL;
		s += len + (nl != NULL);
	}
	return n;
}

void tu_expect_one_line(const struct tu_proc *p, const char *text, const char *prefix)
{
	if (tu_count_lines(text) != 1 || strncmp(text, prefix, strlen(prefix))) {
		tu_proc_dump(p);
		fail_msg("expected exactly one line starting with '%s'", prefix);
	}
}

int tu_in_child(void (*fn)(void *), void *arg, char *out, size_t outlen)
{
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		/* cmocka catches SIGILL/SIGSEGV to report a failed test; the
		 * child must see what a program without cmocka sees. */
		signal(SIGILL, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		dup2(pfd[1], STDERR_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		fn(arg);
		fflush(NULL);
		_exit(0);
	}
	close(pfd[1]);
	/* Read to EOF, keeping the first outlen - 1 bytes: a child blocked
	 * on a full pipe would never exit and waitpid would hang. */
	size_t n = 0;
	ssize_t k;
	char sink[4096];
	for (;;) {
		size_t room = n + 1 < outlen ? outlen - 1 - n : 0;
		k = room ? read(pfd[0], out + n, room) : read(pfd[0], sink, sizeof(sink));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (room)
			n += (size_t)k;
	}
	if (outlen)
		out[n] = 0;
	close(pfd[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

void tu_check_exposed(unsigned call, uint64_t qual, const uint64_t seen[TDX_NR_GPRS],
		      uint64_t mask, const uint64_t want_r10_r15[6])
{
	ASSERT_EQ(qual, mask);
	for (unsigned g = 0; g < TDX_NR_GPRS; g++) {
		uint64_t w = 0;
		if ((mask >> g) & 1 && g >= TDX_GPR_R10)
			w = want_r10_r15[g - TDX_GPR_R10];
		if (seen[g] != w)
			fail_msg("call %u: host saw GPR %u = 0x%llx, want 0x%llx", call, g,
				 (unsigned long long)seen[g], (unsigned long long)w);
	}
}

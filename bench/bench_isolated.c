/* bench_isolated: a trapped TDCALL (TDG.VP.INFO) as the TD program sees
 * it, timed by the program itself, under:
 *   bare      a tracer of this bench's own that only steps RIP over the
 *             TDCALL at each signal-stop (PTRACE_GETREGS, SETREGS, CONT):
 *             what any ptrace round trip costs
 *   isolated  tdx-run --isolated (the module in the tracer)
 *   preload   tdx-run (the module in the program, for comparison)
 * Goal: isolated / bare <= 1.3. Best of REPS runs each, alternating;
 * prints numbers, asserts nothing. `bench_isolated child N` is the program. */
#include "bench.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define ITERS 20000
#define REPS 5

static double child(long n)
{
	double t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		uint64_t rax = 1;	/* TDG.VP.INFO */
		__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
				 : "+a"(rax)
				 :
				 : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
	}
	return (bench_now_ns() - t0) / (double)n;
}

/* Starts argv with its stdout into a pipe (*fd the read end), stopped
 * first if `stopped` (for a tracer to seize); the pid, or -1. */
static pid_t start(char *const argv[], int stopped, int *fd)
{
	int p[2];

	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		if (stopped)
			raise(SIGSTOP);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	*fd = p[0];
	return pid;
}

/* The ns/op the program printed on fd (closed), or -1. */
static double read_ns(int fd)
{
	double ns = -1;
	FILE *f = fdopen(fd, "r");

	if (f && fscanf(f, "%lf", &ns) != 1)
		ns = -1;
	if (f)
		fclose(f);
	return ns;
}

/* tdx-run, timing the child. */
static double run_tool(char *const argv[])
{
	int fd;
	pid_t pid = start(argv, 0, &fd);

	if (pid < 0)
		return -1;
	double ns = read_ns(fd);
	waitpid(pid, NULL, 0);
	return ns;
}

/* The bare tracer: the child stops at each TDCALL's fault (SIGILL on AMD,
 * SIGSEGV on Intel); step it over. */
static double run_bare(char *const argv[])
{
	int fd, st;
	pid_t pid = start(argv, 1, &fd);

	if (pid < 0)
		return -1;
	waitpid(pid, &st, WUNTRACED);
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)PTRACE_O_EXITKILL))
		return -1;
	kill(pid, SIGCONT);
	for (;;) {
		if (waitpid(pid, &st, 0) != pid || WIFEXITED(st) || WIFSIGNALED(st))
			break;
		int sig = WSTOPSIG(st);
		if ((sig == SIGILL || sig == SIGSEGV) && (st >> 16) == 0) {
			struct user_regs_struct r;
			ptrace(PTRACE_GETREGS, pid, NULL, &r);
			r.rip += 4;
			ptrace(PTRACE_SETREGS, pid, NULL, &r);
			sig = 0;
		} else if ((st >> 16) || sig == SIGCONT || sig == SIGTRAP || sig == SIGSTOP) {
			sig = 0;
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	return read_ns(fd);
}

static double min(double a, double b)
{
	return b > 0 && (a < 0 || b < a) ? b : a;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "child")) {
		printf("%.1f\n", child(strtol(argv[2], NULL, 0)));
		return 0;
	}
	double bare = -1, iso = -1, pre = -1;
	char n[16];
	snprintf(n, sizeof(n), "%d", ITERS);
	char *const iso_argv[] = { TDX_RUN_PATH, "--isolated", "--", argv[0], "child", n, NULL };
	char *const pre_argv[] = { TDX_RUN_PATH, "--", argv[0], "child", n, NULL };
	char *const bare_argv[] = { argv[0], "child", n, NULL };
	for (int rep = 0; rep < REPS; rep++) {
		bare = min(bare, run_bare(bare_argv));
		iso = min(iso, run_tool(iso_argv));
		pre = min(pre, run_tool(pre_argv));
	}
	if (bare <= 0 || iso <= 0 || pre <= 0) {
		fprintf(stderr, "bench_isolated: a run failed (bare %.1f, isolated %.1f, preload %.1f)\n",
			bare, iso, pre);
		return 1;
	}
	printf("bare ptrace signal-stop round trip  %8.1f ns/op\n", bare);
	printf("trapped TDCALL, --isolated          %8.1f ns/op\n", iso);
	printf("trapped TDCALL, preload engine      %8.1f ns/op\n", pre);
	printf("ratio isolated/bare                 %8.3f  (goal <= 1.3)\n", iso / bare);
	printf("ratio isolated/preload              %8.3f\n", iso / pre);
	return 0;
}

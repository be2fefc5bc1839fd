/* iso_run.c: tdx_iso_run(), the isolated engine's life: the child is
 * forked, seized (ptrace) and exec'd with the program contract's variables;
 * at its exec stop it gets its windows (iso_setup.c); then every stop of
 * every thread of it comes here: faults go to iso_trap.c, new threads and
 * processes are tracked, host interrupts make the VCPU's thread stop
 * (PTRACE_INTERRUPT) for its handler, a call of ptrace (seccomp) ends the
 * run. When the program ends, so does the run, with its status. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iso_int.h"

/* Where the windows go in the child: far from where Linux puts a program,
 * its heap, its libraries (0x7f...) and its stack. */
#define WINDOW_BASE 0x200000000000ull
#define ALIGN_1G(x) (((x) + (1ull << 30) - 1) & ~((1ull << 30) - 1))

#define TRACE_OPTIONS (PTRACE_O_EXITKILL | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | \
		       PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP)

static struct iso *the_iso;	/* for the signal forwarders */

/* The child's environment: the caller's, without tdx-run's own settings,
 * with the program contract (fixed-width hex: the values are final before
 * the windows are mapped). */
static char **child_env(char *const envp[], const struct iso *s, char buf[3][64],
			char asan[1024])
{
	size_t n = 0;
	while (envp && envp[n])
		n++;
	char **env = calloc(n + 6, sizeof(*env));
	if (!env)
		return NULL;
	size_t k = 0;
	const char *ao = "";
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(envp[i], "ASAN_OPTIONS=", 13)) {
			ao = envp[i] + 13;
			continue;
		}
		if (strncmp(envp[i], "TDXKIT_RUN_", 11) && strncmp(envp[i], "TDXKIT_PRIVATE_BASE=", 20) &&
		    strncmp(envp[i], "TDXKIT_SHARED_BASE=", 19) && strncmp(envp[i], "TDXKIT_MEM_SIZE=", 16) &&
		    strncmp(envp[i], "TDXKIT_ENGINE=", 14))
			env[k++] = envp[i];
	}
	/* A program built with AddressSanitizer: its leak checker cannot work
	 * in a traced process (it says so and fails the exit), so it is off. */
	snprintf(asan, 1024, "ASAN_OPTIONS=%s%sdetect_leaks=0", ao, *ao ? ":" : "");
	env[k++] = asan;
	snprintf(buf[0], 64, "%s=0x%016llx", TDX_RUN_ENV_PRIVATE_BASE, (unsigned long long)s->priv);
	snprintf(buf[1], 64, "%s=0x%016llx", TDX_RUN_ENV_SHARED_BASE, (unsigned long long)s->shared);
	snprintf(buf[2], 64, "%s=0x%llx", TDX_RUN_ENV_MEM_SIZE, (unsigned long long)s->size);
	env[k++] = buf[0];
	env[k++] = buf[1];
	env[k++] = buf[2];
	env[k++] = TDX_RUN_ENV_ENGINE "=isolated";
	env[k] = NULL;
	return env;
}

/* The child may not trace (it is traced already, and ptrace would let it
 * reach past the engine): a seccomp filter hands every ptrace(2) to us. */
static int forbid_ptrace(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* The child: report the memfd's number, wait to be seized, exec. */
static _Noreturn void child(int memfd, int gate, int report, const char *path, char *const argv[],
			    char **env)
{
	int fd = fcntl(memfd, F_DUPFD, 100);	/* not close-on-exec: the program inherits it */
	char c;

	if (fd < 0 || write(report, &fd, sizeof(fd)) != sizeof(fd) || read(gate, &c, 1) != 1)
		_exit(127);
	if (forbid_ptrace()) {
		int e = -errno;
		if (write(report, &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	execve(path, argv, env);
	int e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(e == ENOENT ? 127 : 126);
}

static void forward(int sig)
{
	if (the_iso && the_iso->pid > 0)
		kill(the_iso->pid, sig);
}

static void wake(int sig)
{
	(void)sig;	/* only to make waitpid return EINTR */
}

/* The host's thread posted an interrupt (tdx_vcpu_post_interrupt): wake
 * the tracer, which stops the VCPU's thread for its handler. */
static void notify(void *ctx, unsigned vcpu)
{
	struct iso *s = ctx;
	if (vcpu < ISO_MAX_VCPUS)
		__atomic_fetch_or(&s->irq_vcpus, 1ull << vcpu, __ATOMIC_RELEASE);
	tgkill(getpid(), s->tracer_tid, SIGUSR2);
}

static void interrupt_vcpus(struct iso *s)
{
	uint64_t v = __atomic_exchange_n(&s->irq_vcpus, 0, __ATOMIC_ACQUIRE);
	while (v) {
		unsigned i = (unsigned)__builtin_ctzll(v);
		v &= v - 1;
		if (s->vcpu_tid[i])
			ptrace(PTRACE_INTERRUPT, s->vcpu_tid[i], NULL, NULL);
		/* A VCPU no thread holds keeps it pending for the first that will. */
	}
}

static void note(struct iso *s, const char *text)
{
	if (s->cfg.trace_fd >= 0)
		tdx_trap_trace_note(text);	/* the trace's format, JSON or not */
}

/* A process the TD forked: no TD memory in it, no TDCALL from it. */
static void outsider_stop(struct iso *s, struct iso_thread *t, int sig, const siginfo_t *si)
{
	if (!t->depth) {	/* first stop: take its copy of the windows away */
		t->depth = 1;
		iso_syscall(s, t->tid, SYS_munmap, (long)s->priv, (long)s->size, 0, 0, 0, 0);
		iso_syscall(s, t->tid, SYS_munmap, (long)s->shared, (long)s->size + 4096, 0, 0, 0, 0);
	}
	if (si) {
		struct user_regs_struct u;
		uint8_t b[TDX_TRAP_INSN_MAX];
		ptrace(PTRACE_GETREGS, t->tid, NULL, &u);
		size_t n = iso_read_some(t->tid, u.rip, b, sizeof(b));
		if (tdx_trap_classify_bytes(sig, si->si_code, -1, b, n) == TDX_TRAP_TDCALL) {
			iso_say(s, "process %d, forked by the TD, made a TDCALL at RIP 0x%llx: a forked "
				"child is not part of the TD; stopped", (int)t->tgid,
				(unsigned long long)u.rip);
			kill(t->tgid, SIGKILL);
			return;
		}
	}
	ptrace(PTRACE_CONT, t->tid, NULL, (void *)(long)(si ? sig : 0));
}

/* One stop of a tracee (a thread of the TD, or of a process it forked). */
static void stopped(struct iso *s, pid_t tid, int st)
{
	int sig = WSTOPSIG(st), event = st >> 16;
	struct iso_thread *t = iso_thread(s, tid);
	unsigned long msg = 0;

	if (!t)	/* a new tracee can report before its creator's event */
		t = iso_thread_add(s, tid, tid);
	if (!t) {
		ptrace(PTRACE_CONT, tid, NULL, NULL);
		return;
	}
	switch (event) {
	case PTRACE_EVENT_CLONE:
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
		ptrace(PTRACE_GETEVENTMSG, tid, NULL, &msg);
		struct iso_thread *n = iso_thread(s, (pid_t)msg);
		pid_t tgid = event == PTRACE_EVENT_CLONE ? t->tgid : (pid_t)msg;
		if (!n)
			n = iso_thread_add(s, (pid_t)msg, tgid);
		else	/* it reported first: now we know its process */
			n->tgid = tgid, n->outsider = tgid != s->pid;
		ptrace(PTRACE_CONT, tid, NULL, NULL);
		return;
	case PTRACE_EVENT_EXEC:
		/* The TD program replaced itself: what it runs now is no TD.
		 * It goes on untraced; its end is still the run's end. */
		if (!t->outsider) {
			note(s, "the TD program exec'd another program: it runs on outside the TD");
			for (size_t i = 0; i < s->nthreads; i++)
				if (!s->threads[i].outsider)
					ptrace(PTRACE_DETACH, s->threads[i].tid, NULL, NULL);
			return;
		}
		/* A process the TD forked now runs another program: not ours
		 * to watch (its TDCALL faults as anywhere else). */
		ptrace(PTRACE_DETACH, tid, NULL, NULL);
		iso_thread_gone(s, tid);
		return;
	case PTRACE_EVENT_SECCOMP:
		iso_say(s, "thread %d of the TD program called ptrace(2): under --isolated tdx-run is "
			"its tracer and does not let it trace; stopped (exit status %d)", (int)tid,
			TDX_ISO_EXIT_REFUSED);
		iso_end(s, TDX_ISO_EXIT_REFUSED);
		return;
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			ptrace(PTRACE_LISTEN, tid, NULL, NULL);	/* a group stop stays one */
			return;
		}
		/* A new tracee's first stop, or our PTRACE_INTERRUPT. */
		if (t->outsider) {
			outsider_stop(s, t, 0, NULL);
			return;
		}
		struct user_regs_struct u;
		if (!ptrace(PTRACE_GETREGS, tid, NULL, &u))
			iso_deliver_irqs(s, t, &u);
		ptrace(PTRACE_CONT, tid, NULL, NULL);
		return;
	default:
		break;
	}
	/* A signal for the tracee. */
	siginfo_t si;
	int have_si = ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) == 0;
	if (t->outsider) {
		outsider_stop(s, t, sig, have_si ? &si : NULL);
		return;
	}
	int deliver = sig;
	if (have_si && (sig == SIGILL || sig == SIGSEGV || sig == SIGBUS) && !s->ended)
		deliver = iso_fault(s, t, &si);
	if (deliver < 0)
		return;		/* the run ends: the TD is being killed */
	if (!deliver && t->pending_sig) {	/* one that came during our system calls */
		deliver = t->pending_sig;
		t->pending_sig = 0;
	}
	ptrace(PTRACE_CONT, tid, NULL, (void *)(long)deliver);
}

/* The program ended (its thread-group leader reaped): the run's status. */
static int program_status(struct iso *s, int st)
{
	if (s->ended)
		return s->status;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	int sig = WTERMSIG(st);
	iso_say(s, "the TD program was killed by signal %d (%s)%s", sig, sigabbrev_np(sig) ?
		sigabbrev_np(sig) : "?", WCOREDUMP(st) ? ", core dumped" : "");
	return 128 + sig;
}

static void leave_outsiders(struct iso *s)
{
	/* Processes the TD forked go on as ordinary ones, untraced. */
	for (size_t i = 0; i < s->nthreads; i++)
		if (s->threads[i].outsider) {
			pid_t tid = s->threads[i].tid;
			int st;
			if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) == 0 &&
			    waitpid(tid, &st, __WALL) == tid && WIFSTOPPED(st))
				ptrace(PTRACE_DETACH, tid, NULL, NULL);
		}
}

static int run(struct iso *s)
{
	for (;;) {
		int st;
		/* An interrupt posted while an injected call waited for its step
		 * (iso_inject.c) woke nobody: look before waiting again. */
		if (__atomic_load_n(&s->irq_vcpus, __ATOMIC_ACQUIRE))
			interrupt_vcpus(s);
		pid_t tid = waitpid(-1, &st, __WALL);
		if (tid < 0) {
			if (errno == EINTR) {
				interrupt_vcpus(s);
				continue;
			}
			return s->ended ? s->status : TDX_TRAP_EXIT_DEAD;	/* ECHILD: all gone */
		}
		if (WIFSTOPPED(st)) {
			stopped(s, tid, st);
			continue;
		}
		/* A thread or process ended. */
		if (tid == s->pid) {
			iso_thread_gone(s, tid);
			return program_status(s, st);
		}
		iso_thread_gone(s, tid);
	}
}

int tdx_iso_run(const struct tdx_iso_config *cfg, const char *path, char *const argv[],
		char *const envp[], char *err, size_t errlen)
{
	struct iso *s = calloc(1, sizeof(*s));
	char vars[3][64], asan[1024];
	int gate[2] = { -1, -1 }, report[2] = { -1, -1 }, rc = -1;

	if (!s)
		return snprintf(err, errlen, "out of memory"), -1;
	s->cfg = *cfg;
	if (!s->cfg.name)
		s->cfg.name = "tdxkit";
	s->td = cfg->td;
	s->uffd = -1;
	s->size = tdx_td_config(s->td)->mem_size;
	s->priv = WINDOW_BASE;
	s->shared = s->priv + ALIGN_1G(s->size + (2ull << 20));
	unsigned nv = tdx_td_config(s->td)->num_vcpus;
	s->vcpu_free = nv >= 64 ? ~0ull : (1ull << nv) - 1;
	s->tracer_tid = gettid();
	char **env = child_env(envp, s, vars, asan);
	if (!env || pipe2(gate, O_CLOEXEC) || pipe2(report, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot start the program: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(tdx_td_memory_fd(s->td), gate[0], report[1], path, argv, env);
	close(gate[0]);
	close(report[1]);
	gate[0] = report[1] = -1;
	s->pid = pid;
	int child_fd = -1, e = 0;
	if (read(report[0], &child_fd, sizeof(child_fd)) != sizeof(child_fd) ||
	    ptrace(PTRACE_SEIZE, pid, NULL, (void *)(long)TRACE_OPTIONS)) {
		snprintf(err, errlen, "cannot trace the program (ptrace: %s)", strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	if (write(gate[1], "g", 1) != 1) {
		snprintf(err, errlen, "cannot start the program: %s", strerror(errno));
		goto out;
	}
	close(gate[1]);
	gate[1] = -1;
	/* exec's answer: the exec event stop, or an errno then the child's end. */
	int st;
	for (;;) {
		if (waitpid(pid, &st, __WALL) != pid) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			goto out;
		}
		if (WIFSTOPPED(st) && (st >> 16) == PTRACE_EVENT_EXEC)
			break;
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (read(report[0], &e, sizeof(e)) == sizeof(e) && e > 0) {
				iso_say(s, "cannot execute %s: %s", path, strerror(e));
				rc = e == ENOENT ? 127 : 126;
			} else if (e < 0) {
				iso_say(s, "cannot confine %s (no_new_privs, seccomp): %s", path,
					strerror(-e));
				rc = 126;
			} else {
				iso_say(s, "%s ended before it started", path);
				rc = 126;
			}
			err[0] = 0;
			goto out;
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)(WIFSTOPPED(st) &&
							      (st >> 16) == 0 ? WSTOPSIG(st) : 0));
	}
	struct iso_thread *main_thread = iso_thread_add(s, pid, pid);
	if (main_thread)
		iso_thread_vcpu(s, main_thread);	/* the main thread is VCPU 0 */
	if (!main_thread || iso_setup_child(s, child_fd, err, errlen)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		goto out;
	}
	if (!s->cpuid_faulting)
		note(s, "CPUID runs natively: this CPU has no CPUID faulting, so the TD's CPUID values "
			"and CPUID #VEs are seen only through TDVMCALL<CPUID> and TDG.VM.RD");
	if (s->uffd < 0 && cfg->windows_auto)
		note(s, "TD memory windows follow page states with mprotect in the program (no "
			"userfaultfd here): a very fragmented TD can reach vm.max_map_count");
	tdx_td_set_interrupt_notify(s->td, notify, s);
	the_iso = s;
	struct sigaction sa = { .sa_handler = wake };	/* no SA_RESTART: waitpid says EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = forward;
	sa.sa_flags = SA_RESTART;
	static const int fwd[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP };
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaction(fwd[i], &sa, NULL);
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	rc = run(s);
	tdx_td_set_interrupt_notify(s->td, NULL, NULL);
	leave_outsiders(s);
	the_iso = NULL;
	if (cfg->end)
		cfg->end(cfg->end_ctx, rc);
out:
	for (int i = 0; i < 2; i++) {
		if (gate[i] >= 0)
			close(gate[i]);
		if (report[i] >= 0)
			close(report[i]);
	}
	if (s->uffd >= 0)
		close(s->uffd);
	free(s->threads);
	free(env);
	free(s);
	return rc;
}

/* iso_inject.c: system calls made on behalf of the engine by a stopped tracee,
 * and access to its memory. The call runs through a syscall instruction of
 * the child's vDSO (found at the exec stop): the thread's registers point
 * there, one single step runs it, the registers come back. Nothing of the
 * child is written but its registers, so its other threads, running on,
 * see no change. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "iso_int.h"

int iso_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
	return process_vm_readv(pid, &l, 1, &r, 1, 0) == (ssize_t)len ? 0 : -1;
}

size_t iso_read_some(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);	/* stops at the first hole */
	return n > 0 ? (size_t)n : 0;
}

int iso_write(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec l = { (void *)buf, len }, r = { (void *)(uintptr_t)addr, len };
	if (process_vm_writev(pid, &l, 1, &r, 1, 0) == (ssize_t)len)
		return 0;
	/* Read-only memory (text): ptrace's own poke may still write it. */
	for (size_t off = 0; off < len; off += sizeof(long)) {
		long word;
		size_t n = len - off < sizeof(long) ? len - off : sizeof(long);
		if (n < sizeof(long)) {
			errno = 0;
			word = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)(addr + off), NULL);
			if (errno)
				return -1;
		}
		memcpy(&word, (const char *)buf + off, n);
		if (ptrace(PTRACE_POKEDATA, pid, (void *)(uintptr_t)(addr + off), (void *)word))
			return -1;
	}
	return 0;
}

int iso_find_gadget(struct iso *s, char *err, size_t len)
{
	char path[64], line[256];
	uint64_t lo = 0, hi = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)s->pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return snprintf(err, len, "%s: %s", path, strerror(errno)), -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]")) {
			unsigned long a, b;
			if (sscanf(line, "%lx-%lx", &a, &b) == 2)
				lo = a, hi = b;
		}
	fclose(f);
	if (!lo || hi - lo > (1u << 20))
		return snprintf(err, len, "the program has no vDSO (booted with vdso=0?): the "
				"isolated engine makes its system calls through it"), -1;
	static uint8_t vdso[1 << 20];
	if (iso_read(s->pid, lo, vdso, hi - lo))
		return snprintf(err, len, "cannot read the program's vDSO: %s", strerror(errno)), -1;
	for (uint64_t i = 0; i + 1 < hi - lo; i++)
		if (vdso[i] == 0x0F && vdso[i + 1] == 0x05) {	/* syscall */
			s->gadget = lo + i;
			return 0;
		}
	return snprintf(err, len, "no syscall instruction in the program's vDSO"), -1;
}

static long inject_once(struct iso *s, pid_t tid, long nr, long a1, long a2, long a3, long a4,
			long a5, long a6);

/* A signal can interrupt an injected call with EINTR (madvise on a
 * userfaultfd range does); a call that failed so did nothing: repeat it. */
long iso_syscall(struct iso *s, pid_t tid, long nr, long a1, long a2, long a3, long a4,
		 long a5, long a6)
{
	long rc;
	int tries = 0;

	do
		rc = inject_once(s, tid, nr, a1, a2, a3, a4, a5, a6);
	while (rc == -EINTR && ++tries < 64);
	return rc;
}

static long inject_once(struct iso *s, pid_t tid, long nr, long a1, long a2, long a3, long a4,
			long a5, long a6)
{
	struct user_regs_struct saved, r;
	int st;

	if (ptrace(PTRACE_GETREGS, tid, NULL, &saved))
		return -errno;
	r = saved;
	r.rip = s->gadget;
	r.rax = (unsigned long long)nr;
	r.orig_rax = ~0ull;	/* not in a system call: nothing to restart */
	r.rdi = (unsigned long long)a1;
	r.rsi = (unsigned long long)a2;
	r.rdx = (unsigned long long)a3;
	r.r10 = (unsigned long long)a4;
	r.r8 = (unsigned long long)a5;
	r.r9 = (unsigned long long)a6;
	if (ptrace(PTRACE_SETREGS, tid, NULL, &r))
		return -errno;
	for (;;) {
		if (ptrace(PTRACE_SINGLESTEP, tid, NULL, NULL))
			return -errno;
		/* EINTR here is the tracer's own wake-up signal (an interrupt
		 * posted, iso_run.c), not the injected call's: the step is still
		 * under way, so wait on; the main loop sees the posted interrupt. */
		pid_t w;
		while ((w = waitpid(tid, &st, __WALL)) < 0 && errno == EINTR)
			;
		if (w != tid)
			return -errno;
		if (!WIFSTOPPED(st))
			return -ESRCH;	/* it died meanwhile */
		if (WSTOPSIG(st) == SIGTRAP && (st >> 16) == 0)
			break;		/* the step is done */
		/* Another signal came first: keep it for later, step again. */
		struct iso_thread *t = iso_thread(s, tid);
		if (t && WSTOPSIG(st) != SIGTRAP && !t->pending_sig)
			t->pending_sig = WSTOPSIG(st);
	}
	ptrace(PTRACE_GETREGS, tid, NULL, &r);
	ptrace(PTRACE_SETREGS, tid, NULL, &saved);
	return (long)r.rax;
}

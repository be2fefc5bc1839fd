/* iso_setup.c: the child's side of the TD, made at its exec stop, before its
 * dynamic loader (if any) runs: the two TD memory windows mapped from the
 * memfd it inherited, the page after the shared window reserved (the MMIO
 * device's GPA), fault-driven windows registered with a userfaultfd the
 * tracer then holds too (pidfd_getfd), CPUID faulting. All of it through
 * system calls the child makes (inject.c). Then the window ops: how the
 * module keeps the child's windows in step with the page states. */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iso_int.h"

static uint64_t base(const struct iso *s, int w)
{
	return w ? s->shared : s->priv;
}

/* A scratch area on the stopped thread's stack, below the red zone. */
static uint64_t scratch(pid_t tid, size_t len)
{
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, tid, NULL, &r))
		return 0;
	return (r.rsp - 128 - len - 64) & ~63ull;
}

static int child_uffd(struct iso *s, char *err, size_t len)
{
	long fd = iso_syscall(s, s->pid, SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY,
			      0, 0, 0, 0, 0);
	if (fd == -EINVAL)	/* before Linux 5.11: the privileged form only */
		fd = iso_syscall(s, s->pid, SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK, 0, 0, 0, 0, 0);
	if (fd < 0)
		return snprintf(err, len, "userfaultfd: %s", strerror((int)-fd)), -1;

	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_SIGBUS | UFFD_FEATURE_MINOR_SHMEM };
	uint64_t at = scratch(s->pid, sizeof(api));
	long rc = at && !iso_write(s->pid, at, &api, sizeof(api))
			  ? iso_syscall(s, s->pid, SYS_ioctl, fd, (long)UFFDIO_API, (long)at, 0, 0, 0)
			  : -EFAULT;
	for (int w = 0; rc == 0 && w < 2; w++) {
		struct uffdio_register reg = {
			.range = { .start = base(s, w), .len = s->size },
			.mode = UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_MINOR,
		};
		rc = iso_write(s->pid, at, &reg, sizeof(reg)) ? -EFAULT :
		     iso_syscall(s, s->pid, SYS_ioctl, fd, (long)UFFDIO_REGISTER, (long)at, 0, 0, 0);
		if (rc == 0 && !iso_read(s->pid, at, &reg, sizeof(reg)) &&
		    !(reg.ioctls & (1ull << _UFFDIO_CONTINUE)))
			rc = -ENOTSUP;
	}
	if (rc == 0) {
		/* The tracer's own handle on the child's userfaultfd. */
		int pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
		s->uffd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0);
		if (s->uffd < 0)
			rc = -errno;
		if (pidfd >= 0)
			close(pidfd);
	}
	iso_syscall(s, s->pid, SYS_close, fd, 0, 0, 0, 0, 0);
	if (rc)
		return snprintf(err, len, "userfaultfd in the program (SIGBUS and shmem minor "
				"faults, Linux 5.14+): %s", strerror((int)-rc)), -1;
	return 0;
}

static int map_window(struct iso *s, uint64_t at, int prot, int memfd, char *err, size_t len)
{
	long p = iso_syscall(s, s->pid, SYS_mmap, (long)at, (long)s->size, prot,
			     MAP_SHARED | MAP_FIXED_NOREPLACE | MAP_NORESERVE, memfd, 0);
	if (p != (long)at)
		return snprintf(err, len, "cannot map TD memory at 0x%llx in the program: %s",
				(unsigned long long)at, p < 0 ? strerror((int)-p) : "placed elsewhere"),
		       -1;
	return 0;
}

int iso_setup_child(struct iso *s, int memfd, char *err, size_t len)
{
	int fault = s->cfg.windows_fault || s->cfg.windows_auto;
	int prot = fault ? PROT_READ | PROT_WRITE : PROT_NONE;

	s->cur = s->pid;
	/* The exec stop is inside execve: registers set now would be undone
	 * by its return. One step brings the child out, to the trap at its
	 * first instruction (none of it executed yet). */
	int st;
	if (ptrace(PTRACE_SINGLESTEP, s->pid, NULL, NULL) || waitpid(s->pid, &st, __WALL) != s->pid ||
	    !WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
		return snprintf(err, len, "cannot stop the program at its first instruction"), -1;
	if (iso_find_gadget(s, err, len) ||
	    map_window(s, s->priv, prot, memfd, err, len) ||
	    map_window(s, s->shared, prot, memfd, err, len))
		return -1;
	/* The MMIO device's page right above the shared window: a touch
	 * there must fault (a #VE), not land in another mapping. */
	long p = iso_syscall(s, s->pid, SYS_mmap, (long)(s->shared + s->size), 4096, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (long)(s->shared + s->size))
		return snprintf(err, len, "cannot reserve the MMIO page in the program"), -1;
	iso_syscall(s, s->pid, SYS_close, memfd, 0, 0, 0, 0, 0);

	s->uffd = -1;
	if (fault && child_uffd(s, err, len)) {
		if (!s->cfg.windows_auto)
			return -1;
		/* No userfaultfd here: mprotect windows, starting closed. */
		for (int w = 0; w < 2; w++)
			iso_syscall(s, s->pid, SYS_mprotect, (long)base(s, w), (long)s->size, PROT_NONE,
				    0, 0, 0);
		fault = 0;
	}
	/* CPUID as a TD sees it, where the CPU can fault it; threads the
	 * program makes later inherit the setting. */
	s->cpuid_faulting = iso_syscall(s, s->pid, SYS_arch_prctl, ARCH_SET_CPUID, 0, 0, 0, 0, 0) == 0;
	if (tdx_td_set_window_ops(s->td, fault ? TDX_WINDOWS_FAULT : TDX_WINDOWS_PROTECT,
				  &iso_window_ops, s))
		return snprintf(err, len, "cannot set the program's windows to the page states"), -1;
	return 0;
}

/* ---- the module's window ops ------------------------------------------------ */

static int update(void *ctx, int w, uint64_t off, uint64_t len, int touchable)
{
	struct iso *s = ctx;
	long rc;

	if (s->uffd < 0)	/* PROTECT */
		rc = iso_syscall(s, s->cur, SYS_mprotect, (long)(base(s, w) + off), (long)len,
				 touchable ? PROT_READ | PROT_WRITE : PROT_NONE, 0, 0, 0);
	else			/* FAULT: only revocations come here */
		rc = iso_syscall(s, s->cur, SYS_madvise, (long)(base(s, w) + off), (long)len,
				 MADV_DONTNEED, 0, 0, 0);
	return rc < 0 ? (int)-rc : 0;
}

static int map(void *ctx, int w, uint64_t off, uint64_t len)
{
	struct iso *s = ctx;
	struct uffdio_continue c = { .range = { .start = base(s, w) + off, .len = len } };

	for (int tries = 0; tries < 4; tries++) {
		if (ioctl(s->uffd, UFFDIO_CONTINUE, &c) == 0)
			return 0;
		if (errno == EEXIST) {
			if (len == 4096)
				return 0;	/* mapped already */
			for (uint64_t o = 0; o < len; o += 4096) {
				int e = map(ctx, w, off + o, 4096);
				if (e)
					return e;
			}
			return 0;
		}
		if (errno != EAGAIN && errno != EINTR)
			return errno;	/* EFAULT: holes; the module allocates them */
		c.mapped = 0;
	}
	return errno;
}

const struct tdx_window_ops iso_window_ops = { .update = update, .map = map };

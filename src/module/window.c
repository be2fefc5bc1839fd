/* window.c: the guest windows in step with the page states (mem.h).
 *
 * PROTECT mode: a page is RW in a window exactly while the guest may touch
 * it there, PROT_NONE otherwise. Simple and exact, also for the kernel's
 * own accesses (a read(2) into a PENDING page fails with EFAULT), but
 * every boundary between the two is a VMA split, and the kernel allows a
 * process vm.max_map_count of them: every other 4 KiB page of a 1 GiB TD
 * accepted needs 262144.
 *
 * FAULT mode: both windows are RW memfd mappings registered with a
 * userfaultfd for missing and minor faults with UFFD_FEATURE_SIGBUS. A page
 * table entry exists only for pages the guest touched while allowed to:
 * any other touch raises SIGBUS, the trap engine asks
 * tdx_td_window_fault(), which maps the page (UFFDIO_CONTINUE) if its state
 * allows it, and a state change that takes access away unmaps it
 * (MADV_DONTNEED; hole punching unmaps too). One VMA per window, whatever
 * the states. The userfaultfd is opened with UFFD_USER_MODE_ONLY (what an
 * unprivileged process may use since Linux 5.11): the kernel's own
 * accesses to a window are not checked. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "td.h"
#include "window.h"

#define PAGE TDX_PAGE_SIZE_4K
#define PAGES_PER_2M 512u
/* FAULT mode maps this much of a PRESENT 2 MiB leaf per fault: fewer
 * faults for sequential use, little memory for sparse use. */
#define FAULT_AROUND (16 * PAGE)

static uint8_t *base_of(struct tdx_mem *m, enum tdx_window w)
{
	return w == TDX_WINDOW_PRIVATE ? m->priv : m->shared;
}

static void window_failed(struct tdx_mem *m, const char *call, int err)
{
	int none = 0;
	/* The first failure is the one to report; later ones follow from it. */
	if (atomic_compare_exchange_strong(&m->win_errno, &none, err ? err : EIO))
		m->win_call = call;
}

void tdx_window_update(struct tdx_mem *m, enum tdx_window w, uint64_t off, uint64_t len,
		       int touchable)
{
	uint8_t *p = base_of(m, w) + off;

	if (m->ops) {
		if (m->mode == TDX_WINDOWS_PROTECT || !touchable) {
			int e = m->ops->update(m->ops_ctx, (int)w, off, len, touchable);
			if (e)
				window_failed(m, m->mode == TDX_WINDOWS_PROTECT ? "mprotect" :
						 "madvise(MADV_DONTNEED)", e);
		}
		return;
	}

	if (m->mode == TDX_WINDOWS_PROTECT) {
		if (mprotect(p, len, touchable ? PROT_READ | PROT_WRITE : PROT_NONE))
			window_failed(m, "mprotect", errno);
		return;
	}
	if (!touchable && madvise(p, len, MADV_DONTNEED))
		window_failed(m, "madvise(MADV_DONTNEED)", errno);
}

/* ---- the state each window shows ------------------------------------------ */

static int touchable(const struct tdx_mem *m, enum tdx_window w, uint64_t page)
{
	if (w == TDX_WINDOW_SHARED)
		return tdx_mem_is_shared(m, page);
	return tdx_mem_state(m, page * PAGE, NULL) == TDX_SEPT_PRESENT;
}

/* PROTECT mode from scratch: all PROT_NONE, then one mprotect per run of
 * touchable pages (whole 2 MiB regions are skipped or taken at once). */
static int set_prot(struct tdx_mem *m, enum tdx_window w, uint64_t off, uint64_t len, int rw)
{
	if (m->ops) {
		int e = m->ops->update(m->ops_ctx, (int)w, off, len, rw);
		return e ? (errno = e, -1) : 0;
	}
	return mprotect(base_of(m, w) + off, len, rw ? PROT_READ | PROT_WRITE : PROT_NONE);
}

static int protect_all(struct tdx_mem *m, enum tdx_window w)
{
	uint64_t pages = m->size / PAGE;

	if (set_prot(m, w, 0, m->size, 0))
		return -1;
	for (uint64_t p = 0; p < pages;) {
		uint64_t r = p / PAGES_PER_2M;
		enum tdx_region k = w == TDX_WINDOW_PRIVATE ? tdx_mem_region(m, r) : TDX_REGION_SPLIT;
		if (k == TDX_REGION_FREE || k == TDX_REGION_PENDING) {
			p = (r + 1) * PAGES_PER_2M;
			continue;
		}
		if (!touchable(m, w, p)) {
			p++;
			continue;
		}
		uint64_t q = p + 1;
		while (q < pages && touchable(m, w, q))
			q++;
		if (set_prot(m, w, p * PAGE, (q - p) * PAGE, 1))
			return -1;
		p = q;
	}
	return 0;
}

static int uffd_open(char *err, size_t len)
{
	/* User-mode faults only: allowed without privilege (Linux 5.11+);
	 * older kernels know only the privileged form. */
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (fd < 0 && errno == EINVAL)
		fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, len, "userfaultfd: %s", strerror(errno));
		return -1;
	}
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_SIGBUS | UFFD_FEATURE_MINOR_SHMEM };
	if (ioctl(fd, UFFDIO_API, &api)) {
		snprintf(err, len, "userfaultfd: SIGBUS and shmem minor faults (Linux 5.14+): %s",
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int uffd_register(int fd, void *p, uint64_t size, char *err, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = size },
		.mode = UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_MINOR,
	};
	if (ioctl(fd, UFFDIO_REGISTER, &reg)) {
		snprintf(err, len, "UFFDIO_REGISTER: %s", strerror(errno));
		return -1;
	}
	if (!(reg.ioctls & (1ull << _UFFDIO_CONTINUE))) {
		snprintf(err, len, "UFFDIO_REGISTER: no UFFDIO_CONTINUE for the windows");
		return -1;
	}
	return 0;
}

static void uffd_close(struct tdx_mem *m)
{
	if (m->uffd < 0)
		return;
	struct uffdio_range r = { .start = (uintptr_t)m->priv, .len = m->size };
	ioctl(m->uffd, UFFDIO_UNREGISTER, &r);
	r.start = (uintptr_t)m->shared;
	ioctl(m->uffd, UFFDIO_UNREGISTER, &r);
	close(m->uffd);
	m->uffd = -1;
}

static int to_fault_mode(struct tdx_mem *m, char *err, size_t len)
{
	int fd = uffd_open(err, len);

	if (fd < 0)
		return -1;
	/* One RW VMA per window, then no page table entry at all: the next
	 * touch of any page faults and is decided by its state. */
	for (int w = 0; w < 2; w++) {
		uint8_t *b = base_of(m, (enum tdx_window)w);
		if (mprotect(b, m->size, PROT_READ | PROT_WRITE) ||
		    madvise(b, m->size, MADV_DONTNEED)) {
			snprintf(err, len, "%s: %s", w ? "shared window" : "private window",
				 strerror(errno));
			goto undo;
		}
		if (uffd_register(fd, b, m->size, err, len))
			goto undo;
	}
	m->uffd = fd;
	m->mode = TDX_WINDOWS_FAULT;
	return 0;
undo:
	m->uffd = fd;
	uffd_close(m);
	m->mode = TDX_WINDOWS_PROTECT;
	protect_all(m, TDX_WINDOW_PRIVATE);
	protect_all(m, TDX_WINDOW_SHARED);
	return -1;
}

int tdx_mem_set_mode(struct tdx_mem *m, enum tdx_window_mode mode, char *err, size_t len)
{
	if (mode == m->mode)
		return 0;
	if (mode == TDX_WINDOWS_FAULT)
		return to_fault_mode(m, err, len);
	if (mode != TDX_WINDOWS_PROTECT)
		return snprintf(err, len, "unknown window mode %d", (int)mode), -1;
	uffd_close(m);
	m->mode = TDX_WINDOWS_PROTECT;
	if (protect_all(m, TDX_WINDOW_PRIVATE) || protect_all(m, TDX_WINDOW_SHARED)) {
		window_failed(m, "mprotect", errno);
		return snprintf(err, len, "mprotect: %s", strerror(errno)), -1;
	}
	return 0;
}

void tdx_window_fini(struct tdx_mem *m)
{
	uffd_close(m);
}

/* ---- FAULT mode: a touch of a page with no page table entry ---------------- */

/* Map [off, off+len) of window w: pages the memfd does not hold yet (a
 * hole: never written, or zeroed by a hole punch) are allocated first,
 * as the fault would have. EEXIST: another thread mapped some already. */
static int map_pages(struct tdx_mem *m, enum tdx_window w, uint64_t off, uint64_t len)
{
	if (m->ops) {
		int e = m->ops->map(m->ops_ctx, (int)w, off, len);
		if (e == EFAULT) {	/* holes in the memfd: allocate them, as here */
			if (fallocate(m->fd, 0, (off_t)off, (off_t)len))
				e = errno;
			else
				e = m->ops->map(m->ops_ctx, (int)w, off, len);
		}
		if (e)
			window_failed(m, "UFFDIO_CONTINUE", e);
		return e ? -1 : 0;
	}
	struct uffdio_continue c = {
		.range = { .start = (uintptr_t)(base_of(m, w) + off), .len = len },
	};

	for (int tries = 0; tries < 4; tries++) {
		if (ioctl(m->uffd, UFFDIO_CONTINUE, &c) == 0)
			return 0;
		if (errno == EEXIST) {
			if (len == PAGE)
				return 0;
			/* Some are mapped: page by page, skipping those. */
			for (uint64_t o = 0; o < len; o += PAGE)
				if (map_pages(m, w, off + o, PAGE))
					return -1;
			return 0;
		}
		if (errno == EFAULT && fallocate(m->fd, 0, (off_t)off, (off_t)len)) {
			window_failed(m, "fallocate", errno);
			return -1;
		}
		if (errno != EFAULT && errno != EAGAIN && errno != EINTR)
			break;
		c.mapped = 0;
	}
	window_failed(m, "UFFDIO_CONTINUE", errno);
	return -1;
}

enum tdx_window_fault_result tdx_td_window_fault(struct tdx_td *td, const void *addr)
{
	struct tdx_mem *m = &td->mem;
	uintptr_t a = (uintptr_t)addr;
	enum tdx_window w;
	uint64_t off;

	if (m->ops)
		return TDX_WINDOW_OUTSIDE;	/* the windows are not in this process */
	if (m->priv && a - (uintptr_t)m->priv < m->size)
		w = TDX_WINDOW_PRIVATE, off = a - (uintptr_t)m->priv;
	else if (m->shared && a - (uintptr_t)m->shared < m->size)
		w = TDX_WINDOW_SHARED, off = a - (uintptr_t)m->shared;
	else
		return TDX_WINDOW_OUTSIDE;
	return tdx_td_window_fault_at(td, (int)w, off);
}

enum tdx_window_fault_result tdx_td_window_fault_at(struct tdx_td *td, int wi, uint64_t off)
{
	struct tdx_mem *m = &td->mem;
	enum tdx_window w = wi ? TDX_WINDOW_SHARED : TDX_WINDOW_PRIVATE;

	if (off >= m->size)
		return TDX_WINDOW_OUTSIDE;
	if (tdx_td_check_windows(td))
		return TDX_WINDOW_BROKEN;
	if (m->mode != TDX_WINDOWS_FAULT)
		return TDX_WINDOW_DENIED;	/* PROTECT: a fault means no access */

	uint64_t page = off / PAGE, r = page / PAGES_PER_2M;
	enum tdx_window_fault_result res = TDX_WINDOW_DENIED;

	/* Access is taken away only under the region's write lock (host
	 * operations), so what we see stays true while we map. */
	tdx_sept_read(m, r);
	if (touchable(m, w, page)) {
		uint64_t start = off & ~(PAGE - 1), len = PAGE;
		if (w == TDX_WINDOW_PRIVATE && tdx_mem_region(m, r) == TDX_REGION_PRESENT) {
			start = off & ~(uint64_t)(FAULT_AROUND - 1);	/* stays in the 2 MiB leaf */
			len = FAULT_AROUND;
			if (start + len > m->size)
				len = m->size - start;
		}
		res = map_pages(m, w, start, len) ? TDX_WINDOW_BROKEN : TDX_WINDOW_MAPPED;
	}
	tdx_sept_unread(m, r);
	if (res == TDX_WINDOW_BROKEN)
		tdx_td_check_windows(td);
	return res;
}

/* ---- reporting ---------------------------------------------------------- */

static long max_map_count(void)
{
	char buf[32];
	int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

int tdx_window_check(const struct tdx_mem *m, char *why, size_t len)
{
	int e = atomic_load(&m->win_errno);

	if (!e)
		return 0;
	if (e == ENOMEM && m->mode == TDX_WINDOWS_PROTECT)
		/* mprotect's ENOMEM on mapped memory is the VMA limit. */
		snprintf(why, len, "cannot keep the TD memory windows in step with the page states: "
			 "%s: the kernel's limit of %ld mappings per process (vm.max_map_count) "
			 "is reached (use fault-driven windows, tdx-run --windows fault, or "
			 "raise the limit)", m->win_call, max_map_count());
	else
		snprintf(why, len, "cannot keep the TD memory windows in step with the page states: "
			 "%s: %s", m->win_call, strerrordesc_np(e));	/* no locale: signal-safe */
	return -1;
}

int tdx_td_set_window_ops(struct tdx_td *td, enum tdx_window_mode mode,
			  const struct tdx_window_ops *ops, void *ctx)
{
	struct tdx_mem *m = &td->mem;

	if (m->mode == TDX_WINDOWS_FAULT && !m->ops)
		uffd_close(m);	/* our own windows are no longer the ones in use */
	m->ops = ops;
	m->ops_ctx = ctx;
	m->mode = mode;
	if (!ops || mode == TDX_WINDOWS_FAULT)
		return 0;	/* fault-driven windows start with nothing mapped */
	/* PROTECT: the other process's windows take every page's access now. */
	if (protect_all(m, TDX_WINDOW_PRIVATE) || protect_all(m, TDX_WINDOW_SHARED))
		return -1;
	return 0;
}

int tdx_td_set_window_mode(struct tdx_td *td, enum tdx_window_mode mode, char *err, size_t len)
{
	char dummy[1];
	if (!err)
		err = dummy, len = sizeof(dummy);
	return tdx_mem_set_mode(&td->mem, mode, err, len);
}

enum tdx_window_mode tdx_td_window_mode(const struct tdx_td *td)
{
	return td->mem.mode;
}

/* mem.c: TD memory (one sparse memfd, three mappings), the SEPT state
 * arrays and their locks (mem.h). The windows' two modes are in window.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "td.h"
#include "window.h"

#define PAGES_PER_2M 512u

/* sept2m[] codes. 0 must be the host's initial mapping (issue: a 64 GiB
 * TD touches no state page at creation), resolved per policy on read. */
enum { R_INIT = 0, R_FREE_C, R_PENDING_C, R_PRESENT_C, R_SPLIT_C };
/* sept4k[] codes; 0 = initial 4 KiB PENDING leaf. */
enum { P_PENDING_C = 0, P_FREE_C, P_PRESENT_C };

/* States are bytes read by other threads without a lock (queries,
 * diagnostics): relaxed atomic accesses, so there is no data race. */
#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

static void *map_state(uint64_t bytes)
{
	/* Anonymous NORESERVE: pages materialise only when written. */
	void *p = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void *map_file(int fd, uint64_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_SHARED | MAP_NORESERVE, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* The shared window plus one reserved PROT_NONE page after it: the first
 * GPA above TD memory (the default host's MMIO device, vmm.h) then faults
 * there instead of landing in the next mapping (the private window). */
static void *map_shared_window(int fd, uint64_t size)
{
	uint8_t *p = mmap(NULL, size + TDX_PAGE_SIZE_4K, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mmap(p, size, PROT_NONE, MAP_SHARED | MAP_NORESERVE | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(p, size + TDX_PAGE_SIZE_4K);
		return NULL;
	}
	return p;
}

static void unmap(void *p, uint64_t bytes)
{
	if (p)
		munmap(p, bytes ? bytes : 1);
}

static uint64_t nr_regions(uint64_t size)
{
	return (size + TDX_PAGE_SIZE_2M - 1) / TDX_PAGE_SIZE_2M;
}

static uint64_t opened_bytes(const struct tdx_mem *m)
{
	return (m->size / TDX_PAGE_SIZE_4K + 63) / 64 * sizeof(uint64_t);
}

/* lo above hi: either end can then move on its own, atomically. */
#define NOTHING_OPEN ((struct tdx_mem_range){ UINT64_MAX, 0 })

int tdx_mem_init(struct tdx_mem *m, uint64_t size, uint64_t shared_bit,
		 enum tdx_sept_policy policy, char *err, size_t errlen)
{
	uint64_t pages = size / TDX_PAGE_SIZE_4K, regions = nr_regions(size);

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->uffd = -1;
	m->size = size;
	m->shared_bit = shared_bit;
	m->policy = policy;
	m->mode = TDX_WINDOWS_PROTECT;
	m->fd = memfd_create("td-memory", MFD_CLOEXEC);	/* what /proc/PID/maps shows */
	if (m->fd < 0) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return -1;
	}
	/* ftruncate leaves the file sparse: no memory until a page is touched. */
	if (ftruncate(m->fd, (off_t)size)) {
		snprintf(err, errlen, "ftruncate(0x%llx): %s", (unsigned long long)size,
			 strerror(errno));
		goto fail;
	}
	m->host = map_file(m->fd, size, PROT_READ | PROT_WRITE);
	m->priv = map_file(m->fd, size, PROT_NONE);
	m->shared = map_shared_window(m->fd, size);
	m->sept2m = map_state(regions);
	m->sept4k = map_state(pages);
	m->accept_ctr = map_state(regions * sizeof(uint16_t));
	m->shared_map = map_state(pages);
	m->lock2m = map_state(regions * sizeof(uint32_t));
	m->lock4k = map_state(pages);
	m->opened_map = map_state(opened_bytes(m));
	m->open_priv = m->open_shared = NOTHING_OPEN;
	if (!m->host || !m->priv || !m->shared || !m->sept2m || !m->sept4k ||
	    !m->accept_ctr || !m->shared_map || !m->lock2m || !m->lock4k || !m->opened_map) {
		snprintf(err, errlen, "cannot map 3 x 0x%llx bytes of TD memory: %s",
			 (unsigned long long)size, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	tdx_mem_fini(m);
	return -1;
}

void tdx_mem_fini(struct tdx_mem *m)
{
	uint64_t pages = m->size / TDX_PAGE_SIZE_4K, regions = nr_regions(m->size);

	tdx_window_fini(m);
	unmap(m->host, m->size);
	unmap(m->priv, m->size);
	unmap(m->shared, m->shared ? m->size + TDX_PAGE_SIZE_4K : 0);
	unmap(m->sept2m, regions);
	unmap(m->sept4k, pages);
	unmap(m->accept_ctr, regions * sizeof(uint16_t));
	unmap(m->shared_map, pages);
	unmap((void *)m->lock2m, regions * sizeof(uint32_t));
	unmap((void *)m->lock4k, pages);
	unmap(m->opened_map, opened_bytes(m));
	if (m->fd >= 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->uffd = -1;
}

void tdx_td_windows(const struct tdx_td *td, struct tdx_mem_windows *w)
{
	w->private_base = td->mem.priv;
	w->shared_base = td->mem.shared;
	w->size = td->mem.size;
}

int tdx_td_memory_fd(const struct tdx_td *td)
{
	return td->mem.fd;
}

void *tdx_mem_gpa_ptr(struct tdx_td *td, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa & ~td->shared_bit;

	if (off >= td->mem.size || len > td->mem.size - off)
		return NULL;
	return td->mem.host + off;
}

void *tdx_td_gpa_ptr(struct tdx_td *td, uint64_t gpa, uint64_t len)
{
	void *p = tdx_mem_gpa_ptr(td, gpa, len);

	if (p)
		td->mem.host_out = 1;	/* its holder may write any page from now on */
	return p;
}

void *tdx_td_host_ptr(struct tdx_td *td, uint64_t gpa, uint64_t len, char *why, size_t whylen)
{
	uint64_t off = gpa & ~td->shared_bit;
	uint8_t *p = tdx_td_gpa_ptr(td, gpa, len);

	if (!p) {
		if (why)
			snprintf(why, whylen, "GPA 0x%llx (+0x%llx) is outside TD memory",
				 (unsigned long long)gpa, (unsigned long long)len);
		return NULL;
	}
	for (uint64_t a = off & ~(TDX_PAGE_SIZE_4K - 1); a < off + len; a += TDX_PAGE_SIZE_4K)
		if (!tdx_mem_is_shared(&td->mem, a / TDX_PAGE_SIZE_4K)) {
			if (why)
				snprintf(why, whylen, "GPA 0x%llx is %s: a host reaches TD memory only "
					 "through pages the TD shared", (unsigned long long)a,
					 tdx_mem_state(&td->mem, a, NULL) == TDX_SEPT_PRESENT ? "private"
											   : "not shared");
			return NULL;
		}
	return p;
}

int tdx_gpa_valid(const struct tdx_td *td, uint64_t gpa)
{
	/* 8.1: nothing at or above 2^GPAW (bits 51:48 clear for GPAW 48). */
	return gpa < (td->shared_bit << 1);
}

/* ---- locks --------------------------------------------------------------- */

#define WRITER 0x80000000u

int tdx_sept_tryread(struct tdx_mem *m, uint64_t r)
{
	if (atomic_fetch_add_explicit(&m->lock2m[r], 1, memory_order_acquire) & WRITER) {
		atomic_fetch_sub_explicit(&m->lock2m[r], 1, memory_order_relaxed);
		return 0;
	}
	return 1;
}

void tdx_sept_read(struct tdx_mem *m, uint64_t r)
{
	while (!tdx_sept_tryread(m, r))
		__builtin_ia32_pause();
}

void tdx_sept_unread(struct tdx_mem *m, uint64_t r)
{
	atomic_fetch_sub_explicit(&m->lock2m[r], 1, memory_order_release);
}

int tdx_sept_trywrite(struct tdx_mem *m, uint64_t r)
{
	uint32_t free_word = 0;
	return atomic_compare_exchange_strong_explicit(&m->lock2m[r], &free_word, WRITER,
						       memory_order_acquire, memory_order_relaxed);
}

void tdx_sept_write(struct tdx_mem *m, uint64_t r)
{
	while (!tdx_sept_trywrite(m, r))
		__builtin_ia32_pause();
}

void tdx_sept_unwrite(struct tdx_mem *m, uint64_t r)
{
	atomic_fetch_and_explicit(&m->lock2m[r], ~WRITER, memory_order_release);
}

int tdx_sept_trylock_page(struct tdx_mem *m, uint64_t p)
{
	return atomic_exchange_explicit(&m->lock4k[p], 1, memory_order_acquire) == 0;
}

void tdx_sept_unlock_page(struct tdx_mem *m, uint64_t p)
{
	atomic_store_explicit(&m->lock4k[p], 0, memory_order_release);
}

int tdx_sept_lock_entry(struct tdx_mem *m, uint64_t gpa, enum tdx_page_level level,
			struct tdx_sept_hold *h)
{
	h->region = gpa / TDX_PAGE_SIZE_2M;
	h->page = gpa / TDX_PAGE_SIZE_4K;
	for (;;) {
		/* The walk is unlocked; the entry's state is read again under
		 * the lock. SPLIT is final (no host op merges), so only the
		 * 2 MiB case can find the state changed and walk again. */
		enum tdx_region k = tdx_mem_region(m, h->region);
		if (k == TDX_REGION_SPLIT && level == TDX_PAGE_4K) {
			if (!tdx_sept_tryread(m, h->region))
				return 0;	/* a host op holds the region */
			if (!tdx_sept_trylock_page(m, h->page)) {
				tdx_sept_unread(m, h->region);
				return 0;
			}
			h->kind = k;
			h->page_entry = 1;
			return 1;
		}
		h->page_entry = 0;
		if (!tdx_sept_trywrite(m, h->region))
			return 0;
		h->kind = tdx_mem_region(m, h->region);
		if (h->kind == k || level != TDX_PAGE_4K)
			return 1;
		tdx_sept_unwrite(m, h->region);	/* demoted meanwhile: walk again */
	}
}

void tdx_sept_unlock_entry(struct tdx_mem *m, const struct tdx_sept_hold *h)
{
	if (h->page_entry) {
		tdx_sept_unlock_page(m, h->page);
		tdx_sept_unread(m, h->region);
	} else {
		tdx_sept_unwrite(m, h->region);
	}
}

/* ---- state ------------------------------------------------------------- */

int tdx_mem_region_full(const struct tdx_mem *m, uint64_t r)
{
	return (r + 1) * TDX_PAGE_SIZE_2M <= m->size;
}

enum tdx_region tdx_mem_region(const struct tdx_mem *m, uint64_t r)
{
	if (r >= nr_regions(m->size))
		return TDX_REGION_FREE;
	switch (LOAD(&m->sept2m[r])) {
	case R_INIT:
		/* Initial host mapping (issue): 2 MiB leaves where a whole region
		 * fits under POLICY_2M, 4 KiB leaves everywhere else. */
		return m->policy == TDX_SEPT_POLICY_2M && tdx_mem_region_full(m, r) ?
			TDX_REGION_PENDING : TDX_REGION_SPLIT;
	case R_FREE_C:
		return TDX_REGION_FREE;
	case R_PENDING_C:
		return TDX_REGION_PENDING;
	case R_PRESENT_C:
		return TDX_REGION_PRESENT;
	default:
		return TDX_REGION_SPLIT;
	}
}

enum tdx_sept_state tdx_mem_page4k(const struct tdx_mem *m, uint64_t p)
{
	if (p >= m->size / TDX_PAGE_SIZE_4K)
		return TDX_SEPT_FREE;
	switch (LOAD(&m->sept4k[p])) {
	case P_PENDING_C:
		return TDX_SEPT_PENDING;
	case P_PRESENT_C:
		return TDX_SEPT_PRESENT;
	default:
		return TDX_SEPT_FREE;
	}
}

enum tdx_sept_state tdx_mem_state(const struct tdx_mem *m, uint64_t gpa,
				  enum tdx_page_level *level)
{
	uint64_t r = gpa / TDX_PAGE_SIZE_2M;
	enum tdx_region k = tdx_mem_region(m, r);

	if (level)
		*level = k == TDX_REGION_SPLIT ? TDX_PAGE_4K : TDX_PAGE_2M;
	switch (k) {
	case TDX_REGION_PENDING:
		return TDX_SEPT_PENDING;
	case TDX_REGION_PRESENT:
		return TDX_SEPT_PRESENT;
	case TDX_REGION_SPLIT:
		return tdx_mem_page4k(m, gpa / TDX_PAGE_SIZE_4K);
	default:
		return TDX_SEPT_FREE;
	}
}

/* The bits of opened_map word p / 64 that stand for pages [p, e). */
static uint64_t word_bits(uint64_t p, uint64_t e)
{
	uint64_t n = e - p < 64 - p % 64 ? e - p : 64 - p % 64;

	return (n == 64 ? ~0ull : (1ull << n) - 1) << (p % 64);
}

/* A window of [off, off+len) is made touchable: grow the window's range
 * and mark the pages. VCPUs do this for different pages at once, so both
 * are atomic (a lost update would leave a page unzeroed). */
static void opened(struct tdx_mem *m, struct tdx_mem_range *r, uint64_t off, uint64_t len)
{
	uint64_t end = off + len, v;

	for (v = __atomic_load_n(&r->lo, __ATOMIC_RELAXED); off < v &&
	     !__atomic_compare_exchange_n(&r->lo, &v, off, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED);)
		;
	for (v = __atomic_load_n(&r->hi, __ATOMIC_RELAXED); end > v &&
	     !__atomic_compare_exchange_n(&r->hi, &v, end, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED);)
		;
	/* A word at a time (a 2 MiB region is 8 words); set bits stay set. */
	for (uint64_t p = off / TDX_PAGE_SIZE_4K, e = end / TDX_PAGE_SIZE_4K; p < e;
	     p = (p / 64 + 1) * 64) {
		uint64_t bits = word_bits(p, e), *w = &m->opened_map[p / 64];
		if ((LOAD(w) & bits) != bits)
			__atomic_fetch_or(w, bits, __ATOMIC_RELAXED);
	}
}

/* Was a window of any page in [off, off+len) made touchable since the
 * last reset? */
static int any_opened(const struct tdx_mem *m, uint64_t off, uint64_t len)
{
	for (uint64_t p = off / TDX_PAGE_SIZE_4K, e = (off + len) / TDX_PAGE_SIZE_4K; p < e;
	     p = (p / 64 + 1) * 64)
		if (LOAD(&m->opened_map[p / 64]) & word_bits(p, e))
			return 1;
	return 0;
}

/* The private window shows a page iff it is PRESENT (issue). */
static void window_priv(struct tdx_mem *m, uint64_t off, uint64_t len, int touchable)
{
	if (off >= m->size)
		return;
	if (len > m->size - off)
		len = m->size - off;
	if (touchable)
		opened(m, &m->open_priv, off, len);
	tdx_window_update(m, TDX_WINDOW_PRIVATE, off, len, touchable);
}

void tdx_mem_set_region(struct tdx_mem *m, uint64_t r, enum tdx_region k)
{
	static const uint8_t code[] = {
		[TDX_REGION_FREE] = R_FREE_C, [TDX_REGION_PENDING] = R_PENDING_C,
		[TDX_REGION_PRESENT] = R_PRESENT_C, [TDX_REGION_SPLIT] = R_SPLIT_C,
	};
	enum tdx_region old = tdx_mem_region(m, r);

	m->gen++;
	STORE(&m->sept2m[r], code[k]);
	m->accept_ctr[r] = 0;	/* any change of the 2 MiB entry ends a partial accept */
	if (k == TDX_REGION_SPLIT)
		return;		/* caller sets the 4 KiB entries and their windows */
	if (k == TDX_REGION_PRESENT || old == TDX_REGION_PRESENT || old == TDX_REGION_SPLIT)
		window_priv(m, r * TDX_PAGE_SIZE_2M, TDX_PAGE_SIZE_2M, k == TDX_REGION_PRESENT);
}

void tdx_mem_set_page4k(struct tdx_mem *m, uint64_t p, enum tdx_sept_state s)
{
	enum tdx_sept_state old = tdx_mem_page4k(m, p);

	m->gen++;
	STORE(&m->sept4k[p], s == TDX_SEPT_PRESENT ? P_PRESENT_C :
			     s == TDX_SEPT_PENDING ? P_PENDING_C : P_FREE_C);
	if ((old == TDX_SEPT_PRESENT) != (s == TDX_SEPT_PRESENT))
		window_priv(m, p * TDX_PAGE_SIZE_4K, TDX_PAGE_SIZE_4K, s == TDX_SEPT_PRESENT);
}

void tdx_mem_split(struct tdx_mem *m, uint64_t r, enum tdx_sept_state s)
{
	uint64_t first = r * PAGES_PER_2M, n = m->size / TDX_PAGE_SIZE_4K - first;
	uint8_t c = s == TDX_SEPT_PRESENT ? P_PRESENT_C :
		    s == TDX_SEPT_PENDING ? P_PENDING_C : P_FREE_C;

	if (n > PAGES_PER_2M)
		n = PAGES_PER_2M;
	/* The window already matches: every 4 KiB leaf keeps the 2 MiB state.
	 * Nobody reads these entries before the region says SPLIT (the
	 * release store below orders them). */
	memset(m->sept4k + first, c, n);
	m->accept_ctr[r] = 0;
	m->gen++;
	__atomic_store_n(&m->sept2m[r], R_SPLIT_C, __ATOMIC_RELEASE);
}

int tdx_mem_is_shared(const struct tdx_mem *m, uint64_t p)
{
	return p < m->size / TDX_PAGE_SIZE_4K && LOAD(&m->shared_map[p]);
}

void tdx_mem_set_shared(struct tdx_mem *m, uint64_t p, int shared)
{
	m->gen++;
	if (shared)	/* the caller makes the shared window touchable */
		opened(m, &m->open_shared, p * TDX_PAGE_SIZE_4K, TDX_PAGE_SIZE_4K);
	STORE(&m->shared_map[p], (uint8_t)!!shared);
}

/* Can [off, off+len) hold anything but zeros? Memory is all zeros after
 * init and after a reset; since then only pages a window was opened for
 * were writable, unless a host pointer is out. */
static int maybe_written(const struct tdx_mem *m, uint64_t off, uint64_t len)
{
	return m->host_out || any_opened(m, off, len);
}

/* Up to this much, zeroing asks mincore(2) once which pages the memfd
 * holds and clears those in place: one cheap call, where a hole punch
 * (below) would free and unmap pages that are touched again soon. */
#define ZERO_IN_PLACE_MAX (16 * TDX_PAGE_SIZE_4K)

void tdx_mem_zero(struct tdx_mem *m, uint64_t off, uint64_t len)
{
	if (!maybe_written(m, off, len))
		return;		/* zeros already: no system call */
	/* A few pages (a 4 KiB accept, a small reset): a page the memfd does
	 * not hold is a hole and reads as zeroes already; one it holds is
	 * cleared in place. No hole punch: that takes the file's lock, which
	 * every VCPU accepting at once would queue on. mincore(2) tells which,
	 * from the page cache, without faulting a page in. */
	unsigned char in_core[ZERO_IN_PLACE_MAX / TDX_PAGE_SIZE_4K];
	if (len <= ZERO_IN_PLACE_MAX && mincore(m->host + off, len, in_core) == 0) {
		for (uint64_t o = 0; o < len; o += TDX_PAGE_SIZE_4K)
			if (in_core[o / TDX_PAGE_SIZE_4K] & 1)
				memset(m->host + off + o, 0, TDX_PAGE_SIZE_4K);
		return;
	}
	/* Larger ranges: punching a hole frees the pages: the next touch
	 * reads fresh zeroes, with no copying and no RSS (issue: accept
	 * zeroes cheaply). It also unmaps them from every window. */
	if (fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)off, (off_t)len) == 0)
		return;
	memset(m->host + off, 0, len);
}

/* Zero a lazily-touched state array. Small ones are compared first (a
 * clean array is left alone, so its pages stay); large ones are dropped
 * with MADV_DONTNEED, which costs only the pages they hold. 0, or -1 if
 * madvise failed. */
#define SCAN_MAX (256u << 10)
static int clear_state(void *p, uint64_t bytes)
{
	uint8_t *b = p;

	if (bytes > SCAN_MAX)
		return madvise(p, bytes, MADV_DONTNEED) ? -1 : 0;
	if (bytes && (b[0] || memcmp(b, b + 1, bytes - 1)))
		memset(b, 0, bytes);
	return 0;
}

/* Caller: no TDCALL or host operation on this TD in flight (no SEPT lock
 * is held, so the lock words are all zero already). */
int tdx_mem_reset(struct tdx_mem *m, char *err, size_t errlen)
{
	uint64_t pages = m->size / TDX_PAGE_SIZE_4K, regions = nr_regions(m->size);
	struct stat st;
	/* Both windows' ranges at once (an empty range changes neither end). */
	struct tdx_mem_range u = {
		m->open_priv.lo < m->open_shared.lo ? m->open_priv.lo : m->open_shared.lo,
		m->open_priv.hi > m->open_shared.hi ? m->open_priv.hi : m->open_shared.hi,
	};

	/* Contents: with a host pointer out, anything may have been written
	 * (the memfd then holds blocks where it was); else only where a window
	 * was opened since the last reset. */
	if (m->host_out) {
		if (fstat(m->fd, &st)) {
			snprintf(err, errlen, "fstat(TD memory): %s", strerror(errno));
			return -1;
		}
		if (st.st_blocks)
			tdx_mem_zero(m, 0, m->size);
	} else if (u.lo < u.hi && u.hi - u.lo <= ZERO_IN_PLACE_MAX) {
		/* A few pages (a fuzzer's input): only the opened ones, in place,
		 * without asking the kernel which the memfd holds: a page it does
		 * not costs a page fault, cheaper than the mincore(2). */
		for (uint64_t o = u.lo; o < u.hi; o += TDX_PAGE_SIZE_4K)
			if (any_opened(m, o, TDX_PAGE_SIZE_4K))
				memset(m->host + o, 0, TDX_PAGE_SIZE_4K);
	} else if (u.lo < u.hi) {
		tdx_mem_zero(m, u.lo, u.hi - u.lo);
	}
	if (u.lo < u.hi) {	/* every set bit lies in u */
		uint64_t w = u.lo / TDX_PAGE_SIZE_4K / 64;
		memset(m->opened_map + w, 0,
		       ((u.hi / TDX_PAGE_SIZE_4K + 63) / 64 - w) * sizeof(*m->opened_map));
	}
	if (m->gen == m->reset_gen)
		return 0;
	m->reset_gen = ++m->gen;	/* states change back: a new generation too */
	if (clear_state(m->sept2m, regions) < 0 || clear_state(m->sept4k, pages) < 0 ||
	    clear_state(m->accept_ctr, regions * sizeof(uint16_t)) < 0 ||
	    clear_state(m->shared_map, pages) < 0) {
		snprintf(err, errlen, "madvise(SEPT state): %s", strerror(errno));
		return -1;
	}
	/* Only where a window was opened since the last reset can it be
	 * touchable now: take that away again, in whichever window mode. */
	if (m->open_priv.hi > m->open_priv.lo)
		tdx_window_update(m, TDX_WINDOW_PRIVATE, m->open_priv.lo,
				  m->open_priv.hi - m->open_priv.lo, 0);
	if (m->open_shared.hi > m->open_shared.lo)
		tdx_window_update(m, TDX_WINDOW_SHARED, m->open_shared.lo,
				  m->open_shared.hi - m->open_shared.lo, 0);
	m->open_priv = m->open_shared = NOTHING_OPEN;
	return tdx_window_check(m, err, errlen);
}

int tdx_td_page_state(const struct tdx_td *td, uint64_t gpa, struct tdx_page_state *st)
{
	uint64_t off = gpa & ~td->shared_bit;

	if (off >= td->mem.size)
		return -1;
	st->sept = tdx_mem_state(&td->mem, off, &st->level);
	st->shared = tdx_mem_is_shared(&td->mem, off / TDX_PAGE_SIZE_4K);
	return 0;
}

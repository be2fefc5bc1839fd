/* mem.h: TD memory, its secure-EPT page states, their locks and the guest
 * windows. */
#ifndef TDXKIT_MODULE_MEM_H
#define TDXKIT_MODULE_MEM_H

#include <stdatomic.h>
#include <stdint.h>
#include "tdxkit/module.h"

struct tdx_call;

/*
 * One memfd of mem_size bytes backs GPA space; it is mapped three times:
 * `host` (always RW: the module's and the VMM's view), `priv` and `shared`
 * (the guest windows). SEPT state is kept per 2 MiB region and, once
 * split, per 4 KiB page, in lazily-touched NORESERVE arrays so that a
 * 64 GiB TD starts fast.
 *
 * Locks, after the module's SEPT entry locks (MOD tdx_locks.h): each 2 MiB
 * entry has a reader/writer word and each 4 KiB entry a lock byte. Host
 * operations (AUG, DEMOTE, REMOVE, shared mapping) hold the region's write
 * lock; a guest leaf whose walk stops at a 2 MiB entry (2 MiB ACCEPT,
 * ATTR.RD/WR on a 2 MiB leaf) tries it; one that reaches a 4 KiB entry
 * tries the read lock and then the page's lock (tdx_sept_lock_entry). A
 * guest operation that finds a lock taken
 * answers TDX_OPERAND_BUSY, as the module does. Readers that only look
 * (page-state queries, diagnostics) take no lock: states are single bytes.
 *
 * The windows follow the states in one of two modes (enum tdx_window_mode):
 * PROTECT: mprotect, RW exactly where the page may be touched; FAULT: the
 * windows are RW and registered with a userfaultfd (minor faults, SIGBUS),
 * pages are mapped on first touch by tdx_td_window_fault() and unmapped
 * when a state change takes access away, so no VMA is split per page.
 */
struct tdx_mem {
	int fd;
	uint64_t size;
	uint64_t shared_bit;
	enum tdx_sept_policy policy;
	uint8_t *host;
	uint8_t *priv;
	uint8_t *shared;
	uint8_t *sept2m;	/* per 2 MiB region: encoded state (see mem.c) */
	uint8_t *sept4k;	/* per 4 KiB page, meaningful when the region is split */
	uint16_t *accept_ctr;	/* per 2 MiB region: progress of an interrupted 2 MiB accept */
	uint8_t *shared_map;	/* per 4 KiB page: 1 = mapped in the shared EPT */
	_Atomic uint32_t *lock2m;	/* per region: bit 31 writer, bits 30:0 readers */
	_Atomic uint8_t *lock4k;	/* per page: 1 = locked */
	enum tdx_window_mode mode;
	int uffd;		/* FAULT mode: the userfaultfd, else -1 */
	/* Windows kept by someone else (the isolated engine: in the traced
	 * program), or NULL: this process's own priv/shared mappings. */
	const struct tdx_window_ops *ops;
	void *ops_ctx;
	_Atomic int win_errno;	/* a window update failed (errno): the TD cannot go on */
	const char *win_call;	/* which call failed ("mprotect", "UFFDIO_CONTINUE") */
	/* Generation: incremented by every change of a SEPT or shared state
	 * and of an L2 alias, so that a cache of what L2 VMs may do with a
	 * page (the L2 engine's) knows when to look again; tdx_mem_reset has
	 * nothing to do while it equals reset_gen. host_out: a host-view
	 * pointer was ever handed out (whoever holds it may write any page at
	 * any time). */
	uint64_t gen, reset_gen;
	int host_out;
	/* Byte ranges of each window made touchable since then (lo >= hi:
	 * none; both ends move atomically): what tdx_mem_reset takes access
	 * away from again. opened_map: one bit per 4 KiB page, set when either
	 * window of the page was made touchable since then: a page without it
	 * still holds zeros (no host pointer out), and zeroing it needs no
	 * system call. */
	struct tdx_mem_range { uint64_t lo, hi; } open_priv, open_shared;
	uint64_t *opened_map;	/* bit p % 64 of word p / 64: page p */
};

int tdx_mem_init(struct tdx_mem *m, uint64_t size, uint64_t shared_bit,
		 enum tdx_sept_policy policy, char *err, size_t errlen);
void tdx_mem_fini(struct tdx_mem *m);
/* Back to tdx_mem_init's state in the same mappings: contents zero, every
 * SEPT entry and shared flag initial, neither window touchable. Touches
 * only what changed. 0, or -1 with a reason. */
int tdx_mem_reset(struct tdx_mem *m, char *err, size_t errlen);
/* tdx_td_gpa_ptr for the module itself, which writes only pages it has
 * checked are PRESENT: it does not count as a host pointer handed out. */
void *tdx_mem_gpa_ptr(struct tdx_td *td, uint64_t gpa, uint64_t len);
/* Switch the windows to `mode` (re-applying every page's access); 0 or -1. */
int tdx_mem_set_mode(struct tdx_mem *m, enum tdx_window_mode mode, char *err, size_t errlen);

/* Is gpa (shared bit and all) a GPA the TD may name at all (below 2^GPAW)? */
int tdx_gpa_valid(const struct tdx_td *td, uint64_t gpa);

/*
 * Access by a leaf to guest memory named by a GPA operand, the way the
 * module's GPA walk does it (MOD helpers.c): on success *ptr is the host
 * view of [gpa, gpa+len) and TDX_SUCCESS is returned. Otherwise either an
 * error status | operand is returned, or c->outcome is set to TD_EXIT
 * (EPT violation for the host) or INJECT (#VE on a PENDING page) and
 * TDX_GPA_WALK_DIVERTED is returned: the leaf must then return at once.
 * `allow_shared`: the operand may be a shared GPA (MR.REPORT).
 */
#define TDX_GPA_WALK_DIVERTED 0xFFFFFFFFFFFFFFFFull
enum tdx_access { TDX_ACCESS_READ = 1, TDX_ACCESS_WRITE = 2 };
uint64_t tdx_gpa_access(struct tdx_call *c, uint64_t gpa, uint64_t len,
			enum tdx_access acc, int allow_shared, unsigned operand,
			void **ptr);

/*
 * Window layout: the private window shows GPA g at priv + g, the shared
 * window shows GPA g | shared bit at shared + g (the shared bit is not part
 * of the offset: both windows and the host view index the same memfd).
 *
 * SEPT state helpers (mem.c), for the leaves and host ops in this
 * directory. A 2 MiB region is FREE, a PENDING or PRESENT 2 MiB leaf, or
 * SPLIT into 4 KiB entries (read with tdx_mem_page4k). Setters keep the
 * private window in step: touchable iff PRESENT. Callers hold the locks.
 */
enum tdx_region { TDX_REGION_FREE, TDX_REGION_PENDING, TDX_REGION_PRESENT, TDX_REGION_SPLIT };
int tdx_mem_region_full(const struct tdx_mem *m, uint64_t region);
enum tdx_region tdx_mem_region(const struct tdx_mem *m, uint64_t region);
enum tdx_sept_state tdx_mem_page4k(const struct tdx_mem *m, uint64_t page);
/* Per-4 KiB state at gpa (offset, no shared bit) and the level of its entry. */
enum tdx_sept_state tdx_mem_state(const struct tdx_mem *m, uint64_t gpa,
				  enum tdx_page_level *level);
void tdx_mem_set_region(struct tdx_mem *m, uint64_t region, enum tdx_region k);
void tdx_mem_set_page4k(struct tdx_mem *m, uint64_t page, enum tdx_sept_state s);
/* Demote: the region becomes 512 4 KiB entries in state s (window unchanged). */
void tdx_mem_split(struct tdx_mem *m, uint64_t region, enum tdx_sept_state s);
int tdx_mem_is_shared(const struct tdx_mem *m, uint64_t page);
/* The shared EPT: page `page` mapped shared (1) or not, window kept in step. */
void tdx_mem_set_shared(struct tdx_mem *m, uint64_t page, int shared);
/* Zero [off, off+len) of TD memory (hole punch, memset fallback); nothing
 * to do where the memory cannot have been written since it was zero. */
void tdx_mem_zero(struct tdx_mem *m, uint64_t off, uint64_t len);

/* SEPT entry locks (see above). try* return 1 when taken. */
int tdx_sept_tryread(struct tdx_mem *m, uint64_t region);
void tdx_sept_read(struct tdx_mem *m, uint64_t region);
void tdx_sept_unread(struct tdx_mem *m, uint64_t region);
int tdx_sept_trywrite(struct tdx_mem *m, uint64_t region);
void tdx_sept_write(struct tdx_mem *m, uint64_t region);
void tdx_sept_unwrite(struct tdx_mem *m, uint64_t region);
int tdx_sept_trylock_page(struct tdx_mem *m, uint64_t page);
void tdx_sept_unlock_page(struct tdx_mem *m, uint64_t page);

/* A guest-side flow's lock on the SEPT entry its walk stops at (MOD
 * sept_lock_acquire_guest): the 4 KiB entry when the region is split and
 * the walk goes to 4 KiB, else the 2 MiB entry. Returns 1 with the entry
 * locked and h->kind the region's state under the lock, or 0 when another
 * flow holds it (the leaf answers TDX_OPERAND_BUSY | RCX). */
struct tdx_sept_hold {
	uint64_t region, page;
	enum tdx_region kind;
	int page_entry;		/* 1: the 4 KiB entry is locked, else the 2 MiB one */
};
int tdx_sept_lock_entry(struct tdx_mem *m, uint64_t gpa, enum tdx_page_level level,
			struct tdx_sept_hold *h);
void tdx_sept_unlock_entry(struct tdx_mem *m, const struct tdx_sept_hold *h);

/* The built-in host's answer to an EPT-violation TD exit (mem_host.c): map
 * (AUG) or split (DEMOTE) per the SEPT policy so that the TDCALL can be
 * re-executed. Returns 0, or -1 with why it refused in *no; the one-line
 * reason is formatted only if the TD stops (a host callback may still
 * serve the exit). */
struct tdx_ept_refusal {
	enum { TDX_EPT_BEYOND_SHARED, TDX_EPT_BEYOND, TDX_EPT_NOT_ACCEPTED, TDX_EPT_MAP_FAILED } why;
	uint64_t gpa;
	uint64_t status;	/* TDX_EPT_MAP_FAILED: what the AUG or DEMOTE returned */
};
int tdx_builtin_host_ept(struct tdx_td *td, const struct tdx_td_exit *exit,
			 struct tdx_ept_refusal *no);
void tdx_ept_refusal_text(const struct tdx_td *td, const struct tdx_ept_refusal *no, char *buf,
			  size_t len);

#endif

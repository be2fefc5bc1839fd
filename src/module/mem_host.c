/* mem_host.c: the host side of TD memory: the SEAMCALL-like page operations
 * (TDH.MEM.PAGE.AUG/DEMOTE/REMOVE), the shared-EPT mapping, and the
 * built-in host's answer to EPT-violation TD exits (section 8.2, 11).
 *
 * Model simplifications, on purpose: no BLOCK/TRACK steps before DEMOTE and
 * REMOVE, and the 4 KiB SEPT table under a 2 MiB entry is implicit (a 4 KiB
 * AUG under a FREE 2 MiB entry adds it, where the real module would say
 * TDX_EPT_WALK_FAILED until TDH.MEM.SEPT.ADD).
 *
 * Every operation holds the write lock of each 2 MiB entry it changes
 * (mem.h); the host waits for a lock where the module would answer BUSY
 * and the host retry. */
#include <stdio.h>

#include "td.h"
#include "window.h"

#define PAGES_PER_2M 512u

static const uint64_t BAD_RCX = TDX_OPERAND_INVALID | TDX_OPND_RCX;

/* Common checks of a page_info-style GPA operand (as in TDH.MEM.PAGE.*:
 * level 0/1, aligned, private, inside the model's backing). */
static uint64_t check_gpa(const struct tdx_td *td, uint64_t gpa, unsigned level)
{
	uint64_t size = level == TDX_PAGE_2M ? TDX_PAGE_SIZE_2M : TDX_PAGE_SIZE_4K;

	if (level > TDX_PAGE_2M || (gpa & (size - 1)) || !tdx_gpa_valid(td, gpa) ||
	    (gpa & td->shared_bit))
		return BAD_RCX;
	/* A real host could AUG any GPA; the model has no backing beyond
	 * mem_size, so it refuses (nearest status: address range error). */
	if (gpa >= td->mem.size || size > td->mem.size - gpa)
		return TDX_OPERAND_ADDR_RANGE_ERROR | TDX_OPND_RCX;
	return TDX_SUCCESS;
}

/* Private and shared mappings share one backing page per GPA in the model,
 * so a page is never both: mapping one side drops the other, content lost. */
static void drop_shared(struct tdx_mem *m, uint64_t off, uint64_t len)
{
	uint64_t first = off / TDX_PAGE_SIZE_4K, n = len / TDX_PAGE_SIZE_4K;
	int any = 0;

	for (uint64_t i = 0; i < n; i++)
		if (tdx_mem_is_shared(m, first + i)) {
			tdx_mem_set_shared(m, first + i, 0);
			any = 1;
		}
	if (any) {
		tdx_window_update(m, TDX_WINDOW_SHARED, off, len, 0);
		tdx_mem_zero(m, off, len);
	}
}

/* The operations below with the region's write lock held. */
static uint64_t aug_locked(struct tdx_td *td, uint64_t gpa, enum tdx_page_level level)
{
	struct tdx_mem *m = &td->mem;
	uint64_t r = gpa / TDX_PAGE_SIZE_2M;
	enum tdx_region k = tdx_mem_region(m, r);

	if (level == TDX_PAGE_2M) {
		/* Only a FREE 2 MiB entry takes a 2 MiB page; a split one is a
		 * non-free non-leaf (TDX_EPT_ENTRY_NOT_FREE, MOD tdh_mem_page_aug.c). */
		if (k != TDX_REGION_FREE)
			return TDX_EPT_ENTRY_NOT_FREE | TDX_OPND_RCX;
		drop_shared(m, gpa, TDX_PAGE_SIZE_2M);
		tdx_mem_set_region(m, r, TDX_REGION_PENDING);
		return TDX_SUCCESS;
	}
	if (k == TDX_REGION_PENDING || k == TDX_REGION_PRESENT)
		return TDX_EPT_WALK_FAILED | TDX_OPND_RCX;	/* walk stops at the 2 MiB leaf */
	if (k == TDX_REGION_FREE)
		tdx_mem_split(m, r, TDX_SEPT_FREE);	/* implicit SEPT.ADD */
	if (tdx_mem_page4k(m, gpa / TDX_PAGE_SIZE_4K) != TDX_SEPT_FREE)
		return TDX_EPT_ENTRY_NOT_FREE | TDX_OPND_RCX;
	drop_shared(m, gpa, TDX_PAGE_SIZE_4K);
	tdx_mem_set_page4k(m, gpa / TDX_PAGE_SIZE_4K, TDX_SEPT_PENDING);
	return TDX_SUCCESS;
}

static uint64_t demote_locked(struct tdx_td *td, uint64_t gpa)
{
	struct tdx_mem *m = &td->mem;
	uint64_t r = gpa / TDX_PAGE_SIZE_2M;

	switch (tdx_mem_region(m, r)) {
	case TDX_REGION_PENDING:
		/* A partial interruptible accept is dropped: the 4 KiB leaves
		 * are PENDING and get zeroed again when accepted. */
		tdx_mem_split(m, r, TDX_SEPT_PENDING);
		return TDX_SUCCESS;
	case TDX_REGION_PRESENT:
		tdx_mem_split(m, r, TDX_SEPT_PRESENT);
		return TDX_SUCCESS;
	default:
		/* FREE and split entries are not leaves (MOD tdh_mem_page_demote.c). */
		return TDX_EPT_ENTRY_NOT_LEAF | TDX_OPND_RCX;
	}
}

static uint64_t remove_locked(struct tdx_td *td, uint64_t gpa, enum tdx_page_level level)
{
	struct tdx_mem *m = &td->mem;
	uint64_t r = gpa / TDX_PAGE_SIZE_2M;
	enum tdx_region k = tdx_mem_region(m, r);

	if (level == TDX_PAGE_2M) {
		if (k == TDX_REGION_SPLIT)
			return TDX_EPT_ENTRY_NOT_LEAF | TDX_OPND_RCX;
		if (k == TDX_REGION_FREE)	/* nearest status for "nothing mapped" */
			return TDX_EPT_ENTRY_FREE | TDX_OPND_RCX;
		tdx_mem_set_region(m, r, TDX_REGION_FREE);
		tdx_mem_zero(m, gpa, TDX_PAGE_SIZE_2M);
		return TDX_SUCCESS;
	}
	if (k != TDX_REGION_SPLIT)	/* 2 MiB leaf or no 4 KiB table: walk stops above */
		return TDX_EPT_WALK_FAILED | TDX_OPND_RCX;
	if (tdx_mem_page4k(m, gpa / TDX_PAGE_SIZE_4K) == TDX_SEPT_FREE)
		return TDX_EPT_ENTRY_FREE | TDX_OPND_RCX;
	tdx_mem_set_page4k(m, gpa / TDX_PAGE_SIZE_4K, TDX_SEPT_FREE);
	tdx_mem_zero(m, gpa, TDX_PAGE_SIZE_4K);
	return TDX_SUCCESS;
}

typedef uint64_t host_op_fn(struct tdx_td *td, uint64_t gpa, enum tdx_page_level level);

static uint64_t locked(struct tdx_td *td, host_op_fn *op, uint64_t gpa, enum tdx_page_level level)
{
	uint64_t st = check_gpa(td, gpa, level), r = gpa / TDX_PAGE_SIZE_2M;

	if (st)
		return st;
	tdx_sept_write(&td->mem, r);
	st = op(td, gpa, level);
	tdx_sept_unwrite(&td->mem, r);
	return st;
}

static uint64_t demote_op(struct tdx_td *td, uint64_t gpa, enum tdx_page_level level)
{
	return demote_locked(td, gpa);
}

uint64_t tdh_mem_page_aug(struct tdx_td *td, uint64_t gpa, enum tdx_page_level level)
{
	return locked(td, aug_locked, gpa, level);
}

uint64_t tdh_mem_page_demote(struct tdx_td *td, uint64_t gpa)
{
	return locked(td, demote_op, gpa, TDX_PAGE_2M);
}

uint64_t tdh_mem_page_remove(struct tdx_td *td, uint64_t gpa, enum tdx_page_level level)
{
	return locked(td, remove_locked, gpa, level);
}

/* Drop the private mapping of every page in [off, off+len) (a host's
 * implicit conversion to shared): whole 2 MiB leaves go at once, partly
 * covered ones are split first. */
static void drop_private(struct tdx_mem *m, uint64_t off, uint64_t len)
{
	uint64_t end = off + len;

	for (uint64_t a = off; a < end;) {
		uint64_t r = a / TDX_PAGE_SIZE_2M, rbase = r * TDX_PAGE_SIZE_2M;
		uint64_t rend = rbase + TDX_PAGE_SIZE_2M;
		enum tdx_region k = tdx_mem_region(m, r);

		if (k == TDX_REGION_FREE) {
			a = rend;
			continue;
		}
		if (k != TDX_REGION_SPLIT && a == rbase && end >= rend) {
			tdx_mem_set_region(m, r, TDX_REGION_FREE);
			a = rend;
			continue;
		}
		if (k != TDX_REGION_SPLIT)
			tdx_mem_split(m, r, k == TDX_REGION_PRESENT ? TDX_SEPT_PRESENT : TDX_SEPT_PENDING);
		for (; a < end && a < rend; a += TDX_PAGE_SIZE_4K)
			tdx_mem_set_page4k(m, a / TDX_PAGE_SIZE_4K, TDX_SEPT_FREE);
	}
}

/* Set shared_map to `to` for n pages from `first`; every page that changes
 * side loses its content (maximal runs are zeroed at once). */
static void flip_shared(struct tdx_mem *m, uint64_t first, uint64_t n, uint8_t to)
{
	for (uint64_t i = 0; i < n;) {
		uint64_t j = i;

		while (j < n && tdx_mem_is_shared(m, first + j) != to)
			j++;
		/* Zeroed before the flip, while the pages are what they were:
		 * one never opened needs no zeroing (tdx_mem_zero). */
		if (j > i)
			tdx_mem_zero(m, (first + i) * TDX_PAGE_SIZE_4K, (j - i) * TDX_PAGE_SIZE_4K);
		for (uint64_t k = i; k < j; k++)
			tdx_mem_set_shared(m, first + k, to);
		while (j < n && tdx_mem_is_shared(m, first + j) == to)
			j++;
		i = j;
	}
}

uint64_t tdx_td_set_shared(struct tdx_td *td, uint64_t gpa, uint64_t len, int shared)
{
	struct tdx_mem *m = &td->mem;
	uint64_t off = gpa & ~td->shared_bit;

	/* Not a SEAMCALL (the host owns the shared EPT); statuses follow the
	 * module's operand conventions: RCX = GPA, RDX = length. */
	if ((off & (TDX_PAGE_SIZE_4K - 1)) || !tdx_gpa_valid(td, gpa))
		return TDX_OPERAND_INVALID | TDX_OPND_RCX;
	if (len & (TDX_PAGE_SIZE_4K - 1))
		return TDX_OPERAND_INVALID | TDX_OPND_RDX;
	if (off >= m->size || len > m->size - off)
		return TDX_OPERAND_ADDR_RANGE_ERROR | TDX_OPND_RCX;
	/* One 2 MiB entry at a time, each under its write lock. */
	for (uint64_t a = off, end = off + len; a < end;) {
		uint64_t r = a / TDX_PAGE_SIZE_2M, rend = (r + 1) * TDX_PAGE_SIZE_2M;
		uint64_t n = (end < rend ? end : rend) - a;

		tdx_sept_write(m, r);
		if (shared)
			drop_private(m, a, n);
		flip_shared(m, a / TDX_PAGE_SIZE_4K, n / TDX_PAGE_SIZE_4K, !!shared);
		tdx_window_update(m, TDX_WINDOW_SHARED, a, n, shared);
		tdx_sept_unwrite(m, r);
		a += n;
	}
	return TDX_SUCCESS;
}

/* ---- the built-in host --------------------------------------------------- */

/* Map the faulting page the way the initial mapping would (issue: policy):
 * a 2 MiB leaf where a whole free region lies in memory under POLICY_2M,
 * else the 4 KiB page. */
static uint64_t aug_per_policy(struct tdx_td *td, uint64_t gpa)
{
	struct tdx_mem *m = &td->mem;
	uint64_t r = gpa / TDX_PAGE_SIZE_2M;

	if (tdx_mem_region(m, r) == TDX_REGION_FREE && m->policy == TDX_SEPT_POLICY_2M &&
	    tdx_mem_region_full(m, r))
		return aug_locked(td, r * TDX_PAGE_SIZE_2M, TDX_PAGE_2M);
	return aug_locked(td, gpa & ~(TDX_PAGE_SIZE_4K - 1), TDX_PAGE_4K);
}

static int ept_locked(struct tdx_td *td, uint64_t gpa, unsigned type, unsigned req_level,
		      struct tdx_ept_refusal *no);

static int refuse(struct tdx_ept_refusal *no, int why, uint64_t gpa, uint64_t status)
{
	*no = (struct tdx_ept_refusal){ .why = why, .gpa = gpa, .status = status };
	return -1;
}

int tdx_builtin_host_ept(struct tdx_td *td, const struct tdx_td_exit *exit,
			 struct tdx_ept_refusal *no)
{
	struct tdx_mem *m = &td->mem;
	uint64_t gpa = exit->gpa, eeq = exit->ext_exit_qual;
	unsigned type = eeq & 0xF, req_level = (eeq >> 32) & 0x7;

	if (gpa & td->shared_bit) {
		/* A TDCALL operand on a shared page the host has not mapped
		 * (gpa_access.c): map that page shared, as KVM with QEMU converts
		 * a page on a shared-GPA fault; the private content is lost. */
		uint64_t page = gpa & ~td->shared_bit & ~(TDX_PAGE_SIZE_4K - 1);
		if (page < m->size && tdx_td_set_shared(td, page, TDX_PAGE_SIZE_4K, 1) == TDX_SUCCESS)
			return 0;
		return refuse(no, TDX_EPT_BEYOND_SHARED, gpa, 0);
	}
	if (type == TDX_EEQ_PENDING_EPT_VIOLATION)	/* what KVM does too (8.2) */
		return refuse(no, TDX_EPT_NOT_ACCEPTED, gpa, 0);
	if (gpa >= m->size)
		return refuse(no, TDX_EPT_BEYOND, gpa, 0);

	/* Decide and act under the entry's lock: another VCPU's exit for the
	 * same region may have been served meanwhile. */
	uint64_t r = gpa / TDX_PAGE_SIZE_2M;
	tdx_sept_write(m, r);
	int rc = ept_locked(td, gpa, type, req_level, no);
	tdx_sept_unwrite(m, r);
	return rc;
}

static int ept_locked(struct tdx_td *td, uint64_t gpa, unsigned type, unsigned req_level,
		      struct tdx_ept_refusal *no)
{
	struct tdx_mem *m = &td->mem;
	uint64_t st;
	enum tdx_region k = tdx_mem_region(m, gpa / TDX_PAGE_SIZE_2M);
	enum tdx_sept_state s = tdx_mem_state(m, gpa, NULL);

	/* A 4 KiB ACCEPT inside a PENDING 2 MiB leaf, or a 4 KiB ATTR.WR inside
	 * any 2 MiB leaf, asks the host to DEMOTE (8.2, 7.6: EEQ types 1 and 5). */
	int demote_4k = req_level == TDX_PAGE_4K &&
		((type == TDX_EEQ_ACCEPT && k == TDX_REGION_PENDING) ||
		 (type == TDX_EEQ_ATTR_WR && (k == TDX_REGION_PENDING || k == TDX_REGION_PRESENT)));

	if (demote_4k)
		st = demote_locked(td, gpa & ~(TDX_PAGE_SIZE_2M - 1));
	else if (s == TDX_SEPT_FREE)
		st = aug_per_policy(td, gpa);
	else if (s == TDX_SEPT_PRESENT)
		return 0;	/* already mapped: a spurious exit, just resume */
	else
		return refuse(no, TDX_EPT_NOT_ACCEPTED, gpa, 0);
	if (st != TDX_SUCCESS)
		return refuse(no, TDX_EPT_MAP_FAILED, gpa, st);
	return 0;
}

void tdx_ept_refusal_text(const struct tdx_td *td, const struct tdx_ept_refusal *no, char *buf,
			  size_t len)
{
	unsigned long long gpa = no->gpa, size = td->mem.size;

	switch (no->why) {
	case TDX_EPT_BEYOND_SHARED:
		snprintf(buf, len, "EPT violation on shared GPA 0x%llx beyond the TD's memory "
			 "(size 0x%llx): the host cannot map it", gpa, size);
		break;
	case TDX_EPT_BEYOND:
		snprintf(buf, len, "EPT violation at GPA 0x%llx beyond the TD's memory "
			 "(size 0x%llx): the host cannot map it", gpa, size);
		break;
	case TDX_EPT_NOT_ACCEPTED:
		snprintf(buf, len, "the TD accessed GPA 0x%llx before accepting it", gpa);
		break;
	default:
		snprintf(buf, len, "the host could not map GPA 0x%llx: status 0x%016llx", gpa,
			 (unsigned long long)no->status);
	}
}

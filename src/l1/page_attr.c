/* page_attr.c: accept with attributes and set attributes over a range
 * (tdx-abi.md 7.6, 8; OVMM tdcall accept_pages / set_page_attributes):
 * 2 MiB where the range allows, 4 KiB pages on PAGE_SIZE_MISMATCH. */
#include "l1_int.h"

#define SZ_4K TDX_PAGE_SIZE_4K
#define SZ_2M TDX_PAGE_SIZE_2M

/* One page operation at one level; OPERAND_BUSY (a SEPT lock held by the
 * host or another VCPU) is retried. */
typedef uint64_t (*page_op)(struct tdx_l1_vp *vp, uint64_t gpa, unsigned level,
			    const struct tdx_l1_page_attrs *attrs);

static uint64_t retry(struct tdx_l1_vp *vp, uint64_t leaf, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	uint64_t st;

	for (unsigned tries = 0;; tries++) {
		st = l1_call(vp, leaf, rcx, rdx, r8, 0, NULL);
		if (TDX_STATUS_CODE(st) != TDX_OPERAND_BUSY || tries >= TDX_L1_BUSY_RETRIES)
			return st;
	}
}

static uint64_t attr_wr(struct tdx_l1_vp *vp, uint64_t gpa, unsigned level,
			const struct tdx_l1_page_attrs *attrs)
{
	return retry(vp, TDG_MEM_PAGE_ATTR_WR, gpa | level, attrs->attr, attrs->mask);
}

/* Accept, then the attributes at the same level (the leaf is known to be
 * of that size now). */
static uint64_t accept(struct tdx_l1_vp *vp, uint64_t gpa, unsigned level,
		       const struct tdx_l1_page_attrs *attrs)
{
	uint64_t st = retry(vp, TDG_MEM_PAGE_ACCEPT, gpa | level, 0, 0);

	if (st == TDX_SUCCESS && attrs)
		st = attr_wr(vp, gpa, level, attrs);
	return st;
}

static uint64_t range(struct tdx_l1_vp *vp, uint64_t start, uint64_t end,
		      const struct tdx_l1_page_attrs *attrs, uint64_t *stopped_at,
		      page_op op, const char *why, uint64_t leaf)
{
	uint64_t dummy, gpa = start, st = TDX_SUCCESS;

	if (!stopped_at)
		stopped_at = &dummy;
	*stopped_at = start;
	if (((start | end) & (SZ_4K - 1)) || end < start)
		return L1_REFUSE(E_ALIGN);

	while (gpa < end) {
		if (!(gpa & (SZ_2M - 1)) && end - gpa >= SZ_2M) {
			st = op(vp, gpa, TDX_PAGE_2M, attrs);
			if (st == TDX_SUCCESS) {
				gpa += SZ_2M;
				continue;
			}
			if (TDX_STATUS_CODE(st) != TDX_PAGE_SIZE_MISMATCH)
				break;
			/* Mapped (or aliased) as 4 KiB pages: the same 2 MiB page by page. */
			for (uint64_t e = gpa + SZ_2M; gpa < e; gpa += SZ_4K)
				if ((st = op(vp, gpa, TDX_PAGE_4K, attrs)) != TDX_SUCCESS)
					break;
			if (st != TDX_SUCCESS)
				break;
			continue;
		}
		if ((st = op(vp, gpa, TDX_PAGE_4K, attrs)) != TDX_SUCCESS)
			break;
		gpa += SZ_4K;
	}
	*stopped_at = gpa;
	return l1_done(vp, why, leaf, st);
}

uint64_t tdx_l1_accept_pages(struct tdx_l1_vp *vp, uint64_t start, uint64_t end,
			     const struct tdx_l1_page_attrs *attrs, uint64_t *stopped_at)
{
	return range(vp, start, end, attrs, stopped_at, accept, "accept pages", TDG_MEM_PAGE_ACCEPT);
}

uint64_t tdx_l1_set_page_attrs(struct tdx_l1_vp *vp, uint64_t start, uint64_t end,
			       const struct tdx_l1_page_attrs *attrs, uint64_t *stopped_at)
{
	if (!attrs)
		return L1_REFUSE(E_ARG);
	return range(vp, start, end, attrs, stopped_at, attr_wr, "set page attributes",
		     TDG_MEM_PAGE_ATTR_WR);
}

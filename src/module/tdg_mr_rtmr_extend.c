/* tdg_mr_rtmr_extend.c: TDG.MR.RTMR.EXTEND (leaf 2), sections 1.5 and 9.3:
 * RTMR[RDX] = SHA-384(RTMR[RDX] || 48 bytes at private GPA RCX). */
#include <string.h>

#include "td.h"

uint64_t tdg_mr_rtmr_extend(struct tdx_call *c)
{
	struct tdx_td *td = c->td;
	uint64_t gpa = c->regs->rcx;
	uint64_t index = c->regs->rdx;
	uint8_t data[TDX_MR_SIZE], next[TDX_MR_SIZE];
	void *p;

	/* Module 1.5.01 order (1.5 table): RCX format (64-byte aligned, valid
	 * private GPA), then the RTMR index, then the lock, then the GPA walk. */
	if ((gpa & 63) || (gpa & td->shared_bit) || !tdx_gpa_valid(td, gpa))
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	if (index >= TDX_NUM_RTMRS)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RDX);
	if (!tdx_rtmr_trylock(td))
		return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RTMR);

	uint64_t st = tdx_gpa_access(c, gpa, TDX_MR_SIZE, TDX_ACCESS_READ, 0, TDX_OPND_RCX, &p);
	if (st == TDX_SUCCESS) {
		memcpy(data, p, sizeof(data));
		/* OpenSSL can only fail for lack of memory; report it as the
		 * retryable contention status rather than corrupting RTMR. */
		if (tdx_sha384(td->mr.rtmr[index], TDX_MR_SIZE, data, sizeof(data), next))
			st = tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RTMR);
		else
			memcpy(td->mr.rtmr[index], next, TDX_MR_SIZE);
	}
	/* TDX_GPA_WALK_DIVERTED: c->outcome is set and the status is ignored. */
	tdx_rtmr_unlock(td);
	return st;
}

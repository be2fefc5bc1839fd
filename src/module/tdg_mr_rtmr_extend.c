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

	/* MOD tdg_mr_rtmr_extend.c order: RCX alignment, then the GPA walk
	 * (validity, private only; it may leave through a #VE or TD exit) and
	 * the copy of the buffer, and only then the RTMR index and the lock. */
	if (gpa & 63)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	uint64_t st = tdx_gpa_access(c, gpa, TDX_MR_SIZE, TDX_ACCESS_READ, 0, TDX_OPND_RCX, &p);
	if (st != TDX_SUCCESS)
		return st;	/* OPERAND_INVALID | RCX, or diverted (status ignored) */
	memcpy(data, p, sizeof(data));
	if (index >= TDX_NUM_RTMRS)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RDX);
	if (!tdx_rtmr_trylock(td))
		return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RTMR);
	/* The hash can only fail for lack of memory; report it as the
	 * retryable contention status rather than corrupting RTMR. */
	if (tdx_sha384(td->mr.rtmr[index], TDX_MR_SIZE, data, sizeof(data), next))
		st = tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RTMR);
	else
		memcpy(td->mr.rtmr[index], next, TDX_MR_SIZE);
	tdx_rtmr_unlock(td);
	return st;
}

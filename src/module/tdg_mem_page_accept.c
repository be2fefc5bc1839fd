/* tdg_mem_page_accept.c: TDG.MEM.PAGE.ACCEPT (leaf 6), sections 8.1/8.2
 * (module 1.5.01), including the interruptible 2 MiB case (1.3).
 * Locks as MOD tdg_mem_page_accept.c: the SEPT entry of the requested
 * level is locked for the zeroing; if another flow holds it the answer is
 * TDX_OPERAND_BUSY | RCX (mem.h says how the entries are locked here). */
#include "td.h"

#define PAGES_PER_2M 512u

/* 8.2: the SEPT state does not allow the accept; the host must fix it
 * (AUG, DEMOTE) and the TDCALL is re-executed. */
static uint64_t violation(struct tdx_call *c, uint64_t gpa, unsigned req_level,
			  unsigned level, enum tdx_sept_state state, int leaf)
{
	tdx_exit_ept_violation(c, gpa, TDX_EPT_QUAL_WRITE,
			       TDX_EEQ(TDX_EEQ_ACCEPT, req_level, level, state, leaf),
			       "TDG.MEM.PAGE.ACCEPT needs the host to map the page");
	return 0;
}

/* Zero a PENDING 2 MiB leaf 4 KiB at a time from the accept counter; a
 * pending interrupt stops it after a chunk with RAX/RIP untouched (1.3). */
static uint64_t accept_2m(struct tdx_call *c, uint64_t region)
{
	struct tdx_mem *m = &c->td->mem;
	uint16_t *ctr = &m->accept_ctr[region];
	uint64_t base = region * TDX_PAGE_SIZE_2M;

	tdx_mem_zero(m, base + *ctr * TDX_PAGE_SIZE_4K, TDX_PAGE_SIZE_4K);
	(*ctr)++;
	if (*ctr < PAGES_PER_2M && tdx_vcpu_interrupted(c->vcpu)) {
		c->outcome = TDX_OUTCOME_REEXECUTE;
		return 0;
	}
	if (*ctr < PAGES_PER_2M)
		tdx_mem_zero(m, base + *ctr * TDX_PAGE_SIZE_4K,
			     (PAGES_PER_2M - *ctr) * TDX_PAGE_SIZE_4K);
	tdx_mem_set_region(m, region, TDX_REGION_PRESENT);	/* also clears the counter */
	return TDX_SUCCESS;
}

/* A 4 KiB accept, the region's read lock held. */
static uint64_t accept_4k(struct tdx_call *c, uint64_t gpa, enum tdx_region k)
{
	struct tdx_mem *m = &c->td->mem;
	uint64_t page = gpa / TDX_PAGE_SIZE_4K, st;

	switch (k) {
	case TDX_REGION_PRESENT:	/* walk stopped above at an accepted leaf */
		return TDX_PAGE_ALREADY_ACCEPTED | TDX_PAGE_2M;
	case TDX_REGION_PENDING:	/* the host must DEMOTE first */
		return violation(c, gpa, TDX_PAGE_4K, TDX_PAGE_2M, TDX_SEPT_PENDING, 1);
	case TDX_REGION_FREE:		/* no 4 KiB table under a FREE 2 MiB entry */
		return violation(c, gpa, TDX_PAGE_4K, TDX_PAGE_2M, TDX_SEPT_FREE, 0);
	default:
		break;
	}
	if (page >= m->size / TDX_PAGE_SIZE_4K)	/* the tail region's missing pages */
		return violation(c, gpa, TDX_PAGE_4K, TDX_PAGE_4K, TDX_SEPT_FREE, 1);
	/* MOD order: lock the entry, then look at its state. */
	if (!tdx_sept_trylock_page(m, page))
		return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RCX);
	switch (tdx_mem_page4k(m, page)) {
	case TDX_SEPT_PRESENT:
		st = TDX_PAGE_ALREADY_ACCEPTED | TDX_PAGE_4K;
		break;
	case TDX_SEPT_PENDING:
		tdx_mem_zero(m, gpa, TDX_PAGE_SIZE_4K);
		tdx_mem_set_page4k(m, page, TDX_SEPT_PRESENT);
		st = TDX_SUCCESS;
		break;
	default:
		tdx_sept_unlock_page(m, page);	/* released before the exit (MOD) */
		return violation(c, gpa, TDX_PAGE_4K, TDX_PAGE_4K, TDX_SEPT_FREE, 1);
	}
	tdx_sept_unlock_page(m, page);
	return st;
}

uint64_t tdg_mem_page_accept(struct tdx_call *c)
{
	struct tdx_td *td = c->td;
	struct tdx_mem *m = &td->mem;
	uint64_t rcx = c->regs->rcx;
	unsigned level = TDX_PAGE_INFO_LEVEL(rcx);
	uint64_t gpa = rcx & TDX_PAGE_INFO_GPA_MASK;
	uint64_t bad = tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	uint64_t region = gpa / TDX_PAGE_SIZE_2M;

	/* 8.1 checks, in the module's order. */
	if (rcx & TDX_PAGE_INFO_RSVD_MASK)
		return bad;
	if (level > TDX_PAGE_2M)
		return bad;
	if (gpa & ((level == TDX_PAGE_2M ? TDX_PAGE_SIZE_2M : TDX_PAGE_SIZE_4K) - 1))
		return bad;
	if (!tdx_gpa_valid(td, gpa) || (gpa & td->shared_bit))
		return bad;

	/* 8.2: walk to the requested level. Outside memory every entry is
	 * FREE (the 2 MiB entry, or the 4 KiB entry in the tail region). */
	if (region >= (m->size + TDX_PAGE_SIZE_2M - 1) / TDX_PAGE_SIZE_2M)
		/* No entry to lock: the walk finds nothing mapped. */
		return violation(c, gpa, level, TDX_PAGE_2M, TDX_SEPT_FREE, 0);
	if (level == TDX_PAGE_2M) {
		struct tdx_sept_hold h;
		uint64_t st;
		/* The 2 MiB entry, locked (MOD: before the non-leaf check). */
		if (!tdx_sept_lock_entry(m, gpa, TDX_PAGE_2M, &h))
			return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RCX);
		switch (h.kind) {
		case TDX_REGION_SPLIT:
			st = TDX_PAGE_SIZE_MISMATCH | TDX_PAGE_2M;
			break;
		case TDX_REGION_PRESENT:
			st = TDX_PAGE_ALREADY_ACCEPTED | TDX_PAGE_2M;
			break;
		case TDX_REGION_PENDING:
			st = accept_2m(c, region);
			break;
		default:
			st = violation(c, gpa, TDX_PAGE_2M, TDX_PAGE_2M, TDX_SEPT_FREE, 0);
			break;
		}
		tdx_sept_unlock_entry(m, &h);
		return st;
	}

	/* A host operation on the 2 MiB entry (AUG, DEMOTE) holds it. */
	if (!tdx_sept_tryread(m, region))
		return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RCX);
	uint64_t st = accept_4k(c, gpa, tdx_mem_region(m, region));
	tdx_sept_unread(m, region);
	return st;
}

/* gpa_access.c: a leaf's access to guest memory named by a GPA operand,
 * with the outcomes of the module's GPA walk (MOD helpers.c; section 4.1). */
#include "td.h"

uint64_t tdx_gpa_access(struct tdx_call *c, uint64_t gpa, uint64_t len,
			enum tdx_access acc, int allow_shared, unsigned operand,
			void **ptr)
{
	struct tdx_td *td = c->td;
	struct tdx_mem *m = &td->mem;
	uint64_t bad = tdx_status_opnd(TDX_OPERAND_INVALID, operand);
	uint64_t last = gpa + (len ? len : 1) - 1;
	uint64_t sbit = td->shared_bit;
	uint64_t off = gpa & ~sbit, end = last & ~sbit;	/* end: last byte */
	uint64_t qual = acc & TDX_ACCESS_WRITE ? TDX_EPT_QUAL_WRITE : TDX_EPT_QUAL_READ;

	if (last < gpa || !tdx_gpa_valid(td, last) || (gpa & sbit) != (last & sbit))
		return bad;

	if (gpa & sbit) {
		/* Shared operands: only where the leaf allows them, and only on
		 * pages the host mapped shared (the model has no shared-EPT
		 * fault path for TDCALL operands). */
		if (!allow_shared)
			return bad;
		for (uint64_t p = off & ~(TDX_PAGE_SIZE_4K - 1); p <= end; p += TDX_PAGE_SIZE_4K)
			if (!tdx_mem_is_shared(m, p / TDX_PAGE_SIZE_4K))
				return bad;
		*ptr = m->host + off;
		return TDX_SUCCESS;
	}

	/* Private: every page the range touches must be accepted. */
	for (uint64_t p = off & ~(TDX_PAGE_SIZE_4K - 1); p <= end; p += TDX_PAGE_SIZE_4K) {
		enum tdx_sept_state s = p < m->size ? tdx_mem_state(m, p, NULL) : TDX_SEPT_FREE;
		uint64_t at = p < off ? off : p;

		if (s == TDX_SEPT_PRESENT)
			continue;
		if (s == TDX_SEPT_PENDING) {
			/* 4.1: #VE unless TD_CTLS.PENDING_VE_DISABLE, then a TD exit
			 * the host reads as "touched before accept". */
			if (!(td->td_ctls & TDX_TD_CTLS_PENDING_VE_DISABLE))
				tdx_inject_ve(c, TDX_EXIT_EPT_VIOLATION, qual, 0, at, 0, 0);
			else
				tdx_exit_ept_violation(c, at, qual,
						       TDX_EEQ(TDX_EEQ_PENDING_EPT_VIOLATION, 0, 0, 0, 0),
						       "TDCALL memory operand on a PENDING private page");
			return TDX_GPA_WALK_DIVERTED;
		}
		tdx_exit_ept_violation(c, at, qual, 0,
				       "TDCALL memory operand on an unmapped private page");
		return TDX_GPA_WALK_DIVERTED;
	}
	*ptr = m->host + off;
	return TDX_SUCCESS;
}

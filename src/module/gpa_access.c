/* gpa_access.c: a leaf's access to guest memory named by a GPA operand,
 * with the outcomes of the module's GPA walk (MOD helpers.c
 * check_walk_and_map_guest_side_gpa(); tdx-abi.md 4.1). */
#include "td.h"

/* The EPT-violation qualification the walk builds: the access it asked
 * for (read always, write for a TDX_RANGE_RW mapping) in bits 1:0, and
 * the rights the entries granted in bits 5:3. Every entry the model's walk
 * fails on is non-present (PENDING, FREE, unmapped shared), so the granted
 * rights, accumulated over the walk, are 0. */
static uint64_t walk_qual(enum tdx_access acc)
{
	return TDX_EPT_QUAL_READ | (acc & TDX_ACCESS_WRITE ? TDX_EPT_QUAL_WRITE : 0);
}

/* Shared GPA: the shared EPT belongs to the host. A page in TD memory the
 * host has not mapped shared has a non-present entry with suppress-#VE set
 * (KVM's initial shared-EPT value): EPT-violation TD exit, the host maps it
 * and the TDCALL runs again. Beyond TD memory the GPA is emulated MMIO, whose
 * entries have suppress-#VE clear (as ve.c): a convertible violation, #VE. */
static uint64_t shared_walk(struct tdx_call *c, uint64_t gpa, uint64_t end, uint64_t qual,
			    void **ptr)
{
	struct tdx_mem *m = &c->td->mem;
	uint64_t sbit = c->td->shared_bit, off = gpa & ~sbit;

	for (uint64_t p = off & ~(TDX_PAGE_SIZE_4K - 1); p <= end; p += TDX_PAGE_SIZE_4K) {
		uint64_t at = (p < off ? off : p) | sbit;

		if (p >= m->size) {
			tdx_inject_ve(c, TDX_EXIT_EPT_VIOLATION, qual, 0, at, 0, 0);
			return TDX_GPA_WALK_DIVERTED;
		}
		if (!tdx_mem_is_shared(m, p / TDX_PAGE_SIZE_4K)) {
			tdx_exit_ept_violation(c, at, qual, 0,
					       "TDCALL memory operand on a shared page the host has not mapped");
			return TDX_GPA_WALK_DIVERTED;
		}
	}
	*ptr = m->host + off;
	return TDX_SUCCESS;
}

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
	uint64_t qual = walk_qual(acc);

	/* check_gpa_validity(): below 2^GPAW, and private where the leaf says so. */
	if (last < gpa || !tdx_gpa_valid(td, last) || (gpa & sbit) != (last & sbit))
		return bad;
	if (gpa & sbit)
		return allow_shared ? shared_walk(c, gpa, end, qual, ptr) : bad;

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

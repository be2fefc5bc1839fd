/* tdg_mem_page_attr_rd.c: TDG.MEM.PAGE.ATTR.RD (leaf 23), tdx-abi.md 7.6
 * (MOD tdg_mem_page_attr_rd.c). */
#include "td.h"

uint64_t tdg_mem_page_attr_rd(struct tdx_call *c)
{
	struct tdx_td *td = c->td;
	struct tdx_regs *r = c->regs;
	uint64_t gpa = r->rcx;
	enum tdx_page_level level = TDX_PAGE_4K;

	/* Any private GPA (no alignment); else RCX = RDX = 0. */
	if (!tdx_gpa_valid(td, gpa) || (gpa & td->shared_bit)) {
		r->rcx = r->rdx = 0;
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	}
	/* MOD: the entry the walk stops at is locked before its state is
	 * looked at (beyond TD memory the model has no entry to lock). */
	struct tdx_sept_hold h;
	int inside = gpa < td->mem.size;
	if (inside && !tdx_sept_lock_entry(&td->mem, gpa, TDX_PAGE_4K, &h)) {
		r->rcx = r->rdx = 0;
		return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RCX);
	}
	enum tdx_sept_state s = inside ? tdx_mem_state(&td->mem, gpa, &level) : TDX_SEPT_FREE;
	uint64_t size = level == TDX_PAGE_2M ? TDX_PAGE_SIZE_2M : TDX_PAGE_SIZE_4K;
	uint64_t attr = TDX_GPA_ATTR_L1;	/* word 0: always 0 in 1.5.01 */
	uint64_t alias = s == TDX_SEPT_FREE ? 0 : tdx_l2_alias_get(td, gpa & ~(size - 1), level);
	if (inside)
		tdx_sept_unlock_entry(&td->mem, &h);
	if (s == TDX_SEPT_FREE) {
		/* Not a leaf ATTR.RD may read: a plain EPT-violation TD exit
		 * (qualification and extended qualification 0). */
		tdx_exit_ept_violation(c, gpa, 0, 0, "TDG.MEM.PAGE.ATTR.RD on an unmapped private page");
		return 0;
	}
	for (unsigned vm = 1; vm <= td->cfg.num_l2_vms; vm++)
		attr |= (uint64_t)TDX_GPA_ATTR_WORD(alias, vm) << (16 * vm);
	r->rcx = (gpa & ~(size - 1)) | level | (s == TDX_SEPT_PENDING ? TDX_GPA_MAPPING_PENDING : 0);
	r->rdx = attr;
	return TDX_SUCCESS;
}

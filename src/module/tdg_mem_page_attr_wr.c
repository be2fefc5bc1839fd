/* tdg_mem_page_attr_wr.c: TDG.MEM.PAGE.ATTR.WR (leaf 24), tdx-abi.md 7.6,
 * in the order of MOD tdg_mem_page_attr_wr.c: attribute words, then the
 * page_info in RCX, then the L1 SEPT walk, then all VMs are checked
 * before anything is committed. */
#include "td.h"

static int legal(uint16_t a)
{
	if ((!(a & TDX_GPA_ATTR_VALID) && a) || (a & TDX_GPA_ATTR_RSVD) || (a & TDX_GPA_ATTR_SVE))
		return 0;
	if ((a & (TDX_GPA_ATTR_W | TDX_GPA_ATTR_PWA)) && !(a & TDX_GPA_ATTR_R))
		return 0;
	return 1;
}

static int present(uint16_t a)
{
	return (a & TDX_GPA_ATTR_PRESENT) != 0;
}

/* MOD td_other_exits.c async_tdexit_ept_violation(): a write access, and the
 * R/W/X bits of the SEPT entry the walk stopped at (a PRESENT leaf maps RWX;
 * FREE and PENDING entries are not present). */
static uint64_t violation(struct tdx_call *c, uint64_t gpa, unsigned req, unsigned lvl,
			  enum tdx_sept_state st, int leaf)
{
	uint64_t qual = TDX_EPT_QUAL_WRITE;

	if (st == TDX_SEPT_PRESENT)
		qual |= TDX_EPT_QUAL_READABLE | TDX_EPT_QUAL_WRITABLE | TDX_EPT_QUAL_EXECUTABLE;
	tdx_exit_ept_violation(c, gpa, qual, TDX_EEQ(TDX_EEQ_ATTR_WR, req, lvl, st, leaf),
			       "TDG.MEM.PAGE.ATTR.WR needs the host to map or demote the page");
	return 0;
}

static uint64_t locked(struct tdx_call *c, const struct tdx_sept_hold *h, uint64_t rcx,
		       uint64_t gpa, unsigned level, uint64_t in, uint64_t flags);

uint64_t tdg_mem_page_attr_wr(struct tdx_call *c)
{
	struct tdx_td *td = c->td;
	struct tdx_regs *r = c->regs;
	uint64_t rcx = r->rcx, in = r->rdx, flags = r->r8;
	unsigned nvm = td->cfg.num_l2_vms;

	/* Errors leave RCX = RDX = 0 (MOD "default output"). */
	r->rcx = r->rdx = 0;

	/* Word 0 (L1) and words of absent VMs must be 0; VALID = 0 => all 0. */
	for (unsigned vm = 0; vm <= TDX_L2_MAX_VMS; vm++) {
		uint16_t a = TDX_GPA_ATTR_WORD(in, vm), f = TDX_GPA_ATTR_WORD(flags, vm);
		if (vm == 0 || vm > nvm) {
			if (a)
				return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RDX);
			if (f)
				return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_R8);
		} else if (a && !(a & TDX_GPA_ATTR_VALID)) {
			return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RDX);
		}
	}

	/* page_info: levels 4K..1G, aligned, reserved bits 0, private GPA. */
	unsigned level = TDX_PAGE_INFO_LEVEL(rcx);
	uint64_t gpa = rcx & TDX_PAGE_INFO_GPA_MASK;
	uint64_t size = level == TDX_PAGE_1G ? TDX_PAGE_SIZE_1G :
			level == TDX_PAGE_2M ? TDX_PAGE_SIZE_2M : TDX_PAGE_SIZE_4K;
	if ((rcx & TDX_PAGE_INFO_RSVD_MASK) || level > TDX_PAGE_1G || (gpa & (size - 1)) ||
	    !tdx_gpa_valid(td, gpa) || (gpa & td->shared_bit))
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);

	/* L1 SEPT walk to the requested level; the entry it reaches is locked
	 * before its state is looked at (MOD: a walk that stops above the
	 * level is an EPT violation at once, with no lock). */
	struct tdx_mem *m = &td->mem;
	struct tdx_sept_hold h;
	int inside = gpa < m->size;
	if (level == TDX_PAGE_1G) {
		/* The model has no 1 GiB leaves: inside memory the entry is a
		 * non-leaf; beyond it a FREE entry the leaf may not use. */
		if (inside)
			return TDX_PAGE_SIZE_MISMATCH | TDX_PAGE_1G;
		return violation(c, gpa, level, TDX_PAGE_1G, TDX_SEPT_FREE, 0);
	}
	enum tdx_region k = inside ? tdx_mem_region(m, gpa / TDX_PAGE_SIZE_2M) : TDX_REGION_FREE;
	if (k == TDX_REGION_FREE && !inside)
		return violation(c, gpa, level, TDX_PAGE_2M, TDX_SEPT_FREE, 0);
	if (level == TDX_PAGE_4K && k != TDX_REGION_SPLIT)	/* walk stops at the 2 MiB entry */
		return violation(c, gpa, level, TDX_PAGE_2M,
				 k == TDX_REGION_PRESENT ? TDX_SEPT_PRESENT :
				 k == TDX_REGION_PENDING ? TDX_SEPT_PENDING : TDX_SEPT_FREE,
				 k != TDX_REGION_FREE);
	if (!tdx_sept_lock_entry(m, gpa, level, &h))
		return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RCX);
	uint64_t st = locked(c, &h, rcx, gpa, level, in, flags);
	tdx_sept_unlock_entry(m, &h);
	return st;
}

/* The rest, with the L1 entry locked: it keeps its state while every
 * VM's entry is checked and changed (MOD). */
static uint64_t locked(struct tdx_call *c, const struct tdx_sept_hold *h, uint64_t rcx,
		       uint64_t gpa, unsigned level, uint64_t in, uint64_t flags)
{
	struct tdx_td *td = c->td;
	struct tdx_regs *r = c->regs;
	unsigned nvm = td->cfg.num_l2_vms;
	enum tdx_sept_state s;
	uint64_t st;

	if (level == TDX_PAGE_2M) {
		if (h->kind == TDX_REGION_SPLIT)
			return TDX_PAGE_SIZE_MISMATCH | TDX_PAGE_2M;
		if (h->kind == TDX_REGION_FREE)
			return violation(c, gpa, level, TDX_PAGE_2M, TDX_SEPT_FREE, 0);
		s = h->kind == TDX_REGION_PRESENT ? TDX_SEPT_PRESENT : TDX_SEPT_PENDING;
	} else {
		s = tdx_mem_page4k(&td->mem, h->page);
		if (s == TDX_SEPT_FREE)
			return violation(c, gpa, level, TDX_PAGE_4K, TDX_SEPT_FREE, 1);
	}

	/* Step 1: L1's word. Step 2: every VM's new word, checked before any
	 * change (MOD get_all_l2_sept_entries). */
	uint64_t cur = tdx_l2_alias_get(td, gpa, level);
	uint64_t out = (uint64_t)TDX_GPA_ATTR_L1 | (in & ~0xFFFFull);
	int invalid = 0;
	for (unsigned vm = 1; vm <= nvm; vm++) {
		uint16_t mask = TDX_GPA_ATTR_WORD(flags, vm) | TDX_GPA_ATTR_VALID;
		uint16_t masked = TDX_GPA_ATTR_WORD(in, vm) & mask;
		uint16_t old = TDX_GPA_ATTR_WORD(cur, vm), nw;

		if (!(masked & TDX_GPA_ATTR_VALID))
			continue;	/* VM unchanged; its output word is the input (0) */
		if (old & TDX_GPA_ATTR_VALID) {	/* aliased: merge */
			nw = (old & ~mask) | masked;
			if (present(nw) && !legal(nw)) {
				invalid = 1;
				nw = old;
			}
		} else if (present(masked)) {
			if (!legal(masked)) {
				invalid = 1;
				nw = 0;
			} else {
				nw = masked;
				/* Creating the alias needs an L2 SEPT page; with
				 * VM_CTLS[vm] bit 0 clear (the model's TDCS) that is
				 * an error, not a TD exit. */
				if (!tdx_l2_alias_room(td, gpa, level))
					return TDX_L2_SEPT_WALK_FAILED | ((uint64_t)vm << 16) | level;
			}
		} else {
			continue;	/* not aliased and not present: nothing to do */
		}
		out = (out & ~(0xFFFFull << (16 * vm))) | ((uint64_t)nw << (16 * vm));
	}
	if (invalid) {
		r->rcx = 0;
		r->rdx = out;
		return TDX_PAGE_ATTR_INVALID;
	}

	/* Step 3: commit. */
	uint64_t next = cur;
	for (unsigned vm = 1; vm <= nvm; vm++) {
		uint16_t nw = TDX_GPA_ATTR_WORD(out, vm);
		uint64_t wmask = 0xFFFFull << (16 * vm);

		if (nw & TDX_GPA_ATTR_VALID) {
			if (!present(nw)) {	/* remove the alias; the word says VALID only */
				nw = TDX_GPA_ATTR_WORD(cur, vm) & TDX_GPA_ATTR_VALID ? TDX_GPA_ATTR_VALID : nw;
				next &= ~wmask;
				out = (out & ~wmask) | ((uint64_t)nw << (16 * vm));
			} else {
				next = (next & ~wmask) | ((uint64_t)nw << (16 * vm));
			}
		}
		if (TDX_GPA_ATTR_WORD(flags, vm) & TDX_ATTR_FLAGS_INVEPT)
			tdx_l2_invalidate(c, vm, 1, 0);
	}
	if (next != cur && (st = tdx_l2_alias_set(td, gpa, level, next)) != 0)
		return TDX_L2_SEPT_WALK_FAILED | level;	/* unreachable: room checked above */

	r->rcx = rcx | (s == TDX_SEPT_PENDING ? TDX_GPA_MAPPING_PENDING : 0);
	r->rdx = out;
	return TDX_SUCCESS;
}

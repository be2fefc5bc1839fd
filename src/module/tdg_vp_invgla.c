/* tdg_vp_invgla.c: TDG.VP.INVGLA (leaf 27; MOD tdg_vp_invvpid.c),
 * tdx-abi.md 7.5: INVVPID individual-address for one GLA range (RDX entry)
 * or a list of ranges in a private page (RDX list descriptor). */
#include "td.h"

#define RCX_LIST 1ull
#define RCX_RSVD (~(RCX_LIST | TDX_VP_ENTER_VM_MASK))
#define LIST_FIRST(d) ((unsigned)((d) & 0x1FF))
#define LIST_NUM(d) ((unsigned)(((d) >> 52) & 0x3FF))
#define LIST_RSVD 0xC000000000000E00ull	/* bits 11:9, 63:62 */
#define LIST_GPA(d) ((d) & 0x000FFFFFFFFFF000ull)
#define LIST_MAX 512u

/* INVVPID faults on a non-canonical address; the model's L2 paging is
 * 4-level (48-bit linear addresses). */
static int canonical(uint64_t la)
{
	return (uint64_t)((int64_t)(la << 16) >> 16) == la;
}

/* One entry: BASE_GLA 63:12, LAST_GLA_INDEX 11:0 = extra pages. */
static uint64_t inv_entry(struct tdx_call *c, unsigned vm, uint64_t entry)
{
	uint64_t la = entry & ~0xFFFull;

	for (unsigned i = 0; i <= (entry & 0xFFF); i++, la += TDX_PAGE_SIZE_4K) {
		if (!canonical(la))
			return TDX_GLA_NOT_CANONICAL;
		tdx_l2_invalidate(c, vm, 4, la);
	}
	return TDX_SUCCESS;
}

uint64_t tdg_vp_invgla(struct tdx_call *c)
{
	struct tdx_regs *r = c->regs;
	uint64_t rcx = r->rcx, st;
	unsigned vm = (unsigned)((rcx & TDX_VP_ENTER_VM_MASK) >> TDX_VP_ENTER_VM_SHIFT);

	if (vm == 0 || vm > c->td->cfg.num_l2_vms || (rcx & RCX_RSVD))
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	if (!(rcx & RCX_LIST))
		return inv_entry(c, vm, r->rdx);

	uint64_t d = r->rdx;
	unsigned first = LIST_FIRST(d), num = LIST_NUM(d);
	if ((d & LIST_RSVD) || first + num > LIST_MAX)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RDX);
	void *p;
	st = tdx_gpa_access(c, LIST_GPA(d), TDX_PAGE_SIZE_4K, TDX_ACCESS_READ, 0, TDX_OPND_RDX, &p);
	if (st == TDX_GPA_WALK_DIVERTED)
		return 0;
	if (st != TDX_SUCCESS)
		return st;
	const uint64_t *list = p;
	int intr = 0;
	while (num > 0 && !intr) {
		/* A bad entry fails the call with RDX as it came in (MOD). */
		if ((st = inv_entry(c, vm, list[first])) != TDX_SUCCESS)
			return st;
		first++;
		num--;
		intr = tdx_vcpu_interrupted(c->vcpu);
	}
	/* Progress in RDX; interrupted with entries left: the TDCALL is
	 * re-executed (RAX and RIP untouched) and continues (1.3). */
	r->rdx = (d & ~(0x1FFull | (0x3FFull << 52))) | first | ((uint64_t)num << 52);
	if (num > 0)
		c->outcome = TDX_OUTCOME_REEXECUTE;
	return TDX_SUCCESS;
}

/* invgla.c: TDG.VP.INVGLA (leaf 27, tdx-abi.md 7.5): one GLA-range entry
 * in RDX, or a list descriptor naming entries in a private page. The
 * runner returns the status; so does this (policy applies). */
#include "l1_int.h"

#define RCX_LIST 1ull
#define LIST_MAX 512u

static uint64_t rcx_of(enum tdx_l1_vtl vtl, uint64_t list)
{
	return ((uint64_t)TDX_L1_VM_INDEX(vtl) << TDX_VP_ENTER_VM_SHIFT) | list;
}

uint64_t tdx_l1_invgla(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint64_t entry)
{
	if (!l1_vtl_ok(vtl))
		return L1_REFUSE(E_VTL);
	uint64_t st = l1_call(vp, TDG_VP_INVGLA, rcx_of(vtl, 0), entry, 0, 0, NULL);
	return l1_done(vp, "TDG.VP.INVGLA", TDG_VP_INVGLA, st);
}

uint64_t tdx_l1_invgla_list(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint64_t list_gpa,
			    unsigned first, unsigned count)
{
	if (!l1_vtl_ok(vtl))
		return L1_REFUSE(E_VTL);
	if (list_gpa & (TDX_PAGE_SIZE_4K - 1))
		return L1_REFUSE(E_ALIGN);
	if (first >= LIST_MAX || count > LIST_MAX - first)
		return L1_REFUSE(E_ARG);
	/* FIRST_ENTRY 8:0, GPA 51:12, NUM_ENTRIES 61:52. An interrupted list
	 * is re-executed with the progress the module left in RDX (1.3). */
	uint64_t d = (list_gpa & 0x000FFFFFFFFFF000ull) | first | ((uint64_t)count << 52);
	uint64_t st = l1_call(vp, TDG_VP_INVGLA, rcx_of(vtl, RCX_LIST), d, 0, 0, NULL);
	return l1_done(vp, "TDG.VP.INVGLA list", TDG_VP_INVGLA, st);
}

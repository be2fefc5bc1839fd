/* tdg_sys_rdall.c: TDG.SYS.RDALL (leaf 12, MOD tdg_sys_rdall.c): the global
 * fields a guest may read, as a metadata list in the private 4 KiB page at
 * RDX, from the field ID in R8 on (a null ID: from the first). R8 returns
 * the field the list stopped before, or the null ID when all were read. */
#include "metadata.h"

uint64_t tdg_sys_rdall(struct tdx_call *c)
{
	struct tdx_regs *r = c->regs;
	uint64_t gpa = r->rdx, start = r->r8, next;
	void *list;

	r->r8 = TDX_FIELD_ID_NULL;	/* preset: every error leaves R8 = -1 */
	if (gpa & (TDX_PAGE_SIZE_4K - 1))
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RDX);
	/* Written as well as read: a TDX_RANGE_RW walk of a private-only GPA. */
	uint64_t st = tdx_gpa_access(c, gpa, TDX_PAGE_SIZE_4K, TDX_ACCESS_WRITE, 0, TDX_OPND_RDX, &list);
	if (st != TDX_SUCCESS)
		return st;	/* OPERAND_INVALID | RDX, or diverted (#VE / TD exit) */
	st = tdx_md_dump_list(c, &tdx_md_sys_ctx, start, list, TDX_PAGE_SIZE_4K, &next);
	r->r8 = next;
	return st;
}

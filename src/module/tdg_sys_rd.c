/* tdg_sys_rd.c: TDG.SYS.RD (leaf 11) on the global table
 * (docs/metadata-fields.md 3, 4, 5). No RCX check: RCX is not an input. */
#include "metadata.h"

uint64_t tdg_sys_rd(struct tdx_call *c)
{
	struct tdx_regs *r = c->regs;
	uint64_t id = r->rdx, value = 0, next = TDX_FIELD_ID_NULL;

	r->rdx = TDX_FIELD_ID_NULL;
	r->r8 = 0;
	uint64_t st = tdx_md_guest_read(c, &tdx_md_sys_ctx, id, 1, &value, &next);
	if (st == TDX_SUCCESS || st == TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT)
		r->rdx = next;
	if (st == TDX_SUCCESS)
		r->r8 = value;
	return st;
}

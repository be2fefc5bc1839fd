/* tdg_vp_rd_wr.c: TDG.VP.RD (leaf 9) and TDG.VP.WR (leaf 10) on the
 * VCPU-scope table of the calling VCPU (docs/metadata-fields.md 2, 4, 5). */
#include "metadata.h"

/* Preset outputs: R8 = 0 and (read) RDX = -1 on every error (5). */
uint64_t tdg_vp_rd(struct tdx_call *c)
{
	struct tdx_regs *r = c->regs;
	uint64_t id = r->rdx, value = 0, next = TDX_FIELD_ID_NULL;

	r->rdx = TDX_FIELD_ID_NULL;
	r->r8 = 0;
	if (r->rcx != 0)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	uint64_t st = tdx_md_guest_read(c, &tdx_md_vp_ctx, id, 1, &value, &next);
	if (st == TDX_SUCCESS || st == TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT)
		r->rdx = next;
	if (st == TDX_SUCCESS)
		r->r8 = value;
	return st;
}

uint64_t tdg_vp_wr(struct tdx_call *c)
{
	struct tdx_regs *r = c->regs;
	uint64_t value = r->r8, old = 0;

	r->r8 = 0;
	if (r->rcx != 0)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	uint64_t st = tdx_md_guest_write(c, &tdx_md_vp_ctx, r->rdx, value, r->r9, &old);
	if (st == TDX_SUCCESS)
		r->r8 = old;
	return st;
}

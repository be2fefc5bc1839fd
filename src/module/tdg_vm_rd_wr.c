/* tdg_vm_rd_wr.c: TDG.VM.RD (leaf 7, versions 0 and 1) and TDG.VM.WR
 * (leaf 8) on the TD-scope table (docs/metadata-fields.md 1, 4, 5). */
#include "metadata.h"

/* Outputs are preset before any check, so every error leaves R8 = 0 and,
 * for TDG.VM.RD version 1, RDX = -1; version 0 never touches RDX (5). */
uint64_t tdg_vm_rd(struct tdx_call *c)
{
	struct tdx_regs *r = c->regs;
	unsigned version = TDX_LEAF_VERSION(r->rax);
	uint64_t id = r->rdx, value = 0, next = TDX_FIELD_ID_NULL;

	if (version > 0)
		r->rdx = TDX_FIELD_ID_NULL;
	r->r8 = 0;
	if (version > 1)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RAX);
	if (r->rcx != 0)	/* VM index: only 0 (the TD itself) in 1.5.01 */
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	/* The null ID asks for the first field only from version 1 on (4.1). */
	uint64_t st = tdx_md_guest_read(c, &tdx_md_td_ctx, id, version > 0, &value, &next);
	if (version > 0 && (st == TDX_SUCCESS || st == TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT))
		r->rdx = next;
	if (st == TDX_SUCCESS)
		r->r8 = value;
	return st;
}

uint64_t tdg_vm_wr(struct tdx_call *c)
{
	struct tdx_regs *r = c->regs;
	uint64_t value = r->r8, old = 0;

	r->r8 = 0;
	if (r->rcx != 0)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	uint64_t st = tdx_md_guest_write(c, &tdx_md_td_ctx, r->rdx, value, r->r9, &old);
	if (st == TDX_SUCCESS)
		r->r8 = old;
	return st;
}

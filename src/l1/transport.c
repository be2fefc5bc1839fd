/* transport.c: the ioctl-like transport (tdx-abi.md 10.1) and the VP's
 * TDCALL path. The runner sends every module call through the mshv_vtl
 * driver's MSHV_VTL_TDCALL: only module leaves (never TDG.VP.VMCALL),
 * inputs RAX, RCX, RDX, R8, R9 (R10..R15 asserted zero by the runner),
 * outputs RAX, RCX, RDX, R8, R10, R11. Here the refusals are errors. */
#include "l1_int.h"

uint64_t tdx_l1_mshv_tdcall(struct tdx_l1_mshv_tdcall *args)
{
	struct tdx_tdcall_out o;

	if (!args)
		return L1_REFUSE(E_ARG);
	/* The kernel forwards module calls only; ENTER has its own path (it
	 * clobbers every GPR, 7.3), so it is no plain TDCALL either. */
	uint64_t leaf = args->rax & TDX_LEAF_MASK;
	if (leaf == TDG_VP_VMCALL || leaf == TDG_VP_ENTER)
		return L1_REFUSE(E_LEAF);
	uint64_t st = tdx_tdcall_raw_ret(args->rax, args->rcx, args->rdx, args->r8, args->r9, &o);
	args->rax = st;
	args->rcx = o.rcx;
	args->rdx = o.rdx;
	args->r8 = o.r8;
	args->r10_out = o.r10;
	args->r11_out = o.r11;	/* R9 is not read back (10.1) */
	return st;
}

uint64_t tdx_l1_tdcall_mshv(void *ctx, const struct tdx_l1_tdcall_in *in,
			    struct tdx_l1_tdcall_out *out)
{
	(void)ctx;
	*out = (struct tdx_l1_tdcall_out){ 0 };
	if ((in->leaf & TDX_LEAF_MASK) == TDG_VP_VMCALL || (in->leaf & TDX_LEAF_MASK) == TDG_VP_ENTER)
		return out->rax = L1_REFUSE(E_LEAF);
	if (in->r10 | in->r11 | in->r12 | in->r13 | in->r14 | in->r15)
		return out->rax = L1_REFUSE(E_INPUT_REGS);

	struct tdx_l1_mshv_tdcall a = {
		.rax = in->leaf, .rcx = in->rcx, .rdx = in->rdx, .r8 = in->r8, .r9 = in->r9,
	};
	uint64_t st = tdx_l1_mshv_tdcall(&a);
	if (tdx_l1_error(st))
		return out->rax = st;
	out->rax = a.rax;
	out->rcx = a.rcx;
	out->rdx = a.rdx;
	out->r8 = a.r8;
	out->r10 = a.r10_out;
	out->r11 = a.r11_out;
	return st;
}

uint64_t l1_call(struct tdx_l1_vp *vp, uint64_t leaf, uint64_t rcx, uint64_t rdx,
		 uint64_t r8, uint64_t r9, struct tdx_l1_tdcall_out *out)
{
	struct tdx_l1_tdcall_in in = { .leaf = leaf, .rcx = rcx, .rdx = rdx, .r8 = r8, .r9 = r9 };
	struct tdx_l1_tdcall_out dummy;

	return vp->tdcall(vp->tdcall_ctx, &in, out ? out : &dummy);
}

/* TDG.VP.RD: RDX = field ID, value in R8 (6.1). */
uint64_t l1_vp_rd(struct tdx_l1_vp *vp, uint64_t field, uint64_t *value)
{
	struct tdx_l1_tdcall_out o;
	uint64_t st = l1_call(vp, TDG_VP_RD, 0, field, 0, 0, &o);

	if (st == TDX_SUCCESS && value)
		*value = o.r8;
	return st;
}

/* TDG.VP.WR: RDX = field ID, R8 = value, R9 = mask; old value in R8 (6.2). */
uint64_t l1_vp_wr(struct tdx_l1_vp *vp, uint64_t field, uint64_t value, uint64_t mask,
		  uint64_t *old)
{
	struct tdx_l1_tdcall_out o;
	uint64_t st = l1_call(vp, TDG_VP_WR, 0, field, value, mask, &o);

	if (st == TDX_SUCCESS && old)
		*old = o.r8;
	return st;
}

void tdx_l1_set_transport(struct tdx_l1_vp *vp, tdx_l1_tdcall_fn fn, void *ctx)
{
	vp->tdcall = fn ? fn : tdx_l1_tdcall_mshv;
	vp->tdcall_ctx = fn ? ctx : NULL;
}

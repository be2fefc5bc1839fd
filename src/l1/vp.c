/* vp.c: the run-page context and per-VTL private registers (tdx-abi.md
 * 10.2; the runner's read_private_regs / write_private_regs and
 * TdxPrivateRegs::new). The page holds the private registers of
 * vp->loaded_vtl; the other VTL's wait in vp->saved[]. */
#include "l1_int.h"

void tdx_l1_private_regs_init(struct tdx_l1_private_regs *r, enum tdx_l1_vtl vtl)
{
	*r = (struct tdx_l1_private_regs){ 0 };
	r->rflags = TDX_L1_RFLAGS_RESET;
	/* A full flush pending, so that a fresh (or reset) VTL starts with a
	 * clean TLB, as the runner does. */
	r->entry_flags = ((uint64_t)TDX_L1_VM_INDEX(vtl) << TDX_VP_ENTER_VM_SHIFT) |
			 TDX_L1_INVD_INVEPT;
}

/* Page -> r (runner read_private_regs). */
static void page_to_regs(const struct tdx_l1_vp_context *c, struct tdx_l1_private_regs *r)
{
	r->rflags = c->gpr_list.rflags;
	r->rip = c->gpr_list.rip;
	r->rsp = c->gpr_list.gpr[TDX_GPR_RSP];
	r->ssp = c->gpr_list.ssp;
	r->rvi = c->gpr_list.rvi;
	r->svi = c->gpr_list.svi;
	r->msr_kernel_gs_base = c->vp_state.msr_kernel_gs_base;
	r->msr_star = c->vp_state.msr_star;
	r->msr_lstar = c->vp_state.msr_lstar;
	r->msr_sfmask = c->vp_state.msr_sfmask;
	r->msr_xss = c->vp_state.msr_xss;
	r->msr_tsc_aux = c->vp_state.msr_tsc_aux;
	r->entry_flags = c->entry_rcx;
}

/* r -> page (runner write_private_regs); CR2, flags and the other GPRs
 * are shared and stay. */
static void regs_to_page(struct tdx_l1_vp_context *c, const struct tdx_l1_private_regs *r)
{
	c->gpr_list.rflags = r->rflags;
	c->gpr_list.rip = r->rip;
	c->gpr_list.gpr[TDX_GPR_RSP] = r->rsp;
	c->gpr_list.ssp = r->ssp;
	c->gpr_list.rvi = r->rvi;
	c->gpr_list.svi = r->svi;
	c->vp_state.msr_kernel_gs_base = r->msr_kernel_gs_base;
	c->vp_state.msr_star = r->msr_star;
	c->vp_state.msr_lstar = r->msr_lstar;
	c->vp_state.msr_sfmask = r->msr_sfmask;
	c->vp_state.msr_xss = r->msr_xss;
	c->vp_state.msr_tsc_aux = r->msr_tsc_aux;
	c->entry_rcx = r->entry_flags;
}

uint64_t tdx_l1_vp_init(struct tdx_l1_vp *vp, struct tdx_l1_run_page *run, uint64_t run_gpa,
			enum tdx_l1_failure_policy policy)
{
	if (!vp || !run)
		return L1_REFUSE(E_ARG);
	if (((uintptr_t)run | run_gpa) & (TDX_PAGE_SIZE_4K - 1))
		return L1_REFUSE(E_ALIGN);

	volatile uint8_t *p = (volatile uint8_t *)run;	/* no memset: freestanding */
	for (size_t i = 0; i < sizeof(*run); i++)
		p[i] = 0;
	*vp = (struct tdx_l1_vp){ .run = run, .run_gpa = run_gpa, .policy = policy };
	tdx_l1_set_transport(vp, NULL, NULL);

	struct tdx_l1_private_regs r;
	tdx_l1_private_regs_init(&r, TDX_L1_VTL0);
	regs_to_page(&run->context, &r);
	vp->loaded_vtl = TDX_L1_VTL0;
	for (unsigned v = 0; v < TDX_L1_NR_VTLS; v++)
		tdx_l1_private_regs_init(&vp->saved[v], (enum tdx_l1_vtl)v);
	run->context.fx_state.fcw = TDX_L1_FCW_RESET;
	run->context.fx_state.mxcsr = TDX_L1_MXCSR_RESET;
	run->context.l2_tsc_deadline.deadline = ~0ull;	/* disabled (6.5) */
	return TDX_SUCCESS;
}

uint64_t tdx_l1_get_private_regs(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl,
				 struct tdx_l1_private_regs *out)
{
	if (!l1_vtl_ok(vtl))
		return L1_REFUSE(E_VTL);
	if (vtl == vp->loaded_vtl)
		page_to_regs(&vp->run->context, out);
	else
		*out = vp->saved[vtl];
	return TDX_SUCCESS;
}

uint64_t tdx_l1_set_private_regs(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl,
				 const struct tdx_l1_private_regs *in)
{
	if (!l1_vtl_ok(vtl))
		return L1_REFUSE(E_VTL);
	if (vtl == vp->loaded_vtl)
		regs_to_page(&vp->run->context, in);
	else
		vp->saved[vtl] = *in;
	return TDX_SUCCESS;
}

/* Strength of an INVD_TRANSLATIONS request: INVEPT > INVVPID > non-global. */
static const uint8_t invd_rank[4] = { 0, 3, 2, 1 };

uint64_t tdx_l1_request_flush(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, unsigned invd)
{
	if (!l1_vtl_ok(vtl))
		return L1_REFUSE(E_VTL);
	if (invd > TDX_L1_INVD_INVVPID_NONGLOBAL)
		return L1_REFUSE(E_ARG);
	uint64_t *rcx = vtl == vp->loaded_vtl ? &vp->run->context.entry_rcx : &vp->saved[vtl].entry_flags;
	if (invd_rank[invd] > invd_rank[*rcx & TDX_VP_ENTER_INVD_MASK])
		*rcx = (*rcx & ~TDX_VP_ENTER_INVD_MASK) | invd;
	return TDX_SUCCESS;
}

void tdx_l1_set_tsc_deadline(struct tdx_l1_vp *vp, uint64_t deadline)
{
	vp->run->context.l2_tsc_deadline.deadline = deadline;
	vp->run->context.l2_tsc_deadline.update_deadline = 1;
}

/* Put `vtl`'s private registers into the page (a VTL switch). */
static void load_vtl(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl)
{
	if (vtl == vp->loaded_vtl)
		return;
	page_to_regs(&vp->run->context, &vp->saved[vp->loaded_vtl]);
	regs_to_page(&vp->run->context, &vp->saved[vtl]);
	vp->loaded_vtl = vtl;
}

uint64_t tdx_l1_enter(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl)
{
	struct tdx_l1_vp_context *c = &vp->run->context;
	uint64_t st;

	if (!l1_vtl_ok(vtl))
		return L1_REFUSE(E_VTL);
	load_vtl(vp, vtl);

	/* What the kernel does before entering (10.2): the TSC deadline. */
	if (c->l2_tsc_deadline.update_deadline) {
		st = l1_vp_wr(vp, TDX_FIELD_VP_TSC_DEADLINE(TDX_L1_VM_INDEX(vtl)),
			      c->l2_tsc_deadline.deadline, ~0ull, NULL);
		if (st != TDX_SUCCESS)
			return l1_done(vp, "TDG.VP.WR TSC_DEADLINE", TDG_VP_WR, st);
		c->l2_tsc_deadline.update_deadline = 0;
	}

	struct tdx_l1_fxsave *fx = NULL;
	if (!(vp->flags & TDX_L1_VP_NO_FX_SWITCH)) {
		fx = &c->fx_state;
		fx->mxcsr &= 0xFFFF;	/* reserved MXCSR bits would make FXRSTOR #GP */
	}
	st = tdx_l1_enter_raw(c->entry_rcx, vp->run_gpa + offsetof(struct tdx_l1_run_page, context.gpr_list),
			      &c->exit_info, fx);
	/* The L2 ran: the requested flush is done (OVMM clears the bits). */
	if (tdx_l1_exit_entered(st))
		c->entry_rcx &= ~TDX_VP_ENTER_INVD_MASK;
	return l1_done(vp, "TDG.VP.ENTER", TDG_VP_ENTER, st);
}

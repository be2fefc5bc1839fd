/* tdg_vp_enter.c: TDG.VP.ENTER (leaf 25), tdx-abi.md 7.3, in the order of
 * MOD tdg_vp_enter.c: RDX, RCX, virtual-APIC GPA, pending L1 interrupt,
 * translation of the soft-translated GPAs, invalidation, then the L2 runs
 * on the registered engine until an exit that goes to L1 or the host. */
#include <stdio.h>
#include <string.h>

#include "td.h"

#define GUEST_STATE_BYTES 154	/* MOD l2_enter_guest_state_t, packed */
#define RCX_RSVD (~(TDX_VP_ENTER_INVD_MASK | TDX_VP_ENTER_VM_MASK))
/* Exits the module handles inside the L2 (a failed L2 TDVMCALL) before
 * deciding the engine makes no progress. */
#define MAX_L2_RESUMES 4096

static int translatable(const struct tdx_td *td, uint64_t gpa)
{
	return gpa < td->mem.size && tdx_mem_state(&td->mem, gpa, NULL) == TDX_SEPT_PRESENT;
}

static uint64_t die(struct tdx_call *c, unsigned vm, const char *why)
{
	struct tdx_td *td = c->td;

	tdx_td_kill(td, "TDG.VP.ENTER of L2 VM %u on VCPU %u: %s",
		    vm, c->vcpu->index, why ? why : "the L2 CPU engine failed");
	c->outcome = TDX_OUTCOME_TD_DEAD;
	return 0;
}

uint64_t tdg_vp_enter(struct tdx_call *c)
{
	struct tdx_td *td = c->td;
	struct tdx_vcpu *v = c->vcpu;
	struct tdx_regs *r = c->regs;
	uint64_t rcx = r->rcx, gpa = r->rdx;
	unsigned vm = (unsigned)((rcx & TDX_VP_ENTER_VM_MASK) >> TDX_VP_ENTER_VM_SHIFT);

	/* RDX: 256-byte aligned valid private GPA (checked first by MOD). */
	if ((gpa & 0xFF) || !tdx_gpa_valid(td, gpa) || (gpa & td->shared_bit))
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RDX);
	if (vm == 0 || vm > td->cfg.num_l2_vms || (rcx & RCX_RSVD))
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);

	struct tdx_l2_vm *s = tdx_l2_vm(v, vm);
	if (s->vapic_gpa == TDX_NULL_PA)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_L2_VAPIC_GPA);
	/* L1 has a deliverable interrupt: RVI[7:4] > PPR[7:4]. */
	if ((v->l2.l1_rvi & 0xF0) > (v->l2.l1_ppr & 0xF0))
		return TDX_PENDING_INTERRUPT;

	s->guest_state_gpa = gpa;
	/* Soft-translated GPAs (guest-state page, virtual-APIC page) must be
	 * mapped and accepted; otherwise an EPT-violation TD exit with qual 0
	 * and the TDCALL runs again after the host's fix. */
	if (!translatable(td, gpa)) {
		tdx_exit_ept_violation(c, gpa, 0, 0, "TDG.VP.ENTER guest-state page not mapped/accepted");
		return 0;
	}
	if (!translatable(td, s->vapic_gpa & ~0xFFFull)) {
		tdx_exit_ept_violation(c, s->vapic_gpa, 0, 0, "L2 virtual-APIC page not mapped/accepted");
		return 0;
	}

	unsigned invd = (unsigned)(rcx & TDX_VP_ENTER_INVD_MASK);
	if (invd)
		tdx_l2_invalidate(c, vm, invd, 0);

	/* Load the L2 state: GPRs from the page, RSP/RFLAGS/RIP/SSP and the
	 * interrupt status also into the L2 VMCS. */
	struct tdx_l2_run run;
	struct tdx_l2_enter_guest_state g;
	memset(&g, 0, sizeof(g));
	memcpy(&g, tdx_mem_gpa_ptr(td, gpa, GUEST_STATE_BYTES), GUEST_STATE_BYTES);
	tdx_l2_run_init(c, &run, vm);
	run.invd = invd;
	memcpy(run.gpr, g.gpr, sizeof(run.gpr));
	run.rflags = g.rflags;
	run.rip = g.rip;
	run.ssp = g.ssp;
	run.rvi = g.rvi;
	run.svi = g.svi;
	tdx_l2_vmcs_set(s, VMCS_GUEST_RSP, g.gpr[TDX_GPR_RSP]);
	tdx_l2_vmcs_set(s, VMCS_GUEST_RFLAGS, g.rflags);
	tdx_l2_vmcs_set(s, VMCS_GUEST_RIP, g.rip);
	tdx_l2_vmcs_set(s, VMCS_GUEST_SSP, g.ssp);
	tdx_l2_vmcs_set(s, VMCS_GUEST_INTR_STATUS, g.rvi | ((uint64_t)g.svi << 8));

	const struct tdx_l2_engine_ops *e = td->l2.engine ? td->l2.engine : &tdx_l2_no_engine;
	void *ctx = td->l2.engine ? td->l2.engine_ctx : NULL;
	for (unsigned n = 0; n < MAX_L2_RESUMES; n++) {
		uint64_t cls;

		memset(&run.exit, 0, sizeof(run.exit));
		run.why = NULL;
		s->n_entries++;
		if (!e->run || e->run(ctx, &run))
			return die(c, vm, run.why);
		run.launched = s->launched = 1;
		switch (tdx_l2_route(c, &run, &cls)) {
		case TDX_L2_TO_L1:
			return tdx_l2_exit_to_l1(td, v, r, vm, &run, cls);
		case TDX_L2_TO_HOST:
			return 0;	/* c->outcome = TD_EXIT */
		case TDX_L2_RESUME:
			break;
		}
	}
	return die(c, vm, "the L2 made no progress (every exit was handled inside the L2)");
}

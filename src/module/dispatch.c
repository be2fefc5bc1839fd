/* dispatch.c: the module's TDCALL entry (td_call() in the module source):
 * RAX decoding, the leaf table, RIP advance and TD-exit resumption. */
#include <stdio.h>
#include <string.h>

#include "td.h"

/* One row per leaf this model implements. As MOD td_call() does, a version
 * other than 0 is rejected here with OPERAND_INVALID | RAX for every leaf
 * but TDG.VM.RD, which gets any version and checks it itself after
 * presetting its outputs (MOD tdg_vm_rd_wr.c). */
static const struct {
	tdx_leaf_fn *fn;
	uint8_t max_version;
} leaf_table[] = {
	[TDG_VP_VMCALL] = { tdg_vp_vmcall, 0 },
	[TDG_VP_INFO] = { tdg_vp_info, 0 },
	[TDG_MR_RTMR_EXTEND] = { tdg_mr_rtmr_extend, 0 },
	[TDG_VP_VEINFO_GET] = { tdg_vp_veinfo_get, 0 },
	[TDG_MR_REPORT] = { tdg_mr_report, 0 },
	[TDG_VP_CPUIDVE_SET] = { tdg_vp_cpuidve_set, 0 },
	[TDG_MEM_PAGE_ACCEPT] = { tdg_mem_page_accept, 0 },
	[TDG_VM_RD] = { tdg_vm_rd, 0xFF },
	[TDG_VM_WR] = { tdg_vm_wr, 0 },
	[TDG_VP_RD] = { tdg_vp_rd, 0 },
	[TDG_VP_WR] = { tdg_vp_wr, 0 },
	[TDG_SYS_RD] = { tdg_sys_rd, 0 },
	[TDG_SYS_RDALL] = { tdg_sys_rdall, 0 },
	[TDG_SERVTD_RD] = { tdg_servtd_rd, 0 },
	[TDG_SERVTD_WR] = { tdg_servtd_wr, 0 },
	[TDG_MR_VERIFYREPORT] = { tdg_mr_verifyreport, 0 },
	[TDG_MEM_PAGE_ATTR_RD] = { tdg_mem_page_attr_rd, 0 },
	[TDG_MEM_PAGE_ATTR_WR] = { tdg_mem_page_attr_wr, 0 },
	[TDG_VP_ENTER] = { tdg_vp_enter, 0 },
	[TDG_VP_INVEPT] = { tdg_vp_invept, 0 },
	[TDG_VP_INVGLA] = { tdg_vp_invgla, 0 },
};
#define NR_LEAVES (sizeof(leaf_table) / sizeof(leaf_table[0]))

enum tdx_tdcall_outcome tdx_module_tdcall(struct tdx_td *td, unsigned vcpu,
					  struct tdx_regs *regs,
					  struct tdx_td_exit *exit,
					  struct tdx_inject *inj)
{
	struct tdx_td_exit scratch_exit;
	struct tdx_inject scratch_inj;

	if (vcpu >= td->cfg.num_vcpus) {
		snprintf(td->dead_reason, sizeof(td->dead_reason),
			 "VCPU %u does not exist (the TD has %u)", vcpu, td->cfg.num_vcpus);
		return TDX_OUTCOME_TD_DEAD;
	}
	struct tdx_call c = {
		.td = td,
		.vcpu = &td->vcpus[vcpu],
		.regs = regs,
		.exit = exit ? exit : &scratch_exit,
		.inj = inj ? inj : &scratch_inj,
		.outcome = TDX_OUTCOME_DONE,
	};
	uint64_t rax = regs->rax;
	uint64_t leaf = rax & TDX_LEAF_MASK;
	uint64_t status;
	uint64_t gpr_in[TDX_NR_GPRS];

	/* A new TDCALL: a trap-like exit the host never resumed is abandoned. */
	c.vcpu->in_trap = 0;

	memcpy(gpr_in, regs->gpr, sizeof(gpr_in));
	if ((rax & TDX_LEAF_RSVD_MASK) || leaf >= NR_LEAVES || !leaf_table[leaf].fn ||
	    TDX_LEAF_VERSION(rax) > leaf_table[leaf].max_version)
		status = tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RAX);
	else
		status = leaf_table[leaf].fn(&c);
	/* A page state the windows could not follow: the guest must not see
	 * the leaf complete (it would touch a page its window refuses). */
	if (tdx_td_check_windows(td))
		c.outcome = TDX_OUTCOME_TD_DEAD;

	switch (c.outcome) {
	case TDX_OUTCOME_DONE:
		regs->rax = status;
		regs->rip += TDX_TDCALL_LEN;
		break;
	case TDX_OUTCOME_TD_EXIT:
		if (c.vcpu->in_trap)
			break;	/* trap-like: the leaf's outputs are the guest's */
		/* fall through */
	case TDX_OUTCOME_INJECT:
		/* The module writes guest GPRs only when a leaf completes: a TD
		 * exit or an injected exception leaves them as the guest had
		 * them, whatever outputs the leaf began to write (1.3). */
		memcpy(regs->gpr, gpr_in, sizeof(gpr_in));
		break;
	case TDX_OUTCOME_TD_DEAD:
		memcpy(regs->gpr, gpr_in, sizeof(gpr_in));
		break;
	default:	/* REEXECUTE keeps progress a leaf saved in GPRs (INVGLA's RDX) */
		break;
	}
	return c.outcome;
}

enum tdx_tdcall_outcome tdx_module_resume(struct tdx_td *td, unsigned vcpu,
					  struct tdx_regs *regs,
					  const struct tdx_td_exit *exit)
{
	if (vcpu >= td->cfg.num_vcpus)
		return TDX_OUTCOME_TD_DEAD;
	struct tdx_vcpu *v = &td->vcpus[vcpu];

	if (v->l2.pending.active)	/* the exit came from an L2 (tdx-abi.md 7.4) */
		return tdx_l2_resume(td, v, regs, exit);
	if (v->in_trap) {	/* trap-like async exit: RIP already advanced */
		regs->rax = v->trap_rax;
		v->in_trap = 0;
		return TDX_OUTCOME_DONE;
	}
	if (!v->in_vmcall)
		return TDX_OUTCOME_REEXECUTE;	/* fault-like exit: run the TDCALL again */

	/* Trap-like TDVMCALL exit (3.1): selected GPRs 2..15 and XMMs come
	 * back from the VMM, the rest keep the guest's values. */
	uint32_t gprs = TDX_VMCALL_GPR_SELECT(v->vmcall_ctl);
	uint32_t xmms = TDX_VMCALL_XMM_SELECT(v->vmcall_ctl);
	/* Only the selected registers (a walk over the set bits). */
	for (uint32_t s = gprs & ~((1u << TDX_GPR_RDX) - 1); s; s &= s - 1) {
		unsigned i = (unsigned)__builtin_ctz(s);
		regs->gpr[i] = exit->vmm.gpr[i];
	}
	for (uint32_t s = xmms; s; s &= s - 1) {
		unsigned i = (unsigned)__builtin_ctz(s);
		memcpy(regs->xmm[i], exit->vmm.xmm[i], sizeof(regs->xmm[i]));
	}
	regs->rax = TDX_SUCCESS;
	regs->rcx = v->vmcall_ctl;
	v->in_vmcall = 0;
	return TDX_OUTCOME_DONE;
}

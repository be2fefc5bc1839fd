/* l2_exit.c: the L2 side of TDG.VP.ENTER (tdx-abi.md 7.3, 7.4): routing
 * of the exits the L2 CPU engine reports, the L2 -> L1 exit (output
 * registers, VMCS exit fields, guest-state page), host-routed exits and
 * their completion into L1, the memory callback that applies the per-VM
 * attributes, and TLB-invalidation bookkeeping. */
#include <stdio.h>
#include <string.h>

#include "td.h"

/* MOD l2_enter_guest_state_t: 154 bytes packed (the rest is padding). */
#define GUEST_STATE_BYTES 154

/* ---- the default engine ------------------------------------------------ */

static int no_engine_run(void *ctx, struct tdx_l2_run *run)
{
	(void)ctx;
	run->why = "no L2 CPU engine: register one with tdx_td_set_l2_engine() to run L2 VMs";
	return -1;
}

const struct tdx_l2_engine_ops tdx_l2_no_engine = { .name = "none", .run = no_engine_run };

/* ---- invalidations ------------------------------------------------------ */

void tdx_l2_invalidate(struct tdx_call *c, unsigned vm, unsigned kind, uint64_t gla)
{
	struct tdx_l2_vm *s = tdx_l2_vm(c->vcpu, vm);
	const struct tdx_l2_engine_ops *e = c->td->l2.engine;

	switch (kind) {
	case 1: s->n_invept++; break;
	case 2: s->n_invvpid++; break;
	case 3: s->n_invvpid_nonglobal++; break;
	default:
		s->n_invgla++;
		s->last_invgla = gla;
		break;
	}
	if (e && e->invalidate)
		e->invalidate(c->td->l2.engine_ctx, c->vcpu->index, vm, kind, gla);
}

/* ---- L2 -> L1 ------------------------------------------------------------ */

uint64_t tdx_l2_exit_to_l1(struct tdx_td *td, struct tdx_vcpu *v, struct tdx_regs *l1,
			   unsigned vm, const struct tdx_l2_run *run, uint64_t cls)
{
	struct tdx_l2_vm *s = tdx_l2_vm(v, vm);
	const struct tdx_l2_exit *x = &run->exit;

	/* The L2 VMCS holds the exit information and the L2 state. */
	tdx_l2_vmcs_set(s, VMCS_EXIT_REASON, x->reason);
	tdx_l2_vmcs_set(s, VMCS_EXIT_QUAL, x->qual);
	tdx_l2_vmcs_set(s, VMCS_GUEST_LINEAR_ADDR, x->gla);
	tdx_l2_vmcs_set(s, VMCS_GUEST_PHYS_ADDR, x->gpa);
	tdx_l2_vmcs_set(s, VMCS_EXIT_INTR_INFO, x->intr_info);
	tdx_l2_vmcs_set(s, VMCS_EXIT_INTR_ERR, x->intr_err);
	tdx_l2_vmcs_set(s, VMCS_IDT_VEC_INFO, x->idt_vec_info);
	tdx_l2_vmcs_set(s, VMCS_IDT_VEC_ERR, x->idt_vec_err);
	tdx_l2_vmcs_set(s, VMCS_EXIT_INSTR_LEN, x->instr_len);
	tdx_l2_vmcs_set(s, VMCS_EXIT_INSTR_INFO, x->instr_info);
	tdx_l2_vmcs_set(s, VMCS_GUEST_RSP, run->gpr[TDX_GPR_RSP]);
	tdx_l2_vmcs_set(s, VMCS_GUEST_RIP, run->rip);
	tdx_l2_vmcs_set(s, VMCS_GUEST_RFLAGS, run->rflags);
	tdx_l2_vmcs_set(s, VMCS_GUEST_SSP, run->ssp);
	tdx_l2_vmcs_set(s, VMCS_GUEST_INTR_STATUS, run->rvi | ((uint64_t)run->svi << 8));
	s->launched = 1;

	/* The guest-state page is written back on every L2 -> L1 exit (7.3). */
	uint8_t *p = tdx_mem_gpa_ptr(td, s->guest_state_gpa, GUEST_STATE_BYTES);
	if (p) {
		struct tdx_l2_enter_guest_state g;
		memcpy(g.gpr, run->gpr, sizeof(g.gpr));
		g.rflags = run->rflags;
		g.rip = run->rip;
		g.ssp = run->ssp;
		g.rvi = run->rvi;
		g.svi = run->svi;
		memcpy(p, &g, GUEST_STATE_BYTES);
	}

	/* L1 outputs (7.3; MOD td_l2_to_l1_exit_internal). RSP is L1's own
	 * (it lives in the L1 VMCS); RBP is not written by the module: L1 and
	 * L2 share one GPR image, so L1 gets the L2's RBP (7.3, 13.15). */
	uint64_t cs_sel = tdx_l2_vmcs_get(s, VMCS_GUEST_CS_SEL);
	uint64_t cs_ar = tdx_l2_vmcs_get(s, VMCS_GUEST_CS_AR);
	uint64_t cs_lim = tdx_l2_vmcs_get(s, VMCS_GUEST_CS_LIMIT);
	uint64_t ss_ar = tdx_l2_vmcs_get(s, VMCS_GUEST_SS_AR);

	l1->rbx = 0;
	l1->rcx = x->qual;
	l1->rdx = x->gla;
	l1->rsi = (cs_sel & 0xFFFF) | ((cs_ar & 0xFFFF) << 16) | (cs_lim << 32);
	l1->rdi = tdx_l2_vmcs_get(s, VMCS_GUEST_CS_BASE);
	l1->r8 = x->gpa;
	l1->r9 = x->intr_info | ((uint64_t)x->intr_err << 32);
	l1->r10 = x->idt_vec_info | ((uint64_t)x->idt_vec_err << 32);
	l1->r11 = x->instr_info | ((uint64_t)x->instr_len << 32);
	l1->r12 = (ss_ar >> 5) & 3;	/* CPL = SS.DPL */
	l1->r13 = x->eeq_type & 0xF;
	l1->r14 = 0;
	l1->r15 = 0;
	l1->rbp = run->gpr[TDX_GPR_RBP];
	return cls | x->reason;
}

/* ---- routing (7.4) -------------------------------------------------------- */

enum tdx_l2_route tdx_l2_route(struct tdx_call *c, struct tdx_l2_run *run, uint64_t *cls)
{
	struct tdx_td *td = c->td;
	struct tdx_l2_exit *x = &run->exit;
	uint32_t basic = TDX_EXIT_REASON_BASIC(x->reason);
	uint64_t status = TDX_SUCCESS;
	const char *why = "L2 exit routed to the host";

	*cls = TDX_SUCCESS;
	x->eeq_type = 0;
	if (x->reason & TDX_EXIT_REASON_ENTRY_FAIL)
		return TDX_L2_TO_L1;

	switch (basic) {
	case TDX_EXIT_TDCALL: {
		uint64_t *g = run->gpr;
		if (!(run->l2_ctls & TDX_L2_CTLS_ENABLE_TDVMCALL) || g[TDX_GPR_RAX] != TDG_VP_VMCALL)
			return TDX_L2_TO_L1;	/* reason 77 to L1 */
		/* TDG.VP.VMCALL from the L2, straight to the host (7.2 bit 1):
		 * the same expose-mask rules as L1's (3.1); a bad mask fails the
		 * L2's TDCALL and the L2 goes on. */
		uint64_t ctl = g[TDX_GPR_RCX];
		uint32_t gprs = TDX_VMCALL_GPR_SELECT(ctl), forbidden = TDX_VMCALL_FORBIDDEN_GPRS;
		if (td->cfg.config_flags & TDX_CONFIG_FLAGS_NO_RBP_MOD)
			forbidden |= 1u << TDX_GPR_RBP;
		run->rip += TDX_TDCALL_LEN;	/* trap-like */
		if ((ctl & TDX_VMCALL_RSVD_MASK) || (gprs & forbidden)) {
			g[TDX_GPR_RAX] = tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
			return TDX_L2_RESUME;
		}
		struct tdx_td_exit *e = c->exit;
		memset(e, 0, sizeof(*e));
		e->status = TDX_EXIT_TDCALL;
		e->exit_qual = (ctl & 0xFFFFFFFFull) | ((uint64_t)run->vm << 32);	/* RCX[33:32] = VM */
		e->vm = run->vm;
		e->why = "TDG.VP.VMCALL from an L2 VM";
		for (unsigned i = TDX_GPR_RDX; i < TDX_NR_GPRS; i++)
			if (gprs & (1u << i))
				e->vmm.gpr[i] = g[i];
		/* The model keeps no L2 XMM state: selected XMMs read as 0. */
		c->vcpu->l2.pending.tdvmcall = 1;
		c->vcpu->l2.pending.vmcall_ctl = ctl;
		goto to_host;
	}
	case TDX_EXIT_EPT_VIOLATION: {
		uint64_t gpa = x->gpa;
		if (!tdx_gpa_valid(td, gpa))
			return TDX_L2_TO_L1;	/* GPA bits above GPAW */
		if (gpa & td->shared_bit) {
			why = "L2 EPT violation on a shared GPA";
			break;
		}
		enum tdx_sept_state s = gpa < td->mem.size ? tdx_mem_state(&td->mem, gpa, NULL) : TDX_SEPT_FREE;
		if (s == TDX_SEPT_PENDING) {
			x->eeq_type = TDX_EEQ_PENDING_EPT_VIOLATION;	/* L1 must accept first */
			return TDX_L2_TO_L1;
		}
		if (s == TDX_SEPT_PRESENT)
			return TDX_L2_TO_L1;	/* missing or insufficient alias: L1's business */
		why = "L2 EPT violation on an unmapped private GPA";
		break;
	}
	case TDX_EXIT_RDMSR:
	case TDX_EXIT_WRMSR:
		return tdx_l2_msr_exit(c, run);	/* the module's MSR policy (l2_msr.c) */
	case TDX_EXIT_EPT_MISCONFIG:
		why = "L2 EPT misconfiguration";
		break;
	case TDX_EXIT_EXCEPTION_NMI: {
		unsigned type = (x->intr_info >> 8) & 7, vector = x->intr_info & 0xFF;
		if (type == 2) {
			why = "NMI during L2";
			break;
		}
		if (vector == 18 && type == 3) {
			status = TDX_NON_RECOVERABLE_TD_NON_ACCESSIBLE;
			why = "#MC during L2";
			break;
		}
		return TDX_L2_TO_L1;
	}
	case TDX_EXIT_EXTERNAL_INTERRUPT:
	case TDX_EXIT_INIT:
	case TDX_EXIT_SIPI:
	case TDX_EXIT_IO_SMI:
	case TDX_EXIT_OTHER_SMI:
	case 42:	/* C-state SMI */
	case TDX_EXIT_BUS_LOCK:
	case TDX_EXIT_NOTIFICATION:
		why = "asynchronous L2 exit for the host";
		break;
	default:
		if (x->reason & TDX_EXIT_REASON_BUS_LOCK) {
			why = "bus lock during L2";
			break;
		}
		return TDX_L2_TO_L1;
	}

	/* Asynchronous / host-owned exit: a TD exit with the L2's exit info. */
	{
		struct tdx_td_exit *e = c->exit;
		memset(e, 0, sizeof(*e));
		e->status = status | x->reason;
		e->exit_qual = x->qual;
		e->gpa = basic == TDX_EXIT_EPT_VIOLATION ? x->gpa & ~0xFFFull : x->gpa;
		e->intr_info = x->intr_info;
		e->vm = run->vm;
		e->why = why;
		c->vcpu->l2.pending.tdvmcall = 0;
	}
to_host:
	c->vcpu->l2.pending.active = 1;
	c->vcpu->l2.pending.run = *run;
	c->outcome = TDX_OUTCOME_TD_EXIT;
	return TDX_L2_TO_HOST;
}

/* The host resumes a VCPU whose last TD exit came from an L2. The model
 * always completes the pending exit into L1, as with TDH.VP.ENTER
 * RESUME_L1 (7.4): an L2 TDVMCALL's outputs go to the L2 state first
 * (exposed GPRs, RAX = 0, RCX = the mask), then L1 gets
 * TDX_L2_EXIT_HOST_ROUTED_TDVMCALL | 77; any other exit gives
 * TDX_L2_EXIT_HOST_ROUTED_ASYNC | reason. R13 = 0 for both. */
enum tdx_tdcall_outcome tdx_l2_resume(struct tdx_td *td, struct tdx_vcpu *v,
				      struct tdx_regs *regs, const struct tdx_td_exit *exit)
{
	struct tdx_l2_pending *p = &v->l2.pending;
	struct tdx_l2_run *run = &p->run;
	uint64_t cls = TDX_L2_EXIT_HOST_ROUTED_ASYNC;

	if (p->tdvmcall) {
		uint32_t gprs = TDX_VMCALL_GPR_SELECT(p->vmcall_ctl);
		for (unsigned i = TDX_GPR_RDX; i < TDX_NR_GPRS; i++)
			if (gprs & (1u << i))
				run->gpr[i] = exit->vmm.gpr[i];
		run->gpr[TDX_GPR_RAX] = TDX_SUCCESS;
		run->gpr[TDX_GPR_RCX] = p->vmcall_ctl;
		cls = TDX_L2_EXIT_HOST_ROUTED_TDVMCALL;
	}
	p->active = 0;
	p->tdvmcall = 0;
	run->exit.eeq_type = 0;
	regs->rax = tdx_l2_exit_to_l1(td, v, regs, run->vm, run, cls);
	regs->rip += TDX_TDCALL_LEN;
	return TDX_OUTCOME_DONE;
}

/* ---- engine callbacks ---------------------------------------------------- */

/* The engine reads a score of fields per entry: through the store
 * tdx_l2_run_init found, not a lookup each time. */
static uint64_t cb_vmread(struct tdx_l2_run *run, uint32_t enc)
{
	struct tdx_l2_vm *s = run->store;
	return enc == VMCS_VIRTUAL_APIC_ADDR ? s->vapic_gpa : tdx_l2_vmcs_get(s, enc);
}

static void cb_vmwrite(struct tdx_l2_run *run, uint32_t enc, uint64_t value)
{
	tdx_l2_vmcs_set(run->store, enc, value);
}

/* EPT-violation qualification (SDM 28.2.1): access bits 2:0, then what
 * the translation allowed: R bit 3, W bit 4, XS bit 5, XU bit 6. */
static int cb_mem(struct tdx_l2_run *run, uint64_t gpa, void *buf, size_t len,
		  unsigned access, struct tdx_l2_exit *fault)
{
	struct tdx_td *td = run->td;
	struct tdx_mem *m = &td->mem;
	uint64_t off = gpa & ~td->shared_bit;
	uint16_t attr = 0;
	int ok = 0;

	if (!len)
		return 0;
	if ((gpa & 0xFFF) + len <= TDX_PAGE_SIZE_4K && tdx_gpa_valid(td, gpa) && off < m->size) {
		if (gpa & td->shared_bit) {
			/* Shared memory only through the host's shared EPT (7.2 bit 0). */
			ok = (run->l2_ctls & TDX_L2_CTLS_ENABLE_SHARED_EPTP) &&
			     tdx_mem_is_shared(m, off / TDX_PAGE_SIZE_4K);
			attr = ok ? TDX_GPA_ATTR_PRESENT : 0;
		} else {
			attr = tdx_l2_attr_effective(td, off, run->vm);
			unsigned need = 0;
			if (access & TDX_L2_ACC_READ) need |= TDX_GPA_ATTR_R;
			if (access & TDX_L2_ACC_WRITE) need |= TDX_GPA_ATTR_W;
			if (access & TDX_L2_ACC_FETCH_S) need |= TDX_GPA_ATTR_XS;
			if (access & TDX_L2_ACC_FETCH_U) need |= TDX_GPA_ATTR_XU;
			ok = need && (attr & need) == need;
		}
	}
	if (ok) {
		if (access & TDX_L2_ACC_WRITE)
			memcpy(m->host + off, buf, len);
		else
			memcpy(buf, m->host + off, len);
		return 0;
	}
	memset(fault, 0, sizeof(*fault));
	fault->reason = TDX_EXIT_EPT_VIOLATION;
	fault->qual = ((access & TDX_L2_ACC_READ) ? TDX_EPT_QUAL_READ : 0) |
		      ((access & TDX_L2_ACC_WRITE) ? TDX_EPT_QUAL_WRITE : 0) |
		      ((access & (TDX_L2_ACC_FETCH_S | TDX_L2_ACC_FETCH_U)) ? TDX_EPT_QUAL_FETCH : 0) |
		      ((attr & TDX_GPA_ATTR_R) ? TDX_EPT_QUAL_READABLE : 0) |
		      ((attr & TDX_GPA_ATTR_W) ? TDX_EPT_QUAL_WRITABLE : 0) |
		      ((attr & TDX_GPA_ATTR_XS) ? TDX_EPT_QUAL_EXECUTABLE : 0) |
		      ((attr & TDX_GPA_ATTR_XU) ? (1ull << 6) : 0);
	fault->gpa = gpa;
	return -1;
}

void tdx_l2_run_init(struct tdx_call *c, struct tdx_l2_run *run, unsigned vm)
{
	struct tdx_l2_vm *s = tdx_l2_vm(c->vcpu, vm);

	memset(run, 0, sizeof(*run));
	run->td = c->td;
	run->vcpu = c->vcpu->index;
	run->vm = vm;
	run->launched = s->launched;
	run->l2_ctls = c->vcpu->l2_ctls[vm];
	run->tsc_deadline = c->vcpu->tsc_deadline[vm];
	run->vapic_gpa = s->vapic_gpa;
	run->msr_bitmap = s->msr_bitmap;
	run->msr_bitmap_td = c->td->l2.msr_bitmap;
	run->mem_gen = c->td->mem.gen;
	run->vmread = cb_vmread;
	run->vmwrite = cb_vmwrite;
	run->mem = cb_mem;
	run->module = c;
	run->store = s;
}

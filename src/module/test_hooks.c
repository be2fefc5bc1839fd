/* test_hooks.c: the test hooks of test_hooks.h, each a thin view of module
 * state for tests. Nothing in the model calls these. */
#include <string.h>

#include "td.h"
#include "metadata.h"
#include "test_hooks.h"

_Static_assert(TDX_TEST_GPA_DIVERTED == TDX_GPA_WALK_DIVERTED, "divert status");
_Static_assert(TDX_TEST_NULL_PA == TDX_NULL_PA, "NULL_PA");
_Static_assert(TDX_TEST_GPA_ATTR_L1 == TDX_GPA_ATTR_L1, "GPA_ATTR word 0 of an L1 leaf");

int tdx_test_host_ept(struct tdx_td *td, const struct tdx_td_exit *exit, char *why, size_t len)
{
	struct tdx_ept_refusal no;

	if (tdx_builtin_host_ept(td, exit, &no) == 0)
		return 0;
	tdx_ept_refusal_text(td, &no, why, len);
	return -1;
}

uint64_t tdx_test_gpa_access(struct tdx_td *td, uint64_t gpa, uint64_t len, int write,
			     int allow_shared, unsigned operand, void **ptr, struct tdx_test_gpa *out)
{
	struct tdx_regs regs = { 0 };

	memset(out, 0, sizeof(*out));
	struct tdx_call c = {
		.td = td, .vcpu = &td->vcpus[0], .regs = &regs, .exit = &out->exit,
		.inj = &out->inj, .outcome = TDX_OUTCOME_DONE,
	};
	uint64_t st = tdx_gpa_access(&c, gpa, len, write ? TDX_ACCESS_WRITE : TDX_ACCESS_READ,
				     allow_shared, operand, ptr);
	out->outcome = c.outcome;
	return st;
}

int tdx_test_vcpu(const struct tdx_td *td, unsigned vcpu, struct tdx_test_vcpu *out)
{
	if (vcpu >= td->cfg.num_vcpus)
		return -1;
	const struct tdx_vcpu *v = &td->vcpus[vcpu];
	memset(out, 0, sizeof(*out));
	out->cpuid_supervisor_ve = v->cpuid_supervisor_ve;
	out->cpuid_user_ve = v->cpuid_user_ve;
	out->intr_pending = v->intr_pending;
	out->ve_valid = v->ve.valid;
	for (unsigned i = 0; i <= TDX_MAX_L2_VMS; i++) {
		out->l2_ctls[i] = v->l2_ctls[i];
		out->tsc_deadline[i] = v->tsc_deadline[i];
	}
	return 0;
}

void tdx_test_set_ve_info(struct tdx_td *td, unsigned vcpu, const struct tdx_ve_event *ve,
			  uint32_t valid)
{
	struct tdx_ve_info *vi = &td->vcpus[vcpu].ve;

	vi->exit_reason = ve->exit_reason;
	vi->exit_qual = ve->exit_qual;
	vi->gla = ve->gla;
	vi->gpa = ve->gpa;
	vi->instr_len = ve->instr_len;
	vi->instr_info = ve->instr_info;
	vi->valid = valid;
}

void tdx_test_set_td_ctls(struct tdx_td *td, uint64_t td_ctls)
{
	td->td_ctls = td_ctls;
}

int tdx_test_td_dead(const struct tdx_td *td)
{
	return td->dead;
}

void tdx_test_mr_secrets(const struct tdx_td *td, uint8_t mac_key[32], uint8_t cpusvn[16])
{
	memcpy(mac_key, td->mr.mac_key, 32);
	memcpy(cpusvn, td->mr.cpusvn, 16);
}

int tdx_test_report_build(const struct tdx_td *td, const uint8_t reportdata[64],
			  struct tdx_report *out)
{
	return tdx_report_build(td, reportdata, out);
}

int tdx_test_sept_hold(struct tdx_td *td, uint64_t gpa, int level, int hold)
{
	struct tdx_sept_hold h;

	if (hold)
		return tdx_sept_lock_entry(&td->mem, gpa, (enum tdx_page_level)level, &h);
	/* The held entry's region cannot change state while held (host ops
	 * need the region, and SPLIT is final): the hold is derived again. */
	h.region = gpa / TDX_PAGE_SIZE_2M;
	h.page = gpa / TDX_PAGE_SIZE_4K;
	h.kind = tdx_mem_region(&td->mem, h.region);
	h.page_entry = h.kind == TDX_REGION_SPLIT && level == TDX_PAGE_4K;
	tdx_sept_unlock_entry(&td->mem, &h);
	return 0;
}

int tdx_test_rtmr_hold(struct tdx_td *td, int hold)
{
	if (!hold) {
		tdx_rtmr_unlock(td);
		return 0;
	}
	return tdx_rtmr_trylock(td);
}

long tdx_test_md_table(unsigned context, size_t *rows)
{
	static const struct tdx_md_context *const ctx[] = { &tdx_md_sys_ctx, &tdx_md_td_ctx,
							     &tdx_md_vp_ctx };
	if (context >= sizeof(ctx) / sizeof(ctx[0]))
		return 0;
	*rows = ctx[context]->nrows;
	return tdx_md_table_check(ctx[context]);
}

static struct tdx_l2_vm *l2vm(struct tdx_td *td, unsigned vcpu, unsigned vm)
{
	if (vcpu >= td->cfg.num_vcpus || vm < 1 || vm > TDX_L2_MAX_VMS)
		return NULL;
	return tdx_l2_vm(&td->vcpus[vcpu], vm);
}

int tdx_test_l2_vm(struct tdx_td *td, unsigned vcpu, unsigned vm, struct tdx_test_l2_vm *out)
{
	const struct tdx_l2_vm *s = l2vm(td, vcpu, vm);

	if (!s)
		return -1;
	*out = (struct tdx_test_l2_vm){
		.vapic_gpa = s->vapic_gpa, .msr_bitmap = s->msr_bitmap, .launched = s->launched,
		.n_invept = s->n_invept, .n_invvpid = s->n_invvpid,
		.n_invvpid_nonglobal = s->n_invvpid_nonglobal, .n_invgla = s->n_invgla,
		.last_invgla = s->last_invgla, .n_entries = s->n_entries,
	};
	return 0;
}

uint64_t tdx_test_l2_vmcs(struct tdx_td *td, unsigned vcpu, unsigned vm, uint32_t enc)
{
	const struct tdx_l2_vm *s = l2vm(td, vcpu, vm);
	return s ? tdx_l2_vmcs_get(s, enc) : 0;
}

void tdx_test_l2_set_vapic(struct tdx_td *td, unsigned vcpu, unsigned vm, uint64_t gpa)
{
	struct tdx_l2_vm *s = l2vm(td, vcpu, vm);
	if (s)
		s->vapic_gpa = gpa;
}

uint16_t tdx_test_l2_attr(const struct tdx_td *td, uint64_t gpa, unsigned vm, int effective)
{
	return effective ? tdx_l2_attr_effective(td, gpa, vm) : tdx_l2_attr_get(td, gpa, vm);
}

void tdx_test_l2_alias_pool_full(struct tdx_td *td)
{
	td->l2.nalias = TDX_L2_ALIAS_SLOTS;
}

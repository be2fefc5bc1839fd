/* leaves.c: typed wrappers for every TDG leaf but ACCEPT loops (accept.c)
 * and TDG.VP.VMCALL (the GHCI issue). Leaf numbers and register use:
 * tdx-abi.md 1.4; statuses 2.3. */
#include "tdxkit/guest.h"

/* RAX of TDG.VM.RD version 1 (1.2: version in bits 23:16). */
#define TDG_VM_RD_V1 ((uint64_t)TDG_VM_RD | (1ull << 16))

static inline void check(const char *why, uint64_t leaf, uint64_t status)
{
	if (status != TDX_SUCCESS)
		tdx_guest_panic(why, leaf, status);
}

void tdx_vp_info(struct tdx_vp_info *out)
{
	struct tdx_tdcall_out o;
	uint64_t st = tdx_tdcall_raw_ret(TDG_VP_INFO, 0, 0, 0, 0, &o);

	/* No inputs: only a broken module fails it. */
	check("TDG.VP.INFO", TDG_VP_INFO, st);
	out->gpaw = (unsigned)(o.rcx & 0x3F);		/* 5.1: RCX[5:0] */
	out->shared_bit = out->gpaw ? 1ull << (out->gpaw - 1) : 0;
	out->attributes = o.rdx;
	out->num_vcpus = (uint32_t)o.r8;		/* R8[31:0] */
	out->max_vcpus = (uint32_t)(o.r8 >> 32);	/* R8[63:32] */
	out->vcpu_index = (uint32_t)o.r9;
	out->sys_rd = o.r10 & 1;
}

void tdx_vp_veinfo_get(struct tdx_ve *out)
{
	struct tdx_tdcall_out o;
	uint64_t st = tdx_tdcall_raw_ret(TDG_VP_VEINFO_GET, 0, 0, 0, 0, &o);

	/* 4.1: #VE is injected only with VE_INFO valid, so inside the handler
	 * NO_VALID_VE_INFO means a second call or a call outside it. */
	check("TDG.VP.VEINFO.GET", TDG_VP_VEINFO_GET, st);
	out->exit_reason = (uint32_t)o.rcx;
	out->exit_qual = o.rdx;
	out->gla = o.r8;
	out->gpa = o.r9;
	out->instr_len = (uint32_t)o.r10;
	out->instr_info = (uint32_t)(o.r10 >> 32);
}

void tdx_vp_cpuidve_set(unsigned flags)
{
	/* Fails only on reserved bits in RCX: a caller bug. */
	check("TDG.VP.CPUIDVE.SET", TDG_VP_CPUIDVE_SET,
	      tdx_tdcall_raw(TDG_VP_CPUIDVE_SET, flags, 0, 0, 0));
}

uint64_t tdx_mr_rtmr_extend(uint64_t digest_gpa, unsigned index)
{
	return tdx_tdcall_raw(TDG_MR_RTMR_EXTEND, digest_gpa, index, 0, 0);
}

void tdx_mr_rtmr_extend_or_panic(uint64_t digest_gpa, unsigned index)
{
	check("TDG.MR.RTMR.EXTEND", TDG_MR_RTMR_EXTEND, tdx_mr_rtmr_extend(digest_gpa, index));
}

uint64_t tdx_mr_report(uint64_t report_gpa, uint64_t reportdata_gpa)
{
	/* R8 = report subtype, must be 0 (9.1). */
	return tdx_tdcall_raw(TDG_MR_REPORT, report_gpa, reportdata_gpa, 0, 0);
}

void tdx_mr_report_or_panic(uint64_t report_gpa, uint64_t reportdata_gpa)
{
	check("TDG.MR.REPORT", TDG_MR_REPORT, tdx_mr_report(report_gpa, reportdata_gpa));
}

uint64_t tdx_mr_verifyreport(uint64_t mac_gpa)
{
	return tdx_tdcall_raw(TDG_MR_VERIFYREPORT, mac_gpa, 0, 0, 0);
}

uint64_t tdx_mem_page_accept(uint64_t gpa, enum tdx_page_level level)
{
	/* 8.1: RCX = GPA | level. */
	return tdx_tdcall_raw(TDG_MEM_PAGE_ACCEPT, gpa | (uint64_t)level, 0, 0, 0);
}

/* ---- metadata: RCX = 0 (VM index / reserved, 1.4), RDX = field ID ---- */

static uint64_t md_read(uint64_t rax, uint64_t field, uint64_t *value, uint64_t *next)
{
	struct tdx_md_out o;
	uint64_t st = tdx_tdcall_raw_md(rax, 0, field, 0, 0, &o);

	if (st == TDX_SUCCESS && value)
		*value = o.r8;
	/* FIRST_FIELD_ID_IN_CONTEXT is a non-error status that returns RDX (6.1). */
	if (!TDX_STATUS_IS_ERROR(st) && next)
		*next = o.rdx;
	return st;
}

static uint64_t md_write(uint64_t rax, uint64_t field, uint64_t value, uint64_t mask,
			 uint64_t *old)
{
	struct tdx_md_out o;
	uint64_t st = tdx_tdcall_raw_md(rax, 0, field, value, mask, &o);

	if (st == TDX_SUCCESS && old)
		*old = o.r8;
	return st;
}

uint64_t tdx_vm_rd(uint64_t field, uint64_t *value)
{
	/* Version 0 leaves RDX alone: no next field ID. */
	return md_read(TDG_VM_RD, field, value, NULL);
}

uint64_t tdx_vm_rd_next(uint64_t field, uint64_t *value, uint64_t *next)
{
	return md_read(TDG_VM_RD_V1, field, value, next);
}

uint64_t tdx_vm_wr(uint64_t field, uint64_t value, uint64_t mask, uint64_t *old)
{
	return md_write(TDG_VM_WR, field, value, mask, old);
}

uint64_t tdx_vp_rd(uint64_t field, uint64_t *value, uint64_t *next)
{
	return md_read(TDG_VP_RD, field, value, next);
}

uint64_t tdx_vp_wr(uint64_t field, uint64_t value, uint64_t mask, uint64_t *old)
{
	return md_write(TDG_VP_WR, field, value, mask, old);
}

uint64_t tdx_sys_rd(uint64_t field, uint64_t *value, uint64_t *next)
{
	return md_read(TDG_SYS_RD, field, value, next);
}

uint64_t tdx_sys_rdall(uint64_t list_gpa, uint64_t first, uint64_t *next)
{
	struct tdx_md_out o;
	/* RDX = list GPA, R8 = first field ID in; R8 = next field ID out. */
	uint64_t st = tdx_tdcall_raw_md(TDG_SYS_RDALL, 0, list_gpa, first, 0, &o);

	if (next)
		*next = o.r8;
	return st;
}

uint64_t tdx_vm_rd_or_panic(uint64_t field)
{
	uint64_t v = 0;
	check("TDG.VM.RD", TDG_VM_RD, tdx_vm_rd(field, &v));
	return v;
}

uint64_t tdx_vm_wr_or_panic(uint64_t field, uint64_t value, uint64_t mask)
{
	uint64_t old = 0;
	check("TDG.VM.WR", TDG_VM_WR, tdx_vm_wr(field, value, mask, &old));
	return old;
}

uint64_t tdx_vp_rd_or_panic(uint64_t field)
{
	uint64_t v = 0;
	check("TDG.VP.RD", TDG_VP_RD, tdx_vp_rd(field, &v, NULL));
	return v;
}

uint64_t tdx_vp_wr_or_panic(uint64_t field, uint64_t value, uint64_t mask)
{
	uint64_t old = 0;
	check("TDG.VP.WR", TDG_VP_WR, tdx_vp_wr(field, value, mask, &old));
	return old;
}

uint64_t tdx_sys_rd_or_panic(uint64_t field)
{
	uint64_t v = 0;
	check("TDG.SYS.RD", TDG_SYS_RD, tdx_sys_rd(field, &v, NULL));
	return v;
}

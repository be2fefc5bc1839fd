/* tdg_mr_report.c: TDG.MR.REPORT (leaf 4), sections 1.5, 9.1 and 9.2:
 * write this TD's TDREPORT_STRUCT, with the caller's REPORTDATA, to RCX. */
#include <string.h>

#include "td.h"

uint64_t tdg_mr_report(struct tdx_call *c)
{
	struct tdx_td *td = c->td;
	uint64_t report_gpa = c->regs->rcx;
	uint64_t data_gpa = c->regs->rdx;
	_Alignas(64) struct tdx_report rep;
	uint8_t reportdata[TDX_REPORTDATA_SIZE];
	uint64_t st;
	void *p;

	/* Checks in the order of the 1.5 table: note the REPORTDATA walk
	 * comes before the R8 (subtype) check and the TDREPORT walk last. */
	if (report_gpa & (TDX_REPORT_ALIGN - 1))
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	if (data_gpa & (TDX_REPORTDATA_SIZE - 1))
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RDX);
	st = tdx_gpa_access(c, data_gpa, TDX_REPORTDATA_SIZE, TDX_ACCESS_READ, 1,
			    TDX_OPND_RDX, &p);
	if (st != TDX_SUCCESS)
		return st;	/* walk error | RDX, or diverted (#VE / TD exit) */
	memcpy(reportdata, p, sizeof(reportdata));
	if (c->regs->r8 != 0)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_R8);

	/* The real leaf is interruptible (1.3): it may stop for a pending
	 * interrupt and be re-executed. The model always runs it to the end,
	 * ignoring vcpu->intr_pending: unlike a 2 MiB ACCEPT it would save no
	 * progress, so a host that never delivers the interrupt would spin. */
	if (!tdx_rtmr_trylock(td))
		return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RTMR);
	int rc = tdx_report_build(td, reportdata, &rep);
	tdx_rtmr_unlock(td);
	if (rc)
		return tdx_status_opnd(TDX_OPERAND_BUSY, TDX_OPND_RTMR);

	st = tdx_gpa_access(c, report_gpa, TDX_REPORT_SIZE, TDX_ACCESS_WRITE, 1,
			    TDX_OPND_RCX, &p);
	if (st == TDX_SUCCESS)
		memcpy(p, &rep, sizeof(rep));
	explicit_bzero(&rep, sizeof(rep));
	return st;
}

/* tdg_mr_verifyreport.c: TDG.MR.VERIFYREPORT (leaf 22), sections 1.5 and
 * 9.4: check the MAC of a REPORTMACSTRUCT at private GPA RCX. */
#include <string.h>

#include "td.h"

uint64_t tdg_mr_verifyreport(struct tdx_call *c)
{
	struct tdx_td *td = c->td;
	uint64_t gpa = c->regs->rcx;
	_Alignas(8) struct tdx_report_mac m;
	void *p;

	/* The modelled CPU always has SEAMVERIFYREPORT, so the
	 * OPERAND_INVALID | RAX case of 1.5 never happens here. */
	if ((gpa & (TDX_REPORTMAC_SIZE - 1)) || (gpa & td->shared_bit) || !tdx_gpa_valid(td, gpa))
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);
	uint64_t st = tdx_gpa_access(c, gpa, TDX_REPORTMAC_SIZE, TDX_ACCESS_READ, 0,
				     TDX_OPND_RCX, &p);
	if (st != TDX_SUCCESS)
		return st;	/* walk error | RCX, or diverted */
	memcpy(&m, p, sizeof(m));
	return tdx_report_verify_mac(td, &m);
}

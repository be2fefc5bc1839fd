/* TEMPORARY stub, replaced by measure.c and the tdg_mr_*.c leaves. */
#include "td.h"
int tdx_measure_init(struct tdx_td *td, char *err, size_t errlen) { return 0; }
uint64_t tdg_mr_rtmr_extend(struct tdx_call *c) { return TDX_OPERAND_INVALID | TDX_OPND_RAX; }
uint64_t tdg_mr_report(struct tdx_call *c) { return TDX_OPERAND_INVALID | TDX_OPND_RAX; }
uint64_t tdg_mr_verifyreport(struct tdx_call *c) { return TDX_OPERAND_INVALID | TDX_OPND_RAX; }

/* TEMPORARY stub, replaced by the metadata leaves. */
#include "td.h"
uint64_t tdg_vm_rd(struct tdx_call *c) { return TDX_OPERAND_INVALID | TDX_OPND_RAX; }
uint64_t tdg_vm_wr(struct tdx_call *c) { return TDX_OPERAND_INVALID | TDX_OPND_RAX; }
uint64_t tdg_vp_rd(struct tdx_call *c) { return TDX_OPERAND_INVALID | TDX_OPND_RAX; }
uint64_t tdg_vp_wr(struct tdx_call *c) { return TDX_OPERAND_INVALID | TDX_OPND_RAX; }
uint64_t tdg_sys_rd(struct tdx_call *c) { return TDX_OPERAND_INVALID | TDX_OPND_RAX; }

/* regs.c: the signal frame's saved context <-> struct tdx_regs.
 * The kernel restores everything in the frame on sigreturn, XMM included
 * (it always marks FP/SSE valid in the frame's XSTATE_BV), so writing the
 * module's outputs here is all it takes to "return from the TDCALL". */
#define _GNU_SOURCE /* REG_* names of ucontext_t */
#include <string.h>

#include "trap_int.h"

/* enum tdx_gpr order -> ucontext gregs index. */
static const int greg_of[TDX_NR_GPRS] = {
	[TDX_GPR_RAX] = REG_RAX, [TDX_GPR_RCX] = REG_RCX, [TDX_GPR_RDX] = REG_RDX,
	[TDX_GPR_RBX] = REG_RBX, [TDX_GPR_RSP] = REG_RSP, [TDX_GPR_RBP] = REG_RBP,
	[TDX_GPR_RSI] = REG_RSI, [TDX_GPR_RDI] = REG_RDI, [TDX_GPR_R8] = REG_R8,
	[TDX_GPR_R9] = REG_R9, [TDX_GPR_R10] = REG_R10, [TDX_GPR_R11] = REG_R11,
	[TDX_GPR_R12] = REG_R12, [TDX_GPR_R13] = REG_R13, [TDX_GPR_R14] = REG_R14,
	[TDX_GPR_R15] = REG_R15,
};

void tdx_trap_regs_from_uc(const ucontext_t *uc, struct tdx_regs *r)
{
	const greg_t *g = uc->uc_mcontext.gregs;

	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		r->gpr[i] = (uint64_t)g[greg_of[i]];
	r->rip = (uint64_t)g[REG_RIP];
	r->rflags = (uint64_t)g[REG_EFL];
	if (uc->uc_mcontext.fpregs)
		for (unsigned i = 0; i < 16; i++)
			memcpy(r->xmm[i], uc->uc_mcontext.fpregs->_xmm[i].element, 16);
	else
		memset(r->xmm, 0, sizeof(r->xmm));
}

void tdx_trap_regs_to_uc(const struct tdx_regs *r, ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;

	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		g[greg_of[i]] = (greg_t)r->gpr[i];
	g[REG_RIP] = (greg_t)r->rip;
	/* RFLAGS is not written: no leaf changes it, and the kernel would
	 * filter privileged bits anyway. */
	if (uc->uc_mcontext.fpregs)
		for (unsigned i = 0; i < 16; i++)
			memcpy(uc->uc_mcontext.fpregs->_xmm[i].element, r->xmm[i], 16);
}

/* The #VE handler's frame: GPRs, RIP, RFLAGS only (the kernel restores the
 * FPU/SSE state itself, whatever the handler does to it). */
void tdx_trap_frame_from_uc(const ucontext_t *uc, struct tdx_ve_frame *f)
{
	const greg_t *g = uc->uc_mcontext.gregs;

	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		f->gpr[i] = (uint64_t)g[greg_of[i]];
	f->rip = (uint64_t)g[REG_RIP];
	f->rflags = (uint64_t)g[REG_EFL];
}

void tdx_trap_frame_to_uc(const struct tdx_ve_frame *f, ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;

	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		g[greg_of[i]] = (greg_t)f->gpr[i];
	g[REG_RIP] = (greg_t)f->rip;
	g[REG_EFL] = (greg_t)f->rflags;	/* sigreturn keeps only the user-settable bits */
}

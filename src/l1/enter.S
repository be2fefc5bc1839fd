/*
 * enter.S: the TDG.VP.ENTER primitive (tdx-abi.md 7.3).
 *
 * uint64_t tdx_l1_enter_raw(uint64_t rcx, uint64_t gpa,
 *                           struct tdx_l1_exit_info *exit,
 *                           struct tdx_l1_fxsave *fx);
 *
 * When the L2 exits to L1 every GPR but RSP comes back written: RAX..R15
 * with exit information (RBX, R14, R15 zero) and RBP with the L2's RBP,
 * because L1 and L2 share one GPR image (7.3, 13.15). So this saves the
 * SysV callee-saved registers AND RBP itself and keeps the exit pointer on
 * the stack, then stores RAX, RCX, RDX, RSI, RDI, R8-R13 into *exit (the
 * tdx_vp_context exit_info layout, 10.2). The L2 GPRs themselves travel in
 * memory (L2_ENTER_GUEST_STATE at `gpa`), not in registers.
 *
 * The TDX module does not switch x87/SSE state between L1 and L2 (the
 * runner's kernel does FXRSTOR/FXSAVE of fx_state around the entry), so
 * with fx != NULL: FXSAVE L1's state on the stack, FXRSTOR *fx, enter,
 * FXSAVE into *fx, FXRSTOR L1's.
 *
 * Transport as in src/guest/tdcall.S: the instruction, or in the direct
 * build a call to the guest library's tdx_direct_trap, which hands the
 * whole register file to the module model and loads it back - the model
 * clobbers exactly what the module does.
 */
#ifdef TDXKIT_TRANSPORT_DIRECT
#define TDCALL call tdx_direct_trap
	.hidden tdx_direct_trap
#else
#define TDCALL .byte 0x66, 0x0f, 0x01, 0xcc	/* tdx-abi.md 1.1 */
#endif

/* struct tdx_l1_exit_info offsets (static-asserted in tdxkit/l1.h). */
#define X_RAX 0
#define X_RCX 8
#define X_RDX 16
#define X_RSI 24
#define X_RDI 32
#define X_R8  40
#define X_R9  48
#define X_R10 56
#define X_R11 64
#define X_R12 72
#define X_R13 80

#define FX_AREA 512		/* L1's FXSAVE image */
#define FRAME   (FX_AREA + 8)	/* + 8: 16-byte alignment after 8 pushes */
#define FX_PTR  (FRAME)		/* saved fx argument */
#define EXIT_PTR (FRAME + 8)	/* saved exit argument */
#define TDG_VP_ENTER 25

	.text
	.globl	tdx_l1_enter_raw
	.type	tdx_l1_enter_raw, @function
	.p2align 4
tdx_l1_enter_raw:
	.cfi_startproc
	push	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbp, 0
	push	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbx, 0
	push	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r12, 0
	push	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r13, 0
	push	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r14, 0
	push	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r15, 0
	push	%rdx			/* exit */
	.cfi_adjust_cfa_offset 8
	push	%rcx			/* fx */
	.cfi_adjust_cfa_offset 8
	/* Entry RSP = 8 mod 16; after 8 pushes 8 mod 16; after FRAME 0 mod 16. */
	sub	$FRAME, %rsp
	.cfi_adjust_cfa_offset FRAME

	test	%rcx, %rcx
	jz	1f
	fxsave64 (%rsp)
	fxrstor64 (%rcx)
1:
	mov	%rdi, %rcx
	mov	%rsi, %rdx
	mov	$TDG_VP_ENTER, %eax
	TDCALL

	/* Only RSP is L1's now. RDI is an output: park it on the stack. */
	push	%rdi
	.cfi_adjust_cfa_offset 8
	mov	EXIT_PTR+8(%rsp), %rdi
	mov	%rax, X_RAX(%rdi)
	mov	%rcx, X_RCX(%rdi)
	mov	%rdx, X_RDX(%rdi)
	mov	%rsi, X_RSI(%rdi)
	pop	%rsi
	.cfi_adjust_cfa_offset -8
	mov	%rsi, X_RDI(%rdi)
	mov	%r8, X_R8(%rdi)
	mov	%r9, X_R9(%rdi)
	mov	%r10, X_R10(%rdi)
	mov	%r11, X_R11(%rdi)
	mov	%r12, X_R12(%rdi)
	mov	%r13, X_R13(%rdi)

	mov	FX_PTR(%rsp), %rcx
	test	%rcx, %rcx
	jz	2f
	fxsave64 (%rcx)
	fxrstor64 (%rsp)
2:
	cld				/* SysV: DF clear on return */
	add	$FRAME + 16, %rsp
	.cfi_adjust_cfa_offset -(FRAME + 16)
	pop	%r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore r15
	pop	%r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore r14
	pop	%r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore r13
	pop	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore r12
	pop	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbx
	pop	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbp
	ret				/* RAX: the TDCALL status */
	.cfi_endproc
	.size	tdx_l1_enter_raw, . - tdx_l1_enter_raw

	.section .note.GNU-stack, "", @progbits

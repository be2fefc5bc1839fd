/*
 * direct_trap.S: what TDCALL becomes in libtdxkit-guest-direct.
 *
 * The module model works on a whole register file (struct tdx_regs of
 * tdxkit/module.h) and writes only a leaf's outputs (tdx-abi.md 1.3). So:
 * save every GPR, RFLAGS and XMM0-15 into a struct tdx_regs on the stack,
 * let tdx_direct_tdcall() (src/module/direct.c, hosted C) run the TDCALL,
 * then load every register back from the struct. Registers a leaf does not
 * write come back unchanged, exactly as with the instruction; the C code's
 * own clobbers (caller-saved GPRs, XMMs, DF) are undone.
 * RIP is a dummy (the return address) that the C side ignores.
 * The native build assembles this file to nothing.
 */
#ifdef TDXKIT_TRANSPORT_DIRECT

/* struct tdx_regs layout; direct.c checks these with _Static_assert. */
#define R_RAX	0
#define R_RCX	8
#define R_RDX	16
#define R_RBX	24
#define R_RSP	32
#define R_RBP	40
#define R_RSI	48
#define R_RDI	56
#define R_R8	64
#define R_R9	72
#define R_R10	80
#define R_R11	88
#define R_R12	96
#define R_R13	104
#define R_R14	112
#define R_R15	120
#define R_RIP	128
#define R_RFLAGS 136
#define R_XMM	144
#define R_SIZE	400	/* a multiple of 16 */

	.text
	.globl	tdx_direct_trap
	.hidden	tdx_direct_trap
	.type	tdx_direct_trap, @function
	.p2align 4
tdx_direct_trap:
	.cfi_startproc
	pushfq
	.cfi_adjust_cfa_offset 8
	sub	$R_SIZE, %rsp
	.cfi_adjust_cfa_offset R_SIZE
	mov	%rax, R_RAX(%rsp)
	mov	%rcx, R_RCX(%rsp)
	mov	%rdx, R_RDX(%rsp)
	mov	%rbx, R_RBX(%rsp)
	mov	%rbp, R_RBP(%rsp)
	mov	%rsi, R_RSI(%rsp)
	mov	%rdi, R_RDI(%rsp)
	mov	%r8, R_R8(%rsp)
	mov	%r9, R_R9(%rsp)
	mov	%r10, R_R10(%rsp)
	mov	%r11, R_R11(%rsp)
	mov	%r12, R_R12(%rsp)
	mov	%r13, R_R13(%rsp)
	mov	%r14, R_R14(%rsp)
	mov	%r15, R_R15(%rsp)
	/* RSP as it was at the TDCALL: above our frame, flags and return address. */
	lea	R_SIZE+16(%rsp), %rax
	mov	%rax, R_RSP(%rsp)
	mov	R_SIZE+8(%rsp), %rax
	mov	%rax, R_RIP(%rsp)
	mov	R_SIZE(%rsp), %rax
	mov	%rax, R_RFLAGS(%rsp)
	movdqu	%xmm0, R_XMM+0*16(%rsp)
	movdqu	%xmm1, R_XMM+1*16(%rsp)
	movdqu	%xmm2, R_XMM+2*16(%rsp)
	movdqu	%xmm3, R_XMM+3*16(%rsp)
	movdqu	%xmm4, R_XMM+4*16(%rsp)
	movdqu	%xmm5, R_XMM+5*16(%rsp)
	movdqu	%xmm6, R_XMM+6*16(%rsp)
	movdqu	%xmm7, R_XMM+7*16(%rsp)
	movdqu	%xmm8, R_XMM+8*16(%rsp)
	movdqu	%xmm9, R_XMM+9*16(%rsp)
	movdqu	%xmm10, R_XMM+10*16(%rsp)
	movdqu	%xmm11, R_XMM+11*16(%rsp)
	movdqu	%xmm12, R_XMM+12*16(%rsp)
	movdqu	%xmm13, R_XMM+13*16(%rsp)
	movdqu	%xmm14, R_XMM+14*16(%rsp)
	movdqu	%xmm15, R_XMM+15*16(%rsp)

	/* The caller's stack alignment is unknown: align for the C call,
	 * keeping the frame in RBX (callee-saved, restored below anyway). */
	mov	%rsp, %rbx
	.cfi_def_cfa_register rbx
	and	$-16, %rsp
	mov	%rbx, %rdi
	cld				/* SysV: DF clear at calls */
	call	tdx_direct_tdcall@PLT
	mov	%rbx, %rsp
	.cfi_def_cfa_register rsp

	movdqu	R_XMM+0*16(%rsp), %xmm0
	movdqu	R_XMM+1*16(%rsp), %xmm1
	movdqu	R_XMM+2*16(%rsp), %xmm2
	movdqu	R_XMM+3*16(%rsp), %xmm3
	movdqu	R_XMM+4*16(%rsp), %xmm4
	movdqu	R_XMM+5*16(%rsp), %xmm5
	movdqu	R_XMM+6*16(%rsp), %xmm6
	movdqu	R_XMM+7*16(%rsp), %xmm7
	movdqu	R_XMM+8*16(%rsp), %xmm8
	movdqu	R_XMM+9*16(%rsp), %xmm9
	movdqu	R_XMM+10*16(%rsp), %xmm10
	movdqu	R_XMM+11*16(%rsp), %xmm11
	movdqu	R_XMM+12*16(%rsp), %xmm12
	movdqu	R_XMM+13*16(%rsp), %xmm13
	movdqu	R_XMM+14*16(%rsp), %xmm14
	movdqu	R_XMM+15*16(%rsp), %xmm15
	mov	R_RFLAGS(%rsp), %rax
	mov	%rax, R_SIZE(%rsp)	/* into the pushfq slot for popfq */
	mov	R_RAX(%rsp), %rax
	mov	R_RCX(%rsp), %rcx
	mov	R_RDX(%rsp), %rdx
	mov	R_RBX(%rsp), %rbx
	mov	R_RBP(%rsp), %rbp
	mov	R_RSI(%rsp), %rsi
	mov	R_RDI(%rsp), %rdi
	mov	R_R8(%rsp), %r8
	mov	R_R9(%rsp), %r9
	mov	R_R10(%rsp), %r10
	mov	R_R11(%rsp), %r11
	mov	R_R12(%rsp), %r12
	mov	R_R13(%rsp), %r13
	mov	R_R14(%rsp), %r14
	mov	R_R15(%rsp), %r15
	add	$R_SIZE, %rsp
	.cfi_adjust_cfa_offset -R_SIZE
	popfq
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size	tdx_direct_trap, . - tdx_direct_trap

#endif /* TDXKIT_TRANSPORT_DIRECT */

	.section .note.GNU-stack, "", @progbits

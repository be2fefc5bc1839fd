/*
 * tdvmcall.S: the TDG.VP.VMCALL primitive (tdx-abi.md 3.1-3.2), designed as
 * the review of the first Linux helpers asks (seed 003): arguments in
 * registers, not a struct the caller must zero; the expose mask chosen per
 * service; callee-saved registers preserved; every exposed register zeroed
 * afterwards so no host value survives; RAX != 0 after TDCALL is fatal.
 *
 * Transport as in tdcall.S: the instruction, or in the direct build a call
 * into the model that keeps every register the call does not write.
 */
#ifdef TDXKIT_TRANSPORT_DIRECT
#define TDCALL call tdx_direct_trap
	.hidden tdx_direct_trap
#else
#define TDCALL .byte 0x66, 0x0f, 0x01, 0xcc	/* tdx-abi.md 1.1 */
#endif

#define R10_R11		0x0C00
#define MASK_LOADABLE	0xFC00	/* R10-R15: what tdx_tdvmcall loads */
/* RAX, RCX, RSP: never exposable; the module refuses them itself (3.1),
 * which ends in the RAX != 0 panic like any other refused call. */
#define MASK_MODULE_CHECKS 0x0013
#define MASK_FATAL	0xFFCC	/* tdxkit/ghci.h TDX_GHCI_MASK_REPORT_FATAL_ERROR */
#define REPORT_FATAL_ERROR 0x10003

	.text

/* Load arg into reg only when the reg's bit is in the mask (in %eax):
 * registers the host will not see are not touched. */
.macro LOAD_IF bit, src, dst
	test	$\bit, %eax
	jz	1f
	mov	\src, \dst
1:
.endm

/* out->field = reg if exposed, else 0; branch-free so that no host value
 * steers speculation here. Mask in %ecx, scratch %rsi, out in %rdi. */
.macro STORE_OUT bit, reg, off
	xor	%esi, %esi
	test	$\bit, %ecx
	cmovnz	\reg, %rsi
	mov	%rsi, \off(%rdi)
.endm

/* A callee-saved register pushed / popped with its unwind info. */
.macro SAVE reg
	push	%\reg
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset \reg, 0
.endm
.macro RESTORE reg
	pop	%\reg
	.cfi_adjust_cfa_offset -8
	.cfi_restore \reg
.endm

/*
 * uint64_t tdx_tdvmcall(r10, r11, r12, r13, r14, r15, mask, out)
 *   RDI  RSI  RDX  RCX  R8   R9  -> R10 R11 R12 R13 R14 R15
 *   mask, out: on the stack (7th, 8th argument)
 */
	.globl	tdx_tdvmcall
	.type	tdx_tdvmcall, @function
	.p2align 4
tdx_tdvmcall:
	.cfi_startproc
	SAVE	r15
	SAVE	r14
	SAVE	r13
	SAVE	r12
	/* 0..31: saved R12-R15, 32: return address, 40: mask, 48: out */
	mov	40(%rsp), %rax
	test	$~(MASK_LOADABLE | MASK_MODULE_CHECKS), %rax
	jnz	.Lbad_mask
	or	$R10_R11, %eax		/* R10 is the status, R11 the sub-function */
	mov	%rdi, %r10
	mov	%rsi, %r11
	LOAD_IF	0x1000, %rdx, %r12
	LOAD_IF	0x2000, %rcx, %r13
	LOAD_IF	0x4000, %r8, %r14
	LOAD_IF	0x8000, %r9, %r15
	mov	%rax, %rcx
	mov	48(%rsp), %rdi		/* out: RDI is never exposed here */
	xor	%eax, %eax		/* leaf 0: TDG.VP.VMCALL */
	TDCALL
	test	%rax, %rax
	jnz	.Lfailed
	mov	40(%rsp), %rcx		/* the mask again (RCX is returned too, 3.1) */
	or	$R10_R11, %ecx
	test	%rdi, %rdi
	jz	2f
	mov	%r11, 0(%rdi)
	STORE_OUT 0x1000, %r12, 8
	STORE_OUT 0x2000, %r13, 16
	STORE_OUT 0x4000, %r14, 24
	STORE_OUT 0x8000, %r15, 32
2:	mov	%r10, %rax
	/* Zero what the host could write: R10-R15 (R12-R15 are then restored
	 * to the caller's values anyway), and the scratch copies. */
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	xor	%esi, %esi
	xor	%ecx, %ecx
	RESTORE	r12
	RESTORE	r13
	RESTORE	r14
	RESTORE	r15
	ret

	/* Linux and TD-shim policy (3.1): the module refused the call, so the
	 * module or this library is broken. tdx_guest_panic does not return. */
.Lfailed:
	mov	%rax, %rdx			/* status */
	lea	.Lwhy_failed(%rip), %rdi
	jmp	3f
.Lbad_mask:
	mov	%rax, %rdx			/* the mask as "status" */
	lea	.Lwhy_mask(%rip), %rdi
3:	xor	%esi, %esi			/* leaf 0 */
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	and	$-16, %rsp
	call	tdx_guest_panic@PLT
	ud2
	.cfi_endproc
	.size	tdx_tdvmcall, . - tdx_tdvmcall

/*
 * uint64_t tdx_tdvmcall_fatal(r12, r13, const uint64_t msg[8])
 * ReportFatalError (3.8): message words in R14, R15, RBX, RDI, RSI, R8, R9,
 * RDX. Returns RAX of the TDCALL; never calls the panic hook (which uses it).
 */
	.globl	tdx_tdvmcall_fatal
	.type	tdx_tdvmcall_fatal, @function
	.p2align 4
tdx_tdvmcall_fatal:
	.cfi_startproc
	SAVE	r15
	SAVE	r14
	SAVE	r13
	SAVE	r12
	SAVE	rbx
	mov	%rdi, %r12
	mov	%rsi, %r13
	mov	%rdx, %rcx		/* msg; RCX is free until the mask */
	mov	0(%rcx), %r14
	mov	8(%rcx), %r15
	mov	16(%rcx), %rbx
	mov	24(%rcx), %rdi
	mov	32(%rcx), %rsi
	mov	40(%rcx), %r8
	mov	48(%rcx), %r9
	mov	56(%rcx), %rdx
	xor	%r10d, %r10d
	mov	$REPORT_FATAL_ERROR, %r11d
	mov	$MASK_FATAL, %ecx
	xor	%eax, %eax
	TDCALL
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	xor	%ebx, %ebx
	RESTORE	rbx
	RESTORE	r12
	RESTORE	r13
	RESTORE	r14
	RESTORE	r15
	ret
	.cfi_endproc
	.size	tdx_tdvmcall_fatal, . - tdx_tdvmcall_fatal

	.section .rodata.str1.1, "aMS", @progbits, 1
.Lwhy_failed:
	.asciz	"TDG.VP.VMCALL"
.Lwhy_mask:
	.asciz	"TDG.VP.VMCALL: expose mask beyond R10-R15"

	.section .note.GNU-stack, "", @progbits

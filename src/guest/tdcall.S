/*
 * tdcall.S: the TDCALL primitive, one entry point per register shape.
 *
 * Arguments come in the SysV argument registers and go straight into the
 * TDCALL registers (tdx-abi.md 1.2, 1.4): no "fill this 13-register struct".
 * Only RAX, RCX, RDX, R8-R11 (and RDI for the out pointer) are touched; all
 * are caller-saved in SysV, so nothing is saved, and nothing is zeroed: a
 * TDCALL to the module exposes no register to the host (clearing registers
 * after TDG.VP.VMCALL belongs to the GHCI issue).
 *
 * Transport: the instruction itself, or in the direct build a call into the
 * module model that keeps every register the leaf does not write
 * (direct_trap.S), so the same code runs either way.
 */
#ifdef TDXKIT_TRANSPORT_DIRECT
#define TDCALL call tdx_direct_trap
	.hidden tdx_direct_trap
#else
#define TDCALL .byte 0x66, 0x0f, 0x01, 0xcc	/* tdx-abi.md 1.1 */
#endif

	.text

/* (rdi, rsi, rdx, rcx, r8) -> RAX, RCX, RDX, R8, R9. RDX is in place;
 * R9 is loaded first so that R8 is free to move. */
.macro LOAD_ARGS
	mov	%rdi, %rax
	mov	%r8, %r9
	mov	%rcx, %r8
	mov	%rsi, %rcx
.endm

.macro ENTRY name
	.globl	\name
	.type	\name, @function
	.p2align 4
\name:
	.cfi_startproc
.endm

.macro END name
	.cfi_endproc
	.size	\name, . - \name
.endm

/* uint64_t tdx_tdcall_raw(rax, rcx, rdx, r8, r9): no output register read. */
ENTRY tdx_tdcall_raw
	LOAD_ARGS
	TDCALL
	ret
END tdx_tdcall_raw

/* uint64_t tdx_tdcall_raw_ret(rax, rcx, rdx, r8, r9, struct tdx_tdcall_out *out)
 * The out pointer (6th argument, R9) waits in RDI, which these leaves
 * never write (1.3: registers that are not outputs are left unchanged). */
ENTRY tdx_tdcall_raw_ret
	mov	%r9, %r10
	LOAD_ARGS
	mov	%r10, %rdi
	TDCALL
	test	%rdi, %rdi
	jz	1f
	mov	%rcx, 0(%rdi)
	mov	%rdx, 8(%rdi)
	mov	%r8, 16(%rdi)
	mov	%r9, 24(%rdi)
	mov	%r10, 32(%rdi)
	mov	%r11, 40(%rdi)
1:	ret
END tdx_tdcall_raw_ret

/* uint64_t tdx_tdcall_raw_md(rax, rcx, rdx, r8, r9, struct tdx_md_out *out)
 * Metadata leaves (7-11): value / old value in R8, next field ID in RDX. */
ENTRY tdx_tdcall_raw_md
	mov	%r9, %r10
	LOAD_ARGS
	mov	%r10, %rdi
	TDCALL
	test	%rdi, %rdi
	jz	1f
	mov	%r8, 0(%rdi)
	mov	%rdx, 8(%rdi)
1:	ret
END tdx_tdcall_raw_md

	.section .note.GNU-stack, "", @progbits

/*
 * tdxkit/ghci.h: the guest side of the GHCI (TDG.VP.VMCALL services) in
 * libtdxkit-guest. Freestanding like tdxkit/guest.h: <stdint.h>,
 * <stddef.h> and <stdbool.h> only, no libc.
 *
 * Two levels, as the review of the first Linux helpers argues (seed 003):
 *   tdx_tdvmcall*()  the assembly primitive: inputs
 *                    in argument registers, an expose mask per service, no
 *                    caller-filled register struct.
 *   tdx_ghci_*()     one C function per service.
 *
 * What every service guarantees (tdx-abi.md 3.1-3.2):
 *   - The host sees exactly the registers of that service's mask below
 *     (R10 and R11 always: status and sub-function / first output); every
 *     other register it sees is 0 (3.1). Inputs a service does not use
 *     are sent as 0, never as leftover guest data.
 *   - After the call every exposed register holds 0 or its caller's value
 *     again: no host-chosen value survives into later code.
 *   - A failing TDCALL (RAX != 0: the module refused the call) is fatal:
 *     tdx_guest_panic("TDG.VP.VMCALL", 0, RAX). The host cannot cause it.
 *   - The GHCI status (R10, tdx-abi.md 3.3) is returned: SUCCESS = 0.
 *     Host errors are returned, never fatal (RDMSR INVALID_OPERAND is an
 *     answer the caller turns into #GP, not a crash).
 *   - Host outputs are cut to what the service defines (an 8-bit port read
 *     never returns bits above 7, CPUID words are 32 bits).
 *   - Outputs through pointers are written on SUCCESS and set to 0
 *     otherwise, so a caller never reads stale or host-chosen data.
 *   - Arguments the GHCI forbids (bad size, vector < 32, KVM nr 0) are
 *     refused with TDXKIT_TDVMCALL_STATUS_INVALID_OPERAND without any TDVMCALL.
 */
#ifndef TDXKIT_GHCI_H
#define TDXKIT_GHCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- expose masks (RCX GPR_SELECT, tdx-abi.md 3.1), one per service ----
 * Exactly the input and output registers of 3.4, plus R10 and R11. */
#define TDX_GHCI_EXPOSE(reg)	(1u << TDXKIT_GPR_##reg)
#define TDX_GHCI_R10_R11	(TDX_GHCI_EXPOSE(R10) | TDX_GHCI_EXPOSE(R11))
#define TDX_GHCI_R10_R12	(TDX_GHCI_R10_R11 | TDX_GHCI_EXPOSE(R12))
#define TDX_GHCI_R10_R13	(TDX_GHCI_R10_R12 | TDX_GHCI_EXPOSE(R13))
#define TDX_GHCI_R10_R14	(TDX_GHCI_R10_R13 | TDX_GHCI_EXPOSE(R14))
#define TDX_GHCI_R10_R15	(TDX_GHCI_R10_R14 | TDX_GHCI_EXPOSE(R15))

#define TDX_GHCI_MASK_CPUID		TDX_GHCI_R10_R15	/* 0xFC00: in R12,R13; out R12-R15 */
#define TDX_GHCI_MASK_HLT		TDX_GHCI_R10_R12	/* 0x1C00 */
#define TDX_GHCI_MASK_IO_IN		TDX_GHCI_R10_R14	/* 0x7C00: size, dir, port; out R11 */
#define TDX_GHCI_MASK_IO_OUT		TDX_GHCI_R10_R15	/* 0xFC00: + data in R15 */
#define TDX_GHCI_MASK_RDMSR		TDX_GHCI_R10_R12	/* 0x1C00: index; out R11 */
#define TDX_GHCI_MASK_WRMSR		TDX_GHCI_R10_R13	/* 0x3C00 */
#define TDX_GHCI_MASK_MMIO_READ		TDX_GHCI_R10_R14	/* 0x7C00: size, dir, GPA; out R11 */
#define TDX_GHCI_MASK_MMIO_WRITE	TDX_GHCI_R10_R15	/* 0xFC00: + data in R15 */
#define TDX_GHCI_MASK_GET_TD_VM_CALL_INFO TDX_GHCI_R10_R14	/* 0x7C00: leaf; out R11-R14 */
#define TDX_GHCI_MASK_MAP_GPA		TDX_GHCI_R10_R13	/* 0x3C00: start, size; out R11 */
#define TDX_GHCI_MASK_GET_QUOTE		TDX_GHCI_R10_R13	/* 0x3C00 */
#define TDX_GHCI_MASK_SETUP_EVENT_NOTIFY TDX_GHCI_R10_R12	/* 0x1C00 */
#define TDX_GHCI_MASK_KVM_HYPERCALL	TDX_GHCI_R10_R14	/* 0x7C00: nr, 4 args; out R10 */
/* 0xFFCC: R12-R15 and the message registers RBX, RDI, RSI, R8, R9, RDX
 * (3.8). Never RBP: NO_RBP_MOD TDs forbid it, and it holds a frame. */
#define TDX_GHCI_MASK_REPORT_FATAL_ERROR (TDX_GHCI_R10_R15 | TDX_GHCI_EXPOSE(RBX) | \
	TDX_GHCI_EXPOSE(RDI) | TDX_GHCI_EXPOSE(RSI) | TDX_GHCI_EXPOSE(R8) |	\
	TDX_GHCI_EXPOSE(R9) | TDX_GHCI_EXPOSE(RDX))

/* ---- the primitive (assembly) ---------------------------------------------
 * RAX = 0 (TDG.VP.VMCALL), RCX = mask | R10 | R11, R10 = r10 (0 = standard
 * call, else vendor-defined), R11 = r11 (sub-function), R12-R15 = r12-r15
 * each loaded only if its bit is in `mask` (pass 0 for an exposed register
 * that is output only). `mask` may hold only R10-R15 bits; any other bit
 * (a register this entry does not load, or an XMM) panics before the call
 * so that guest data can never be exposed by mistake. If out != NULL it
 * gets R11-R15 after the call: the host's value for an exposed register,
 * 0 for the others - whatever R10 is. Returns R10. R12-R15 are restored
 * (SysV callee-saved), R10/R11 zeroed. */
struct tdx_tdvmcall_out {
	uint64_t r11, r12, r13, r14, r15;
};
TDXKIT_API uint64_t tdx_tdvmcall(uint64_t r10, uint64_t r11, uint64_t r12, uint64_t r13,
		      uint64_t r14, uint64_t r15, uint64_t mask,
		      struct tdx_tdvmcall_out *out);

/* ReportFatalError, one attempt: R12 = r12, R13 = r13, message words
 * msg[0..7] in R14, R15, RBX, RDI, RSI, R8, R9, RDX; mask
 * TDX_GHCI_MASK_REPORT_FATAL_ERROR. Returns the TDCALL status (RAX), not
 * R10, and does not panic: it is what the panic hook itself uses. */
TDXKIT_API uint64_t tdx_tdvmcall_fatal(uint64_t r12, uint64_t r13, const uint64_t msg[8]);

/* ---- services (tdx-abi.md 3.4) ---------------------------------------- */

/* Instruction.CPUID: R12 = leaf, R13 = subleaf. On SUCCESS *out is the
 * low 32 bits of R12-R15 (EAX, EBX, ECX, EDX); else all 0. */
struct tdx_ghci_cpuid {
	uint32_t eax, ebx, ecx, edx;
};
TDXKIT_API uint64_t tdx_ghci_cpuid(uint32_t leaf, uint32_t subleaf, struct tdx_ghci_cpuid *out);

/* Instruction.HLT: R12 = 1 when the guest has interrupts blocked
 * (RFLAGS.IF = 0), so the host does not wait for a wake-up it cannot
 * deliver. */
TDXKIT_API uint64_t tdx_ghci_hlt(bool irqs_blocked);

/* Instruction.IO, size 1, 2 or 4 (else INVALID_OPERAND, no call).
 * IN: *val = the low `size` bytes of R11 on SUCCESS (garbage the host put
 * above is dropped), 0 otherwise. OUT: R15 = the low `size` bytes of val.
 * To emulate IN into EAX/AX/AL, merge with tdx_ghci_merge(). */
TDXKIT_API uint64_t tdx_ghci_io_in(uint16_t port, unsigned size, uint32_t *val);
TDXKIT_API uint64_t tdx_ghci_io_out(uint16_t port, unsigned size, uint32_t val);

/* Instruction.RDMSR / WRMSR (R12 = index, R13 = EDX:EAX). An MSR the host
 * refuses comes back as INVALID_OPERAND: returned, the caller injects #GP.
 * RDMSR: *val = R11 on SUCCESS, 0 otherwise. */
TDXKIT_API uint64_t tdx_ghci_rdmsr(uint32_t msr, uint64_t *val);
TDXKIT_API uint64_t tdx_ghci_wrmsr(uint32_t msr, uint64_t val);

/* #VE.RequestMMIO on a *shared* GPA (the host refuses private ones), size
 * 1, 2, 4 or 8; an access crossing a 4 KiB page is refused like Linux does
 * (INVALID_OPERAND, no call). Read: *val = low `size` bytes of R11 on
 * SUCCESS, else 0. Write: R15 = low `size` bytes of val. */
TDXKIT_API uint64_t tdx_ghci_mmio_read(uint64_t gpa, unsigned size, uint64_t *val);
TDXKIT_API uint64_t tdx_ghci_mmio_write(uint64_t gpa, unsigned size, uint64_t val);

/* The register an IN / MMIO load of `size` bytes writes: sizes 1 and 2 keep
 * the upper bits of `old` (AL, AX), size 4 zero-extends (EAX), 8 replaces. */
static inline uint64_t tdx_ghci_merge(uint64_t old, uint64_t val, unsigned size)
{
	if (size >= 4)
		return size == 4 ? (uint32_t)val : val;
	uint64_t m = (1ull << (8 * size)) - 1;
	return (old & ~m) | (val & m);
}

/* MapGPA [start, start + size): shared bit set in start = to shared, clear
 * = to private (3.5). Retry policy (Linux, TD-shim): on RETRY the host's
 * R11 is where to go on; it must lie in [cur, end) and be 4 KiB aligned,
 * else TDX_GHCI_ERR_BAD_RETRY (a hostile answer, not a loop). A RETRY at the
 * same GPA is retried at most TDX_GHCI_MAP_GPA_STALLS times in a row (the
 * host then has seen 1 + 3 calls for that GPA), then
 * TDX_GHCI_ERR_NO_PROGRESS. Any other status is returned as is.
 * *done_to (may be NULL): the end of the prefix known to be converted -
 * end on SUCCESS, else the GPA the last call started at. After a private
 * conversion the caller must still accept the pages (tdx_accept_memory). */
#define TDX_GHCI_MAP_GPA_STALLS 3
TDXKIT_API uint64_t tdx_ghci_map_gpa(uint64_t start, uint64_t size, uint64_t *done_to);

/* Software-defined failures (class 0xFF, as TDX_SW_ERROR, tdx-abi.md 2.5:
 * never a GHCI status from a host). */
#define TDX_GHCI_ERR_BAD_RETRY		0x8000FF0000000001ull
#define TDX_GHCI_ERR_NO_PROGRESS	0x8000FF0000000002ull

/* GetQuote (3.7): buffer at a shared GPA; completion is reported in the
 * buffer's status field, not here. */
TDXKIT_API uint64_t tdx_ghci_get_quote(uint64_t shared_gpa, uint64_t size);

/* SetupEventNotifyInterrupt: vector 32..255, else INVALID_OPERAND (no call). */
TDXKIT_API uint64_t tdx_ghci_setup_event_notify(unsigned vector);

/* GetTdVmCallInfo (3.6): R12 = leaf (0 or 1). On SUCCESS *out = R11-R14
 * (r[0] = R11), else all 0. */
struct tdx_ghci_info {
	uint64_t r[4];
};
TDXKIT_API uint64_t tdx_ghci_get_td_vm_call_info(uint64_t leaf, struct tdx_ghci_info *out);

/* ReportFatalError (3.8): R12 = code (bits 31:0) | bit 63 if data_gpa is
 * given (non-zero; a shared GPA always has the shared bit), R13 =
 * data_gpa; msg (may be NULL) is cut to 64 bytes, NUL padded, byte 0 in
 * R14's low byte. Never returns: reissued forever if the host resumes the
 * TD (as Linux does), an endless ud2 if the TDCALL itself fails. */
TDXKIT_API TDXKIT_NORETURN void tdx_ghci_report_fatal_error(uint32_t code, uint64_t data_gpa,
							   const char *msg);
/* The 8 message words of a string (the packing above), for tdx_tdvmcall_fatal. */
TDXKIT_API void tdx_ghci_pack_message(uint64_t words[8], const char *msg);

/* tdxkit's own TDVMCALL (tdxkit/run.h, TDXKIT_VMCALL_*): registers the
 * #VE handler (op TDXKIT_VMCALL_SET_VE_HANDLER) or the interrupt handler
 * (TDXKIT_VMCALL_SET_IRQ_HANDLER) with the tdxkit engine that runs the
 * program, with no dynamic linker: what a static or freestanding program
 * uses. *previous (may be NULL) gets the handler it replaced. Returns R10:
 * 0 when an engine took it; a real host answers non-zero. */
TDXKIT_API uint64_t tdx_ghci_tdxkit_set_handler(unsigned op, uint64_t handler, uint64_t *previous);

/* KVM hypercall (3.10): R10 = nr (must be non-zero: 0 would be a GHCI
 * standard call), R11-R14 = a0-a3. Returns KVM's result from R10 (0 or a
 * negative KVM errno). nr == 0 returns -KVM_ENOSYS without a call. */
#define TDX_GHCI_KVM_ENOSYS 1000
TDXKIT_API uint64_t tdx_ghci_kvm_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
				uint64_t a3);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_GHCI_H */

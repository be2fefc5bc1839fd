/*
 * tdxkit/ve.h: libtdxkit-guest-ve, a default #VE handler that does what a
 * TD kernel's does (tdx-abi.md 4.1): it turns the #VE into the matching
 * GHCI TDVMCALL (3.4), so that a plain `outb`, `hlt`, `rdmsr` or a load
 * from a device page just works in a TD program.
 *
 * Hosted (it links Zydis to decode MMIO instructions), but the handler path
 * uses no stdio and no heap: it runs in the trap engine's signal handler,
 * as a kernel's #VE handler runs with interrupts off. One VCPU: not
 * thread-safe (the shared-bit cache is a plain static).
 *
 * What the handler does, after TDG.VP.VEINFO.GET (first, 4.1):
 *   IO (30)    IN/OUT of 1, 2, 4 bytes via Instruction.IO. IN writes AL/AX
 *              keeping RAX's upper bits, EAX zero-extending (a 32-bit
 *              register write). String/REP IO (INS, OUTS) is NOT emulated:
 *              error path TDX_VE_ERR_STRING_IO (Linux does not emulate it in
 *              its #VE handler either; it unrolls string IO in a TD).
 *   HLT (12)   Instruction.HLT with R12 = !RFLAGS.IF.
 *   RDMSR (31) / WRMSR (32): ECX index, EDX:EAX value; RDMSR writes EAX and
 *              EDX (zero-extended).
 *   EPT violation (48), GPA with the shared bit: MMIO. The instruction at
 *              RIP is decoded (tdx_ve_mmio_decode) and emulated with
 *              #VE.RequestMMIO at the exact GPA; RIP advances by the decoded
 *              length (VE_INFO's length is undefined here, 4.2).
 *   EPT violation (48), private GPA: a PENDING page (TD_CTLS.
 *              PENDING_VE_DISABLE = 0): TDG.MEM.PAGE.ACCEPT of its 4 KiB
 *              page (PAGE_ALREADY_ACCEPTED counts as done), RIP unchanged so
 *              the access is retried (8.2).
 *   Instruction #VEs advance RIP by VE_INFO's instruction length.
 *   Anything else, and every host refusal: the error path below.
 */
#ifndef TDXKIT_VE_H
#define TDXKIT_VE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tdxkit/guest.h"
#include "tdxkit/run.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The handler, for tdx_ve_register() (tdxkit/run.h) or
 * tdx_trap_set_ve_handler() (tdxkit/trap.h). */
TDXKIT_API void tdx_ve_default_handler(struct tdx_ve_frame *f);

/* Registers tdx_ve_default_handler through tdx_ve_register() (run.h) and
 * caches the shared bit (TDG.VP.INFO). 0, or -1 when not in a TD (no trap
 * engine: then nothing is called). */
TDXKIT_API int tdx_ve_install_default(void);

/* ---- the error path -----------------------------------------------------
 * A kernel would inject #GP (refused MSR, IO) or oops; a user-mode TD
 * program has no such path. So the handler calls tdx_ve_unhandled(), a weak
 * hook. The library's default is fatal: tdx_ve_fatal(), i.e.
 * tdx_guest_panic("#VE <error name>", exit reason, status), whose default
 * reports through ReportFatalError and stops on ud2. A program may define
 * its own tdx_ve_unhandled (a strong symbol); if it returns, the program
 * resumes from the frame as the hook left it (untouched: the instruction
 * faults again, so a hook that returns should advance RIP or fix the cause).
 * `status`: the GHCI status for TDX_VE_ERR_HOST, the TDX status for
 * TDX_VE_ERR_ACCEPT, else 0. */
enum tdx_ve_error {
	TDX_VE_ERR_REASON = 1,	/* an exit reason the handler does not serve */
	TDX_VE_ERR_STRING_IO,	/* INS/OUTS (with or without REP): not emulated */
	TDX_VE_ERR_HOST,	/* the host refused the TDVMCALL (status = R10) */
	TDX_VE_ERR_DECODE,	/* MMIO: the bytes at RIP do not decode */
	TDX_VE_ERR_INSN,	/* MMIO: not a plain MOV/MOVZX/MOVSX load or store */
	TDX_VE_ERR_CROSS_PAGE,	/* MMIO: the access crosses a 4 KiB page */
	TDX_VE_ERR_FETCH,	/* MMIO: instruction fetch from a shared GPA */
	TDX_VE_ERR_ACCEPT,	/* PENDING page: TDG.MEM.PAGE.ACCEPT failed (status) */
};
TDXKIT_API void tdx_ve_unhandled(struct tdx_ve_frame *f, const struct tdx_ve *ve, enum tdx_ve_error err,
		      uint64_t status);
TDXKIT_API TDXKIT_NORETURN void tdx_ve_fatal(const struct tdx_ve *ve, enum tdx_ve_error err,
					    uint64_t status);
/* Short fixed name of an error ("string IO", "MMIO insn", ...); never NULL. */
TDXKIT_API const char *tdx_ve_error_name(enum tdx_ve_error err);

/* ---- MMIO instruction emulation (pure: no TDCALL, no global state) -------
 * Accepted (64-bit mode): MOV r/m loads and stores of 1, 2, 4, 8 bytes
 * (88, 89, 8A, 8B, A0-A3), MOV stores of an immediate (C6, C7), MOVZX and
 * MOVSX loads (0F B6/B7/BE/BF), MOVSXD (63). The register must be a GPR
 * (AH..BH included). Everything else (string ops, read-modify-write,
 * XCHG, SSE/AVX, segment registers...) is refused. */
struct tdx_ve_mmio_insn {
	unsigned len;		/* instruction length, 1..15 */
	unsigned size;		/* bytes accessed: 1, 2, 4, 8 */
	bool write;		/* store to the device */
	bool imm;		/* store of an immediate (value in `value`) */
	int reg;		/* enum tdx_gpr of the register, -1 for an immediate */
	unsigned reg_width;	/* register width in bytes (1, 2, 4, 8) */
	bool high8;		/* AH, CH, DH, BH: bits 15:8 of reg */
	int extend;		/* load: 0 plain, 1 zero-extend (MOVZX), 2 sign-extend */
	uint64_t value;		/* immediate, already extended to `size` bytes */
};
/* Decodes bytes[0..avail) (avail may exceed 15; at most 15 are used).
 * 0 with *out filled, TDX_VE_ERR_DECODE or TDX_VE_ERR_INSN. */
TDXKIT_API int tdx_ve_mmio_decode(const uint8_t *bytes, size_t avail, struct tdx_ve_mmio_insn *out);

/* The device access: read (write false: *val out) or write (*val in) `size`
 * bytes at gpa. Returns a GHCI status, 0 = success. */
typedef uint64_t (*tdx_ve_mmio_fn)(void *ctx, bool write, uint64_t gpa, unsigned size,
				   uint64_t *val);

/* Decodes, checks the page bound, calls fn once, and on success writes the
 * loaded value into the destination register with the architectural
 * extension (8/16-bit writes keep the register's other bits, 32-bit writes
 * zero-extend, MOVZX/MOVSX extend first) and advances RIP by the length.
 * Returns 0, or a tdx_ve_error with the frame untouched (TDX_VE_ERR_HOST:
 * *status = fn's status; status may be NULL). */
TDXKIT_API int tdx_ve_mmio_emulate(const uint8_t *bytes, size_t avail, uint64_t gpa, struct tdx_ve_frame *f,
			tdx_ve_mmio_fn fn, void *ctx, uint64_t *status);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_VE_H */

/*
 * tdxkit/guest.h: libtdxkit-guest, the freestanding TD-guest side of TDCALL.
 *
 * No libc: this header needs only <stdint.h>, <stddef.h> and <stdbool.h>,
 * and the library is built -ffreestanding -nostdlib -mgeneral-regs-only.
 *
 * Transport, chosen at link time (same API, same code):
 *   libtdxkit-guest.a         the TDCALL instruction (real TDX, or tdx-run)
 *   libtdxkit-guest-direct.a  a call into the module model of libtdxkit
 *                             (see tdxkit/direct.h: tdx_direct_attach()).
 *
 * Three kinds of call:
 *   tdx_tdcall_raw*()   the assembly primitive: arguments in registers, only
 *                       the registers a leaf uses are loaded / read back.
 *   tdx_<leaf>()        typed wrapper. Where a leaf can legitimately fail it
 *                       returns the TDX status (tdx-abi.md 2.3; compare with
 *                       TDXKIT_STATUS_CODE()), outputs are written on success.
 *                       Where it cannot fail when used correctly it returns
 *                       no status and panics on failure.
 *   tdx_<leaf>_or_panic() checked variant of a leaf that can fail.
 * Every GPA argument is a guest *physical* address: the library does no
 * address translation (in direct mode: an offset in TD memory).
 */
#ifndef TDXKIT_GUEST_H
#define TDXKIT_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- panic hook ---------------------------------------------------------
 * Called when a TDCALL that cannot fail did fail (Linux's tdcall() policy:
 * then the module or the caller is badly broken). `why` names the leaf,
 * `leaf` is RAX as passed in, `status` is RAX as returned.
 * The library's default is weak: it reports "<why> st=0x<status>" once
 * through TDG.VP.VMCALL<ReportFatalError> (tdxkit/ghci.h, tdx-abi.md 3.8)
 * so the host learns why the TD died, then loops on ud2 (an invalid-opcode
 * fault the guest kernel will report). Override it with a strong definition. */
TDXKIT_API TDXKIT_NORETURN void tdx_guest_panic(const char *why, uint64_t leaf, uint64_t status);

/* ---- assembly primitives ---------------------------------------------------
 * RAX = leaf (bits 15:0) | version << 16; RCX, RDX, R8, R9 = inputs.
 * Return RAX. Only for leaves whose outputs are within RCX, RDX, R8-R11
 * (all of TDG.* here except VP.VMCALL and VP.ENTER). */
TDXKIT_API uint64_t tdx_tdcall_raw(uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8, uint64_t r9);

/* All six output registers, stored only when out != NULL, whatever RAX is. */
struct tdx_tdcall_out {
	uint64_t rcx, rdx, r8, r9, r10, r11;
};
TDXKIT_API uint64_t tdx_tdcall_raw_ret(uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8,
			    uint64_t r9, struct tdx_tdcall_out *out);

/* Metadata leaves return R8 (value / old value) and RDX (next field ID). */
struct tdx_md_out {
	uint64_t r8, rdx;
};
TDXKIT_API uint64_t tdx_tdcall_raw_md(uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8,
			   uint64_t r9, struct tdx_md_out *out);

/* ---- TDG.VP.INFO (leaf 1, tdx-abi.md 5.1): cannot fail --------------------- */
struct tdx_vp_info {
	unsigned gpaw;		/* 48 or 52 */
	uint64_t shared_bit;	/* 1 << (gpaw - 1): set in a GPA = shared with the host */
	uint64_t attributes;	/* TDX_ATTR_* */
	uint32_t num_vcpus;
	uint32_t max_vcpus;
	uint32_t vcpu_index;	/* this VCPU, 0-based */
	bool sys_rd;		/* TDG.SYS.RD / RDALL available (R10 bit 0) */
};
TDXKIT_API void tdx_vp_info(struct tdx_vp_info *out);

/* ---- TDG.VP.VEINFO.GET (leaf 3, 4.2): cannot fail inside a #VE handler ----
 * The module injects #VE only after filling VE_INFO (4.1), so the first call
 * in the handler always finds it; outside a handler (or a second call) it
 * panics with TDXKIT_NO_VALID_VE_INFO. */
struct tdx_ve {
	uint32_t exit_reason;	/* VMX exit reason (basic reason in 15:0) */
	uint64_t exit_qual;
	uint64_t gla;		/* 0 when not applicable */
	uint64_t gpa;		/* 0 when not applicable; shared bit included */
	uint32_t instr_len;	/* defined for instruction #VEs only (4.2) */
	uint32_t instr_info;
};
TDXKIT_API void tdx_vp_veinfo_get(struct tdx_ve *out);

/* ---- TDG.VP.CPUIDVE.SET (leaf 5): cannot fail with flags in bits 1:0 ------- */
#define TDX_CPUIDVE_SUPERVISOR  (1u << 0)	/* #VE on CPUID at CPL 0 */
#define TDX_CPUIDVE_USER        (1u << 1)	/* #VE on CPUID at CPL > 0 */
TDXKIT_API void tdx_vp_cpuidve_set(unsigned flags);

/* ---- TDG.MR.RTMR.EXTEND (leaf 2, 9.3) --------------------------------------
 * RTMR[index] = SHA-384(RTMR[index] || 48 bytes at digest_gpa); the buffer
 * must be 64-byte aligned and private. Fails with OPERAND_BUSY | RTMR on
 * contention (retry), OPERAND_INVALID on bad arguments. The _or_panic form
 * is for boot code that must not run what it could not measure. */
TDXKIT_API uint64_t tdx_mr_rtmr_extend(uint64_t digest_gpa, unsigned index);
TDXKIT_API void tdx_mr_rtmr_extend_or_panic(uint64_t digest_gpa, unsigned index);

/* ---- TDG.MR.REPORT (leaf 4, 9.1-9.2) ---------------------------------------
 * Writes a 1024-byte struct tdx_report at report_gpa (1024-aligned) with the
 * 64 bytes at reportdata_gpa (64-aligned) as REPORTDATA; subtype 0. */
TDXKIT_API uint64_t tdx_mr_report(uint64_t report_gpa, uint64_t reportdata_gpa);
TDXKIT_API void tdx_mr_report_or_panic(uint64_t report_gpa, uint64_t reportdata_gpa);

/* ---- TDG.MR.VERIFYREPORT (leaf 22, 9.4) ------------------------------------
 * Checks the MAC of the 256-byte REPORTMACSTRUCT at mac_gpa (256-aligned,
 * private). TDXKIT_INVALID_REPORTMACSTRUCT / TDXKIT_INVALID_CPUSVN are answers,
 * not failures of the call, so there is no _or_panic form. */
TDXKIT_API uint64_t tdx_mr_verifyreport(uint64_t mac_gpa);

/* ---- metadata (leaves 7-11, 6.1-6.2) ---------------------------------------
 * RD: *value is written on TDXKIT_SUCCESS only. *next (may be NULL) is written
 * whenever the status is not an error: the next field ID in the context
 * (-1 at the end), or the first one when `field` is the null ID (-1) and the
 * status is TDXKIT_METADATA_FIRST_FIELD_ID_IN_CONTEXT.
 * WR: new = (old & ~mask) | (value & mask) over the writable bits; *old (may
 * be NULL) gets the previous value on success. */
TDXKIT_API uint64_t tdx_vm_rd(uint64_t field, uint64_t *value);			/* version 0 */
TDXKIT_API uint64_t tdx_vm_rd_next(uint64_t field, uint64_t *value, uint64_t *next);	/* version 1 */
TDXKIT_API uint64_t tdx_vm_wr(uint64_t field, uint64_t value, uint64_t mask, uint64_t *old);
TDXKIT_API uint64_t tdx_vp_rd(uint64_t field, uint64_t *value, uint64_t *next);
TDXKIT_API uint64_t tdx_vp_wr(uint64_t field, uint64_t value, uint64_t mask, uint64_t *old);
TDXKIT_API uint64_t tdx_sys_rd(uint64_t field, uint64_t *value, uint64_t *next);

/* TDG.SYS.RDALL (leaf 12): the global fields the TD may read, as a metadata
 * list (header u16 bytes | u16 sequences << 16; then per sequence a header
 * field ID and the values) written to the private 4 KiB page at list_gpa,
 * from field `first` on (-1: from the first). *next (may be NULL) gets R8:
 * the field the list stopped before, or -1 when every field is in it
 * (TDXKIT_SUCCESS; TDXKIT_METADATA_LIST_OVERFLOW: call again from *next). */
TDXKIT_API uint64_t tdx_sys_rdall(uint64_t list_gpa, uint64_t first, uint64_t *next);

TDXKIT_API uint64_t tdx_vm_rd_or_panic(uint64_t field);
TDXKIT_API uint64_t tdx_vm_wr_or_panic(uint64_t field, uint64_t value, uint64_t mask);	/* returns old */
TDXKIT_API uint64_t tdx_vp_rd_or_panic(uint64_t field);
TDXKIT_API uint64_t tdx_vp_wr_or_panic(uint64_t field, uint64_t value, uint64_t mask);	/* returns old */
TDXKIT_API uint64_t tdx_sys_rd_or_panic(uint64_t field);

/* ---- TDG.MEM.PAGE.ACCEPT (leaf 6, 8) ---------------------------------------
 * One page at one level (TDXKIT_PAGE_4K or TDXKIT_PAGE_2M), the status as is. */
TDXKIT_API uint64_t tdx_mem_page_accept(uint64_t gpa, enum tdx_page_level level);

/*
 * Accept the private range [start, end) (both 4 KiB aligned). Per position:
 * 2 MiB when 2 MiB-aligned and the rest of the range holds 2 MiB, else
 * 4 KiB. 1 GiB is not tried: module 1.5.01 rejects level 2 (tdx-abi.md 13.9).
 * Per status (8.2):
 *   SUCCESS                the page(s) are zeroed and usable.
 *   PAGE_SIZE_MISMATCH     (2 MiB only) the host mapped that 2 MiB as 4 KiB
 *                          pages: accept the same 2 MiB as 512 x 4 KiB.
 *   PAGE_ALREADY_ACCEPTED  counted as done: the page is private and usable
 *                          (a 4 KiB page found inside an accepted 2 MiB leaf:
 *                          the rest of that 2 MiB too, without more calls).
 *                          HAZARD: its content is NOT zeroed - it is whatever
 *                          the guest last wrote there. Callers that need zeroed
 *                          memory (or track who accepted what) must not treat
 *                          "accepted" as "fresh"; a double accept usually means
 *                          the guest's own memory bookkeeping is confused.
 *   OPERAND_BUSY           another flow holds the SEPT entry (host, or another
 *                          VCPU accepting the same page): retried up to
 *                          TDX_ACCEPT_BUSY_RETRIES times, the pause between
 *                          tries doubling (1 to 65536 PAUSEs, about 2^21 in
 *                          all), then returned.
 *   anything else          returned at once.
 * Returns TDXKIT_SUCCESS or the failing status. *stopped_at (may be NULL) is set
 * to `end` on success, else to the GPA of the page that failed; [start,
 * *stopped_at) is then accepted. Misaligned or reversed bounds: returns
 * TDXKIT_OPERAND_INVALID | RCX with *stopped_at = start and accepts nothing.
 * Interrupted 2 MiB accepts are invisible here: the CPU re-executes them.
 */
#define TDX_ACCEPT_BUSY_RETRIES 32
TDXKIT_API uint64_t tdx_accept_memory(uint64_t start, uint64_t end, uint64_t *stopped_at);
TDXKIT_API void tdx_accept_memory_or_panic(uint64_t start, uint64_t end);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_GUEST_H */

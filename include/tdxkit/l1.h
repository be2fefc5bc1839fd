/*
 * tdxkit/l1.h: libtdxkit-l1, the L1 (paravisor) side of TD partitioning.
 *
 * What OpenHCL's TDX runner (hcl/ioctl/tdx.rs) gives a paravisor, in C:
 * the run-page context of tdx-abi.md 10.2, per-VTL private registers saved
 * and restored around TDG.VP.ENTER, L2 VMCS and MSR-bitmap access, L2_CTLS,
 * INVGLA, virtual-APIC registration, the FX state, accept/attribute loops
 * over ranges, and a transport that behaves like the runner's mshv_tdcall
 * ioctl (10.1). VTL0 = L2 VM 1, VTL1 = L2 VM 2 (7.1: vm_index = vtl + 1).
 *
 * Freestanding like libtdxkit-guest (this header needs <stdint.h>,
 * <stddef.h>, <stdbool.h>), a C layer over its TDCALL primitives plus one
 * assembly primitive for TDG.VP.ENTER. Transport chosen at link time:
 *   libtdxkit-l1.a         + libtdxkit-guest.a         the TDCALL instruction
 *   libtdxkit-l1-direct.a  + libtdxkit-guest-direct.a  the module model
 *
 * Errors are returned, never asserted: every function returns a TDX status
 * (tdx-abi.md 2.3) or, when the library refuses a call before any TDCALL,
 * a TDX_L1_STATUS(enum tdx_l1_error) value (software class 0xFF, 2.5).
 * Where the runner panics on a TDX-module failure, the VP's failure policy
 * decides: TDX_L1_RETURN gives the status back, TDX_L1_PANIC calls
 * tdx_guest_panic() (tdxkit/guest.h). Library refusals are always returned.
 */
#ifndef TDXKIT_L1_H
#define TDXKIT_L1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ----------------------------------------------------------------
 * Library refusals: TDX_SW_ERROR (bit 63 | class 0xFF, 2.5) with details
 * 0x01, the error number in bits 31:0. Never produced by the module. */
#define TDX_L1_STATUS_BASE 0x8000FF0100000000ull
enum tdx_l1_error {
	TDX_L1_OK = 0,
	TDX_L1_E_VTL,		/* VTL outside 0..TDX_L1_NR_VTLS-1 */
	TDX_L1_E_FIELD_WIDTH,	/* VMCS field of another width than the call's */
	TDX_L1_E_MSR_RANGE,	/* MSR outside 0..0x1FFF and 0xC0000000..0xC0001FFF */
	TDX_L1_E_BITMAP_WORD,	/* MSR-bitmap word index >= 512 */
	TDX_L1_E_LEAF,		/* leaf not carried by the ioctl path (VMCALL, ENTER) */
	TDX_L1_E_INPUT_REGS,	/* R10..R15 not zero on input to the ioctl path */
	TDX_L1_E_ALIGN,		/* misaligned or reversed address / range */
	TDX_L1_E_ARG,		/* other invalid argument (NULL, count, encoding) */
	TDX_L1_NR_ERRORS
};
#define TDX_L1_STATUS(e) (TDX_L1_STATUS_BASE | (uint64_t)(e))

/* The library error in a status, or TDX_L1_OK for any module status. */
static inline enum tdx_l1_error tdx_l1_error(uint64_t status)
{
	return (status & 0xFFFFFFFF00000000ull) == TDX_L1_STATUS_BASE ?
		(enum tdx_l1_error)(uint32_t)status : TDX_L1_OK;
}
/* One line for a library error; NULL for module statuses (use names.h). */
TDXKIT_API const char *tdx_l1_strerror(uint64_t status);

enum tdx_l1_failure_policy {
	TDX_L1_RETURN = 0,	/* module failures are returned to the caller */
	TDX_L1_PANIC = 1,	/* module failures call tdx_guest_panic() (the runner's expect()) */
};

/* ---- VTLs ------------------------------------------------------------------ */
enum tdx_l1_vtl { TDX_L1_VTL0 = 0, TDX_L1_VTL1 = 1 };
#define TDX_L1_NR_VTLS 2
#define TDX_L1_VM_INDEX(vtl) ((unsigned)(vtl) + 1)

/* ---- run page (tdx-abi.md 10.2) ------------------------------------------- */

/* Raw TDG.VP.ENTER output registers of the last L2 exit (7.3). */
struct tdx_l1_exit_info {
	uint64_t rax, rcx, rdx, rsi, rdi, r8, r9, r10, r11, r12, r13;
};

/* vp_state.flags (10.2). */
#define TDX_L1_VP_STATE_WBINVD   (1ull << 0)
#define TDX_L1_VP_STATE_WBNOINVD (1ull << 1)

/* L2 state the L1 kernel swaps around VP.ENTER itself (10.2). */
struct tdx_l1_vp_state {
	uint64_t msr_kernel_gs_base, msr_star, msr_lstar, msr_sfmask, msr_xss;
	uint64_t cr2;		/* shared between VTLs */
	uint64_t msr_tsc_aux;
	uint64_t flags;		/* TDX_L1_VP_STATE_*: global, not per VTL */
};

struct tdx_l1_tsc_deadline {
	uint64_t deadline;	/* virtual TSC units; ~0 = disabled (6.5) */
	uint8_t update_deadline;	/* 1: write TSC_DEADLINE[vm] before the next ENTER */
	uint8_t pad[7];
};

/* FXSAVE image (SDM vol. 1 10.5.1), 512 bytes, 16-byte aligned. */
struct tdx_l1_fxsave {
	uint16_t fcw, fsw;
	uint8_t ftw, reserved0;
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr, mxcsr_mask;
	uint8_t st[8][16];
	uint8_t xmm[16][16];
	uint8_t reserved1[96];
} TDXKIT_ALIGNED(16);
#define TDX_L1_FCW_RESET   0x037F	/* x87 control word after FNINIT */
#define TDX_L1_MXCSR_RESET 0x1F80	/* all SSE exceptions masked */

struct tdx_l1_vp_context {
	struct tdx_l1_exit_info exit_info;	/* 0 */
	uint8_t pad1[48];			/* 88 */
	struct tdx_l1_vp_state vp_state;	/* 136 */
	uint8_t pad2[32];			/* 200 */
	uint64_t entry_rcx;			/* 232: RCX of the next ENTER */
	struct tdx_l2_enter_guest_state gpr_list;	/* 240: RDX of ENTER */
	struct tdx_l1_tsc_deadline l2_tsc_deadline;	/* 400 */
	uint8_t pad3[80];			/* 416 */
	struct tdx_l1_fxsave fx_state;		/* 496 */
	uint8_t pad4[16];			/* 1008 */
};

#define TDX_L1_RUN_PAGE_SIZE 4096
struct tdx_l1_run_page {
	uint32_t cancel;			/* 0 */
	uint32_t vtl_ret_action_size;		/* 4 */
	uint32_t flags;				/* 8 */
	uint8_t scan_proxy_irr;			/* 12 */
	uint8_t offload_flags;			/* 13 */
	uint8_t pad;				/* 14 */
	uint8_t mode;				/* 15 */
	uint8_t exit_message[256];		/* 16: HV_MESSAGE_SIZE */
	struct tdx_l1_vp_context context;	/* 272 */
	uint8_t vtl_ret_actions[256];		/* 1296 */
	uint32_t proxy_irr[8];			/* 1552 */
	uint8_t target_vtl;			/* 1584; size UNCONFIRMED (13.12) */
	uint32_t proxy_irr_blocked[8];		/* 1588 (UNCONFIRMED) */
	uint32_t proxy_irr_exit[8];		/* 1620 (UNCONFIRMED) */
	uint8_t reserved[TDX_L1_RUN_PAGE_SIZE - 1652];
} TDXKIT_ALIGNED(16);

/* Every offset the fact sheet gives (10.2) and the ENTER requirement that
 * gpr_list lands on a 256-byte boundary (run-page offset 512, 7.3). */
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_vp_context, exit_info) == 0, "exit_info @0");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_l1_exit_info) == 88, "exit_info is 88 bytes");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_vp_context, pad1) == 88, "pad1 @88");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_vp_context, vp_state) == 136, "vp_state @136");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_l1_vp_state) == 64, "vp_state is 64 bytes");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_vp_context, pad2) == 200, "pad2 @200");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_vp_context, entry_rcx) == 232, "entry_rcx @232");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_vp_context, gpr_list) == 240, "gpr_list @240");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_vp_context, l2_tsc_deadline) == 400, "l2_tsc_deadline @400");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_l1_tsc_deadline) == 16, "l2_tsc_deadline is 16 bytes");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_vp_context, pad3) == 416, "pad3 @416");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_vp_context, fx_state) == 496, "fx_state @496");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_l1_fxsave) == 512, "FXSAVE image is 512 bytes");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_fxsave, mxcsr) == 24, "fxsave.mxcsr @24");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_fxsave, xmm) == 160, "fxsave.xmm @160");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_vp_context, pad4) == 1008, "pad4 @1008");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_l1_vp_context) == 1024, "tdx_vp_context is 1024 bytes");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_run_page, exit_message) == 16, "exit_message @16");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_run_page, context) == 272, "context @272");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_run_page, context.gpr_list) == 512,
	       "gpr_list at run-page offset 512 (256-aligned for TDG.VP.ENTER)");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_run_page, vtl_ret_actions) == 1296, "vtl_ret_actions @1296");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_run_page, proxy_irr) == 1552, "proxy_irr @1552");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_run_page, target_vtl) == 1584, "target_vtl @1584");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_l1_run_page) == TDX_L1_RUN_PAGE_SIZE, "run page is 4 KiB");

/* ---- private registers (per VTL) -------------------------------------------
 * What the runner keeps per VTL (TdxPrivateRegs): the run page holds those
 * of the VTL that ran last; tdx_l1_enter() of the other VTL saves them and
 * loads the other set. Everything else in gpr_list (the GPRs except RSP),
 * CR2 and the FX state is shared between VTLs. */
struct tdx_l1_private_regs {
	uint64_t rflags, rip, rsp, ssp;
	uint8_t rvi, svi;
	uint64_t msr_kernel_gs_base, msr_star, msr_lstar, msr_sfmask, msr_xss, msr_tsc_aux;
	uint64_t entry_flags;	/* ENTER RCX: VM index 53:52, INVD_TRANSLATIONS 1:0 */
};
#define TDX_L1_RFLAGS_RESET 0x2ull	/* x86 RFLAGS at reset: only the fixed bit 1 */
#define TDX_L1_INVD_NONE             0u
#define TDX_L1_INVD_INVEPT           1u	/* TLB + paging-structure caches */
#define TDX_L1_INVD_INVVPID          2u	/* TLB only */
#define TDX_L1_INVD_INVVPID_NONGLOBAL 3u	/* TLB only, globals kept */

/* Defaults of a fresh VTL (runner's TdxPrivateRegs::new): RFLAGS reset
 * value, VM index = vtl + 1, a full translation flush (INVEPT) pending,
 * everything else 0. */
TDXKIT_API void tdx_l1_private_regs_init(struct tdx_l1_private_regs *r, enum tdx_l1_vtl vtl);

/* ---- the ioctl-like transport (tdx-abi.md 10.1) ---------------------------- */
struct tdx_l1_mshv_tdcall {
	uint64_t rax;		/* in: leaf; out: TDCALL status */
	uint64_t rcx, rdx, r8;	/* in/out */
	uint64_t r9;		/* in only */
	uint64_t r10_out, r11_out;	/* out only */
} TDXKIT_PACKED;
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_l1_mshv_tdcall) == 56, "mshv_tdcall is 56 bytes");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_mshv_tdcall, rcx) == 8, "mshv_tdcall.rcx @8");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_mshv_tdcall, rdx) == 16, "mshv_tdcall.rdx @16");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_mshv_tdcall, r8) == 24, "mshv_tdcall.r8 @24");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_mshv_tdcall, r9) == 32, "mshv_tdcall.r9 @32");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_mshv_tdcall, r10_out) == 40, "mshv_tdcall.r10_out @40");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_l1_mshv_tdcall, r11_out) == 48, "mshv_tdcall.r11_out @48");
#define TDX_L1_MSHV_VTL_TDCALL 0xC038B832u	/* _IOWR(0xB8, 0x32, 56 bytes) */

/* What the kernel's MSHV_VTL_TDCALL does: one module TDCALL with RAX, RCX,
 * RDX, R8, R9 from *args; writes back RAX, RCX, RDX, R8, R10, R11 (R9 is not
 * read back). TDG.VP.VMCALL (the kernel forwards only module calls) and
 * TDG.VP.ENTER (tdx_l1_enter) are refused with TDX_L1_E_LEAF, *args
 * untouched. Returns args->rax (the status) or the refusal. */
TDXKIT_API uint64_t tdx_l1_mshv_tdcall(struct tdx_l1_mshv_tdcall *args);

/* The runner's Tdcall interface: inputs up to R15, outputs as above. */
struct tdx_l1_tdcall_in {
	uint64_t leaf, rcx, rdx, r8, r9, r10, r11, r12, r13, r14, r15;
};
struct tdx_l1_tdcall_out {
	uint64_t rax, rcx, rdx, r8, r10, r11;
};
typedef uint64_t (*tdx_l1_tdcall_fn)(void *ctx, const struct tdx_l1_tdcall_in *in,
				     struct tdx_l1_tdcall_out *out);
/* The default transport of a VP, the runner's MshvVtlTdcall: refuses leaf 0
 * (TDX_L1_E_LEAF) and any non-zero R10..R15 (TDX_L1_E_INPUT_REGS) before
 * the ioctl; on refusal *out is zeroed with out->rax = the refusal. */
TDXKIT_API uint64_t tdx_l1_tdcall_mshv(void *ctx, const struct tdx_l1_tdcall_in *in,
			    struct tdx_l1_tdcall_out *out);

/* ---- the VP ---------------------------------------------------------------- */
#define TDX_L1_VP_NO_FX_SWITCH (1u << 0)	/* don't FXRSTOR/FXSAVE fx_state around ENTER */

struct tdx_l1_vp {
	struct tdx_l1_run_page *run;	/* caller's page, mapped at run_gpa */
	uint64_t run_gpa;		/* private GPA, 4 KiB aligned */
	enum tdx_l1_failure_policy policy;
	unsigned flags;			/* TDX_L1_VP_* */
	tdx_l1_tdcall_fn tdcall;	/* every TDCALL but ENTER goes here */
	void *tdcall_ctx;
	enum tdx_l1_vtl loaded_vtl;	/* whose private registers are in the page */
	struct tdx_l1_private_regs saved[TDX_L1_NR_VTLS];	/* the other VTL's */
	void *vapic_page[TDX_L1_NR_VTLS];
	uint64_t vapic_gpa[TDX_L1_NR_VTLS];
};

/* Zeroes the run page and sets a fresh context: VTL0's defaults loaded,
 * VTL1's saved, FX state at reset values (FCW 0x37F, MXCSR 0x1F80), the
 * default transport. TDX_L1_E_ALIGN if run or run_gpa is not 4 KiB aligned
 * (gpr_list must be 256-aligned, fx_state 16-aligned), TDX_L1_E_ARG for NULL. */
TDXKIT_API uint64_t tdx_l1_vp_init(struct tdx_l1_vp *vp, struct tdx_l1_run_page *run, uint64_t run_gpa,
			enum tdx_l1_failure_policy policy);
static inline struct tdx_l1_vp_context *tdx_l1_context(struct tdx_l1_vp *vp)
{
	return &vp->run->context;
}
/* Replace the transport (NULL restores tdx_l1_tdcall_mshv). */
TDXKIT_API void tdx_l1_set_transport(struct tdx_l1_vp *vp, tdx_l1_tdcall_fn fn, void *ctx);

/* Private registers of a VTL, wherever they live now (page or saved). */
TDXKIT_API uint64_t tdx_l1_get_private_regs(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl,
				 struct tdx_l1_private_regs *out);
TDXKIT_API uint64_t tdx_l1_set_private_regs(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl,
				 const struct tdx_l1_private_regs *in);
/* Ask for a translation flush at the VTL's next entry (OVMM: too many
 * INVGLA addresses -> full flush); keeps the stronger of old and new. */
TDXKIT_API uint64_t tdx_l1_request_flush(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, unsigned invd);
/* GPRs shared between VTLs (gpr_list.gpr; the RSP slot is the loaded VTL's). */
static inline uint64_t *tdx_l1_gprs(struct tdx_l1_vp *vp)
{
	return vp->run->context.gpr_list.gpr;
}
static inline struct tdx_l1_fxsave *tdx_l1_fx_state(struct tdx_l1_vp *vp)
{
	return &vp->run->context.fx_state;
}
/* Arm the L2 TSC deadline: written to TSC_DEADLINE[vm] before the next ENTER. */
TDXKIT_API void tdx_l1_set_tsc_deadline(struct tdx_l1_vp *vp, uint64_t deadline);

/* ---- TDG.VP.ENTER (7.3) ------------------------------------------------------
 * Runs `vtl` until its next exit to L1: switches private registers if the
 * page holds the other VTL's, writes a pending TSC deadline, loads
 * fx_state, enters with RCX = entry_rcx and RDX = the GPA of gpr_list,
 * then stores fx_state, the exit registers in exit_info (the module writes
 * gpr_list back itself), and clears the INVD request once the L2 was
 * entered (RAX[63:32] below TDXKIT_PENDING_INTERRUPT, OVMM rule). Returns RAX:
 * exit class | 32-bit VMX exit reason, or the status of a refused entry. */
TDXKIT_API uint64_t tdx_l1_enter(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl);

/* The assembly primitive: TDCALL(25) with RCX = rcx, RDX = gpa. Saves and
 * restores RBX, RBP, R12-R15 itself (every GPR but RSP comes back written,
 * RBP with the L2's RBP: 7.3, 13.15), stores RAX, RCX, RDX, RSI, RDI,
 * R8-R13 in *exit, returns RAX. fx != NULL: L1's x87/SSE state is kept on
 * the stack, *fx loaded before and saved after the TDCALL (16-aligned). */
TDXKIT_API uint64_t tdx_l1_enter_raw(uint64_t rcx, uint64_t gpa, struct tdx_l1_exit_info *exit,
			  struct tdx_l1_fxsave *fx);

/* Exit-info accessors (7.3). */
static inline uint32_t tdx_l1_exit_reason(const struct tdx_l1_exit_info *e)
{
	return (uint32_t)e->rax;
}
static inline uint64_t tdx_l1_exit_class(const struct tdx_l1_exit_info *e)
{
	return e->rax & TDXKIT_STATUS_CODE_MASK;
}
/* The L2 ran (the status class is below PENDING_INTERRUPT; OVMM rule). */
static inline bool tdx_l1_exit_entered(uint64_t rax)
{
	return (rax >> 32) < (TDXKIT_PENDING_INTERRUPT >> 32);
}
static inline uint32_t tdx_l1_exit_instr_len(const struct tdx_l1_exit_info *e)
{
	return (uint32_t)(e->r11 >> 32);
}
/* Advance the loaded VTL's RIP past the exiting instruction (L1 emulated it). */
static inline void tdx_l1_advance_rip(struct tdx_l1_vp *vp)
{
	vp->run->context.gpr_list.rip += tdx_l1_exit_instr_len(&vp->run->context.exit_info);
}

/* ---- L2 VMCS (6.6) -----------------------------------------------------------
 * Field = VMX encoding; width from encoding bits 14:13. A call of the wrong
 * width is refused with TDX_L1_E_FIELD_WIDTH and makes no TDCALL (64-bit
 * calls take 64-bit and natural-width fields). Writes change only the bits
 * in mask and return the old value in *old (may be NULL). */
#define TDX_L1_VMCS_WIDTH(enc) TDXKIT_VMCS_WIDTH(enc)	/* 0 16, 1 64, 2 32, 3 natural */
#define TDX_L1_VMCS_VIRTUAL_APIC_ADDR ((uint32_t)TDXKIT_VMCS_VIRTUAL_APIC_ADDR)
TDXKIT_API uint64_t tdx_l1_vmcs_field_id(enum tdx_l1_vtl vtl, uint32_t field);	/* ~0 if invalid */
TDXKIT_API uint64_t tdx_l1_read_vmcs16(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field, uint16_t *value);
TDXKIT_API uint64_t tdx_l1_read_vmcs32(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field, uint32_t *value);
TDXKIT_API uint64_t tdx_l1_read_vmcs64(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field, uint64_t *value);
TDXKIT_API uint64_t tdx_l1_write_vmcs16(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field,
			     uint16_t mask, uint16_t value, uint16_t *old);
TDXKIT_API uint64_t tdx_l1_write_vmcs32(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field,
			     uint32_t mask, uint32_t value, uint32_t *old);
TDXKIT_API uint64_t tdx_l1_write_vmcs64(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field,
			     uint64_t mask, uint64_t value, uint64_t *old);

/* Register the VTL's virtual-APIC page (VMCS 0x2012 -> L2_VAPIC_GPA, 6.6);
 * ENTER refuses a VM without one (7.3). `page` is the caller's mapping of
 * it, kept for tdx_l1_vapic_page(). */
TDXKIT_API uint64_t tdx_l1_register_vapic(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, void *page, uint64_t gpa);
TDXKIT_API void *tdx_l1_vapic_page(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl);

/* ---- L2_CTLS (7.2) ---------------------------------------------------------- */
#define TDX_L1_L2_CTLS_ENABLE_SHARED_EPTP TDXKIT_L2_CTLS_ENABLE_SHARED_EPTP
#define TDX_L1_L2_CTLS_ENABLE_TDVMCALL    TDXKIT_L2_CTLS_ENABLE_TDVMCALL
TDXKIT_API uint64_t tdx_l1_set_l2_ctls(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint64_t value, uint64_t *old);
TDXKIT_API uint64_t tdx_l1_get_l2_ctls(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint64_t *value);

/* ---- MSR bitmap (6.6) --------------------------------------------------------
 * Word w, bit b of the VTL's MSR_BITMAPS class for MSR m: w = (m & 0xFFFF)
 * / 64, + 0x80 for 0xC0000000..0xC0001FFF, + 0x100 for the write bitmap;
 * b = m & 63; 1 = intercept. */
#define TDX_L1_MSR_BITMAP_WORDS 512u
/* 0, or TDX_L1_STATUS(TDX_L1_E_MSR_RANGE) for an MSR outside both ranges. */
TDXKIT_API uint64_t tdx_l1_msr_bitmap_pos(uint32_t msr, bool write, unsigned *word, unsigned *bit);
TDXKIT_API uint64_t tdx_l1_set_msr_intercept(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t msr,
				  bool write, bool intercept);
TDXKIT_API uint64_t tdx_l1_write_msr_bitmap(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, unsigned word,
				 uint64_t mask, uint64_t value, uint64_t *old);

/* ---- TDG.VP.INVGLA (7.5) ----------------------------------------------------
 * An entry covers npages (1..4096) 4 KiB pages from gla. */
#define TDX_L1_GLA_ENTRY(gla, npages) \
	(((uint64_t)(gla) & ~0xFFFull) | (((uint64_t)(npages) - 1) & 0xFFF))
TDXKIT_API uint64_t tdx_l1_invgla(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint64_t entry);
/* count entries from index first of the private list page at list_gpa
 * (4 KiB aligned, first + count <= 512). */
TDXKIT_API uint64_t tdx_l1_invgla_list(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint64_t list_gpa,
			    unsigned first, unsigned count);

/* ---- page acceptance and attributes (7.6, 8) --------------------------------
 * attr = GPA_ATTR (RDX of ATTR.WR: 16-bit word per VM, word 0 = 0),
 * mask = ATTR_FLAGS (R8: per-VM mask of bits to change, bit 15 INVEPT). */
#define TDX_L1_ATTR_R     TDXKIT_GPA_ATTR_R
#define TDX_L1_ATTR_W     TDXKIT_GPA_ATTR_W
#define TDX_L1_ATTR_XS    TDXKIT_GPA_ATTR_XS
#define TDX_L1_ATTR_XU    TDXKIT_GPA_ATTR_XU
#define TDX_L1_ATTR_VALID TDXKIT_GPA_ATTR_VALID
#define TDX_L1_ATTR_RWX   (TDX_L1_ATTR_R | TDX_L1_ATTR_W | TDX_L1_ATTR_XS | TDX_L1_ATTR_XU)
#define TDX_L1_ATTR_FLAG_INVEPT TDXKIT_ATTR_FLAGS_INVEPT
#define TDX_L1_ATTR_WORD(vtl, w) ((uint64_t)(uint16_t)(w) << (16 * TDX_L1_VM_INDEX(vtl)))
struct tdx_l1_page_attrs {
	uint64_t attr;
	uint64_t mask;
};
#define TDX_L1_BUSY_RETRIES 16	/* OPERAND_BUSY: a SEPT lock held briefly */

/* Accept [start, end) (4 KiB aligned): 2 MiB where aligned and fully
 * inside, 4 KiB for the rest and, on TDXKIT_PAGE_SIZE_MISMATCH, for that
 * 2 MiB; each accepted page then gets attrs (NULL: none) at the level it was
 * accepted at (OVMM accept_pages). Every other status (PAGE_ALREADY_ACCEPTED
 * too: its content is not fresh) stops the loop and is returned with
 * *stopped_at (may be NULL) = the page that failed; end on success. */
TDXKIT_API uint64_t tdx_l1_accept_pages(struct tdx_l1_vp *vp, uint64_t start, uint64_t end,
			     const struct tdx_l1_page_attrs *attrs, uint64_t *stopped_at);
/* TDG.MEM.PAGE.ATTR.WR over [start, end): 2 MiB first, 4 KiB on
 * PAGE_SIZE_MISMATCH, as above. */
TDXKIT_API uint64_t tdx_l1_set_page_attrs(struct tdx_l1_vp *vp, uint64_t start, uint64_t end,
			       const struct tdx_l1_page_attrs *attrs, uint64_t *stopped_at);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_L1_H */

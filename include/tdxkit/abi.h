/*
 * tdxkit/abi.h: the Intel TDX guest/host call ABI as numbers.
 *
 * Self-contained: it needs <stdint.h> and nothing else (with -ffreestanding
 * -nostdinc, any <stdint.h> that gives the exact-width types), and it
 * compiles as C99, C11 and C++11 or later. Every other tdxkit header
 * includes it. Values follow the Intel specs (TDX module ABI 1.5, GHCI 1.5)
 * as the Intel TDX module 1.5.01 source implements them; the section
 * numbers beside each group ("3.4", "7.3") are those of tdxkit's fact
 * sheet, docs/tdx-abi.md (installed as share/doc/tdxkit/tdx-abi.md), which
 * names the public source of every fact.
 *
 * Names. Linux (asm/shared/tdx.h, tdx_errno.h), EDK2 and others define the
 * spec's names themselves, so tdxkit's headers spell every ABI name with a
 * TDXKIT_ prefix: TDX_SUCCESS is TDXKIT_SUCCESS (TDX_ replaced), and
 * TDG_VP_INFO, TDVMCALL_MAP_GPA, VMCS_GUEST_RIP are TDXKIT_TDG_VP_INFO,
 * TDXKIT_TDVMCALL_MAP_GPA, TDXKIT_VMCS_GUEST_RIP (prefix added). A unit
 * that wants the spec's names defines TDXKIT_SPEC_NAMES before including
 * any tdxkit header (-DTDXKIT_SPEC_NAMES); tdxkit/spec_names.h then maps
 * each of them to its TDXKIT_ name.
 */
#ifndef TDXKIT_ABI_H
#define TDXKIT_ABI_H

#include <stdint.h>

/* ---- compiler support ------------------------------------------------------
 * tdxkit's headers need a compiler with GNU C attributes (GCC or Clang):
 * the ABI layouts are packed and aligned, and the libraries export their
 * API by symbol visibility. In C99 and C++ they use anonymous struct and
 * union members (C11 has them) behind __extension__. */
#if !defined(__GNUC__)
#error "tdxkit headers need GCC or Clang (GNU C attributes for packed ABI layouts)"
#endif
#if defined(__cplusplus) && __cplusplus < 201103L
#error "tdxkit headers need C++11 or later"
#endif
/* TDXKIT_API marks the public API: the only symbols a tdxkit shared
 * library exports (they are built with -fvisibility=hidden).
 * TDXKIT_PRELOAD_API marks the entry points of libtdxkit-preload.so, the
 * library tdx-run injects into arbitrary programs: built with
 * TDXKIT_HIDE_API, it exports those and nothing else. */
#ifdef TDXKIT_HIDE_API
#define TDXKIT_API
#else
#define TDXKIT_API		__attribute__((visibility("default")))
#endif
#define TDXKIT_PRELOAD_API	__attribute__((visibility("default")))
#define TDXKIT_PACKED		__attribute__((packed))
#define TDXKIT_ALIGNED(n)	__attribute__((aligned(n)))
#define TDXKIT_NORETURN		__attribute__((noreturn))
#define TDXKIT_WEAK		__attribute__((weak))
#define TDXKIT_EXTENSION	__extension__	/* anonymous members in C99 and C++ */
#if defined(__cplusplus)
#define TDXKIT_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define TDXKIT_STATIC_ASSERT(cond, msg) __extension__ _Static_assert(cond, msg)
#endif

/* Bumped whenever a layout or a number in this file changes meaning. */
#define TDXKIT_ABI_VERSION 1

/* ---- 1.1 TDCALL instruction ------------------------------------------ */
#define TDXKIT_TDCALL_BYTES     0x66, 0x0F, 0x01, 0xCC
#define TDXKIT_TDCALL_LEN       4
#define TDXKIT_SEAMCALL_BYTES   0x66, 0x0F, 0x01, 0xCF

/* ---- 1.2 RAX input: leaf [15:0], version [23:16], reserved [63:24] --- */
#define TDXKIT_LEAF_MASK        0xFFFFull
#define TDXKIT_LEAF_VERSION(rax) (((rax) >> 16) & 0xFF)
#define TDXKIT_LEAF_RSVD_MASK   0xFFFFFFFFFF000000ull

/* ---- 1.4 TDCALL leaves (TDX module 1.5.01 tdcall_leaf_opcode_e) ------- */
enum tdx_leaf {
	TDXKIT_TDG_VP_VMCALL = 0,
	TDXKIT_TDG_VP_INFO = 1,
	TDXKIT_TDG_MR_RTMR_EXTEND = 2,
	TDXKIT_TDG_VP_VEINFO_GET = 3,
	TDXKIT_TDG_MR_REPORT = 4,
	TDXKIT_TDG_VP_CPUIDVE_SET = 5,
	TDXKIT_TDG_MEM_PAGE_ACCEPT = 6,
	TDXKIT_TDG_VM_RD = 7,
	TDXKIT_TDG_VM_WR = 8,
	TDXKIT_TDG_VP_RD = 9,
	TDXKIT_TDG_VP_WR = 10,
	TDXKIT_TDG_SYS_RD = 11,
	TDXKIT_TDG_SYS_RDALL = 12,
	TDXKIT_TDG_SERVTD_RD = 18,
	TDXKIT_TDG_SERVTD_WR = 20,
	TDXKIT_TDG_MR_VERIFYREPORT = 22,
	TDXKIT_TDG_MEM_PAGE_ATTR_RD = 23,
	TDXKIT_TDG_MEM_PAGE_ATTR_WR = 24,
	TDXKIT_TDG_VP_ENTER = 25,
	TDXKIT_TDG_VP_INVEPT = 26,
	TDXKIT_TDG_VP_INVGLA = 27,	/* module source name: TDG.VP.INVVPID */
};

/* ---- 2.1 status layout ------------------------------------------------ */
#define TDXKIT_STATUS_ERROR            (1ull << 63)
#define TDXKIT_STATUS_NON_RECOVERABLE  (1ull << 62)
#define TDXKIT_STATUS_FATAL            (1ull << 61)
#define TDXKIT_STATUS_HOST_RECOV_HINT  (1ull << 60)
#define TDXKIT_STATUS_CODE_MASK        0xFFFFFFFF00000000ull	/* compare this, not the low bits */
#define TDXKIT_STATUS_CLASS(s)         (((s) >> 40) & 0xFF)
#define TDXKIT_STATUS_DETAILS_L1(s)    (((s) >> 32) & 0xFF)
#define TDXKIT_STATUS_DETAILS_L2(s)    ((uint32_t)(s))
#define TDXKIT_STATUS_CODE(s)          ((s) & TDXKIT_STATUS_CODE_MASK)
#define TDXKIT_STATUS_IS_ERROR(s)      (((s) & TDXKIT_STATUS_ERROR) != 0)

/* ---- 2.3 status codes (operand bits 0) --------------------------------- */
#define TDXKIT_SUCCESS                             0x0000000000000000ull
#define TDXKIT_NON_RECOVERABLE_VCPU                0x4000000100000000ull
#define TDXKIT_NON_RECOVERABLE_TD                  0x6000000200000000ull	/* module value, not Linux's */
#define TDXKIT_INTERRUPTED_RESUMABLE               0x8000000300000000ull
#define TDXKIT_INTERRUPTED_RESTARTABLE             0x8000000400000000ull
#define TDXKIT_NON_RECOVERABLE_TD_NON_ACCESSIBLE   0x6000000500000000ull
#define TDXKIT_INVALID_RESUMPTION                  0xC000000600000000ull
#define TDXKIT_NON_RECOVERABLE_TD_WRONG_APIC_MODE  0xE000000700000000ull
#define TDXKIT_CROSS_TD_FAULT                      0x8000000800000000ull
#define TDXKIT_CROSS_TD_TRAP                       0x9000000900000000ull
#define TDXKIT_NON_RECOVERABLE_TD_CORRUPTED_MD     0x6000000A00000000ull
#define TDXKIT_OPERAND_INVALID                     0xC000010000000000ull
#define TDXKIT_OPERAND_ADDR_RANGE_ERROR            0xC000010100000000ull
#define TDXKIT_OPERAND_BUSY                        0x8000020000000000ull
#define TDXKIT_PREVIOUS_TLB_EPOCH_BUSY             0x8000020100000000ull
#define TDXKIT_SYS_BUSY                            0x8000020200000000ull
#define TDXKIT_RND_NO_ENTROPY                      0x8000020300000000ull
#define TDXKIT_OPERAND_BUSY_HOST_PRIORITY          0x8000020400000000ull
#define TDXKIT_HOST_PRIORITY_BUSY_TIMEOUT          0x9000020500000000ull
#define TDXKIT_PAGE_METADATA_INCORRECT             0xC000030000000000ull
#define TDXKIT_PAGE_ALREADY_FREE                   0x0000030100000000ull
#define TDXKIT_PAGE_NOT_OWNED_BY_TD                0xC000030200000000ull
#define TDXKIT_PAGE_NOT_FREE                       0xC000030300000000ull
#define TDXKIT_TD_ASSOCIATED_PAGES_EXIST           0xC000040000000000ull
#define TDXKIT_TD_FATAL                            0xE000060400000000ull
#define TDXKIT_TD_NON_DEBUG                        0xC000060500000000ull
#define TDXKIT_LIFECYCLE_STATE_INCORRECT           0xC000060700000000ull
#define TDXKIT_OP_STATE_INCORRECT                  0xC000060800000000ull
#define TDXKIT_VCPU_STATE_INCORRECT                0xC000070000000000ull
#define TDXKIT_NO_VALID_VE_INFO                    0xC000070400000000ull
#define TDXKIT_MAX_VCPUS_EXCEEDED                  0xC000070500000000ull
#define TDXKIT_TSC_ROLLBACK                        0xC000070600000000ull
#define TDXKIT_SEAMVERIFYREPORT_NOT_AVAILABLE      0xC000093300000000ull
#define TDXKIT_EPT_WALK_FAILED                     0xC0000B0000000000ull
#define TDXKIT_EPT_ENTRY_FREE                      0xC0000B0100000000ull
#define TDXKIT_EPT_ENTRY_NOT_FREE                  0xC0000B0200000000ull
#define TDXKIT_EPT_ENTRY_NOT_PRESENT               0xC0000B0300000000ull
#define TDXKIT_EPT_ENTRY_NOT_LEAF                  0xC0000B0400000000ull
#define TDXKIT_EPT_ENTRY_LEAF                      0xC0000B0500000000ull
#define TDXKIT_GPA_RANGE_NOT_BLOCKED               0xC0000B0600000000ull
#define TDXKIT_GPA_RANGE_ALREADY_BLOCKED           0x00000B0700000000ull
#define TDXKIT_TLB_TRACKING_NOT_DONE               0xC0000B0800000000ull
#define TDXKIT_EPT_INVALID_PROMOTE_CONDITIONS      0xC0000B0900000000ull
#define TDXKIT_PAGE_ALREADY_ACCEPTED               0x00000B0A00000000ull	/* + level found */
#define TDXKIT_PAGE_SIZE_MISMATCH                  0xC0000B0B00000000ull	/* + level found */
#define TDXKIT_GPA_RANGE_BLOCKED                   0xC0000B0C00000000ull
#define TDXKIT_EPT_ENTRY_STATE_INCORRECT           0xC0000B0D00000000ull
#define TDXKIT_EPT_PAGE_NOT_FREE                   0xC0000B0E00000000ull
#define TDXKIT_L2_SEPT_WALK_FAILED                 0xC0000B0F00000000ull	/* + vm<<16 | level */
#define TDXKIT_L2_SEPT_ENTRY_NOT_FREE              0xC0000B1000000000ull
#define TDXKIT_PAGE_ATTR_INVALID                   0xC0000B1100000000ull
#define TDXKIT_L2_SEPT_PAGE_NOT_PROVIDED           0xC0000B1200000000ull
#define TDXKIT_METADATA_FIELD_ID_INCORRECT         0xC0000C0000000000ull
#define TDXKIT_METADATA_FIELD_NOT_WRITABLE         0xC0000C0100000000ull
#define TDXKIT_METADATA_FIELD_NOT_READABLE         0xC0000C0200000000ull
#define TDXKIT_METADATA_FIELD_VALUE_NOT_VALID      0xC0000C0300000000ull
#define TDXKIT_METADATA_LIST_OVERFLOW              0xC0000C0400000000ull
#define TDXKIT_INVALID_METADATA_LIST_HEADER        0xC0000C0500000000ull
#define TDXKIT_REQUIRED_METADATA_FIELD_MISSING     0xC0000C0600000000ull
#define TDXKIT_METADATA_ELEMENT_SIZE_INCORRECT     0xC0000C0700000000ull
#define TDXKIT_METADATA_LAST_ELEMENT_INCORRECT     0xC0000C0800000000ull
#define TDXKIT_METADATA_FIELD_CURRENTLY_NOT_WRITABLE 0xC0000C0900000000ull
#define TDXKIT_METADATA_WR_MASK_NOT_VALID          0xC0000C0A00000000ull
#define TDXKIT_METADATA_FIRST_FIELD_ID_IN_CONTEXT  0x00000C0B00000000ull
#define TDXKIT_METADATA_FIELD_SKIP                 0x00000C0C00000000ull
#define TDXKIT_INVALID_CPUSVN                      0xC000100000000000ull
#define TDXKIT_INVALID_REPORTMACSTRUCT             0xC000100100000000ull
#define TDXKIT_L2_EXIT_HOST_ROUTED_ASYNC           0x0000110000000000ull
#define TDXKIT_L2_EXIT_HOST_ROUTED_TDVMCALL        0x0000110100000000ull
#define TDXKIT_L2_EXIT_PENDING_INTERRUPT           0x0000110200000000ull
#define TDXKIT_PENDING_INTERRUPT                   0x0000112000000000ull
#define TDXKIT_TD_EXIT_BEFORE_L2_ENTRY             0x0000114000000000ull
#define TDXKIT_TD_EXIT_ON_L2_VM_EXIT               0x0000114100000000ull
#define TDXKIT_TD_EXIT_ON_L2_TO_L1                 0x0000114200000000ull
#define TDXKIT_GLA_NOT_CANONICAL                   0xC000116000000000ull

/* ---- 2.4 operand IDs (status bits 31:0) -------------------------------- */
enum tdx_operand {
	TDXKIT_OPND_RAX = 0, TDXKIT_OPND_RCX = 1, TDXKIT_OPND_RDX = 2, TDXKIT_OPND_RBX = 3,
	TDXKIT_OPND_RBP = 5, TDXKIT_OPND_RSI = 6, TDXKIT_OPND_RDI = 7, TDXKIT_OPND_R8 = 8,
	TDXKIT_OPND_R9 = 9, TDXKIT_OPND_R10 = 10, TDXKIT_OPND_R11 = 11, TDXKIT_OPND_R12 = 12,
	TDXKIT_OPND_R13 = 13, TDXKIT_OPND_R14 = 14, TDXKIT_OPND_R15 = 15,
	TDXKIT_OPND_ATTRIBUTES = 64, TDXKIT_OPND_XFAM = 65, TDXKIT_OPND_EXEC_CONTROLS = 66,
	TDXKIT_OPND_EPTP_CONTROLS = 67, TDXKIT_OPND_MAX_VCPUS = 68, TDXKIT_OPND_CPUID_CONFIG = 69,
	TDXKIT_OPND_TSC_FREQUENCY = 70, TDXKIT_OPND_NUM_L2_VMS = 71,
	TDXKIT_OPND_TDR = 0x80, TDXKIT_OPND_TDCS = 0x90, TDXKIT_OPND_TDVPS = 0x91,
	TDXKIT_OPND_SEPT_TREE = 0x92, TDXKIT_OPND_SEPT_ENTRY = 0x93,
	TDXKIT_OPND_RTMR = 0xA8, TDXKIT_OPND_TD_EPOCH = 0xA9, TDXKIT_OPND_L2_VAPIC_GPA = 0xAA,
	TDXKIT_OPND_METADATA_FIELD = 0xB0, TDXKIT_OPND_SYS = 0xB8,
};

/* ---- 3 TDVMCALL: RCX control, GHCI statuses and sub-functions --------- */
#define TDXKIT_VMCALL_GPR_SELECT(rcx)   ((rcx) & 0xFFFF)
#define TDXKIT_VMCALL_XMM_SELECT(rcx)   (((rcx) >> 16) & 0xFFFF)
#define TDXKIT_VMCALL_RSVD_MASK         0xFFFFFFFF00000000ull
/* RAX, RCX and RSP can never be exposed (3.1). */
#define TDXKIT_VMCALL_FORBIDDEN_GPRS    ((1u << 0) | (1u << 1) | (1u << 4))

/* GPR numbering used by GPR_SELECT, L2_ENTER_GUEST_STATE and operand IDs. */
enum tdx_gpr {
	TDXKIT_GPR_RAX, TDXKIT_GPR_RCX, TDXKIT_GPR_RDX, TDXKIT_GPR_RBX, TDXKIT_GPR_RSP,
	TDXKIT_GPR_RBP, TDXKIT_GPR_RSI, TDXKIT_GPR_RDI, TDXKIT_GPR_R8, TDXKIT_GPR_R9,
	TDXKIT_GPR_R10, TDXKIT_GPR_R11, TDXKIT_GPR_R12, TDXKIT_GPR_R13, TDXKIT_GPR_R14,
	TDXKIT_GPR_R15, TDXKIT_NR_GPRS
};

#define TDXKIT_TDVMCALL_STATUS_SUCCESS              0x0000000000000000ull
#define TDXKIT_TDVMCALL_STATUS_RETRY                0x0000000000000001ull
#define TDXKIT_TDVMCALL_STATUS_INVALID_OPERAND      0x8000000000000000ull
#define TDXKIT_TDVMCALL_STATUS_GPA_INUSE            0x8000000000000001ull
#define TDXKIT_TDVMCALL_STATUS_ALIGN_ERROR          0x8000000000000002ull
#define TDXKIT_TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED  0x8000000000000003ull

/* R11 sub-functions of standard (R10 = 0) TDVMCALLs (3.4). */
enum tdvmcall_subfn {
	TDXKIT_TDVMCALL_CPUID = 10,
	TDXKIT_TDVMCALL_HLT = 12,
	TDXKIT_TDVMCALL_IO = 30,
	TDXKIT_TDVMCALL_RDMSR = 31,
	TDXKIT_TDVMCALL_WRMSR = 32,
	TDXKIT_TDVMCALL_MMIO = 48,
	TDXKIT_TDVMCALL_WBINVD = 54,
	TDXKIT_TDVMCALL_PCONFIG = 65,
	TDXKIT_TDVMCALL_GET_TD_VM_CALL_INFO = 0x10000,
	TDXKIT_TDVMCALL_MAP_GPA = 0x10001,
	TDXKIT_TDVMCALL_GET_QUOTE = 0x10002,
	TDXKIT_TDVMCALL_REPORT_FATAL_ERROR = 0x10003,
	TDXKIT_TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT = 0x10004,
	TDXKIT_TDVMCALL_SERVICE = 0x10005,
	TDXKIT_TDVMCALL_MIGTD = 0x10006,
};

/* 3.7 GetQuote: the shared buffer starts with this header (little endian;
 * Linux's tdx-guest driver calls it struct tdx_quote_buf); the data follow
 * at offset 24: the TDREPORT (in_len bytes) the guest puts there, then the
 * quote (out_len bytes) the host writes over it. The guest sets version 1,
 * status SUCCESS (0) and in_len, and polls status: the host sets IN_FLIGHT
 * when it takes the request and the final status last, after the data and
 * out_len. The two error values are UNCONFIRMED as final (3.7). */
struct tdx_quote_hdr {
	uint64_t version;
	uint64_t status;
	uint32_t in_len;
	uint32_t out_len;
};
#define TDXKIT_QUOTE_HDR_VERSION                1
#define TDXKIT_QUOTE_HDR_SIZE                   24
#define TDXKIT_GET_QUOTE_SUCCESS                0x0000000000000000ull
#define TDXKIT_GET_QUOTE_IN_FLIGHT              0xFFFFFFFFFFFFFFFFull
#define TDXKIT_GET_QUOTE_ERROR                  0x8000000000000000ull
#define TDXKIT_GET_QUOTE_SERVICE_UNAVAILABLE    0x8000000000000001ull

/* ---- 4 #VE info ----------------------------------------------------------- */
#define TDXKIT_VE_INFO_VALID   0xFFFFFFFFu

/* ---- 5 TD attributes, CONFIG_FLAGS, TD_CTLS ------------------------------- */
#define TDXKIT_ATTR_DEBUG            (1ull << 0)
#define TDXKIT_ATTR_HGS_PLUS_PROF    (1ull << 4)
#define TDXKIT_ATTR_PERF_PROF        (1ull << 5)
#define TDXKIT_ATTR_PMT_PROF         (1ull << 6)
#define TDXKIT_ATTR_ICSSD            (1ull << 16)
#define TDXKIT_ATTR_LASS             (1ull << 27)
#define TDXKIT_ATTR_SEPT_VE_DISABLE  (1ull << 28)
#define TDXKIT_ATTR_MIGRATABLE       (1ull << 29)
#define TDXKIT_ATTR_PKS              (1ull << 30)
#define TDXKIT_ATTR_KL               (1ull << 31)
#define TDXKIT_ATTR_TPA              (1ull << 62)
#define TDXKIT_ATTR_PERFMON          (1ull << 63)

#define TDXKIT_CONFIG_FLAGS_GPAW                (1ull << 0)
#define TDXKIT_CONFIG_FLAGS_FLEXIBLE_PENDING_VE (1ull << 1)
#define TDXKIT_CONFIG_FLAGS_NO_RBP_MOD          (1ull << 2)

#define TDXKIT_TD_CTLS_PENDING_VE_DISABLE  (1ull << 0)
#define TDXKIT_TD_CTLS_ENUM_TOPOLOGY       (1ull << 1)
#define TDXKIT_TD_CTLS_VIRT_CPUID2         (1ull << 2)
#define TDXKIT_TD_CTLS_REDUCE_VE           (1ull << 3)
#define TDXKIT_TD_CTLS_LOCK                (1ull << 63)

/* ---- 6.1 metadata field ID layout ----------------------------------------- */
#define TDXKIT_FIELD_CODE(id)          ((uint32_t)((id) & 0xFFFFFF))
#define TDXKIT_FIELD_ELEM_SIZE(id)     ((unsigned)(((id) >> 32) & 0x3))
#define TDXKIT_FIELD_LAST_ELEM(id)     ((unsigned)(((id) >> 34) & 0xF))
#define TDXKIT_FIELD_LAST_FIELD(id)    ((unsigned)(((id) >> 38) & 0x1FF))
#define TDXKIT_FIELD_INC_SIZE          (1ull << 50)
#define TDXKIT_FIELD_WRITE_MASK_VALID  (1ull << 51)
#define TDXKIT_FIELD_CONTEXT(id)       ((unsigned)(((id) >> 52) & 0x7))
#define TDXKIT_FIELD_CLASS(id)         ((unsigned)(((id) >> 56) & 0x3F))
#define TDXKIT_FIELD_NON_ARCH          (1ull << 63)
/* Bits 31:24, 49:47, 55 and 62 are reserved and must be 0. */
#define TDXKIT_FIELD_RSVD_MASK         0x40838000FF000000ull
#define TDXKIT_FIELD_ID_NULL           0xFFFFFFFFFFFFFFFFull	/* MD_FIELD_ID_NA */
#define TDXKIT_FIELD_CONTEXT_SHIFT     52
#define TDXKIT_FIELD_ID(ctx, cls, size, code) \
	(((uint64_t)(cls) << 56) | ((uint64_t)(ctx) << 52) | \
	 ((uint64_t)(size) << 32) | (uint64_t)(code))

enum tdx_field_context { TDXKIT_CTX_SYS = 0, TDXKIT_CTX_TD = 1, TDXKIT_CTX_VCPU = 2 };
enum tdx_field_size { TDXKIT_FIELD_8 = 0, TDXKIT_FIELD_16 = 1, TDXKIT_FIELD_32 = 2, TDXKIT_FIELD_64 = 3 };

/* 6.3 VCPU-scope classes; per-L2-VM classes advance by 8 per VM. */
enum tdx_vp_class {
	TDXKIT_VP_CLASS_TD_VMCS = 0,
	TDXKIT_VP_CLASS_VAPIC = 1,
	TDXKIT_VP_CLASS_VE_INFO = 2,
	TDXKIT_VP_CLASS_GUEST_GPR_STATE = 16,
	TDXKIT_VP_CLASS_GUEST_STATE = 17,
	TDXKIT_VP_CLASS_GUEST_EXT_STATE = 18,
	TDXKIT_VP_CLASS_GUEST_MSR_STATE = 19,
	TDXKIT_VP_CLASS_MANAGEMENT = 32,
	TDXKIT_VP_CLASS_CPUID_CONTROL = 33,
	TDXKIT_VP_CLASS_EPT_VIOLATION_LOG = 34,
	TDXKIT_VP_CLASS_VMCS_1 = 36,
	TDXKIT_VP_CLASS_MSR_BITMAPS_1 = 37,
	TDXKIT_VP_CLASS_MSR_BITMAPS_SHADOW_1 = 38,
};
#define TDXKIT_VP_CLASS_L2_STRIDE 8
#define TDXKIT_VP_CLASS_VMCS(vm)        (TDXKIT_VP_CLASS_VMCS_1 + TDXKIT_VP_CLASS_L2_STRIDE * ((vm) - 1))
#define TDXKIT_VP_CLASS_MSR_BITMAPS(vm) (TDXKIT_VP_CLASS_MSR_BITMAPS_1 + TDXKIT_VP_CLASS_L2_STRIDE * ((vm) - 1))

/* 6.4 TD-scope and global classes. */
enum tdx_td_class {
	TDXKIT_TD_CLASS_TDR_TD_MANAGEMENT = 0,
	TDXKIT_TD_CLASS_TDR_KEY_MANAGEMENT = 1,
	TDXKIT_TD_CLASS_TDR_TD_PRESERVING = 2,
	TDXKIT_TD_CLASS_TD_MANAGEMENT = 16,
	TDXKIT_TD_CLASS_EXECUTION_CONTROLS = 17,
	TDXKIT_TD_CLASS_TLB_EPOCH_TRACKING = 18,
	TDXKIT_TD_CLASS_MEASUREMENT = 19,
	TDXKIT_TD_CLASS_CPUID = 20,
	TDXKIT_TD_CLASS_VIRT_MSR_VALUES = 22,
	TDXKIT_TD_CLASS_MIGRATION = 24,
	TDXKIT_TD_CLASS_SERVICE_TD = 25,
	TDXKIT_TD_CLASS_MSR_BITMAPS = 32,
	TDXKIT_TD_CLASS_SECURE_EPT_ROOT = 33,
};
enum tdx_sys_class {
	TDXKIT_SYS_CLASS_PLATFORM_INFO = 0,
	TDXKIT_SYS_CLASS_MODULE_VERSION = 8,
	TDXKIT_SYS_CLASS_MODULE_HANDOFF = 9,
	TDXKIT_SYS_CLASS_MODULE_INFO = 10,
	TDXKIT_SYS_CLASS_CMR_INFO = 16,
	TDXKIT_SYS_CLASS_TDMR_INFO = 17,
	TDXKIT_SYS_CLASS_TD_CONTROL_STRUCTURES = 24,
	TDXKIT_SYS_CLASS_TD_CONFIGURABILITY = 25,
	TDXKIT_SYS_CLASS_MIGRATION = 32,
	TDXKIT_SYS_CLASS_SERVICE_TD = 33,
	TDXKIT_SYS_CLASS_TD_PARTITIONING = 34,
};

/* Well-known field IDs (5.3, 6.4, 6.5). */
#define TDXKIT_FIELD_TD_ATTRIBUTES       0x1110000300000000ull
#define TDXKIT_FIELD_TD_XFAM             0x1110000300000001ull
#define TDXKIT_FIELD_TD_MAX_VCPUS        0x1110000200000002ull
#define TDXKIT_FIELD_TD_GPAW             0x1110000000000003ull
#define TDXKIT_FIELD_TD_CONFIG_FLAGS     0x1110000300000016ull
#define TDXKIT_FIELD_TD_TD_CTLS          0x1110000300000017ull
#define TDXKIT_FIELD_TD_NUM_VCPUS        0x9010000200000001ull
#define TDXKIT_FIELD_TD_NUM_L2_VMS       0x9010000100000005ull
#define TDXKIT_FIELD_TD_NOTIFY_ENABLES   0x9110000300000010ull
#define TDXKIT_FIELD_SYS_TDX_FEATURES0   0x0A00000300000008ull
#define TDXKIT_FIELD_VP_VCPU_INDEX       0xA020000200000002ull
#define TDXKIT_FIELD_VP_CPUID_SUPERVISOR_VE 0xA020000000000007ull
#define TDXKIT_FIELD_VP_CPUID_USER_VE    0xA020000000000008ull
#define TDXKIT_FIELD_VP_L2_CTLS(vm)      (0xA020000300000050ull + (vm))
#define TDXKIT_FIELD_VP_TSC_DEADLINE(vm) (0xA020000300000058ull + (vm))

/* TDXKIT_FEATURES0 bits (6.4). */
#define TDXKIT_FEATURES0_TD_MIGRATION            (1ull << 0)
#define TDXKIT_FEATURES0_TD_PRESERVING           (1ull << 1)
#define TDXKIT_FEATURES0_SERVICE_TD              (1ull << 2)
#define TDXKIT_FEATURES0_TDG_VP_RDWR             (1ull << 3)
#define TDXKIT_FEATURES0_RELAXED_MEM_MNG_CONCURRENCY (1ull << 4)
#define TDXKIT_FEATURES0_CPUID_VIRT_GUEST_CTRL   (1ull << 5)
#define TDXKIT_FEATURES0_TD_PARTITIONING         (1ull << 7)
#define TDXKIT_FEATURES0_LOCAL_ATTESTATION       (1ull << 8)
#define TDXKIT_FEATURES0_TD_ENTRY_ENHANCEMENTS   (1ull << 9)
#define TDXKIT_FEATURES0_HOST_PRIORITY_LOCKS     (1ull << 10)
#define TDXKIT_FEATURES0_CONFIG_IA32_ARCH_CAP    (1ull << 11)
#define TDXKIT_FEATURES0_PENDING_EPT_VIOLATION_V2 (1ull << 16)
#define TDXKIT_FEATURES0_FMS_CONFIG              (1ull << 17)
#define TDXKIT_FEATURES0_NO_RBP_MOD              (1ull << 18)
#define TDXKIT_FEATURES0_L2_TLB_INVD_OPT         (1ull << 19)

/* ---- 7.3 TDG.VP.ENTER and L2 guest state ---------------------------------- */
#define TDXKIT_VP_ENTER_INVD_MASK      0x3ull
#define TDXKIT_VP_ENTER_VM_SHIFT       52
#define TDXKIT_VP_ENTER_VM_MASK        (0x3ull << 52)

/* L2_ENTER_GUEST_STATE (160 bytes as OpenHCL pads it; the module reads 154). */
struct tdx_l2_enter_guest_state {
	uint64_t gpr[16];	/* RAX..R15; RSP goes to the VMCS */
	uint64_t rflags;
	uint64_t rip;
	uint64_t ssp;
	uint8_t rvi;		/* GUEST_INTERRUPT_STATUS low byte */
	uint8_t svi;
	uint8_t reserved[6];
};

#define TDXKIT_L2_MAX_VMS 3	/* NUM_L2_VMS: VMs 1..3 besides L1 (7.1) */

/* ---- 7.6 GPA_ATTR: four 16-bit words, word n = VM n ----------------------- */
#define TDXKIT_GPA_ATTR_R     0x0001u
#define TDXKIT_GPA_ATTR_W     0x0002u
#define TDXKIT_GPA_ATTR_XS    0x0004u
#define TDXKIT_GPA_ATTR_XU    0x0008u
#define TDXKIT_GPA_ATTR_VGP   0x0010u
#define TDXKIT_GPA_ATTR_PWA   0x0020u
#define TDXKIT_GPA_ATTR_SSS   0x0040u
#define TDXKIT_GPA_ATTR_SVE   0x0080u
#define TDXKIT_GPA_ATTR_RSVD  0x7F00u	/* bits 14:8 */
#define TDXKIT_GPA_ATTR_VALID 0x8000u
#define TDXKIT_GPA_ATTR_PRESENT (TDXKIT_GPA_ATTR_R | TDXKIT_GPA_ATTR_W | TDXKIT_GPA_ATTR_XS | TDXKIT_GPA_ATTR_XU)
#define TDXKIT_ATTR_FLAGS_INVEPT 0x8000u	/* R8 word bit 15 */
#define TDXKIT_GPA_ATTR_WORD(a, vm) ((uint16_t)((a) >> (16 * (vm))))
/* Output RCX of ATTR.RD/WR: bit 62 = the page is still PENDING (7.6). */
#define TDXKIT_GPA_MAPPING_PENDING (1ull << 62)

/* L2_CTLS bits (7.2). */
#define TDXKIT_L2_CTLS_ENABLE_SHARED_EPTP (1ull << 0)
#define TDXKIT_L2_CTLS_ENABLE_TDVMCALL    (1ull << 1)
#define TDXKIT_L2_CTLS_ENABLE_EXTENDED_VE (1ull << 2)

/* VMCS encodings: bits 14:13 the width, 11:10 the type, 9:1 the index, 0
 * the "high" access of a 64-bit field (SDM appendix B). */
#define TDXKIT_VMCS_WIDTH(enc)	(((enc) >> 13) & 3u)
enum tdx_vmcs_width {
	TDXKIT_VMCS_W16 = 0, TDXKIT_VMCS_W64 = 1, TDXKIT_VMCS_W32 = 2, TDXKIT_VMCS_WNAT = 3
};
/* VMCS field encodings (SDM appendix B) that the module and an L2 CPU
 * engine use: bits 14:13 width (0 16-bit, 1 64-bit, 2 32-bit, 3 natural),
 * 11:10 type, 9:1 index. L1 reaches them as TDG.VP.RD/WR fields (6.6). */
enum {
	TDXKIT_VMCS_GUEST_ES_SEL = 0x0800, TDXKIT_VMCS_GUEST_CS_SEL = 0x0802, TDXKIT_VMCS_GUEST_SS_SEL = 0x0804,
	TDXKIT_VMCS_GUEST_DS_SEL = 0x0806, TDXKIT_VMCS_GUEST_FS_SEL = 0x0808, TDXKIT_VMCS_GUEST_GS_SEL = 0x080A,
	TDXKIT_VMCS_GUEST_LDTR_SEL = 0x080C, TDXKIT_VMCS_GUEST_TR_SEL = 0x080E,
	TDXKIT_VMCS_GUEST_INTR_STATUS = 0x0810,
	TDXKIT_VMCS_VIRTUAL_APIC_ADDR = 0x2012,
	TDXKIT_VMCS_EPTP = 0x201A,
	TDXKIT_VMCS_HLAT_PTR = 0x2040,
	TDXKIT_VMCS_SHARED_EPTP = 0x203C,
	TDXKIT_VMCS_GUEST_PHYS_ADDR = 0x2400,
	TDXKIT_VMCS_GUEST_DEBUGCTL = 0x2802, TDXKIT_VMCS_GUEST_PAT = 0x2804, TDXKIT_VMCS_GUEST_EFER = 0x2806,
	TDXKIT_VMCS_GUEST_PDPTE0 = 0x280A, TDXKIT_VMCS_GUEST_PDPTE3 = 0x2810,
	TDXKIT_VMCS_PIN_CTLS = 0x4000, TDXKIT_VMCS_PROC_CTLS = 0x4002, TDXKIT_VMCS_EXCEPTION_BITMAP = 0x4004,
	TDXKIT_VMCS_EXIT_CTLS = 0x400C, TDXKIT_VMCS_ENTRY_CTLS = 0x4012, TDXKIT_VMCS_PROC_CTLS2 = 0x401E,
	TDXKIT_VMCS_ENTRY_INTR_INFO = 0x4016, TDXKIT_VMCS_ENTRY_EXC_ERR = 0x4018,
	TDXKIT_VMCS_EXIT_REASON = 0x4402, TDXKIT_VMCS_EXIT_INTR_INFO = 0x4404, TDXKIT_VMCS_EXIT_INTR_ERR = 0x4406,
	TDXKIT_VMCS_IDT_VEC_INFO = 0x4408, TDXKIT_VMCS_IDT_VEC_ERR = 0x440A, TDXKIT_VMCS_EXIT_INSTR_LEN = 0x440C,
	TDXKIT_VMCS_EXIT_INSTR_INFO = 0x440E,
	TDXKIT_VMCS_GUEST_ES_LIMIT = 0x4800, TDXKIT_VMCS_GUEST_CS_LIMIT = 0x4802,
	TDXKIT_VMCS_GUEST_GDTR_LIMIT = 0x4810, TDXKIT_VMCS_GUEST_IDTR_LIMIT = 0x4812,
	TDXKIT_VMCS_GUEST_ES_AR = 0x4814, TDXKIT_VMCS_GUEST_CS_AR = 0x4816, TDXKIT_VMCS_GUEST_SS_AR = 0x4818,
	TDXKIT_VMCS_GUEST_LDTR_AR = 0x4820, TDXKIT_VMCS_GUEST_TR_AR = 0x4822,
	TDXKIT_VMCS_GUEST_INTERRUPTIBILITY = 0x4824, TDXKIT_VMCS_GUEST_ACTIVITY = 0x4826,
	TDXKIT_VMCS_CR0_MASK = 0x6000, TDXKIT_VMCS_CR4_MASK = 0x6002, TDXKIT_VMCS_CR0_SHADOW = 0x6004,
	TDXKIT_VMCS_CR4_SHADOW = 0x6006,
	TDXKIT_VMCS_EXIT_QUAL = 0x6400, TDXKIT_VMCS_GUEST_LINEAR_ADDR = 0x640A,
	TDXKIT_VMCS_GUEST_CR0 = 0x6800, TDXKIT_VMCS_GUEST_CR3 = 0x6802, TDXKIT_VMCS_GUEST_CR4 = 0x6804,
	TDXKIT_VMCS_GUEST_ES_BASE = 0x6806, TDXKIT_VMCS_GUEST_CS_BASE = 0x6808,
	TDXKIT_VMCS_GUEST_GDTR_BASE = 0x6816, TDXKIT_VMCS_GUEST_IDTR_BASE = 0x6818,
	TDXKIT_VMCS_GUEST_DR7 = 0x681A, TDXKIT_VMCS_GUEST_RSP = 0x681C, TDXKIT_VMCS_GUEST_RIP = 0x681E,
	TDXKIT_VMCS_GUEST_RFLAGS = 0x6820, TDXKIT_VMCS_GUEST_SSP = 0x682A,
};

/* ---- 8 page levels and TDG.MEM.PAGE.ACCEPT RCX ---------------------------- */
enum tdx_page_level { TDXKIT_PAGE_4K = 0, TDXKIT_PAGE_2M = 1, TDXKIT_PAGE_1G = 2 };
#define TDXKIT_PAGE_SIZE_4K   0x1000ull
#define TDXKIT_PAGE_SIZE_2M   0x200000ull
#define TDXKIT_PAGE_SIZE_1G   0x40000000ull
#define TDXKIT_PAGE_INFO_LEVEL(rcx)  ((unsigned)((rcx) & 0x7))
#define TDXKIT_PAGE_INFO_RSVD_MASK   0xFFF0000000000FF8ull	/* bits 11:3 and 63:52 */
#define TDXKIT_PAGE_INFO_GPA_MASK    0x000FFFFFFFFFF000ull

/* 8.2 extended exit qualification (TD exit RDX). */
enum tdx_eeq_type {
	TDXKIT_EEQ_NONE = 0, TDXKIT_EEQ_ACCEPT = 1, TDXKIT_EEQ_GPA_DETAILS = 2,
	TDXKIT_EEQ_TD_ENTRY_MSR_LOAD_FAILURE = 3, TDXKIT_EEQ_TD_ENTRY_XSTATE_LOAD_FAILURE = 4,
	TDXKIT_EEQ_ATTR_WR = 5, TDXKIT_EEQ_PENDING_EPT_VIOLATION = 6,
};
#define TDXKIT_EEQ(type, req_level, err_level, state, leaf) \
	((uint64_t)(type) | ((uint64_t)(req_level) << 32) | \
	 ((uint64_t)(err_level) << 35) | ((uint64_t)(state) << 38) | \
	 ((uint64_t)(leaf) << 46))

/* SEPT entry states as KVM names them (8.2). */
enum tdx_sept_state {
	TDXKIT_SEPT_FREE = 0, TDXKIT_SEPT_BLOCKED = 1, TDXKIT_SEPT_PENDING = 2,
	TDXKIT_SEPT_PENDING_BLOCKED = 3, TDXKIT_SEPT_PRESENT = 4,
};

/* ---- 9.2 TDREPORT_STRUCT (1024 bytes) ------------------------------------- */
#define TDXKIT_REPORT_TYPE_TDX     0x81
#define TDXKIT_REPORTDATA_SIZE     64
#define TDXKIT_MR_SIZE             48	/* SHA-384 */
#define TDXKIT_NUM_RTMRS           4

struct tdx_report_mac {
	uint8_t report_type[4];	/* TYPE, SUBTYPE, VERSION, reserved */
	uint8_t reserved0[12];
	uint8_t cpusvn[16];
	uint8_t tee_tcb_info_hash[48];
	uint8_t tee_info_hash[48];
	uint8_t reportdata[64];
	uint8_t reserved1[32];
	uint8_t mac[32];
};

struct tdx_tee_tcb_info {
	uint64_t valid;
	uint8_t tee_tcb_svn[16];
	uint8_t mrseam[48];
	uint8_t mrsignerseam[48];
	uint64_t attributes;
	uint8_t tee_tcb_svn2[16];
	uint8_t reserved[95];
} TDXKIT_PACKED;

struct tdx_td_info {
	uint64_t attributes;
	uint64_t xfam;
	uint8_t mrtd[48];
	uint8_t mrconfigid[48];
	uint8_t mrowner[48];
	uint8_t mrownerconfig[48];
	uint8_t rtmr[TDXKIT_NUM_RTMRS][48];
	uint8_t servtd_hash[48];
	uint8_t reserved[64];
};

struct tdx_report {
	struct tdx_report_mac mac;	/* 0 */
	struct tdx_tee_tcb_info tee_tcb_info;	/* 256, 239 bytes */
	uint8_t reserved[17];		/* 495 */
	struct tdx_td_info td_info;	/* 512 */
} TDXKIT_PACKED;

#define TDXKIT_REPORT_SIZE 1024
#define TDXKIT_REPORT_ALIGN 1024
#define TDXKIT_REPORTMAC_SIZE 256

TDXKIT_STATIC_ASSERT(sizeof(struct tdx_report_mac) == 256, "REPORTMACSTRUCT is 256 bytes");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_tee_tcb_info) == 239, "TEE_TCB_INFO is 239 bytes");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_td_info) == 512, "TDINFO is 512 bytes");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_report) == TDXKIT_REPORT_SIZE, "TDREPORT is 1024 bytes");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_l2_enter_guest_state) == 160, "guest state is 160 bytes");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_quote_hdr) == TDXKIT_QUOTE_HDR_SIZE, "GetQuote header is 24 bytes");

/* ---- 12 VMX basic exit reasons -------------------------------------------- */
enum tdx_exit_reason {
	TDXKIT_EXIT_EXCEPTION_NMI = 0,
	TDXKIT_EXIT_EXTERNAL_INTERRUPT = 1,
	TDXKIT_EXIT_TRIPLE_FAULT = 2,
	TDXKIT_EXIT_INIT = 3,
	TDXKIT_EXIT_SIPI = 4,
	TDXKIT_EXIT_IO_SMI = 5,
	TDXKIT_EXIT_OTHER_SMI = 6,
	TDXKIT_EXIT_INTERRUPT_WINDOW = 7,
	TDXKIT_EXIT_NMI_WINDOW = 8,
	TDXKIT_EXIT_TASK_SWITCH = 9,
	TDXKIT_EXIT_CPUID = 10,
	TDXKIT_EXIT_GETSEC = 11,
	TDXKIT_EXIT_HLT = 12,
	TDXKIT_EXIT_INVD = 13,
	TDXKIT_EXIT_INVLPG = 14,
	TDXKIT_EXIT_RDPMC = 15,
	TDXKIT_EXIT_RDTSC = 16,
	TDXKIT_EXIT_RSM = 17,
	TDXKIT_EXIT_VMCALL = 18,
	TDXKIT_EXIT_CR_ACCESS = 28,
	TDXKIT_EXIT_DR_ACCESS = 29,
	TDXKIT_EXIT_IO_INSTRUCTION = 30,
	TDXKIT_EXIT_RDMSR = 31,
	TDXKIT_EXIT_WRMSR = 32,
	TDXKIT_EXIT_ENTRY_FAIL_GUEST_STATE = 33,
	TDXKIT_EXIT_ENTRY_FAIL_MSR_LOADING = 34,
	TDXKIT_EXIT_MWAIT = 36,
	TDXKIT_EXIT_MONITOR_TRAP_FLAG = 37,
	TDXKIT_EXIT_MONITOR = 39,
	TDXKIT_EXIT_PAUSE = 40,
	TDXKIT_EXIT_ENTRY_FAIL_MACHINE_CHECK = 41,
	TDXKIT_EXIT_TPR_BELOW_THRESHOLD = 43,
	TDXKIT_EXIT_APIC_ACCESS = 44,
	TDXKIT_EXIT_VIRTUALIZED_EOI = 45,
	TDXKIT_EXIT_GDTR_IDTR = 46,
	TDXKIT_EXIT_LDTR_TR = 47,
	TDXKIT_EXIT_EPT_VIOLATION = 48,
	TDXKIT_EXIT_EPT_MISCONFIG = 49,
	TDXKIT_EXIT_INVEPT = 50,
	TDXKIT_EXIT_RDTSCP = 51,
	TDXKIT_EXIT_PREEMPTION_TIMER = 52,
	TDXKIT_EXIT_INVVPID = 53,
	TDXKIT_EXIT_WBINVD = 54,
	TDXKIT_EXIT_XSETBV = 55,
	TDXKIT_EXIT_APIC_WRITE = 56,
	TDXKIT_EXIT_RDRAND = 57,
	TDXKIT_EXIT_INVPCID = 58,
	TDXKIT_EXIT_VMFUNC = 59,
	TDXKIT_EXIT_ENCLS = 60,
	TDXKIT_EXIT_RDSEED = 61,
	TDXKIT_EXIT_PML_FULL = 62,
	TDXKIT_EXIT_XSAVES = 63,
	TDXKIT_EXIT_XRSTORS = 64,
	TDXKIT_EXIT_PCONFIG = 65,
	TDXKIT_EXIT_UMWAIT = 67,
	TDXKIT_EXIT_TPAUSE = 68,
	TDXKIT_EXIT_BUS_LOCK = 74,
	TDXKIT_EXIT_NOTIFICATION = 75,
	TDXKIT_EXIT_SEAMCALL = 76,
	TDXKIT_EXIT_TDCALL = 77,
};
#define TDXKIT_EXIT_REASON_BASIC(r)        ((r) & 0xFFFF)
#define TDXKIT_EXIT_REASON_BUS_LOCK        (1u << 26)
#define TDXKIT_EXIT_REASON_ENTRY_FAIL      (1u << 31)

/* EPT-violation exit qualification bits (SDM 28.2.1). */
#define TDXKIT_EPT_QUAL_READ       (1ull << 0)
#define TDXKIT_EPT_QUAL_WRITE      (1ull << 1)
#define TDXKIT_EPT_QUAL_FETCH      (1ull << 2)
#define TDXKIT_EPT_QUAL_READABLE   (1ull << 3)
#define TDXKIT_EPT_QUAL_WRITABLE   (1ull << 4)
#define TDXKIT_EPT_QUAL_EXECUTABLE (1ull << 5)
#define TDXKIT_EPT_QUAL_GLA_VALID  (1ull << 7)
#define TDXKIT_EPT_QUAL_GLA_XLAT   (1ull << 8)
/* Bits 11:9 when bits 7 and 8 are set (advanced VM-exit information for
 * EPT violations, SDM table 28-7): the linear translation is user-mode,
 * read/write, execute-disable (the AND of U/S and R/W, the OR of XD over
 * its paging entries); bit 12 NMI unblocking due to IRET. */
#define TDXKIT_EPT_QUAL_USER_LA    (1ull << 9)
#define TDXKIT_EPT_QUAL_RW_LA      (1ull << 10)
#define TDXKIT_EPT_QUAL_XD_LA      (1ull << 11)
#define TDXKIT_EPT_QUAL_NMI_UNBLOCK (1ull << 12)

/* IO-instruction exit qualification (SDM 28.2.1 table 28-5; 4.2): bits 2:0
 * access size - 1, 3 IN, 4 string (INS/OUTS), 5 REP, 6 port given in the
 * instruction (an immediate, not DX), 31:16 port. */
#define TDXKIT_IO_QUAL_IN       (1u << 3)
#define TDXKIT_IO_QUAL_STRING   (1u << 4)
#define TDXKIT_IO_QUAL_REP      (1u << 5)
#define TDXKIT_IO_QUAL_IMM      (1u << 6)
#define TDXKIT_IO_QUAL_SIZE(q)  ((unsigned)((q) & 7) + 1)
#define TDXKIT_IO_QUAL_PORT(q)  ((uint16_t)((q) >> 16))
#define TDXKIT_IO_QUAL(size, flags, port) \
	((uint64_t)((size) - 1) | (uint64_t)(flags) | (uint64_t)(port) << 16)

/* The spec's names, for units that ask for them (see the top). */
#ifdef TDXKIT_SPEC_NAMES
#include "spec_names.h"
#endif

#endif /* TDXKIT_ABI_H */

/*
 * tdxkit/abi.h: the Intel TDX guest/host call ABI as numbers.
 *
 * Self-contained (C99/C11 <stdint.h> only) and dual-use: the freestanding
 * guest library, the module model, the host library and the tools all use
 * it. Names follow the Intel specs (TDX module ABI 1.5, GHCI 1.5). Every
 * value comes from ../shared/ref/tdx-abi.md; the section is named beside
 * each group.
 */
#ifndef TDXKIT_ABI_H
#define TDXKIT_ABI_H

#include <stdint.h>

/* Bumped whenever a layout or a number in this file changes meaning. */
#define TDXKIT_ABI_VERSION 1

/* ---- 1.1 TDCALL instruction ------------------------------------------ */
#define TDX_TDCALL_BYTES     0x66, 0x0F, 0x01, 0xCC
#define TDX_TDCALL_LEN       4
#define TDX_SEAMCALL_BYTES   0x66, 0x0F, 0x01, 0xCF

/* ---- 1.2 RAX input: leaf [15:0], version [23:16], reserved [63:24] --- */
#define TDX_LEAF_MASK        0xFFFFull
#define TDX_LEAF_VERSION(rax) (((rax) >> 16) & 0xFF)
#define TDX_LEAF_RSVD_MASK   0xFFFFFFFFFF000000ull

/* ---- 1.4 TDCALL leaves (TDX module 1.5.01 tdcall_leaf_opcode_e) ------- */
enum tdx_leaf {
	TDG_VP_VMCALL = 0,
	TDG_VP_INFO = 1,
	TDG_MR_RTMR_EXTEND = 2,
	TDG_VP_VEINFO_GET = 3,
	TDG_MR_REPORT = 4,
	TDG_VP_CPUIDVE_SET = 5,
	TDG_MEM_PAGE_ACCEPT = 6,
	TDG_VM_RD = 7,
	TDG_VM_WR = 8,
	TDG_VP_RD = 9,
	TDG_VP_WR = 10,
	TDG_SYS_RD = 11,
	TDG_SYS_RDALL = 12,
	TDG_SERVTD_RD = 18,
	TDG_SERVTD_WR = 20,
	TDG_MR_VERIFYREPORT = 22,
	TDG_MEM_PAGE_ATTR_RD = 23,
	TDG_MEM_PAGE_ATTR_WR = 24,
	TDG_VP_ENTER = 25,
	TDG_VP_INVEPT = 26,
	TDG_VP_INVGLA = 27,	/* module source name: TDG.VP.INVVPID */
};

/* ---- 2.1 status layout ------------------------------------------------ */
#define TDX_STATUS_ERROR            (1ull << 63)
#define TDX_STATUS_NON_RECOVERABLE  (1ull << 62)
#define TDX_STATUS_FATAL            (1ull << 61)
#define TDX_STATUS_HOST_RECOV_HINT  (1ull << 60)
#define TDX_STATUS_CODE_MASK        0xFFFFFFFF00000000ull	/* compare this, not the low bits */
#define TDX_STATUS_CLASS(s)         (((s) >> 40) & 0xFF)
#define TDX_STATUS_DETAILS_L1(s)    (((s) >> 32) & 0xFF)
#define TDX_STATUS_DETAILS_L2(s)    ((uint32_t)(s))
#define TDX_STATUS_CODE(s)          ((s) & TDX_STATUS_CODE_MASK)
#define TDX_STATUS_IS_ERROR(s)      (((s) & TDX_STATUS_ERROR) != 0)

/* ---- 2.3 status codes (operand bits 0) --------------------------------- */
#define TDX_SUCCESS                             0x0000000000000000ull
#define TDX_NON_RECOVERABLE_VCPU                0x4000000100000000ull
#define TDX_NON_RECOVERABLE_TD                  0x6000000200000000ull	/* module value, not Linux's */
#define TDX_INTERRUPTED_RESUMABLE               0x8000000300000000ull
#define TDX_INTERRUPTED_RESTARTABLE             0x8000000400000000ull
#define TDX_NON_RECOVERABLE_TD_NON_ACCESSIBLE   0x6000000500000000ull
#define TDX_INVALID_RESUMPTION                  0xC000000600000000ull
#define TDX_NON_RECOVERABLE_TD_WRONG_APIC_MODE  0xE000000700000000ull
#define TDX_CROSS_TD_FAULT                      0x8000000800000000ull
#define TDX_CROSS_TD_TRAP                       0x9000000900000000ull
#define TDX_NON_RECOVERABLE_TD_CORRUPTED_MD     0x6000000A00000000ull
#define TDX_OPERAND_INVALID                     0xC000010000000000ull
#define TDX_OPERAND_ADDR_RANGE_ERROR            0xC000010100000000ull
#define TDX_OPERAND_BUSY                        0x8000020000000000ull
#define TDX_PREVIOUS_TLB_EPOCH_BUSY             0x8000020100000000ull
#define TDX_SYS_BUSY                            0x8000020200000000ull
#define TDX_RND_NO_ENTROPY                      0x8000020300000000ull
#define TDX_OPERAND_BUSY_HOST_PRIORITY          0x8000020400000000ull
#define TDX_HOST_PRIORITY_BUSY_TIMEOUT          0x9000020500000000ull
#define TDX_PAGE_METADATA_INCORRECT             0xC000030000000000ull
#define TDX_PAGE_ALREADY_FREE                   0x0000030100000000ull
#define TDX_PAGE_NOT_OWNED_BY_TD                0xC000030200000000ull
#define TDX_PAGE_NOT_FREE                       0xC000030300000000ull
#define TDX_TD_ASSOCIATED_PAGES_EXIST           0xC000040000000000ull
#define TDX_TD_FATAL                            0xE000060400000000ull
#define TDX_TD_NON_DEBUG                        0xC000060500000000ull
#define TDX_LIFECYCLE_STATE_INCORRECT           0xC000060700000000ull
#define TDX_OP_STATE_INCORRECT                  0xC000060800000000ull
#define TDX_VCPU_STATE_INCORRECT                0xC000070000000000ull
#define TDX_NO_VALID_VE_INFO                    0xC000070400000000ull
#define TDX_MAX_VCPUS_EXCEEDED                  0xC000070500000000ull
#define TDX_TSC_ROLLBACK                        0xC000070600000000ull
#define TDX_SEAMVERIFYREPORT_NOT_AVAILABLE      0xC000093300000000ull
#define TDX_EPT_WALK_FAILED                     0xC0000B0000000000ull
#define TDX_EPT_ENTRY_FREE                      0xC0000B0100000000ull
#define TDX_EPT_ENTRY_NOT_FREE                  0xC0000B0200000000ull
#define TDX_EPT_ENTRY_NOT_PRESENT               0xC0000B0300000000ull
#define TDX_EPT_ENTRY_NOT_LEAF                  0xC0000B0400000000ull
#define TDX_EPT_ENTRY_LEAF                      0xC0000B0500000000ull
#define TDX_GPA_RANGE_NOT_BLOCKED               0xC0000B0600000000ull
#define TDX_GPA_RANGE_ALREADY_BLOCKED           0x00000B0700000000ull
#define TDX_TLB_TRACKING_NOT_DONE               0xC0000B0800000000ull
#define TDX_EPT_INVALID_PROMOTE_CONDITIONS      0xC0000B0900000000ull
#define TDX_PAGE_ALREADY_ACCEPTED               0x00000B0A00000000ull	/* + level found */
#define TDX_PAGE_SIZE_MISMATCH                  0xC0000B0B00000000ull	/* + level found */
#define TDX_GPA_RANGE_BLOCKED                   0xC0000B0C00000000ull
#define TDX_EPT_ENTRY_STATE_INCORRECT           0xC0000B0D00000000ull
#define TDX_EPT_PAGE_NOT_FREE                   0xC0000B0E00000000ull
#define TDX_L2_SEPT_WALK_FAILED                 0xC0000B0F00000000ull	/* + vm<<16 | level */
#define TDX_L2_SEPT_ENTRY_NOT_FREE              0xC0000B1000000000ull
#define TDX_PAGE_ATTR_INVALID                   0xC0000B1100000000ull
#define TDX_L2_SEPT_PAGE_NOT_PROVIDED           0xC0000B1200000000ull
#define TDX_METADATA_FIELD_ID_INCORRECT         0xC0000C0000000000ull
#define TDX_METADATA_FIELD_NOT_WRITABLE         0xC0000C0100000000ull
#define TDX_METADATA_FIELD_NOT_READABLE         0xC0000C0200000000ull
#define TDX_METADATA_FIELD_VALUE_NOT_VALID      0xC0000C0300000000ull
#define TDX_METADATA_LIST_OVERFLOW              0xC0000C0400000000ull
#define TDX_INVALID_METADATA_LIST_HEADER        0xC0000C0500000000ull
#define TDX_REQUIRED_METADATA_FIELD_MISSING     0xC0000C0600000000ull
#define TDX_METADATA_ELEMENT_SIZE_INCORRECT     0xC0000C0700000000ull
#define TDX_METADATA_LAST_ELEMENT_INCORRECT     0xC0000C0800000000ull
#define TDX_METADATA_FIELD_CURRENTLY_NOT_WRITABLE 0xC0000C0900000000ull
#define TDX_METADATA_WR_MASK_NOT_VALID          0xC0000C0A00000000ull
#define TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT  0x00000C0B00000000ull
#define TDX_METADATA_FIELD_SKIP                 0x00000C0C00000000ull
#define TDX_INVALID_CPUSVN                      0xC000100000000000ull
#define TDX_INVALID_REPORTMACSTRUCT             0xC000100100000000ull
#define TDX_L2_EXIT_HOST_ROUTED_ASYNC           0x0000110000000000ull
#define TDX_L2_EXIT_HOST_ROUTED_TDVMCALL        0x0000110100000000ull
#define TDX_L2_EXIT_PENDING_INTERRUPT           0x0000110200000000ull
#define TDX_PENDING_INTERRUPT                   0x0000112000000000ull
#define TDX_TD_EXIT_BEFORE_L2_ENTRY             0x0000114000000000ull
#define TDX_TD_EXIT_ON_L2_VM_EXIT               0x0000114100000000ull
#define TDX_TD_EXIT_ON_L2_TO_L1                 0x0000114200000000ull
#define TDX_GLA_NOT_CANONICAL                   0xC000116000000000ull

/* ---- 2.4 operand IDs (status bits 31:0) -------------------------------- */
enum tdx_operand {
	TDX_OPND_RAX = 0, TDX_OPND_RCX = 1, TDX_OPND_RDX = 2, TDX_OPND_RBX = 3,
	TDX_OPND_RBP = 5, TDX_OPND_RSI = 6, TDX_OPND_RDI = 7, TDX_OPND_R8 = 8,
	TDX_OPND_R9 = 9, TDX_OPND_R10 = 10, TDX_OPND_R11 = 11, TDX_OPND_R12 = 12,
	TDX_OPND_R13 = 13, TDX_OPND_R14 = 14, TDX_OPND_R15 = 15,
	TDX_OPND_ATTRIBUTES = 64, TDX_OPND_XFAM = 65, TDX_OPND_EXEC_CONTROLS = 66,
	TDX_OPND_EPTP_CONTROLS = 67, TDX_OPND_MAX_VCPUS = 68, TDX_OPND_CPUID_CONFIG = 69,
	TDX_OPND_TSC_FREQUENCY = 70, TDX_OPND_NUM_L2_VMS = 71,
	TDX_OPND_TDR = 0x80, TDX_OPND_TDCS = 0x90, TDX_OPND_TDVPS = 0x91,
	TDX_OPND_SEPT_TREE = 0x92, TDX_OPND_SEPT_ENTRY = 0x93,
	TDX_OPND_RTMR = 0xA8, TDX_OPND_TD_EPOCH = 0xA9, TDX_OPND_L2_VAPIC_GPA = 0xAA,
	TDX_OPND_METADATA_FIELD = 0xB0, TDX_OPND_SYS = 0xB8,
};

/* ---- 3 TDVMCALL: RCX control, GHCI statuses and sub-functions --------- */
#define TDX_VMCALL_GPR_SELECT(rcx)   ((rcx) & 0xFFFF)
#define TDX_VMCALL_XMM_SELECT(rcx)   (((rcx) >> 16) & 0xFFFF)
#define TDX_VMCALL_RSVD_MASK         0xFFFFFFFF00000000ull
/* RAX, RCX and RSP can never be exposed (3.1). */
#define TDX_VMCALL_FORBIDDEN_GPRS    ((1u << 0) | (1u << 1) | (1u << 4))

/* GPR numbering used by GPR_SELECT, L2_ENTER_GUEST_STATE and operand IDs. */
enum tdx_gpr {
	TDX_GPR_RAX, TDX_GPR_RCX, TDX_GPR_RDX, TDX_GPR_RBX, TDX_GPR_RSP,
	TDX_GPR_RBP, TDX_GPR_RSI, TDX_GPR_RDI, TDX_GPR_R8, TDX_GPR_R9,
	TDX_GPR_R10, TDX_GPR_R11, TDX_GPR_R12, TDX_GPR_R13, TDX_GPR_R14,
	TDX_GPR_R15, TDX_NR_GPRS
};

#define TDVMCALL_STATUS_SUCCESS              0x0000000000000000ull
#define TDVMCALL_STATUS_RETRY                0x0000000000000001ull
#define TDVMCALL_STATUS_INVALID_OPERAND      0x8000000000000000ull
#define TDVMCALL_STATUS_GPA_INUSE            0x8000000000000001ull
#define TDVMCALL_STATUS_ALIGN_ERROR          0x8000000000000002ull
#define TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED  0x8000000000000003ull

/* R11 sub-functions of standard (R10 = 0) TDVMCALLs (3.4). */
enum tdvmcall_subfn {
	TDVMCALL_CPUID = 10,
	TDVMCALL_HLT = 12,
	TDVMCALL_IO = 30,
	TDVMCALL_RDMSR = 31,
	TDVMCALL_WRMSR = 32,
	TDVMCALL_MMIO = 48,
	TDVMCALL_WBINVD = 54,
	TDVMCALL_PCONFIG = 65,
	TDVMCALL_GET_TD_VM_CALL_INFO = 0x10000,
	TDVMCALL_MAP_GPA = 0x10001,
	TDVMCALL_GET_QUOTE = 0x10002,
	TDVMCALL_REPORT_FATAL_ERROR = 0x10003,
	TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT = 0x10004,
	TDVMCALL_SERVICE = 0x10005,
	TDVMCALL_MIGTD = 0x10006,
};

/* ---- 4 #VE info ----------------------------------------------------------- */
#define TDX_VE_INFO_VALID   0xFFFFFFFFu

/* ---- 5 TD attributes, CONFIG_FLAGS, TD_CTLS ------------------------------- */
#define TDX_ATTR_DEBUG            (1ull << 0)
#define TDX_ATTR_HGS_PLUS_PROF    (1ull << 4)
#define TDX_ATTR_PERF_PROF        (1ull << 5)
#define TDX_ATTR_PMT_PROF         (1ull << 6)
#define TDX_ATTR_ICSSD            (1ull << 16)
#define TDX_ATTR_LASS             (1ull << 27)
#define TDX_ATTR_SEPT_VE_DISABLE  (1ull << 28)
#define TDX_ATTR_MIGRATABLE       (1ull << 29)
#define TDX_ATTR_PKS              (1ull << 30)
#define TDX_ATTR_KL               (1ull << 31)
#define TDX_ATTR_TPA              (1ull << 62)
#define TDX_ATTR_PERFMON          (1ull << 63)

#define TDX_CONFIG_FLAGS_GPAW                (1ull << 0)
#define TDX_CONFIG_FLAGS_FLEXIBLE_PENDING_VE (1ull << 1)
#define TDX_CONFIG_FLAGS_NO_RBP_MOD          (1ull << 2)

#define TDX_TD_CTLS_PENDING_VE_DISABLE  (1ull << 0)
#define TDX_TD_CTLS_ENUM_TOPOLOGY       (1ull << 1)
#define TDX_TD_CTLS_VIRT_CPUID2         (1ull << 2)
#define TDX_TD_CTLS_REDUCE_VE           (1ull << 3)
#define TDX_TD_CTLS_LOCK                (1ull << 63)

/* ---- 6.1 metadata field ID layout ----------------------------------------- */
#define TDX_FIELD_CODE(id)          ((uint32_t)((id) & 0xFFFFFF))
#define TDX_FIELD_ELEM_SIZE(id)     ((unsigned)(((id) >> 32) & 0x3))
#define TDX_FIELD_LAST_ELEM(id)     ((unsigned)(((id) >> 34) & 0xF))
#define TDX_FIELD_LAST_FIELD(id)    ((unsigned)(((id) >> 38) & 0x1FF))
#define TDX_FIELD_INC_SIZE          (1ull << 50)
#define TDX_FIELD_WRITE_MASK_VALID  (1ull << 51)
#define TDX_FIELD_CONTEXT(id)       ((unsigned)(((id) >> 52) & 0x7))
#define TDX_FIELD_CLASS(id)         ((unsigned)(((id) >> 56) & 0x3F))
#define TDX_FIELD_NON_ARCH          (1ull << 63)
/* Bits 31:24, 49:47, 55 and 62 are reserved and must be 0. */
#define TDX_FIELD_RSVD_MASK         0x40838000FF000000ull
#define TDX_FIELD_ID_NULL           0xFFFFFFFFFFFFFFFFull	/* MD_FIELD_ID_NA */
#define TDX_FIELD_CONTEXT_SHIFT     52
#define TDX_FIELD_ID(ctx, cls, size, code) \
	(((uint64_t)(cls) << 56) | ((uint64_t)(ctx) << 52) | \
	 ((uint64_t)(size) << 32) | (uint64_t)(code))

enum tdx_field_context { TDX_CTX_SYS = 0, TDX_CTX_TD = 1, TDX_CTX_VCPU = 2 };
enum tdx_field_size { TDX_FIELD_8 = 0, TDX_FIELD_16 = 1, TDX_FIELD_32 = 2, TDX_FIELD_64 = 3 };

/* 6.3 VCPU-scope classes; per-L2-VM classes advance by 8 per VM. */
enum tdx_vp_class {
	TDX_VP_CLASS_TD_VMCS = 0,
	TDX_VP_CLASS_VAPIC = 1,
	TDX_VP_CLASS_VE_INFO = 2,
	TDX_VP_CLASS_GUEST_GPR_STATE = 16,
	TDX_VP_CLASS_GUEST_STATE = 17,
	TDX_VP_CLASS_GUEST_EXT_STATE = 18,
	TDX_VP_CLASS_GUEST_MSR_STATE = 19,
	TDX_VP_CLASS_MANAGEMENT = 32,
	TDX_VP_CLASS_CPUID_CONTROL = 33,
	TDX_VP_CLASS_EPT_VIOLATION_LOG = 34,
	TDX_VP_CLASS_VMCS_1 = 36,
	TDX_VP_CLASS_MSR_BITMAPS_1 = 37,
	TDX_VP_CLASS_MSR_BITMAPS_SHADOW_1 = 38,
};
#define TDX_VP_CLASS_L2_STRIDE 8
#define TDX_VP_CLASS_VMCS(vm)        (TDX_VP_CLASS_VMCS_1 + TDX_VP_CLASS_L2_STRIDE * ((vm) - 1))
#define TDX_VP_CLASS_MSR_BITMAPS(vm) (TDX_VP_CLASS_MSR_BITMAPS_1 + TDX_VP_CLASS_L2_STRIDE * ((vm) - 1))

/* 6.4 TD-scope and global classes. */
enum tdx_td_class {
	TDX_TD_CLASS_TDR_TD_MANAGEMENT = 0,
	TDX_TD_CLASS_TDR_KEY_MANAGEMENT = 1,
	TDX_TD_CLASS_TDR_TD_PRESERVING = 2,
	TDX_TD_CLASS_TD_MANAGEMENT = 16,
	TDX_TD_CLASS_EXECUTION_CONTROLS = 17,
	TDX_TD_CLASS_TLB_EPOCH_TRACKING = 18,
	TDX_TD_CLASS_MEASUREMENT = 19,
	TDX_TD_CLASS_CPUID = 20,
	TDX_TD_CLASS_VIRT_MSR_VALUES = 22,
	TDX_TD_CLASS_MIGRATION = 24,
	TDX_TD_CLASS_SERVICE_TD = 25,
	TDX_TD_CLASS_MSR_BITMAPS = 32,
	TDX_TD_CLASS_SECURE_EPT_ROOT = 33,
};
enum tdx_sys_class {
	TDX_SYS_CLASS_PLATFORM_INFO = 0,
	TDX_SYS_CLASS_MODULE_VERSION = 8,
	TDX_SYS_CLASS_MODULE_HANDOFF = 9,
	TDX_SYS_CLASS_MODULE_INFO = 10,
	TDX_SYS_CLASS_CMR_INFO = 16,
	TDX_SYS_CLASS_TDMR_INFO = 17,
	TDX_SYS_CLASS_TD_CONTROL_STRUCTURES = 24,
	TDX_SYS_CLASS_TD_CONFIGURABILITY = 25,
	TDX_SYS_CLASS_MIGRATION = 32,
	TDX_SYS_CLASS_SERVICE_TD = 33,
	TDX_SYS_CLASS_TD_PARTITIONING = 34,
};

/* Well-known field IDs (5.3, 6.4, 6.5). */
#define TDX_FIELD_TD_ATTRIBUTES       0x1110000300000000ull
#define TDX_FIELD_TD_XFAM             0x1110000300000001ull
#define TDX_FIELD_TD_MAX_VCPUS        0x1110000200000002ull
#define TDX_FIELD_TD_GPAW             0x1110000000000003ull
#define TDX_FIELD_TD_CONFIG_FLAGS     0x1110000300000016ull
#define TDX_FIELD_TD_TD_CTLS          0x1110000300000017ull
#define TDX_FIELD_TD_NUM_VCPUS        0x9010000200000001ull
#define TDX_FIELD_TD_NUM_L2_VMS       0x9010000100000005ull
#define TDX_FIELD_TD_NOTIFY_ENABLES   0x9110000300000010ull
#define TDX_FIELD_SYS_TDX_FEATURES0   0x0A00000300000008ull
#define TDX_FIELD_VP_VCPU_INDEX       0xA020000200000002ull
#define TDX_FIELD_VP_CPUID_SUPERVISOR_VE 0xA020000000000007ull
#define TDX_FIELD_VP_CPUID_USER_VE    0xA020000000000008ull
#define TDX_FIELD_VP_L2_CTLS(vm)      (0xA020000300000050ull + (vm))
#define TDX_FIELD_VP_TSC_DEADLINE(vm) (0xA020000300000058ull + (vm))

/* TDX_FEATURES0 bits (6.4). */
#define TDX_FEATURES0_TD_MIGRATION            (1ull << 0)
#define TDX_FEATURES0_TD_PRESERVING           (1ull << 1)
#define TDX_FEATURES0_SERVICE_TD              (1ull << 2)
#define TDX_FEATURES0_TDG_VP_RDWR             (1ull << 3)
#define TDX_FEATURES0_RELAXED_MEM_MNG_CONCURRENCY (1ull << 4)
#define TDX_FEATURES0_CPUID_VIRT_GUEST_CTRL   (1ull << 5)
#define TDX_FEATURES0_TD_PARTITIONING         (1ull << 7)
#define TDX_FEATURES0_LOCAL_ATTESTATION       (1ull << 8)
#define TDX_FEATURES0_TD_ENTRY_ENHANCEMENTS   (1ull << 9)
#define TDX_FEATURES0_HOST_PRIORITY_LOCKS     (1ull << 10)
#define TDX_FEATURES0_CONFIG_IA32_ARCH_CAP    (1ull << 11)
#define TDX_FEATURES0_PENDING_EPT_VIOLATION_V2 (1ull << 16)
#define TDX_FEATURES0_FMS_CONFIG              (1ull << 17)
#define TDX_FEATURES0_NO_RBP_MOD              (1ull << 18)
#define TDX_FEATURES0_L2_TLB_INVD_OPT         (1ull << 19)

/* ---- 7.3 TDG.VP.ENTER and L2 guest state ---------------------------------- */
#define TDX_VP_ENTER_INVD_MASK      0x3ull
#define TDX_VP_ENTER_VM_SHIFT       52
#define TDX_VP_ENTER_VM_MASK        (0x3ull << 52)

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

/* ---- 8 page levels and TDG.MEM.PAGE.ACCEPT RCX ---------------------------- */
enum tdx_page_level { TDX_PAGE_4K = 0, TDX_PAGE_2M = 1, TDX_PAGE_1G = 2 };
#define TDX_PAGE_SIZE_4K   0x1000ull
#define TDX_PAGE_SIZE_2M   0x200000ull
#define TDX_PAGE_SIZE_1G   0x40000000ull
#define TDX_PAGE_INFO_LEVEL(rcx)  ((unsigned)((rcx) & 0x7))
#define TDX_PAGE_INFO_RSVD_MASK   0xFFF0000000000FF8ull	/* bits 11:3 and 63:52 */
#define TDX_PAGE_INFO_GPA_MASK    0x000FFFFFFFFFF000ull

/* 8.2 extended exit qualification (TD exit RDX). */
enum tdx_eeq_type {
	TDX_EEQ_NONE = 0, TDX_EEQ_ACCEPT = 1, TDX_EEQ_GPA_DETAILS = 2,
	TDX_EEQ_TD_ENTRY_MSR_LOAD_FAILURE = 3, TDX_EEQ_TD_ENTRY_XSTATE_LOAD_FAILURE = 4,
	TDX_EEQ_ATTR_WR = 5, TDX_EEQ_PENDING_EPT_VIOLATION = 6,
};
#define TDX_EEQ(type, req_level, err_level, state, leaf) \
	((uint64_t)(type) | ((uint64_t)(req_level) << 32) | \
	 ((uint64_t)(err_level) << 35) | ((uint64_t)(state) << 38) | \
	 ((uint64_t)(leaf) << 46))

/* SEPT entry states as KVM names them (8.2). */
enum tdx_sept_state {
	TDX_SEPT_FREE = 0, TDX_SEPT_BLOCKED = 1, TDX_SEPT_PENDING = 2,
	TDX_SEPT_PENDING_BLOCKED = 3, TDX_SEPT_PRESENT = 4,
};

/* ---- 9.2 TDREPORT_STRUCT (1024 bytes) ------------------------------------- */
#define TDX_REPORT_TYPE_TDX     0x81
#define TDX_REPORTDATA_SIZE     64
#define TDX_MR_SIZE             48	/* SHA-384 */
#define TDX_NUM_RTMRS           4

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
} __attribute__((packed));

struct tdx_td_info {
	uint64_t attributes;
	uint64_t xfam;
	uint8_t mrtd[48];
	uint8_t mrconfigid[48];
	uint8_t mrowner[48];
	uint8_t mrownerconfig[48];
	uint8_t rtmr[TDX_NUM_RTMRS][48];
	uint8_t servtd_hash[48];
	uint8_t reserved[64];
};

struct tdx_report {
	struct tdx_report_mac mac;	/* 0 */
	struct tdx_tee_tcb_info tee_tcb_info;	/* 256, 239 bytes */
	uint8_t reserved[17];		/* 495 */
	struct tdx_td_info td_info;	/* 512 */
} __attribute__((packed));

#define TDX_REPORT_SIZE 1024
#define TDX_REPORT_ALIGN 1024
#define TDX_REPORTMAC_SIZE 256

_Static_assert(sizeof(struct tdx_report_mac) == 256, "REPORTMACSTRUCT is 256 bytes");
_Static_assert(sizeof(struct tdx_tee_tcb_info) == 239, "TEE_TCB_INFO is 239 bytes");
_Static_assert(sizeof(struct tdx_td_info) == 512, "TDINFO is 512 bytes");
_Static_assert(sizeof(struct tdx_report) == TDX_REPORT_SIZE, "TDREPORT is 1024 bytes");
_Static_assert(sizeof(struct tdx_l2_enter_guest_state) == 160, "guest state is 160 bytes");

/* ---- 12 VMX basic exit reasons -------------------------------------------- */
enum tdx_exit_reason {
	TDX_EXIT_EXCEPTION_NMI = 0,
	TDX_EXIT_EXTERNAL_INTERRUPT = 1,
	TDX_EXIT_TRIPLE_FAULT = 2,
	TDX_EXIT_INIT = 3,
	TDX_EXIT_SIPI = 4,
	TDX_EXIT_IO_SMI = 5,
	TDX_EXIT_OTHER_SMI = 6,
	TDX_EXIT_INTERRUPT_WINDOW = 7,
	TDX_EXIT_NMI_WINDOW = 8,
	TDX_EXIT_TASK_SWITCH = 9,
	TDX_EXIT_CPUID = 10,
	TDX_EXIT_GETSEC = 11,
	TDX_EXIT_HLT = 12,
	TDX_EXIT_INVD = 13,
	TDX_EXIT_INVLPG = 14,
	TDX_EXIT_RDPMC = 15,
	TDX_EXIT_RDTSC = 16,
	TDX_EXIT_RSM = 17,
	TDX_EXIT_VMCALL = 18,
	TDX_EXIT_CR_ACCESS = 28,
	TDX_EXIT_DR_ACCESS = 29,
	TDX_EXIT_IO_INSTRUCTION = 30,
	TDX_EXIT_RDMSR = 31,
	TDX_EXIT_WRMSR = 32,
	TDX_EXIT_ENTRY_FAIL_GUEST_STATE = 33,
	TDX_EXIT_ENTRY_FAIL_MSR_LOADING = 34,
	TDX_EXIT_MWAIT = 36,
	TDX_EXIT_MONITOR_TRAP_FLAG = 37,
	TDX_EXIT_MONITOR = 39,
	TDX_EXIT_PAUSE = 40,
	TDX_EXIT_ENTRY_FAIL_MACHINE_CHECK = 41,
	TDX_EXIT_TPR_BELOW_THRESHOLD = 43,
	TDX_EXIT_APIC_ACCESS = 44,
	TDX_EXIT_VIRTUALIZED_EOI = 45,
	TDX_EXIT_GDTR_IDTR = 46,
	TDX_EXIT_LDTR_TR = 47,
	TDX_EXIT_EPT_VIOLATION = 48,
	TDX_EXIT_EPT_MISCONFIG = 49,
	TDX_EXIT_INVEPT = 50,
	TDX_EXIT_RDTSCP = 51,
	TDX_EXIT_PREEMPTION_TIMER = 52,
	TDX_EXIT_INVVPID = 53,
	TDX_EXIT_WBINVD = 54,
	TDX_EXIT_XSETBV = 55,
	TDX_EXIT_APIC_WRITE = 56,
	TDX_EXIT_RDRAND = 57,
	TDX_EXIT_INVPCID = 58,
	TDX_EXIT_VMFUNC = 59,
	TDX_EXIT_ENCLS = 60,
	TDX_EXIT_RDSEED = 61,
	TDX_EXIT_PML_FULL = 62,
	TDX_EXIT_XSAVES = 63,
	TDX_EXIT_XRSTORS = 64,
	TDX_EXIT_PCONFIG = 65,
	TDX_EXIT_UMWAIT = 67,
	TDX_EXIT_TPAUSE = 68,
	TDX_EXIT_BUS_LOCK = 74,
	TDX_EXIT_NOTIFICATION = 75,
	TDX_EXIT_SEAMCALL = 76,
	TDX_EXIT_TDCALL = 77,
};
#define TDX_EXIT_REASON_BASIC(r)        ((r) & 0xFFFF)
#define TDX_EXIT_REASON_BUS_LOCK        (1u << 26)
#define TDX_EXIT_REASON_ENTRY_FAIL      (1u << 31)

/* EPT-violation exit qualification bits (SDM 28.2.1). */
#define TDX_EPT_QUAL_READ       (1ull << 0)
#define TDX_EPT_QUAL_WRITE      (1ull << 1)
#define TDX_EPT_QUAL_FETCH      (1ull << 2)
#define TDX_EPT_QUAL_READABLE   (1ull << 3)
#define TDX_EPT_QUAL_WRITABLE   (1ull << 4)
#define TDX_EPT_QUAL_EXECUTABLE (1ull << 5)
#define TDX_EPT_QUAL_GLA_VALID  (1ull << 7)
#define TDX_EPT_QUAL_GLA_XLAT   (1ull << 8)
/* Bits 11:9 when bits 7 and 8 are set (advanced VM-exit information for
 * EPT violations): the linear translation is user-mode, read/write,
 * execute-disable (the AND of U/S and R/W, the OR of XD over its entries). */
#define TDX_EPT_QUAL_USER_LA    (1ull << 9)
#define TDX_EPT_QUAL_RW_LA      (1ull << 10)
#define TDX_EPT_QUAL_XD_LA      (1ull << 11)
#define TDX_EPT_QUAL_NMI_UNBLOCK (1ull << 12)

#endif /* TDXKIT_ABI_H */

/* names_field.c: metadata field names (tdx-abi.md 6.1, 6.3-6.5, 5.3).
 * Rows are the TDX module 1.5.01 lookup tables (tdr_tdcs, tdvps and
 * global_sys fields_lookup.c, as listed in docs/metadata-fields.md
 * appendices A/B). As the module does (6.1 md_find_entry_idx), a field is
 * matched by context + class + field code; element size, INC_SIZE,
 * WRITE_MASK_VALID, NON_ARCH and the LAST_* counts are ignored. */
#include <stdio.h>

#include "tdxkit/abi.h"
#include "tdxkit/decode.h"
#include "tdxkit/names.h"
#include "names_internal.h"

struct field_row {
	uint8_t ctx, cls;
	uint32_t code;		/* first field code */
	uint32_t count;		/* field codes covered: fields x elements */
	const char *name;
};

#define F(ctx, cls, code, count, name) { ctx, cls, code, count, name }

static const struct field_row fields[] = {
	F(1, 0, 0x1, 1, "FATAL"),
	F(1, 0, 0x2, 1, "NUM_TDCX"),
	F(1, 0, 0x4, 1, "CHLDCNT"),
	F(1, 0, 0x5, 1, "LIFECYCLE_STATE"),
	F(1, 0, 0x10, 9, "TDCX_PA"),
	F(1, 0, 0x20, 4, "TD_UUID"),
	F(1, 1, 0x1, 1, "HKID"),
	F(1, 1, 0x2, 1, "PKG_CONFIG_BITMAP"),
	F(1, 2, 0x0, 1, "HANDOFF_VERSION"),
	F(1, 2, 0x1, 1, "SEAMDB_INDEX"),
	F(1, 2, 0x2, 4, "SEAMDB_NONCE"),
	F(1, 16, 0x1, 1, "NUM_VCPUS"),
	F(1, 16, 0x2, 1, "NUM_ASSOC_VCPUS"),
	F(1, 16, 0x4, 1, "OP_STATE"),
	F(1, 16, 0x5, 1, "NUM_L2_VMS"),
	F(1, 17, 0x0, 1, "ATTRIBUTES"),
	F(1, 17, 0x1, 1, "XFAM"),
	F(1, 17, 0x2, 1, "MAX_VCPUS"),
	F(1, 17, 0x3, 1, "GPAW"),
	F(1, 17, 0x4, 1, "EPTP"),
	F(1, 17, 0xA, 1, "TSC_OFFSET"),
	F(1, 17, 0xB, 1, "TSC_MULTIPLIER"),
	F(1, 17, 0xC, 1, "TSC_FREQUENCY"),
	F(1, 17, 0xD, 1, "VIRTUAL_TSC"),
	F(1, 17, 0xE, 1, "NUM_CPUID_VALUES"),
	F(1, 17, 0xF, 1, "XBUFF_SIZE"),
	F(1, 17, 0x10, 1, "NOTIFY_ENABLES"),
	F(1, 17, 0x11, 1, "HP_LOCK_TIMEOUT"),
	F(1, 17, 0x12, 4, "VM_CTLS"),
	F(1, 17, 0x16, 1, "CONFIG_FLAGS"),
	F(1, 17, 0x17, 1, "TD_CTLS"),
	F(1, 17, 0x80, 80, "CPUID_VALID"),
	F(1, 17, 0x800, 19, "XBUFF_OFFSETS"),
	F(1, 18, 0x0, 1, "TD_EPOCH"),
	F(1, 18, 0x1, 2, "REFCOUNT"),
	F(1, 19, 0x0, 6, "MRTD"),
	F(1, 19, 0x10, 6, "MRCONFIGID"),
	F(1, 19, 0x18, 6, "MROWNER"),
	F(1, 19, 0x20, 6, "MROWNERCONFIG"),
	F(1, 19, 0x40, 24, "RTMR"),
	F(1, 20, 0x0, 160, "CPUID_VALUES"),
	F(1, 22, 0x10A, 1, "VIRTUAL_IA32_ARCH_CAPABILITIES"),
	F(1, 22, 0x480, 1, "VIRTUAL_IA32_VMX_BASIC"),
	F(1, 22, 0x485, 1, "VIRTUAL_IA32_VMX_MISC"),
	F(1, 22, 0x486, 1, "VIRTUAL_IA32_VMX_CR0_FIXED0"),
	F(1, 22, 0x487, 1, "VIRTUAL_IA32_VMX_CR0_FIXED1"),
	F(1, 22, 0x488, 1, "VIRTUAL_IA32_VMX_CR4_FIXED0"),
	F(1, 22, 0x489, 1, "VIRTUAL_IA32_VMX_CR4_FIXED1"),
	F(1, 22, 0x48B, 1, "VIRTUAL_IA32_VMX_PROCBASED_CTLS2"),
	F(1, 22, 0x48C, 1, "VIRTUAL_IA32_VMX_EPT_VPID_CAP"),
	F(1, 22, 0x48D, 1, "VIRTUAL_IA32_VMX_TRUE_PINBASED_CTLS"),
	F(1, 22, 0x48E, 1, "VIRTUAL_IA32_VMX_TRUE_PROCBASED_CTLS"),
	F(1, 22, 0x48F, 1, "VIRTUAL_IA32_VMX_TRUE_EXIT_CTLS"),
	F(1, 22, 0x490, 1, "VIRTUAL_IA32_VMX_TRUE_ENTRY_CTLS"),
	F(1, 22, 0x491, 1, "VIRTUAL_IA32_VMX_VMFUNC"),
	F(1, 22, 0x492, 1, "VIRTUAL_IA32_VMX_PROCBASED_CTLS3"),
	F(1, 22, 0x493, 1, "VIRTUAL_IA32_VMX_EXIT_CTLS2"),
	F(1, 24, 0x1, 1, "MIG_DEC_KEY_SET"),
	F(1, 24, 0x2, 1, "EXPORT_COUNT"),
	F(1, 24, 0x3, 1, "IMPORT_COUNT"),
	F(1, 24, 0x4, 1, "MIG_EPOCH"),
	F(1, 24, 0x5, 1, "BW_EPOCH"),
	F(1, 24, 0x6, 1, "TOTAL_MB_COUNT"),
	F(1, 24, 0x10, 4, "MIG_DEC_KEY"),
	F(1, 24, 0x14, 4, "MIG_DEC_WORKING_KEY"),
	F(1, 24, 0x18, 4, "MIG_ENC_KEY"),
	F(1, 24, 0x1C, 4, "MIG_ENC_WORKING_KEY"),
	F(1, 24, 0x20, 1, "MIG_VERSION"),
	F(1, 24, 0x21, 1, "MIG_WORKING_VERSION"),
	F(1, 24, 0x30, 1, "DIRTY_COUNT"),
	F(1, 24, 0x31, 1, "MIG_COUNT"),
	F(1, 24, 0x32, 1, "NUM_MIGS"),
	F(1, 24, 0x34, 1, "NUM_MIGRATED_VCPUS"),
	F(1, 24, 0x40, 4, "PRE_IMPORT_UUID"),
	F(1, 25, 0x0, 6, "SERVTD_HASH"),
	F(1, 25, 0x6, 1, "SERVTD_NUM"),
	F(1, 25, 0x80, 16, "SERVTD_BINDINGS_TABLE"),
	F(1, 26, 0x0, 512, "MIGSC_LINKS"),
	F(1, 32, 0x0, 512, "MSR_BITMAPS"),
	F(1, 33, 0x0, 512, "SEPT_ROOT"),
	F(1, 37, 0x0, 512, "L2_SEPT_ROOT_1"),
	F(1, 41, 0x0, 512, "L2_SEPT_ROOT_2"),
	F(1, 45, 0x0, 512, "L2_SEPT_ROOT_3"),
	F(2, 1, 0x0, 128, "VAPIC"),
	F(2, 2, 0x0, 1, "EXIT_REASON"),
	F(2, 2, 0x1, 1, "VALID"),
	F(2, 2, 0x2, 1, "EXIT_QUALIFICATION"),
	F(2, 2, 0x3, 1, "GLA"),
	F(2, 2, 0x4, 1, "GPA"),
	F(2, 2, 0x5, 1, "EPTP_INDEX"),
	F(2, 2, 0x10, 1, "INSTRUCTION_LENGTH"),
	F(2, 2, 0x11, 1, "INSTRUCTION_INFORMATION"),
	F(2, 16, 0x0, 1, "RAX"),
	F(2, 16, 0x1, 1, "RCX"),
	F(2, 16, 0x2, 1, "RDX"),
	F(2, 16, 0x3, 1, "RBX"),
	F(2, 16, 0x4, 1, "RSP_PLACEHOLDER"),
	F(2, 16, 0x5, 1, "RBP"),
	F(2, 16, 0x6, 1, "RSI"),
	F(2, 16, 0x7, 1, "RDI"),
	F(2, 16, 0x8, 1, "R8"),
	F(2, 16, 0x9, 1, "R9"),
	F(2, 16, 0xA, 1, "R10"),
	F(2, 16, 0xB, 1, "R11"),
	F(2, 16, 0xC, 1, "R12"),
	F(2, 16, 0xD, 1, "R13"),
	F(2, 16, 0xE, 1, "R14"),
	F(2, 16, 0xF, 1, "R15"),
	F(2, 17, 0x0, 1, "DR0"),
	F(2, 17, 0x1, 1, "DR1"),
	F(2, 17, 0x2, 1, "DR2"),
	F(2, 17, 0x3, 1, "DR3"),
	F(2, 17, 0x6, 1, "DR6"),
	F(2, 17, 0x20, 1, "XCR0"),
	F(2, 17, 0x28, 1, "CR2"),
	F(2, 17, 0x100, 1, "VCPU_STATE_DETAILS"),
	F(2, 18, 0x0, 1536, "XBUFF"),
	F(2, 19, 0x48, 1, "IA32_SPEC_CTRL"),
	F(2, 19, 0xE1, 1, "IA32_UMWAIT_CONTROL"),
	F(2, 19, 0x122, 1, "IA32_TSX_CTRL"),
	F(2, 19, 0x186, 8, "IA32_PERFEVTSELx"),
	F(2, 19, 0x1A6, 2, "MSR_OFFCORE_RSPx"),
	F(2, 19, 0x1C4, 1, "IA32_XFD"),
	F(2, 19, 0x1C5, 1, "IA32_XFD_ERR"),
	F(2, 19, 0x309, 7, "IA32_FIXED_CTRx"),
	F(2, 19, 0x329, 1, "IA32_PERF_METRICS"),
	F(2, 19, 0x38D, 1, "IA32_FIXED_CTR_CTRL"),
	F(2, 19, 0x38E, 1, "IA32_PERF_GLOBAL_STATUS"),
	F(2, 19, 0x3F1, 1, "IA32_PEBS_ENABLE"),
	F(2, 19, 0x3F2, 1, "MSR_PEBS_DATA_CFG"),
	F(2, 19, 0x3F6, 1, "MSR_PEBS_LD_LAT"),
	F(2, 19, 0x3F7, 1, "MSR_PEBS_FRONTEND"),
	F(2, 19, 0x4C1, 8, "IA32_A_PMCx"),
	F(2, 19, 0x600, 1, "IA32_DS_AREA"),
	F(2, 19, 0xDA0, 1, "IA32_XSS"),
	F(2, 19, 0x14CF, 1, "IA32_LBR_DEPTH"),
	F(2, 19, 0x1B01, 1, "IA32_UARCH_MISC_CTL"),
	F(2, 19, 0x2081, 1, "IA32_STAR"),
	F(2, 19, 0x2082, 1, "IA32_LSTAR"),
	F(2, 19, 0x2084, 1, "IA32_FMASK"),
	F(2, 19, 0x2102, 1, "IA32_KERNEL_GS_BASE"),
	F(2, 19, 0x2103, 1, "IA32_TSC_AUX"),
	F(2, 32, 0x0, 1, "VCPU_STATE"),
	F(2, 32, 0x2, 1, "VCPU_INDEX"),
	F(2, 32, 0x3, 1, "NUM_TDVPS_PAGES"),
	F(2, 32, 0x4, 1, "ASSOC_LPID"),
	F(2, 32, 0x6, 1, "VCPU_EPOCH"),
	F(2, 32, 0x7, 1, "CPUID_SUPERVISOR_VE"),
	F(2, 32, 0x8, 1, "CPUID_USER_VE"),
	F(2, 32, 0xA, 1, "LAST_EXIT_TSC"),
	F(2, 32, 0xB, 1, "PEND_NMI"),
	F(2, 32, 0xC, 1, "XFAM"),
	F(2, 32, 0xD, 1, "LAST_EPF_GPA_LIST_IDX"),
	F(2, 32, 0xE, 1, "POSSIBLY_EPF_STEPPING"),
	F(2, 32, 0xF, 1, "LAST_TD_EXIT"),
	F(2, 32, 0x10, 15, "TDVPS_PAGE_PA"),
	F(2, 32, 0x30, 1, "HP_LOCK_BUSY_START"),
	F(2, 32, 0x31, 1, "HP_LOCK_BUSY"),
	F(2, 32, 0x32, 1, "LAST_SEAMDB_INDEX"),
	F(2, 32, 0x40, 1, "NMI_UNBLOCKING_DUE_TO_IRET"),
	F(2, 32, 0x41, 1, "CURR_VM"),
	F(2, 32, 0x42, 1, "L2_EXIT_HOST_ROUTING"),
	F(2, 32, 0x44, 4, "VM_LAUNCHED"),
	F(2, 32, 0x48, 4, "LP_DEPENDENT_HPA_UPDATED"),
	F(2, 32, 0x4C, 4, "MODULE_DEPENDENT_FIELDS_UPDATED"),
	F(2, 32, 0x50, 4, "L2_CTLS"),
	F(2, 32, 0x54, 4, "L2_DEBUG_CTLS"),
	F(2, 32, 0x58, 4, "TSC_DEADLINE"),
	F(2, 32, 0x5C, 4, "SHADOW_TSC_DEADLINE"),
	F(2, 32, 0x80, 1, "BASE_L2_CR0_GUEST_HOST_MASK"),
	F(2, 32, 0x81, 1, "BASE_L2_CR0_READ_SHADOW"),
	F(2, 32, 0x82, 1, "BASE_L2_CR4_GUEST_HOST_MASK"),
	F(2, 32, 0x83, 1, "BASE_L2_CR4_READ_SHADOW"),
	F(2, 32, 0x84, 4, "SHADOW_CR0_GUEST_HOST_MASK"),
	F(2, 32, 0x88, 4, "SHADOW_CR0_READ_SHADOW"),
	F(2, 32, 0x8C, 4, "SHADOW_CR4_GUEST_HOST_MASK"),
	F(2, 32, 0x90, 4, "SHADOW_CR4_READ_SHADOW"),
	F(2, 32, 0x94, 4, "SHADOW_INSTRUCTION_TIMEOUT_CONTROL"),
	F(2, 32, 0x98, 4, "SHADOW_PID_HPA"),
	F(2, 32, 0x9C, 4, "SHADOW_PINBASED_EXEC_CTLS"),
	F(2, 32, 0xA4, 4, "SHADOW_PLE_GAP"),
	F(2, 32, 0xA8, 4, "SHADOW_PLE_WINDOW"),
	F(2, 32, 0xAC, 4, "SHADOW_POSTED_INT_NOTIFICATION_VECTOR"),
	F(2, 32, 0xB0, 4, "SHADOW_PROCBASED_EXEC_CTLS2"),
	F(2, 32, 0xB4, 4, "SHADOW_SHARED_EPTP"),
	F(2, 32, 0x100, 4, "L2_ENTER_GUEST_STATE_GPA"),
	F(2, 32, 0x104, 4, "L2_ENTER_GUEST_STATE_HPA"),
	F(2, 32, 0x108, 4, "VE_INFO_GPA"),
	F(2, 32, 0x10C, 4, "VE_INFO_HPA"),
	F(2, 32, 0x110, 4, "L2_VAPIC_GPA"),
	F(2, 32, 0x114, 4, "L2_VAPIC_HPA"),
	F(2, 33, 0x0, 128, "CPUID_CONTROL"),
	F(2, 34, 0x200, 32, "LAST_EPF_GPA_LIST"),
	F(2, 37, 0x0, 512, "L2_MSR_BITMAPS_1"),
	F(2, 38, 0x0, 512, "L2_SHADOW_MSR_BITMAPS_1"),
	F(2, 45, 0x0, 512, "L2_MSR_BITMAPS_2"),
	F(2, 46, 0x0, 512, "L2_SHADOW_MSR_BITMAPS_2"),
	F(2, 53, 0x0, 512, "L2_MSR_BITMAPS_3"),
	F(2, 54, 0x0, 512, "L2_SHADOW_MSR_BITMAPS_3"),
	F(0, 0, 0x0, 1, "NUM_PKGS"),
	F(0, 0, 0x1, 8, "PKG_FMS"),
	F(0, 8, 0x0, 1, "VENDOR_ID"),
	F(0, 8, 0x1, 1, "BUILD_DATE"),
	F(0, 8, 0x2, 1, "BUILD_NUM"),
	F(0, 8, 0x3, 1, "MINOR_VERSION"),
	F(0, 8, 0x4, 1, "MAJOR_VERSION"),
	F(0, 8, 0x5, 1, "UPDATE_VERSION"),
	F(0, 8, 0x6, 1, "INTERNAL_VERSION"),
	F(0, 9, 0x0, 1, "MODULE_HV"),
	F(0, 9, 0x1, 1, "MIN_UPDATE_HV"),
	F(0, 9, 0x2, 1, "NO_DOWNGRADE"),
	F(0, 9, 0x3, 1, "NUM_HANDOFF_PAGES"),
	F(0, 9, 0x4, 1, "HANDOFF_DATA_VALID"),
	F(0, 9, 0x5, 1, "HANDOFF_DATA_HV"),
	F(0, 9, 0x6, 1, "HANDOFF_DATA_SIZE"),
	F(0, 10, 0x0, 1, "SYS_ATTRIBUTES"),
	F(0, 10, 0x1, 1, "NUM_TDX_FEATURES"),
	F(0, 10, 0x8, 1, "TDX_FEATURES0"),
	F(0, 16, 0x0, 1, "NUM_CMRS"),
	F(0, 16, 0x80, 32, "CMR_BASE"),
	F(0, 16, 0x100, 32, "CMR_SIZE"),
	F(0, 17, 0x8, 1, "MAX_TDMRS"),
	F(0, 17, 0x9, 1, "MAX_RESERVED_PER_TDMR"),
	F(0, 17, 0x10, 1, "PAMT_4K_ENTRY_SIZE"),
	F(0, 17, 0x11, 1, "PAMT_2M_ENTRY_SIZE"),
	F(0, 17, 0x12, 1, "PAMT_1G_ENTRY_SIZE"),
	F(0, 24, 0x0, 1, "TDR_BASE_SIZE"),
	F(0, 24, 0x100, 1, "TDCS_BASE_SIZE"),
	F(0, 24, 0x101, 1, "TDCS_SIZE_PER_L2_VM"),
	F(0, 24, 0x200, 1, "TDVPS_BASE_SIZE"),
	F(0, 24, 0x201, 1, "TDVPS_SIZE_PER_L2_VM"),
	F(0, 25, 0x0, 1, "ATTRIBUTES_FIXED0"),
	F(0, 25, 0x1, 1, "ATTRIBUTES_FIXED1"),
	F(0, 25, 0x2, 1, "XFAM_FIXED0"),
	F(0, 25, 0x3, 1, "XFAM_FIXED1"),
	F(0, 25, 0x4, 1, "NUM_CPUID_CONFIG"),
	F(0, 25, 0x6, 1, "CONFIG_FLAGS_FIXED0"),
	F(0, 25, 0x7, 1, "CONFIG_FLAGS_FIXED1"),
	F(0, 25, 0x400, 32, "CPUID_CONFIG_LEAVES"),
	F(0, 25, 0x500, 64, "CPUID_CONFIG_VALUES"),
	F(0, 25, 0x600, 1, "IA32_ARCH_CAPABILITIES_CONFIG_MASK"),
	F(0, 25, 0x800, 1, "NUM_ALLOWED_FMS"),
	F(0, 25, 0x801, 1, "NUM_DISALLOWED_FMS"),
	F(0, 25, 0x810, 64, "ALLOWED_FMS"),
	F(0, 25, 0x850, 64, "DISALLOWED_FMS"),
	F(0, 32, 0x0, 1, "MIG_ATTRIBUTES"),
	F(0, 32, 0x1, 1, "MIN_EXPORT_VERSION"),
	F(0, 32, 0x2, 1, "MAX_EXPORT_VERSION"),
	F(0, 32, 0x3, 1, "MIN_IMPORT_VERSION"),
	F(0, 32, 0x4, 1, "MAX_IMPORT_VERSION"),
	F(0, 32, 0x10, 1, "MAX_MIGS"),
	F(0, 32, 0x20, 1, "NUM_IMMUTABLE_STATE_PAGES"),
	F(0, 32, 0x21, 1, "NUM_TD_STATE_PAGES"),
	F(0, 32, 0x22, 1, "NUM_VP_STATE_PAGES"),
	F(0, 33, 0x0, 1, "MAX_SERV_TDS"),
	F(0, 33, 0x1, 1, "SERVTD_ATTR_FIXED0"),
	F(0, 33, 0x2, 1, "SERVTD_ATTR_FIXED1"),
	F(0, 34, 0x0, 1, "GUEST_L2_GPA_ATTR_MASK"),
	F(0, 34, 0x1, 1, "VM_CTLS_FIXED0"),
	F(0, 34, 0x2, 1, "VM_CTLS_FIXED1"),
	F(0, 34, 0x3, 1, "VPCU_L2_CTLS_FIXED0"),
	F(0, 34, 0x4, 1, "VCPU_L2_CTLS_FIXED1"),
	F(0, 34, 0x5, 1, "VPCU_L2_DEBUG_CTLS_FIXED0"),
	F(0, 34, 0x6, 1, "VCPU_L2_DEBUG_CTLS_FIXED1"),
	/* 5.3: newer modules (Linux asm/shared/tdx.h), not in 1.5.01's table. */
	F(1, 17, 0x19, 1, "TOPOLOGY_ENUM_CONFIGURED"),
};

/* 6.4 TD scope (context 1). */
static const struct tdx_name td_classes[] = {
	{ 0, "TDR_TD_MANAGEMENT" }, { 1, "TDR_KEY_MANAGEMENT" }, { 2, "TDR_TD_PRESERVING" },
	{ 16, "TD_MANAGEMENT" }, { 17, "EXECUTION_CONTROLS" }, { 18, "TLB_EPOCH_TRACKING" },
	{ 19, "MEASUREMENT" }, { 20, "CPUID" }, { 22, "VIRT_MSR_VALUES" },
	{ 24, "MIGRATION" }, { 25, "SERVICE_TD" }, { 26, "MIGSC_LINKS" },
	{ 32, "MSR_BITMAPS" }, { 33, "SECURE_EPT_ROOT" },
	{ 37, "L2_SECURE_EPT_ROOT_1" }, { 41, "L2_SECURE_EPT_ROOT_2" },
	{ 45, "L2_SECURE_EPT_ROOT_3" },
};

/* 6.4 global (context 0). */
static const struct tdx_name sys_classes[] = {
	{ 0, "PLATFORM_INFO" }, { 8, "TDX_MODULE_VERSION" }, { 9, "TDX_MODULE_HANDOFF" },
	{ 10, "TDX_MODULE_INFO" }, { 16, "CMR_INFO" }, { 17, "TDMR_INFO" },
	{ 24, "TD_CONTROL_STRUCTURES" }, { 25, "TD_CONFIGURABILITY" },
	{ 32, "MIGRATION" }, { 33, "SERVICE_TD" }, { 34, "TD_PARTITIONING" },
};

/* 6.3 VCPU scope (context 2); per-L2-VM classes advance by 8. */
static const struct tdx_name vp_classes[] = {
	{ 0, "TD_VMCS" }, { 1, "VAPIC" }, { 2, "VE_INFO" },
	{ 16, "GUEST_GPR_STATE" }, { 17, "GUEST_STATE" }, { 18, "GUEST_EXT_STATE" },
	{ 19, "GUEST_MSR_STATE" }, { 32, "MANAGEMENT" }, { 33, "CPUID_CONTROL" },
	{ 34, "EPT_VIOLATION_LOG" },
	{ 36, "VMCS_1" }, { 37, "MSR_BITMAPS_1" }, { 38, "MSR_BITMAPS_SHADOW_1" },
	{ 44, "VMCS_2" }, { 45, "MSR_BITMAPS_2" }, { 46, "MSR_BITMAPS_SHADOW_2" },
	{ 52, "VMCS_3" }, { 53, "MSR_BITMAPS_3" }, { 54, "MSR_BITMAPS_SHADOW_3" },
};

static const struct tdx_name contexts[] = {
	{ TDX_CTX_SYS, "SYS" }, { TDX_CTX_TD, "TD" }, { TDX_CTX_VCPU, "VCPU" },
};

static const struct field_row *find_field(unsigned ctx, unsigned cls, uint32_t code)
{
	for (size_t i = 0; i < TDX_NAMES_LEN(fields); i++) {
		const struct field_row *f = &fields[i];
		if (f->ctx == ctx && f->cls == cls && code >= f->code &&
		    code - f->code < f->count)
			return f;
	}
	return NULL;
}

const char *tdx_field_name(uint64_t id)
{
	const struct field_row *f =
		find_field(TDX_FIELD_CONTEXT(id), TDX_FIELD_CLASS(id), TDX_FIELD_CODE(id));
	return f ? f->name : NULL;
}

const char *tdx_field_context_name(unsigned context)
{
	return tdx_name_find(contexts, TDX_NAMES_LEN(contexts), context);
}

const char *tdx_field_class_name(unsigned context, unsigned cls)
{
	switch (context) {
	case TDX_CTX_SYS:
		return tdx_name_find(sys_classes, TDX_NAMES_LEN(sys_classes), cls);
	case TDX_CTX_TD:
		return tdx_name_find(td_classes, TDX_NAMES_LEN(td_classes), cls);
	case TDX_CTX_VCPU:
		return tdx_name_find(vp_classes, TDX_NAMES_LEN(vp_classes), cls);
	}
	return NULL;
}

/* VMCS classes (0 and VMCS_n) use the VMX encoding as field code (6.3). */
static int is_vmcs_class(unsigned ctx, unsigned cls)
{
	return ctx == TDX_CTX_VCPU &&
	       (cls == TDX_VP_CLASS_TD_VMCS || cls == 36 || cls == 44 || cls == 52);
}

static const char *const size_names[] = { "8-bit", "16-bit", "32-bit", "64-bit" };

int tdx_format_field(uint64_t id, char *buf, size_t len)
{
	unsigned ctx = TDX_FIELD_CONTEXT(id), cls = TDX_FIELD_CLASS(id);
	uint32_t code = TDX_FIELD_CODE(id);
	const char *cn = tdx_field_context_name(ctx);
	const char *kn = tdx_field_class_name(ctx, cls);
	const struct field_row *f = find_field(ctx, cls, code);
	int pos = 0;

	if (!buf)
		len = 0;
	if (len)
		buf[0] = '\0';
	if (cn)
		tdx_name_append(buf, len, &pos, "context %s", cn);
	else
		tdx_name_append(buf, len, &pos, "context unknown(%u)", ctx);
	if (kn)
		tdx_name_append(buf, len, &pos, ", class %s(%u)", kn, cls);
	else
		tdx_name_append(buf, len, &pos, ", class unknown(%u)", cls);
	tdx_name_append(buf, len, &pos, ", %s, code 0x%X", size_names[TDX_FIELD_ELEM_SIZE(id)],
			(unsigned)code);
	if (f && f->count > 1)
		tdx_name_append(buf, len, &pos, ": %s[%u]", f->name, (unsigned)(code - f->code));
	else if (f)
		tdx_name_append(buf, len, &pos, ": %s", f->name);
	else if (is_vmcs_class(ctx, cls))
		tdx_name_append(buf, len, &pos, ": VMCS field 0x%04X", (unsigned)code);
	else
		tdx_name_append(buf, len, &pos, ": unknown field");
	if (id & TDX_FIELD_NON_ARCH)
		tdx_name_append(buf, len, &pos, ", non-architectural");
	if (id & TDX_FIELD_RSVD_MASK)
		tdx_name_append(buf, len, &pos, ", reserved bits set");
	return pos;
}

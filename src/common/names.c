/* names.c: leaf, operand, VMX exit reason and TDVMCALL names (tdx-abi.md
 * sections 1.4, 2.4, 3.3, 3.4, 12). Statuses: names_status.c; metadata
 * fields: names_field.c. */
#include <stdarg.h>
#include <stdio.h>

#include "tdxkit/abi.h"
#include "tdxkit/decode.h"
#include "tdxkit/names.h"
#include "names_internal.h"

/* Linear search: the tables are small (< 200 rows), need no ordering and
 * a decoder is never on a hot path. */
const char *tdx_name_find(const struct tdx_name *tab, size_t n, uint64_t value)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].value == value)
			return tab[i].name;
	return NULL;
}

/* 1.4: module 1.5.01 leaves, then the newer-module leaves the fact sheet
 * names (29, 30, 33 from OVMM/TDSHIM; 254 on debug modules only). */
static const struct tdx_name leaves[] = {
	{ TDG_VP_VMCALL, "TDG.VP.VMCALL" },
	{ TDG_VP_INFO, "TDG.VP.INFO" },
	{ TDG_MR_RTMR_EXTEND, "TDG.MR.RTMR.EXTEND" },
	{ TDG_VP_VEINFO_GET, "TDG.VP.VEINFO.GET" },
	{ TDG_MR_REPORT, "TDG.MR.REPORT" },
	{ TDG_VP_CPUIDVE_SET, "TDG.VP.CPUIDVE.SET" },
	{ TDG_MEM_PAGE_ACCEPT, "TDG.MEM.PAGE.ACCEPT" },
	{ TDG_VM_RD, "TDG.VM.RD" },
	{ TDG_VM_WR, "TDG.VM.WR" },
	{ TDG_VP_RD, "TDG.VP.RD" },
	{ TDG_VP_WR, "TDG.VP.WR" },
	{ TDG_SYS_RD, "TDG.SYS.RD" },
	{ TDG_SYS_RDALL, "TDG.SYS.RDALL" },
	{ TDG_SERVTD_RD, "TDG.SERVTD.RD" },
	{ TDG_SERVTD_WR, "TDG.SERVTD.WR" },
	{ TDG_MR_VERIFYREPORT, "TDG.MR.VERIFYREPORT" },
	{ TDG_MEM_PAGE_ATTR_RD, "TDG.MEM.PAGE.ATTR.RD" },
	{ TDG_MEM_PAGE_ATTR_WR, "TDG.MEM.PAGE.ATTR.WR" },
	{ TDG_VP_ENTER, "TDG.VP.ENTER" },
	{ TDG_VP_INVEPT, "TDG.VP.INVEPT" },
	{ TDG_VP_INVGLA, "TDG.VP.INVGLA" },
	{ 29, "TDG.MR.KEY.GET" },
	{ 30, "TDG.MEM.PAGE.RELEASE" },
	{ 33, "TDG.SERVTD.REBIND.APPROVE" },
	{ 254, "TDG.DEBUG" },
};

/* 2.4, with the module's full operand list (tdx_error_codes_defs.h). */
static const struct tdx_name operands[] = {
	{ 0, "RAX" }, { 1, "RCX" }, { 2, "RDX" }, { 3, "RBX" },
	{ 5, "RBP" }, { 6, "RSI" }, { 7, "RDI" }, { 8, "R8" },
	{ 9, "R9" }, { 10, "R10" }, { 11, "R11" }, { 12, "R12" },
	{ 13, "R13" }, { 14, "R14" }, { 15, "R15" },
	{ 64, "ATTRIBUTES" }, { 65, "XFAM" }, { 66, "EXEC_CONTROLS" },
	{ 67, "EPTP_CONTROLS" }, { 68, "MAX_VCPUS" }, { 69, "CPUID_CONFIG" },
	{ 70, "TSC_FREQUENCY" }, { 71, "NUM_L2_VMS" },
	{ 72, "IA32_ARCH_CAPABILITIES_CONFIG" },
	{ 95, "PAGE" }, { 96, "TDMR_INFO_PA" }, { 97, "GPA_LIST_ENTRY" },
	{ 98, "MIG_BUFF_LIST_ENTRY" }, { 99, "NEW_PAGE_LIST_ENTRY" },
	{ 128, "TDR" }, { 129, "TDCX" }, { 130, "TDVPR" }, { 132, "REG_PAGE" },
	{ 144, "TDCS" }, { 145, "TDVPS" }, { 146, "SEPT_TREE" }, { 147, "SEPT_ENTRY" },
	{ 168, "RTMR" }, { 169, "TD_EPOCH" }, { 170, "L2_VAPIC_GPA" }, { 171, "MIGSC" },
	{ 172, "OP_STATE" }, { 173, "MIG" }, { 174, "SERVTD_BINDINGS" },
	{ 176, "METADATA_FIELD" },
	{ 184, "SYS" }, { 185, "TDMR" }, { 186, "KOT" }, { 187, "KET" }, { 188, "WBCACHE" },
};

/* 12: basic exit reasons, named after the module's VMEXIT_REASON_* style. */
static const struct tdx_name exit_reasons[] = {
	{ 0, "EXCEPTION_OR_NMI" }, { 1, "EXTERNAL_INTERRUPT" }, { 2, "TRIPLE_FAULT" },
	{ 3, "INIT" }, { 4, "SIPI" }, { 5, "IO_SMI" }, { 6, "OTHER_SMI" },
	{ 7, "INTERRUPT_WINDOW" }, { 8, "NMI_WINDOW" }, { 9, "TASK_SWITCH" },
	{ 10, "CPUID" }, { 11, "GETSEC" }, { 12, "HLT" }, { 13, "INVD" },
	{ 14, "INVLPG" }, { 15, "RDPMC" }, { 16, "RDTSC" }, { 17, "RSM" },
	{ 18, "VMCALL" }, { 19, "VMCLEAR" }, { 20, "VMLAUNCH" }, { 21, "VMPTRLD" },
	{ 22, "VMPTRST" }, { 23, "VMREAD" }, { 24, "VMRESUME" }, { 25, "VMWRITE" },
	{ 26, "VMXOFF" }, { 27, "VMXON" }, { 28, "CR_ACCESS" }, { 29, "DR_ACCESS" },
	{ 30, "IO_INSTRUCTION" }, { 31, "RDMSR" }, { 32, "WRMSR" },
	{ 33, "ENTRY_FAIL_GUEST_STATE" }, { 34, "ENTRY_FAIL_MSR_LOADING" },
	{ 35, "VMEXIT_FAILURE" }, { 36, "MWAIT" }, { 37, "MONITOR_TRAP_FLAG" },
	{ 39, "MONITOR" }, { 40, "PAUSE" }, { 41, "ENTRY_FAIL_MACHINE_CHECK" },
	{ 42, "C_STATE_SMI" }, { 43, "TPR_BELOW_THRESHOLD" }, { 44, "APIC_ACCESS" },
	{ 45, "VIRTUALIZED_EOI" }, { 46, "GDTR_IDTR_ACCESS" }, { 47, "LDTR_TR_ACCESS" },
	{ 48, "EPT_VIOLATION" }, { 49, "EPT_MISCONFIGURATION" }, { 50, "INVEPT" },
	{ 51, "RDTSCP" }, { 52, "PREEMPTION_TIMER" }, { 53, "INVVPID" },
	{ 54, "WBINVD" }, { 55, "XSETBV" }, { 56, "APIC_WRITE" }, { 57, "RDRAND" },
	{ 58, "INVPCID" }, { 59, "VMFUNC" }, { 60, "ENCLS" }, { 61, "RDSEED" },
	{ 62, "PML_FULL" }, { 63, "XSAVES" }, { 64, "XRSTORS" }, { 65, "PCONFIG" },
	{ 66, "SPP_INDUCED" }, { 67, "UMWAIT" }, { 68, "TPAUSE" }, { 69, "LOADIWKEY" },
	{ 70, "ENCLV" }, { 71, "SGX_CONFLICT" }, { 72, "ENQCMD_PASID_FAIL" },
	{ 73, "ENQCMDS_PASID_FAIL" }, { 74, "BUS_LOCK" }, { 75, "NOTIFICATION" },
	{ 76, "SEAMCALL" }, { 77, "TDCALL" },
};

/* 3.4: GHCI sub-function names (instruction sub-functions = exit reasons). */
static const struct tdx_name tdvmcalls[] = {
	{ TDVMCALL_CPUID, "Instruction.CPUID" },
	{ TDVMCALL_HLT, "Instruction.HLT" },
	{ TDVMCALL_IO, "Instruction.IO" },
	{ TDVMCALL_RDMSR, "Instruction.RDMSR" },
	{ TDVMCALL_WRMSR, "Instruction.WRMSR" },
	{ TDVMCALL_MMIO, "#VE.RequestMMIO" },
	{ TDVMCALL_WBINVD, "Instruction.WBINVD" },
	{ TDVMCALL_PCONFIG, "Instruction.PCONFIG" },
	{ TDVMCALL_GET_TD_VM_CALL_INFO, "GetTdVmCallInfo" },
	{ TDVMCALL_MAP_GPA, "MapGPA" },
	{ TDVMCALL_GET_QUOTE, "GetQuote" },
	{ TDVMCALL_REPORT_FATAL_ERROR, "ReportFatalError" },
	{ TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, "SetupEventNotifyInterrupt" },
	{ TDVMCALL_SERVICE, "Service" },
	{ TDVMCALL_MIGTD, "MigTD" },
};

/* 3.3 */
static const struct tdx_name tdvmcall_statuses[] = {
	{ TDVMCALL_STATUS_SUCCESS, "TDVMCALL_STATUS_SUCCESS" },
	{ TDVMCALL_STATUS_RETRY, "TDVMCALL_STATUS_RETRY" },
	{ TDVMCALL_STATUS_INVALID_OPERAND, "TDVMCALL_STATUS_INVALID_OPERAND" },
	{ TDVMCALL_STATUS_GPA_INUSE, "TDVMCALL_STATUS_GPA_INUSE" },
	{ TDVMCALL_STATUS_ALIGN_ERROR, "TDVMCALL_STATUS_ALIGN_ERROR" },
	{ TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED, "TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED" },
};

/* 12: flag bits of the full 32-bit exit reason; the others are reserved. */
static const struct tdx_name exit_flags[] = {
	{ 26, "BUS_LOCK_PREEMPTED" },
	{ 27, "ENCLAVE_INTERRUPTION" },
	{ 28, "PENDING_MTF" },
	{ 29, "PARALLEL" },
	{ 31, "VM_ENTRY_FAILURE" },
};

const char *tdx_leaf_name(uint64_t leaf)
{
	return tdx_name_find(leaves, TDX_NAMES_LEN(leaves), leaf);
}

const char *tdx_operand_name(uint32_t operand)
{
	return tdx_name_find(operands, TDX_NAMES_LEN(operands), operand);
}

const char *tdx_exit_reason_name(uint32_t reason)
{
	return tdx_name_find(exit_reasons, TDX_NAMES_LEN(exit_reasons), reason);
}

/* Intel SDM vol. 3A, table 6-1: the architectural exception vectors
 * (9 and 15 are reserved; 20 is #VE, 21 #CP). */
static const struct tdx_name vectors[] = {
	{ 0, "#DE" }, { 1, "#DB" }, { 2, "NMI" }, { 3, "#BP" }, { 4, "#OF" }, { 5, "#BR" },
	{ 6, "#UD" }, { 7, "#NM" }, { 8, "#DF" }, { 10, "#TS" }, { 11, "#NP" }, { 12, "#SS" },
	{ 13, "#GP" }, { 14, "#PF" }, { 16, "#MF" }, { 17, "#AC" }, { 18, "#MC" }, { 19, "#XM" },
	{ 20, "#VE" }, { 21, "#CP" },
};

const char *tdx_vector_name(unsigned vector)
{
	return tdx_name_find(vectors, TDX_NAMES_LEN(vectors), vector);
}

const char *tdx_tdvmcall_name(uint64_t subfn)
{
	return tdx_name_find(tdvmcalls, TDX_NAMES_LEN(tdvmcalls), subfn);
}

const char *tdx_tdvmcall_status_name(uint64_t r10)
{
	return tdx_name_find(tdvmcall_statuses, TDX_NAMES_LEN(tdvmcall_statuses), r10);
}

const char *tdx_exit_reason_flag_name(unsigned bit)
{
	return tdx_name_find(exit_flags, TDX_NAMES_LEN(exit_flags), bit);
}

void tdx_name_append(char *buf, size_t len, int *pos, const char *fmt, ...)
{
	va_list ap;
	int room = *pos >= 0 && (size_t)*pos < len;

	va_start(ap, fmt);
	int n = vsnprintf(room ? buf + *pos : NULL, room ? len - *pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += n;
}

int tdx_format_exit_reason(uint32_t reason, char *buf, size_t len)
{
	int pos = 0;
	unsigned basic = TDX_EXIT_REASON_BASIC(reason);
	const char *name = tdx_exit_reason_name(basic);

	if (!buf)
		len = 0;
	if (len)
		buf[0] = '\0';
	tdx_name_append(buf, len, &pos, "%s(%u)", name ? name : "unknown", basic);
	for (unsigned bit = 16; bit < 32; bit++) {
		if (!(reason & (1u << bit)))
			continue;
		const char *f = tdx_exit_reason_flag_name(bit);
		if (f)
			tdx_name_append(buf, len, &pos, "+%s", f);
		else
			tdx_name_append(buf, len, &pos, "+reserved_bit%u", bit);
	}
	return pos;
}

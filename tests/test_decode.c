/* test_decode.c: names.h / decode.h tables and formatters, the TDREPORT
 * printer, and tdx-decode run as a process (good and bad input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/decode.h"
#include "tdxkit/names.h"

#define ASSERT_STR(a, b) assert_string_equal((a), (b))

static void test_leaf_names(void **state)
{
	ASSERT_STR(tdx_leaf_name(TDG_VP_VMCALL), "TDG.VP.VMCALL");
	ASSERT_STR(tdx_leaf_name(TDG_VP_INFO), "TDG.VP.INFO");
	ASSERT_STR(tdx_leaf_name(TDG_MEM_PAGE_ACCEPT), "TDG.MEM.PAGE.ACCEPT");
	ASSERT_STR(tdx_leaf_name(TDG_VM_RD), "TDG.VM.RD");
	ASSERT_STR(tdx_leaf_name(TDG_MR_VERIFYREPORT), "TDG.MR.VERIFYREPORT");
	ASSERT_STR(tdx_leaf_name(TDG_VP_INVGLA), "TDG.VP.INVGLA");
	/* 1.4: leaves 13-17, 19, 21, 28 are not defined anywhere. */
	static const unsigned undefined[] = { 13, 14, 15, 16, 17, 19, 21, 28, 31, 32, 255, 0x10007 };
	for (unsigned i = 0; i < sizeof(undefined) / sizeof(undefined[0]); i++)
		assert_null(tdx_leaf_name(undefined[i]));
	/* Every leaf of abi.h has a name. */
	static const unsigned abi_leaves[] = {
		TDG_VP_VMCALL, TDG_VP_INFO, TDG_MR_RTMR_EXTEND, TDG_VP_VEINFO_GET, TDG_MR_REPORT,
		TDG_VP_CPUIDVE_SET, TDG_MEM_PAGE_ACCEPT, TDG_VM_RD, TDG_VM_WR, TDG_VP_RD,
		TDG_VP_WR, TDG_SYS_RD, TDG_SYS_RDALL, TDG_SERVTD_RD, TDG_SERVTD_WR,
		TDG_MR_VERIFYREPORT, TDG_MEM_PAGE_ATTR_RD, TDG_MEM_PAGE_ATTR_WR, TDG_VP_ENTER,
		TDG_VP_INVEPT, TDG_VP_INVGLA,
	};
	for (unsigned i = 0; i < sizeof(abi_leaves) / sizeof(abi_leaves[0]); i++)
		assert_non_null(tdx_leaf_name(abi_leaves[i]));
}

static void test_status_names(void **state)
{
	ASSERT_STR(tdx_status_name(TDX_SUCCESS), "TDX_SUCCESS");
	ASSERT_STR(tdx_status_name(TDX_OPERAND_INVALID | TDX_OPND_RCX), "TDX_OPERAND_INVALID");
	ASSERT_STR(tdx_status_name(0xC000050000000000ull), "TDX_SYS_INIT_NOT_PENDING");
	ASSERT_STR(tdx_status_name(0xC000050D00000000ull), "TDX_INCOMPATIBLE_SEAM_CAPABILITIES");
	ASSERT_STR(tdx_status_name(0xC000090800000000ull), "TDX_CPUID_LEAF_NOT_SUPPORTED");
	ASSERT_STR(tdx_status_name(0xC000091300000000ull), "TDX_SMRR_LOCK_NOT_SUPPORTED");
	ASSERT_STR(tdx_status_name(0xC0000D0500000000ull), "TDX_SERVTD_NOT_BOUND");
	ASSERT_STR(tdx_status_name(0x00000E0300000000ull), "TDX_ALREADY_WRITE_BLOCKED");
	ASSERT_STR(tdx_status_name(0xC0000E1600000000ull), "TDX_INVALID_MIGRATION_DECRYPTION_KEY");
	ASSERT_STR(tdx_status_name(0x00000A0300000000ull), "TDX_TDMR_ALREADY_INITIALIZED");
	/* Gaps in the ranges are not named. */
	assert_null(tdx_status_name(0xC000050100000000ull));
	assert_null(tdx_status_name(0xC000050400000000ull));
	assert_null(tdx_status_name(0xC0000E1700000000ull));
	/* Linux's discrepant NON_RECOVERABLE_TD value (2.5) is not the module's. */
	assert_null(tdx_status_name(0x4000000200000000ull));
	/* Flag bits are part of the code: no match without them. */
	assert_null(tdx_status_name(0x0000010000000000ull));
}

static void test_small_tables(void **state)
{
	ASSERT_STR(tdx_operand_name(TDX_OPND_RCX), "RCX");
	ASSERT_STR(tdx_operand_name(TDX_OPND_RTMR), "RTMR");
	ASSERT_STR(tdx_operand_name(TDX_OPND_METADATA_FIELD), "METADATA_FIELD");
	ASSERT_STR(tdx_operand_name(188), "WBCACHE");
	assert_null(tdx_operand_name(4));	/* RSP is never an operand */
	assert_null(tdx_operand_name(131));

	ASSERT_STR(tdx_exit_reason_name(TDX_EXIT_EPT_VIOLATION), "EPT_VIOLATION");
	ASSERT_STR(tdx_exit_reason_name(TDX_EXIT_TDCALL), "TDCALL");
	ASSERT_STR(tdx_exit_reason_name(TDX_EXIT_IO_INSTRUCTION), "IO_INSTRUCTION");
	ASSERT_STR(tdx_exit_reason_name(0), "EXCEPTION_OR_NMI");
	assert_null(tdx_exit_reason_name(38));
	assert_null(tdx_exit_reason_name(78));

	/* SDM vol. 3A table 6-1: 9 and 15 are reserved, 22-31 too. */
	ASSERT_STR(tdx_vector_name(0), "#DE");
	ASSERT_STR(tdx_vector_name(6), "#UD");
	ASSERT_STR(tdx_vector_name(8), "#DF");
	ASSERT_STR(tdx_vector_name(13), "#GP");
	ASSERT_STR(tdx_vector_name(14), "#PF");
	ASSERT_STR(tdx_vector_name(20), "#VE");
	ASSERT_STR(tdx_vector_name(21), "#CP");
	assert_null(tdx_vector_name(9));
	assert_null(tdx_vector_name(15));
	assert_null(tdx_vector_name(22));
	assert_null(tdx_vector_name(0x30));

	ASSERT_STR(tdx_tdvmcall_name(TDVMCALL_MAP_GPA), "MapGPA");
	ASSERT_STR(tdx_tdvmcall_name(TDVMCALL_CPUID), "Instruction.CPUID");
	ASSERT_STR(tdx_tdvmcall_name(TDVMCALL_MMIO), "#VE.RequestMMIO");
	assert_null(tdx_tdvmcall_name(0x10007));
	ASSERT_STR(tdx_tdvmcall_status_name(TDVMCALL_STATUS_RETRY), "TDVMCALL_STATUS_RETRY");
	ASSERT_STR(tdx_tdvmcall_status_name(TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED),
		   "TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED");
	assert_null(tdx_tdvmcall_status_name(2));
}

static void test_field_names(void **state)
{
	ASSERT_STR(tdx_field_name(TDX_FIELD_TD_ATTRIBUTES), "ATTRIBUTES");
	ASSERT_STR(tdx_field_name(TDX_FIELD_TD_GPAW), "GPAW");
	ASSERT_STR(tdx_field_name(TDX_FIELD_TD_NUM_L2_VMS), "NUM_L2_VMS");
	ASSERT_STR(tdx_field_name(TDX_FIELD_TD_NOTIFY_ENABLES), "NOTIFY_ENABLES");
	ASSERT_STR(tdx_field_name(TDX_FIELD_TD_CONFIG_FLAGS), "CONFIG_FLAGS");
	ASSERT_STR(tdx_field_name(TDX_FIELD_SYS_TDX_FEATURES0), "TDX_FEATURES0");
	ASSERT_STR(tdx_field_name(TDX_FIELD_VP_VCPU_INDEX), "VCPU_INDEX");
	ASSERT_STR(tdx_field_name(TDX_FIELD_VP_L2_CTLS(3)), "L2_CTLS");
	ASSERT_STR(tdx_field_name(TDX_FIELD_VP_TSC_DEADLINE(1)), "TSC_DEADLINE");
	ASSERT_STR(tdx_field_name(0x0220000300000002ull), "EXIT_QUALIFICATION");	/* VE_INFO */
	ASSERT_STR(tdx_field_name(0x8220000200000011ull), "INSTRUCTION_INFORMATION");
	/* Size, NON_ARCH, INC_SIZE, WRITE_MASK_VALID are ignored (6.1): OVMM's
	 * CONFIG_FLAGS ID and a size-0 ATTRIBUTES still name the field. */
	ASSERT_STR(tdx_field_name(0x9110000300000016ull), "CONFIG_FLAGS");
	ASSERT_STR(tdx_field_name(0x1110000000000000ull | TDX_FIELD_INC_SIZE), "ATTRIBUTES");
	/* Context matters: the same class/code in another context is another field. */
	assert_null(tdx_field_name(TDX_FIELD_ID(TDX_CTX_VCPU, 17, 3, 0x16)));
	assert_null(tdx_field_name(TDX_FIELD_ID(TDX_CTX_TD, 17, 3, 0x7FF)));
	assert_null(tdx_field_name(TDX_FIELD_ID(5, 17, 3, 0)));
}

static void check_fmt_status(uint64_t s, const char *want)
{
	char buf[160];
	int n = tdx_format_status(s, buf, sizeof(buf));
	ASSERT_STR(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_format_status(void **state)
{
	check_fmt_status(0xC0000B0B00000001ull, "TDX_PAGE_SIZE_MISMATCH | level 1");
	check_fmt_status(0xC000010000000001ull, "TDX_OPERAND_INVALID | RCX");
	check_fmt_status(0x80000200000000A8ull, "TDX_OPERAND_BUSY | RTMR");
	check_fmt_status(0xC000010000000000ull, "TDX_OPERAND_INVALID | RAX");
	check_fmt_status(0x00000B0A00000000ull, "TDX_PAGE_ALREADY_ACCEPTED | level 0");
	check_fmt_status(0xC0000B0F00020001ull, "TDX_L2_SEPT_WALK_FAILED | vm 2 level 1");
	check_fmt_status(TDX_SUCCESS, "TDX_SUCCESS");
	check_fmt_status(TDX_SUCCESS | TDX_EXIT_EPT_VIOLATION,
			 "TDX_SUCCESS | exit reason EPT_VIOLATION(48)");
	check_fmt_status(TDX_L2_EXIT_HOST_ROUTED_ASYNC | TDX_EXIT_EXTERNAL_INTERRUPT,
			 "TDX_L2_EXIT_HOST_ROUTED_ASYNC | exit reason EXTERNAL_INTERRUPT(1)");
	check_fmt_status(TDX_NON_RECOVERABLE_VCPU | TDX_EXIT_TRIPLE_FAULT,
			 "TDX_NON_RECOVERABLE_VCPU | exit reason TRIPLE_FAULT(2)");
	check_fmt_status(TDX_SUCCESS | TDX_EXIT_TDCALL | TDX_EXIT_REASON_BUS_LOCK,
			 "TDX_SUCCESS | exit reason TDCALL(77)+BUS_LOCK_PREEMPTED");
	check_fmt_status(0xC000092000000010ull, "TDX_INCONSISTENT_MSR | MSR 0x10");
	check_fmt_status(0xC000010000000004ull, "TDX_OPERAND_INVALID | unknown operand 0x4");
	check_fmt_status(0xC0000B0000000002ull, "TDX_EPT_WALK_FAILED | RDX");
	check_fmt_status(0xC0000B0000000000ull, "TDX_EPT_WALK_FAILED");
	check_fmt_status(0xC0000C0000000007ull, "TDX_METADATA_FIELD_ID_INCORRECT | 0x00000007");
	check_fmt_status(0xC0000B1300000000ull, "unknown status 0xC0000B1300000000");
	check_fmt_status(0x4000000200000000ull, "unknown status 0x4000000200000000");
}

static void test_format_truncation(void **state)
{
	char buf[8];
	int full = tdx_format_status(0xC000010000000001ull, NULL, 0);

	assert_int_equal(full, strlen("TDX_OPERAND_INVALID | RCX"));
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(tdx_format_status(0xC000010000000001ull, buf, sizeof(buf)), full);
	ASSERT_STR(buf, "TDX_OPE");
	assert_int_equal(tdx_format_field(TDX_FIELD_TD_ATTRIBUTES, buf, 1),
			 tdx_format_field(TDX_FIELD_TD_ATTRIBUTES, NULL, 0));
	ASSERT_STR(buf, "");
	assert_int_equal(tdx_format_exit_reason(48, buf, sizeof(buf)), strlen("EPT_VIOLATION(48)"));
	ASSERT_STR(buf, "EPT_VIO");
}

static void test_format_field_and_exit(void **state)
{
	char buf[256];

	tdx_format_field(TDX_FIELD_TD_ATTRIBUTES, buf, sizeof(buf));
	ASSERT_STR(buf, "context TD, class EXECUTION_CONTROLS(17), 64-bit, code 0x0: ATTRIBUTES");
	tdx_format_field(TDX_FIELD_VP_L2_CTLS(2), buf, sizeof(buf));
	ASSERT_STR(buf, "context VCPU, class MANAGEMENT(32), 64-bit, code 0x52: L2_CTLS[2], "
			"non-architectural");
	tdx_format_field(0x242000030000681Eull, buf, sizeof(buf));	/* 6.6: VM1 GUEST_RIP */
	ASSERT_STR(buf, "context VCPU, class VMCS_1(36), 64-bit, code 0x681E: VMCS field 0x681E");
	tdx_format_field(0x1110000301000000ull, buf, sizeof(buf));
	ASSERT_STR(buf, "context TD, class EXECUTION_CONTROLS(17), 64-bit, code 0x0: ATTRIBUTES, "
			"reserved bits set");
	tdx_format_field(TDX_FIELD_ID(3, 63, 0, 5), buf, sizeof(buf));
	ASSERT_STR(buf, "context unknown(3), class unknown(63), 8-bit, code 0x5: unknown field");

	tdx_format_exit_reason(0x8000001Eu, buf, sizeof(buf));
	ASSERT_STR(buf, "IO_INSTRUCTION(30)+VM_ENTRY_FAILURE");
	tdx_format_exit_reason(0x00010063u, buf, sizeof(buf));
	ASSERT_STR(buf, "unknown(99)+reserved_bit16");
}

/* Every status constant of abi.h must have a name (2.3). */
static void test_abi_statuses_named(void **state)
{
	static const uint64_t abi_statuses[] = {
		TDX_SUCCESS, TDX_NON_RECOVERABLE_VCPU, TDX_NON_RECOVERABLE_TD,
		TDX_INTERRUPTED_RESUMABLE, TDX_INTERRUPTED_RESTARTABLE,
		TDX_NON_RECOVERABLE_TD_NON_ACCESSIBLE, TDX_INVALID_RESUMPTION,
		TDX_NON_RECOVERABLE_TD_WRONG_APIC_MODE, TDX_CROSS_TD_FAULT, TDX_CROSS_TD_TRAP,
		TDX_NON_RECOVERABLE_TD_CORRUPTED_MD, TDX_OPERAND_INVALID,
		TDX_OPERAND_ADDR_RANGE_ERROR, TDX_OPERAND_BUSY, TDX_PREVIOUS_TLB_EPOCH_BUSY,
		TDX_SYS_BUSY, TDX_RND_NO_ENTROPY, TDX_OPERAND_BUSY_HOST_PRIORITY,
		TDX_HOST_PRIORITY_BUSY_TIMEOUT, TDX_PAGE_METADATA_INCORRECT, TDX_PAGE_ALREADY_FREE,
		TDX_PAGE_NOT_OWNED_BY_TD, TDX_PAGE_NOT_FREE, TDX_TD_ASSOCIATED_PAGES_EXIST,
		TDX_TD_FATAL, TDX_TD_NON_DEBUG, TDX_LIFECYCLE_STATE_INCORRECT,
		TDX_OP_STATE_INCORRECT, TDX_VCPU_STATE_INCORRECT, TDX_NO_VALID_VE_INFO,
		TDX_MAX_VCPUS_EXCEEDED, TDX_TSC_ROLLBACK, TDX_SEAMVERIFYREPORT_NOT_AVAILABLE,
		TDX_EPT_WALK_FAILED, TDX_EPT_ENTRY_FREE, TDX_EPT_ENTRY_NOT_FREE,
		TDX_EPT_ENTRY_NOT_PRESENT, TDX_EPT_ENTRY_NOT_LEAF, TDX_EPT_ENTRY_LEAF,
		TDX_GPA_RANGE_NOT_BLOCKED, TDX_GPA_RANGE_ALREADY_BLOCKED, TDX_TLB_TRACKING_NOT_DONE,
		TDX_EPT_INVALID_PROMOTE_CONDITIONS, TDX_PAGE_ALREADY_ACCEPTED,
		TDX_PAGE_SIZE_MISMATCH, TDX_GPA_RANGE_BLOCKED, TDX_EPT_ENTRY_STATE_INCORRECT,
		TDX_EPT_PAGE_NOT_FREE, TDX_L2_SEPT_WALK_FAILED, TDX_L2_SEPT_ENTRY_NOT_FREE,
		TDX_PAGE_ATTR_INVALID, TDX_L2_SEPT_PAGE_NOT_PROVIDED,
		TDX_METADATA_FIELD_ID_INCORRECT, TDX_METADATA_FIELD_NOT_WRITABLE,
		TDX_METADATA_FIELD_NOT_READABLE, TDX_METADATA_FIELD_VALUE_NOT_VALID,
		TDX_METADATA_LIST_OVERFLOW, TDX_INVALID_METADATA_LIST_HEADER,
		TDX_REQUIRED_METADATA_FIELD_MISSING, TDX_METADATA_ELEMENT_SIZE_INCORRECT,
		TDX_METADATA_LAST_ELEMENT_INCORRECT, TDX_METADATA_FIELD_CURRENTLY_NOT_WRITABLE,
		TDX_METADATA_WR_MASK_NOT_VALID, TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT,
		TDX_METADATA_FIELD_SKIP, TDX_INVALID_CPUSVN, TDX_INVALID_REPORTMACSTRUCT,
		TDX_L2_EXIT_HOST_ROUTED_ASYNC, TDX_L2_EXIT_HOST_ROUTED_TDVMCALL,
		TDX_L2_EXIT_PENDING_INTERRUPT, TDX_PENDING_INTERRUPT, TDX_TD_EXIT_BEFORE_L2_ENTRY,
		TDX_TD_EXIT_ON_L2_VM_EXIT, TDX_TD_EXIT_ON_L2_TO_L1, TDX_GLA_NOT_CANONICAL,
	};
	char buf[160];

	for (unsigned i = 0; i < sizeof(abi_statuses) / sizeof(abi_statuses[0]); i++) {
		if (!tdx_status_name(abi_statuses[i]))
			fail_msg("status 0x%016llx of abi.h has no name",
				 (unsigned long long)abi_statuses[i]);
		tdx_format_status(abi_statuses[i], buf, sizeof(buf));
		assert_null(strstr(buf, "unknown status"));
	}
	/* Every operand ID of abi.h too. */
	static const unsigned abi_operands[] = {
		TDX_OPND_RAX, TDX_OPND_RCX, TDX_OPND_RDX, TDX_OPND_RBX, TDX_OPND_RBP,
		TDX_OPND_RSI, TDX_OPND_RDI, TDX_OPND_R8, TDX_OPND_R9, TDX_OPND_R10, TDX_OPND_R11,
		TDX_OPND_R12, TDX_OPND_R13, TDX_OPND_R14, TDX_OPND_R15, TDX_OPND_ATTRIBUTES,
		TDX_OPND_XFAM, TDX_OPND_EXEC_CONTROLS, TDX_OPND_EPTP_CONTROLS, TDX_OPND_MAX_VCPUS,
		TDX_OPND_CPUID_CONFIG, TDX_OPND_TSC_FREQUENCY, TDX_OPND_NUM_L2_VMS, TDX_OPND_TDR,
		TDX_OPND_TDCS, TDX_OPND_TDVPS, TDX_OPND_SEPT_TREE, TDX_OPND_SEPT_ENTRY,
		TDX_OPND_RTMR, TDX_OPND_TD_EPOCH, TDX_OPND_L2_VAPIC_GPA, TDX_OPND_METADATA_FIELD,
		TDX_OPND_SYS,
	};
	for (unsigned i = 0; i < sizeof(abi_operands) / sizeof(abi_operands[0]); i++)
		assert_non_null(tdx_operand_name(abi_operands[i]));
	/* And every exit reason of abi.h's enum (the enum has gaps: walk 0..77). */
	static const unsigned abi_exits[] = {
		TDX_EXIT_EXCEPTION_NMI, TDX_EXIT_TRIPLE_FAULT, TDX_EXIT_CPUID, TDX_EXIT_HLT,
		TDX_EXIT_VMCALL, TDX_EXIT_CR_ACCESS, TDX_EXIT_RDMSR, TDX_EXIT_WRMSR,
		TDX_EXIT_ENTRY_FAIL_MACHINE_CHECK, TDX_EXIT_EPT_MISCONFIG, TDX_EXIT_PREEMPTION_TIMER,
		TDX_EXIT_WBINVD, TDX_EXIT_PCONFIG, TDX_EXIT_UMWAIT, TDX_EXIT_TPAUSE,
		TDX_EXIT_BUS_LOCK, TDX_EXIT_NOTIFICATION, TDX_EXIT_SEAMCALL, TDX_EXIT_TDCALL,
	};
	for (unsigned i = 0; i < sizeof(abi_exits) / sizeof(abi_exits[0]); i++)
		assert_non_null(tdx_exit_reason_name(abi_exits[i]));
}

/* A report with a recognisable byte in every field. */
static void make_report(struct tdx_report *r)
{
	memset(r, 0, sizeof(*r));
	r->mac.report_type[0] = TDX_REPORT_TYPE_TDX;
	r->mac.report_type[2] = 1;
	memset(r->mac.cpusvn, 0x11, sizeof(r->mac.cpusvn));
	memset(r->mac.reportdata, 0xAB, sizeof(r->mac.reportdata));
	memset(r->mac.mac, 0xEE, sizeof(r->mac.mac));
	r->tee_tcb_info.valid = 0x301FF;
	r->tee_tcb_info.tee_tcb_svn[0] = 3;
	r->tee_tcb_info.tee_tcb_svn[1] = 1;
	memset(r->tee_tcb_info.mrseam, 0x5E, sizeof(r->tee_tcb_info.mrseam));
	r->td_info.attributes = TDX_ATTR_DEBUG | TDX_ATTR_SEPT_VE_DISABLE | (1ull << 40);
	r->td_info.xfam = 0xE7;
	memset(r->td_info.rtmr[2], 0x22, sizeof(r->td_info.rtmr[2]));
	r->td_info.reserved[63] = 1;
}

static char *print_report(const void *buf, size_t len, int *rc)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	*rc = tdx_report_print(f, buf, len);
	fclose(f);
	return text;
}

static char *repeat_hex(unsigned byte, unsigned n)
{
	static char s[300];
	for (unsigned i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", byte);
	return s;
}

static void test_report_print(void **state)
{
	struct tdx_report r;
	char line[512];
	int rc;

	make_report(&r);
	char *text = print_report(&r, sizeof(r), &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(text, "TDREPORT (1024 bytes)\n"));
	assert_non_null(strstr(text, "REPORTMACSTRUCT @0 (256 bytes)\n"));
	assert_non_null(strstr(text, "TEE_TCB_INFO @256 (239 bytes)\n"));
	assert_non_null(strstr(text, "TDINFO @512 (512 bytes)\n"));
	assert_non_null(strstr(text, "REPORTTYPE         TYPE 0x81 (TDX), SUBTYPE 0, VERSION 1 "
				     "(SERVTD_HASH valid)\n"));
	snprintf(line, sizeof(line), "[  16] CPUSVN             %s\n", repeat_hex(0x11, 16));
	assert_non_null(strstr(text, line));
	snprintf(line, sizeof(line), "[ 128] REPORTDATA         %s\n", repeat_hex(0xAB, 64));
	assert_non_null(strstr(text, line));
	snprintf(line, sizeof(line), "[ 280] MRSEAM             %s\n", repeat_hex(0x5E, 48));
	assert_non_null(strstr(text, line));
	snprintf(line, sizeof(line), "[ 816] RTMR[2]            %s\n", repeat_hex(0x22, 48));
	assert_non_null(strstr(text, line));
	assert_non_null(strstr(text, "[ 256] VALID              0x00000000000301ff\n"));
	assert_non_null(strstr(text, "(module SVN 1.3, SEAM last patch SVN 0)"));
	assert_non_null(strstr(text, "[ 512] ATTRIBUTES         0x0000010010000001 DEBUG "
				     "SEPT_VE_DISABLE unknown bits 0x10000000000\n"));
	assert_non_null(strstr(text, "[ 520] XFAM               0x00000000000000e7\n"));
	assert_non_null(strstr(text, "[ 495] reserved           (17 bytes) zero\n"));
	assert_non_null(strstr(text, "[ 960] reserved           (64 bytes) NOT ZERO: "));
	free(text);

	/* Unknown TYPE / VERSION are said to be unknown. */
	r.mac.report_type[0] = 0x42;
	r.mac.report_type[2] = 7;
	text = print_report(&r, sizeof(r), &rc);
	assert_non_null(strstr(text, "TYPE 0x42 (unknown), SUBTYPE 0, VERSION 7 (unknown)"));
	free(text);

	/* Wrong sizes are refused. */
	text = print_report(&r, 1023, &rc);
	assert_int_equal(rc, -1);
	ASSERT_STR(text, "not a TDREPORT: 1023 bytes, expected 1024\n");
	free(text);
}

/* ---- tdx-decode as a process ---------------------------------------------- */
struct run {
	int code;		/* exit status */
	char out[8192], err[1024];
};

static char tmpdir[64];

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* Runs tdx-decode with `args` (shell words, already quoted). */
static void run_decode(struct run *r, const char *args)
{
	char cmd[1024], out[128], err[128];

	snprintf(out, sizeof(out), "%s/out", tmpdir);
	snprintf(err, sizeof(err), "%s/err", tmpdir);
	snprintf(cmd, sizeof(cmd), "'%s' %s >'%s' 2>'%s'", TDX_DECODE_PATH, args, out, err);
	int st = system(cmd);
	assert_true(WIFEXITED(st));
	r->code = WEXITSTATUS(st);
	slurp(out, r->out, sizeof(r->out));
	slurp(err, r->err, sizeof(r->err));
}

static int setup_tmp(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_decode.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_tool_status(void **state)
{
	struct run r;

	run_decode(&r, "status 0xC0000B0B00000001");
	assert_int_equal(r.code, 0);
	ASSERT_STR(r.err, "");
	assert_non_null(strstr(r.out, "status 0xC0000B0B00000001: TDX_PAGE_SIZE_MISMATCH | level 1\n"));
	assert_non_null(strstr(r.out, "name:               TDX_PAGE_SIZE_MISMATCH\n"));
	assert_non_null(strstr(r.out, "class:              0x0B ("));
	assert_non_null(strstr(r.out, "details L1:         0x0B\n"));
	assert_non_null(strstr(r.out, "details L2/operand: 0x00000001\n"));
	assert_non_null(strstr(r.out, "flags:              ERROR NON_RECOVERABLE\n"));

	run_decode(&r, "status 0xE000060400000000");
	assert_non_null(strstr(r.out, "flags:              ERROR NON_RECOVERABLE FATAL\n"));
	run_decode(&r, "status 0");
	assert_non_null(strstr(r.out, ": TDX_SUCCESS\n"));
	assert_non_null(strstr(r.out, "flags:              none\n"));
	run_decode(&r, "status 0xC0000B1300000000");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "unknown status 0xC0000B1300000000"));
	assert_non_null(strstr(r.out, "name:               unknown\n"));
}

static void test_tool_field(void **state)
{
	struct run r;

	run_decode(&r, "field 0x1110000300000000");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "context:       1 (TD)\n"));
	assert_non_null(strstr(r.out, "class:         17 (EXECUTION_CONTROLS)\n"));
	assert_non_null(strstr(r.out, "element size:  3 (64-bit)\n"));
	assert_non_null(strstr(r.out, "last element:  0\n"));
	assert_non_null(strstr(r.out, "last field:    0\n"));
	assert_non_null(strstr(r.out, "flags:         none\n"));
	assert_non_null(strstr(r.out, "field code:    0x000000\n"));
	assert_non_null(strstr(r.out, "name:          ATTRIBUTES\n"));
	assert_non_null(strstr(r.out, "reserved bits: clear\n"));

	run_decode(&r, "field 0x9110000301000010");
	assert_non_null(strstr(r.out, "name:          NOTIFY_ENABLES\n"));
	assert_non_null(strstr(r.out, "flags:         NON_ARCH\n"));
	assert_non_null(strstr(r.out, "reserved bits: set (0x0000000001000000): the module answers "
				      "TDX_METADATA_FIELD_ID_INCORRECT\n"));
	run_decode(&r, "field 0x1110000300000123");
	assert_non_null(strstr(r.out, "name:          unknown field\n"));
	run_decode(&r, "field 0xFF8FFFFFFFFFFFFF");
	assert_non_null(strstr(r.out, "null field ID"));
}

static void test_tool_exit_reason_leaf_tdvmcall(void **state)
{
	struct run r;

	run_decode(&r, "exit-reason 48");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "basic reason:  48 (EPT_VIOLATION)\n"));
	assert_non_null(strstr(r.out, "flags:         none\n"));
	run_decode(&r, "exit-reason 0x8400004D");
	assert_non_null(strstr(r.out, "basic reason:  77 (TDCALL)\n"));
	assert_non_null(strstr(r.out, "flags:         BUS_LOCK_PREEMPTED VM_ENTRY_FAILURE\n"));
	run_decode(&r, "exit-reason 0x40000063");
	assert_non_null(strstr(r.out, "basic reason:  99 (unknown)\n"));
	assert_non_null(strstr(r.out, "reserved bit 30 set\n"));

	run_decode(&r, "leaf 0x10007");
	assert_non_null(strstr(r.out, "leaf 7: TDG.VM.RD\n"));
	assert_non_null(strstr(r.out, "version:       1\n"));
	run_decode(&r, "leaf 13");
	assert_non_null(strstr(r.out, "leaf 13: unknown\n"));
	run_decode(&r, "tdvmcall 0x10001");
	assert_non_null(strstr(r.out, ": MapGPA\n"));
	run_decode(&r, "tdvmcall 99");
	assert_non_null(strstr(r.out, ": unknown\n"));
	run_decode(&r, "tdvmcall-status 0x8000000000000003");
	assert_non_null(strstr(r.out, ": TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED\n"));
}

static void test_tool_report(void **state)
{
	struct tdx_report rep;
	char path[128], args[160];
	struct run r;

	make_report(&rep);
	snprintf(path, sizeof(path), "%s/report.bin", tmpdir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(&rep, sizeof(rep), 1, f), 1);
	fclose(f);
	snprintf(args, sizeof(args), "report '%s'", path);
	run_decode(&r, args);
	assert_int_equal(r.code, 0);
	ASSERT_STR(r.err, "");
	assert_non_null(strstr(r.out, "TYPE 0x81 (TDX), SUBTYPE 0, VERSION 1 (SERVTD_HASH valid)"));
	assert_non_null(strstr(r.out, "DEBUG SEPT_VE_DISABLE unknown bits 0x10000000000"));
	char want[512];
	snprintf(want, sizeof(want), "[ 816] RTMR[2]            %s\n", repeat_hex(0x22, 48));
	assert_non_null(strstr(r.out, want));

	/* A short file: exit 1, one line. */
	f = fopen(path, "wb");
	assert_int_equal(fwrite(&rep, 100, 1, f), 1);
	fclose(f);
	run_decode(&r, args);
	assert_int_equal(r.code, 1);
	ASSERT_STR(r.out, "");
	assert_non_null(strstr(r.err, "100 bytes, a TDREPORT is 1024"));
}

/* Exactly one line on stderr, nothing on stdout. */
static void assert_one_line_error(const struct run *r, int code, const char *needle)
{
	assert_int_equal(r->code, code);
	ASSERT_STR(r->out, "");
	size_t n = strlen(r->err);
	assert_true(n > 1 && r->err[n - 1] == '\n');
	assert_true(strchr(r->err, '\n') == r->err + n - 1);
	assert_non_null(strstr(r->err, needle));
}

static void test_tool_bad_input(void **state)
{
	struct run r;

	run_decode(&r, "");
	assert_one_line_error(&r, 2, "no command");
	run_decode(&r, "frobnicate 1");
	assert_one_line_error(&r, 2, "unknown command 'frobnicate'");
	run_decode(&r, "status");
	assert_one_line_error(&r, 2, "usage: tdx-decode status STATUS");
	run_decode(&r, "status 1 2");
	assert_one_line_error(&r, 2, "usage:");
	run_decode(&r, "status 0xZZ");
	assert_one_line_error(&r, 2, "bad number '0xZZ'");
	run_decode(&r, "status 0x1FFFFFFFFFFFFFFFF");
	assert_one_line_error(&r, 2, "bad number");
	run_decode(&r, "status -1");
	assert_one_line_error(&r, 2, "bad number");
	run_decode(&r, "field ''");
	assert_one_line_error(&r, 2, "bad number");
	run_decode(&r, "exit-reason 0x100000000");
	assert_one_line_error(&r, 2, "bad number");
	run_decode(&r, "report /nonexistent/tdreport.bin");
	assert_one_line_error(&r, 1, "No such file");
	run_decode(&r, "--help");
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "usage:"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf_names),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_small_tables),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_format_status),
		cmocka_unit_test(test_format_truncation),
		cmocka_unit_test(test_format_field_and_exit),
		cmocka_unit_test(test_abi_statuses_named),
		cmocka_unit_test(test_report_print),
		cmocka_unit_test(test_tool_status),
		cmocka_unit_test(test_tool_field),
		cmocka_unit_test(test_tool_exit_reason_leaf_tdvmcall),
		cmocka_unit_test(test_tool_report),
		cmocka_unit_test(test_tool_bad_input),
	};
	return TU_RUN_GROUP(tests, setup_tmp, teardown_tmp);
}

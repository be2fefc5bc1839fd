/* kernel_unit.c: a kernel-style unit (built -ffreestanding -nostdinc, with
 * only the compiler's own headers) that has Linux's TDX macro names first
 * and then includes tdxkit's guest headers: no name clashes, and where both
 * name a number they agree. */
#include "linux_tdx_names.h"
#include <tdxkit/guest.h>
#include <tdxkit/ghci.h>
#include <tdxkit/l1.h>
#include <tdxkit/ve.h>

_Static_assert(TDXKIT_TDG_VP_VMCALL == TDG_VP_VMCALL && TDXKIT_TDG_VP_INFO == TDG_VP_INFO &&
	       TDXKIT_TDG_MR_RTMR_EXTEND == TDG_MR_RTMR_EXTEND &&
	       TDXKIT_TDG_VP_VEINFO_GET == TDG_VP_VEINFO_GET && TDXKIT_TDG_MR_REPORT == TDG_MR_REPORT &&
	       TDXKIT_TDG_MEM_PAGE_ACCEPT == TDG_MEM_PAGE_ACCEPT && TDXKIT_TDG_VM_RD == TDG_VM_RD &&
	       TDXKIT_TDG_VM_WR == TDG_VM_WR && TDXKIT_TDG_SYS_RD == TDG_SYS_RD, "leaves");
_Static_assert(TDXKIT_TDVMCALL_GET_TD_VM_CALL_INFO == TDVMCALL_GET_TD_VM_CALL_INFO &&
	       TDXKIT_TDVMCALL_MAP_GPA == TDVMCALL_MAP_GPA &&
	       TDXKIT_TDVMCALL_GET_QUOTE == TDVMCALL_GET_QUOTE &&
	       TDXKIT_TDVMCALL_REPORT_FATAL_ERROR == TDVMCALL_REPORT_FATAL_ERROR &&
	       TDXKIT_TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT == TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT,
	       "TDVMCALL sub-functions");
_Static_assert(TDXKIT_TDVMCALL_STATUS_SUCCESS == TDVMCALL_STATUS_SUCCESS &&
	       TDXKIT_TDVMCALL_STATUS_RETRY == TDVMCALL_STATUS_RETRY &&
	       TDXKIT_TDVMCALL_STATUS_INVALID_OPERAND == TDVMCALL_STATUS_INVALID_OPERAND &&
	       TDXKIT_TDVMCALL_STATUS_ALIGN_ERROR == TDVMCALL_STATUS_ALIGN_ERROR &&
	       TDXKIT_TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED == TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED,
	       "TDVMCALL statuses");
_Static_assert(TDXKIT_SUCCESS == TDX_SUCCESS && TDXKIT_OPERAND_INVALID == TDX_OPERAND_INVALID &&
	       TDXKIT_OPERAND_BUSY == TDX_OPERAND_BUSY && TDXKIT_SYS_BUSY == TDX_SYS_BUSY &&
	       TDXKIT_NON_RECOVERABLE_VCPU == TDX_NON_RECOVERABLE_VCPU &&
	       TDXKIT_INTERRUPTED_RESUMABLE == TDX_INTERRUPTED_RESUMABLE &&
	       TDXKIT_EPT_WALK_FAILED == TDX_EPT_WALK_FAILED &&
	       TDXKIT_EPT_ENTRY_STATE_INCORRECT == TDX_EPT_ENTRY_STATE_INCORRECT &&
	       TDXKIT_METADATA_FIELD_NOT_READABLE == TDX_METADATA_FIELD_NOT_READABLE &&
	       TDXKIT_RND_NO_ENTROPY == TDX_RND_NO_ENTROPY &&
	       TDXKIT_STATUS_CODE_MASK == TDX_SEAMCALL_STATUS_MASK, "statuses");
/* Linux's TDX_NON_RECOVERABLE_TD (0x4000000200000000) is not the module's
 * 0x6000000200000000 (tdx-abi.md 2.5): tdxkit keeps the module's. */
_Static_assert(TDXKIT_NON_RECOVERABLE_TD != TDX_NON_RECOVERABLE_TD, "the known discrepancy");
_Static_assert(TDXKIT_OPND_RCX == TDX_OPERAND_ID_RCX && TDXKIT_OPND_TDR == TDX_OPERAND_ID_TDR &&
	       TDXKIT_OPND_SEPT_TREE == TDX_OPERAND_ID_SEPT &&
	       TDXKIT_OPND_TD_EPOCH == TDX_OPERAND_ID_TD_EPOCH, "operand IDs");
_Static_assert(TDXKIT_ATTR_DEBUG == TDX_ATTR_DEBUG && TDXKIT_ATTR_SEPT_VE_DISABLE == TDX_ATTR_SEPT_VE_DISABLE &&
	       TDXKIT_ATTR_MIGRATABLE == TDX_ATTR_MIGRTABLE && TDXKIT_ATTR_PERFMON == TDX_ATTR_PERFMON,
	       "attributes");
_Static_assert(TDXKIT_TD_CTLS_PENDING_VE_DISABLE == TD_CTLS_PENDING_VE_DISABLE &&
	       TDXKIT_TD_CTLS_LOCK == TD_CTLS_LOCK &&
	       TDXKIT_FIELD_TD_TD_CTLS == TDCS_TD_CTLS && TDXKIT_FIELD_TD_CONFIG_FLAGS == TDCS_CONFIG_FLAGS,
	       "TD controls");
_Static_assert(TDXKIT_PAGE_4K == TDX_PS_4K && TDXKIT_PAGE_2M == TDX_PS_2M && TDXKIT_PAGE_1G == TDX_PS_1G,
	       "page levels");
_Static_assert(TDX_GHCI_MASK_REPORT_FATAL_ERROR == TDVMCALL_EXPOSE_REGS_MASK, "the mask Linux exposes");

/* The GPA width, read twice: with the typed call and raw with Linux's leaf
 * name. -1 if they disagree or the raw call fails. */
int kernel_unit_gpaw(void)
{
	struct tdx_vp_info vi;
	struct tdx_tdcall_out out;

	tdx_vp_info(&vi);
	if (tdx_tdcall_raw_ret(TDG_VP_INFO, 0, 0, 0, 0, &out) != TDX_SUCCESS ||
	    (out.rcx & 0x3F) != vi.gpaw)
		return -1;
	return (int)vi.gpaw;
}

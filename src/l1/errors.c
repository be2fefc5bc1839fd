/* errors.c: library refusals and the failure policy. */
#include "l1_int.h"

static const char *const messages[TDX_L1_NR_ERRORS] = {
	[TDX_L1_OK] = "success",
	[TDX_L1_E_VTL] = "no such VTL (0 or 1)",
	[TDX_L1_E_FIELD_WIDTH] = "VMCS field has another width than the call",
	[TDX_L1_E_MSR_RANGE] = "MSR outside 0..0x1FFF and 0xC0000000..0xC0001FFF",
	[TDX_L1_E_BITMAP_WORD] = "MSR-bitmap word index beyond 511",
	[TDX_L1_E_LEAF] = "leaf not allowed through the tdcall ioctl (VMCALL, ENTER)",
	[TDX_L1_E_INPUT_REGS] = "R10..R15 must be zero on input to the tdcall ioctl",
	[TDX_L1_E_ALIGN] = "misaligned or reversed address or range",
	[TDX_L1_E_ARG] = "invalid argument",
};

const char *tdx_l1_strerror(uint64_t status)
{
	if ((status & 0xFFFFFFFF00000000ull) != TDX_L1_STATUS_BASE)
		return status == TDX_SUCCESS ? messages[TDX_L1_OK] : NULL;
	uint32_t e = (uint32_t)status;
	return e < TDX_L1_NR_ERRORS ? messages[e] : "unknown tdxkit-l1 error";
}

uint64_t l1_done(const struct tdx_l1_vp *vp, const char *why, uint64_t leaf, uint64_t st)
{
	if (vp->policy == TDX_L1_PANIC && TDX_STATUS_IS_ERROR(st) && !tdx_l1_error(st))
		tdx_guest_panic(why, leaf, st);
	return st;
}

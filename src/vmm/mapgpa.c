/* mapgpa.c: MapGPA (tdx-abi.md 3.5) in the model.
 *
 *   private -> shared: tdx_td_set_shared(..., 1): the private pages are
 *     removed (content lost) and the range appears in the shared window.
 *   shared -> private: the shared mapping is dropped and every page whose
 *     secure-EPT entry is FREE is AUGed as a 4 KiB PENDING page, so the
 *     guest must TDG.MEM.PAGE.ACCEPT it (Linux accepts after MapGPA, 3.5).
 *     Pages already private (PENDING or accepted) are left as they are.
 *
 * The host library has already checked alignment, wrap-around, GPAW and
 * the shared-bit crossing (ALIGN_ERROR / INVALID_OPERAND). Here: a range
 * beyond TD memory -> INVALID_OPERAND with R11 = the R12 GPA (what KVM
 * returns when user space fails the conversion), checked before anything
 * changes. Work is bounded: at most cfg.mapgpa_chunk pages (default 512 =
 * 2 MiB, KVM's unit per exit) per call, then RETRY with R11 = the GPA to
 * resume from (shared bit as in R12), which lies in [start, end) as guests
 * require (3.5). */
#include "vmm_int.h"

static uint64_t to_private(struct tdx_td *td, uint64_t addr, uint64_t len, uint64_t *bad)
{
	for (uint64_t a = addr; a < addr + len; a += TDX_PAGE_SIZE_4K) {
		struct tdx_page_state st;

		if (tdx_td_page_state(td, a, &st))
			return *bad = a, TDVMCALL_STATUS_INVALID_OPERAND;
		if (st.shared && tdx_td_set_shared(td, a, TDX_PAGE_SIZE_4K, 0) != TDX_SUCCESS)
			return *bad = a, TDVMCALL_STATUS_INVALID_OPERAND;
		if (st.sept == TDX_SEPT_FREE && tdh_mem_page_aug(td, a, TDX_PAGE_4K) != TDX_SUCCESS)
			return *bad = a, TDVMCALL_STATUS_INVALID_OPERAND;
	}
	return TDVMCALL_STATUS_SUCCESS;
}

int vmm_map_gpa(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct tdx_vmm *v = ctx;
	struct tdx_td *td = atomic_load(&v->td);
	uint64_t addr = req->map_gpa.addr, size = req->map_gpa.size;
	uint64_t sb = req->map_gpa.gpa - addr;	/* the shared bit, or 0 */
	uint64_t max = (uint64_t)v->cfg.mapgpa_chunk * TDX_PAGE_SIZE_4K;
	uint64_t len = size < max ? size : max, bad = addr;

	if (!td || addr >= v->mem_size || size > v->mem_size - addr) {
		resp->status = TDVMCALL_STATUS_INVALID_OPERAND;
		resp->out[TDX_GPR_R11] = req->map_gpa.gpa;
		return 0;
	}
	if (req->map_gpa.to_shared)
		resp->status = tdx_td_set_shared(td, addr, len, 1) == TDX_SUCCESS
				       ? TDVMCALL_STATUS_SUCCESS : TDVMCALL_STATUS_INVALID_OPERAND;
	else
		resp->status = to_private(td, addr, len, &bad);
	if (resp->status != TDVMCALL_STATUS_SUCCESS) {
		resp->out[TDX_GPR_R11] = bad | sb;
		return 0;
	}
	if (len < size) {	/* yield: the guest calls again from R11 */
		resp->status = TDVMCALL_STATUS_RETRY;
		resp->out[TDX_GPR_R11] = (addr + len) | sb;
	}
	return 0;
}

/* ghci_mapgpa.c: MapGPA with the guest retry policy of Linux and TD-shim
 * (tdx-abi.md 3.5): the host may stop early with RETRY and R11 = where to
 * resume. R11 is host-chosen, so it is checked before it steers a loop:
 * inside [cur, end) and page aligned, and a host that answers RETRY without
 * moving forward gets TDX_GHCI_MAP_GPA_STALLS more tries, not forever. */
#include "tdxkit/ghci.h"

uint64_t tdx_ghci_map_gpa(uint64_t start, uint64_t size, uint64_t *done_to)
{
	const uint64_t end = start + size;
	uint64_t cur = start, st;
	unsigned stalls = 0;

	for (;;) {
		struct tdx_tdvmcall_out o;

		st = tdx_tdvmcall(0, TDVMCALL_MAP_GPA, cur, end - cur, 0, 0,
				  TDX_GHCI_MASK_MAP_GPA, &o);
		if (st != TDVMCALL_STATUS_RETRY)
			break;
		uint64_t next = o.r11;
		if (next < cur || next >= end || (next & 0xFFF)) {
			st = TDX_GHCI_ERR_BAD_RETRY;
			break;
		}
		if (next == cur) {
			if (++stalls > TDX_GHCI_MAP_GPA_STALLS) {
				st = TDX_GHCI_ERR_NO_PROGRESS;
				break;
			}
		} else {
			stalls = 0;
			cur = next;
		}
	}
	if (done_to)
		*done_to = st == TDVMCALL_STATUS_SUCCESS ? end : cur;
	return st;
}

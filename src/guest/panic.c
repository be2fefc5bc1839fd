/* panic.c: the default panic hook (tdxkit/guest.h). Weak so that a guest
 * kernel, a test or tdx-run's runtime can supply its own.
 * TODO (GHCI issue): try TDG.VP.VMCALL<ReportFatalError> (tdx-abi.md 3.8)
 * before stopping, so that the host learns why the TD died. */
#include "tdxkit/guest.h"

__attribute__((weak, noreturn)) void tdx_guest_panic(const char *why, uint64_t leaf,
						    uint64_t status)
{
	/* #UD, with the arguments left in RDI, RSI, RDX for whoever reads the
	 * register dump; a loop because a #UD handler may return. */
	for (;;)
		__asm__ volatile("ud2" : : "D"(why), "S"(leaf), "d"(status));
}

/* panic.c: the default panic hook (tdxkit/guest.h). Weak so that a guest
 * kernel, a test or tdx-run's runtime can supply its own. It first tells
 * the host why through TDG.VP.VMCALL<ReportFatalError> (tdx-abi.md 3.8),
 * then stops with ud2. */
#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"

/* "<why> st=0x<16 hex digits>", NUL terminated, at most 64 bytes with the
 * NUL: why is cut to fit (the host reads at most 64 bytes, 3.8). */
static void panic_message(char buf[64], const char *why, uint64_t status)
{
	static const char hex[] = "0123456789abcdef";
	static const char tag[] = " st=0x";
	unsigned n = 0;

	while (why && why[n] && n < 64 - 1 - (sizeof(tag) - 1) - 16) {
		buf[n] = why[n];
		n++;
	}
	for (unsigned i = 0; tag[i]; i++)
		buf[n++] = tag[i];
	for (int s = 60; s >= 0; s -= 4)
		buf[n++] = hex[(status >> s) & 0xF];
	buf[n] = 0;
}

__attribute__((weak, noreturn)) void tdx_guest_panic(const char *why, uint64_t leaf,
						    uint64_t status)
{
	char msg[64];
	uint64_t words[8];

	panic_message(msg, why, status);
	tdx_ghci_pack_message(words, msg);
	/* Once: ReportFatalError's own panic-free primitive, so a module that
	 * refuses this call too cannot recurse into here. Error code 0 is
	 * "panic" as in Linux. */
	(void)tdx_tdvmcall_fatal(0, 0, words);
	/* #UD, with the arguments left in RDI, RSI, RDX for whoever reads the
	 * register dump; a loop because a #UD handler may return. */
	for (;;)
		__asm__ volatile("ud2" : : "D"(why), "S"(leaf), "d"(status));
}

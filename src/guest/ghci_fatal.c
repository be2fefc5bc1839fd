/* ghci_fatal.c: ReportFatalError (tdx-abi.md 3.8): the last thing a dying TD
 * tells its host. Like Linux tdx_panic it never returns: the call is issued
 * again whenever the host resumes the TD. */
#include "tdxkit/ghci.h"

#define FATAL_GPA_VALID (1ull << 63)	/* R12 bit 63: R13 holds a GPA */

void tdx_ghci_pack_message(uint64_t words[8], const char *msg)
{
	bool end = msg == NULL;

	/* Word by word, byte 0 lowest; built with shifts so the compiler has
	 * no copy loop to turn into a memcpy/memset call (no libc here). */
	for (unsigned i = 0; i < 8; i++) {
		uint64_t w = 0;
		for (unsigned b = 0; b < 8; b++) {
			uint8_t c = end ? 0 : (uint8_t)msg[8 * i + b];
			end = end || c == 0;
			w |= (uint64_t)c << (8 * b);
		}
		words[i] = w;
	}
}

void tdx_ghci_report_fatal_error(uint32_t code, uint64_t data_gpa, const char *msg)
{
	uint64_t words[8];
	uint64_t r12 = code | (data_gpa ? FATAL_GPA_VALID : 0);

	tdx_ghci_pack_message(words, msg);
	while (tdx_tdvmcall_fatal(r12, data_gpa, words) == 0)
		;
	/* The module refused the call: nothing left but an exception. */
	for (;;)
		__asm__ volatile("ud2");
}

/* vedefault_basic MODE: a TD program that installs the library's default
 * #VE handler (tdxkit/ve.h) and keeps its fatal error path.
 *   register  print what tdx_ve_install_default() returned (-1 outside tdx-run)
 *   pending   store to a PENDING page (run with TDXKIT_RUN_ATTRIBUTES=0):
 *             the handler accepts it and the store lands
 *   uart      "VE\n" with outb to the UART at 0x3F8, then "uart: survived"
 *   exit      outb 7 to the exit port 0x501, then "exit: survived"
 * A host that does not serve IO makes uart/exit fatal: tdx_guest_panic
 * (ReportFatalError, then ud2: SIGILL). */
#include <string.h>

#include "tdxkit/ve.h"
#include "guest.h"

static void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %b0, %w1" : : "a"(v), "Nd"(port));
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct g_env e;

	if (!strcmp(mode, "register")) {
		printf("register: %d\n", tdx_ve_install_default());
		return 0;
	}
	if (g_env(&e))
		return 1;
	if (tdx_ve_install_default()) {
		fprintf(stderr, "vedefault_basic: tdx_ve_install_default failed\n");
		return 1;
	}
	fflush(stdout);	/* the UART writes to the same stdout as printf */
	if (!strcmp(mode, "pending")) {
		volatile uint32_t *p = (volatile uint32_t *)(e.priv + 0x300040);
		*p = 0xC0FFEE;
		printf("pending: value=0x%x\n", *p);
	} else if (!strcmp(mode, "uart")) {
		for (const char *s = "VE\n"; *s; s++)
			outb(0x3F8, (uint8_t)*s);
		printf("uart: survived\n");
	} else if (!strcmp(mode, "exit")) {
		outb(0x501, 7);
		printf("exit: survived\n");
	} else {
		fprintf(stderr, "vedefault_basic: unknown mode '%s'\n", mode);
		return 2;
	}
	return 0;
}

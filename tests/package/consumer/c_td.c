/* c_td.c: a TD program built against an installed tdxkit with pkg-config
 * (tdxkit-guest-ve), run under the installed tdx-run: its console is the
 * UART driven with plain OUT instructions (each a #VE that the default #VE
 * handler turns into TDVMCALL<Instruction.IO>), it reads TDG.VP.INFO
 * through a kernel-style unit, and it ends through the exit port. */
#include <stdio.h>
#include <stdlib.h>
#include <tdxkit/run.h>
#include <tdxkit/ve.h>
#include <tdxkit/vmm.h>

int kernel_unit_gpaw(void);	/* kernel_unit.c */

static void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

int main(void)
{
	if (!getenv(TDX_RUN_ENV_PRIVATE_BASE)) {
		fprintf(stderr, "c_td: not a TD (run me under tdx-run)\n");
		return 2;
	}
	if (tdx_ve_install_default()) {
		fprintf(stderr, "c_td: no #VE handler\n");
		return 3;
	}
	int gpaw = kernel_unit_gpaw();
	char line[64];
	int n = snprintf(line, sizeof(line), "hello from a TD, GPAW %d\n", gpaw);
	for (int i = 0; i < n; i++)
		outb(TDX_VMM_UART_PORT, (uint8_t)line[i]);
	outb(TDX_VMM_EXIT_PORT, gpaw == 52 ? 42 : 1);	/* ends the run */
	return 4;
}

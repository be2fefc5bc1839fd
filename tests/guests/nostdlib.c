/* nostdlib: firmware-like test code, built -nostdlib -static: its own
 * _start, a raw TDCALL, output through TDVMCALL<Instruction.IO> to the
 * UART at 0x3F8 and the end through the exit port 0x501. No libc, no
 * dynamic loader: tdx-run's preload engine cannot enter it. */
#include <stdint.h>

/* TDG.VP.VMCALL exposing R10..R15 (RCX = 0xFC00), GHCI Instruction.IO. */
static uint64_t io_out(uint16_t port, unsigned size, uint64_t val)
{
	register uint64_t r10 __asm__("r10") = 0;
	register uint64_t r11 __asm__("r11") = 30;
	register uint64_t r12 __asm__("r12") = size;
	register uint64_t r13 __asm__("r13") = 1;
	register uint64_t r14 __asm__("r14") = port;
	register uint64_t r15 __asm__("r15") = val;
	uint64_t rax = 0, rcx = 0xFC00;

	__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(rax), "+c"(rcx), "+r"(r10), "+r"(r11), "+r"(r12), "+r"(r13),
			   "+r"(r14), "+r"(r15)
			 :
			 : "memory");
	return rax ? rax : r10;
}

void _start(void)
{
	static const char msg[] = "hello from a -nostdlib TD\n";
	for (const char *p = msg; *p; p++)
		io_out(0x3F8, 1, (uint8_t)*p);
	io_out(0x501, 1, 0);	/* the exit port ends the run with status 0 */
	for (;;)
		__asm__ volatile("hlt");
}

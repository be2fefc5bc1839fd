/* ghci_leak: a raw TDVMCALL (no library) with a planted leak: it exposes
 * R10-R14 for GetTdVmCallInfo, whose only input is R12 (R13, R14 are
 * outputs), and leaves a secret in R13. tdx-run --leak-check must name the
 * service, R13 and the RIP of the TDCALL, which this program prints. */
#include "guest.h"

extern const char ghci_leak_tdcall[];	/* the TDCALL instruction below */

static __attribute__((noinline)) uint64_t leaky_call(void)
{
	register uint64_t r10 __asm__("r10") = 0;
	register uint64_t r11 __asm__("r11") = 0x10000;	/* GetTdVmCallInfo */
	register uint64_t r12 __asm__("r12") = 0;	/* leaf 0 */
	register uint64_t r13 __asm__("r13") = 0x5ec7e7da7aull;	/* the leak */
	register uint64_t r14 __asm__("r14") = 0;
	uint64_t rax = 0, rcx = 0x7C00;

	__asm__ volatile(".globl ghci_leak_tdcall\nghci_leak_tdcall: .byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(rax), "+c"(rcx), "+r"(r10), "+r"(r11), "+r"(r12), "+r"(r13),
			   "+r"(r14)
			 :
			 : "memory");
	return rax | r10;
}

int main(void)
{
	uint64_t st = leaky_call();

	printf("leak: status=0x%llx rip=0x%llx\n", (unsigned long long)st,
	       (unsigned long long)(uintptr_t)ghci_leak_tdcall);
	return 0;
}

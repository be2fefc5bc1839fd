/* static_libc: a statically linked program that executes TDCALL
 * (TDG.VP.INFO) and prints what it got. The preload engine cannot enter a
 * static program: tdx-run refuses it with one line. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	uint64_t rax = 1, rcx = 0;
	__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(rax), "+c"(rcx)
			 :
			 : "rdx", "r8", "r9", "r10", "r11", "memory");
	printf("VP.INFO status 0x%llx gpaw %llu\n", (unsigned long long)rax,
	       (unsigned long long)rcx);
	return rax != 0;
}

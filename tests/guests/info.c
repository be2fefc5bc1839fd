/* info: one TDG.VP.INFO with the real TDCALL instruction (first thing, so
 * that outside tdx-run it dies of SIGILL), then what the contract gives. */
#include <string.h>
#include <unistd.h>

#include "guest.h"

int main(int argc, char **argv)
{
	struct g_regs r;
	uint64_t st = g_leaf(1, 0, 0, 0, &r);

	printf("status=0x%llx gpaw=%llu attributes=0x%llx num_vcpus=%llu max_vcpus=%llu "
	       "vcpu=%llu\n", (unsigned long long)st, (unsigned long long)r.rcx,
	       (unsigned long long)r.rdx, (unsigned long long)(r.r8 & 0xFFFFFFFF),
	       (unsigned long long)(r.r8 >> 32), (unsigned long long)r.r9);
	printf("private_base=%s shared_base=%s mem_size=%s\n",
	       getenv("TDXKIT_PRIVATE_BASE") ? "set" : "unset",
	       getenv("TDXKIT_SHARED_BASE") ? "set" : "unset",
	       getenv("TDXKIT_MEM_SIZE") ? getenv("TDXKIT_MEM_SIZE") : "unset");
	printf("ld_preload=%s\n", getenv("LD_PRELOAD") ? getenv("LD_PRELOAD") : "unset");
	if (argc > 1 && !strcmp(argv[1], "close-stderr"))
		close(STDERR_FILENO);	/* the trace must still get out */
	/* A TDVMCALL (GetTdVmCallInfo) with no VMM service behind it. */
	struct g_regs v = { .rax = 0, .rcx = 0xFC00, .r10 = 0, .r11 = 0x10000, .r12 = 7 };
	g_tdcall(&v);
	printf("tdvmcall status=0x%llx r10=0x%llx rcx=0x%llx\n", (unsigned long long)v.rax,
	       (unsigned long long)v.r10, (unsigned long long)v.rcx);
	return st == 0 ? 0 : 1;
}

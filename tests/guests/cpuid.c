/* cpuid MODE: the real CPUID instruction in a TD (needs CPUID faulting:
 * tdx-run answers it from the module, tdx_trap_cpuid_virtualized()).
 *   tdx      CPUID(0x21): prints "eax=... ebx=... ecx=... edx=..." and the
 *            signature ("IntelTDX    "), then CPUID(1) EBX[31:24] and the
 *            hypervisor bit
 *   ve       CPUID(0x40000000) through the default #VE handler (which asks
 *            the host): prints the host's signature ("tdxkit-model")
 *   cpuidve  TDG.VP.CPUIDVE.SET(supervisor), then CPUID(0): a #VE even for
 *            a leaf the module answers; prints "ve-count 1 reason 10" */
#include <cpuid.h>
#include <string.h>

#include "tdxkit/guest.h"
#include "tdxkit/trap.h"
#include "tdxkit/ve.h"
#include "guest.h"

static unsigned ve_count, ve_reason;

static void count_ve(struct tdx_ve_frame *f)
{
	struct tdx_ve ve;
	tdx_vp_veinfo_get(&ve);
	ve_count++;
	ve_reason = ve.exit_reason;
	f->rax = f->rbx = f->rcx = f->rdx = 0;
	f->rip += ve.instr_len;
}

static void sig(const char *what, unsigned a, unsigned b, unsigned c, unsigned d, int order_bdc)
{
	char s[13];
	memcpy(s, &b, 4);
	memcpy(s + 4, order_bdc ? &d : &c, 4);
	memcpy(s + 8, order_bdc ? &c : &d, 4);
	s[12] = 0;
	printf("%s eax=0x%x ebx=0x%x ecx=0x%x edx=0x%x sig=\"%s\"\n", what, a, b, c, d, s);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	unsigned a, b, c, d;

	if (!strcmp(mode, "tdx")) {
		__cpuid_count(0x21, 0, a, b, c, d);
		sig("leaf21", a, b, c, d, 0);	/* EBX, ECX, EDX: "Inte" "lTDX" "    " */
		__cpuid_count(1, 0, a, b, c, d);
		printf("apic-id %u hypervisor %u\n", b >> 24, c >> 31);
		return 0;
	}
	if (!strcmp(mode, "ve")) {
		if (tdx_ve_register(tdx_ve_default_handler))
			return 1;
		__cpuid_count(0x40000000, 0, a, b, c, d);
		sig("leaf40000000", a, b, c, d, 0);
		return 0;
	}
	if (!strcmp(mode, "cpuidve")) {
		if (tdx_ve_register(count_ve))
			return 1;
		tdx_vp_cpuidve_set(TDX_CPUIDVE_SUPERVISOR);
		__cpuid_count(0, 0, a, b, c, d);
		printf("ve-count %u reason %u\n", ve_count, ve_reason);
		return 0;
	}
	fprintf(stderr, "cpuid: unknown mode '%s'\n", mode);
	return 2;
}

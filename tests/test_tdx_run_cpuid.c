/* test_tdx_run_cpuid.c: CPUID as a TD program under tdx-run sees it. Where
 * the CPU has CPUID faulting the module answers (MOD td_cpuid.c); where it
 * has none CPUID runs natively, the trace says so once, and the rest is a
 * skip. A program of its own, so that the skip is not the engine tests'. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "testutil.h"

#define GUEST(name) TU_GUEST(name)
#define RUN(r, ...) TU_RUN(r, __VA_ARGS__)

static int cpu_has_flag(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		for (char *t = strtok(strchr(line, ':') + 1, " \n"); t && !found; t = strtok(NULL, " \n"))
			found = !strcmp(t, flag);
		break;
	}
	if (f)
		fclose(f);
	return found;
}

/* ---- CPUID --------------------------------------------------------------------- */

static void test_cpuid(void **state)
{
	struct tu_proc r = { 0 };

	if (!cpu_has_flag("cpuid_fault")) {
		/* CPUID runs natively; the trace says so, once. */
		RUN(&r, TDX_RUN_PATH, "--trace", "--", GUEST("info"));
		tu_expect(&r, 0, r.err, "tdx-run: CPUID runs natively: this CPU has no CPUID faulting");
		assert_int_equal(tu_count_lines_with(r.err, "CPUID runs natively"), 1);
		tu_proc_free(&r);
		skip();	/* the rest needs CPUID faulting (cpuid_fault in /proc/cpuinfo) */
	}
	/* MOD cpuid_configurations.c: leaf 0x21 is fixed to "IntelTDX    ";
	 * td_cpuid.c: CPUID(1).EBX[31:24] is the VCPU index. */
	RUN(&r, TDX_RUN_PATH, "--", GUEST("cpuid"), "tdx");
	tu_expect(&r, 0, r.out, "leaf21 eax=0x0 ebx=0x65746e49 ecx=0x20202020 edx=0x5844546c "
				"sig=\"IntelTDX    \"\n");
	tu_expect_has(&r, r.out, "apic-id 0 hypervisor 1\n");
	/* 0x40000000 is never answered by the module: a #VE, which the default
	 * handler turns into TDVMCALL<CPUID>: the host's signature. */
	RUN(&r, TDX_RUN_PATH, "--", GUEST("cpuid"), "ve");
	tu_expect(&r, 0, r.out, "sig=\"tdxkit-model\"\n");
	/* TDG.VP.CPUIDVE.SET: a #VE for every CPUID at CPL 0 (exit reason 10). */
	RUN(&r, TDX_RUN_PATH, "--", GUEST("cpuid"), "cpuidve");
	tu_expect(&r, 0, r.out, "ve-count 1 reason 10\n");
	tu_proc_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

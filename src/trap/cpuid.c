/* cpuid.c: CPUID as a TD sees it, where the CPU can make CPUID fault
 * (arch_prctl(ARCH_SET_CPUID, 0): a CPUID in user mode then raises #GP,
 * SIGSEGV). The module answers as its CPUID exit handler does; the
 * program counts as CPL 0 for TDG.VP.CPUIDVE.SET, as the TD's kernel
 * would. Without faulting CPUID runs natively and the engine says so once
 * on the trace. The setting is per thread and inherited by new threads. */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "trap_int.h"

static int set_cpuid(int enabled)
{
	return (int)syscall(SYS_arch_prctl, ARCH_SET_CPUID, (unsigned long)enabled);
}

int tdx_trap_cpuid_faulting_on(void)
{
	if (set_cpuid(0) == 0)
		return 0;
	/* ENODEV: this CPU has no CPUID faulting (every AMD CPU so far). */
	tdx_trap_trace_note("CPUID runs natively: this CPU has no CPUID faulting, so the TD's "
			    "CPUID values and CPUID #VEs are seen only through TDVMCALL<CPUID> "
			    "and TDG.VM.RD");
	return -1;
}

void tdx_trap_cpuid_faulting_off(void)
{
	set_cpuid(1);
}

void tdx_trap_cpuid(ucontext_t *uc)
{
	struct tdx_trap_state *g = &tdx_trap_g;
	unsigned vcpu = tdx_trap_self_vcpu();
	struct tdx_inject inj = { 0 };
	struct tdx_regs r;
	int saved_errno = errno;

	tdx_trap_regs_from_uc(uc, &r);
	enum tdx_tdcall_outcome o = tdx_module_cpuid(g->td, vcpu, 0, &r, &inj);
	errno = saved_errno;
	switch (o) {
	case TDX_OUTCOME_DONE:
		tdx_trap_regs_to_uc(&r, uc);
		return;
	case TDX_OUTCOME_INJECT:
		tdx_trap_deliver_ve(uc, vcpu, &inj, "CPUID", NULL);	/* returns only when delivered */
		return;
	default:
		tdx_trap_die_dead("CPUID", r.rip);
	}
}

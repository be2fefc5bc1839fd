/* bench_native_tdvmcall.c: a TDVMCALL through the trap engine (the real
 * TDCALL instruction from libtdxkit-guest's tdx_ghci_cpuid, the trap, the
 * module, the default host libtdxkit-vmm as tdx-run wires it, back) against
 * a bare trap round trip (a handler that only steps RIP over the TDCALL).
 * Best of REPS repetitions, and the median of back-to-back pairs; prints
 * numbers, asserts nothing. */
#include "bench.h"

#include <stdint.h>
#include <stdio.h>

#include "tdxkit/ghci.h"
#include "tdxkit/module.h"
#include "tdxkit/trap.h"
#include "tdxkit/vmm.h"

#define ITERS 2000
#define REPS 40

/* ns per call of one repetition; under the bare handler the "call" is
 * just the trap (R10 stays as loaded: 0, so the helper sees success). */
static double time_calls(void)
{
	struct tdx_ghci_cpuid c;
	double t0 = bench_now_ns();
	for (int i = 0; i < ITERS; i++)
		tdx_ghci_cpuid(0x40000000, 0, &c);
	return (bench_now_ns() - t0) / ITERS;
}

static enum tdx_tdcall_outcome vmm_call(void *ctx, struct tdx_td *td, unsigned vcpu,
					struct tdx_regs *regs, struct tdx_inject *inj)
{
	return tdx_vmm_tdcall(ctx, td, vcpu, regs, inj);	/* as tdx-run: timed per leaf */
}

int main(void)
{
	struct tdx_vmm_config vc;
	struct tdx_td_config cfg;
	char err[256];

	tdx_vmm_config_init(&vc);
	vc.uart_fd = -1;
	struct tdx_vmm *v = tdx_vmm_new(&vc, err, sizeof(err));
	if (!v) {
		fprintf(stderr, "bench_native_tdvmcall: %s\n", err);
		return 1;
	}
	tdx_td_config_init(&cfg);
	cfg.mem_size = 64ull << 20;
	tdx_vmm_attach(v, &cfg);
	struct tdx_td *td = tdx_td_create(&cfg, err, sizeof(err));
	if (!td || tdx_trap_install(td, 0, err, sizeof(err))) {
		fprintf(stderr, "bench_native_tdvmcall: %s\n", err);
		return 1;
	}
	tdx_vmm_install_trace(v, td);	/* as tdx-run without --trace */
	tdx_trap_set_call_fn(vmm_call, v);
	struct tdx_ghci_cpuid c;
	if (tdx_ghci_cpuid(0x40000000, 0, &c) || c.eax != 0x40000001) {
		fprintf(stderr, "bench_native_tdvmcall: CPUID through the host failed\n");
		return 1;
	}

	struct bench_pairs p;
	bench_trap_pairs(time_calls, REPS, &p);
	struct tdx_vmm_counts n;
	tdx_vmm_get_counts(v, &n);
	tdx_trap_uninstall();
	tdx_td_destroy(td);
	tdx_vmm_destroy(v);

	printf("bare %s round trip            %8.1f ns/op\n", sigabbrev_np(p.sig), p.bare);
	printf("trapped TDVMCALL CPUID (tdxkit-vmm) %8.1f ns/op  (%llu served)\n", p.trapped,
	       (unsigned long long)n.tdvmcalls);
	printf("ratio trapped/bare                  %8.3f  (module + host add %.1f%% to the trap)\n",
	       p.trapped / p.bare, 100.0 * (p.trapped - p.bare) / p.bare);
	printf("median ratio of paired runs         %8.3f\n", p.median_ratio);
	return 0;
}

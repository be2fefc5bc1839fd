/* bench_native_tdvmcall.c: a TDVMCALL through the trap engine (the real
 * TDCALL instruction from libtdxkit-guest's tdx_ghci_cpuid, SIGILL, the
 * module, the default host libtdxkit-vmm as tdx-run wires it, back) against
 * a bare SIGILL round trip (a handler that only steps RIP over the TDCALL).
 * Best of REPS repetitions, and the median of back-to-back pairs; prints
 * numbers, asserts nothing. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

#include "tdxkit/ghci.h"
#include "tdxkit/module.h"
#include "tdxkit/trap.h"
#include "tdxkit/vmm.h"

#define ITERS 2000
#define REPS 40

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void bare_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uc->uc_mcontext.gregs[REG_RIP] += 4;	/* over 66 0F 01 CC */
}

/* ns per call of one repetition; under the bare handler the "call" is
 * just the trap (R10 stays as loaded: 0, so the helper sees success). */
static double time_calls(void)
{
	struct tdx_ghci_cpuid c;
	double t0 = now_ns();
	for (int i = 0; i < ITERS; i++)
		tdx_ghci_cpuid(0x40000000, 0, &c);
	return (now_ns() - t0) / ITERS;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
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
	tdx_trap_set_vmm(v);
	struct tdx_ghci_cpuid c;
	if (tdx_ghci_cpuid(0x40000000, 0, &c) || c.eax != 0x40000001) {
		fprintf(stderr, "bench_native_tdvmcall: CPUID through the host failed\n");
		return 1;
	}

	struct sigaction bare_sa, engine_sa;
	memset(&bare_sa, 0, sizeof(bare_sa));
	sigfillset(&bare_sa.sa_mask);
	bare_sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	bare_sa.sa_sigaction = bare_handler;
	double bare = 1e30, trapped = 1e30, ratios[REPS];
	for (int rep = 0; rep < REPS; rep++) {
		sigaction(SIGILL, &bare_sa, &engine_sa);
		double b = time_calls();
		sigaction(SIGILL, &engine_sa, NULL);
		double t = time_calls();
		if (b < bare)
			bare = b;
		if (t < trapped)
			trapped = t;
		ratios[rep] = t / b;
	}
	qsort(ratios, REPS, sizeof(ratios[0]), cmp_double);
	struct tdx_vmm_counts n;
	tdx_vmm_get_counts(v, &n);
	tdx_trap_uninstall();
	tdx_td_destroy(td);
	tdx_vmm_destroy(v);

	printf("bare SIGILL round trip              %8.1f ns/op\n", bare);
	printf("trapped TDVMCALL CPUID (tdxkit-vmm) %8.1f ns/op  (%llu served)\n", trapped,
	       (unsigned long long)n.tdvmcalls);
	printf("ratio trapped/bare                  %8.3f  (module + host add %.1f%% to the trap)\n",
	       trapped / bare, 100.0 * (trapped - bare) / bare);
	printf("median ratio of paired runs         %8.3f\n", ratios[REPS / 2]);
	return 0;
}

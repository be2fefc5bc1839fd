/* bench.h: what every benchmark here shares: a monotonic clock, and the
 * trapped-vs-bare trap comparison of the native benches. The bare trap
 * uses the signal this CPU raises for TDCALL (SIGILL on AMD, SIGSEGV on
 * Intel: tdx_trap_probe_signal), the one the engine takes too. Header-only:
 * each bench is one executable. Prints nothing, asserts nothing. */
#ifndef TDXKIT_BENCH_H
#define TDXKIT_BENCH_H

#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

#include "tdxkit/trap.h"

static inline double bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The baseline: a handler that only steps RIP over the 4-byte TDCALL. */
static inline void bench_bare_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uc->uc_mcontext.gregs[REG_RIP] += 4;	/* over 66 0F 01 CC */
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct bench_pairs {
	int sig;		/* the signal both handlers took */
	double bare;		/* best ns/op under the bare handler */
	double trapped;		/* best ns/op under the trap engine */
	double median_ratio;	/* median of trapped/bare over back-to-back pairs */
};

/* Runs `time_once` (ns/op of one repetition) `reps` times under the bare
 * handler and under the engine (installed now), alternating so that
 * machine noise hits both alike. The bare handler runs under the engine's
 * conditions: SA_SIGINFO, on the alternate stack, signals blocked. */
static inline void bench_trap_pairs(double (*time_once)(void), int reps, struct bench_pairs *out)
{
	struct sigaction bare_sa, engine_sa;
	double *ratios = calloc((size_t)reps, sizeof(*ratios));
	int sig = tdx_trap_probe_signal();

	out->sig = sig;
	memset(&bare_sa, 0, sizeof(bare_sa));
	sigfillset(&bare_sa.sa_mask);
	bare_sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	bare_sa.sa_sigaction = bench_bare_trap;
	out->bare = out->trapped = 1e30;
	for (int rep = 0; rep < reps; rep++) {
		sigaction(sig, &bare_sa, &engine_sa);
		double b = time_once();
		sigaction(sig, &engine_sa, NULL);
		double t = time_once();
		if (b < out->bare)
			out->bare = b;
		if (t < out->trapped)
			out->trapped = t;
		if (ratios)
			ratios[rep] = t / b;
	}
	out->median_ratio = 0;
	if (ratios) {
		qsort(ratios, (size_t)reps, sizeof(*ratios), bench_cmp_double);
		out->median_ratio = ratios[reps / 2];
		free(ratios);
	}
}

#endif

/* bench_native_threads: threads as VCPUs, with the real TDCALL under the
 * trap engine, one thread against two (ratios within this run):
 *   accept    tdx_accept_memory of 1 GiB at 4 KiB (--sept 4k: 262144
 *             TDG.MEM.PAGE.ACCEPTs); two threads take half each.
 *             Goal: speed-up >= 1.7 on 2 cores (no global lock).
 *   tdvmcall  TDG.VP.VMCALL<Instruction.CPUID> round trips through the
 *             default host for a fixed time; calls per second.
 * The windows are fault-driven, as under tdx-run. Best of REPS runs each;
 * prints numbers, asserts nothing. */
#include "bench.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"
#include "tdxkit/module.h"
#include "tdxkit/trap.h"
#include "tdxkit/vmm.h"

#define MEM (1ull << 30)
#define REPS 3
#define TDVMCALL_NS 300e6	/* each TDVMCALL run lasts this long */

static struct tdx_td *td;

static struct tdx_td *new_td(struct tdx_vmm *v)
{
	struct tdx_td_config cfg;
	char err[256];

	tdx_td_config_init(&cfg);
	cfg.mem_size = MEM;
	cfg.num_vcpus = 3;
	cfg.sept_policy = TDX_SEPT_POLICY_4K;
	if (v)
		tdx_vmm_attach(v, &cfg);
	struct tdx_td *t = tdx_td_create(&cfg, err, sizeof(err));
	if (!t || tdx_trap_install(t, 0, err, sizeof(err))) {
		fprintf(stderr, "bench_native_threads: %s\n", err);
		exit(1);
	}
	if (tdx_td_set_window_mode(t, TDX_WINDOWS_FAULT, err, sizeof(err)))
		fprintf(stderr, "bench_native_threads: mprotect windows (%s)\n", err);
	return t;
}

static void drop_td(void)
{
	tdx_trap_uninstall();
	tdx_td_destroy(td);
	td = NULL;
}

struct part {
	pthread_barrier_t *go;
	uint64_t start, end, status;
	double t0, t1;
	uint64_t calls;
};

static void *accept_part(void *arg)
{
	struct part *p = arg;
	pthread_barrier_wait(p->go);
	p->t0 = bench_now_ns();
	p->status = tdx_accept_memory(p->start, p->end, NULL);
	p->t1 = bench_now_ns();
	return NULL;
}

static void *tdvmcall_part(void *arg)
{
	struct part *p = arg;
	struct tdx_ghci_cpuid c;
	pthread_barrier_wait(p->go);
	p->t0 = bench_now_ns();
	do {
		for (int i = 0; i < 100; i++)
			p->status |= tdx_ghci_cpuid(0x40000000, 0, &c);
		p->calls += 100;
		p->t1 = bench_now_ns();
	} while (p->t1 - p->t0 < TDVMCALL_NS);
	return NULL;
}

/* Runs fn on `n` fresh threads over [0, MEM) split evenly; returns the
 * wall time from the first start to the last end, and the calls made. */
static double run(void *(*fn)(void *), unsigned n, uint64_t *calls)
{
	pthread_barrier_t go;
	struct part parts[2];
	pthread_t th[2];
	double t0 = 1e300, t1 = 0;

	pthread_barrier_init(&go, NULL, n);
	*calls = 0;
	for (unsigned i = 0; i < n; i++) {
		parts[i] = (struct part){ &go, MEM / n * i, MEM / n * (i + 1), 0, 0, 0, 0 };
		pthread_create(&th[i], NULL, fn, &parts[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		if (parts[i].status)
			fprintf(stderr, "bench_native_threads: status 0x%llx\n",
				(unsigned long long)parts[i].status);
		t0 = parts[i].t0 < t0 ? parts[i].t0 : t0;
		t1 = parts[i].t1 > t1 ? parts[i].t1 : t1;
		*calls += parts[i].calls;
	}
	pthread_barrier_destroy(&go);
	return t1 - t0;
}

int main(void)
{
	double best[2] = { 1e300, 1e300 }, rate[2] = { 0, 0 };
	uint64_t calls;
	char err[256];

	/* accept: a fresh TD per run (an accepted page stays accepted). */
	for (int rep = 0; rep < REPS; rep++)
		for (unsigned n = 1; n <= 2; n++) {
			td = new_td(NULL);
			double t = run(accept_part, n, &calls);
			best[n - 1] = t < best[n - 1] ? t : best[n - 1];
			drop_td();
		}
	printf("accept 1 GiB at 4 KiB, 1 thread   %8.1f ms (%.0f ns/page)\n", best[0] / 1e6,
	       best[0] / (MEM / 4096));
	printf("accept 1 GiB at 4 KiB, 2 threads  %8.1f ms\n", best[1] / 1e6);
	printf("speed-up 2 threads / 1            %8.2f  (goal >= 1.7 on 2 cores)\n",
	       best[0] / best[1]);

	struct tdx_vmm_config vc;
	tdx_vmm_config_init(&vc);
	vc.uart_fd = -1;
	struct tdx_vmm *v = tdx_vmm_new(&vc, err, sizeof(err));
	if (!v) {
		fprintf(stderr, "bench_native_threads: %s\n", err);
		return 1;
	}
	td = new_td(v);
	for (int rep = 0; rep < REPS; rep++)
		for (unsigned n = 1; n <= 2; n++) {
			double t = run(tdvmcall_part, n, &calls);
			double r = calls / (t / 1e9);
			rate[n - 1] = r > rate[n - 1] ? r : rate[n - 1];
		}
	drop_td();
	tdx_vmm_destroy(v);
	printf("trapped TDVMCALL CPUID, 1 thread  %8.0f calls/s\n", rate[0]);
	printf("trapped TDVMCALL CPUID, 2 threads %8.0f calls/s\n", rate[1]);
	printf("throughput 2 threads / 1          %8.2f\n", rate[1] / rate[0]);
	return 0;
}

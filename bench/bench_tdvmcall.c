/* bench_tdvmcall.c: a TDVMCALL round trip in direct mode (guest helper
 * tdx_ghci_*, module TDG.VP.VMCALL, host handler, resume, back) against a
 * plain noinline function call; goal: under 50 ns per call.
 *   (1) CPUID via tdx_ghci_cpuid against a minimal host callback
 *   (2) the same against the default host (libtdxkit-vmm, host library)
 *   (3) an IO port write (tdx_ghci_io_out, no device) against the default host
 *   (4) MapGPA of 1 GiB private -> shared and back against the default host
 * Best of REPS repetitions, CLOCK_MONOTONIC; numbers only, no assertions. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tdxkit/direct.h"
#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"
#include "tdxkit/module.h"
#include "tdxkit/vmm.h"

#define GiB (1ull << 30)
#define REPS 101	/* short repetitions, best of: a busy machine preempts long ones */
#define CALLS 20000

/* The baseline: a call the compiler must make, with CPUID-like outputs. */
static volatile uint32_t fake[4] = { 0x40000001, 1, 2, 3 };
__attribute__((noinline)) static uint64_t plain_cpuid(uint32_t leaf, uint32_t sub,
						      struct tdx_ghci_cpuid *out)
{
	out->eax = fake[0] ^ leaf;
	out->ebx = fake[1] ^ sub;
	out->ecx = fake[2];
	out->edx = fake[3];
	__asm__ volatile("" : : "r"(out) : "memory");
	return 0;
}

/* The smallest host: every TDVMCALL succeeds; CPUID gets fixed words. */
static int tiny_host(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *exit)
{
	exit->vmm.r10 = 0;
	exit->vmm.r12 = 0x40000001;
	exit->vmm.r13 = exit->vmm.r14 = exit->vmm.r15 = 0;
	return 0;
}

static struct tdx_td *new_td(uint64_t mem, struct tdx_vmm *vmm)
{
	struct tdx_td_config cfg;
	char err[256];

	tdx_td_config_init(&cfg);
	cfg.mem_size = mem;
	if (vmm) {
		tdx_vmm_attach(vmm, &cfg);
	} else {
		cfg.host.tdvmcall = tiny_host;
	}
	struct tdx_td *td = tdx_td_create(&cfg, err, sizeof(err));
	if (!td) {
		fprintf(stderr, "bench_tdvmcall: tdx_td_create: %s\n", err);
		exit(1);
	}
	return td;
}

static struct tdx_vmm *new_vmm(void)
{
	struct tdx_vmm_config vc;
	char err[256];

	tdx_vmm_config_init(&vc);
	vc.uart_fd = -1;
	struct tdx_vmm *v = tdx_vmm_new(&vc, err, sizeof(err));
	if (!v) {
		fprintf(stderr, "bench_tdvmcall: tdx_vmm_new: %s\n", err);
		exit(1);
	}
	return v;
}

enum what { PLAIN, CPUID, IO };

static double best_ns(enum what w)
{
	struct tdx_ghci_cpuid c;
	double best = 1e30;
	uint64_t bad = 0;

	for (int rep = 0; rep < REPS; rep++) {
		double t0 = bench_now_ns();
		for (int i = 0; i < CALLS; i++) {
			if (w == PLAIN)
				bad |= plain_cpuid(0x40000000, 0, &c);
			else if (w == CPUID)
				bad |= tdx_ghci_cpuid(0x40000000, 0, &c);
			else
				bad |= tdx_ghci_io_out(0x80, 1, (uint32_t)i);
		}
		double per = (bench_now_ns() - t0) / CALLS;
		if (per < best)
			best = per;
	}
	if (bad) {
		fprintf(stderr, "bench_tdvmcall: a call failed (0x%llx)\n", (unsigned long long)bad);
		exit(1);
	}
	return best;
}

int main(void)
{
	double plain = best_ns(PLAIN);

	struct tdx_td *td = new_td(64ull << 20, NULL);
	tdx_direct_attach(td, 0);
	double tiny = best_ns(CPUID);
	tdx_td_destroy(td);

	struct tdx_vmm *v = new_vmm();
	td = new_td(64ull << 20, v);
	tdx_direct_attach(td, 0);
	double vmm_cpuid = best_ns(CPUID);
	double vmm_io = best_ns(IO);
	tdx_td_destroy(td);
	tdx_vmm_destroy(v);

	printf("plain noinline call                   %8.1f ns/call\n", plain);
	printf("TDVMCALL CPUID, minimal host callback %8.1f ns/call  ratio %6.1fx  (goal < 50 ns)\n",
	       tiny, tiny / plain);
	printf("TDVMCALL CPUID, tdxkit-vmm host       %8.1f ns/call  ratio %6.1fx\n", vmm_cpuid,
	       vmm_cpuid / plain);
	printf("TDVMCALL IO out, tdxkit-vmm host      %8.1f ns/call  ratio %6.1fx\n", vmm_io,
	       vmm_io / plain);

	/* MapGPA of 1 GiB: the host converts 2 MiB per call (RETRY in between,
	 * as KVM does), so this is 512 TDVMCALLs each way. */
	double to_shared = 1e30, to_private = 1e30;
	for (int rep = 0; rep < 3; rep++) {
		v = new_vmm();
		td = new_td(2 * GiB, v);
		tdx_direct_attach(td, 0);
		struct tdx_vp_info info;
		tdx_vp_info(&info);
		double t0 = bench_now_ns();
		uint64_t st = tdx_ghci_map_gpa(GiB | info.shared_bit, GiB, NULL);
		double t1 = bench_now_ns();
		uint64_t st2 = tdx_ghci_map_gpa(GiB, GiB, NULL);
		double t2 = bench_now_ns();
		if (st || st2) {
			fprintf(stderr, "bench_tdvmcall: MapGPA failed: 0x%llx 0x%llx\n",
				(unsigned long long)st, (unsigned long long)st2);
			return 1;
		}
		if (t1 - t0 < to_shared)
			to_shared = t1 - t0;
		if (t2 - t1 < to_private)
			to_private = t2 - t1;
		tdx_td_destroy(td);
		tdx_vmm_destroy(v);
	}
	printf("MapGPA 1 GiB private -> shared        %8.2f ms  %6.1f GiB/s\n", to_shared / 1e6,
	       1e9 / to_shared);
	printf("MapGPA 1 GiB shared -> private        %8.2f ms  %6.1f GiB/s  (pages AUGed PENDING)\n",
	       to_private / 1e6, 1e9 / to_private);
	return 0;
}

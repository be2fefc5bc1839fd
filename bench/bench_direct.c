/* bench_direct.c: the cost of the direct transport of libtdxkit-guest.
 * (1) TDG.VP.INFO through tdx_vp_info() vs a plain noinline C call;
 * (2) tdx_accept_memory() over 1 GiB (2 MiB and 4 KiB SEPT policy) vs
 *     memset of 1 GiB of fresh anonymous memory.
 * Best of a few repetitions, CLOCK_MONOTONIC; numbers only, no assertions. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "tdxkit/direct.h"
#include "tdxkit/guest.h"
#include "tdxkit/module.h"

#define GiB (1ull << 30)
#define REPS 5

/* Seconds, for the bandwidth figures. */
static double now(void)
{
	return bench_now_ns() * 1e-9;
}

static struct tdx_td *new_td(enum tdx_sept_policy policy)
{
	struct tdx_td_config cfg;
	char err[256];

	tdx_td_config_init(&cfg);
	cfg.mem_size = GiB;
	cfg.sept_policy = policy;
	struct tdx_td *td = tdx_td_create(&cfg, err, sizeof(err));
	if (!td) {
		fprintf(stderr, "bench_direct: tdx_td_create: %s\n", err);
		exit(1);
	}
	return td;
}

/* The baseline: a call the compiler must make, doing the same decoding. */
static volatile uint64_t fake_regs[6] = { 48, 1ull << 28, 1 | (1ull << 32), 0, 1, 0 };
__attribute__((noinline)) static void plain_vp_info(struct tdx_vp_info *out)
{
	out->gpaw = (unsigned)(fake_regs[0] & 0x3F);
	out->shared_bit = 1ull << (out->gpaw - 1);
	out->attributes = fake_regs[1];
	out->num_vcpus = (uint32_t)fake_regs[2];
	out->max_vcpus = (uint32_t)(fake_regs[2] >> 32);
	out->vcpu_index = (uint32_t)fake_regs[3];
	out->sys_rd = fake_regs[4] & 1;
	__asm__ volatile("" : : "r"(out) : "memory");
}

static double best_ns_per_call(void (*fn)(struct tdx_vp_info *), unsigned long n)
{
	struct tdx_vp_info info;
	double best = 1e30;

	for (int r = 0; r < REPS; r++) {
		double t = now();
		for (unsigned long i = 0; i < n; i++)
			fn(&info);
		t = now() - t;
		if (t < best)
			best = t;
	}
	return best * 1e9 / n;
}

static double best_accept_gibps(enum tdx_sept_policy policy)
{
	double best = 1e30;

	for (int r = 0; r < 3; r++) {
		struct tdx_td *td = new_td(policy);
		uint64_t stop;
		tdx_direct_attach(td, 0);
		double t = now();
		uint64_t st = tdx_accept_memory(0, GiB, &stop);
		t = now() - t;
		if (st != TDX_SUCCESS) {
			fprintf(stderr, "bench_direct: accept failed: 0x%016llx at 0x%llx\n",
				(unsigned long long)st, (unsigned long long)stop);
			exit(1);
		}
		tdx_direct_attach(NULL, 0);
		tdx_td_destroy(td);
		if (t < best)
			best = t;
	}
	return 1.0 / best;
}

static double best_memset_gibps(void)
{
	double best = 1e30;

	for (int r = 0; r < 3; r++) {
		void *p = mmap(NULL, GiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("bench_direct: mmap");
			exit(1);
		}
		double t = now();
		memset(p, 0, GiB);
		__asm__ volatile("" : : "r"(p) : "memory");
		t = now() - t;
		munmap(p, GiB);
		if (t < best)
			best = t;
	}
	return 1.0 / best;
}

int main(void)
{
	struct tdx_td *td = new_td(TDX_SEPT_POLICY_2M);

	tdx_direct_attach(td, 0);
	double direct = best_ns_per_call(tdx_vp_info, 1000000);
	double plain = best_ns_per_call(plain_vp_info, 100000000);
	tdx_direct_attach(NULL, 0);
	tdx_td_destroy(td);
	printf("TDG.VP.INFO direct: %.1f ns/call; plain C call: %.2f ns/call; ratio %.0fx\n",
	       direct, plain, direct / plain);

	double ms = best_memset_gibps();
	double a2m = best_accept_gibps(TDX_SEPT_POLICY_2M);
	double a4k = best_accept_gibps(TDX_SEPT_POLICY_4K);
	printf("memset 1 GiB fresh mmap: %.2f GiB/s\n", ms);
	/* The model zeroes never-touched TD memory by punching holes in its
	 * memfd, so this measures the TDCALL path, not a memory write. */
	printf("tdx_accept_memory 1 GiB, 2 MiB policy: %.2f GiB/s; accept/memset %.2f"
	       " (fresh TD memory: zeroing is a hole punch)\n", a2m, a2m / ms);
	printf("tdx_accept_memory 1 GiB, 4 KiB policy: %.2f GiB/s; accept/memset %.2f\n",
	       a4k, a4k / ms);
	return 0;
}

/* threads MODE: threads are VCPUs (tdx-run's contract).
 *   info N     N threads (the main one included), all alive at once, each
 *              TDG.VP.INFO: prints "vcpus V distinct D max M" (V = NUM_VCPUS)
 *   reuse      a thread takes VCPU 1 and exits; the next new thread gets
 *              VCPU 1 again: prints "first 1 second 1"
 *   ve N       N threads at once, each 2000 OUT instructions through one
 *              #VE handler: prints "ve N*2000" (a shared VE_INFO would #DF)
 *   extra      one thread more than --vcpus makes a TDCALL (tdx-run stops
 *              the run with one line) */
#include <pthread.h>
#include <string.h>

#include "tdxkit/guest.h"
#include "tdxkit/trap.h"
#include "guest.h"

#define MAX_THREADS 64

static pthread_barrier_t all_called, all_seen;
static uint32_t index_of[MAX_THREADS];
static uint32_t num_vcpus;

static void *info_thread(void *arg)
{
	struct tdx_vp_info vi;
	tdx_vp_info(&vi);
	index_of[(uintptr_t)arg] = vi.vcpu_index;
	num_vcpus = vi.num_vcpus;
	pthread_barrier_wait(&all_called);	/* nobody exits before all bound */
	pthread_barrier_wait(&all_seen);
	return NULL;
}

static int info(unsigned n)
{
	pthread_t th[MAX_THREADS];
	uint64_t seen = 0;
	unsigned max = 0, distinct = 0;

	pthread_barrier_init(&all_called, NULL, n);
	pthread_barrier_init(&all_seen, NULL, n);
	for (unsigned i = 1; i < n; i++)
		if (pthread_create(&th[i], NULL, info_thread, (void *)(uintptr_t)i))
			return 1;
	struct tdx_vp_info vi;
	tdx_vp_info(&vi);
	index_of[0] = vi.vcpu_index;
	pthread_barrier_wait(&all_called);
	for (unsigned i = 0; i < n; i++) {
		if (index_of[i] < 64 && !(seen >> index_of[i] & 1))
			distinct++;
		seen |= 1ull << (index_of[i] & 63);
		if (index_of[i] > max)
			max = index_of[i];
	}
	pthread_barrier_wait(&all_seen);
	for (unsigned i = 1; i < n; i++)
		pthread_join(th[i], NULL);
	printf("vcpus %u distinct %u max %u main %u\n", vi.num_vcpus, distinct, max, index_of[0]);
	return 0;
}

static void *index_thread(void *arg)
{
	struct tdx_vp_info vi;
	tdx_vp_info(&vi);
	*(uint32_t *)arg = vi.vcpu_index;
	return NULL;
}

static int reuse(void)
{
	uint32_t first = 99, second = 99;
	pthread_t t;

	struct tdx_vp_info vi;
	tdx_vp_info(&vi);	/* the main thread: VCPU 0 */
	if (pthread_create(&t, NULL, index_thread, &first) || pthread_join(t, NULL) ||
	    pthread_create(&t, NULL, index_thread, &second) || pthread_join(t, NULL))
		return 1;
	printf("first %u second %u\n", first, second);
	return 0;
}

static _Atomic unsigned ve_count;

static void ve_handler(struct tdx_ve_frame *f)
{
	struct tdx_ve ve;
	tdx_vp_veinfo_get(&ve);
	if (ve.exit_reason == 30)	/* IO_INSTRUCTION */
		ve_count++;
	f->rip += ve.instr_len;
}

static void *ve_thread(void *arg)
{
	pthread_barrier_wait(&all_called);	/* all at once */
	for (int i = 0; i < 2000; i++)
		__asm__ volatile("outb %%al, $0x80" : : "a"(i));
	return NULL;
}

static int ve(unsigned n)
{
	pthread_t th[MAX_THREADS];

	if (tdx_ve_register(ve_handler))
		return 1;
	pthread_barrier_init(&all_called, NULL, n);
	for (unsigned i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, ve_thread, NULL))
			return 1;
	for (unsigned i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("ve %u\n", ve_count);
	return 0;
}

static void *extra_thread(void *arg)
{
	struct tdx_vp_info vi;
	tdx_vp_info(&vi);
	printf("extra thread got VCPU %u\n", vi.vcpu_index);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 4;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (n < 1 || n > MAX_THREADS)
		return 2;
	if (!strcmp(mode, "info"))
		return info(n);
	if (!strcmp(mode, "reuse"))
		return reuse();
	if (!strcmp(mode, "ve"))
		return ve(n);
	if (!strcmp(mode, "extra")) {
		struct tdx_vp_info vi;
		pthread_t t;
		tdx_vp_info(&vi);
		pthread_create(&t, NULL, extra_thread, NULL);
		pthread_join(t, NULL);
		printf("extra: survived\n");
		return 0;
	}
	fprintf(stderr, "threads: unknown mode '%s'\n", mode);
	return 2;
}

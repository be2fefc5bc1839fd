/* signals MODE: TDCALL at any moment, as on hardware.
 *   alarm-exit   a SIGALRM every 200 us extends RTMR[2] from the handler
 *                while the main thread churns malloc, then calls exit()
 *                with the timer still running (atexit handlers churn too):
 *                prints "extends N" first; must end with status 0
 *   malloc-lock  a thread holds the malloc lock (this program's malloc,
 *                which takes a mutex) while the main thread makes every
 *                kind of TDCALL: "tdcalls done under the malloc lock";
 *                an allocation on the trap path would hang here (status 77
 *                in sanitizer builds, whose malloc cannot be replaced)
 *   loop         TDCALL forever (SIGTERM must still end the program)
 *   ve-loop      a #VE handler that loops on TDCALL forever (ditto) */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"
#include "tdxkit/trap.h"
#include "guest.h"

static struct g_env e;
static volatile sig_atomic_t extends;
static volatile uint64_t extend_fail;

static void on_alarm(int sig)
{
	uint64_t st = tdx_mr_rtmr_extend(0x100000, 2);
	if (st)
		extend_fail = st;
	extends++;
}

static void churn(int ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		void *p[64];
		for (int i = 0; i < 64; i++)
			p[i] = malloc(16 + (size_t)i * 97);
		for (int i = 0; i < 64; i++)
			free(p[i]);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

static void churn_at_exit(void)
{
	churn(50);	/* the timer still fires, into a process in exit() */
}

static int alarm_exit(void)
{
	if (tdx_accept_memory(0x100000, 0x101000, NULL))
		return 1;
	memset(e.priv + 0x100000, 0xA5, 48);
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	atexit(churn_at_exit);
	struct itimerval it = { .it_interval = { 0, 200 }, .it_value = { 0, 200 } };
	setitimer(ITIMER_REAL, &it, NULL);
	churn(300);
	printf("extends %d fail 0x%llx\n", (int)extends, (unsigned long long)extend_fail);
	fflush(stdout);
	exit(extend_fail ? 3 : 0);
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
/* This program's allocator: glibc's, behind a mutex that one thread can
 * hold as long as it likes. Everything in the process allocates through
 * it, the preload library (and OpenSSL) included. */
extern void *__libc_malloc(size_t), *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t), *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);
static pthread_mutex_t heap = PTHREAD_MUTEX_INITIALIZER;

#define LOCKED(expr) ({ pthread_mutex_lock(&heap); __typeof__(expr) r_ = (expr); pthread_mutex_unlock(&heap); r_; })
void *malloc(size_t n) { return LOCKED(__libc_malloc(n)); }
void *calloc(size_t a, size_t b) { return LOCKED(__libc_calloc(a, b)); }
void *realloc(void *p, size_t n) { return LOCKED(__libc_realloc(p, n)); }
void *memalign(size_t a, size_t n) { return LOCKED(__libc_memalign(a, n)); }
void *aligned_alloc(size_t a, size_t n) { return LOCKED(__libc_memalign(a, n)); }
int posix_memalign(void **p, size_t a, size_t n)
{
	*p = LOCKED(__libc_memalign(a, n));
	return *p ? 0 : 12;
}
void free(void *p) { pthread_mutex_lock(&heap); __libc_free(p); pthread_mutex_unlock(&heap); }

static int release[2];

static void *hold_heap(void *arg)
{
	char c;
	pthread_mutex_lock(&heap);
	*(volatile int *)arg = 1;
	while (read(release[0], &c, 1) < 0)
		;
	pthread_mutex_unlock(&heap);
	return NULL;
}

static int malloc_lock(void)
{
	volatile int held = 0;
	pthread_t t;
	static const char done[] = "tdcalls done under the malloc lock\n";

	/* Everything that allocates happens before the lock is taken. */
	if (pipe(release) || tdx_accept_memory(0x100000, 0x104000, NULL))
		return 1;
	memset(e.priv + 0x100000, 0x11, 48);
	if (pthread_create(&t, NULL, hold_heap, (void *)&held))
		return 1;
	while (!held)
		;
	/* Now every leaf that hashes, MACs, walks memory or reaches the host. */
	struct tdx_vp_info vi;
	tdx_vp_info(&vi);
	uint64_t st = tdx_mr_rtmr_extend(0x100000, 3);
	st |= tdx_mr_report(0x101000, 0x100000);
	memcpy(e.priv + 0x102000, e.priv + 0x101000, 256);	/* REPORTMACSTRUCT */
	st |= tdx_mr_verifyreport(0x102000);
	st |= tdx_mem_page_accept(0x104000, TDX_PAGE_4K);
	st |= tdx_ghci_io_out(0x3F8, 1, 'x');
	struct tdx_ghci_cpuid c;
	st |= tdx_ghci_cpuid(0x40000000, 0, &c);
	if (write(1, done, sizeof(done) - 1) < 0 || write(release[1], "x", 1) != 1)
		return 1;
	pthread_join(t, NULL);
	return st ? 3 : 0;
}
#else
static int malloc_lock(void)
{
	printf("malloc-lock: skipped: the sanitizer's allocator cannot be replaced\n");
	return 77;
}
#endif

static void loop_ve(struct tdx_ve_frame *f)
{
	struct tdx_ve ve;
	tdx_vp_veinfo_get(&ve);
	for (;;) {
		struct tdx_vp_info vi;
		tdx_vp_info(&vi);
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (g_env(&e))
		return 1;
	if (!strcmp(mode, "alarm-exit"))
		return alarm_exit();
	if (!strcmp(mode, "malloc-lock"))
		return malloc_lock();
	if (!strcmp(mode, "loop") || !strcmp(mode, "ve-loop")) {
		printf("looping\n");
		fflush(stdout);
		if (mode[0] == 'v') {
			tdx_ve_register(loop_ve);
			__asm__ volatile("outb %%al, $0x80" : : "a"(0));
		}
		for (;;) {
			struct tdx_vp_info vi;
			tdx_vp_info(&vi);
		}
	}
	fprintf(stderr, "signals: unknown mode '%s'\n", mode);
	return 2;
}

/* ghci_services MODE: every guest GHCI service through libtdxkit-guest's
 * tdx_ghci_* functions (tdxkit/ghci.h), against tdx-run's default host.
 *   uart       "hello from the UART\n" through Instruction.IO, then return 0
 *   exit N     write N to the exit port 0x501; "survived" if the run goes on
 *   fatal      ReportFatalError(0x1234, no GPA, "ghci test fatal")
 *   shared     MapGPA a buffer to shared, use it through the shared alias,
 *              then back to private and accept it again
 *   quote FILE GetQuote into a shared buffer; the quote goes to FILE
 *   quote-private  GetQuote on a private buffer (the host must refuse it)
 *   all        every service once; prints each status and checked value.
 *              Must survive a hostile host (--hostile): statuses are
 *              printed, values checked, nothing is trusted, nothing crashes;
 *              the output depends only on the host's answers (no addresses,
 *              no timing), so one seed gives one output. */
#include <string.h>
#include <time.h>

#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"
#include "guest.h"

#define BUF_GPA 0x400000ull	/* MapGPA / GetQuote buffer: 16 pages */
#define BUF_SIZE 0x10000ull
#define QUOTE_IN_FLIGHT ~0ull

static struct g_env e;
static uint64_t sb;	/* shared bit */

static void st(const char *what, uint64_t s)
{
	printf("%s: 0x%llx\n", what, (unsigned long long)s);
}

static void uart(const char *s)
{
	fflush(stdout);	/* the UART writes to the same stdout */
	for (; *s; s++)
		tdx_ghci_io_out(0x3F8, 1, (uint8_t)*s);
}

/* Shared buffer at BUF_GPA: 0 when MapGPA said SUCCESS. */
static uint64_t share(void)
{
	uint64_t done = 0, s = tdx_ghci_map_gpa(BUF_GPA | sb, BUF_SIZE, &done);
	st("map_gpa_shared", s);
	if (!s)
		printf("map_gpa_shared done_to ok: %d\n", done == (BUF_GPA | sb) + BUF_SIZE);
	return s;
}

static void unshare(void)
{
	uint64_t s = tdx_ghci_map_gpa(BUF_GPA, BUF_SIZE, NULL);
	st("map_gpa_private", s);
	if (!s)
		st("accept_after_private", tdx_accept_memory(BUF_GPA, BUF_GPA + BUF_SIZE, NULL));
}

/* The GetQuote header (tdx-abi.md 3.7) in the shared buffer; returns the
 * quote length, or 0 when the host failed (a status is printed). */
static uint32_t quote(const uint8_t **data)
{
	uint8_t *buf = e.shared + BUF_GPA;
	uint64_t s;

	/* A TDREPORT to quote, in accepted private memory. */
	if ((s = tdx_accept_memory(0x200000, 0x202000, NULL)))
		return st("quote_accept", s), 0;
	memset(e.priv + 0x200000, 0, 64);
	memcpy(e.priv + 0x200000, "ghci_services", 13);
	if ((s = tdx_mr_report(0x201000, 0x200000)))
		return st("quote_report", s), 0;
	uint64_t hdr[3] = { 1, 0, 1024 };	/* version, status, in_len | out_len << 32 */
	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + 24, e.priv + 0x201000, 1024);
	s = tdx_ghci_get_quote(BUF_GPA | sb, BUF_SIZE);
	st("get_quote", s);
	if (s)
		return 0;
	/* The quoting service answers on its own thread: wait for the status
	 * word with no TDCALL at all, as Linux's tdx-guest driver does. A
	 * hostile host may never answer: bounded (5 s). */
	for (int n = 0; n < 5000 && __atomic_load_n((uint64_t *)(void *)(buf + 8),
						      __ATOMIC_ACQUIRE) == QUOTE_IN_FLIGHT; n++)
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	uint64_t status;
	uint32_t len;
	memcpy(&status, buf + 8, 8);
	memcpy(&len, buf + 20, 4);
	st("quote_status", status);
	if (status)
		return 0;
	if (len == 0 || len > BUF_SIZE - 24) {	/* the host's length: never trusted */
		printf("quote_len: refused\n");
		return 0;
	}
	printf("quote_len: ok\n");
	*data = buf + 24;
	return len;
}

static void all(void)
{
	struct tdx_ghci_cpuid c;
	struct tdx_ghci_info gi;
	uint32_t v32;
	uint64_t v;

	st("cpuid", tdx_ghci_cpuid(0x40000000, 0, &c));
	printf("cpuid eax=0x%x ebx=0x%x ecx=0x%x edx=0x%x\n", c.eax, c.ebx, c.ecx, c.edx);
	st("hlt", tdx_ghci_hlt(false));
	st("io_out", tdx_ghci_io_out(0x3FF, 1, 0x5A));	/* UART scratch register */
	st("io_in", tdx_ghci_io_in(0x3FF, 1, &v32));
	printf("io_in value=0x%x fits=%d\n", v32, v32 <= 0xFF);
	st("io_in16", tdx_ghci_io_in(0x80, 2, &v32));
	printf("io_in16 value=0x%x fits=%d\n", v32, v32 <= 0xFFFF);
	st("io_bad_size", tdx_ghci_io_out(0x80, 3, 0));
	st("wrmsr", tdx_ghci_wrmsr(0x4B584D00, 0x1122334455667788ull));
	st("rdmsr", tdx_ghci_rdmsr(0x4B584D00, &v));
	printf("rdmsr value=0x%llx\n", (unsigned long long)v);
	st("rdmsr_unknown", tdx_ghci_rdmsr(0xC0DE, &v));
	printf("rdmsr_unknown value=0x%llx\n", (unsigned long long)v);
	uint64_t dev = e.size | sb;
	st("mmio_read", tdx_ghci_mmio_read(dev, 8, &v));
	printf("mmio id=0x%llx\n", (unsigned long long)v);
	st("mmio_write", tdx_ghci_mmio_write(dev + 0x10, 4, 0xabcd1234));
	st("mmio_read4", tdx_ghci_mmio_read(dev + 0x10, 4, &v));
	printf("mmio scratch=0x%llx fits=%d\n", (unsigned long long)v, v <= 0xFFFFFFFFull);
	st("mmio_cross_page", tdx_ghci_mmio_read(dev + 0xFFC, 8, &v));
	st("info0", tdx_ghci_get_td_vm_call_info(0, &gi));
	st("info1", tdx_ghci_get_td_vm_call_info(1, &gi));
	printf("info1 r11=0x%llx\n", (unsigned long long)gi.r[0]);
	st("notify_bad", tdx_ghci_setup_event_notify(7));
	st("notify", tdx_ghci_setup_event_notify(0x40));
	st("kvm", tdx_ghci_kvm_hypercall(1, 0, 0, 0, 0));
	if (share() == 0) {
		const uint8_t *q;
		uint32_t len = quote(&q);
		printf("quote: %s\n", len ? "done" : "none");
	}
	unshare();
	uart("services: done\n");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";
	struct tdx_vp_info vi;

	tdx_vp_info(&vi);	/* first: outside tdx-run this is SIGILL */
	sb = vi.shared_bit;
	if (g_env(&e))
		return 1;
	if (!strcmp(mode, "uart")) {
		uart("hello from the UART\n");
	} else if (!strcmp(mode, "exit") && argc > 2) {
		tdx_ghci_io_out(0x501, 1, (uint32_t)atoi(argv[2]));
		printf("exit: survived\n");
	} else if (!strcmp(mode, "fatal")) {
		tdx_ghci_report_fatal_error(0x1234, 0, "ghci test fatal");
	} else if (!strcmp(mode, "shared")) {
		if (share())
			return 1;
		volatile uint8_t *p = e.shared + BUF_GPA;
		for (unsigned i = 0; i < BUF_SIZE; i += 4096)
			p[i] = (uint8_t)(i >> 12);
		unsigned bad = 0;
		for (unsigned i = 0; i < BUF_SIZE; i += 4096)
			bad += p[i] != (uint8_t)(i >> 12);
		printf("shared: %u pages written and read back, %u bad\n", (unsigned)(BUF_SIZE >> 12), bad);
		unshare();
		volatile uint8_t *q = e.priv + BUF_GPA;
		q[0] = 0x77;
		printf("private again: 0x%x\n", q[0]);
	} else if (!strcmp(mode, "quote") && argc > 2) {
		const uint8_t *q;
		if (share())
			return 1;
		uint32_t len = quote(&q);
		FILE *f = len ? fopen(argv[2], "wb") : NULL;
		if (!f || fwrite(q, 1, len, f) != len || fclose(f))
			return 1;
		printf("quote: written\n");
	} else if (!strcmp(mode, "quote-private")) {
		/* A buffer the host may not touch: named with the shared bit, as
		 * GetQuote wants, but accepted as private and never converted. */
		st("accept", tdx_accept_memory(BUF_GPA, BUF_GPA + 0x1000, NULL));
		st("get_quote_private", tdx_ghci_get_quote(BUF_GPA | sb, 0x1000));
	} else if (!strcmp(mode, "all")) {
		all();
	} else {
		fprintf(stderr, "ghci_services: unknown mode '%s'\n", mode);
		return 2;
	}
	return 0;
}

/*
 * ghci_demo.c: a TD program that talks to its host (the GHCI) the way a TD
 * kernel does, under tdx-run's default host:
 *   - its console is a 16550 UART at port 0x3F8 driven with plain `outb`:
 *     in a TD that is a #VE, the default #VE handler (libtdxkit-guest-ve)
 *     turns it into TDVMCALL<Instruction.IO>, and tdx-run's UART writes the
 *     byte to its stdout;
 *   - TD info, page accept, RTMR extend and TDREPORT (TDCALLs);
 *   - a quote: MapGPA makes a buffer shared, GetQuote fills it, the program
 *     polls its status word (a `hlt` in between: every host entry is a
 *     completion point) and saves the quote to argv[1] if given;
 *   - CPUID through TDVMCALL, an MSR with `rdmsr`/`wrmsr` (#VE), the MMIO
 *     test device right above TD memory with plain loads and stores (#VE);
 *   - and it ends by writing 0 to the exit port 0x501: tdx-run exits 0.
 *
 *   tdx-run --mem 256M --stats -- ./example-ghci_demo [QUOTE-FILE]
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"
#include "tdxkit/ve.h"

#define UART 0x3F8
#define EXIT_PORT 0x501

/* GPAs used (TD memory of at least 8 MiB) */
#define WORK_GPA   0x200000ull	/* one 2 MiB page accepted for our data */
#define DIGEST_GPA (WORK_GPA + 0x0000)
#define RDATA_GPA  (WORK_GPA + 0x1000)
#define REPORT_GPA (WORK_GPA + 0x2000)
#define QUOTE_GPA  0x400000ull	/* the shared GetQuote buffer */
#define QUOTE_SIZE 0x10000ull

static uint8_t *priv, *shared;	/* VA of GPA 0 through each alias */
static uint64_t mem_size;

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %b0, %w1" : : "a"(v), "Nd"(port));
}

/* The model's UART is always ready (LSR.THRE = 1), so no polling. */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (int i = 0; i < n && i < (int)sizeof(buf) - 1; i++)
		outb(UART, (uint8_t)buf[i]);
}

static void __attribute__((noreturn)) finish(uint8_t status)
{
	outb(EXIT_PORT, status);	/* the host ends the run here */
	fprintf(stderr, "ghci_demo: the exit port did not stop the TD\n");
	exit(3);
}

static void __attribute__((noreturn)) fail(const char *what, uint64_t st)
{
	say("FAILED: %s: status 0x%016llx\n", what, (unsigned long long)st);
	finish(1);
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static int get_env(void)
{
	const char *p = getenv("TDXKIT_PRIVATE_BASE"), *s = getenv("TDXKIT_SHARED_BASE");
	const char *n = getenv("TDXKIT_MEM_SIZE");

	if (!p || !s || !n)
		return -1;
	priv = (uint8_t *)(uintptr_t)strtoull(p, NULL, 16);
	shared = (uint8_t *)(uintptr_t)strtoull(s, NULL, 16);
	mem_size = strtoull(n, NULL, 16);
	return 0;
}

/* The quote: TDREPORT in, shared buffer (struct tdx_quote_hdr, then the
 * data), GetQuote, poll. Returns its size; *out = the quote. */
static uint32_t get_quote(uint64_t shared_bit, const struct tdx_report *rep,
			  const uint8_t **out)
{
	uint64_t st = tdx_ghci_map_gpa(QUOTE_GPA | shared_bit, QUOTE_SIZE, NULL);
	if (st)
		fail("MapGPA to shared", st);
	struct tdx_quote_hdr *q = (struct tdx_quote_hdr *)(shared + QUOTE_GPA);
	uint8_t *data = shared + QUOTE_GPA + TDX_QUOTE_HDR_SIZE;
	say("MapGPA: [0x%llx, 0x%llx) is shared, reachable at the shared alias\n",
	    (unsigned long long)QUOTE_GPA, (unsigned long long)(QUOTE_GPA + QUOTE_SIZE));

	memset(q, 0, sizeof(*q));
	q->version = TDX_QUOTE_HDR_VERSION;
	q->in_len = sizeof(*rep);
	memcpy(data, rep, sizeof(*rep));
	if ((st = tdx_ghci_get_quote(QUOTE_GPA | shared_bit, QUOTE_SIZE)))
		fail("GetQuote", st);
	/* The quoting service answers on its own: wait for the status word,
	 * no TDCALL needed (as Linux's tdx-guest driver does); bounded, for
	 * the host may never answer. */
	int waits = 0;
	while (__atomic_load_n(&q->status, __ATOMIC_ACQUIRE) == TDX_GET_QUOTE_IN_FLIGHT && waits < 5000) {
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
		waits++;
	}
	if (q->status)
		fail("GetQuote completion", q->status);
	if (q->out_len > QUOTE_SIZE - sizeof(*q))	/* the host's number: check it */
		fail("GetQuote: quote larger than the buffer", q->out_len);
	say("GetQuote: %u-byte quote after about %d ms\n", q->out_len, waits);
	*out = data;
	return q->out_len;
}

int main(int argc, char **argv)
{
	if (get_env() || tdx_ve_install_default()) {
		fprintf(stderr, "ghci_demo: not in a TD: run me under tdx-run\n");
		return 2;
	}

	struct tdx_vp_info info;
	tdx_vp_info(&info);
	say("TD info: GPAW %u, ATTRIBUTES 0x%llx, VCPU %u of %u, memory %llu MiB\n", info.gpaw,
	    (unsigned long long)info.attributes, info.vcpu_index, info.num_vcpus,
	    (unsigned long long)(mem_size >> 20));

	uint64_t st = tdx_accept_memory(WORK_GPA, WORK_GPA + 0x200000, NULL);
	if (st)
		fail("accept", st);
	say("accepted [0x%llx, 0x%llx)\n", (unsigned long long)WORK_GPA,
	    (unsigned long long)WORK_GPA + 0x200000);

	memset(priv + DIGEST_GPA, 0, 48);
	memcpy(priv + DIGEST_GPA, "ghci_demo: measured config", 26);
	if ((st = tdx_mr_rtmr_extend(DIGEST_GPA, 3)))
		fail("RTMR.EXTEND", st);
	memset(priv + RDATA_GPA, 0, 64);
	memcpy(priv + RDATA_GPA, "ghci_demo nonce", 15);
	if ((st = tdx_mr_report(REPORT_GPA, RDATA_GPA)))
		fail("MR.REPORT", st);
	const struct tdx_report *rep = (const struct tdx_report *)(priv + REPORT_GPA);
	say("RTMR[3] extended; TDREPORT RTMR[3] = %02x%02x%02x%02x...\n", rep->td_info.rtmr[3][0],
	    rep->td_info.rtmr[3][1], rep->td_info.rtmr[3][2], rep->td_info.rtmr[3][3]);

	struct tdx_ghci_info gi;
	if ((st = tdx_ghci_get_td_vm_call_info(1, &gi)))
		fail("GetTdVmCallInfo", st);
	say("GetTdVmCallInfo(1): GetQuote %s, SetupEventNotifyInterrupt %s\n",
	    gi.r[0] & 1 ? "yes" : "no", gi.r[0] & 2 ? "yes" : "no");

	const uint8_t *q;
	uint32_t qlen = get_quote(info.shared_bit, rep, &q);
	if (argc > 1) {
		FILE *f = fopen(argv[1], "wb");
		if (!f || fwrite(q, 1, qlen, f) != qlen || fclose(f)) {
			fprintf(stderr, "ghci_demo: cannot write %s\n", argv[1]);
			finish(1);
		}
		say("quote written to %s\n", argv[1]);
	}
	/* Back to private: the pages come back PENDING and must be accepted. */
	if ((st = tdx_ghci_map_gpa(QUOTE_GPA, QUOTE_SIZE, NULL)))
		fail("MapGPA to private", st);
	if ((st = tdx_accept_memory(QUOTE_GPA, QUOTE_GPA + QUOTE_SIZE, NULL)))
		fail("accept after MapGPA", st);
	say("MapGPA: buffer private again and accepted\n");

	struct tdx_ghci_cpuid c;
	char sig[13] = "";
	if ((st = tdx_ghci_cpuid(0x40000000, 0, &c)))
		fail("CPUID", st);
	memcpy(sig, &c.ebx, 4);
	memcpy(sig + 4, &c.ecx, 4);
	memcpy(sig + 8, &c.edx, 4);
	say("CPUID 0x40000000: max 0x%x, \"%s\"\n", c.eax, sig);

	say("RDMSR IA32_APIC_BASE = 0x%llx\n", (unsigned long long)rdmsr(0x1B));
	wrmsr(0x4B584D00, 0x1234abcd5678ull);	/* TDXKIT_SCRATCH */
	say("WRMSR/RDMSR scratch MSR = 0x%llx\n", (unsigned long long)rdmsr(0x4B584D00));

	/* The test device: first page above TD memory, through the shared alias. */
	volatile uint64_t *dev = (volatile uint64_t *)(shared + mem_size);
	uint64_t id = dev[0];
	char ids[9] = "";
	memcpy(ids, &id, 8);
	dev[2] = 0x5ca1ab1e;
	say("MMIO device at GPA 0x%llx: ID \"%s\", version %llu, scratch 0x%llx\n",
	    (unsigned long long)(mem_size | info.shared_bit), ids, (unsigned long long)dev[1],
	    (unsigned long long)dev[2]);

	say("bye: exit port 0x%x <- 0\n", EXIT_PORT);
	finish(0);
}

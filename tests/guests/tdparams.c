/* tdparams: what the host put in TD_PARAMS, as the guest sees it with the
 * real TDCALL: XFAM and the three 48-byte registers through TDG.VM.RD, and
 * the same values in a TDREPORT (TDINFO: XFAM at 520, MRCONFIGID 576,
 * MROWNER 624, MROWNERCONFIG 672; tdx-abi.md 9.2); then a TDG.SYS.RDALL. */
#include <string.h>

#include "guest.h"

#define PAGE   0x100000ull
#define REPDATA (PAGE + 0x080)
#define REPORT  (PAGE + 0x400)

static void hex(const char *name, const uint8_t *b, size_t n)
{
	printf("%s=", name);
	for (size_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	printf("\n");
}

int main(void)
{
	struct g_env e;
	struct g_regs r;
	static const struct { const char *name; uint64_t id; unsigned off; } mr[] = {
		{ "mrconfigid", 0x1310000300000010ull, 576 },
		{ "mrowner", 0x1310000300000018ull, 624 },
		{ "mrownerconfig", 0x1310000300000020ull, 672 },
	};

	if (g_env(&e))
		return 1;
	if (g_leaf(7, 0, 0x1110000300000001ull, 0, &r))	/* TDG.VM.RD XFAM */
		return printf("vm.rd xfam: 0x%llx\n", (unsigned long long)r.rax), 1;
	printf("xfam=0x%llx\n", (unsigned long long)r.r8);
	for (unsigned m = 0; m < 3; m++) {
		uint8_t b[48];
		for (unsigned i = 0; i < 6; i++) {
			if (g_leaf(7, 0, mr[m].id + i, 0, &r))
				return printf("vm.rd %s: 0x%llx\n", mr[m].name, (unsigned long long)r.rax), 1;
			memcpy(b + 8 * i, &r.r8, 8);	/* element i = bytes 8i..8i+7, LE */
		}
		hex(mr[m].name, b, 48);
	}
	if (g_leaf(6, PAGE, 0, 0, NULL) || g_leaf(4, REPORT, REPDATA, 0, NULL))
		return printf("accept/report failed\n"), 1;
	const uint8_t *rep = e.priv + REPORT;
	uint64_t x;
	memcpy(&x, rep + 520, 8);
	printf("report_xfam=0x%llx\n", (unsigned long long)x);
	for (unsigned m = 0; m < 3; m++) {
		char n[32];
		snprintf(n, sizeof(n), "report_%s", mr[m].name);
		hex(n, rep + mr[m].off, 48);
	}
	/* TDG.SYS.RDALL into another accepted page: its list header. */
	const uint64_t list = PAGE + 0x1000;
	if (g_leaf(6, list, 0, 0, NULL))
		return printf("accept failed\n"), 1;
	uint64_t st = g_leaf(12, 0, list, ~0ull, &r);
	uint64_t hdr;
	memcpy(&hdr, e.priv + list, 8);
	printf("rdall=0x%llx next=0x%llx header=0x%llx\n", (unsigned long long)st,
	       (unsigned long long)r.r8, (unsigned long long)hdr);
	return 0;
}

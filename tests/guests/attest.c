/* attest: accept memory, extend an RTMR and fetch a TDREPORT, with the real
 * TDCALL instruction; prints RTMR[2] from the report for the test to check. */
#include <string.h>

#include "guest.h"

#define PAGE      0x100000ull	/* the accepted 4 KiB page */
#define DIGEST    (PAGE + 0x000)	/* 48 bytes, 64-byte aligned */
#define REPDATA   (PAGE + 0x080)	/* 64 bytes, 64-byte aligned */
#define REPORT    (PAGE + 0x400)	/* 1024 bytes, 1024-byte aligned */

static int check(const char *what, uint64_t st)
{
	printf("%s: 0x%016llx\n", what, (unsigned long long)st);
	return st != 0;
}

int main(void)
{
	struct g_env e;
	struct g_regs r;
	int bad = 0;

	if (g_env(&e))
		return 1;
	bad |= check("vp_info", g_leaf(1, 0, 0, 0, &r));
	printf("gpaw=%llu\n", (unsigned long long)r.rcx);
	bad |= check("accept", g_leaf(6, PAGE | 0, 0, 0, NULL));
	if (bad)
		return 1;

	uint8_t *p = e.priv + PAGE;	/* reachable now that it is accepted */
	for (int i = 0; i < 4096; i++)
		if (p[i]) {
			printf("accepted page not zero at %d\n", i);
			return 1;
		}
	memset(p + DIGEST - PAGE, 0x11, 48);
	memset(p + REPDATA - PAGE, 0, 64);
	strcpy((char *)p + REPDATA - PAGE, "tdxkit attest test");

	bad |= check("rtmr_extend", g_leaf(2, DIGEST, 2, 0, NULL));
	bad |= check("report", g_leaf(4, REPORT, REPDATA, 0, NULL));
	if (bad)
		return 1;

	const uint8_t *rep = p + REPORT - PAGE;
	printf("report_type=0x%02x\n", rep[0]);
	printf("reportdata=%s\n", (const char *)rep + 128);
	printf("rtmr2=");
	for (int i = 0; i < 48; i++)
		printf("%02x", rep[512 + 208 + 2 * 48 + i]);
	printf("\nattest: ok\n");
	return rep[0] == 0x81 ? 0 : 1;
}

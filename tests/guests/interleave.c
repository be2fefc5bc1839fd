/* interleave [STRIDE]: accept every other 4 KiB page of all TD memory
 * (TDG.MEM.PAGE.ACCEPT at 4 KiB; under --sept 2m each first accept in a
 * 2 MiB leaf makes the host demote it), then write and read back every
 * accepted page through the private window: the most fragmented page-state
 * map there is, which an mprotect window needs one kernel mapping per page
 * for. STRIDE (in pages, default 2) spaces the accepted pages. Prints
 * "accepted N touched N" and exits 0. */
#include <string.h>

#include "guest.h"

#define TDG_MEM_PAGE_ACCEPT 6

int main(int argc, char **argv)
{
	struct g_env e;
	uint64_t stride = argc > 1 ? strtoull(argv[1], NULL, 0) : 2, accepted = 0, touched = 0;

	if (g_env(&e) || !stride)
		return 1;
	for (uint64_t gpa = 0; gpa < e.size; gpa += stride * 4096) {
		uint64_t st = g_leaf(TDG_MEM_PAGE_ACCEPT, gpa, 0, 0, NULL);
		if (st) {
			printf("accept 0x%llx: status 0x%llx\n", (unsigned long long)gpa,
			       (unsigned long long)st);
			return 2;
		}
		accepted++;
	}
	for (uint64_t gpa = 0; gpa < e.size; gpa += stride * 4096) {
		volatile uint64_t *p = (volatile uint64_t *)(e.priv + gpa);
		*p = gpa ^ 0x5A5A5A5A;
		touched += *p == (gpa ^ 0x5A5A5A5A);
	}
	printf("accepted %llu touched %llu\n", (unsigned long long)accepted,
	       (unsigned long long)touched);
	return touched == accepted ? 0 : 3;
}

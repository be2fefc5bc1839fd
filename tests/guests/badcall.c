/* badcall: TDCALLs the module must refuse; prints each status so the test
 * can compare it with the ABI. The program itself must keep running. */
#include "guest.h"

static void show(const char *what, uint64_t st)
{
	printf("%s 0x%016llx\n", what, (unsigned long long)st);
}

int main(void)
{
	struct g_env e;
	struct g_regs r;

	if (g_env(&e))
		return 1;
	g_leaf(1, 0, 0, 0, &r);
	uint64_t shared_bit = 1ull << (r.rcx - 1);

	show("unknown_leaf", g_leaf(200, 0, 0, 0, NULL));
	show("bad_version", g_leaf(1 | (1u << 16), 0, 0, 0, NULL));
	show("vmcall_bad_mask", g_leaf(0, 1, 0, 0, NULL));
	show("accept_shared", g_leaf(6, shared_bit | 0x100000, 0, 0, NULL));
	show("accept_level3", g_leaf(6, 0x100000 | 3, 0, 0, NULL));
	show("accept", g_leaf(6, 0x100000, 0, 0, NULL));
	show("accept_again", g_leaf(6, 0x100000, 0, 0, NULL));
	show("rtmr_misaligned", g_leaf(2, 0x100010, 0, 0, NULL));
	show("rtmr_bad_index", g_leaf(2, 0x100000, 4, 0, NULL));
	show("report_subtype", g_leaf(4, 0x100400, 0x100000, 1, NULL));
	printf("badcall: done\n");
	return 0;
}

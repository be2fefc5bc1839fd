/* touch MODE: memory accesses the engine must catch (or must not):
 *   pending-write / pending-read  GPA 0x300000, never accepted
 *   shared-alias                  an accepted page read through the shared alias
 *   report-pending                MR.REPORT into a never-accepted page
 *   outside                       an ordinary bad pointer (a normal crash)
 *   ud2                           a genuine illegal instruction
 *   accept-pointer                TDG.MEM.PAGE.ACCEPT given a pointer, not a GPA
 * Prints the RIP of the faulting instruction first. */
#include <string.h>

#include "guest.h"

/* Out-of-line so that the faulting RIP is a known symbol. */
__asm__(".text\n"
	".globl touch_store\n.type touch_store,@function\n"
	"touch_store:\n\tmovb $1, (%rdi)\n\tret\n"
	".globl touch_load\n.type touch_load,@function\n"
	"touch_load:\n\tmovzbl (%rdi), %eax\n\tret\n"
	".globl touch_ud2\n.type touch_ud2,@function\n"
	"touch_ud2:\n\tud2\n\tret\n");
void touch_store(volatile void *p);
int touch_load(volatile const void *p);
void touch_ud2(void);

static void rip(void (*fn)(void))
{
	printf("rip=%p\n", (void *)fn);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct g_env e;
	const char *mode = argc > 1 ? argv[1] : "";

	if (g_env(&e))
		return 1;
	if (!strcmp(mode, "pending-write")) {
		rip((void (*)(void))touch_store);
		touch_store(e.priv + 0x300000);
	} else if (!strcmp(mode, "pending-read")) {
		rip((void (*)(void))touch_load);
		touch_load(e.priv + 0x300000);
	} else if (!strcmp(mode, "shared-alias")) {
		if (g_leaf(6, 0x100000, 0, 0, NULL))
			return 1;
		touch_store(e.priv + 0x100000);	/* fine: the private alias */
		rip((void (*)(void))touch_load);
		touch_load(e.shared + 0x100000);
	} else if (!strcmp(mode, "report-pending")) {
		uint64_t st = g_leaf(4, 0x300000, 0x300400, 0, NULL);
		printf("report into a pending page returned 0x%llx\n", (unsigned long long)st);
	} else if (!strcmp(mode, "outside")) {
		rip((void (*)(void))touch_store);
		touch_store((void *)16);
	} else if (!strcmp(mode, "ud2")) {
		rip(touch_ud2);
		touch_ud2();
	} else if (!strcmp(mode, "accept-pointer")) {
		/* The classic mistake: the buffer's address where its GPA goes. */
		static char buf[8192];
		uintptr_t page = ((uintptr_t)buf + 4095) & ~(uintptr_t)4095;
		printf("pointer=0x%llx\n", (unsigned long long)page);
		fflush(stdout);
		g_leaf(6, page, 0, 0, NULL);
	} else {
		fprintf(stderr, "touch: unknown mode '%s'\n", mode);
		return 2;
	}
	printf("touch: survived\n");
	return 0;
}

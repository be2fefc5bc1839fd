/* static_libc [MODE]: a statically linked program (no dynamic loader, so
 * only the isolated engine can run it; tdx-run picks it by itself).
 *   (none)   TDG.VP.INFO with a raw TDCALL: "VP.INFO status 0x0 gpaw 48"
 *   threads  four threads, each TDG.VP.INFO at once: "vcpus distinct 4"
 *   ve       registers a #VE handler with tdxkit's TDVMCALL (no dynamic
 *            linker: tdx_ve_register() finds the engine that way) and runs
 *            100 OUTs through it: "ve 100"
 *   maps     what of tdxkit its address space holds: "tdxkit mappings N"
 *            and whether LD_PRELOAD is set */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/run.h"

static uint64_t vp_info(uint64_t *rcx, uint64_t *r9)
{
	uint64_t rax = 1, c = 0, d, r8v, r9v;
	register uint64_t r8 __asm__("r8"), r9r __asm__("r9");
	__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(rax), "+c"(c), "=d"(d), "=r"(r8), "=r"(r9r)
			 :
			 : "r10", "r11", "memory");
	r8v = r8;
	r9v = r9r;
	(void)d, (void)r8v;
	if (rcx)
		*rcx = c;
	if (r9)
		*r9 = r9v;
	return rax;
}

static pthread_barrier_t all;
static uint64_t idx[4];

static void *info_thread(void *arg)
{
	vp_info(NULL, &idx[(uintptr_t)arg]);
	pthread_barrier_wait(&all);	/* all bound at once */
	return NULL;
}

static volatile unsigned ves;

static void on_ve(struct tdx_ve_frame *f)
{
	/* TDG.VP.VEINFO.GET (leaf 3): RCX = exit reason, R10 = length. */
	uint64_t rax = 3, rcx, r10v;
	register uint64_t r10 __asm__("r10");
	__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(rax), "=c"(rcx), "=r"(r10)
			 :
			 : "rdx", "r8", "r9", "memory");
	r10v = r10;
	if (rax == 0 && (uint32_t)rcx == 30)
		ves++;
	f->rip += (uint32_t)r10v;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "threads")) {
		pthread_t t[4];
		uint64_t seen = 0;
		unsigned distinct = 0;
		pthread_barrier_init(&all, NULL, 4);
		for (uintptr_t i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, info_thread, (void *)i);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		for (int i = 0; i < 4; i++) {
			distinct += !(seen >> (idx[i] & 63) & 1);
			seen |= 1ull << (idx[i] & 63);
		}
		printf("vcpus distinct %u\n", distinct);
		return 0;
	}
	if (!strcmp(mode, "ve")) {
		if (tdx_ve_register(on_ve)) {
			printf("ve: no engine took the handler\n");
			return 1;
		}
		for (int i = 0; i < 100; i++)
			__asm__ volatile("outb %%al, $0x80" : : "a"(i));
		printf("ve %u\n", ves);
		return 0;
	}
	if (!strcmp(mode, "maps")) {
		FILE *f = fopen("/proc/self/maps", "r");
		char line[512];
		int n = 0;
		while (f && fgets(line, sizeof(line), f))
			if (strstr(line, "tdxkit")) {
				n++;
				fputs(line, stdout);
			}
		if (f)
			fclose(f);
		printf("tdxkit mappings %d ld_preload %s\n", n, getenv("LD_PRELOAD") ? "set" : "unset");
		return 0;
	}
	uint64_t gpaw;
	uint64_t st = vp_info(&gpaw, NULL);
	printf("VP.INFO status 0x%llx gpaw %llu\n", (unsigned long long)st, (unsigned long long)gpaw);
	return st != 0;
}

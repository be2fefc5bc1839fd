/* guest.h: what the tdx-run test programs share: a raw TDCALL (the real
 * instruction, no library) and the tdx-run program contract. */
#ifndef TDXKIT_TEST_GUEST_H
#define TDXKIT_TEST_GUEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The registers of one TDCALL; unused ones go in as 0. */
struct g_regs {
	uint64_t rax, rcx, rdx, r8, r9, r10, r11, r12, r13, r14, r15;
};

static inline void g_tdcall(struct g_regs *r)
{
	register uint64_t r8 __asm__("r8") = r->r8;
	register uint64_t r9 __asm__("r9") = r->r9;
	register uint64_t r10 __asm__("r10") = r->r10;
	register uint64_t r11 __asm__("r11") = r->r11;
	register uint64_t r12 __asm__("r12") = r->r12;
	register uint64_t r13 __asm__("r13") = r->r13;
	register uint64_t r14 __asm__("r14") = r->r14;
	register uint64_t r15 __asm__("r15") = r->r15;

	__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(r->rax), "+c"(r->rcx), "+d"(r->rdx), "+r"(r8), "+r"(r9),
			   "+r"(r10), "+r"(r11), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
			 :
			 : "memory");
	r->r8 = r8; r->r9 = r9; r->r10 = r10; r->r11 = r11;
	r->r12 = r12; r->r13 = r13; r->r14 = r14; r->r15 = r15;
}

/* One leaf with up to three inputs; returns RAX (the status). */
static inline uint64_t g_leaf(uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8,
			      struct g_regs *out)
{
	struct g_regs r = { .rax = rax, .rcx = rcx, .rdx = rdx, .r8 = r8 };
	g_tdcall(&r);
	if (out)
		*out = r;
	return r.rax;
}

/* The contract: where GPA 0 is through each alias, and the memory size. */
struct g_env {
	uint8_t *priv, *shared;
	uint64_t size;
};

static inline int g_env(struct g_env *e)
{
	const char *p = getenv("TDXKIT_PRIVATE_BASE");
	const char *s = getenv("TDXKIT_SHARED_BASE");
	const char *n = getenv("TDXKIT_MEM_SIZE");

	if (!p || !s || !n) {
		fprintf(stderr, "guest: not running under tdx-run (TDXKIT_* variables missing)\n");
		return -1;
	}
	e->priv = (uint8_t *)(uintptr_t)strtoull(p, NULL, 16);
	e->shared = (uint8_t *)(uintptr_t)strtoull(s, NULL, 16);
	e->size = strtoull(n, NULL, 16);
	return 0;
}

#endif

/* hint.c: a GPA operand that looks like a pointer. New TD programmers pass
 * the address of their buffer where the TDCALL wants its GPA; when the
 * value lies in a mapping of this process and far beyond TD memory, the
 * diagnostic says what a GPA is. msync(2) on the page tells whether it is
 * mapped without touching it (ENOMEM: it is not). */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>

#include "trap_int.h"

void tdx_trap_hint_gpa(struct tdx_line *l, uint64_t gpa)
{
	const struct tdx_trap_state *g = &tdx_trap_g;
	uint64_t off = gpa & ~g->shared_bit;

	if (off < g->win.size || gpa < (1ull << 32))
		return;	/* in TD memory, or too small to be a user pointer */
	int e = errno;
	int mapped = msync((void *)(uintptr_t)(gpa & ~0xFFFull), 4096, MS_ASYNC) == 0;
	errno = e;
	if (!mapped)
		return;
	tdx_line_str(l, "; ");
	tdx_line_hex(l, gpa);
	tdx_line_str(l, " is an address of the program's own memory, not a GPA: a GPA is the "
			"offset from TDXKIT_PRIVATE_BASE (");
	tdx_line_hex(l, (uint64_t)(uintptr_t)g->win.private_base);
	tdx_line_str(l, ")");
}

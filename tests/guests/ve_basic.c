/* ve_basic MODE: a program with a #VE handler, registered through the weak
 * tdxkit_ve_register (tdx_ve_register() in trap.h), as under tdx-run.
 *   all       IO, HLT, RDMSR/WRMSR, a PENDING-page touch (run with
 *             TDXKIT_RUN_ATTRIBUTES=0), an MMIO read; one line each
 *   noreg     OUT without registering a handler
 *   pending   the PENDING-page touch alone
 *   register  only report what registering returned
 * The handler records and emulates; main() prints (no stdio in a handler). */
#include <string.h>

#include "tdxkit/trap.h"
#include "guest.h"
#include "ve_insn.h"

static struct g_regs info;	/* the last TDG.VP.VEINFO.GET */
static uint64_t rip, accept_status, shared_bit;
static int count;

static void handler(struct tdx_ve_frame *f)
{
	struct g_regs r = { .rax = 3 };	/* TDG.VP.VEINFO.GET */
	g_tdcall(&r);
	info = r;
	rip = f->rip;
	count++;
	uint32_t len = (uint32_t)r.r10;

	switch (r.rcx & 0xFFFF) {
	case 30:	/* IO: IN returns 0xAB.. in `size` bytes of RAX */
		if (r.rdx & 8) {
			unsigned size = (unsigned)(r.rdx & 7) + 1;
			uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1;
			f->rax = size == 4 ? 0xABABABABull : (f->rax & ~mask) | (0xABABABABull & mask);
		}
		f->rip += len;
		break;
	case 31:
		f->rax = 0x9ABCDEF0;
		f->rdx = 0x12345678;
		f->rip += len;
		break;
	case 12:
	case 32:
		f->rip += len;
		break;
	case 48:
		if (r.r9 & shared_bit) {	/* MMIO read: the 2-byte mov of ve_load */
			f->rax = 0xD00DF00D;
			f->rip += 2;
		} else {			/* PENDING: accept and retry */
			accept_status = g_leaf(6, r.r9 & ~0xFFFull, 0, 0, NULL);
		}
		break;
	}
}

static void report(const char *what, const void *insn)
{
	printf("%s: count=%d status=0x%llx reason=%llu qual=0x%llx gla_ok=%d gpa=0x%llx "
	       "len=0x%llx rip_ok=%d\n", what, count, (unsigned long long)info.rax,
	       (unsigned long long)info.rcx, (unsigned long long)info.rdx,
	       info.r8 == 0 || insn == NULL, (unsigned long long)info.r9,
	       (unsigned long long)info.r10, insn == NULL || rip == (uint64_t)(uintptr_t)insn);
}

int main(int argc, char **argv)
{
	struct g_env e;
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "register")) {
		printf("register: %d\n", tdx_ve_register(handler));
		return 0;
	}
	if (g_env(&e))
		return 1;
	struct g_regs vi;
	g_leaf(1, 0, 0, 0, &vi);	/* TDG.VP.INFO: GPAW gives the shared bit */
	shared_bit = 1ull << ((vi.rcx & 0x3F) - 1);

	if (!strcmp(mode, "noreg")) {
		ve_outb(1);
		printf("survived\n");
		return 0;
	}
	if (tdx_ve_register(handler)) {
		fprintf(stderr, "ve_basic: tdx_ve_register failed\n");
		return 1;
	}
	if (!strcmp(mode, "pending")) {
		ve_store(e.priv + 0x300000, 7);
		printf("survived\n");
		return 0;
	}
	if (strcmp(mode, "all")) {
		fprintf(stderr, "ve_basic: unknown mode '%s'\n", mode);
		return 2;
	}

	ve_outb(0x42);
	report("outb", ve_outb_insn);
	printf("inb -> 0x%x\n", ve_inb());
	report("inb", ve_inb_insn);
	printf("inw -> 0x%x\n", ve_inw(0x1F0));
	report("inw", ve_inw_insn);
	ve_hlt();
	report("hlt", ve_hlt_insn);
	printf("rdmsr -> 0x%llx\n", (unsigned long long)ve_rdmsr(0x1B));
	report("rdmsr", ve_rdmsr_insn);
	ve_wrmsr(0x1B, 1);
	report("wrmsr", ve_wrmsr_insn);

	volatile uint8_t *p = e.priv + 0x300040;
	ve_store(p, 0xC0FFEE);
	printf("pending: accept=0x%llx gla_ok=%d value=0x%x\n", (unsigned long long)accept_status,
	       info.r8 == (uint64_t)(uintptr_t)p, *(volatile uint32_t *)p);
	report("pending", NULL);

	printf("mmio -> 0x%x\n", ve_load(e.shared + 0x400000));
	report("mmio", NULL);
	printf("ve_basic: done\n");
	return 0;
}

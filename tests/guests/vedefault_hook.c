/* vedefault_hook: the default #VE handler with the program's own error
 * hook (a strong tdx_ve_unhandled, tdxkit/ve.h): it records what the
 * handler could not do and skips the instruction, so every event is
 * reported on one line by main() (no stdio in the handler):
 *   "<event>: unhandled=N err=<name> status=0x..."
 * Events: outb to the UART, inb, hlt, rdmsr, wrmsr, an MMIO load through the
 * shared alias, rep outsb (always declined: string IO). */
#include <string.h>

#include "tdxkit/ve.h"
#include "guest.h"

static unsigned unhandled;
static enum tdx_ve_error last_err;
static uint64_t last_status;

void tdx_ve_unhandled(struct tdx_ve_frame *f, const struct tdx_ve *ve, enum tdx_ve_error err,
		      uint64_t status)
{
	struct tdx_ve_mmio_insn in;

	unhandled++;
	last_err = err;
	last_status = status;
	/* VE_INFO's length is defined for instruction #VEs only (4.2). */
	if (ve->instr_len)
		f->rip += ve->instr_len;
	else if (tdx_ve_mmio_decode((const uint8_t *)(uintptr_t)f->rip, 15, &in) == 0)
		f->rip += in.len;
}

static void report(const char *what)
{
	printf("%s: unhandled=%u err=%s status=0x%llx\n", what, unhandled,
	       unhandled ? tdx_ve_error_name(last_err) : "none", (unsigned long long)last_status);
	unhandled = 0;
	last_status = 0;
}

int main(void)
{
	struct g_env e;
	uint64_t rax = 0x1122334455667788ull;
	uint32_t lo, hi;

	if (g_env(&e) || tdx_ve_install_default())
		return 1;
	fflush(stdout);
	__asm__ volatile("outb %b0, %w1" : : "a"('!'), "Nd"((uint16_t)0x3F8));
	report("outb");
	__asm__ volatile("inb $0x71, %b0" : "+a"(rax));
	report("inb");
	printf("inb -> 0x%llx\n", (unsigned long long)rax);
	__asm__ volatile("hlt");
	report("hlt");
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1B), "a"(0), "d"(0));
	report("rdmsr");
	__asm__ volatile("wrmsr" : : "c"(0x1B), "a"(lo), "d"(hi));
	report("wrmsr");
	uint32_t v;
	__asm__ volatile("movl (%1), %0" : "=a"(v) : "D"(e.shared + 0x400000) : "memory");
	report("mmio");
	uint64_t rcx = 2;
	const char *src = "ab";
	__asm__ volatile("rep outsb" : "+c"(rcx), "+S"(src) : "d"(0x3F8) : "memory");
	report("outsb");
	printf("vedefault_hook: done\n");
	return 0;
}

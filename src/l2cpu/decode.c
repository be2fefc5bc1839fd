/* decode.c: classify the instructions whose VM exits need information
 * Unicorn does not give (I/O string/REP/immediate bits, lengths of
 * #UD-raising TDCALL/VMCALL, RDMSR/WRMSR/RDTSC spotted before they run):
 * docs/l2-engine.md Q2 "decode prefixes and opcode". 64-bit mode only. */
#include <string.h>

#include "l2cpu.h"

static int seg_of(uint8_t b)
{
	switch (b) {
	case 0x26: return 0;
	case 0x2E: return 1;
	case 0x36: return 2;
	case 0x3E: return 3;
	case 0x64: return 4;
	case 0x65: return 5;
	default: return -1;
	}
}

void l2_decode(const uint8_t *b, size_t n, struct l2_insn *d)
{
	size_t i = 0;

	memset(d, 0, sizeof(*d));
	d->seg = -1;
	for (; i < n && i < 14; i++) {
		uint8_t c = b[i];
		if (c == 0xF3 || c == 0xF2)
			d->rep = 1;
		else if (c == 0x66)
			d->opsize16 = 1;
		else if (c == 0x67)
			d->addr32 = 1;
		else if (c == 0xF0)
			;
		else if (seg_of(c) >= 0)
			d->seg = seg_of(c);
		else
			break;
	}
	if (i < n && (b[i] & 0xF0) == 0x40)	/* REX, last before the opcode */
		i++;
	d->prefixes = (unsigned)i;
	for (unsigned k = 0; k < 3 && i + k < n; k++)
		d->op[k] = b[i + k];
	if (i >= n)
		return;
	uint8_t o = d->op[0];
	if (o == 0xE4 || o == 0xE5 || o == 0xE6 || o == 0xE7 || o == 0xCD)
		d->len = (unsigned)i + 2;
	else if ((o >= 0xEC && o <= 0xEF) || (o >= 0x6C && o <= 0x6F) || o == 0xF4 ||
		 o == 0xCC || o == 0xCE || o == 0xF1)
		d->len = (unsigned)i + 1;
	else if (o == 0x0F && (d->op[1] == 0x30 || d->op[1] == 0x31 || d->op[1] == 0x32 ||
			       d->op[1] == 0x0B))
		d->len = (unsigned)i + 2;
	else if (o == 0x0F && d->op[1] == 0x01 && d->op[2] >= 0xC0)
		d->len = (unsigned)i + 3;
}

/* decode.c: the instructions whose VM exits need what Unicorn does not say
 * (I/O string/REP/immediate bits and address size, lengths of the #UD
 * raising TDCALL/VMCALL, RDMSR/WRMSR/RDTSC spotted before they run),
 * decoded with Zydis (docs/l2-engine.md Q2). 64-bit mode only; no operand
 * decoding, which the exits do not need. */
#include <string.h>
#include <Zydis/Zydis.h>

#include "l2cpu.h"

static int segment(ZydisInstructionAttributes a)
{
	static const struct { ZydisInstructionAttributes attr; int seg; } segs[] = {
		{ ZYDIS_ATTRIB_HAS_SEGMENT_ES, 0 }, { ZYDIS_ATTRIB_HAS_SEGMENT_CS, 1 },
		{ ZYDIS_ATTRIB_HAS_SEGMENT_SS, 2 }, { ZYDIS_ATTRIB_HAS_SEGMENT_DS, 3 },
		{ ZYDIS_ATTRIB_HAS_SEGMENT_FS, 4 }, { ZYDIS_ATTRIB_HAS_SEGMENT_GS, 5 },
	};
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++)
		if (a & segs[i].attr)
			return segs[i].seg;
	return -1;
}

void l2_decode(const uint8_t *b, size_t n, struct l2_insn *d)
{
	ZydisDecoder dec;
	ZydisDecoderContext ctx;
	ZydisDecodedInstruction ins;

	memset(d, 0, sizeof(*d));
	d->seg = -1;
	if (!ZYAN_SUCCESS(ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)) ||
	    !ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&dec, &ctx, b, n, &ins)))
		return;	/* len 0: not an instruction */
	d->len = ins.length;
	d->mnemonic = ins.mnemonic;
	d->rep = (ins.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE |
				    ZYDIS_ATTRIB_HAS_REPNE)) != 0;
	d->addr32 = ins.address_width == 32;
	d->imm = ins.raw.imm[0].size != 0;
	d->seg = segment(ins.attributes);
}

/* insn.c: the instructions that fault with #GP in user mode but are a #VE
 * in a TD (tdx-abi.md 4.1): IO, HLT, RDMSR, WRMSR. Decoded with Zydis,
 * which needs no heap, so this is safe in the SIGSEGV handler. */
#define _GNU_SOURCE /* REG_* names of ucontext_t */
#include <Zydis/Zydis.h>

#include "trap_int.h"

/* VMX exit qualification of an IO exit (SDM 28.2.1 table 28-5; 4.2). */
#define IOQ_IN     (1u << 3)
#define IOQ_STRING (1u << 4)
#define IOQ_REP    (1u << 5)
#define IOQ_IMM    (1u << 6)	/* port in the instruction, not in DX */

static unsigned data_size(ZydisRegister r)
{
	switch (r) {
	case ZYDIS_REGISTER_AL: return 1;
	case ZYDIS_REGISTER_AX: return 2;
	case ZYDIS_REGISTER_EAX: return 4;
	default: return 0;
	}
}

/* VM-exit instruction information for INS/OUTS (SDM table 28-8): bits 9:7
 * address size (0 16-bit, 1 32-bit, 2 64-bit), bits 17:15 segment of
 * OUTS's source (ES 0, CS 1, SS 2, DS 3, FS 4, GS 5; DS unless overridden). */
static uint32_t string_info(const ZydisDecodedInstruction *in, int is_out)
{
	uint32_t asz = in->address_width == 64 ? 2 : in->address_width == 32 ? 1 : 0;
	uint32_t seg = 3;
	static const struct { ZyanU64 attr; uint32_t seg; } ov[] = {
		{ ZYDIS_ATTRIB_HAS_SEGMENT_ES, 0 }, { ZYDIS_ATTRIB_HAS_SEGMENT_CS, 1 },
		{ ZYDIS_ATTRIB_HAS_SEGMENT_SS, 2 }, { ZYDIS_ATTRIB_HAS_SEGMENT_FS, 4 },
		{ ZYDIS_ATTRIB_HAS_SEGMENT_GS, 5 },
	};
	for (unsigned i = 0; is_out && i < sizeof(ov) / sizeof(ov[0]); i++)
		if (in->attributes & ov[i].attr)
			seg = ov[i].seg;
	return asz << 7 | (is_out ? seg << 15 : 0);
}

static int decode(const uint8_t *ip, ZydisDecodedInstruction *in,
		  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT])
{
	ZydisDecoder d;
	/* Read no further than the page of RIP unless the instruction needs
	 * it, and then only a mapped next page (a real fault's instruction was
	 * fetched whole; a context handed to the classifier may be anything). */
	size_t avail = 4096 - ((uintptr_t)ip & 4095);

	ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZyanStatus s = ZydisDecoderDecodeFull(&d, ip, avail < 15 ? avail : 15, in, ops);
	if (s == ZYDIS_STATUS_NO_MORE_DATA && avail < 15 && tdx_trap_page_mapped(ip + avail))
		s = ZydisDecoderDecodeFull(&d, ip, 15, in, ops);
	return ZYAN_SUCCESS(s) ? 0 : -1;
}

int tdx_trap_decode_ve_insn(const ucontext_t *uc, struct tdx_ve_event *ev, const char **name)
{
	const uint8_t *ip = (const uint8_t *)uc->uc_mcontext.gregs[REG_RIP];
	ZydisDecodedInstruction in;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	unsigned size = 0, port = (unsigned)uc->uc_mcontext.gregs[REG_RDX] & 0xFFFF;
	uint32_t q = 0;

	if (decode(ip, &in, ops))
		return -1;
	ev->exit_qual = ev->gla = ev->gpa = 0;
	ev->instr_len = in.length;
	ev->instr_info = 0;

	switch (in.mnemonic) {
	case ZYDIS_MNEMONIC_HLT:
		ev->exit_reason = TDX_EXIT_HLT;
		*name = "HLT";
		return 0;
	case ZYDIS_MNEMONIC_RDMSR:
		ev->exit_reason = TDX_EXIT_RDMSR;
		*name = "RDMSR";
		return 0;
	case ZYDIS_MNEMONIC_WRMSR:
		ev->exit_reason = TDX_EXIT_WRMSR;
		*name = "WRMSR";
		return 0;
	case ZYDIS_MNEMONIC_IN:
		q = IOQ_IN;
		*name = "IN";
		break;
	case ZYDIS_MNEMONIC_OUT:
		*name = "OUT";
		break;
	case ZYDIS_MNEMONIC_INSB: size = 1; q = IOQ_IN | IOQ_STRING; *name = "INS"; break;
	case ZYDIS_MNEMONIC_INSW: size = 2; q = IOQ_IN | IOQ_STRING; *name = "INS"; break;
	case ZYDIS_MNEMONIC_INSD: size = 4; q = IOQ_IN | IOQ_STRING; *name = "INS"; break;
	case ZYDIS_MNEMONIC_OUTSB: size = 1; q = IOQ_STRING; *name = "OUTS"; break;
	case ZYDIS_MNEMONIC_OUTSW: size = 2; q = IOQ_STRING; *name = "OUTS"; break;
	case ZYDIS_MNEMONIC_OUTSD: size = 4; q = IOQ_STRING; *name = "OUTS"; break;
	default:
		return -1;
	}

	/* IN/OUT: the data register gives the size, an immediate the port. */
	for (unsigned i = 0; i < in.operand_count_visible; i++) {
		if (ops[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
			port = (unsigned)ops[i].imm.value.u & 0xFF;
			q |= IOQ_IMM;
		} else if (ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER && data_size(ops[i].reg.value)) {
			size = data_size(ops[i].reg.value);
		}
	}
	if (!size)
		return -1;
	if (q & IOQ_STRING) {
		if (in.attributes & ZYDIS_ATTRIB_HAS_REP)
			q |= IOQ_REP;
		ev->instr_info = string_info(&in, !(q & IOQ_IN));
	}
	ev->exit_reason = TDX_EXIT_IO_INSTRUCTION;
	ev->exit_qual = (uint64_t)(size - 1) | q | (uint64_t)port << 16;
	return 0;
}

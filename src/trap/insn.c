/* insn.c: the instructions that fault with #GP in user mode but are a #VE
 * in a TD (tdx-abi.md 4.1): IO, HLT, RDMSR, WRMSR. Decoded with Zydis,
 * which needs no heap, so this is safe in the SIGSEGV handler. */
#define _GNU_SOURCE /* REG_* names of ucontext_t */
#include <Zydis/Zydis.h>

#include "trap_int.h"

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

static int decode(const uint8_t *ip, size_t avail, ZydisDecodedInstruction *in,
		  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT])
{
	ZydisDecoder d;

	ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	return ZYAN_SUCCESS(ZydisDecoderDecodeFull(&d, ip, avail, in, ops)) ? 0 : -1;
}

int tdx_trap_decode_ve_insn(const ucontext_t *uc, struct tdx_ve_event *ev, const char **name)
{
	uint8_t b[TDX_TRAP_INSN_MAX];
	size_t n = tdx_trap_fetch((const uint8_t *)uc->uc_mcontext.gregs[REG_RIP], b);

	return tdx_trap_decode_ve_bytes(b, n, (uint64_t)uc->uc_mcontext.gregs[REG_RDX], ev, name);
}

int tdx_trap_decode_ve_bytes(const uint8_t *ip, size_t avail, uint64_t rdx,
			     struct tdx_ve_event *ev, const char **name)
{
	ZydisDecodedInstruction in;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	unsigned size = 0, port = (unsigned)rdx & 0xFFFF;
	uint32_t q = 0;

	if (decode(ip, avail, &in, ops))
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
		q = TDX_IO_QUAL_IN;
		*name = "IN";
		break;
	case ZYDIS_MNEMONIC_OUT:
		*name = "OUT";
		break;
	case ZYDIS_MNEMONIC_INSB: size = 1; q = TDX_IO_QUAL_IN | TDX_IO_QUAL_STRING; *name = "INS"; break;
	case ZYDIS_MNEMONIC_INSW: size = 2; q = TDX_IO_QUAL_IN | TDX_IO_QUAL_STRING; *name = "INS"; break;
	case ZYDIS_MNEMONIC_INSD: size = 4; q = TDX_IO_QUAL_IN | TDX_IO_QUAL_STRING; *name = "INS"; break;
	case ZYDIS_MNEMONIC_OUTSB: size = 1; q = TDX_IO_QUAL_STRING; *name = "OUTS"; break;
	case ZYDIS_MNEMONIC_OUTSW: size = 2; q = TDX_IO_QUAL_STRING; *name = "OUTS"; break;
	case ZYDIS_MNEMONIC_OUTSD: size = 4; q = TDX_IO_QUAL_STRING; *name = "OUTS"; break;
	default:
		return -1;
	}

	/* IN/OUT: the data register gives the size, an immediate the port. */
	for (unsigned i = 0; i < in.operand_count_visible; i++) {
		if (ops[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
			port = (unsigned)ops[i].imm.value.u & 0xFF;
			q |= TDX_IO_QUAL_IMM;
		} else if (ops[i].type == ZYDIS_OPERAND_TYPE_REGISTER && data_size(ops[i].reg.value)) {
			size = data_size(ops[i].reg.value);
		}
	}
	if (!size)
		return -1;
	if (q & TDX_IO_QUAL_STRING) {
		if (in.attributes & ZYDIS_ATTRIB_HAS_REP)
			q |= TDX_IO_QUAL_REP;
		ev->instr_info = string_info(&in, !(q & TDX_IO_QUAL_IN));
	}
	ev->exit_reason = TDX_EXIT_IO_INSTRUCTION;
	ev->exit_qual = TDX_IO_QUAL(size, q, port);	/* tdxkit/abi.h */
	return 0;
}

int tdx_trap_insn_writes(const uint8_t *ip, size_t avail)
{
	ZydisDecodedInstruction in;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];

	if (decode(ip, avail, &in, ops))
		return 0;	/* undecodable: call it a read */
	for (unsigned i = 0; i < in.operand_count; i++)
		if (ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY && ops[i].mem.type != ZYDIS_MEMOP_TYPE_AGEN &&
		    (ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
			return 1;
	return 0;
}

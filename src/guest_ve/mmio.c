/* mmio.c: decode and emulate the instruction behind an MMIO #VE (EPT
 * violation on a shared GPA, tdx-abi.md 4.1). VE_INFO gives the GPA but no
 * usable instruction length or operand (4.2), so the guest decodes the
 * instruction itself, as Linux's handle_mmio does; Zydis does the decoding
 * (no heap, safe in a signal handler). Pure: no TDCALL, no global state, so
 * fuzz/fuzz_mmio_decode.c can drive it directly. */
#include <Zydis/Zydis.h>

#include "tdxkit/abi.h"
#include "tdxkit/ve.h"

#define MAX_INSN 15	/* architectural limit on an x86 instruction */

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* A Zydis GPR to its frame slot (enum tdx_gpr), width and high-byte flag;
 * -1 for anything that is not a general-purpose register. */
static int map_gpr(ZydisRegister r, unsigned *width, bool *high8)
{
	*high8 = false;
	switch (ZydisRegisterGetClass(r)) {
	case ZYDIS_REGCLASS_GPR8: *width = 1; break;
	case ZYDIS_REGCLASS_GPR16: *width = 2; break;
	case ZYDIS_REGCLASS_GPR32: *width = 4; break;
	case ZYDIS_REGCLASS_GPR64: *width = 8; break;
	default: return -1;
	}
	switch (r) {
	case ZYDIS_REGISTER_AH: *high8 = true; return TDX_GPR_RAX;
	case ZYDIS_REGISTER_CH: *high8 = true; return TDX_GPR_RCX;
	case ZYDIS_REGISTER_DH: *high8 = true; return TDX_GPR_RDX;
	case ZYDIS_REGISTER_BH: *high8 = true; return TDX_GPR_RBX;
	default: break;
	}
	ZydisRegister full = ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
	/* Zydis lists RAX..R15 in encoding order, as enum tdx_gpr does. */
	if (full < ZYDIS_REGISTER_RAX || full > ZYDIS_REGISTER_R15)
		return -1;
	return (int)(full - ZYDIS_REGISTER_RAX);
}

int tdx_ve_mmio_decode(const uint8_t *bytes, size_t avail, struct tdx_ve_mmio_insn *out)
{
	ZydisDecoder d;
	ZydisDecodedInstruction in;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];

	*out = (struct tdx_ve_mmio_insn){ .reg = -1 };
	if (!bytes || !avail)
		return TDX_VE_ERR_DECODE;
	if (ZYAN_FAILED(ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)) ||
	    ZYAN_FAILED(ZydisDecoderDecodeFull(&d, bytes, avail < MAX_INSN ? avail : MAX_INSN,
					       &in, ops)))
		return TDX_VE_ERR_DECODE;
	if (in.length == 0 || in.length > MAX_INSN)
		return TDX_VE_ERR_DECODE;

	bool mov = in.mnemonic == ZYDIS_MNEMONIC_MOV;
	bool movzx = in.mnemonic == ZYDIS_MNEMONIC_MOVZX;
	bool movsx = in.mnemonic == ZYDIS_MNEMONIC_MOVSX || in.mnemonic == ZYDIS_MNEMONIC_MOVSXD;
	/* Anything with a LOCK prefix is a read-modify-write (or #UD). */
	if ((!mov && !movzx && !movsx) || in.operand_count_visible != 2 ||
	    (in.attributes & ZYDIS_ATTRIB_HAS_LOCK))
		return TDX_VE_ERR_INSN;

	/* Exactly one plain memory operand (not LEA's AGEN, not VSIB/MIB). */
	int m = ops[0].type == ZYDIS_OPERAND_TYPE_MEMORY ? 0 :
		ops[1].type == ZYDIS_OPERAND_TYPE_MEMORY ? 1 : -1;
	if (m < 0 || ops[m].mem.type != ZYDIS_MEMOP_TYPE_MEM || ops[1 - m].type == ZYDIS_OPERAND_TYPE_MEMORY)
		return TDX_VE_ERR_INSN;
	unsigned size = ops[m].size / 8;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return TDX_VE_ERR_INSN;

	const ZydisDecodedOperand *o = &ops[1 - m];
	out->len = in.length;
	out->size = size;
	out->write = m == 0;
	if (out->write && !mov)
		return TDX_VE_ERR_INSN;	/* MOVZX/MOVSX only load */
	if (o->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
		if (!out->write)
			return TDX_VE_ERR_INSN;
		out->imm = true;
		/* Zydis extends imm32 of a 64-bit MOV to 64 bits (sign). */
		out->value = o->imm.value.u & size_mask(size);
		return 0;
	}
	if (o->type != ZYDIS_OPERAND_TYPE_REGISTER)
		return TDX_VE_ERR_INSN;
	out->reg = map_gpr(o->reg.value, &out->reg_width, &out->high8);
	if (out->reg < 0)
		return TDX_VE_ERR_INSN;	/* segment, control, vector registers */
	if (movzx || movsx) {
		if (out->reg_width < size)
			return TDX_VE_ERR_INSN;
		out->extend = movzx ? 1 : 2;
	} else if (out->reg_width != size) {
		return TDX_VE_ERR_INSN;
	}
	return 0;
}

/* Writes `v` (reg_width bytes) as the CPU writes a GPR of that width: 8 and
 * 16 bits merge, 32 bits zero-extend into the 64-bit register. */
static void reg_write(struct tdx_ve_frame *f, const struct tdx_ve_mmio_insn *in, uint64_t v)
{
	uint64_t *r = &f->gpr[in->reg];

	if (in->high8)
		*r = (*r & ~0xFF00ull) | (v & 0xFF) << 8;
	else if (in->reg_width <= 2)
		*r = (*r & ~size_mask(in->reg_width)) | (v & size_mask(in->reg_width));
	else if (in->reg_width == 4)
		*r = (uint32_t)v;
	else
		*r = v;
}

static uint64_t reg_read(const struct tdx_ve_frame *f, const struct tdx_ve_mmio_insn *in)
{
	uint64_t r = f->gpr[in->reg];
	return in->high8 ? (r >> 8) & 0xFF : r & size_mask(in->size);
}

int tdx_ve_mmio_emulate(const uint8_t *bytes, size_t avail, uint64_t gpa, struct tdx_ve_frame *f,
			tdx_ve_mmio_fn fn, void *ctx, uint64_t *status)
{
	struct tdx_ve_mmio_insn in;
	int err = tdx_ve_mmio_decode(bytes, avail, &in);

	if (status)
		*status = 0;
	if (err)
		return err;
	/* Two pages could be two devices: refused, as Linux does (3.4 notes). */
	if ((gpa & 0xFFF) + in.size > 0x1000)
		return TDX_VE_ERR_CROSS_PAGE;

	uint64_t v = 0;
	if (in.write)
		v = in.imm ? in.value : reg_read(f, &in);
	uint64_t st = fn(ctx, in.write, gpa, in.size, &v);
	if (st) {
		if (status)
			*status = st;
		return TDX_VE_ERR_HOST;
	}
	if (!in.write) {
		v &= size_mask(in.size);
		if (in.extend == 2 && in.size < 8 && (v >> (8 * in.size - 1)) & 1)
			v |= ~size_mask(in.size);	/* MOVSX/MOVSXD: sign-extend */
		reg_write(f, &in, v);
	}
	f->rip += in.len;
	return 0;
}

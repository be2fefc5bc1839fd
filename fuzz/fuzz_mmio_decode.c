/* fuzz_mmio_decode.c: random instruction bytes and a random frame into the
 * default #VE handler's MMIO emulation (tdxkit/ve.h), with a device
 * callback answering from the input. Invariants: no crash or over-read
 * (ASan: the bytes are an exact-size heap copy), a claimed length in 1..15
 * and within the bytes given, at most one device access of the decoded size
 * at the given GPA without crossing a page, a store sends the register or
 * immediate, RIP moves by the length, only the decoded destination register
 * changes (and only on a load), and a refused instruction leaves the frame
 * as it was.
 *
 * Covers: src/guest_ve/mmio.c
 *
 * Seeds (fuzz/gen_corpus.c): every instruction form the decoder takes, and
 * some it refuses, each also with a failing device at a page's end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/ve.h"

struct dev {
	unsigned calls;
	bool write;
	uint64_t gpa, val, answer, status;
	unsigned size;
};

static uint64_t dev_access(void *ctx, bool write, uint64_t gpa, unsigned size, uint64_t *val)
{
	struct dev *d = ctx;

	d->calls++;
	d->write = write;
	d->gpa = gpa;
	d->size = size;
	if (write)
		d->val = *val;
	else
		*val = d->answer;	/* unmasked: the emulator must cut it */
	return d->status;
}

static uint64_t mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Layout: [n] [n instruction bytes] [status, gpa, answer, frame...];
	 * what the input does not give is a fixed pattern, so short inputs
	 * already reach the decoder. */
	struct {
		uint8_t status;		/* device status: 0 mostly */
		uint64_t gpa, answer;
		struct tdx_ve_frame f;
	} in;

	if (size < 2)
		return 0;
	size_t avail = 1 + data[0] % 20;
	data++;
	size--;
	if (avail > size)
		avail = size;
	uint8_t *bytes = malloc(avail);
	memcpy(bytes, data, avail);
	data += avail;
	size -= avail;
	memset(&in, 0xA5, sizeof(in));
	in.status = 0;
	in.gpa = 0x800000400FF0ull;
	memcpy(&in, data, size < sizeof(in) ? size : sizeof(in));

	struct tdx_ve_mmio_insn insn;
	int derr = tdx_ve_mmio_decode(bytes, avail, &insn);
	if (derr == 0) {
		if (insn.len < 1 || insn.len > 15 || insn.len > avail)
			abort();
		if (insn.size != 1 && insn.size != 2 && insn.size != 4 && insn.size != 8)
			abort();
		if (insn.imm ? insn.reg != -1 || !insn.write : insn.reg < 0 || insn.reg > 15)
			abort();
		if (insn.high8 && (insn.reg > 3 || insn.size != 1))
			abort();
	} else if (derr != TDX_VE_ERR_DECODE && derr != TDX_VE_ERR_INSN) {
		abort();
	}

	struct dev d = { .answer = in.answer, .status = in.status < 224 ? 0 : 0x8000000000000000ull | in.status };
	struct tdx_ve_frame f = in.f;
	uint64_t st = 1;
	int err = tdx_ve_mmio_emulate(bytes, avail, in.gpa, &f, dev_access, &d, &st);

	if (err == 0) {
		if (derr || d.calls != 1 || d.status || st != 0)
			abort();
		if (d.write != insn.write || d.size != insn.size || d.gpa != in.gpa)
			abort();
		if ((in.gpa & 0xFFF) + insn.size > 0x1000)
			abort();
		if (f.rip != in.f.rip + insn.len || f.rflags != in.f.rflags)
			abort();
		for (int g = 0; g < 16; g++)
			if (f.gpr[g] != in.f.gpr[g] && (insn.write || g != insn.reg))
				abort();
		if (insn.write) {
			uint64_t want = insn.imm ? insn.value :
				insn.high8 ? (in.f.gpr[insn.reg] >> 8) & 0xFF :
				in.f.gpr[insn.reg] & mask(insn.size);
			if (d.val != want || (d.val & ~mask(insn.size)))
				abort();
		} else if (insn.reg_width == 1 || insn.reg_width == 2) {
			/* Narrow writes keep the other bits of the register. */
			uint64_t keep = insn.high8 ? ~0xFF00ull : ~mask(insn.reg_width);
			if ((f.gpr[insn.reg] ^ in.f.gpr[insn.reg]) & keep)
				abort();
		} else if (insn.reg_width == 4 && (f.gpr[insn.reg] >> 32)) {
			abort();	/* 32-bit writes zero-extend */
		}
	} else {
		if (memcmp(&f, &in.f, sizeof(f)) || d.calls > 1)
			abort();
		if (err == TDX_VE_ERR_HOST ? st != d.status || !d.calls : d.calls || st != 0)
			abort();
		if (derr && err != derr)
			abort();
	}
	free(bytes);
	return 0;
}

/* msr_bitmap.c: the L2 MSR bitmaps, one 64-bit word per TDG.VP.WR
 * (tdx-abi.md 6.6; runner set_msr_bit / write_msr_bitmap). The runner
 * asserts the MSR range; here an MSR outside it is an error and no TDCALL
 * is made. */
#include "l1_int.h"

#define HIGH_BASE 0xC0000000u
#define RANGE_LEN 0x2000u	/* 0..0x1FFF and 0xC0000000..0xC0001FFF */

uint64_t tdx_l1_msr_bitmap_pos(uint32_t msr, bool write, unsigned *word, unsigned *bit)
{
	unsigned w;

	if (msr < RANGE_LEN)
		w = msr / 64;
	else if (msr - HIGH_BASE < RANGE_LEN)
		w = 0x80 + (msr - HIGH_BASE) / 64;
	else
		return L1_REFUSE(E_MSR_RANGE);
	if (write)
		w += 0x100;
	if (word)
		*word = w;
	if (bit)
		*bit = msr & 63;
	return TDX_SUCCESS;
}

uint64_t tdx_l1_write_msr_bitmap(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, unsigned word,
				 uint64_t mask, uint64_t value, uint64_t *old)
{
	if (!l1_vtl_ok(vtl))
		return L1_REFUSE(E_VTL);
	if (word >= TDX_L1_MSR_BITMAP_WORDS)
		return L1_REFUSE(E_BITMAP_WORD);
	uint64_t id = TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_MSR_BITMAPS(TDX_L1_VM_INDEX(vtl)),
				   TDX_FIELD_64, word);
	uint64_t st = l1_vp_wr(vp, id, value, mask, old);
	return l1_done(vp, "TDG.VP.WR MSR bitmap", TDG_VP_WR, st);
}

uint64_t tdx_l1_set_msr_intercept(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t msr,
				  bool write, bool intercept)
{
	unsigned word, bit;
	uint64_t st = tdx_l1_msr_bitmap_pos(msr, write, &word, &bit);

	if (st != TDX_SUCCESS)
		return st;
	return tdx_l1_write_msr_bitmap(vp, vtl, word, 1ull << bit, intercept ? ~0ull : 0, NULL);
}

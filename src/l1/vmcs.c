/* vmcs.c: L2 VMCS fields through TDG.VP.RD/WR (tdx-abi.md 6.6), L2_CTLS
 * (7.2) and the virtual-APIC page registration (6.6). The runner asserts
 * the width and expect()s the TDCALL; here the width is an error and the
 * TDCALL failure follows the VP's policy. */
#include "l1_int.h"

/* Encoding width (bits 14:13) -> ELEMENT_SIZE_CODE (6.6). */
static const uint8_t size_code[4] = { TDX_FIELD_16, TDX_FIELD_64, TDX_FIELD_32, TDX_FIELD_64 };
/* Widths each call accepts, as bit sets over encoding widths. */
#define W16 (1u << 0)
#define W64 ((1u << 1) | (1u << 3))	/* 64-bit and natural width */
#define W32 (1u << 2)

uint64_t tdx_l1_vmcs_field_id(enum tdx_l1_vtl vtl, uint32_t field)
{
	if (!l1_vtl_ok(vtl) || field > 0x7FFF)
		return TDX_FIELD_ID_NULL;
	return TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_VMCS(TDX_L1_VM_INDEX(vtl)),
			    size_code[TDX_L1_VMCS_WIDTH(field)], field);
}

static uint64_t check(enum tdx_l1_vtl vtl, uint32_t field, unsigned widths)
{
	if (!l1_vtl_ok(vtl))
		return L1_REFUSE(E_VTL);
	if (field > 0x7FFF)
		return L1_REFUSE(E_ARG);
	if (!(widths & (1u << TDX_L1_VMCS_WIDTH(field))))
		return L1_REFUSE(E_FIELD_WIDTH);
	return TDX_SUCCESS;
}

static uint64_t vmcs_read(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field,
			  unsigned widths, uint64_t *value)
{
	uint64_t st = check(vtl, field, widths);
	if (st != TDX_SUCCESS)
		return st;
	st = l1_vp_rd(vp, tdx_l1_vmcs_field_id(vtl, field), value);
	return l1_done(vp, "TDG.VP.RD L2 VMCS", TDG_VP_RD, st);
}

static uint64_t vmcs_write(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field,
			   unsigned widths, uint64_t mask, uint64_t value, uint64_t *old)
{
	uint64_t st = check(vtl, field, widths);
	if (st != TDX_SUCCESS)
		return st;
	st = l1_vp_wr(vp, tdx_l1_vmcs_field_id(vtl, field), value, mask, old);
	return l1_done(vp, "TDG.VP.WR L2 VMCS", TDG_VP_WR, st);
}

uint64_t tdx_l1_read_vmcs16(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field, uint16_t *value)
{
	uint64_t v = 0, st = vmcs_read(vp, vtl, field, W16, &v);
	if (st == TDX_SUCCESS && value)
		*value = (uint16_t)v;
	return st;
}

uint64_t tdx_l1_read_vmcs32(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field, uint32_t *value)
{
	uint64_t v = 0, st = vmcs_read(vp, vtl, field, W32, &v);
	if (st == TDX_SUCCESS && value)
		*value = (uint32_t)v;
	return st;
}

uint64_t tdx_l1_read_vmcs64(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field, uint64_t *value)
{
	uint64_t v = 0, st = vmcs_read(vp, vtl, field, W64, &v);
	if (st == TDX_SUCCESS && value)
		*value = v;
	return st;
}

uint64_t tdx_l1_write_vmcs16(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field,
			     uint16_t mask, uint16_t value, uint16_t *old)
{
	uint64_t o = 0, st = vmcs_write(vp, vtl, field, W16, mask, value, &o);
	if (st == TDX_SUCCESS && old)
		*old = (uint16_t)o;
	return st;
}

uint64_t tdx_l1_write_vmcs32(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field,
			     uint32_t mask, uint32_t value, uint32_t *old)
{
	uint64_t o = 0, st = vmcs_write(vp, vtl, field, W32, mask, value, &o);
	if (st == TDX_SUCCESS && old)
		*old = (uint32_t)o;
	return st;
}

uint64_t tdx_l1_write_vmcs64(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint32_t field,
			     uint64_t mask, uint64_t value, uint64_t *old)
{
	uint64_t o = 0, st = vmcs_write(vp, vtl, field, W64, mask, value, &o);
	if (st == TDX_SUCCESS && old)
		*old = o;
	return st;
}

/* The runner registers VTL1's page itself (the kernel does VTL0's) with a
 * full-mask write of the virtual-APIC address; the module turns it into
 * L2_VAPIC_GPA[vm] (6.6). */
uint64_t tdx_l1_register_vapic(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, void *page, uint64_t gpa)
{
	uint64_t st = tdx_l1_write_vmcs64(vp, vtl, TDX_L1_VMCS_VIRTUAL_APIC_ADDR, ~0ull, gpa, NULL);
	if (st == TDX_SUCCESS) {
		vp->vapic_page[vtl] = page;
		vp->vapic_gpa[vtl] = gpa;
	}
	return st;
}

void *tdx_l1_vapic_page(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl)
{
	return l1_vtl_ok(vtl) ? vp->vapic_page[vtl] : NULL;
}

/* L2_CTLS[vm] (6.5): the runner writes the whole value (mask ~0); the
 * module keeps only its writable bits 2:0. */
uint64_t tdx_l1_set_l2_ctls(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint64_t value, uint64_t *old)
{
	if (!l1_vtl_ok(vtl))
		return L1_REFUSE(E_VTL);
	uint64_t st = l1_vp_wr(vp, TDX_FIELD_VP_L2_CTLS(TDX_L1_VM_INDEX(vtl)), value, ~0ull, old);
	return l1_done(vp, "TDG.VP.WR L2_CTLS", TDG_VP_WR, st);
}

uint64_t tdx_l1_get_l2_ctls(struct tdx_l1_vp *vp, enum tdx_l1_vtl vtl, uint64_t *value)
{
	if (!l1_vtl_ok(vtl))
		return L1_REFUSE(E_VTL);
	uint64_t st = l1_vp_rd(vp, TDX_FIELD_VP_L2_CTLS(TDX_L1_VM_INDEX(vtl)), value);
	return l1_done(vp, "TDG.VP.RD L2_CTLS", TDG_VP_RD, st);
}

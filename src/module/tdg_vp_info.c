/* tdg_vp_info.c: TDG.VP.INFO (leaf 1), section 5.1. */
#include "td.h"

uint64_t tdg_vp_info(struct tdx_call *c)
{
	const struct tdx_td *td = c->td;
	struct tdx_regs *r = c->regs;

	r->rcx = td->cfg.gpaw;
	r->rdx = td->cfg.attributes;
	/* NUM_VCPUS in 31:0, MAX_VCPUS in 63:32; the model has no late-added VCPUs. */
	r->r8 = (uint64_t)td->cfg.num_vcpus | ((uint64_t)td->cfg.num_vcpus << 32);
	r->r9 = c->vcpu->index;
	r->r10 = 1;	/* bit 0: TDG.SYS.RD/RDALL available (always in 1.5.01) */
	r->r11 = 0;
	return TDX_SUCCESS;
}

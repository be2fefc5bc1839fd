/* tdg_servtd_rd_wr.c: TDG.SERVTD.RD (leaf 18) and TDG.SERVTD.WR (leaf 20),
 * in the order of MOD src/vmm_dispatcher/migration_api_calls/tdg_servtd_rd_wr.c:
 * preset outputs, decode the binding handle in RCX, check the slot, then
 * the target TD's TDR page. The model runs one TD on a platform with no
 * other TD, so no handle names a TDR and every call that gets past the
 * slot check ends as the module's failed TDR check does: a trap-like
 * CROSS_TD_TRAP TD exit, after which the guest sees the status in RAX. */
#include <string.h>

#include "metadata.h"

/* MOD service_td.h: binding handle = (slot | TDR HPA) + this TD's TD_UUID[0];
 * slot in bits 11:0, TDR page in bits 51:12, MAX_SERVTDS = 1. */
#define HANDLE_SLOT(h) ((h) & 0xFFFull)
#define HANDLE_TDR_PA(h) ((h) & 0x000FFFFFFFFFF000ull)
#define MAX_SERVTDS 1

static uint64_t servtd_rd_wr(struct tdx_call *c, int write)
{
	struct tdx_regs *r = c->regs;
	uint64_t handle = r->rcx - c->td->td_uuid[0];

	if (!write)
		r->rdx = TDX_FIELD_ID_NULL;
	r->r8 = 0;
	if (HANDLE_SLOT(handle) >= MAX_SERVTDS)
		return tdx_status_opnd(TDX_OPERAND_INVALID, TDX_OPND_RCX);

	/* othertd_check_lock_and_map_explicit_tdr(): the HPA is 4 KiB aligned
	 * by construction and below MAX_PA; the model's platform has no TDMR
	 * memory outside this TD, so the PAMT lookup fails (helpers.c
	 * non_shared_hpa_metadata_check_and_lock). */
	uint64_t tdr = HANDLE_TDR_PA(handle);
	uint64_t cross = tdx_status_opnd(TDX_OPERAND_ADDR_RANGE_ERROR, TDX_OPND_TDR);

	/* async_tdexit_cross_td(TDX_CROSS_TD_TRAP, status, TDR) in td_exit.c:
	 * guest RAX = status; the host gets RAX = CROSS_TD_TRAP, RDX = status,
	 * R8 = the TDR HPA. Trap-like (HOST_RECOVERABILITY_HINT set in the
	 * exit status), so RIP moves past the TDCALL. */
	struct tdx_td_exit *e = c->exit;
	memset(e, 0, sizeof(*e));
	e->status = TDX_CROSS_TD_TRAP;
	e->ext_exit_qual = cross;
	e->gpa = tdr;
	e->why = write ? "TDG.SERVTD.WR: no service-TD binding (cross-TD trap)"
		       : "TDG.SERVTD.RD: no service-TD binding (cross-TD trap)";
	tdx_exit_trap_like(c, cross);
	return 0;
}

uint64_t tdg_servtd_rd(struct tdx_call *c)
{
	return servtd_rd_wr(c, 0);
}

uint64_t tdg_servtd_wr(struct tdx_call *c)
{
	return servtd_rd_wr(c, 1);
}

/* validate.c: what a TDX-aware VMM should check before it serves a
 * TDVMCALL, and which GHCI status (tdx-abi.md 3.3) each failure gets.
 * KVM does not check register exposure at all (the module hides RCX, see
 * seeds/002); we do, because a service whose inputs were not exposed reads
 * zeros and one whose outputs were not exposed cannot deliver them. */
#include "host_int.h"

#define OK    TDVMCALL_STATUS_SUCCESS
#define INVAL TDVMCALL_STATUS_INVALID_OPERAND
#define ALIGN TDVMCALL_STATUS_ALIGN_ERROR

static uint64_t gpa_limit(const struct tdx_host_config *cfg)
{
	return tdx_host_shared_bit(cfg) << 1;	/* 2^GPAW */
}

/* [gpa, gpa + size) is non-empty, does not wrap and ends at or below
 * 2^GPAW (KVM kvm_vcpu_is_legal_gpa on both ends, 3.5). */
static int range_ok(const struct tdx_host_config *cfg, uint64_t gpa, uint64_t size)
{
	uint64_t lim = gpa_limit(cfg);
	return size != 0 && gpa < lim && size <= lim - gpa;
}

static int is_write(const uint64_t *g)
{
	return g[TDX_GPR_R13] == TDX_HOST_DIR_WRITE;
}

/* IO (3.4): KVM tdx_emulate_io rejects sizes other than 1/2/4 and
 * directions other than 0/1 with INVALID_OPERAND; KVM silently truncates
 * the port to 16 bits, we reject it the same way. */
uint64_t tdx_host_check_io(const struct tdx_host_config *cfg, const uint64_t *g,
			   const struct tdx_host_req *req)
{
	uint64_t size = g[TDX_GPR_R12], dir = g[TDX_GPR_R13];

	if ((size != 1 && size != 2 && size != 4) || dir > 1 || g[TDX_GPR_R14] > 0xFFFF)
		return INVAL;
	return OK;
}

/* MMIO (3.4): KVM tdx_emulate_mmio gives INVALID_OPERAND for a bad size or
 * direction, a private GPA, or an access crossing a page (Linux never sends
 * one). We also require size in {1,2,4,8} and the GPA below 2^GPAW. */
uint64_t tdx_host_check_mmio(const struct tdx_host_config *cfg, const uint64_t *g,
			     const struct tdx_host_req *req)
{
	uint64_t size = g[TDX_GPR_R12], dir = g[TDX_GPR_R13], gpa = g[TDX_GPR_R14];

	if ((size != 1 && size != 2 && size != 4 && size != 8) || dir > 1)
		return INVAL;
	if (!(gpa & tdx_host_shared_bit(cfg)) || !range_ok(cfg, gpa, size))
		return INVAL;
	if ((gpa ^ (gpa + size - 1)) & ~(TDX_PAGE_SIZE_4K - 1))
		return INVAL;
	return OK;
}

/* GetTdVmCallInfo (3.6): KVM answers leaves 0 and 1, INVALID_OPERAND else. */
uint64_t tdx_host_check_info(const struct tdx_host_config *cfg, const uint64_t *g,
			     const struct tdx_host_req *req)
{
	return g[TDX_GPR_R12] <= 1 ? OK : INVAL;
}

/* MapGPA (3.5), in KVM tdx_map_gpa's order: empty/wrapping range, beyond
 * 2^GPAW or straddling the shared bit -> INVALID_OPERAND; then GPA or size
 * not 4 KiB aligned -> ALIGN_ERROR. (R11 = GPA on error: complete.c.) */
uint64_t tdx_host_check_map_gpa(const struct tdx_host_config *cfg, const uint64_t *g,
				const struct tdx_host_req *req)
{
	uint64_t gpa = g[TDX_GPR_R12], size = g[TDX_GPR_R13], sb = tdx_host_shared_bit(cfg);

	if (!range_ok(cfg, gpa, size) || ((gpa ^ (gpa + size - 1)) & sb))
		return INVAL;
	if ((gpa | size) & (TDX_PAGE_SIZE_4K - 1))
		return ALIGN;
	return OK;
}

/* GetQuote (3.7): private GPA -> INVALID_OPERAND (current KVM). Our choice:
 * an empty or out-of-range buffer is INVALID_OPERAND too, and a GPA or size
 * not 4 KiB aligned is ALIGN_ERROR, as older KVM did and as the Linux
 * tdx-guest driver documents (it always sends whole pages). */
uint64_t tdx_host_check_quote(const struct tdx_host_config *cfg, const uint64_t *g,
			      const struct tdx_host_req *req)
{
	uint64_t gpa = g[TDX_GPR_R12], size = g[TDX_GPR_R13];

	if (!(gpa & tdx_host_shared_bit(cfg)) || !range_ok(cfg, gpa, size))
		return INVAL;
	if ((gpa | size) & (TDX_PAGE_SIZE_4K - 1))
		return ALIGN;
	return OK;
}

/* SetupEventNotifyInterrupt (3.4): vectors 0..31 are exceptions; KVM gives
 * INVALID_OPERAND outside 32..255. */
uint64_t tdx_host_check_notify(const struct tdx_host_config *cfg, const uint64_t *g,
			       const struct tdx_host_req *req)
{
	return g[TDX_GPR_R12] >= 32 && g[TDX_GPR_R12] <= 255 ? OK : INVAL;
}

/* ReportFatalError (3.8): R13 is an input only when R12 bit 63 says so.
 * The message registers are optional on purpose: TDSHIM exposes only
 * R10..R15, and refusing a fatal report would lose the error code; an
 * unexposed register reads 0, i.e. NUL padding of the message. */
uint64_t tdx_host_check_fatal(const struct tdx_host_config *cfg, const uint64_t *g,
			      const struct tdx_host_req *req)
{
	if (req->fatal.gpa_valid && !(req->gprs & G(R13)))
		return INVAL;
	return OK;
}

/* Service (3.4, 3.9; TDSHIM only): buffers are shared 4 KiB-aligned GPAs
 * (ALIGN_ERROR if not aligned, INVALID_OPERAND if private), vector 0 or
 * 32..255. */
uint64_t tdx_host_check_service(const struct tdx_host_config *cfg, const uint64_t *g,
				const struct tdx_host_req *req)
{
	uint64_t sb = tdx_host_shared_bit(cfg), cmd = g[TDX_GPR_R12], rsp = g[TDX_GPR_R13];
	uint64_t vec = g[TDX_GPR_R14];

	if (!(cmd & sb) || !(rsp & sb) || !range_ok(cfg, cmd, TDX_PAGE_SIZE_4K) ||
	    !range_ok(cfg, rsp, TDX_PAGE_SIZE_4K) || (vec != 0 && (vec < 32 || vec > 255)))
		return INVAL;
	if ((cmd | rsp) & (TDX_PAGE_SIZE_4K - 1))
		return ALIGN;
	return OK;
}

/* Registers the service needs exposed, for this request's direction. */
static void needed(const struct tdx_host_svc *s, const uint64_t *g, enum tdx_host_kind k,
		   uint32_t *in, uint32_t *out)
{
	int dir_kind = k == TDX_HOST_IO || k == TDX_HOST_MMIO;

	*in = s->in | (dir_kind && is_write(g) ? s->in_write : 0);
	*out = s->out | (dir_kind && !is_write(g) ? s->out_read : 0);
}

uint64_t tdx_host_check(const struct tdx_host_config *cfg, const struct tdx_host_exit *e,
			const struct tdx_host_req *req)
{
	const struct tdx_host_svc *s = tdx_host_svc(req->kind);
	uint32_t exposed = req->gprs, in, out;

	/* R10 carries the status: a call that hides it cannot be answered. */
	if (!(exposed & G(R10)))
		return INVAL;
	/* Unknown sub-function: SUBFUNC_UNSUPPORTED (newer GHCI, KVM, 3.3) -
	 * unless R11 was hidden, then we do not even know what was asked. */
	if (req->kind == TDX_HOST_UNKNOWN)
		return exposed & G(R11) ? TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED : INVAL;
	needed(s, e->gpr, req->kind, &in, &out);
	if ((in | out) & ~exposed)
		return INVAL;
	return s->check ? s->check(cfg, e->gpr, req) : OK;
}

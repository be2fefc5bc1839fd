/* hostile.c: a malicious VMM, reproducible from cfg.hostile_seed.
 *
 * The honest handler runs first (side effects such as UART output, page
 * conversions and the exit port happen as usual, and a stopped TD stays
 * stopped); then one draw of a splitmix64 generator per TDVMCALL picks how
 * the answer is corrupted. The same seed and the same sequence of
 * TDVMCALLs give the same answers. Strategies (equally likely):
 *   honest       answer unchanged
 *   status       R10 = one of the six documented statuses (3.3), drawn;
 *                RETRY also gets an out-of-range R11 as below
 *   retry-oob    R10 = RETRY, R11 outside [start, end) of the request
 *                (below start, = end, past end, the other side of the
 *                shared bit, 0, all ones): MapGPA guests must refuse it (3.5)
 *   garbage      every exposed register RDX..R15 (R10 included) random
 *   oversized    R10 = SUCCESS with values wider than the service defines:
 *                IO/MMIO reads with bits above `size`, CPUID words with
 *                the upper 32 bits set, GetTdVmCallInfo all ones, GetQuote
 *                "done" at once with out_len = 0xFFFFFFFF (past the
 *                buffer), others R11 = all ones
 * Only exposed registers are written: the module would drop the others
 * anyway (3.1). The host library's output mask is bypassed on purpose. */
#include <string.h>

#include "vmm_int.h"

enum { HONEST, STATUS, RETRY_OOB, GARBAGE, OVERSIZED, NR_STRATEGIES };

static const uint64_t statuses[] = {
	TDVMCALL_STATUS_SUCCESS, TDVMCALL_STATUS_RETRY, TDVMCALL_STATUS_INVALID_OPERAND,
	TDVMCALL_STATUS_GPA_INUSE, TDVMCALL_STATUS_ALIGN_ERROR,
	TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED,
};
static const char *const status_names[] = {
	"status SUCCESS", "status RETRY", "status INVALID_OPERAND", "status GPA_INUSE",
	"status ALIGN_ERROR", "status SUBFUNC_UNSUPPORTED",
};

static uint64_t next(struct tdx_vmm *v)
{
	vmm_lock_take(&v->rng_lock);	/* one sequence for all VCPUs */
	uint64_t z = (v->rng += 0x9E3779B97F4A7C15ull);
	vmm_lock_drop(&v->rng_lock);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void set(struct tdx_td_exit *e, enum tdx_gpr r, uint64_t val)
{
	if (TDX_VMCALL_GPR_SELECT(e->exit_qual) >> r & 1)
		e->vmm.gpr[r] = val;
}

/* An R11 outside [start, end) for a RETRY (MapGPA); any other service has
 * no range, so 0, all ones or a random value. */
static uint64_t out_of_range(struct tdx_vmm *v, const struct tdx_host_req *req, uint64_t shared_bit)
{
	if (req->kind != TDX_HOST_MAP_GPA) {
		const uint64_t any[] = { 0, ~0ull, next(v) };
		return any[next(v) % 3];
	}
	uint64_t start = req->map_gpa.gpa, end = start + req->map_gpa.size;
	const uint64_t picks[] = {
		start - TDX_PAGE_SIZE_4K, end, end + TDX_PAGE_SIZE_2M, start ^ shared_bit, 0, ~0ull,
	};
	return picks[next(v) % (sizeof(picks) / sizeof(picks[0]))];
}

static void oversized(struct tdx_vmm *v, const struct tdx_host_req *req, struct tdx_td_exit *e)
{
	set(e, TDX_GPR_R10, TDVMCALL_STATUS_SUCCESS);
	switch (req->kind) {
	case TDX_HOST_IO:
	case TDX_HOST_MMIO: {
		unsigned size = req->kind == TDX_HOST_IO ? req->io.size : req->mmio.size;
		uint64_t above = size >= 8 ? 0 : ~((1ull << (8 * size)) - 1);
		set(e, TDX_GPR_R11, e->vmm.gpr[TDX_GPR_R11] | above | (size >= 8 ? next(v) : 0));
		break;
	}
	case TDX_HOST_CPUID:
		for (unsigned r = TDX_GPR_R12; r <= TDX_GPR_R15; r++)
			set(e, (enum tdx_gpr)r, e->vmm.gpr[r] | 0xFFFFFFFF00000000ull);
		break;
	case TDX_HOST_GET_TD_VM_CALL_INFO:
		for (unsigned r = TDX_GPR_R11; r <= TDX_GPR_R14; r++)
			set(e, (enum tdx_gpr)r, ~0ull);
		break;
	case TDX_HOST_GET_QUOTE: {
		/* Take the request back from the service and claim it is done. */
		struct vmm_quote q;
		struct tdx_td *td = atomic_load(&v->td);
		int found = 0;
		vmm_lock_take(&v->quote_lock);
		for (unsigned i = 0; i < v->nquotes && !found; i++)
			if (v->quotes[i].addr == req->quote.addr) {
				q = v->quotes[i];
				v->quotes[i] = v->quotes[--v->nquotes];
				found = 1;
			}
		vmm_lock_drop(&v->quote_lock);
		uint8_t *buf = found && td ? tdx_td_host_ptr(td, q.addr, 24, NULL, 0) : NULL;
		if (buf) {
			uint32_t big = 0xFFFFFFFFu;
			uint64_t done = 0;
			memcpy(buf + 20, &big, 4);
			memcpy(buf + 8, &done, 8);
		}
		break;
	}
	default:
		set(e, TDX_GPR_R11, ~0ull);
		break;
	}
}

const char *vmm_hostile(struct tdx_vmm *v, const struct tdx_host_req *req, struct tdx_td_exit *e)
{
	uint64_t sb = v->gpaw >= 13 ? 1ull << (v->gpaw - 1) : 1ull << 47;
	unsigned s = (unsigned)(next(v) % NR_STRATEGIES), k;

	switch (s) {
	case STATUS:
		k = (unsigned)(next(v) % (sizeof(statuses) / sizeof(statuses[0])));
		set(e, TDX_GPR_R10, statuses[k]);
		if (statuses[k] == TDVMCALL_STATUS_RETRY)
			set(e, TDX_GPR_R11, out_of_range(v, req, sb));
		return status_names[k];
	case RETRY_OOB:
		set(e, TDX_GPR_R10, TDVMCALL_STATUS_RETRY);
		set(e, TDX_GPR_R11, out_of_range(v, req, sb));
		return "retry-oob";
	case GARBAGE:
		for (unsigned r = TDX_GPR_RDX; r < TDX_NR_GPRS; r++)
			set(e, (enum tdx_gpr)r, next(v));
		return "garbage";
	case OVERSIZED:
		oversized(v, req, e);
		return "oversized";
	default:
		return NULL;	/* honest */
	}
}

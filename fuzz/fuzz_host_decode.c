/* fuzz_host_decode.c: random TDVMCALL exits (registers, expose mask, VM
 * index, GPAW) through decode, validate, complete and the KVM adapter.
 * Invariant: completion never writes a register the guest did not expose
 * (tdx-abi.md 3.1), nor one that is not an output of the service. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/host.h"

struct in { const uint8_t *p; size_t n; };

static uint64_t take(struct in *in, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (uint64_t)in->p[0] << (8 * i);
	return v;
}

static const uint64_t subfns[] = {
	TDVMCALL_CPUID, TDVMCALL_HLT, TDVMCALL_IO, TDVMCALL_RDMSR, TDVMCALL_WRMSR,
	TDVMCALL_MMIO, TDVMCALL_WBINVD, TDVMCALL_PCONFIG, TDVMCALL_GET_TD_VM_CALL_INFO,
	TDVMCALL_MAP_GPA, TDVMCALL_GET_QUOTE, TDVMCALL_REPORT_FATAL_ERROR,
	TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, TDVMCALL_SERVICE, TDVMCALL_MIGTD,
};
static const uint64_t statuses[] = {
	TDVMCALL_STATUS_SUCCESS, TDVMCALL_STATUS_RETRY, TDVMCALL_STATUS_INVALID_OPERAND,
	TDVMCALL_STATUS_ALIGN_ERROR, TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED,
};

/* Registers completion may change: exposed and (R10 or an output). */
static void check(const struct tdx_host_exit *before, const struct tdx_host_exit *after,
		  const struct tdx_host_req *req, uint64_t status)
{
	uint32_t exposed = tdx_host_exit_gprs(before);
	uint32_t may = (tdx_host_out_mask(req, status) | (1u << TDX_GPR_R10)) & exposed;

	if (after->qual != before->qual)
		abort();
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		if (!(may & (1u << i)) && after->gpr[i] != before->gpr[i])
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct tdx_host_config cfg;
	struct tdx_host_exit e, before;
	struct tdx_host_req req;
	struct tdx_host_resp resp;
	static union { struct kvm_run run; uint8_t b[TDX_HOST_KVM_RUN_SIZE]; } m;
	struct kvm_run *run = &m.run;
	char line[160];

	uint8_t sel = (uint8_t)take(&in, 1);
	cfg.gpaw = sel & 1 ? 52 : (sel & 2 ? 48 : (unsigned)take(&in, 1));
	memset(&e, 0, sizeof(e));
	e.qual = take(&in, 2) | (take(&in, 1) & 3) << 32;
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		if (tdx_host_exposed(&e, (enum tdx_gpr)i))
			e.gpr[i] = take(&in, 8);
	/* Steer towards known calls: R10 = 0 and a real sub-function mostly. */
	if (sel & 4)
		e.gpr[TDX_GPR_R10] = 0;
	if ((sel & 8) && tdx_host_exposed(&e, TDX_GPR_R11))
		e.gpr[TDX_GPR_R11] = subfns[take(&in, 1) % (sizeof(subfns) / sizeof(subfns[0]))];
	if ((sel & 16) && tdx_host_exposed(&e, TDX_GPR_R13))
		e.gpr[TDX_GPR_R13] &= 1;	/* valid directions */

	uint64_t st = tdx_host_decode(&cfg, &e, &req);
	if (req.kind >= TDX_HOST_NR_KINDS)
		abort();
	if (req.kind == TDX_HOST_REPORT_FATAL_ERROR) {
		if (req.fatal.msg[TDX_HOST_FATAL_MSG_LEN] != '\0')
			abort();
		tdx_host_fatal_format(&req.fatal, line, sizeof(line));
	}

	/* Complete with random outputs. */
	memset(&resp, 0, sizeof(resp));
	resp.status = st == TDVMCALL_STATUS_SUCCESS ?
		statuses[take(&in, 1) % (sizeof(statuses) / sizeof(statuses[0]))] : st;
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		resp.out[i] = take(&in, 8);
	before = e;
	int rc = tdx_host_complete(&e, &req, &resp);
	if (rc != (tdx_host_exposed(&before, TDX_GPR_R10) ? 0 : -1))
		abort();
	check(&before, &e, &req, resp.status);

	/* KVM shape, both ways, with user space scribbling over the exit. */
	if (st == TDVMCALL_STATUS_SUCCESS && tdx_host_kvm_from_req(&cfg, &before, &req, run, sizeof(m)) == 0) {
		uint32_t reason = run->exit_reason;
		uint8_t *u = m.b;
		for (size_t i = 8; i < sizeof(m) && in.n; i++)
			if (take(&in, 1) & 1)
				u[i] = (uint8_t)take(&in, 1);
		if (sel & 32)
			run->exit_reason = (uint32_t)take(&in, 1);
		(void)tdx_host_kvm_io_data(run, sizeof(m));
		if (tdx_host_kvm_to_resp(&cfg, &req, run, sizeof(m), &resp) == 0) {
			if (run->exit_reason != reason)
				abort();
			e = before;
			tdx_host_complete(&e, &req, &resp);
			check(&before, &e, &req, resp.status);
		}
	}

	/* Dispatch with no handlers must obey the same rule. */
	struct tdx_host h;
	tdx_host_init(&h, &cfg, NULL);
	e = before;
	tdx_host_dispatch(&h, 0, &e);
	check(&before, &e, &h.last, h.last_status);
	return 0;
}

/* dispatch.c: a table of handlers, one per request kind (Solo5 style):
 * decode + validate, call the handler, complete. */
#include <string.h>

#include "host_int.h"

void tdx_host_init(struct tdx_host *h, const struct tdx_host_config *cfg, void *ctx)
{
	memset(h, 0, sizeof(*h));
	if (cfg)
		h->cfg = *cfg;
	h->ctx = ctx;
}

int tdx_host_register(struct tdx_host *h, enum tdx_host_kind kind, tdx_host_handler_fn fn)
{
	if ((unsigned)kind >= TDX_HOST_NR_KINDS || kind == TDX_HOST_UNKNOWN)
		return -1;
	h->handlers[kind] = fn;
	return 0;
}

/* Without a handler: KVM answers GetTdVmCallInfo itself, leaf 0 = "all
 * base sub-functions" and leaf 1 = no optional ones, R11..R14 = 0 (3.6);
 * everything else is SUBFUNC_UNSUPPORTED (KVM for services it lacks, 3.11). */
static int no_handler(const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	if (req->kind != TDX_HOST_GET_TD_VM_CALL_INFO)
		resp->status = TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED;
	if (req->kind == TDX_HOST_MAP_GPA)
		resp->out[TDX_GPR_R11] = req->map_gpa.gpa;	/* KVM: R11 = GPA on error (3.5) */
	return 0;
}

int tdx_host_dispatch(struct tdx_host *h, unsigned vcpu, struct tdx_host_exit *e)
{
	return tdx_host_dispatch_req(h, vcpu, e, &h->last);
}

int tdx_host_dispatch_req(struct tdx_host *h, unsigned vcpu, struct tdx_host_exit *e,
			  struct tdx_host_req *req)
{
	struct tdx_host_resp resp;
	int rc = 0;

	memset(&resp, 0, sizeof(resp));
	resp.status = tdx_host_decode(&h->cfg, e, req);
	req->vcpu = vcpu;
	if (resp.status == TDVMCALL_STATUS_SUCCESS) {
		tdx_host_handler_fn fn = h->handlers[req->kind];
		rc = fn ? fn(h->ctx, req, &resp) : no_handler(req, &resp);
	} else if (req->kind == TDX_HOST_MAP_GPA) {
		resp.out[TDX_GPR_R11] = req->map_gpa.gpa;	/* KVM: R11 = GPA on error */
	}
	if (req == &h->last)
		h->last_status = resp.status;
	tdx_host_complete(e, req, &resp);
	return rc;
}

/* decode.c: registers of a TDVMCALL exit -> typed request (tdx-abi.md 3.2,
 * 3.4, 3.10). Unexposed registers read as 0, as the VMM sees them (3.1). */
#include <string.h>

#include "host_int.h"

typedef void (*fill_fn)(const struct tdx_host_config *cfg, const uint64_t *g,
			struct tdx_host_req *r);

static void fill_cpuid(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	/* KVM loads R12/R13 into EAX/ECX: the upper halves are ignored. */
	r->cpuid.leaf = (uint32_t)g[TDX_GPR_R12];
	r->cpuid.subleaf = (uint32_t)g[TDX_GPR_R13];
}

static void fill_hlt(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	/* KVM: any non-zero R12 means interrupts are blocked (3.4). */
	r->hlt.irq_blocked = g[TDX_GPR_R12] != 0;
}

static void fill_io(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	r->io.size = (uint8_t)g[TDX_GPR_R12];
	r->io.direction = (uint8_t)g[TDX_GPR_R13];
	r->io.port = (uint16_t)g[TDX_GPR_R14];
	r->io.data = g[TDX_GPR_R15];
	if (r->io.size < 8)	/* OUT sends only `size` bytes */
		r->io.data &= (1ull << (8 * r->io.size)) - 1;
}

static void fill_rdmsr(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	r->rdmsr.index = (uint32_t)g[TDX_GPR_R12];	/* KVM: R12 -> ECX */
}

static void fill_wrmsr(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	r->wrmsr.index = (uint32_t)g[TDX_GPR_R12];
	r->wrmsr.value = g[TDX_GPR_R13];	/* EDX:EAX */
}

static void fill_mmio(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	r->mmio.size = (uint8_t)g[TDX_GPR_R12];
	r->mmio.direction = (uint8_t)g[TDX_GPR_R13];
	r->mmio.gpa = g[TDX_GPR_R14];
	r->mmio.addr = g[TDX_GPR_R14] & ~tdx_host_shared_bit(cfg);
	r->mmio.data = g[TDX_GPR_R15];
	if (r->mmio.size < 8)
		r->mmio.data &= (1ull << (8 * r->mmio.size)) - 1;
}

static void fill_wbinvd(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	r->wbinvd.op = g[TDX_GPR_R12];
}

static void fill_info(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	r->info.leaf = g[TDX_GPR_R12];
}

static void fill_map_gpa(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	uint64_t sb = tdx_host_shared_bit(cfg);

	r->map_gpa.gpa = g[TDX_GPR_R12];
	r->map_gpa.size = g[TDX_GPR_R13];
	r->map_gpa.addr = g[TDX_GPR_R12] & ~sb;
	r->map_gpa.to_shared = (g[TDX_GPR_R12] & sb) != 0;	/* 3.5 */
}

static void fill_quote(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	r->quote.gpa = g[TDX_GPR_R12];
	r->quote.size = g[TDX_GPR_R13];
	r->quote.addr = g[TDX_GPR_R12] & ~tdx_host_shared_bit(cfg);
}

static void fill_notify(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	r->notify.vector = (uint8_t)g[TDX_GPR_R12];	/* range checked on the full R12 */
}

static void fill_service(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	r->service.cmd = g[TDX_GPR_R12];
	r->service.resp = g[TDX_GPR_R13];
	r->service.vector = g[TDX_GPR_R14];
	r->service.timeout = g[TDX_GPR_R15];
}

static void fill_vendor(const struct tdx_host_config *cfg, const uint64_t *g, struct tdx_host_req *r)
{
	/* KVM hypercall: nr in R10, args in R11..R14 (3.10). */
	r->vendor.nr = g[TDX_GPR_R10];
	for (unsigned i = 0; i < 4; i++)
		r->vendor.args[i] = g[TDX_GPR_R11 + i];
}

static const fill_fn fills[TDX_HOST_NR_KINDS] = {
	[TDX_HOST_CPUID] = fill_cpuid,
	[TDX_HOST_HLT] = fill_hlt,
	[TDX_HOST_IO] = fill_io,
	[TDX_HOST_RDMSR] = fill_rdmsr,
	[TDX_HOST_WRMSR] = fill_wrmsr,
	[TDX_HOST_MMIO] = fill_mmio,
	[TDX_HOST_WBINVD] = fill_wbinvd,
	[TDX_HOST_GET_TD_VM_CALL_INFO] = fill_info,
	[TDX_HOST_MAP_GPA] = fill_map_gpa,
	[TDX_HOST_GET_QUOTE] = fill_quote,
	[TDX_HOST_SETUP_EVENT_NOTIFY] = fill_notify,
	[TDX_HOST_SERVICE] = fill_service,
	[TDX_HOST_VENDOR] = fill_vendor,
};

uint64_t tdx_host_decode(const struct tdx_host_config *cfg, const struct tdx_host_exit *e,
			 struct tdx_host_req *req)
{
	const uint64_t *g = e->gpr;

	memset(req, 0, sizeof(*req));
	req->gprs = tdx_host_exit_gprs(e);
	req->vm = tdx_host_exit_vm(e);
	/* R10 = 0: standard call, sub-function in R11; else vendor (3.2). */
	if (g[TDX_GPR_R10] != 0) {
		req->kind = TDX_HOST_VENDOR;
		req->subfn = g[TDX_GPR_R10];
	} else {
		req->subfn = g[TDX_GPR_R11];
		req->kind = tdx_host_kind_of(req->subfn);
	}
	if (req->kind == TDX_HOST_REPORT_FATAL_ERROR)
		tdx_host_decode_fatal(e, &req->fatal);
	else if (fills[req->kind])
		fills[req->kind](cfg, g, req);
	return tdx_host_check(cfg, e, req);
}

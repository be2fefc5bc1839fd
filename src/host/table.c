/* table.c: the TDVMCALL services a host knows, as data: sub-function
 * number, input and output registers, range rules (tdx-abi.md 3.4). */
#include "host_int.h"

/* R10 carries the status back and must be exposed for every call; R11
 * carries the sub-function of every standard call (3.2). */
#define STD (G(R10) | G(R11))

static const struct tdx_host_svc svcs[TDX_HOST_NR_KINDS] = {
	[TDX_HOST_UNKNOWN] = { 0, "unknown", STD, 0, 0, 0, NULL },
	[TDX_HOST_CPUID] = { TDVMCALL_CPUID, "CPUID", STD | G(R12) | G(R13), 0,
			     G(R12) | G(R13) | G(R14) | G(R15), 0, NULL },
	[TDX_HOST_HLT] = { TDVMCALL_HLT, "HLT", STD | G(R12), 0, 0, 0, NULL },
	[TDX_HOST_IO] = { TDVMCALL_IO, "IO", STD | G(R12) | G(R13) | G(R14), G(R15),
			  0, G(R11), tdx_host_check_io },
	[TDX_HOST_RDMSR] = { TDVMCALL_RDMSR, "RDMSR", STD | G(R12), 0, G(R11), 0, NULL },
	[TDX_HOST_WRMSR] = { TDVMCALL_WRMSR, "WRMSR", STD | G(R12) | G(R13), 0, 0, 0, NULL },
	[TDX_HOST_MMIO] = { TDVMCALL_MMIO, "MMIO", STD | G(R12) | G(R13) | G(R14), G(R15),
			    0, G(R11), tdx_host_check_mmio },
	/* WBINVD's R12 (WBINVD vs WBNOINVD) is UNCONFIRMED (3.4). */
	[TDX_HOST_WBINVD] = { TDVMCALL_WBINVD, "WBINVD", STD | G(R12), 0, 0, 0, NULL },
	[TDX_HOST_GET_TD_VM_CALL_INFO] = { TDVMCALL_GET_TD_VM_CALL_INFO, "GetTdVmCallInfo",
					   STD | G(R12), 0,
					   G(R11) | G(R12) | G(R13) | G(R14), 0,
					   tdx_host_check_info },
	/* MapGPA's only output is R11 on RETRY/error; R11 is in STD anyway. */
	[TDX_HOST_MAP_GPA] = { TDVMCALL_MAP_GPA, "MapGPA", STD | G(R12) | G(R13), 0, 0, 0,
			       tdx_host_check_map_gpa },
	[TDX_HOST_GET_QUOTE] = { TDVMCALL_GET_QUOTE, "GetQuote", STD | G(R12) | G(R13), 0, 0, 0,
				 tdx_host_check_quote },
	/* Only R12 is required: R13 is checked when R12 bit 63 says it is
	 * valid, and the message registers are optional (validate.c). */
	[TDX_HOST_REPORT_FATAL_ERROR] = { TDVMCALL_REPORT_FATAL_ERROR, "ReportFatalError",
					  STD | G(R12), 0, 0, 0, tdx_host_check_fatal },
	[TDX_HOST_SETUP_EVENT_NOTIFY] = { TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT,
					  "SetupEventNotifyInterrupt", STD | G(R12), 0, 0, 0,
					  tdx_host_check_notify },
	[TDX_HOST_SERVICE] = { TDVMCALL_SERVICE, "Service",
			       STD | G(R12) | G(R13) | G(R14) | G(R15), 0, 0, 0,
			       tdx_host_check_service },
	/* Vendor calls: R10 is the call number; which of R11..R14 are
	 * arguments depends on it, so none is required (3.10). */
	[TDX_HOST_VENDOR] = { 0, "vendor", G(R10), 0, 0, 0, NULL },
};

const struct tdx_host_svc *tdx_host_svc(enum tdx_host_kind k)
{
	if ((unsigned)k >= TDX_HOST_NR_KINDS)
		k = TDX_HOST_UNKNOWN;
	return &svcs[k];
}

/* Optional inputs the table does not require: ReportFatalError's message
 * registers (3.8), a vendor call's R11..R14 (KVM hypercall arguments, 3.10). */
static const uint32_t optional_in[TDX_HOST_NR_KINDS] = {
	[TDX_HOST_REPORT_FATAL_ERROR] = G(R14) | G(R15) | G(RBX) | G(RDI) | G(RSI) | G(R8) |
					G(R9) | G(RDX),
	[TDX_HOST_VENDOR] = G(R11) | G(R12) | G(R13) | G(R14),
};

uint32_t tdx_host_in_mask(const struct tdx_host_req *req)
{
	const struct tdx_host_svc *s = tdx_host_svc(req->kind);
	uint32_t in = s->in | optional_in[s - svcs];

	if ((req->kind == TDX_HOST_IO && req->io.direction == TDX_HOST_DIR_WRITE) ||
	    (req->kind == TDX_HOST_MMIO && req->mmio.direction == TDX_HOST_DIR_WRITE))
		in |= s->in_write;
	if (req->kind == TDX_HOST_REPORT_FATAL_ERROR && req->fatal.gpa_valid)
		in |= G(R13);
	return in;
}

const char *tdx_host_kind_name(enum tdx_host_kind k)
{
	return tdx_host_svc(k)->name;
}

enum tdx_host_kind tdx_host_kind_of(uint64_t subfn)
{
	for (unsigned k = TDX_HOST_UNKNOWN + 1; k < TDX_HOST_VENDOR; k++)
		if (svcs[k].subfn == subfn)
			return (enum tdx_host_kind)k;
	return TDX_HOST_UNKNOWN;
}

uint64_t tdx_host_shared_bit(const struct tdx_host_config *cfg)
{
	/* Out-of-range GPAW falls back to 48, the usual width (5.x). */
	unsigned gpaw = cfg && cfg->gpaw >= 13 && cfg->gpaw <= 63 ? cfg->gpaw : 48;
	return 1ull << (gpaw - 1);
}

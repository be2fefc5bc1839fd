/* leak.c: the leak check. The module passes the host every register the
 * guest selected in RCX (tdx-abi.md 3.1); a selected register that the
 * service does not read (3.4, the host library's per-service table) but
 * that holds a non-zero value is guest data handed to the host for
 * nothing: Linux and EDK2 zero such registers (3.1 "guest hygiene").
 * Inputs per service: tdx_host_in_mask() (the host library's table, with
 * ReportFatalError's message registers and a vendor call's arguments).
 * Output-only registers (CPUID R14/R15, IO IN R15) are not inputs: data in
 * them is a leak too.
 * Each finding is one line "service, register, RIP" on cfg.report_fd; the
 * RIP is the TDCALL's, from the module's trace hook (see vmm.h). */
#include <stdio.h>

#include "vmm_int.h"

static const char *const gpr_names[TDX_NR_GPRS] = {
	"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
	"R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
};

uint32_t vmm_leak_mask(const struct tdx_host_req *req, const uint64_t *gpr)
{
	uint32_t in = tdx_host_in_mask(req), leak = 0;

	for (unsigned i = TDX_GPR_RDX; i < TDX_NR_GPRS; i++)
		if ((req->gprs >> i & 1) && !(in >> i & 1) && gpr[i])
			leak |= 1u << i;
	return leak;
}

void vmm_leak_report(struct tdx_vmm *v, const struct vmm_event *ev, int have_rip, uint64_t rip)
{
	char line[160], where[40];

	if (!ev->leak)
		return;
	if (have_rip)
		snprintf(where, sizeof(where), "0x%llx", (unsigned long long)rip);
	else
		snprintf(where, sizeof(where), "?");
	for (unsigned i = 0; i < TDX_NR_GPRS; i++) {
		if (!(ev->leak >> i & 1))
			continue;
		int n = snprintf(line, sizeof(line),
				 "tdx-vmm: leak-check: %s exposes %s (non-zero, not an input) [vcpu%u rip=%s]\n",
				 tdx_host_kind_name(ev->req.kind), gpr_names[i], ev->vcpu, where);
		if (n > 0 && (size_t)n < sizeof(line))
			vmm_emit(NULL, v->cfg.report_fd, line, (size_t)n);
	}
}

/* leak.c: the leak check. The module passes the host every register the
 * guest selected in RCX (tdx-abi.md 3.1); a selected register that the
 * service does not read (3.4, the host library's per-service table) but
 * that holds a non-zero value is guest data handed to the host for
 * nothing: Linux and EDK2 zero such registers (3.1 "guest hygiene").
 * Inputs per service: the table's `in` (and `in_write` for IO/MMIO
 * writes), plus what the table leaves optional: ReportFatalError's message
 * registers (and R13 when R12 bit 63 is set, 3.8), a vendor call's R11..R14
 * (KVM hypercall arguments, 3.10). Output-only registers (CPUID R14/R15,
 * IO IN R15) are not inputs: data in them is a leak too.
 * Each finding is one line "service, register, RIP" on cfg.report_fd; the
 * RIP is the TDCALL's, from the module's trace hook (see vmm.h). */
#include <stdio.h>

#include "host_int.h"	/* the host library's service table (src/host) */
#include "vmm_int.h"

static const char *const gpr_names[TDX_NR_GPRS] = {
	"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
	"R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
};

static const uint32_t extra_inputs[TDX_HOST_NR_KINDS] = {
	[TDX_HOST_REPORT_FATAL_ERROR] = G(R14) | G(R15) | G(RBX) | G(RDI) | G(RSI) | G(R8) |
					G(R9) | G(RDX),
	[TDX_HOST_VENDOR] = G(R11) | G(R12) | G(R13) | G(R14),
};

uint32_t vmm_leak_mask(const struct tdx_host_req *req, const uint64_t *gpr)
{
	const struct tdx_host_svc *s = tdx_host_svc(req->kind);
	uint32_t in = s->in | extra_inputs[req->kind], leak = 0;

	if ((req->kind == TDX_HOST_IO && req->io.direction == TDX_HOST_DIR_WRITE) ||
	    (req->kind == TDX_HOST_MMIO && req->mmio.direction == TDX_HOST_DIR_WRITE))
		in |= s->in_write;
	if (req->kind == TDX_HOST_REPORT_FATAL_ERROR && req->fatal.gpa_valid)
		in |= G(R13);
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

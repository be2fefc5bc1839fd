/* fuzz_host_decode.c: TDVMCALL exits (registers, expose mask, VM index,
 * GPAW) through decode, validate, complete, dispatch and the KVM adapter.
 * Invariant: completion never writes a register the guest did not expose
 * (tdx-abi.md 3.1), nor one that is not an output of the service; the KVM
 * round trip keeps the exit reason.
 *
 * Covers: src/host/decode.c src/host/validate.c src/host/complete.c src/host/kvm.c src/host/dispatch.c src/host/table.c src/host/fatal.c
 *
 * Input (fuzz_input.h): a selector byte (bits 2:0 = 7: raw mode, else
 * steered; bits 4:3 VM index; bits 6:5 GPAW: 52, 48, 48, or a raw byte
 * follows; bit 7: valid-looking values), a service byte (steered: one
 * row of `services`, whose expose mask, R10 and R11 it sets; raw: a u16
 * mask), then a u64 per exposed register but R10 and R11 in GPR order
 * (vendor calls: R11 after them; raw: every exposed register), the completion status and outputs, and the bytes user
 * space scribbles over the kvm_run exit. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/ghci.h"
#include <linux/kvm_para.h>

#include "tdxkit/host.h"
#include "fuzz_input.h"

#define take(in, bytes) fz_take(in, bytes)
#define G(r) (1u << TDX_GPR_##r)

/* Every service the decoder knows, with the mask its guest helper uses
 * (tdxkit/ghci.h), and the vendor (KVM hypercall) shapes. */
static const struct { uint64_t r10, r11; uint32_t mask; } services[] = {
	{ 0, TDVMCALL_CPUID, TDX_GHCI_MASK_CPUID },
	{ 0, TDVMCALL_HLT, TDX_GHCI_MASK_HLT },
	{ 0, TDVMCALL_IO, TDX_GHCI_MASK_IO_IN },
	{ 0, TDVMCALL_IO, TDX_GHCI_MASK_IO_OUT },
	{ 0, TDVMCALL_RDMSR, TDX_GHCI_MASK_RDMSR },
	{ 0, TDVMCALL_WRMSR, TDX_GHCI_MASK_WRMSR },
	{ 0, TDVMCALL_MMIO, TDX_GHCI_MASK_MMIO_READ },
	{ 0, TDVMCALL_MMIO, TDX_GHCI_MASK_MMIO_WRITE },
	{ 0, TDVMCALL_WBINVD, G(R10) | G(R11) | G(R12) },
	{ 0, TDVMCALL_PCONFIG, G(R10) | G(R11) | G(R12) },
	{ 0, TDVMCALL_GET_TD_VM_CALL_INFO, TDX_GHCI_MASK_GET_TD_VM_CALL_INFO },
	{ 0, TDVMCALL_MAP_GPA, TDX_GHCI_MASK_MAP_GPA },
	{ 0, TDVMCALL_GET_QUOTE, TDX_GHCI_MASK_GET_QUOTE },
	{ 0, TDVMCALL_REPORT_FATAL_ERROR, TDX_GHCI_MASK_REPORT_FATAL_ERROR },
	{ 0, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, TDX_GHCI_MASK_SETUP_EVENT_NOTIFY },
	{ 0, TDVMCALL_SERVICE, TDX_GHCI_R10_R15 },
	{ 0, TDVMCALL_MIGTD, TDX_GHCI_R10_R15 },
	{ KVM_HC_MAP_GPA_RANGE, 0, TDX_GHCI_MASK_KVM_HYPERCALL },	/* vendor */
	{ 1, 0, TDX_GHCI_MASK_KVM_HYPERCALL },					/* other KVM call */
	{ 0, 0x7777, G(R10) | G(R11) },						/* unknown */
};
#define NR_SERVICES (sizeof(services) / sizeof(services[0]))

static const uint64_t statuses[] = {
	TDVMCALL_STATUS_SUCCESS, TDVMCALL_STATUS_RETRY, TDVMCALL_STATUS_INVALID_OPERAND,
	TDVMCALL_STATUS_ALIGN_ERROR, TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED,
};

/* Valid-looking inputs for the services with range rules (validate.c),
 * leaving the fuzzer's bits where they can vary. */
static void shape(struct tdx_host_exit *e, uint64_t sb)
{
	uint64_t *g = e->gpr;
	static const uint64_t sizes[] = { 1, 2, 4, 8 };

	switch (g[TDX_GPR_R11]) {
	case TDVMCALL_IO:
		g[TDX_GPR_R12] = sizes[g[TDX_GPR_R12] % 3];
		g[TDX_GPR_R13] &= 1;
		g[TDX_GPR_R14] &= 0xFFFF;
		break;
	case TDVMCALL_MMIO:
		g[TDX_GPR_R12] = sizes[g[TDX_GPR_R12] % 4];
		g[TDX_GPR_R13] &= 1;
		g[TDX_GPR_R14] = (g[TDX_GPR_R14] & (sb - 1) & ~7ull) | sb;
		break;
	case TDVMCALL_GET_TD_VM_CALL_INFO:
		g[TDX_GPR_R12] &= 1;
		break;
	case TDVMCALL_MAP_GPA:
	case TDVMCALL_GET_QUOTE:
		g[TDX_GPR_R12] &= (sb - 1) & ~0xFFFull;
		g[TDX_GPR_R12] |= e->gpr[TDX_GPR_R15] & 1 ? sb : 0;
		g[TDX_GPR_R13] = ((g[TDX_GPR_R13] & 0xFFF) + 1) << 12;
		break;
	case TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT:
		g[TDX_GPR_R12] = 32 + g[TDX_GPR_R12] % 224;
		break;
	}
}

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
	struct fz_in in_, *in = &in_;
	struct tdx_host_config cfg;
	struct tdx_host_exit e, before;
	struct tdx_host_req req;
	struct tdx_host_resp resp;
	static union { struct kvm_run run; uint8_t b[TDX_HOST_KVM_RUN_SIZE]; } m;
	struct kvm_run *run = &m.run;
	char line[160];

	fz_init(in, data, size);
	uint8_t sel = (uint8_t)take(in, 1);
	unsigned gw = sel >> 5 & 3;
	cfg.gpaw = gw == 0 ? 52 : gw < 3 ? 48 : (unsigned)take(in, 1);
	uint64_t sb = 1ull << ((cfg.gpaw >= 13 && cfg.gpaw <= 63 ? cfg.gpaw : 48) - 1);
	memset(&e, 0, sizeof(e));
	if ((sel & 7) != 7) {	/* steered: a real service with its own mask */
		unsigned k = (unsigned)take(in, 1) % NR_SERVICES;
		e.qual = services[k].mask | (uint64_t)(sel >> 3 & 3) << 32;
		for (unsigned i = 0; i < TDX_NR_GPRS; i++)
			if (tdx_host_exposed(&e, (enum tdx_gpr)i) && i != TDX_GPR_R10 && i != TDX_GPR_R11)
				e.gpr[i] = take(in, 8);
		e.gpr[TDX_GPR_R10] = services[k].r10;
		e.gpr[TDX_GPR_R11] = services[k].r10 ? take(in, 8) : services[k].r11;
		if (sel & 0x80)
			shape(&e, sb);
	} else {
		e.qual = take(in, 2) | (take(in, 1) & 3) << 32;
		for (unsigned i = 0; i < TDX_NR_GPRS; i++)
			if (tdx_host_exposed(&e, (enum tdx_gpr)i))
				e.gpr[i] = take(in, 8);
	}

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
		statuses[take(in, 1) % (sizeof(statuses) / sizeof(statuses[0]))] : st;
	for (unsigned i = TDX_GPR_R10; i < TDX_NR_GPRS; i++)	/* the GHCI output registers */
		resp.out[i] = take(in, 8);
	before = e;
	int rc = tdx_host_complete(&e, &req, &resp);
	if (rc != (tdx_host_exposed(&before, TDX_GPR_R10) ? 0 : -1))
		abort();
	check(&before, &e, &req, resp.status);

	/* KVM shape, both ways, with user space scribbling over the exit. */
	if (st == TDVMCALL_STATUS_SUCCESS &&
	    tdx_host_kvm_from_req(&cfg, &before, &req, run, sizeof(m)) == 0) {
		uint32_t reason = run->exit_reason;
		uint8_t *u = m.b;
		/* Pairs of (offset, byte) into the exit, then maybe a new reason. */
		unsigned n = (unsigned)take(in, 1) % 16;
		for (unsigned i = 0; i < n; i++) {
			size_t off = 8 + (size_t)take(in, 2) % (sizeof(m) - 8);
			u[off] = (uint8_t)take(in, 1);
		}
		if (take(in, 1) == 0xEE)
			run->exit_reason = (uint32_t)take(in, 1);
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

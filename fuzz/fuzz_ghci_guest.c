/* fuzz_ghci_guest.c: the guest's GHCI services (tdxkit/ghci.h) against a
 * fuzzed host, in direct mode. The host callback writes fuzz bytes into
 * every register the guest exposed, R10 (the status) included.
 *
 * Covers: src/guest/ghci_io.c src/guest/ghci_mapgpa.c src/guest/ghci_misc.c src/guest/ghci_msr.c src/guest/ghci_quote.c
 *
 * Input (fuzz_input.h): from the front, up to 32 (service byte % 13,
 * argument bytes); from the back, the host's answers (registers, status:
 * mostly a real GHCI status), which run dry into zeros (SUCCESS).
 * Invariants (abort on violation), tdx-abi.md 3 and ghci.h:
 *  - the host sees exactly the service's expose mask;
 *  - outputs respect the service's size (io_in(1) <= 0xFF, CPUID 32-bit
 *    words, MMIO read of n bytes < 2^(8n)) and are 0 unless SUCCESS;
 *  - MapGPA terminates with SUCCESS, a host status, or one of the two
 *    software errors, after a bounded number of host calls, and never
 *    lets the host move it outside [start, end).
 * ReportFatalError is not fuzzed: it never returns by design. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/direct.h"
#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"
#include "fuzz_input.h"

static struct fz_in in;

#define take(bytes) fz_take(&in, bytes)		/* the guest's calls */
#define answer(bytes) fz_back(&in, bytes)	/* the host's answers */

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "violated: %s (line %d)\n", #c, __LINE__); abort(); } } while (0)

static struct {
	unsigned calls;
	uint64_t mask;		/* mask of the last call */
	uint64_t r12;		/* R12 of the last call (MapGPA start) */
} H;

/* Status: mostly the real ones, sometimes any 64-bit value. */
static uint64_t fuzz_status(void)
{
	static const uint64_t st[] = {
		TDVMCALL_STATUS_SUCCESS, TDVMCALL_STATUS_RETRY, TDVMCALL_STATUS_INVALID_OPERAND,
		TDVMCALL_STATUS_GPA_INUSE, TDVMCALL_STATUS_ALIGN_ERROR,
		TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED,
	};
	uint8_t k = (uint8_t)answer(1);
	return k < 0xF0 ? st[k % 6] : answer(8);
}

static int host_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	H.calls++;
	H.mask = e->exit_qual;
	H.r12 = e->vmm.r12;
	/* Every register, then the status; unexposed ones are written too:
	 * the module must not pass them back. One byte each: a small value,
	 * or with bit 7 set, 8 more bytes of full garbage. */
	for (unsigned g = TDX_GPR_RDX; g < TDX_NR_GPRS; g++) {
		uint64_t v = answer(1);
		e->vmm.gpr[g] = v & 0x80 ? answer(8) : v;
	}
	e->vmm.r10 = fuzz_status();
	/* MapGPA: often a plausible RETRY address, to reach the policy. */
	if (e->vmm.r11 == 0 && (uint8_t)answer(1) < 0xC0)
		e->vmm.r11 = (e->vmm.r12 & ~0xFFFull) + (answer(1) << 12);
	return 0;
}

static struct tdx_td *td;

static void init(void)
{
	struct tdx_td_config cfg;
	char err[256];

	tdx_td_config_init(&cfg);
	cfg.mem_size = 4ull << 20;
	cfg.host.tdvmcall = host_tdvmcall;
	td = tdx_td_create(&cfg, err, sizeof(err));
	if (!td) {
		fprintf(stderr, "tdx_td_create: %s\n", err);
		abort();
	}
	tdx_direct_attach(td, 0);
}

static int ok_status(uint64_t st)
{
	return st == TDVMCALL_STATUS_SUCCESS;
}

static void one(uint8_t op)
{
	unsigned before = H.calls;
	uint64_t st, v = 0;
	uint32_t v32 = 0;

	switch (op % 13) {
	case 0: {
		struct tdx_ghci_cpuid c;
		st = tdx_ghci_cpuid((uint32_t)take(4), (uint32_t)take(4), &c);
		CHECK(H.mask == TDX_GHCI_MASK_CPUID);
		if (!ok_status(st))
			CHECK((c.eax | c.ebx | c.ecx | c.edx) == 0);
		break;
	}
	case 1:
		tdx_ghci_hlt(take(1) & 1);
		CHECK(H.mask == TDX_GHCI_MASK_HLT);
		break;
	case 2: {
		unsigned size = (unsigned)take(1) % 6;
		st = tdx_ghci_io_in((uint16_t)take(2), size, &v32);
		if (size == 1 || size == 2 || size == 4) {
			CHECK(H.calls == before + 1 && H.mask == TDX_GHCI_MASK_IO_IN);
			if (size < 4)
				CHECK(v32 < (1u << (8 * size)));
		} else {
			CHECK(H.calls == before && st == TDVMCALL_STATUS_INVALID_OPERAND);
		}
		if (!ok_status(st))
			CHECK(v32 == 0);
		break;
	}
	case 3: {
		unsigned size = (unsigned)take(1) % 6;
		st = tdx_ghci_io_out((uint16_t)take(2), size, (uint32_t)take(4));
		if (H.calls != before)
			CHECK(H.mask == TDX_GHCI_MASK_IO_OUT);
		break;
	}
	case 4:
		st = tdx_ghci_rdmsr((uint32_t)take(4), &v);
		CHECK(H.mask == TDX_GHCI_MASK_RDMSR);
		if (!ok_status(st))
			CHECK(v == 0);
		break;
	case 5:
		tdx_ghci_wrmsr((uint32_t)take(4), take(8));
		CHECK(H.mask == TDX_GHCI_MASK_WRMSR);
		break;
	case 6: {
		unsigned size = (unsigned)take(1) % 10;
		uint64_t gpa = take(8);
		st = tdx_ghci_mmio_read(gpa, size, &v);
		if (H.calls != before) {
			CHECK(H.mask == TDX_GHCI_MASK_MMIO_READ);
			if (size < 8)
				CHECK(v < (1ull << (8 * size)));
		}
		if (!ok_status(st))
			CHECK(v == 0);
		break;
	}
	case 7: {
		unsigned size = (unsigned)take(1) % 10;
		tdx_ghci_mmio_write(take(8), size, take(8));
		if (H.calls != before)
			CHECK(H.mask == TDX_GHCI_MASK_MMIO_WRITE);
		break;
	}
	case 8: {
		uint64_t start = take(8) & ~0xFFFull, size = (take(2) + 1) << 12, done = 0;
		if (start + size < start)
			break;
		st = tdx_ghci_map_gpa(start, size, &done);
		CHECK(H.calls > before);
		CHECK(H.mask == TDX_GHCI_MASK_MAP_GPA);
		/* Each call either advances by a page or is one of 1 + 3 stalls. */
		CHECK(H.calls - before <= (size >> 12) * (1 + TDX_GHCI_MAP_GPA_STALLS));
		CHECK(st != TDVMCALL_STATUS_RETRY);
		CHECK(done >= start && done <= start + size);
		CHECK(H.r12 >= start && H.r12 < start + size);
		if (st == TDVMCALL_STATUS_SUCCESS)
			CHECK(done == start + size);
		break;
	}
	case 9:
		tdx_ghci_get_quote(take(8), take(8));
		CHECK(H.mask == TDX_GHCI_MASK_GET_QUOTE);
		break;
	case 10: {
		unsigned vec = (unsigned)take(2) % 300;
		st = tdx_ghci_setup_event_notify(vec);
		if (vec < 32 || vec > 255)
			CHECK(H.calls == before && st == TDVMCALL_STATUS_INVALID_OPERAND);
		else
			CHECK(H.mask == TDX_GHCI_MASK_SETUP_EVENT_NOTIFY);
		break;
	}
	case 11: {
		struct tdx_ghci_info info;
		st = tdx_ghci_get_td_vm_call_info(take(1) % 3, &info);
		CHECK(H.mask == TDX_GHCI_MASK_GET_TD_VM_CALL_INFO);
		if (!ok_status(st))
			CHECK((info.r[0] | info.r[1] | info.r[2] | info.r[3]) == 0);
		break;
	}
	case 12: {
		uint64_t nr = take(1);
		tdx_ghci_kvm_hypercall(nr, take(8), take(8), take(8), take(8));
		if (nr)
			CHECK(H.calls == before + 1 && H.mask == TDX_GHCI_MASK_KVM_HYPERCALL);
		else
			CHECK(H.calls == before);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!td)
		init();
	fz_init(&in, data, size);
	for (unsigned n = 0; n < 32 && in.n; n++)
		one((uint8_t)take(1));
	return 0;
}

/* test_host.c: the host-side TDVMCALL library (include/tdxkit/host.h):
 * decode, validation statuses, completion into exposed registers only, the
 * KVM uAPI adapter, ReportFatalError, and the module-model adapter. */
#include <string.h>
#include <linux/kvm_para.h>

#include "testutil.h"
#include "tdxkit/host.h"

#define B(r) (1u << TDX_GPR_##r)
#define STD_MASK 0xFFCCu	/* Linux/EDK2: RDX,RBX,RSI,RDI,R8-R15 (3.1) */
#define SB48 (1ull << 47)

static const struct tdx_host_config cfg48 = { .gpaw = 48 };
static const struct tdx_host_config cfg52 = { .gpaw = 52 };

/* An exit as TDH.VP.ENTER returns it: unexposed registers read 0. */
static void mk(struct tdx_host_exit *e, uint32_t mask, uint64_t r10, uint64_t r11,
	       uint64_t r12, uint64_t r13, uint64_t r14, uint64_t r15)
{
	uint64_t v[TDX_NR_GPRS] = { 0 };

	v[TDX_GPR_R10] = r10; v[TDX_GPR_R11] = r11; v[TDX_GPR_R12] = r12;
	v[TDX_GPR_R13] = r13; v[TDX_GPR_R14] = r14; v[TDX_GPR_R15] = r15;
	memset(e, 0, sizeof(*e));
	e->qual = mask;
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		if (mask & (1u << i))
			e->gpr[i] = v[i];
}

static uint64_t dec(const struct tdx_host_config *c, uint32_t mask, uint64_t r11, uint64_t r12,
		    uint64_t r13, uint64_t r14, uint64_t r15, struct tdx_host_req *req)
{
	struct tdx_host_exit e;
	struct tdx_host_req scratch;

	mk(&e, mask, 0, r11, r12, r13, r14, r15);
	return tdx_host_decode(c, &e, req ? req : &scratch);
}

/* ---- decode ------------------------------------------------------------- */
static void test_decode_standard(void **state)
{
	struct tdx_host_req q;
	struct tdx_host_exit e;

	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_CPUID, 0x40000000, 1, 0, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_CPUID); ASSERT_EQ(q.cpuid.leaf, 0x40000000); ASSERT_EQ(q.cpuid.subleaf, 1);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_HLT, 1, 0, 0, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_HLT); ASSERT_EQ(q.hlt.irq_blocked, 1);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_IO, 2, 1, 0x3F8, 0xABCD1234, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_IO); ASSERT_EQ(q.io.size, 2); ASSERT_EQ(q.io.direction, 1);
	ASSERT_EQ(q.io.port, 0x3F8); ASSERT_EQ(q.io.data, 0x1234);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_RDMSR, 0x1B, 0, 0, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_RDMSR); ASSERT_EQ(q.rdmsr.index, 0x1B);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_WRMSR, 0x10, 0x1122334455667788ull, 0, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_WRMSR); ASSERT_EQ(q.wrmsr.index, 0x10);
	ASSERT_EQ(q.wrmsr.value, 0x1122334455667788ull);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MMIO, 4, 0, SB48 | 0xFEE00000, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_MMIO); ASSERT_EQ(q.mmio.gpa, SB48 | 0xFEE00000);
	ASSERT_EQ(q.mmio.addr, 0xFEE00000); ASSERT_EQ(q.mmio.size, 4); ASSERT_EQ(q.mmio.direction, 0);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_WBINVD, 1, 0, 0, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_WBINVD); ASSERT_EQ(q.wbinvd.op, 1);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_GET_TD_VM_CALL_INFO, 1, 0, 0, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_GET_TD_VM_CALL_INFO); ASSERT_EQ(q.info.leaf, 1);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MAP_GPA, SB48 | 0x100000, 0x3000, 0, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_MAP_GPA); ASSERT_EQ(q.map_gpa.to_shared, 1);
	ASSERT_EQ(q.map_gpa.addr, 0x100000); ASSERT_EQ(q.map_gpa.size, 0x3000);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_GET_QUOTE, SB48 | 0x200000, 0x2000, 0, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_GET_QUOTE); ASSERT_EQ(q.quote.addr, 0x200000); ASSERT_EQ(q.quote.size, 0x2000);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_REPORT_FATAL_ERROR, 7, 0, 0x6968, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_REPORT_FATAL_ERROR); ASSERT_EQ(q.fatal.code, 7);
	assert_string_equal(q.fatal.msg, "hi");
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, 0xF3, 0, 0, 0, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_SETUP_EVENT_NOTIFY); ASSERT_EQ(q.notify.vector, 0xF3);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_SERVICE, SB48 | 0x1000, SB48 | 0x2000, 0, 5, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_SERVICE); ASSERT_EQ(q.service.resp, SB48 | 0x2000);
	ASSERT_EQ(q.service.timeout, 5);
	/* VM index from RCX bits 33:32 (3.1). */
	mk(&e, STD_MASK, 0, TDVMCALL_HLT, 0, 0, 0, 0);
	e.qual |= 2ull << 32;
	ASSERT_STATUS(tdx_host_decode(&cfg48, &e, &q), 0);
	ASSERT_EQ(q.vm, 2);
	assert_string_equal(tdx_host_kind_name(TDX_HOST_MAP_GPA), "MapGPA");
}

static void test_decode_vendor(void **state)
{
	struct tdx_host_exit e;
	struct tdx_host_req q;

	/* KVM hypercall: nr in R10, args R11..R14 (3.10). */
	mk(&e, STD_MASK, 12, 0x1000, 2, 0x10, 0, 0);
	e.gpr[TDX_GPR_R14] = 99;
	ASSERT_STATUS(tdx_host_decode(&cfg48, &e, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_VENDOR); ASSERT_EQ(q.vendor.nr, 12); ASSERT_EQ(q.subfn, 12);
	ASSERT_EQ(q.vendor.args[0], 0x1000); ASSERT_EQ(q.vendor.args[1], 2);
	ASSERT_EQ(q.vendor.args[2], 0x10); ASSERT_EQ(q.vendor.args[3], 99);
	/* Hyper-V style mask 0x0D04: only R10 is required. */
	mk(&e, 0x0D04, 0x10001, 0, 0, 0, 0, 0);
	ASSERT_STATUS(tdx_host_decode(&cfg48, &e, &q), 0);
	ASSERT_EQ(q.kind, TDX_HOST_VENDOR);
}

/* ---- validation ---------------------------------------------------------- */
static void test_unexposed(void **state)
{
	struct tdx_host_exit e;
	struct tdx_host_req q;
	const uint32_t r10_15 = 0xFC00;

	/* R10 hidden: no status can be returned. */
	mk(&e, STD_MASK & ~B(R10), 0, TDVMCALL_HLT, 0, 0, 0, 0);
	ASSERT_STATUS(tdx_host_decode(&cfg48, &e, &q), TDVMCALL_STATUS_INVALID_OPERAND);
	/* R11 hidden: the sub-function is unreadable. */
	ASSERT_STATUS(dec(&cfg48, STD_MASK & ~B(R11), TDVMCALL_HLT, 0, 0, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	/* Input not exposed: IO without its port register. */
	ASSERT_STATUS(dec(&cfg48, r10_15 & ~B(R14), TDVMCALL_IO, 1, 0, 0x80, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	/* IO OUT needs R15 (data); IO IN does not. */
	ASSERT_STATUS(dec(&cfg48, r10_15 & ~B(R15), TDVMCALL_IO, 1, 1, 0x80, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, r10_15 & ~B(R15), TDVMCALL_IO, 1, 0, 0x80, 0, NULL), 0);
	/* Output not exposed: CPUID returns in R12..R15. */
	ASSERT_STATUS(dec(&cfg48, r10_15 & ~B(R15), TDVMCALL_CPUID, 1, 0, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, r10_15 & ~B(R14), TDVMCALL_GET_TD_VM_CALL_INFO, 0, 0, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	/* OVMM masks are enough for their calls (3.1). */
	ASSERT_STATUS(dec(&cfg48, 0x1C00, TDVMCALL_RDMSR, 0x10, 0, 0, 0, NULL), 0);
	ASSERT_STATUS(dec(&cfg48, 0x3C00, TDVMCALL_WRMSR, 0x10, 1, 0, 0, NULL), 0);
	ASSERT_STATUS(dec(&cfg48, 0x1C00, TDVMCALL_WRMSR, 0x10, 1, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	/* ReportFatalError: R13 needed only with R12 bit 63. */
	ASSERT_STATUS(dec(&cfg48, B(R10) | B(R11) | B(R12), TDVMCALL_REPORT_FATAL_ERROR, 1, 0, 0, 0, NULL), 0);
	ASSERT_STATUS(dec(&cfg48, B(R10) | B(R11) | B(R12), TDVMCALL_REPORT_FATAL_ERROR,
			  (1ull << 63) | 1, 0, 0, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
}

static void test_io_rules(void **state)
{
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_IO, 4, 0, 0xFFFF, 0, NULL), 0);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_IO, 3, 0, 0x80, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_IO, 8, 0, 0x80, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_IO, 0x101, 0, 0x80, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_IO, 1, 2, 0x80, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_IO, 1, 0, 0x10000, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
}

static void test_mmio_rules(void **state)
{
	const uint64_t gpa = SB48 | 0xFED00000;

	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MMIO, 8, 1, gpa + 0xFF8, 1, NULL), 0);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MMIO, 3, 0, gpa, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MMIO, 16, 0, gpa, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MMIO, 4, 2, gpa, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	/* Private GPA (3.4). */
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MMIO, 4, 0, 0xFED00000, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	/* Crossing a page. */
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MMIO, 8, 0, gpa + 0xFFC, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	/* Beyond 2^GPAW and wrapping. */
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MMIO, 4, 0, (1ull << 48) | gpa, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MMIO, 8, 0, ~0ull - 3, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	/* GPAW 52: bit 47 is an ordinary address bit, bit 51 is shared. */
	ASSERT_STATUS(dec(&cfg52, STD_MASK, TDVMCALL_MMIO, 4, 0, gpa, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg52, STD_MASK, TDVMCALL_MMIO, 4, 0, (1ull << 51) | 0x1000, 0, NULL), 0);
}

static void test_map_gpa_rules(void **state)
{
	struct tdx_host h;
	struct tdx_host_exit e;

	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MAP_GPA, 0x1800, 0x1000, 0, 0, NULL), TDVMCALL_STATUS_ALIGN_ERROR);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MAP_GPA, 0x1000, 0x1800, 0, 0, NULL), TDVMCALL_STATUS_ALIGN_ERROR);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MAP_GPA, 0x1000, 0, 0, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	/* Start private, end shared: crosses the shared bit. */
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MAP_GPA, SB48 - 0x1000, 0x2000, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	/* Wrap-around and beyond 2^GPAW. */
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MAP_GPA, ~0xFFFull, 0x2000, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MAP_GPA, (1ull << 48) - 0x1000, 0x2000, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MAP_GPA, (1ull << 48) - 0x1000, 0x1000, 0, 0, NULL), 0);
	/* Error completion: R11 = the GPA (KVM, 3.5). */
	tdx_host_init(&h, &cfg48, NULL);
	mk(&e, STD_MASK, 0, TDVMCALL_MAP_GPA, 0x1800, 0x1000, 0, 0);
	assert_int_equal(tdx_host_dispatch(&h, 0, &e), 0);
	ASSERT_STATUS(e.gpr[TDX_GPR_R10], TDVMCALL_STATUS_ALIGN_ERROR);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], 0x1800);
}

static void test_quote_notify_info_rules(void **state)
{
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_GET_QUOTE, 0x200000, 0x1000, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_GET_QUOTE, SB48 | 0x200000, 0, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_GET_QUOTE, SB48 | 0x200000, 0x1234, 0, 0, NULL),
		      TDVMCALL_STATUS_ALIGN_ERROR);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, 31, 0, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, 256, 0, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, 32, 0, 0, 0, NULL), 0);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, 255, 0, 0, 0, NULL), 0);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_GET_TD_VM_CALL_INFO, 2, 0, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_GET_TD_VM_CALL_INFO, 0, 0, 0, 0, NULL), 0);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_SERVICE, SB48 | 0x1000, SB48 | 0x2800, 0, 0, NULL),
		      TDVMCALL_STATUS_ALIGN_ERROR);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_SERVICE, SB48 | 0x1000, SB48 | 0x2000, 7, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
}

static void test_unknown_subfn(void **state)
{
	struct tdx_host_req q;

	ASSERT_STATUS(dec(&cfg48, STD_MASK, 0x12345, 0, 0, 0, 0, &q), TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
	ASSERT_EQ(q.kind, TDX_HOST_UNKNOWN); ASSERT_EQ(q.subfn, 0x12345);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, TDVMCALL_MIGTD, 0, 0, 0, 0, NULL), TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
	ASSERT_STATUS(dec(&cfg48, STD_MASK, 0, 0, 0, 0, 0, NULL), TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
}

/* ---- completion and dispatch --------------------------------------------- */
static int fill_all(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	int *calls = ctx;
	(*calls)++;
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		resp->out[i] = 0xD0D0000000000000ull | i;
	return 0;
}

static void test_complete_exposed_only(void **state)
{
	struct tdx_host h;
	struct tdx_host_exit e;
	int calls = 0;

	tdx_host_init(&h, &cfg48, &calls);
	for (unsigned k = TDX_HOST_CPUID; k < TDX_HOST_NR_KINDS; k++)
		assert_int_equal(tdx_host_register(&h, (enum tdx_host_kind)k, fill_all), 0);
	assert_int_equal(tdx_host_register(&h, TDX_HOST_UNKNOWN, fill_all), -1);
	assert_int_equal(tdx_host_register(&h, TDX_HOST_NR_KINDS, fill_all), -1);

	/* RDMSR with OVMM's R10..R12: only R10 and R11 are written. */
	mk(&e, 0x1C00, 0, TDVMCALL_RDMSR, 0x1B, 0, 0, 0);
	assert_int_equal(tdx_host_dispatch(&h, 0, &e), 0);
	ASSERT_EQ(calls, 1);
	ASSERT_EQ(e.gpr[TDX_GPR_R10], 0);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], 0xD0D0000000000000ull | TDX_GPR_R11);
	ASSERT_EQ(e.gpr[TDX_GPR_R12], 0x1B);
	for (unsigned i = 0; i < TDX_NR_GPRS; i++)
		if (i != TDX_GPR_R10 && i != TDX_GPR_R11 && i != TDX_GPR_R12)
			ASSERT_EQ(e.gpr[i], 0);
	/* CPUID with the Linux mask: R12..R15 written, RBX/RSI/... not. */
	mk(&e, STD_MASK, 0, TDVMCALL_CPUID, 1, 0, 0, 0);
	e.gpr[TDX_GPR_RBX] = 0x55;
	assert_int_equal(tdx_host_dispatch(&h, 0, &e), 0);
	for (unsigned i = TDX_GPR_R12; i <= TDX_GPR_R15; i++)
		ASSERT_EQ(e.gpr[i], 0xD0D0000000000000ull | i);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], TDVMCALL_CPUID);
	ASSERT_EQ(e.gpr[TDX_GPR_RBX], 0x55);
	/* WRMSR: no outputs at all besides R10. */
	mk(&e, STD_MASK, 0, TDVMCALL_WRMSR, 0x10, 5, 0, 0);
	assert_int_equal(tdx_host_dispatch(&h, 0, &e), 0);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], TDVMCALL_WRMSR);
	ASSERT_EQ(e.gpr[TDX_GPR_R13], 5);
	/* A rejected call does not reach the handler. */
	calls = 0;
	mk(&e, STD_MASK, 0, TDVMCALL_IO, 3, 0, 0x80, 0);
	assert_int_equal(tdx_host_dispatch(&h, 0, &e), 0);
	ASSERT_EQ(calls, 0);
	ASSERT_STATUS(e.gpr[TDX_GPR_R10], TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], TDVMCALL_IO);
	/* R10 hidden: complete refuses to deliver anything. */
	struct tdx_host_req q;
	struct tdx_host_resp r = { .status = 0 };
	mk(&e, 0x0800, 0, TDVMCALL_RDMSR, 0, 0, 0, 0);
	tdx_host_decode(&cfg48, &e, &q);
	assert_int_equal(tdx_host_complete(&e, &q, &r), -1);
}

static void test_dispatch_defaults(void **state)
{
	struct tdx_host h;
	struct tdx_host_exit e;

	tdx_host_init(&h, &cfg48, NULL);
	/* No handler: SUBFUNC_UNSUPPORTED (KVM for unhandled services). */
	mk(&e, STD_MASK, 0, TDVMCALL_GET_QUOTE, SB48 | 0x1000, 0x1000, 0, 0);
	tdx_host_dispatch(&h, 0, &e);
	ASSERT_STATUS(e.gpr[TDX_GPR_R10], TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
	/* MapGPA unsupported (KVM without KVM_HC_MAP_GPA_RANGE exits): R11 = GPA. */
	mk(&e, STD_MASK, 0, TDVMCALL_MAP_GPA, SB48 | 0x4000, 0x1000, 0, 0);
	tdx_host_dispatch(&h, 0, &e);
	ASSERT_STATUS(e.gpr[TDX_GPR_R10], TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], SB48 | 0x4000);
	/* GetTdVmCallInfo is answered built-in: SUCCESS, R11..R14 = 0 (3.6). */
	mk(&e, STD_MASK, 0, TDVMCALL_GET_TD_VM_CALL_INFO, 0, 7, 7, 7);
	tdx_host_dispatch(&h, 0, &e);
	ASSERT_STATUS(e.gpr[TDX_GPR_R10], 0);
	for (unsigned i = TDX_GPR_R11; i <= TDX_GPR_R14; i++)
		ASSERT_EQ(e.gpr[i], 0);
	ASSERT_EQ(h.last.kind, TDX_HOST_GET_TD_VM_CALL_INFO);
}

/* ---- KVM adapter ---------------------------------------------------------- */
/* A vCPU mapping as KVM lays it out: struct kvm_run, IO data in page 1;
 * filled with garbage so that a field the adapter forgot shows. */
static struct kvm_run *kvm_run_page(void)
{
	static union { struct kvm_run run; uint8_t b[TDX_HOST_KVM_RUN_SIZE]; } m;

	memset(&m, 0xA5, sizeof(m));
	return &m.run;
}

static void decode_ok(const struct tdx_host_config *c, struct tdx_host_exit *e, struct tdx_host_req *q)
{
	ASSERT_STATUS(tdx_host_decode(c, e, q), 0);
}

static void test_kvm_io(void **state)
{
	struct tdx_host_exit e;
	struct tdx_host_req q;
	struct kvm_run *run = kvm_run_page();
	struct tdx_host_resp r;

	/* OUT */
	mk(&e, STD_MASK, 0, TDVMCALL_IO, 2, 1, 0x3F8, 0xBEEF);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_IO);
	ASSERT_EQ(run->io.direction, KVM_EXIT_IO_OUT);
	ASSERT_EQ(run->io.size, 2); ASSERT_EQ(run->io.port, 0x3F8); ASSERT_EQ(run->io.count, 1);
	ASSERT_EQ(run->io.data_offset, 4096);	/* KVM_PIO_PAGE_OFFSET: page 1 of the mapping */
	uint8_t *d = tdx_host_kvm_io_data(run, TDX_HOST_KVM_RUN_SIZE);
	assert_non_null(d);
	ASSERT_EQ(d[0], 0xEF); ASSERT_EQ(d[1], 0xBE);
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	ASSERT_STATUS(r.status, 0);
	/* IN */
	mk(&e, STD_MASK, 0, TDVMCALL_IO, 4, 0, 0x70, 0);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(run->io.direction, KVM_EXIT_IO_IN);
	d = tdx_host_kvm_io_data(run, TDX_HOST_KVM_RUN_SIZE);
	d[0] = 0x44; d[1] = 0x33; d[2] = 0x22; d[3] = 0x11;
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	assert_int_equal(tdx_host_complete(&e, &q, &r), 0);
	ASSERT_EQ(e.gpr[TDX_GPR_R10], 0);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], 0x11223344);
	/* A bogus data_offset is refused, not followed. */
	run->io.data_offset = 1ull << 40;
	assert_null(tdx_host_kvm_io_data(run, TDX_HOST_KVM_RUN_SIZE));
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), -1);
	/* A mapping too small for KVM's IO page is refused. */
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, sizeof(*run)), -1);
	/* Wrong exit kind for the request. */
	run->exit_reason = KVM_EXIT_MMIO;
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), -1);
}

static void test_kvm_mmio(void **state)
{
	struct tdx_host_exit e;
	struct tdx_host_req q;
	struct kvm_run *run = kvm_run_page();
	struct tdx_host_resp r;

	mk(&e, STD_MASK, 0, TDVMCALL_MMIO, 4, 1, SB48 | 0xFEC00010, 0xCAFEF00D);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, 0xFEC00010);	/* shared bit stripped */
	ASSERT_EQ(run->mmio.len, 4); ASSERT_EQ(run->mmio.is_write, 1);
	ASSERT_EQ(run->mmio.data[0], 0x0D); ASSERT_EQ(run->mmio.data[3], 0xCA);
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	ASSERT_STATUS(r.status, 0);

	mk(&e, STD_MASK, 0, TDVMCALL_MMIO, 8, 0, SB48 | 0xFEC00018, 0);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(run->mmio.is_write, 0); ASSERT_EQ(run->mmio.len, 8);
	for (unsigned i = 0; i < 8; i++)
		run->mmio.data[i] = (uint8_t)(0x10 + i);
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	tdx_host_complete(&e, &q, &r);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], 0x1716151413121110ull);
}

static void test_kvm_map_gpa(void **state)
{
	struct tdx_host_exit e;
	struct tdx_host_req q;
	struct kvm_run *run = kvm_run_page();
	struct tdx_host_resp r;

	/* private -> shared, 3 pages: one exit, args per 3.5. */
	mk(&e, STD_MASK, 0, TDVMCALL_MAP_GPA, SB48 | 0x100000, 0x3000, 0, 0);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_HYPERCALL);
	ASSERT_EQ(run->hypercall.nr, KVM_HC_MAP_GPA_RANGE);
	ASSERT_EQ(run->hypercall.args[0], 0x100000);
	ASSERT_EQ(run->hypercall.args[1], 3);
	ASSERT_EQ(run->hypercall.args[2], KVM_MAP_GPA_RANGE_DECRYPTED);
	ASSERT_EQ(run->hypercall.longmode, 1);
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	ASSERT_STATUS(r.status, 0);
	/* user space failed: INVALID_OPERAND, R11 = GPA. */
	run->hypercall.ret = 22;
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	tdx_host_complete(&e, &q, &r);
	ASSERT_STATUS(e.gpr[TDX_GPR_R10], TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], SB48 | 0x100000);

	/* shared -> private, 4 MiB: the first 2 MiB chunk, then RETRY. */
	mk(&e, STD_MASK, 0, TDVMCALL_MAP_GPA, 0x40000000, 0x400000, 0, 0);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(run->hypercall.args[1], 512);
	ASSERT_EQ(run->hypercall.args[2], KVM_MAP_GPA_RANGE_ENCRYPTED);
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	tdx_host_complete(&e, &q, &r);
	ASSERT_STATUS(e.gpr[TDX_GPR_R10], TDVMCALL_STATUS_RETRY);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], 0x40200000);

	/* The KVM hypercall itself as a vendor call; R10 = ret. */
	mk(&e, STD_MASK, KVM_HC_MAP_GPA_RANGE, 0x5000, 2, KVM_MAP_GPA_RANGE_ENCRYPTED, 0, 0);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(run->hypercall.args[0], 0x5000); ASSERT_EQ(run->hypercall.args[1], 2);
	ASSERT_EQ(run->hypercall.args[2], KVM_MAP_GPA_RANGE_ENCRYPTED);
	run->hypercall.ret = 0;
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	tdx_host_complete(&e, &q, &r);
	ASSERT_EQ(e.gpr[TDX_GPR_R10], 0);
}

static void test_kvm_tdx_exits(void **state)
{
	struct tdx_host_exit e;
	struct tdx_host_req q;
	struct kvm_run *run = kvm_run_page();
	struct tdx_host_resp r;

	/* GetQuote -> KVM_EXIT_TDX, ret preset SUBFUNC_UNSUPPORTED (3.7). */
	mk(&e, STD_MASK, 0, TDVMCALL_GET_QUOTE, SB48 | 0x200000, 0x2000, 0, 0);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_TDX);
	ASSERT_EQ(tdx_host_kvm_tdx(run)->nr, TDVMCALL_GET_QUOTE);
	ASSERT_EQ(tdx_host_kvm_tdx(run)->get_quote.gpa, 0x200000);
	ASSERT_EQ(tdx_host_kvm_tdx(run)->get_quote.size, 0x2000);
	ASSERT_STATUS(tdx_host_kvm_tdx(run)->get_quote.ret, TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
	tdx_host_kvm_tdx(run)->get_quote.ret = 0;
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	ASSERT_STATUS(r.status, 0);
	/* GetTdVmCallInfo leaf 1 -> KVM_EXIT_TDX; leaf 0 stays in the kernel. */
	mk(&e, STD_MASK, 0, TDVMCALL_GET_TD_VM_CALL_INFO, 1, 0, 0, 0);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(tdx_host_kvm_tdx(run)->get_tdvmcall_info.leaf, 1);
	ASSERT_STATUS(tdx_host_kvm_tdx(run)->get_tdvmcall_info.ret, 0);
	tdx_host_kvm_tdx(run)->get_tdvmcall_info.r11 = 2;	/* SetupEventNotifyInterrupt supported */
	tdx_host_kvm_tdx(run)->get_tdvmcall_info.r14 = 9;
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	tdx_host_complete(&e, &q, &r);
	ASSERT_EQ(e.gpr[TDX_GPR_R11], 2); ASSERT_EQ(e.gpr[TDX_GPR_R14], 9);
	mk(&e, STD_MASK, 0, TDVMCALL_GET_TD_VM_CALL_INFO, 0, 0, 0, 0);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), -1);
	/* SetupEventNotifyInterrupt. */
	mk(&e, STD_MASK, 0, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, 0xEC, 0, 0, 0);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(tdx_host_kvm_tdx(run)->nr, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT);
	ASSERT_EQ(tdx_host_kvm_tdx(run)->setup_event_notify.vector, 0xEC);
	tdx_host_kvm_tdx(run)->setup_event_notify.ret = TDVMCALL_STATUS_INVALID_OPERAND;
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), 0);
	ASSERT_STATUS(r.status, TDVMCALL_STATUS_INVALID_OPERAND);
	tdx_host_kvm_tdx(run)->nr = TDVMCALL_GET_QUOTE;	/* not this request's exit */
	assert_int_equal(tdx_host_kvm_to_resp(&cfg48, &q, run, TDX_HOST_KVM_RUN_SIZE, &r), -1);
	/* In-kernel kinds have no user-space shape. */
	mk(&e, STD_MASK, 0, TDVMCALL_CPUID, 0, 0, 0, 0);
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), -1);
}

static void test_kvm_fatal(void **state)
{
	struct tdx_host_exit e;
	struct tdx_host_req q;
	struct kvm_run *run = kvm_run_page();

	mk(&e, STD_MASK, 0, TDVMCALL_REPORT_FATAL_ERROR, 3, 0, 0x41, 0x42);
	for (unsigned i = TDX_GPR_RDX; i <= TDX_GPR_R9; i++)
		if (STD_MASK & (1u << i))
			e.gpr[i] = 0x100 + i;
	decode_ok(&cfg48, &e, &q);
	assert_int_equal(tdx_host_kvm_from_req(&cfg48, &e, &q, run, TDX_HOST_KVM_RUN_SIZE), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_SYSTEM_EVENT);
	ASSERT_EQ(run->system_event.type, KVM_SYSTEM_EVENT_TDX_FATAL);
	ASSERT_EQ(run->system_event.ndata, 16);
	/* x86 GPR order: RAX, RCX, RDX, RBX, RSP=0, RBP=0, RSI, RDI, R8..R15. */
	ASSERT_EQ(run->system_event.data[0], TDX_EXIT_TDCALL);
	ASSERT_EQ(run->system_event.data[1], STD_MASK);
	ASSERT_EQ(run->system_event.data[2], 0x100 + TDX_GPR_RDX);
	ASSERT_EQ(run->system_event.data[3], 0x100 + TDX_GPR_RBX);
	ASSERT_EQ(run->system_event.data[4], 0);
	ASSERT_EQ(run->system_event.data[5], 0);
	ASSERT_EQ(run->system_event.data[6], 0x100 + TDX_GPR_RSI);
	ASSERT_EQ(run->system_event.data[7], 0x100 + TDX_GPR_RDI);
	ASSERT_EQ(run->system_event.data[8], 0x100 + TDX_GPR_R8);
	ASSERT_EQ(run->system_event.data[10], 0);
	ASSERT_EQ(run->system_event.data[11], TDVMCALL_REPORT_FATAL_ERROR);
	ASSERT_EQ(run->system_event.data[12], 3);
	ASSERT_EQ(run->system_event.data[14], 0x41);
	ASSERT_EQ(run->system_event.data[15], 0x42);
}

/* ---- ReportFatalError ------------------------------------------------------ */
static uint64_t chars8(const char *s)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8 && s[i]; i++)
		v |= (uint64_t)(uint8_t)s[i] << (8 * i);
	return v;
}

static void test_fatal_decode(void **state)
{
	static const char full[65] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!@";
	static const enum tdx_gpr order[8] = { TDX_GPR_R14, TDX_GPR_R15, TDX_GPR_RBX, TDX_GPR_RDI,
					       TDX_GPR_RSI, TDX_GPR_R8, TDX_GPR_R9, TDX_GPR_RDX };
	struct tdx_host_exit e;
	struct tdx_host_req q;
	char line[200];

	/* Full 64-byte message: the VMM supplies the terminating NUL (3.8). */
	mk(&e, STD_MASK, 0, TDVMCALL_REPORT_FATAL_ERROR, (1ull << 63) | 0xDEAD, SB48 | 0x9000, 0, 0);
	for (unsigned i = 0; i < 8; i++)
		e.gpr[order[i]] = chars8(full + 8 * i);
	decode_ok(&cfg48, &e, &q);
	ASSERT_EQ(q.fatal.code, 0xDEAD);
	ASSERT_EQ(q.fatal.gpa_valid, 1);
	ASSERT_EQ(q.fatal.gpa, SB48 | 0x9000);
	assert_int_equal(strlen(q.fatal.msg), 64);
	assert_string_equal(q.fatal.msg, full);
	tdx_host_fatal_format(&q.fatal, line, sizeof(line));
	assert_non_null(strstr(line, "0x0000dead"));
	assert_non_null(strstr(line, "gpa 0x800000009000"));
	assert_non_null(strstr(line, full));

	/* Short message, no GPA (R13 ignored), control bytes made printable. */
	mk(&e, STD_MASK, 0, TDVMCALL_REPORT_FATAL_ERROR, 0, 0x1234, chars8("oops\n"), 0);
	decode_ok(&cfg48, &e, &q);
	ASSERT_EQ(q.fatal.gpa_valid, 0); ASSERT_EQ(q.fatal.gpa, 0);
	tdx_host_fatal_format(&q.fatal, line, sizeof(line));
	assert_string_equal(line, "TD fatal error 0x00000000: oops?");

	/* TDSHIM mask R10..R15: accepted, message only from R14/R15. */
	mk(&e, 0xFC00, 0, TDVMCALL_REPORT_FATAL_ERROR, 5, 0, chars8("abcdefgh"), chars8("ij"));
	e.gpr[TDX_GPR_RBX] = 0;
	decode_ok(&cfg48, &e, &q);
	assert_string_equal(q.fatal.msg, "abcdefghij");
}

/* ---- end to end through the module model ---------------------------------- */
struct e2e_host {
	struct tdx_host_req seen;
	int calls;
};

static int e2e_handler(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct e2e_host *eh = ctx;
	eh->seen = *req;
	eh->calls++;
	if (req->kind == TDX_HOST_RDMSR)
		resp->out[TDX_GPR_R11] = 0xFEE00900ull + req->rdmsr.index;
	return 0;
}

static void test_module_e2e(void **state)
{
	struct e2e_host eh = { 0 };
	struct tdx_host host;
	struct tdx_td_config cfg;
	struct tdx_regs r;

	tdx_host_init(&host, NULL, &eh);	/* GPAW taken from the TD */
	tdx_host_register(&host, TDX_HOST_IO, e2e_handler);
	tdx_host_register(&host, TDX_HOST_RDMSR, e2e_handler);
	tdx_td_config_init(&cfg);
	cfg.host.tdvmcall = tdx_host_ops_tdvmcall;
	cfg.host.ctx = &host;
	struct tdx_td *td = tu_td_new(&cfg);

	/* IO OUT: port 0x3F8, one byte. */
	memset(&r, 0, sizeof(r));
	r.rax = TDG_VP_VMCALL;
	r.rcx = STD_MASK;
	r.r10 = 0; r.r11 = TDVMCALL_IO; r.r12 = 1; r.r13 = 1; r.r14 = 0x3F8; r.r15 = 'A';
	r.rbp = 0x77;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.rax, TDX_SUCCESS);
	ASSERT_EQ(r.r10, TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(eh.calls, 1);
	ASSERT_EQ(eh.seen.kind, TDX_HOST_IO);
	ASSERT_EQ(eh.seen.io.port, 0x3F8); ASSERT_EQ(eh.seen.io.data, 'A');
	ASSERT_EQ(eh.seen.io.direction, TDX_HOST_DIR_WRITE);
	ASSERT_EQ(r.rbp, 0x77);	/* not exposed: untouched */

	/* RDMSR with OVMM's mask R10..R12. */
	memset(&r, 0, sizeof(r));
	r.rax = TDG_VP_VMCALL;
	r.rcx = 0x1C00;
	r.r11 = TDVMCALL_RDMSR; r.r12 = 0x1B; r.r13 = 0x1313;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.rax, TDX_SUCCESS);
	ASSERT_EQ(r.r10, 0);
	ASSERT_EQ(r.r11, 0xFEE00900ull + 0x1B);
	ASSERT_EQ(r.r13, 0x1313);
	ASSERT_EQ(eh.seen.kind, TDX_HOST_RDMSR); ASSERT_EQ(eh.seen.rdmsr.index, 0x1B);
	ASSERT_EQ(eh.calls, 2);

	/* Unregistered service and a bad IO size: GHCI status, no handler. */
	memset(&r, 0, sizeof(r));
	r.rax = TDG_VP_VMCALL;
	r.rcx = STD_MASK;
	r.r11 = TDVMCALL_IO; r.r12 = 3; r.r14 = 0x80;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.r10, TDVMCALL_STATUS_INVALID_OPERAND);
	r.rax = TDG_VP_VMCALL;
	r.r11 = TDVMCALL_WRMSR; r.r12 = 0x10;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_DONE);
	ASSERT_STATUS(r.r10, TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
	ASSERT_EQ(eh.calls, 2);
	ASSERT_EQ(host.cfg.gpaw, 48);
	tdx_td_destroy(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_standard),
		cmocka_unit_test(test_decode_vendor),
		cmocka_unit_test(test_unexposed),
		cmocka_unit_test(test_io_rules),
		cmocka_unit_test(test_mmio_rules),
		cmocka_unit_test(test_map_gpa_rules),
		cmocka_unit_test(test_quote_notify_info_rules),
		cmocka_unit_test(test_unknown_subfn),
		cmocka_unit_test(test_complete_exposed_only),
		cmocka_unit_test(test_dispatch_defaults),
		cmocka_unit_test(test_kvm_io),
		cmocka_unit_test(test_kvm_mmio),
		cmocka_unit_test(test_kvm_map_gpa),
		cmocka_unit_test(test_kvm_tdx_exits),
		cmocka_unit_test(test_kvm_fatal),
		cmocka_unit_test(test_fatal_decode),
		cmocka_unit_test(test_module_e2e),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

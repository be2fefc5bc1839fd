/* test_vmm.c: the default host of tdx-run (include/tdxkit/vmm.h) in direct
 * mode, driven with raw TDG.VP.VMCALL register sets: UART, exit port,
 * CPUID, MSRs, the MMIO test device, MapGPA (both directions, chunking),
 * GetQuote (async, notify vector), GetTdVmCallInfo, ReportFatalError,
 * trace (human and JSON), stats and the leak check. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/host.h"
#include "tdxkit/quote.h"
#include "tdxkit/vmm.h"

#define B(r) (1ull << TDX_GPR_##r)
#define M_R10_R12 0x1C00u
#define M_R10_R13 0x3C00u
#define M_R10_R14 0x7C00u
#define M_R10_R15 0xFC00u
#define MEM (64ull << 20)
#define RIP 0x1000

struct fx {
	struct tdx_vmm *v;
	struct tdx_td *td;
	int uart[2], report[2];
	FILE *trace;
	char *tbuf;
	size_t tlen;
	uint64_t sb;
	struct tdx_mem_windows w;
};

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* A VMM with UART and reports on pipes; `tweak` adjusts the config. */
static struct fx *fx_new(void (*tweak)(struct tdx_vmm_config *, struct fx *))
{
	struct fx *f = calloc(1, sizeof(*f));
	struct tdx_vmm_config c;
	struct tdx_td_config tc;
	char err[256] = "";

	assert_non_null(f);
	assert_int_equal(pipe(f->uart), 0);
	assert_int_equal(pipe(f->report), 0);
	nonblock(f->uart[0]);
	nonblock(f->report[0]);
	tdx_vmm_config_init(&c);
	c.uart_fd = f->uart[1];
	c.report_fd = f->report[1];
	if (tweak)
		tweak(&c, f);
	f->v = tdx_vmm_new(&c, err, sizeof(err));
	if (!f->v)
		fail_msg("tdx_vmm_new: %s", err);
	tdx_td_config_init(&tc);
	tc.mem_size = MEM;
	tdx_vmm_attach(f->v, &tc);
	f->td = tu_td_new(&tc);
	tdx_vmm_install_trace(f->v, f->td);
	f->sb = tdx_td_shared_bit(f->td);
	tdx_td_windows(f->td, &f->w);
	return f;
}

static void fx_free(struct fx *f)
{
	tdx_vmm_destroy(f->v);
	tdx_td_destroy(f->td);
	if (f->trace)
		fclose(f->trace);
	free(f->tbuf);
	close(f->uart[0]); close(f->uart[1]);
	close(f->report[0]); close(f->report[1]);
	free(f);
}

static size_t drain(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = 0;
	return n;
}

/* One TDG.VP.VMCALL with R10 = 0; returns the outcome, *r what the guest sees. */
static enum tdx_tdcall_outcome vmcall_o(struct fx *f, uint32_t mask, uint64_t r11, uint64_t r12,
					uint64_t r13, uint64_t r14, uint64_t r15, struct tdx_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->rcx = mask;
	r->r11 = r11; r->r12 = r12; r->r13 = r13; r->r14 = r14; r->r15 = r15;
	r->rip = RIP;
	return tdx_vmm_tdcall(f->v, f->td, 0, r, NULL);
}

/* The same, expected to complete; returns R10. */
static uint64_t vmcall(struct fx *f, uint32_t mask, uint64_t r11, uint64_t r12, uint64_t r13,
		       uint64_t r14, uint64_t r15, struct tdx_regs *out)
{
	struct tdx_regs r;

	if (vmcall_o(f, mask, r11, r12, r13, r14, r15, &r) != TDX_OUTCOME_DONE)
		fail_msg("TDVMCALL 0x%llx did not complete: %s", (unsigned long long)r11,
			 tdx_td_dead_reason(f->td) ? tdx_td_dead_reason(f->td) : "-");
	ASSERT_STATUS(r.rax, TDX_SUCCESS);
	if (out)
		*out = r;
	return r.r10;
}

static uint64_t io(struct fx *f, int write, unsigned size, uint16_t port, uint64_t data, uint64_t *in)
{
	struct tdx_regs r;
	uint64_t st = vmcall(f, write ? M_R10_R15 : M_R10_R14, TDVMCALL_IO, size, write, port,
			     write ? data : 0, &r);
	if (in)
		*in = r.r11;
	return st;
}

/* ---- UART and exit port -------------------------------------------------- */
static void test_uart(void **state)
{
	struct fx *f = fx_new(NULL);
	const char *msg = "Hi TD\n";
	char out[64];
	uint64_t v;

	for (const char *p = msg; *p; p++)
		ASSERT_STATUS(io(f, 1, 1, TDX_VMM_UART_PORT, (uint8_t)*p, NULL), 0);
	assert_int_equal(drain(f->uart[0], out, sizeof(out)), strlen(msg));
	assert_string_equal(out, msg);
	/* LSR: transmitter empty; IIR: no interrupt; scratch register keeps a byte. */
	ASSERT_STATUS(io(f, 0, 1, TDX_VMM_UART_PORT + 5, 0, &v), 0);
	ASSERT_EQ(v, 0x60);
	ASSERT_STATUS(io(f, 0, 1, TDX_VMM_UART_PORT + 2, 0, &v), 0);
	ASSERT_EQ(v, 0x01);
	io(f, 1, 1, TDX_VMM_UART_PORT + 7, 0xA5, NULL);
	io(f, 0, 1, TDX_VMM_UART_PORT + 7, 0, &v);
	ASSERT_EQ(v, 0xA5);
	/* DLAB set: THR writes go to the divisor latch, not to the fd. */
	io(f, 1, 1, TDX_VMM_UART_PORT + 3, 0x80, NULL);
	io(f, 1, 1, TDX_VMM_UART_PORT, 0x01, NULL);
	io(f, 1, 1, TDX_VMM_UART_PORT + 3, 0x03, NULL);
	assert_int_equal(drain(f->uart[0], out, sizeof(out)), 0);
	/* No device: open bus. */
	io(f, 0, 2, 0x80, 0, &v);
	ASSERT_EQ(v, 0xFFFF);
	fx_free(f);
}

static void test_exit_port(void **state)
{
	struct fx *f = fx_new(NULL);
	struct tdx_regs r;
	int status = -1;

	assert_int_equal(tdx_vmm_exit_status(f->v, &status), 0);
	assert_int_equal(vmcall_o(f, M_R10_R15, TDVMCALL_IO, 1, 1, TDX_VMM_EXIT_PORT, 42, &r),
			 TDX_OUTCOME_TD_DEAD);
	assert_int_equal(tdx_vmm_exit_status(f->v, &status), 1);
	assert_int_equal(status, 42);
	assert_non_null(strstr(tdx_vmm_exit_reason(f->v), "status 42"));
	assert_non_null(tdx_td_dead_reason(f->td));
	/* The TD stays stopped. */
	assert_int_equal(vmcall_o(f, M_R10_R14, TDVMCALL_IO, 1, 0, 0x3F8, 0, &r), TDX_OUTCOME_TD_DEAD);
	fx_free(f);
}

/* ---- CPUID, MSRs ----------------------------------------------------------- */
static void test_cpuid(void **state)
{
	struct fx *f = fx_new(NULL);
	struct tdx_regs r;
	char sig[13];

	ASSERT_STATUS(vmcall(f, M_R10_R15, TDVMCALL_CPUID, 1, 0, 0, 0, &r), 0);
	ASSERT_EQ(r.r14 >> 31 & 1, 1);		/* ECX[31]: hypervisor present */
	ASSERT_EQ(r.r14 >> 21 & 1, 1);		/* x2APIC */
	ASSERT_STATUS(vmcall(f, M_R10_R15, TDVMCALL_CPUID, 0x40000000, 0, 0, 0, &r), 0);
	ASSERT_EQ(r.r12, 0x40000001);
	uint32_t w[3] = { (uint32_t)r.r13, (uint32_t)r.r14, (uint32_t)r.r15 };
	memcpy(sig, w, 12);
	sig[12] = 0;
	assert_string_equal(sig, "tdxkit-model");
	ASSERT_STATUS(vmcall(f, M_R10_R15, TDVMCALL_CPUID, 0x80000008, 0, 0, 0, &r), 0);
	ASSERT_EQ(r.r12 & 0xFF, 48);		/* physical bits = GPAW */
	ASSERT_STATUS(vmcall(f, M_R10_R15, TDVMCALL_CPUID, 0x12345678, 0, 0, 0, &r), 0);
	ASSERT_EQ(r.r12 | r.r13 | r.r14 | r.r15, 0);
	fx_free(f);
}

static void test_msr(void **state)
{
	struct fx *f = fx_new(NULL);
	struct tdx_regs r;

	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_WRMSR, 0x4B584D00, 0x1122334455667788ull, 0, 0, NULL), 0);
	ASSERT_STATUS(vmcall(f, M_R10_R12, TDVMCALL_RDMSR, 0x4B584D00, 0, 0, 0, &r), 0);
	ASSERT_EQ(r.r11, 0x1122334455667788ull);
	ASSERT_STATUS(vmcall(f, M_R10_R12, TDVMCALL_RDMSR, 0x1B, 0, 0, 0, &r), 0);
	ASSERT_EQ(r.r11, 0xFEE00D00);
	/* Unknown MSR, read-only MSR, reserved bits. */
	ASSERT_STATUS(vmcall(f, M_R10_R12, TDVMCALL_RDMSR, 0x12345, 0, 0, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_WRMSR, 0x12345, 1, 0, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_WRMSR, 0x1B, 0, 0, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_WRMSR, 0x140, 4, 0, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_WRMSR, 0x140, 1, 0, 0, NULL), 0);
	fx_free(f);
}

/* ---- MMIO test device ------------------------------------------------------- */
static void test_mmio(void **state)
{
	struct fx *f = fx_new(NULL);
	struct tdx_regs r;
	uint64_t dev = f->sb | MEM;	/* default: the page just above TD memory */

	ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_MMIO, 8, 0, dev + TDX_VMM_MMIO_ID, 0, &r), 0);
	ASSERT_EQ(r.r11, TDX_VMM_MMIO_ID_VALUE);
	ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_MMIO, 4, 0, dev + TDX_VMM_MMIO_ID + 4, 0, &r), 0);
	ASSERT_EQ(r.r11, TDX_VMM_MMIO_ID_VALUE >> 32);
	ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_MMIO, 8, 0, dev + TDX_VMM_MMIO_VERSION, 0, &r), 0);
	ASSERT_EQ(r.r11, 1);
	ASSERT_STATUS(vmcall(f, M_R10_R15, TDVMCALL_MMIO, 8, 1, dev + TDX_VMM_MMIO_SCRATCH, 0xCAFEF00D12345678ull, NULL), 0);
	ASSERT_STATUS(vmcall(f, M_R10_R15, TDVMCALL_MMIO, 1, 1, dev + TDX_VMM_MMIO_SCRATCH, 0xAA, NULL), 0);
	ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_MMIO, 8, 0, dev + TDX_VMM_MMIO_SCRATCH, 0, &r), 0);
	ASSERT_EQ(r.r11, 0xCAFEF00D123456AAull);
	for (uint64_t i = 0; i < 3; i++) {
		ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_MMIO, 4, 0, dev + TDX_VMM_MMIO_COUNTER, 0, &r), 0);
		ASSERT_EQ(r.r11, i);
	}
	ASSERT_STATUS(vmcall(f, M_R10_R15, TDVMCALL_MMIO, 8, 1, dev + TDX_VMM_MMIO_COUNTER, 100, NULL), 0);
	ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_MMIO, 8, 0, dev + TDX_VMM_MMIO_COUNTER, 0, &r), 0);
	ASSERT_EQ(r.r11, 100);
	/* Private GPA: refused by the host library (3.4). Elsewhere: open bus. */
	ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_MMIO, 8, 0, MEM, 0, NULL), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_MMIO, 2, 0, dev + 0x2000, 0, &r), 0);
	ASSERT_EQ(r.r11, 0xFFFF);
	fx_free(f);
}

/* ---- MapGPA -------------------------------------------------------------- */
static void state_is(struct fx *f, uint64_t gpa, int shared, enum tdx_sept_state sept)
{
	struct tdx_page_state st;

	assert_int_equal(tdx_td_page_state(f->td, gpa, &st), 0);
	ASSERT_EQ(st.shared, shared);
	ASSERT_EQ(st.sept, sept);
}

static void test_map_gpa_both_ways(void **state)
{
	struct fx *f = fx_new(NULL);
	const uint64_t gpa = 0x100000, len = 0x3000;
	struct tdx_regs r;

	tu_accept(f->td, gpa, len);
	state_is(f, gpa, 0, TDX_SEPT_PRESENT);
	memset(f->w.private_base + gpa, 0x5A, len);
	/* private -> shared: the shared window works, the private content is gone. */
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_MAP_GPA, f->sb | gpa, len, 0, 0, NULL), 0);
	for (uint64_t a = gpa; a < gpa + len; a += 0x1000)
		state_is(f, a, 1, TDX_SEPT_FREE);
	ASSERT_EQ(f->w.shared_base[gpa + 0x1234], 0);
	f->w.shared_base[gpa + 0x1234] = 0x77;
	ASSERT_EQ(*(uint8_t *)tdx_td_gpa_ptr(f->td, gpa + 0x1234, 1), 0x77);
	/* shared -> private: PENDING until accepted. */
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_MAP_GPA, gpa, len, 0, 0, NULL), 0);
	for (uint64_t a = gpa; a < gpa + len; a += 0x1000)
		state_is(f, a, 0, TDX_SEPT_PENDING);
	tu_accept(f->td, gpa, len);
	state_is(f, gpa + 0x2000, 0, TDX_SEPT_PRESENT);
	ASSERT_EQ(f->w.private_base[gpa + 0x1234], 0);	/* accept zeroes */
	/* Errors: beyond TD memory (R11 = GPA), misaligned (host library). */
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_MAP_GPA, f->sb | (MEM - 0x1000), 0x2000, 0, 0, &r),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(r.r11, f->sb | (MEM - 0x1000));
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_MAP_GPA, gpa | 0x800, 0x1000, 0, 0, NULL),
		      TDVMCALL_STATUS_ALIGN_ERROR);
	fx_free(f);
}

static void test_map_gpa_chunks(void **state)
{
	struct fx *f = fx_new(NULL);
	const uint64_t start = f->sb | 0x400000, end = start + 0x300000;	/* 768 pages */
	struct tdx_regs r;
	uint64_t at = start;
	unsigned calls = 0;

	/* The guest loop of 3.5: retry from R11 with the same end. */
	for (;;) {
		uint64_t st = vmcall(f, M_R10_R13, TDVMCALL_MAP_GPA, at, end - at, 0, 0, &r);
		calls++;
		if (st == TDVMCALL_STATUS_SUCCESS)
			break;
		ASSERT_STATUS(st, TDVMCALL_STATUS_RETRY);
		ASSERT_EQ(r.r11, at + TDX_VMM_MAPGPA_CHUNK * 0x1000ull);
		assert_true(r.r11 > at && r.r11 < end);
		at = r.r11;
	}
	assert_int_equal(calls, 2);
	state_is(f, 0x400000, 1, TDX_SEPT_FREE);
	state_is(f, 0x6FF000, 1, TDX_SEPT_FREE);
	state_is(f, 0x700000, 0, TDX_SEPT_PENDING);	/* untouched: the initial PENDING mapping */
	f->w.shared_base[0x6FF000] = 1;
	fx_free(f);
}

/* ---- GetQuote, notify, GetTdVmCallInfo ------------------------------------- */
static void test_get_quote(void **state)
{
	struct fx *f = fx_new(NULL);
	const uint64_t rep = 0x10000, buf = 0x20000, size = 0x4000;
	uint64_t status;
	uint32_t in_len = TDX_REPORT_SIZE, out_len;
	char why[256] = "";

	/* A TDREPORT from the module into private memory. */
	tu_accept(f->td, rep, 0x1000);
	ASSERT_STATUS(tu_leaf(f->td, TDG_MR_REPORT, rep, rep + 0x400, 0, 0, NULL), TDX_SUCCESS);
	/* The buffer: shared, header + report. */
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_MAP_GPA, f->sb | buf, size, 0, 0, NULL), 0);
	uint8_t *b = f->w.shared_base + buf;
	uint64_t one = 1;
	memcpy(b, &one, 8);
	memcpy(b + 16, &in_len, 4);
	memcpy(b + 24, f->w.private_base + rep, TDX_REPORT_SIZE);
	ASSERT_STATUS(vmcall(f, M_R10_R12, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, 0x40, 0, 0, 0, NULL), 0);
	/* The request: IN_FLIGHT first. */
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_GET_QUOTE, f->sb | buf, size, 0, 0, NULL), 0);
	memcpy(&status, b + 8, 8);
	ASSERT_EQ(status, ~0ull);
	assert_int_equal(tdx_vmm_take_interrupt(f->v), -1);
	/* Completion point: the next host entry (here HLT). */
	ASSERT_STATUS(vmcall(f, M_R10_R12, TDVMCALL_HLT, 0, 0, 0, 0, NULL), 0);
	memcpy(&status, b + 8, 8);
	memcpy(&out_len, b + 20, 4);
	ASSERT_EQ(status, 0);
	assert_true(out_len >= TDX_QUOTE_MIN_SIZE && out_len <= size - 24);
	if (tdx_quote_verify(b + 24, out_len, tdx_vmm_quote_key(f->v), why, sizeof(why)))
		fail_msg("quote does not verify: %s", why);
	assert_int_equal(tdx_vmm_take_interrupt(f->v), 0x40);
	assert_int_equal(tdx_vmm_take_interrupt(f->v), -1);
	/* Bad header: error status at once, no interrupt. */
	uint64_t two = 2;
	memcpy(b, &two, 8);
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_GET_QUOTE, f->sb | buf, size, 0, 0, NULL), 0);
	memcpy(&status, b + 8, 8);
	ASSERT_EQ(status, 0x8000000000000000ull);
	assert_int_equal(tdx_vmm_poll(f->v), 0);
	/* Private (not converted) buffer page: INVALID_OPERAND. */
	ASSERT_STATUS(vmcall(f, M_R10_R13, TDVMCALL_GET_QUOTE, f->sb | 0x80000, 0x1000, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	fx_free(f);
}

static void test_info(void **state)
{
	struct fx *f = fx_new(NULL);
	struct tdx_regs r;

	ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_GET_TD_VM_CALL_INFO, 0, 0, 0, 0, &r), 0);
	ASSERT_EQ(r.r11 | r.r12 | r.r13 | r.r14, 0);
	ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_GET_TD_VM_CALL_INFO, 1, 0, 0, 0, &r), 0);
	ASSERT_EQ(r.r11, 3);	/* GetQuote, SetupEventNotifyInterrupt */
	ASSERT_STATUS(vmcall(f, M_R10_R14, TDVMCALL_GET_TD_VM_CALL_INFO, 2, 0, 0, 0, NULL),
		      TDVMCALL_STATUS_INVALID_OPERAND);
	/* Unregistered: WBINVD is SUBFUNC_UNSUPPORTED (as KVM). */
	ASSERT_STATUS(vmcall(f, M_R10_R12, TDVMCALL_WBINVD, 0, 0, 0, 0, NULL),
		      TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
	fx_free(f);
}

/* ---- ReportFatalError -------------------------------------------------------- */
static void test_fatal(void **state)
{
	struct fx *f = fx_new(NULL);
	struct tdx_regs r;
	char msg[64] = "boom: the guest gave up", rep[512];
	uint64_t w[8];
	int status = 0;

	memcpy(w, msg, sizeof(w));
	memset(&r, 0, sizeof(r));
	r.rcx = 0xFFCC;
	r.r11 = TDVMCALL_REPORT_FATAL_ERROR;
	r.r12 = 0x2A;
	r.r14 = w[0]; r.r15 = w[1]; r.rbx = w[2];
	r.rip = RIP;
	assert_int_equal(tu_tdcall(f->td, &r), TDX_OUTCOME_TD_DEAD);
	assert_int_equal(tdx_vmm_exit_status(f->v, &status), 1);
	assert_int_equal(status, TDX_VMM_EXIT_FATAL);
	assert_string_equal(tdx_vmm_exit_reason(f->v), "TD fatal error 0x0000002a: boom: the guest gave up");
	drain(f->report[0], rep, sizeof(rep));
	assert_string_equal(rep, "tdx-vmm: TD fatal error 0x0000002a: boom: the guest gave up\n");
	fx_free(f);
}

/* ---- trace, stats, leak check ------------------------------------------------ */
static void with_trace(struct tdx_vmm_config *c, struct fx *f)
{
	f->trace = open_memstream(&f->tbuf, &f->tlen);
	c->trace = f->trace;
	c->stats = 1;
}

static void with_json(struct tdx_vmm_config *c, struct fx *f)
{
	with_trace(c, f);
	c->trace_json = 1;
}

static void test_trace_human(void **state)
{
	struct fx *f = fx_new(with_trace);

	vmcall(f, M_R10_R15, TDVMCALL_CPUID, 0x40000000, 0, 0, 0, NULL);
	vmcall(f, M_R10_R12, TDVMCALL_RDMSR, 0x999, 0, 0, 0, NULL);
	fflush(f->trace);
	assert_non_null(f->tbuf);
	const char *l1 = f->tbuf, *l2 = strchr(l1, '\n');
	assert_non_null(l2);
	l2++;
	assert_non_null(strstr(l1, "tdx-vmm: [vcpu0 rip=0x1000] CPUID(leaf=0x40000000, subleaf=0x0) = TDVMCALL_STATUS_SUCCESS r12=0x40000001"));
	assert_non_null(strstr(l2, "RDMSR(msr=0x999) = TDVMCALL_STATUS_INVALID_OPERAND"));
	assert_null(strchr(l2, '\n') ? strchr(strchr(l2, '\n') + 1, '\n') : NULL);
	fx_free(f);
}

/* Minimal structure check of one JSON object line. */
static void json_ok(const char *l, size_t n)
{
	int depth = 0, in_str = 0;

	assert_true(n > 2 && l[0] == '{' && l[n - 1] == '}');
	for (size_t i = 0; i < n; i++) {
		if (in_str) {
			if (l[i] == '\\')
				i++;
			else if (l[i] == '"')
				in_str = 0;
			continue;
		}
		if (l[i] == '"')
			in_str = 1;
		else if (l[i] == '{')
			depth++;
		else if (l[i] == '}')
			depth--;
		assert_true(depth >= 0);
		assert_true(depth > 0 || i == n - 1);
	}
	assert_int_equal(depth, 0);
	assert_int_equal(in_str, 0);
}

static void test_trace_json(void **state)
{
	struct fx *f = fx_new(with_json);
	unsigned lines = 0;

	vmcall(f, M_R10_R15, TDVMCALL_IO, 1, 1, TDX_VMM_UART_PORT, 'A', NULL);
	vmcall(f, M_R10_R13, TDVMCALL_MAP_GPA, 0x1800, 0x1000, 0, 0, NULL);
	fflush(f->trace);
	for (char *l = f->tbuf, *e; l && (e = strchr(l, '\n')); l = e + 1, lines++)
		json_ok(l, (size_t)(e - l));
	assert_int_equal(lines, 2);
	assert_non_null(strstr(f->tbuf, "{\"vcpu\":0,\"rip\":\"0x1000\",\"service\":\"IO\",\"subfn\":\"0x1e\","
				       "\"args\":{\"size\":\"0x1\",\"dir\":\"0x1\",\"port\":\"0x3f8\",\"data\":\"0x41\"},"
				       "\"status\":\"TDVMCALL_STATUS_SUCCESS\""));
	assert_non_null(strstr(f->tbuf, "\"service\":\"MapGPA\""));
	assert_non_null(strstr(f->tbuf, "\"out\":{\"r11\":\"0x1800\"}"));
	fx_free(f);
}

static void test_stats(void **state)
{
	struct fx *f = fx_new(with_trace);
	uint64_t n, ns;
	char *txt = NULL;
	size_t len = 0;

	for (int i = 0; i < 3; i++)
		vmcall(f, M_R10_R15, TDVMCALL_CPUID, 1, 0, 0, 0, NULL);
	vmcall(f, M_R10_R12, TDVMCALL_RDMSR, 0x1B, 0, 0, 0, NULL);
	tu_leaf(f->td, TDG_VP_INFO, 0, 0, 0, 0, NULL);
	assert_int_equal(tdx_vmm_service_stats(f->v, TDX_HOST_CPUID, &n, &ns), 0);
	ASSERT_EQ(n, 3);
	assert_true(ns > 0);
	tdx_vmm_service_stats(f->v, TDX_HOST_RDMSR, &n, &ns);
	ASSERT_EQ(n, 1);
	assert_int_equal(tdx_vmm_leaf_stats(f->v, TDG_VP_VMCALL, &n, &ns), 0);
	ASSERT_EQ(n, 4);
	assert_true(ns > 0);
	tdx_vmm_leaf_stats(f->v, TDG_VP_INFO, &n, &ns);
	ASSERT_EQ(n, 1);
	FILE *o = open_memstream(&txt, &len);
	tdx_vmm_print_stats(f->v, o);
	fclose(o);
	assert_non_null(strstr(txt, "TDG.VP.VMCALL"));
	assert_non_null(strstr(txt, "TDG.VP.INFO"));
	assert_non_null(strstr(txt, "CPUID"));
	free(txt);
	fx_free(f);
}

static void with_leak(struct tdx_vmm_config *c, struct fx *f)
{
	c->leak_check = 1;
}

static void test_leak_check(void **state)
{
	struct fx *f = fx_new(with_leak);
	struct tdx_vmm_counts c;
	struct tdx_regs r;
	char rep[1024];

	/* Clean calls: nothing. */
	io(f, 0, 1, TDX_VMM_UART_PORT + 5, 0, NULL);
	io(f, 1, 1, TDX_VMM_UART_PORT, 'x', NULL);
	vmcall(f, M_R10_R15, TDVMCALL_CPUID, 1, 0, 0, 0, NULL);
	tdx_vmm_get_counts(f->v, &c);
	ASSERT_EQ(c.leaks, 0);
	assert_int_equal(drain(f->report[0], rep, sizeof(rep)), 0);
	/* Planted: IO IN with R15 exposed and holding data. (R14 is IO's port,
	 * an input: it cannot leak on an IO call.) */
	vmcall(f, M_R10_R15, TDVMCALL_IO, 1, 0, TDX_VMM_UART_PORT + 5, 0xDEADBEEF, NULL);
	drain(f->report[0], rep, sizeof(rep));
	assert_string_equal(rep, "tdx-vmm: leak-check: IO exposes R15 (non-zero, not an input) [vcpu0 rip=0x1000]\n");
	/* Planted: RBX and R14 on an IO OUT... RBX only is not an input. */
	memset(&r, 0, sizeof(r));
	r.rcx = M_R10_R15 | B(RBX) | B(RSI);
	r.r11 = TDVMCALL_IO; r.r12 = 1; r.r13 = 1; r.r14 = TDX_VMM_UART_PORT; r.r15 = 'y';
	r.rbx = 0x1234; r.rsi = 0;	/* exposed but zero: fine */
	r.rip = 0x2000;
	assert_int_equal(tu_tdcall(f->td, &r), TDX_OUTCOME_DONE);
	drain(f->report[0], rep, sizeof(rep));
	assert_string_equal(rep, "tdx-vmm: leak-check: IO exposes RBX (non-zero, not an input) [vcpu0 rip=0x2000]\n");
	/* CPUID's output-only R14 holding data. */
	vmcall(f, M_R10_R15, TDVMCALL_CPUID, 1, 0, 7, 0, NULL);
	drain(f->report[0], rep, sizeof(rep));
	assert_non_null(strstr(rep, "CPUID exposes R14"));
	tdx_vmm_get_counts(f->v, &c);
	ASSERT_EQ(c.leaks, 3);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uart),
		cmocka_unit_test(test_exit_port),
		cmocka_unit_test(test_cpuid),
		cmocka_unit_test(test_msr),
		cmocka_unit_test(test_mmio),
		cmocka_unit_test(test_map_gpa_both_ways),
		cmocka_unit_test(test_map_gpa_chunks),
		cmocka_unit_test(test_get_quote),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_fatal),
		cmocka_unit_test(test_trace_human),
		cmocka_unit_test(test_trace_json),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_leak_check),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

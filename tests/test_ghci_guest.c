/* test_ghci_guest.c: the guest side of the GHCI (tdxkit/ghci.h) over the
 * direct transport. A host callback written here records what the VMM saw
 * (the expose mask in the exit's RCX, the vmm registers) and answers with
 * chosen values; the TD's trace hook records the guest's own registers at
 * the TDCALL. Checked per service: the exact mask, zeros in unexposed
 * registers, the inputs, the outputs the guest got, statuses returned,
 * size truncation; then MapGPA's retry policy, ReportFatalError packing,
 * the default panic hook, and (through an asm harness) that the primitive
 * zeroes exposed registers and keeps callee-saved ones (tdx-abi.md 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tdxkit/direct.h"
#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"

#define MAX_CALLS 16
#define POISON(g) (0xDEAD000000000000ull | (uint64_t)(g))

/* ---- the host -------------------------------------------------------------- */

struct answer {
	uint64_t r10, r11, r12, r13, r14, r15;
};

static struct host {
	unsigned calls;
	uint64_t qual[MAX_CALLS];		/* exit RCX: mask | VM index << 32 */
	struct tdx_regs seen[MAX_CALLS];	/* exit->vmm as the host got it */
	struct answer ans[MAX_CALLS];		/* call i gets ans[min(i, nans - 1)] */
	unsigned nans;
	int poison;				/* write POISON(g) into every GPR instead */
	unsigned kill_at;			/* 1-based call that kills the TD; 0 = none */
} H;

static int host_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	unsigned i = H.calls++;

	if (i < MAX_CALLS) {
		H.qual[i] = e->exit_qual;
		H.seen[i] = e->vmm;
	}
	if (H.kill_at && H.calls >= H.kill_at)
		return 1;
	if (H.poison) {
		for (unsigned g = TDX_GPR_RDX; g < TDX_NR_GPRS; g++)
			e->vmm.gpr[g] = POISON(g);
		return 0;
	}
	if (H.nans) {
		const struct answer *a = &H.ans[i < H.nans ? i : H.nans - 1];
		e->vmm.r10 = a->r10;
		e->vmm.r11 = a->r11;
		e->vmm.r12 = a->r12;
		e->vmm.r13 = a->r13;
		e->vmm.r14 = a->r14;
		e->vmm.r15 = a->r15;
	}
	return 0;
}

static void answer(struct answer a)
{
	H.ans[H.nans++] = a;
}

/* The guest's registers at each TDCALL and right after it. */
static struct {
	unsigned n;
	struct tdx_regs in[MAX_CALLS], out[MAX_CALLS];
} T;

static void trace(void *ctx, unsigned vcpu, const struct tdx_regs *in,
		  const struct tdx_regs *out, enum tdx_tdcall_outcome o)
{
	if (T.n < MAX_CALLS) {
		T.in[T.n] = *in;
		T.out[T.n] = *out;
	}
	T.n++;
}

/* ---- fixtures ----------------------------------------------------------------- */

static jmp_buf dead_jb;

static void on_fault(void *ctx, enum tdx_tdcall_outcome o, uint64_t leaf,
		     const struct tdx_inject *inj, const char *reason)
{
	if (o == TDX_OUTCOME_TD_DEAD)
		longjmp(dead_jb, 1);
	fprintf(stderr, "unexpected fault: %s\n", reason);
	abort();
}

/* `stmt` must end with the host killing the TD. */
#define EXPECT_DEAD(stmt) do {						\
		if (setjmp(dead_jb) == 0) {				\
			stmt;						\
			fail_msg("returned: %s", #stmt);		\
		}							\
	} while (0)

static int setup(void **state)
{
	struct tdx_td_config cfg;

	memset(&H, 0, sizeof(H));
	memset(&T, 0, sizeof(T));
	tdx_td_config_init(&cfg);
	cfg.mem_size = 16ull << 20;
	cfg.host.tdvmcall = host_tdvmcall;
	struct tdx_td *td = tu_td_new(&cfg);
	tdx_td_set_trace(td, trace, NULL);
	tdx_direct_attach(td, 0);
	tdx_direct_set_fault_handler(on_fault, NULL);
	*state = td;
	return 0;
}

static int teardown(void **state)
{
	tdx_direct_attach(NULL, 0);
	tdx_direct_set_fault_handler(NULL, NULL);
	tdx_td_destroy(*state);
	return 0;
}

/* Call i: the host saw exactly `mask` (VM index 0), R10-R15 as given for
 * exposed registers and 0 in every other register. */
static void check_call(unsigned i, uint64_t mask, uint64_t r10, uint64_t r11, uint64_t r12,
		       uint64_t r13, uint64_t r14, uint64_t r15)
{
	const uint64_t want[6] = { r10, r11, r12, r13, r14, r15 };

	assert_true(i < H.calls);
	tu_check_exposed(i, H.qual[i], H.seen[i].gpr, mask, want);
}

/* ---- services -------------------------------------------------------------- */

static void test_cpuid(void **state)
{
	struct tdx_ghci_cpuid c;

	answer((struct answer){ 0, 0, 0xFFFFFFFF00000001ull, 0xAAAAAAAA00000002ull,
				0x5555555500000003ull, 0x1234567800000004ull });
	ASSERT_STATUS(tdx_ghci_cpuid(0x40000000, 7, &c), TDVMCALL_STATUS_SUCCESS);
	check_call(0, 0xFC00, 0, TDVMCALL_CPUID, 0x40000000, 7, 0, 0);
	ASSERT_EQ(c.eax, 1);	/* the host's upper halves dropped */
	ASSERT_EQ(c.ebx, 2);
	ASSERT_EQ(c.ecx, 3);
	ASSERT_EQ(c.edx, 4);

	H.nans = 0;
	answer((struct answer){ TDVMCALL_STATUS_INVALID_OPERAND, 9, 9, 9, 9, 9 });
	ASSERT_STATUS(tdx_ghci_cpuid(1, 0, &c), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(c.eax | c.ebx | c.ecx | c.edx, 0);
}

static void test_hlt(void **state)
{
	ASSERT_STATUS(tdx_ghci_hlt(true), TDVMCALL_STATUS_SUCCESS);
	check_call(0, 0x1C00, 0, TDVMCALL_HLT, 1, 0, 0, 0);
	ASSERT_STATUS(tdx_ghci_hlt(false), TDVMCALL_STATUS_SUCCESS);
	check_call(1, 0x1C00, 0, TDVMCALL_HLT, 0, 0, 0, 0);
}

static void test_io_in(void **state)
{
	static const struct { unsigned size; uint32_t want; } c[] = {
		{ 1, 0x34 }, { 2, 0x1234 }, { 4, 0xCAFE1234 },
	};
	uint32_t v;

	answer((struct answer){ 0, 0xDEADBEEFCAFE1234ull });
	for (unsigned i = 0; i < 3; i++) {
		v = 0xFFFFFFFF;
		ASSERT_STATUS(tdx_ghci_io_in(0x3F8, c[i].size, &v), TDVMCALL_STATUS_SUCCESS);
		check_call(i, 0x7C00, 0, TDVMCALL_IO, c[i].size, 0, 0x3F8, 0);
		ASSERT_EQ(v, c[i].want);
	}
	/* Errors are returned, the value is 0. */
	H.nans = 0;
	answer((struct answer){ TDVMCALL_STATUS_INVALID_OPERAND, 0xFF });
	ASSERT_STATUS(tdx_ghci_io_in(0x60, 1, &v), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(v, 0);
	/* Sizes the instruction cannot have: refused without a call. */
	unsigned before = H.calls;
	ASSERT_STATUS(tdx_ghci_io_in(0x60, 3, &v), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(tdx_ghci_io_in(0x60, 8, &v), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(H.calls, before);
}

static void test_io_out(void **state)
{
	ASSERT_STATUS(tdx_ghci_io_out(0x80, 1, 0x12345678), TDVMCALL_STATUS_SUCCESS);
	check_call(0, 0xFC00, 0, TDVMCALL_IO, 1, 1, 0x80, 0x78);
	ASSERT_STATUS(tdx_ghci_io_out(0xCF8, 2, 0x12345678), TDVMCALL_STATUS_SUCCESS);
	check_call(1, 0xFC00, 0, TDVMCALL_IO, 2, 1, 0xCF8, 0x5678);
	ASSERT_STATUS(tdx_ghci_io_out(0xCFC, 4, 0x87654321), TDVMCALL_STATUS_SUCCESS);
	check_call(2, 0xFC00, 0, TDVMCALL_IO, 4, 1, 0xCFC, 0x87654321);
	ASSERT_STATUS(tdx_ghci_io_out(0xCFC, 0, 1), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(H.calls, 3);
}

static void test_merge(void **state)
{
	const uint64_t old = 0x1122334455667788ull;

	ASSERT_EQ(tdx_ghci_merge(old, 0xAB, 1), 0x11223344556677ABull);
	ASSERT_EQ(tdx_ghci_merge(old, 0xFFFFABCD, 2), 0x112233445566ABCDull);	/* extra bits dropped */
	ASSERT_EQ(tdx_ghci_merge(old, 0xFFFFFFFF89ABCDEFull, 4), 0x89ABCDEFull);	/* EAX zero-extends */
	ASSERT_EQ(tdx_ghci_merge(old, 0x0102030405060708ull, 8), 0x0102030405060708ull);
}

static void test_msr(void **state)
{
	uint64_t v = 1;

	answer((struct answer){ 0, 0xFEDCBA9876543210ull, 0xBAD, 0xBAD, 0xBAD, 0xBAD });
	answer((struct answer){ TDVMCALL_STATUS_INVALID_OPERAND, 0xBAD });
	answer((struct answer){ 0 });
	answer((struct answer){ TDVMCALL_STATUS_INVALID_OPERAND });
	ASSERT_STATUS(tdx_ghci_rdmsr(0x1B, &v), TDVMCALL_STATUS_SUCCESS);
	check_call(0, 0x1C00, 0, TDVMCALL_RDMSR, 0x1B, 0, 0, 0);
	ASSERT_EQ(v, 0xFEDCBA9876543210ull);
	/* A refused MSR is an answer (the caller injects #GP), not fatal. */
	ASSERT_STATUS(tdx_ghci_rdmsr(0xC0000081, &v), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(v, 0);
	ASSERT_STATUS(tdx_ghci_wrmsr(0x6E0, 0x1122334455667788ull), TDVMCALL_STATUS_SUCCESS);
	check_call(2, 0x3C00, 0, TDVMCALL_WRMSR, 0x6E0, 0x1122334455667788ull, 0, 0);
	ASSERT_STATUS(tdx_ghci_wrmsr(0x10, 0), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(H.calls, 4);
}

static void test_mmio(void **state)
{
	static const struct { unsigned size; uint64_t want; } c[] = {
		{ 1, 0x08 }, { 2, 0x0708 }, { 4, 0x05060708 }, { 8, 0x0102030405060708ull },
	};
	const uint64_t gpa = (1ull << 47) | 0xFEC00000ull;	/* shared (GPAW 48) */
	uint64_t v;

	answer((struct answer){ 0, 0x0102030405060708ull });
	for (unsigned i = 0; i < 4; i++) {
		ASSERT_STATUS(tdx_ghci_mmio_read(gpa + 0x10, c[i].size, &v), TDVMCALL_STATUS_SUCCESS);
		check_call(i, 0x7C00, 0, TDVMCALL_MMIO, c[i].size, 0, gpa + 0x10, 0);
		ASSERT_EQ(v, c[i].want);
	}
	ASSERT_STATUS(tdx_ghci_mmio_write(gpa, 2, 0xAAAABBBBCCCCDDDDull), TDVMCALL_STATUS_SUCCESS);
	check_call(4, 0xFC00, 0, TDVMCALL_MMIO, 2, 1, gpa, 0xDDDD);
	ASSERT_STATUS(tdx_ghci_mmio_write(gpa, 8, 0xAAAABBBBCCCCDDDDull), TDVMCALL_STATUS_SUCCESS);
	check_call(5, 0xFC00, 0, TDVMCALL_MMIO, 8, 1, gpa, 0xAAAABBBBCCCCDDDDull);

	/* Host refusal (a private GPA, 3.4): returned, value 0. */
	H.nans = 0;
	answer((struct answer){ TDVMCALL_STATUS_INVALID_OPERAND, 0x77 });
	ASSERT_STATUS(tdx_ghci_mmio_read(0xFEC00000, 4, &v), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(v, 0);
	/* Bad size, page crossing: refused without a call. */
	unsigned before = H.calls;
	ASSERT_STATUS(tdx_ghci_mmio_read(gpa, 3, &v), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(tdx_ghci_mmio_read(gpa + 0xFFC, 8, &v), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(tdx_ghci_mmio_write(gpa + 0xFFF, 2, 0), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(tdx_ghci_mmio_read(gpa + 0xFF8, 8, &v), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(H.calls, before + 1);		/* the last one fits the page */
}

/* ---- MapGPA retry policy (3.5) ------------------------------------------------ */

#define SHARED (1ull << 47)
#define MAP_START (SHARED | 0x200000)
#define MAP_SIZE 0x400000ull
#define MAP_END (MAP_START + MAP_SIZE)

static void test_map_gpa_success(void **state)
{
	uint64_t done = 0;

	ASSERT_STATUS(tdx_ghci_map_gpa(MAP_START, MAP_SIZE, &done), TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(H.calls, 1);
	check_call(0, 0x3C00, 0, TDVMCALL_MAP_GPA, MAP_START, MAP_SIZE, 0, 0);
	ASSERT_EQ(done, MAP_END);
}

static void test_map_gpa_retry_progress(void **state)
{
	uint64_t done = 0;

	/* KVM-like: 2 MiB at a time; two stalls in between do not hurt. */
	answer((struct answer){ TDVMCALL_STATUS_RETRY, MAP_START + 0x200000 });
	answer((struct answer){ TDVMCALL_STATUS_RETRY, MAP_START + 0x200000 });
	answer((struct answer){ TDVMCALL_STATUS_RETRY, MAP_START + 0x200000 });
	answer((struct answer){ TDVMCALL_STATUS_RETRY, MAP_START + 0x3FF000 });
	answer((struct answer){ TDVMCALL_STATUS_SUCCESS, 0xBAD });
	ASSERT_STATUS(tdx_ghci_map_gpa(MAP_START, MAP_SIZE, &done), TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(H.calls, 5);
	check_call(0, 0x3C00, 0, TDVMCALL_MAP_GPA, MAP_START, MAP_SIZE, 0, 0);
	check_call(1, 0x3C00, 0, TDVMCALL_MAP_GPA, MAP_START + 0x200000, 0x200000, 0, 0);
	check_call(2, 0x3C00, 0, TDVMCALL_MAP_GPA, MAP_START + 0x200000, 0x200000, 0, 0);
	check_call(3, 0x3C00, 0, TDVMCALL_MAP_GPA, MAP_START + 0x200000, 0x200000, 0, 0);
	check_call(4, 0x3C00, 0, TDVMCALL_MAP_GPA, MAP_START + 0x3FF000, 0x1000, 0, 0);
	ASSERT_EQ(done, MAP_END);
}

static void map_gpa_bad_retry(uint64_t r11)
{
	uint64_t done = 0;

	memset(&H, 0, sizeof(H));
	answer((struct answer){ TDVMCALL_STATUS_RETRY, MAP_START + 0x100000 });
	answer((struct answer){ TDVMCALL_STATUS_RETRY, r11 });
	answer((struct answer){ TDVMCALL_STATUS_SUCCESS });
	ASSERT_STATUS(tdx_ghci_map_gpa(MAP_START, MAP_SIZE, &done), TDX_GHCI_ERR_BAD_RETRY);
	ASSERT_EQ(H.calls, 2);	/* no call follows a hostile answer */
	ASSERT_EQ(done, MAP_START + 0x100000);
}

static void test_map_gpa_retry_outside(void **state)
{
	map_gpa_bad_retry(MAP_END);			/* end is outside [start, end) */
	map_gpa_bad_retry(MAP_END + 0x1000);
	map_gpa_bad_retry(MAP_START);			/* backwards */
	map_gpa_bad_retry(MAP_START + 0xFFFFF);		/* below the current start */
	map_gpa_bad_retry(MAP_START & ~SHARED);		/* the other side of the shared bit */
	map_gpa_bad_retry(MAP_START + 0x100800);	/* not page aligned */
	map_gpa_bad_retry(~0ull);
}

static void test_map_gpa_no_progress(void **state)
{
	uint64_t done = 0;

	answer((struct answer){ TDVMCALL_STATUS_RETRY, MAP_START });
	ASSERT_STATUS(tdx_ghci_map_gpa(MAP_START, MAP_SIZE, &done), TDX_GHCI_ERR_NO_PROGRESS);
	ASSERT_EQ(H.calls, 1 + TDX_GHCI_MAP_GPA_STALLS);
	for (unsigned i = 0; i < H.calls; i++)
		check_call(i, 0x3C00, 0, TDVMCALL_MAP_GPA, MAP_START, MAP_SIZE, 0, 0);
	ASSERT_EQ(done, MAP_START);
}

static void test_map_gpa_error(void **state)
{
	uint64_t done = 1;

	answer((struct answer){ TDVMCALL_STATUS_RETRY, MAP_START + 0x1000 });
	answer((struct answer){ TDVMCALL_STATUS_ALIGN_ERROR, MAP_START + 0x1000 });
	ASSERT_STATUS(tdx_ghci_map_gpa(MAP_START, MAP_SIZE, &done), TDVMCALL_STATUS_ALIGN_ERROR);
	ASSERT_EQ(H.calls, 2);
	ASSERT_EQ(done, MAP_START + 0x1000);
	ASSERT_STATUS(tdx_ghci_map_gpa(MAP_START, MAP_SIZE, NULL), TDVMCALL_STATUS_ALIGN_ERROR);
}

/* ---- the other standard services --------------------------------------------- */

static void test_get_quote(void **state)
{
	answer((struct answer){ 0 });
	answer((struct answer){ TDVMCALL_STATUS_INVALID_OPERAND });
	ASSERT_STATUS(tdx_ghci_get_quote(SHARED | 0x10000, 0x2000), TDVMCALL_STATUS_SUCCESS);
	check_call(0, 0x3C00, 0, TDVMCALL_GET_QUOTE, SHARED | 0x10000, 0x2000, 0, 0);
	ASSERT_STATUS(tdx_ghci_get_quote(0x10000, 0x2000), TDVMCALL_STATUS_INVALID_OPERAND);
}

static void test_setup_event_notify(void **state)
{
	ASSERT_STATUS(tdx_ghci_setup_event_notify(0xEC), TDVMCALL_STATUS_SUCCESS);
	check_call(0, 0x1C00, 0, TDVMCALL_SETUP_EVENT_NOTIFY_INTERRUPT, 0xEC, 0, 0, 0);
	ASSERT_STATUS(tdx_ghci_setup_event_notify(32), TDVMCALL_STATUS_SUCCESS);
	ASSERT_STATUS(tdx_ghci_setup_event_notify(31), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(tdx_ghci_setup_event_notify(256), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(H.calls, 2);
}

static void test_get_td_vm_call_info(void **state)
{
	struct tdx_ghci_info info;

	answer((struct answer){ 0, 0x2, 0x11, 0x22, 0x33, 0xBAD });
	answer((struct answer){ TDVMCALL_STATUS_INVALID_OPERAND, 1, 2, 3, 4 });
	ASSERT_STATUS(tdx_ghci_get_td_vm_call_info(1, &info), TDVMCALL_STATUS_SUCCESS);
	check_call(0, 0x7C00, 0, TDVMCALL_GET_TD_VM_CALL_INFO, 1, 0, 0, 0);
	ASSERT_EQ(info.r[0], 2);
	ASSERT_EQ(info.r[1], 0x11);
	ASSERT_EQ(info.r[2], 0x22);
	ASSERT_EQ(info.r[3], 0x33);
	ASSERT_STATUS(tdx_ghci_get_td_vm_call_info(2, &info), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(info.r[0] | info.r[1] | info.r[2] | info.r[3], 0);
}

static void test_kvm_hypercall(void **state)
{
	answer((struct answer){ (uint64_t)-1000, 0xBAD, 0xBAD, 0xBAD, 0xBAD, 0xBAD });
	/* KVM_HC_KICK_CPU-like: nr in R10, args R11-R14 (-> RBX, RCX, RDX, RSI). */
	ASSERT_EQ(tdx_ghci_kvm_hypercall(5, 0xA0, 0xA1, 0xA2, 0xA3), (uint64_t)-1000);
	check_call(0, 0x7C00, 5, 0xA0, 0xA1, 0xA2, 0xA3, 0);
	/* nr 0 would be a standard call: refused without a call. */
	ASSERT_EQ(tdx_ghci_kvm_hypercall(0, TDVMCALL_MAP_GPA, 0, 0, 0),
		  (uint64_t)-TDX_GHCI_KVM_ENOSYS);
	ASSERT_EQ(H.calls, 1);
}

/* ---- ReportFatalError (3.8) ------------------------------------------------ */

static uint64_t word(const char *s, unsigned i)
{
	uint64_t w = 0;
	size_t n = strlen(s);
	for (unsigned b = 0; b < 8; b++)
		if (8 * i + b < n && 8 * i + b < 64)
			w |= (uint64_t)(uint8_t)s[8 * i + b] << (8 * b);
	return w;
}

/* Message words in R14, R15, RBX, RDI, RSI, R8, R9, RDX; RBP never. */
static const unsigned msg_regs[8] = {
	TDX_GPR_R14, TDX_GPR_R15, TDX_GPR_RBX, TDX_GPR_RDI,
	TDX_GPR_RSI, TDX_GPR_R8, TDX_GPR_R9, TDX_GPR_RDX,
};

static void check_fatal_call(unsigned i, uint64_t r12, uint64_t r13, const char *msg)
{
	assert_true(i < H.calls);
	ASSERT_EQ(H.qual[i], 0xFFCC);
	const struct tdx_regs *s = &H.seen[i];
	ASSERT_EQ(s->rax, 0);
	ASSERT_EQ(s->rcx, 0);
	ASSERT_EQ(s->rsp, 0);
	ASSERT_EQ(s->rbp, 0);
	ASSERT_EQ(s->r10, 0);
	ASSERT_EQ(s->r11, TDVMCALL_REPORT_FATAL_ERROR);
	ASSERT_EQ(s->r12, r12);
	ASSERT_EQ(s->r13, r13);
	for (unsigned w = 0; w < 8; w++)
		if (s->gpr[msg_regs[w]] != word(msg, w))
			fail_msg("call %u: message word %u (GPR %u) = 0x%llx, want 0x%llx", i, w,
				 msg_regs[w], (unsigned long long)s->gpr[msg_regs[w]],
				 (unsigned long long)word(msg, w));
}

static void test_report_fatal_error(void **state)
{
	const char *m = "kernel BUG at mm/page_alloc.c:1234!";

	/* The host resumes once; the guest asks again, then the host kills. */
	H.kill_at = 2;
	EXPECT_DEAD(tdx_ghci_report_fatal_error(0x42, 0, m));
	ASSERT_EQ(H.calls, 2);
	check_fatal_call(0, 0x42, 0, m);
	check_fatal_call(1, 0x42, 0, m);
	/* Byte 0 in R14's low byte. */
	ASSERT_EQ(H.seen[0].r14 & 0xFF, 'k');
}

static void test_report_fatal_error_long(void **state)
{
	/* 70 characters: the host gets the first 64, no NUL. */
	const char *m = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*";

	H.kill_at = 1;
	EXPECT_DEAD(tdx_ghci_report_fatal_error(7, SHARED | 0x5000, m));
	ASSERT_EQ(H.calls, 1);
	check_fatal_call(0, 7 | (1ull << 63), SHARED | 0x5000, m);
	ASSERT_EQ(H.seen[0].rdx >> 56, (uint8_t)m[63]);	/* byte 63: RDX's top byte */
}

static void test_report_fatal_error_null(void **state)
{
	H.kill_at = 1;
	EXPECT_DEAD(tdx_ghci_report_fatal_error(0, 0, NULL));
	check_fatal_call(0, 0, 0, "");
}

/* ---- the default panic hook reports through ReportFatalError ------------------ */

static void test_default_panic_reports(void **state)
{
	/* RSP in the mask: the asm lets the module refuse it (3.1), TDCALL
	 * returns RAX != 0, which is fatal: the panic hook reports it. */
	H.kill_at = 1;
	EXPECT_DEAD(tdx_tdvmcall(0, TDVMCALL_HLT, 0, 0, 0, 0, 0x0410, NULL));
	ASSERT_EQ(H.calls, 1);	/* only the report: the refused call never exited */
	check_fatal_call(0, 0, 0, "TDG.VP.VMCALL st=0xc000010000000001");

	/* A register the primitive does not load (RBX): refused before any
	 * TDCALL. (A fresh TD each time: the host killed the last one.) */
	teardown(state);
	setup(state);
	H.kill_at = 1;
	EXPECT_DEAD(tdx_tdvmcall(0, TDVMCALL_HLT, 0, 0, 0, 0, 0xFC08, NULL));
	ASSERT_EQ(H.calls, 1);
	check_fatal_call(0, 0, 0, "TDG.VP.VMCALL: expose mask beyond R10-R15 st=0x000000000000fc08");

	/* An XMM bit: the same. */
	teardown(state);
	setup(state);
	H.kill_at = 1;
	EXPECT_DEAD(tdx_tdvmcall(0, TDVMCALL_HLT, 0, 0, 0, 0, 0x10000, NULL));
	check_fatal_call(0, 0, 0, "TDG.VP.VMCALL: expose mask beyond R10-R15 st=0x0000000000010000");
}

/* ---- the primitive: loads, outputs, zeroing, callee-saved registers ----------
 * harness(in, regs): sets RBX, RBP, R12-R15 to in->cs[], calls in->fn with
 * the 6 register and 2 stack arguments in->args[], and stores every GPR as
 * the call left it into regs[] (enum tdx_gpr order; RSP slot unused). */
struct harness_in {
	uint64_t args[8];
	uint64_t cs[6];		/* RBX, RBP, R12, R13, R14, R15 */
	const void *fn;
};
void ghci_test_harness(const struct harness_in *in, uint64_t regs[16]);

__asm__(
	".pushsection .text\n"
	".globl ghci_test_harness\n"
	".type ghci_test_harness, @function\n"
	"ghci_test_harness:\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	push %rsi\n"			/* regs */
	"	push %rdi\n"			/* in */
	"	sub $8, %rsp\n"			/* 16-byte aligned after the 2 pushes */
	"	pushq 56(%rdi)\n"		/* 8th argument */
	"	pushq 48(%rdi)\n"		/* 7th argument */
	"	mov 64(%rdi), %rbx\n"
	"	mov 72(%rdi), %rbp\n"
	"	mov 80(%rdi), %r12\n"
	"	mov 88(%rdi), %r13\n"
	"	mov 96(%rdi), %r14\n"
	"	mov 104(%rdi), %r15\n"
	"	mov 112(%rdi), %rax\n"
	"	mov 40(%rdi), %r9\n"
	"	mov 32(%rdi), %r8\n"
	"	mov 24(%rdi), %rcx\n"
	"	mov 16(%rdi), %rdx\n"
	"	mov 8(%rdi), %rsi\n"
	"	mov 0(%rdi), %rdi\n"
	"	call *%rax\n"
	"	add $16, %rsp\n"
	"	push %rax\n"			/* 0: rax, 8: pad, 16: in, 24: regs */
	"	mov 24(%rsp), %rax\n"
	"	mov %rcx, 8(%rax)\n"
	"	mov %rdx, 16(%rax)\n"
	"	mov %rbx, 24(%rax)\n"
	"	movq $0, 32(%rax)\n"
	"	mov %rbp, 40(%rax)\n"
	"	mov %rsi, 48(%rax)\n"
	"	mov %rdi, 56(%rax)\n"
	"	mov %r8, 64(%rax)\n"
	"	mov %r9, 72(%rax)\n"
	"	mov %r10, 80(%rax)\n"
	"	mov %r11, 88(%rax)\n"
	"	mov %r12, 96(%rax)\n"
	"	mov %r13, 104(%rax)\n"
	"	mov %r14, 112(%rax)\n"
	"	mov %r15, 120(%rax)\n"
	"	pop %rcx\n"
	"	mov %rcx, 0(%rax)\n"
	"	add $24, %rsp\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n"
	".size ghci_test_harness, . - ghci_test_harness\n"
	".popsection\n");

#define CS(i) (0xC5C5C5C500000000ull | (i))	/* callee-saved patterns */

static void harness_in_init(struct harness_in *h, const void *fn)
{
	memset(h, 0, sizeof(*h));
	for (unsigned i = 0; i < 6; i++)
		h->cs[i] = CS(i);
	h->fn = fn;
}

static void assert_callee_saved(const uint64_t r[16])
{
	ASSERT_EQ(r[TDX_GPR_RBX], CS(0));
	ASSERT_EQ(r[TDX_GPR_RBP], CS(1));
	ASSERT_EQ(r[TDX_GPR_R12], CS(2));
	ASSERT_EQ(r[TDX_GPR_R13], CS(3));
	ASSERT_EQ(r[TDX_GPR_R14], CS(4));
	ASSERT_EQ(r[TDX_GPR_R15], CS(5));
}

/* No register but RAX (the returned status) holds a host-written value. */
static void assert_no_host_values(const uint64_t r[16])
{
	for (unsigned g = TDX_GPR_RCX; g < TDX_NR_GPRS; g++)
		if ((r[g] >> 48) == 0xDEAD)
			fail_msg("GPR %u still holds the host's 0x%llx", g, (unsigned long long)r[g]);
}

static void test_primitive_zeroes_exposed(void **state)
{
	struct harness_in h;
	struct tdx_tdvmcall_out out;
	uint64_t r[16];

	H.poison = 1;	/* the host writes 0xDEAD... into every register */
	harness_in_init(&h, (const void *)tdx_tdvmcall);
	uint64_t a[8] = { 0, 0x1234, 0x12, 0x13, 0x14, 0x15, 0xFC00, (uintptr_t)&out };
	memcpy(h.args, a, sizeof(a));
	ghci_test_harness(&h, r);

	check_call(0, 0xFC00, 0, 0x1234, 0x12, 0x13, 0x14, 0x15);
	ASSERT_EQ(r[TDX_GPR_RAX], POISON(TDX_GPR_R10));		/* R10 returned */
	ASSERT_EQ(r[TDX_GPR_R10], 0);
	ASSERT_EQ(r[TDX_GPR_R11], 0);
	ASSERT_EQ(r[TDX_GPR_RCX], 0);
	ASSERT_EQ(r[TDX_GPR_RSI], 0);
	assert_callee_saved(r);
	assert_no_host_values(r);
	ASSERT_EQ(out.r11, POISON(TDX_GPR_R11));
	ASSERT_EQ(out.r12, POISON(TDX_GPR_R12));
	ASSERT_EQ(out.r13, POISON(TDX_GPR_R13));
	ASSERT_EQ(out.r14, POISON(TDX_GPR_R14));
	ASSERT_EQ(out.r15, POISON(TDX_GPR_R15));
	/* The TDCALL returned RAX = 0, RCX = the mask; the guest saw the
	 * host's values in the exposed registers only. */
	ASSERT_EQ(T.out[0].rax, 0);
	ASSERT_EQ(T.out[0].rcx, 0xFC00);
	ASSERT_EQ(T.out[0].r15, POISON(TDX_GPR_R15));
	ASSERT_EQ(T.out[0].rbx, CS(0));
}

static void test_primitive_loads_only_masked(void **state)
{
	struct harness_in h;
	struct tdx_tdvmcall_out out;
	uint64_t r[16];

	H.poison = 1;
	harness_in_init(&h, (const void *)tdx_tdvmcall);
	/* R12 only (R10, R11 are added): R13-R15 must keep the caller's own
	 * values at the TDCALL, not the arguments, and out->r13.. are 0. */
	uint64_t a[8] = { 0, TDVMCALL_RDMSR, 0x1B, 0x13, 0x14, 0x15, 0x1000, (uintptr_t)&out };
	memcpy(h.args, a, sizeof(a));
	memset(&out, 0xEE, sizeof(out));
	ghci_test_harness(&h, r);

	check_call(0, 0x1C00, 0, TDVMCALL_RDMSR, 0x1B, 0, 0, 0);
	ASSERT_EQ(T.in[0].rax, 0);
	ASSERT_EQ(T.in[0].rcx, 0x1C00);
	ASSERT_EQ(T.in[0].r12, 0x1B);
	ASSERT_EQ(T.in[0].r13, CS(3));	/* untouched */
	ASSERT_EQ(T.in[0].r14, CS(4));
	ASSERT_EQ(T.in[0].r15, CS(5));
	ASSERT_EQ(T.in[0].rbx, CS(0));
	ASSERT_EQ(T.in[0].rbp, CS(1));
	ASSERT_EQ(T.in[0].rdi, (uintptr_t)&out);	/* the out pointer, not exposed */
	ASSERT_EQ(out.r11, POISON(TDX_GPR_R11));
	ASSERT_EQ(out.r12, POISON(TDX_GPR_R12));
	ASSERT_EQ(out.r13, 0);
	ASSERT_EQ(out.r14, 0);
	ASSERT_EQ(out.r15, 0);
	ASSERT_EQ(r[TDX_GPR_R10], 0);
	ASSERT_EQ(r[TDX_GPR_R11], 0);
	assert_callee_saved(r);
	assert_no_host_values(r);

	/* NULL out: nothing stored, same hygiene. */
	h.args[7] = 0;
	ghci_test_harness(&h, r);
	assert_callee_saved(r);
	assert_no_host_values(r);
}

static void test_fatal_primitive_zeroes(void **state)
{
	struct harness_in h;
	uint64_t msg[8], r[16];

	for (unsigned i = 0; i < 8; i++)
		msg[i] = 0x4D53470000000000ull | i;
	H.poison = 1;	/* and the host resumes: one attempt returns */
	harness_in_init(&h, (const void *)tdx_tdvmcall_fatal);
	h.args[0] = 0x99;
	h.args[1] = 0;
	h.args[2] = (uintptr_t)msg;
	ghci_test_harness(&h, r);

	ASSERT_EQ(H.calls, 1);
	ASSERT_EQ(H.qual[0], 0xFFCC);
	for (unsigned w = 0; w < 8; w++)
		ASSERT_EQ(H.seen[0].gpr[msg_regs[w]], msg[w]);
	ASSERT_EQ(H.seen[0].r12, 0x99);
	ASSERT_EQ(T.in[0].rbp, CS(1));		/* RBP kept out of it */
	ASSERT_EQ(r[TDX_GPR_RAX], 0);		/* the TDCALL status */
	for (unsigned g = TDX_GPR_RCX; g < TDX_NR_GPRS; g++) {
		if (g == TDX_GPR_RSP || g == TDX_GPR_RBX || g == TDX_GPR_RBP ||
		    (g >= TDX_GPR_R12 && g <= TDX_GPR_R15))
			continue;
		if (r[g])
			fail_msg("GPR %u = 0x%llx after the call, want 0", g,
				 (unsigned long long)r[g]);
	}
	assert_callee_saved(r);
}

/* ---- the pack helper ------------------------------------------------------------ */

static void test_pack_message(void **state)
{
	uint64_t w[8];

	tdx_ghci_pack_message(w, "AB");
	ASSERT_EQ(w[0], 0x4241);
	for (unsigned i = 1; i < 8; i++)
		ASSERT_EQ(w[i], 0);
	/* Stops at the NUL: bytes after it are not read into the message. */
	tdx_ghci_pack_message(w, "x\0yz");
	ASSERT_EQ(w[0], 'x');
}

#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T_(test_cpuid),
		T_(test_hlt),
		T_(test_io_in),
		T_(test_io_out),
		T_(test_merge),
		T_(test_msr),
		T_(test_mmio),
		T_(test_map_gpa_success),
		T_(test_map_gpa_retry_progress),
		T_(test_map_gpa_retry_outside),
		T_(test_map_gpa_no_progress),
		T_(test_map_gpa_error),
		T_(test_get_quote),
		T_(test_setup_event_notify),
		T_(test_get_td_vm_call_info),
		T_(test_kvm_hypercall),
		T_(test_report_fatal_error),
		T_(test_report_fatal_error_long),
		T_(test_report_fatal_error_null),
		T_(test_default_panic_reports),
		T_(test_primitive_zeroes_exposed),
		T_(test_primitive_loads_only_masked),
		T_(test_fatal_primitive_zeroes),
		T_(test_pack_message),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

/* test_native_vedefault.c: the default #VE handler (tdxkit/ve.h) in-process.
 * Plain instructions run for real (IO, HLT, MSR fault with #GP in user mode,
 * MMIO and PENDING-page touches fault in the TD windows); the trap engine
 * makes them #VEs (tdx-abi.md 4.1) and the default handler turns them into
 * TDVMCALLs (3.4) answered by the small host below: a UART collecting bytes,
 * an IN port returning a counter, an MSR store, a device register page.
 * The host runs inside the engine's signal handler, so it only records. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/ghci.h"
#include "tdxkit/trap.h"
#include "tdxkit/ve.h"

#define UART 0x3F8
#define COUNTER_PORT 0x71
#define DEV_GPA 0x400000ull		/* never shared: the shared alias faults = MMIO */
#define MSR_KNOWN 0x1B

struct req {
	uint64_t sub, r12, r13, r14, r15;
};

static struct {
	struct req log[64];
	unsigned n;
	char uart[64];
	unsigned nuart;
	uint32_t counter;
	uint64_t msr;
	uint8_t dev[4096];
	unsigned hlts;
	char fatal[65];
	int fatal_fd;		/* >= 0: ReportFatalError's message goes here */
} H;

static uint64_t shared_bit;

static uint64_t mask_of(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static int host_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	struct tdx_regs *v = &e->vmm;
	struct req r = { v->r11, v->r12, v->r13, v->r14, v->r15 };
	uint64_t st = TDVMCALL_STATUS_SUCCESS, out = 0;

	if (H.n < 64)
		H.log[H.n++] = r;
	switch (r.sub) {
	case TDVMCALL_IO:
		if (r.r13 == 0)	/* IN: garbage above `size` must not reach RAX */
			out = 0xDEADBEEF00000000ull | (r.r14 == COUNTER_PORT ? ++H.counter : 0xA1B2C3D4);
		else if (r.r14 == UART && H.nuart < sizeof(H.uart) - 1)
			H.uart[H.nuart++] = (char)r.r15;
		break;
	case TDVMCALL_HLT:
		H.hlts++;
		break;
	case TDVMCALL_RDMSR:
		if (r.r12 == MSR_KNOWN)
			out = H.msr;
		else
			st = TDVMCALL_STATUS_INVALID_OPERAND;
		break;
	case TDVMCALL_WRMSR:
		if (r.r12 == MSR_KNOWN)
			H.msr = r.r13;
		else
			st = TDVMCALL_STATUS_INVALID_OPERAND;
		break;
	case TDVMCALL_MMIO: {
		uint64_t gpa = r.r14 & ~shared_bit, off = gpa - DEV_GPA;
		if (!(r.r14 & shared_bit) || off + r.r12 > sizeof(H.dev)) {
			st = TDVMCALL_STATUS_INVALID_OPERAND;
		} else if (r.r13 == 0) {
			memcpy(&out, H.dev + off, r.r12);
			out |= ~mask_of((unsigned)r.r12);	/* garbage above `size` */
		} else {
			memcpy(H.dev + off, &r.r15, r.r12);
		}
		break;
	}
	case TDVMCALL_REPORT_FATAL_ERROR: {
		uint64_t w[8] = { v->r14, v->r15, v->rbx, v->rdi, v->rsi, v->r8, v->r9, v->rdx };
		memcpy(H.fatal, w, 64);
		if (H.fatal_fd >= 0 && write(H.fatal_fd, H.fatal, strlen(H.fatal)) < 0)
			return 1;
		break;
	}
	default:
		st = TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED;
	}
	v->r10 = st;
	v->r11 = out;
	return 0;
}

/* The error path: a strong tdx_ve_unhandled replaces the library's fatal
 * default; it records and skips `skip` bytes (the instruction), or calls
 * the default's tdx_ve_fatal when `fatal` is set. */
static struct {
	unsigned n;
	enum tdx_ve_error err;
	uint64_t status;
	uint32_t reason;
	unsigned skip;
	int fatal;
} U;

void tdx_ve_unhandled(struct tdx_ve_frame *f, const struct tdx_ve *ve, enum tdx_ve_error err,
		      uint64_t status)
{
	U.n++;
	U.err = err;
	U.status = status;
	U.reason = ve->exit_reason;
	if (U.fatal)
		tdx_ve_fatal(ve, err, status);
	f->rip += U.skip ? U.skip : ve->instr_len;
}

static struct tdx_td *td;
static struct tdx_mem_windows win;

/* cmocka installs its own SIGILL/SIGSEGV handlers around each test: the
 * trap goes in inside the test body. */
static void trap_on(uint64_t attributes)
{
	struct tdx_td_config cfg;
	char err[256] = "";

	memset(&H, 0, sizeof(H));
	memset(&U, 0, sizeof(U));
	H.fatal_fd = -1;
	tdx_td_config_init(&cfg);
	cfg.mem_size = 16ull << 20;
	cfg.attributes = attributes;
	cfg.host.tdvmcall = host_tdvmcall;
	td = tu_td_new(&cfg);
	if (tdx_trap_install(td, 0, err, sizeof(err)))
		fail_msg("tdx_trap_install: %s", err);
	shared_bit = tdx_td_shared_bit(td);
	tdx_td_windows(td, &win);
	ASSERT_EQ(tdx_ve_install_default(), 0);
}

static void trap_off(void)
{
	tdx_trap_uninstall();
	tdx_td_destroy(td);
	td = NULL;
}

static void check_req(unsigned i, uint64_t sub, uint64_t r12, uint64_t r13, uint64_t r14,
		      uint64_t r15)
{
	assert_true(i < H.n);
	ASSERT_EQ(H.log[i].sub, sub);
	ASSERT_EQ(H.log[i].r12, r12);
	ASSERT_EQ(H.log[i].r13, r13);
	ASSERT_EQ(H.log[i].r14, r14);
	ASSERT_EQ(H.log[i].r15, r15);
}

/* ---- IO ------------------------------------------------------------------ */
static void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %b0, %w1" : : "a"(v), "Nd"(port));
}

static uint64_t inb_rax(uint16_t port, uint64_t rax)
{
	__asm__ volatile("inb %w1, %b0" : "+a"(rax) : "Nd"(port));
	return rax;
}

static uint64_t inw_rax(uint16_t port, uint64_t rax)
{
	__asm__ volatile("inw %w1, %w0" : "+a"(rax) : "Nd"(port));
	return rax;
}

static uint64_t inl_rax(uint16_t port, uint64_t rax)
{
	__asm__ volatile("inl %w1, %k0" : "+a"(rax) : "Nd"(port));
	return rax;
}

static void test_io(void **state)
{
	trap_on(TDX_ATTR_SEPT_VE_DISABLE);
	for (const char *s = "hi\n"; *s; s++)
		outb(UART, (uint8_t)*s);
	outb(0x80, 0x5A);		/* immediate-port form: outb %al, $0x80 */
	uint64_t b = inb_rax(COUNTER_PORT, 0x1122334455667788ull);
	uint64_t w = inw_rax(0x1F0, 0x1122334455667788ull);
	uint64_t l = inl_rax(COUNTER_PORT, 0xFFFFFFFFFFFFFFFFull);
	uint16_t p = 0x70;
	uint64_t imm;
	__asm__ volatile("outw %w1, %w2\n\tinb $0x71, %b0" : "=a"(imm) : "a"(0x4242), "Nd"(p));
	trap_off();

	assert_string_equal(H.uart, "hi\n");
	ASSERT_EQ(b, 0x1122334455667701ull);	/* AL only: counter 1 */
	ASSERT_EQ(w, 0x112233445566C3D4ull);	/* AX only */
	ASSERT_EQ(l, 0x2);			/* EAX zero-extends: counter 2 */
	ASSERT_EQ(imm & 0xFF, 3);
	ASSERT_EQ(U.n, 0);
	ASSERT_EQ(H.n, 9);
	check_req(0, TDVMCALL_IO, 1, 1, UART, 'h');
	check_req(3, TDVMCALL_IO, 1, 1, 0x80, 0x5A);
	check_req(4, TDVMCALL_IO, 1, 0, COUNTER_PORT, 0);
	check_req(5, TDVMCALL_IO, 2, 0, 0x1F0, 0);
	check_req(6, TDVMCALL_IO, 4, 0, COUNTER_PORT, 0);
	check_req(7, TDVMCALL_IO, 2, 1, 0x70, 0x4242);
	check_req(8, TDVMCALL_IO, 1, 0, COUNTER_PORT, 0);
}

/* String IO is declined (ve.h): the error path, no TDVMCALL. */
static void test_string_io(void **state)
{
	const char buf[] = "xyz";
	uint64_t rcx = 3;
	const void *rsi = buf;

	trap_on(TDX_ATTR_SEPT_VE_DISABLE);
	__asm__ volatile("rep outsb" : "+c"(rcx), "+S"(rsi) : "d"(UART) : "memory");
	trap_off();
	ASSERT_EQ(U.n, 1);
	ASSERT_EQ(U.err, TDX_VE_ERR_STRING_IO);
	ASSERT_EQ(U.reason, TDX_EXIT_IO_INSTRUCTION);
	ASSERT_EQ(H.n, 0);
	ASSERT_EQ(rcx, 3);	/* nothing emulated */
}

/* ---- HLT, MSR --------------------------------------------------------------- */
static void test_hlt_msr(void **state)
{
	uint32_t lo, hi;

	trap_on(TDX_ATTR_SEPT_VE_DISABLE);
	__asm__ volatile("hlt");
	__asm__ volatile("wrmsr" : : "c"(MSR_KNOWN), "a"(0x00112233), "d"(0xAABBCCDD));
	uint64_t rax = ~0ull, rdx = ~0ull;
	__asm__ volatile("rdmsr" : "+a"(rax), "+d"(rdx) : "c"(MSR_KNOWN));
	/* An MSR the host refuses: a kernel's #GP, here the error path. */
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x8B), "a"(7), "d"(9));
	trap_off();

	ASSERT_EQ(H.hlts, 1);
	check_req(0, TDVMCALL_HLT, 0, 0, 0, 0);	/* user mode: IF = 1, not blocked */
	check_req(1, TDVMCALL_WRMSR, MSR_KNOWN, 0xAABBCCDD00112233ull, 0, 0);
	check_req(2, TDVMCALL_RDMSR, MSR_KNOWN, 0, 0, 0);
	ASSERT_EQ(rax, 0x00112233);		/* 32-bit writes: upper halves cleared */
	ASSERT_EQ(rdx, 0xAABBCCDD);
	ASSERT_EQ(U.n, 1);
	ASSERT_EQ(U.err, TDX_VE_ERR_HOST);
	ASSERT_STATUS(U.status, TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_EQ(U.reason, TDX_EXIT_RDMSR);
	ASSERT_EQ(lo, 7);			/* untouched on failure */
	ASSERT_EQ(hi, 9);
}

/* ---- MMIO ------------------------------------------------------------------ */
#define PAT 0x8877665544332211ull
#define R0 0xA5A5A5A5A5A5A5A5ull

static void dev_fill(void)
{
	uint64_t v = PAT;
	memcpy(H.dev + 0x10, &v, 8);
	v = 0xF0E0D0C0B0A09080ull;	/* negative bytes, words, dwords */
	memcpy(H.dev + 0x20, &v, 8);
}

#define LOAD(insn, reg_c, init, p) ({ \
	uint64_t _v = (init); \
	__asm__ volatile(insn : "+" reg_c(_v) : "r"(p) : "memory"); \
	_v; })

static void test_mmio_loads(void **state)
{
	trap_on(TDX_ATTR_SEPT_VE_DISABLE);
	dev_fill();
	volatile uint8_t *d = win.shared_base + DEV_GPA;
	volatile uint8_t *a = d + 0x10, *n = d + 0x20;
	uint64_t got[20];
	unsigned k = 0;

	got[k++] = LOAD("movb (%1), %b0", "r", R0, a);
	got[k++] = LOAD("movw (%1), %w0", "r", R0, a);
	got[k++] = LOAD("movl (%1), %k0", "r", R0, a);
	got[k++] = LOAD("movq (%1), %q0", "r", R0, a);
	got[k++] = LOAD("movb (%1), %h0", "Q", R0, a);	/* AH..BH */
	got[k++] = LOAD("movzbl (%1), %k0", "r", R0, n);
	got[k++] = LOAD("movzwq (%1), %q0", "r", R0, n);
	got[k++] = LOAD("movzbw (%1), %w0", "r", R0, n);	/* 16-bit dest keeps 63:16 */
	got[k++] = LOAD("movsbq (%1), %q0", "r", R0, n);
	got[k++] = LOAD("movswl (%1), %k0", "r", R0, n);
	got[k++] = LOAD("movsbw (%1), %w0", "r", R0, n);
	got[k++] = LOAD("movslq (%1), %q0", "r", R0, n);	/* MOVSXD */
	got[k++] = LOAD("movsbq (%1), %q0", "r", R0, a);	/* positive byte */
	got[k++] = LOAD("movb 1(%1), %b0", "r", R0, a);	/* exact byte address */
	got[k++] = LOAD("movl 3(%1), %k0", "r", R0, a);	/* unaligned */
	register uint64_t r13 __asm__("r13") = R0;	/* r8..r15 */
	__asm__ volatile("movw (%1), %w0" : "+r"(r13) : "r"(a) : "memory");
	got[k++] = r13;
	trap_off();

	ASSERT_EQ(U.n, 0);
	unsigned i = 0;
	ASSERT_EQ(got[i++], 0xA5A5A5A5A5A5A511ull);
	ASSERT_EQ(got[i++], 0xA5A5A5A5A5A52211ull);
	ASSERT_EQ(got[i++], 0x44332211ull);
	ASSERT_EQ(got[i++], PAT);
	ASSERT_EQ(got[i++], 0xA5A5A5A5A5A511A5ull);
	ASSERT_EQ(got[i++], 0x80ull);
	ASSERT_EQ(got[i++], 0x9080ull);
	ASSERT_EQ(got[i++], 0xA5A5A5A5A5A50080ull);
	ASSERT_EQ(got[i++], 0xFFFFFFFFFFFFFF80ull);
	ASSERT_EQ(got[i++], 0xFFFF9080ull);
	ASSERT_EQ(got[i++], 0xA5A5A5A5A5A5FF80ull);
	ASSERT_EQ(got[i++], 0xFFFFFFFFB0A09080ull);
	ASSERT_EQ(got[i++], 0x11ull);
	ASSERT_EQ(got[i++], 0xA5A5A5A5A5A5A522ull);
	ASSERT_EQ(got[i++], 0x77665544ull);
	ASSERT_EQ(got[i++], 0xA5A5A5A5A5A52211ull);

	/* The host saw exact GPAs and sizes. */
	uint64_t g = DEV_GPA | shared_bit;
	check_req(0, TDVMCALL_MMIO, 1, 0, g + 0x10, 0);
	check_req(3, TDVMCALL_MMIO, 8, 0, g + 0x10, 0);
	check_req(5, TDVMCALL_MMIO, 1, 0, g + 0x20, 0);
	check_req(6, TDVMCALL_MMIO, 2, 0, g + 0x20, 0);
	check_req(11, TDVMCALL_MMIO, 4, 0, g + 0x20, 0);
	check_req(13, TDVMCALL_MMIO, 1, 0, g + 0x11, 0);
	check_req(14, TDVMCALL_MMIO, 4, 0, g + 0x13, 0);
	check_req(15, TDVMCALL_MMIO, 2, 0, g + 0x10, 0);
	ASSERT_EQ(H.n, 16);
}

static void test_mmio_stores(void **state)
{
	trap_on(TDX_ATTR_SEPT_VE_DISABLE);
	volatile uint8_t *d = win.shared_base + DEV_GPA;
	uint64_t v = 0x0102030405060708ull;

	__asm__ volatile("movb %b0, 0x100(%1)" : : "r"(v), "r"(d) : "memory");
	__asm__ volatile("movb %h0, 0x101(%1)" : : "Q"(v), "r"(d) : "memory");
	__asm__ volatile("movw %w0, 0x102(%1)" : : "r"(v), "r"(d) : "memory");
	__asm__ volatile("movl %k0, 0x104(%1)" : : "r"(v), "r"(d) : "memory");
	__asm__ volatile("movq %q0, 0x108(%1)" : : "r"(v), "r"(d) : "memory");
	__asm__ volatile("movb $0x7F, 0x110(%0)" : : "r"(d) : "memory");
	__asm__ volatile("movw $0x1234, 0x112(%0)" : : "r"(d) : "memory");
	__asm__ volatile("movl $0xCAFEF00D, 0x114(%0)" : : "r"(d) : "memory");
	__asm__ volatile("movq $-2, 0x118(%0)" : : "r"(d) : "memory");	/* imm32 sign-extended */
	register uint64_t r11 __asm__("r11") = 0xAB;
	__asm__ volatile("movb %b0, 0x120(%1)" : : "r"(r11), "r"(d) : "memory");	/* R11B */
	trap_off();

	ASSERT_EQ(U.n, 0);
	uint64_t g = DEV_GPA | shared_bit;
	check_req(0, TDVMCALL_MMIO, 1, 1, g + 0x100, 0x08);
	check_req(1, TDVMCALL_MMIO, 1, 1, g + 0x101, 0x07);
	check_req(2, TDVMCALL_MMIO, 2, 1, g + 0x102, 0x0708);
	check_req(3, TDVMCALL_MMIO, 4, 1, g + 0x104, 0x05060708);
	check_req(4, TDVMCALL_MMIO, 8, 1, g + 0x108, v);
	check_req(5, TDVMCALL_MMIO, 1, 1, g + 0x110, 0x7F);
	check_req(6, TDVMCALL_MMIO, 2, 1, g + 0x112, 0x1234);
	check_req(7, TDVMCALL_MMIO, 4, 1, g + 0x114, 0xCAFEF00D);
	check_req(8, TDVMCALL_MMIO, 8, 1, g + 0x118, 0xFFFFFFFFFFFFFFFEull);
	check_req(9, TDVMCALL_MMIO, 1, 1, g + 0x120, 0xAB);
	ASSERT_EQ(H.n, 10);
	uint64_t q;
	memcpy(&q, H.dev + 0x100, 8);
	ASSERT_EQ(q, 0x0506070807080708ull);
}

/* Instructions the handler refuses: no TDVMCALL, the error path. */
static void test_mmio_refused(void **state)
{
	trap_on(TDX_ATTR_SEPT_VE_DISABLE);
	volatile uint8_t *d = win.shared_base + DEV_GPA;

	U.skip = 3;	/* addl $1, (%rdi): 83 07 01 */
	__asm__ volatile("addl $1, (%0)" : : "D"(d) : "memory", "cc");
	ASSERT_EQ(U.n, 1);
	ASSERT_EQ(U.err, TDX_VE_ERR_INSN);
	ASSERT_EQ(U.reason, TDX_EXIT_EPT_VIOLATION);

	U.skip = 2;	/* movl (%rdi), %eax: 8B 07, 4 bytes at 0xFFE cross the page */
	uint32_t x;
	__asm__ volatile("movl (%1), %0" : "=a"(x) : "D"(d + 0xFFE) : "memory");
	ASSERT_EQ(U.n, 2);
	ASSERT_EQ(U.err, TDX_VE_ERR_CROSS_PAGE);

	U.skip = 4;	/* movdqu (%rdi), %xmm0: F3 0F 6F 07 */
	__asm__ volatile("movdqu (%0), %%xmm0" : : "D"(d) : "memory", "xmm0");
	ASSERT_EQ(U.n, 3);
	ASSERT_EQ(U.err, TDX_VE_ERR_INSN);

	/* A device the host does not know: its status comes back. */
	U.skip = 2;
	__asm__ volatile("movl (%1), %0" : "=a"(x) : "D"(win.shared_base + 0x500000) : "memory");
	ASSERT_EQ(U.n, 4);
	ASSERT_EQ(U.err, TDX_VE_ERR_HOST);
	ASSERT_STATUS(U.status, TDVMCALL_STATUS_INVALID_OPERAND);
	trap_off();
	ASSERT_EQ(H.n, 1);
}

/* ---- PENDING page (SEPT_VE_DISABLE clear) ----------------------------------- */
static void test_pending(void **state)
{
	trap_on(0);
	volatile uint32_t *p = (volatile uint32_t *)(win.private_base + 0x300010);
	*p = 0x5A5A5A5A;			/* #VE, accepted, the store retried */
	uint32_t r = *(volatile uint32_t *)(win.private_base + 0x301000);	/* a read */
	struct tdx_page_state st;
	ASSERT_EQ(tdx_td_page_state(td, 0x300000, &st), 0);
	ASSERT_EQ(st.sept, TDX_SEPT_PRESENT);
	ASSERT_EQ(*p, 0x5A5A5A5A);
	trap_off();
	ASSERT_EQ(r, 0);
	ASSERT_EQ(U.n, 0);
	ASSERT_EQ(H.n, 0);	/* no TDVMCALL: accept is a module leaf */
}

/* ---- the library's fatal default ------------------------------------------- */
static void test_fatal(void **state)
{
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGILL, SIG_DFL);	/* cmocka's handlers are not the program's */
		signal(SIGSEGV, SIG_DFL);
		close(pfd[0]);
		trap_on(TDX_ATTR_SEPT_VE_DISABLE);
		H.fatal_fd = pfd[1];
		U.fatal = 1;
		__asm__ volatile("wrmsr" : : "c"(0x8B), "a"(0), "d"(0));
		_exit(0);	/* not reached: tdx_guest_panic ends on ud2 */
	}
	close(pfd[1]);
	char msg[80] = "";
	ssize_t k = read(pfd[0], msg, sizeof(msg) - 1);
	msg[k > 0 ? k : 0] = 0;
	close(pfd[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);
	assert_string_equal(msg, "#VE 32 host refused st=0x8000000000000000");
}

/* The pure decoder: lengths, sizes, registers. */
static void test_decode(void **state)
{
	struct tdx_ve_mmio_insn in;
	static const uint8_t ah[] = { 0x8A, 0x27 };		/* mov (%rdi), %ah */
	static const uint8_t r15[] = { 0x4C, 0x8B, 0x3F };	/* mov (%rdi), %r15 */
	static const uint8_t sil[] = { 0x40, 0x88, 0x37 };	/* mov %sil, (%rdi) */
	static const uint8_t movs[] = { 0xA4 };			/* movsb */
	static const uint8_t xchg[] = { 0x87, 0x07 };		/* xchg %eax, (%rdi) */
	static const uint8_t sreg[] = { 0x8E, 0x1F };		/* mov (%rdi), %ds */
	static const uint8_t trunc[] = { 0x48, 0x8B };
	static const uint8_t moffs[] = { 0xA1, 1, 2, 3, 4, 5, 6, 7, 8 };	/* mov moffs64, %eax */
	static const uint8_t imm64[] = { 0x48, 0xC7, 0x07, 0xFE, 0xFF, 0xFF, 0xFF };	/* movq $-2, (%rdi) */

	ASSERT_EQ(tdx_ve_mmio_decode(ah, sizeof(ah), &in), 0);
	ASSERT_EQ(in.reg, TDX_GPR_RAX);
	assert_true(in.high8 && !in.write && in.size == 1 && in.len == 2);
	ASSERT_EQ(tdx_ve_mmio_decode(r15, sizeof(r15), &in), 0);
	assert_true(in.reg == TDX_GPR_R15 && in.size == 8 && in.len == 3);
	ASSERT_EQ(tdx_ve_mmio_decode(sil, sizeof(sil), &in), 0);
	assert_true(in.reg == TDX_GPR_RSI && !in.high8 && in.write && in.size == 1);
	ASSERT_EQ(tdx_ve_mmio_decode(movs, sizeof(movs), &in), TDX_VE_ERR_INSN);
	ASSERT_EQ(tdx_ve_mmio_decode(xchg, sizeof(xchg), &in), TDX_VE_ERR_INSN);
	ASSERT_EQ(tdx_ve_mmio_decode(sreg, sizeof(sreg), &in), TDX_VE_ERR_INSN);
	ASSERT_EQ(tdx_ve_mmio_decode(trunc, sizeof(trunc), &in), TDX_VE_ERR_DECODE);
	ASSERT_EQ(tdx_ve_mmio_decode(moffs, sizeof(moffs), &in), 0);
	assert_true(in.reg == TDX_GPR_RAX && in.size == 4 && in.len == 9 && !in.write);
	ASSERT_EQ(tdx_ve_mmio_decode(imm64, sizeof(imm64), &in), 0);
	assert_true(in.imm && in.write && in.size == 8 && in.len == 7);
	ASSERT_EQ(in.value, 0xFFFFFFFFFFFFFFFEull);
	assert_string_equal(tdx_ve_error_name(TDX_VE_ERR_STRING_IO), "string IO");
}

static void test_not_in_td(void **state)
{
	/* No engine installed: registering fails, nothing is called. */
	ASSERT_EQ(tdx_ve_install_default(), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io),
		cmocka_unit_test(test_string_io),
		cmocka_unit_test(test_hlt_msr),
		cmocka_unit_test(test_mmio_loads),
		cmocka_unit_test(test_mmio_stores),
		cmocka_unit_test(test_mmio_refused),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_fatal),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_not_in_td),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

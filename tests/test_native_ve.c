/* test_native_ve.c: #VE delivery by the trap engine, in-process. The
 * instructions run for real in user mode (IO, HLT and MSR raise #GP, window
 * faults raise SIGSEGV); the registered handler reads VE_INFO with a raw
 * TDG.VP.VEINFO.GET, as a TD's #VE handler does (tdx-abi.md 4.1, 4.2). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/trap.h"
#include "guests/ve_insn.h"

struct tc {
	uint64_t rax, rcx, rdx, r8, r9, r10;
};

static void tdcall(struct tc *t)
{
	register uint64_t r8 __asm__("r8") = t->r8;
	register uint64_t r9 __asm__("r9") = t->r9;
	register uint64_t r10 __asm__("r10") = t->r10;

	__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(t->rax), "+c"(t->rcx), "+d"(t->rdx), "+r"(r8), "+r"(r9), "+r"(r10)
			 :
			 : "memory", "cc", "r11");
	t->r8 = r8; t->r9 = r9; t->r10 = r10;
}

static uint64_t leaf(uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8, uint64_t r9)
{
	struct tc t = { .rax = rax, .rcx = rcx, .rdx = rdx, .r8 = r8, .r9 = r9 };
	tdcall(&t);
	return t.rax;
}

/* What the handler saw and did. */
static struct {
	int n;
	struct tc info;			/* VEINFO.GET outputs (rax = status) */
	struct tdx_ve_frame frame;	/* as delivered */
	uint64_t accept_status;
} seen;
static uint64_t shared_bit;
static uint64_t in_value = 0xA1B2C3D4, msr_value = 0x1122334455667788ull, mmio_value = 0xFEEDFACE;

/* A #VE handler like a guest kernel's: VEINFO.GET first, then emulate. */
static void handler(struct tdx_ve_frame *f)
{
	struct tc t = { .rax = TDG_VP_VEINFO_GET };
	tdcall(&t);
	seen.n++;
	seen.info = t;
	seen.frame = *f;
	uint32_t len = (uint32_t)t.r10;

	switch (TDX_EXIT_REASON_BASIC(t.rcx)) {
	case TDX_EXIT_IO_INSTRUCTION:
		if ((t.rdx & (1u << 4))) {		/* string: consume RCX bytes */
			f->rsi += f->rcx;
			f->rcx = 0;
		} else if (t.rdx & (1u << 3)) {		/* IN: only `size` bytes of RAX change */
			unsigned size = (unsigned)(t.rdx & 7) + 1;
			uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (8 * size)) - 1;
			f->rax = size == 4 ? (in_value & mask) : (f->rax & ~mask) | (in_value & mask);
		}
		f->rip += len;
		break;
	case TDX_EXIT_RDMSR:
		f->rax = (uint32_t)msr_value;
		f->rdx = msr_value >> 32;
		f->rip += len;
		break;
	case TDX_EXIT_HLT:
	case TDX_EXIT_WRMSR:
		f->rip += len;
		break;
	case TDX_EXIT_EPT_VIOLATION:
		if (t.r9 & shared_bit) {	/* MMIO: emulate the 2-byte mov */
			if (t.rdx & TDX_EPT_QUAL_WRITE)
				mmio_value = (uint32_t)f->rsi;
			else
				f->rax = mmio_value;
			f->rip += 2;
		} else {			/* PENDING: accept, retry the access */
			seen.accept_status = leaf(TDG_MEM_PAGE_ACCEPT, t.r9 & ~0xFFFull, 0, 0, 0);
		}
		break;
	}
}

static struct tdx_td *install(uint64_t attributes, uint64_t config_flags, enum tdx_sept_policy p)
{
	struct tdx_td_config cfg;
	char err[256] = "";

	tdx_td_config_init(&cfg);
	cfg.attributes = attributes;
	cfg.config_flags = config_flags;
	cfg.sept_policy = p;
	struct tdx_td *td = tu_td_new(&cfg);
	if (tdx_trap_install(td, 0, err, sizeof(err)))
		fail_msg("tdx_trap_install: %s", err);
	shared_bit = tdx_td_shared_bit(td);
	memset(&seen, 0, sizeof(seen));
	return td;
}

static void uninstall(struct tdx_td *td)
{
	tdx_trap_uninstall();
	tdx_td_destroy(td);
}

/* One delivered instruction #VE: VE_INFO and the frame's RIP. */
static void expect_insn_ve(uint32_t reason, uint64_t qual, uint32_t len, uint32_t info,
			   const char *insn)
{
	ASSERT_EQ(seen.n, 1);
	ASSERT_STATUS(seen.info.rax, TDX_SUCCESS);
	ASSERT_EQ(seen.info.rcx, reason);
	ASSERT_EQ(seen.info.rdx, qual);
	ASSERT_EQ(seen.info.r8, 0);
	ASSERT_EQ(seen.info.r9, 0);
	ASSERT_EQ(seen.info.r10, (uint64_t)len | (uint64_t)info << 32);
	ASSERT_EQ(seen.frame.rip, (uint64_t)(uintptr_t)insn);
	seen.n = 0;
}

#define IOQ(port, size, in, imm) \
	((uint64_t)(port) << 16 | ((size) - 1) | ((in) ? 8u : 0u) | ((imm) ? 64u : 0u))

static void test_io(void **state)
{
	struct tdx_td *td = install(TDX_ATTR_SEPT_VE_DISABLE, 0, TDX_SEPT_POLICY_2M);
	tdx_trap_set_ve_handler(handler);

	ve_outb(0x5A);
	expect_insn_ve(30, IOQ(0x80, 1, 0, 1), 2, 0, ve_outb_insn);
	ASSERT_EQ(seen.frame.rax & 0xFF, 0x5A);

	ASSERT_EQ(ve_inb(), 0x123456D4);	/* only AL is written */
	expect_insn_ve(30, IOQ(0x71, 1, 1, 1), 2, 0, ve_inb_insn);

	ASSERT_EQ(ve_inw(0x1F0), 0x1234C3D4);	/* only AX */
	expect_insn_ve(30, IOQ(0x1F0, 2, 1, 0), 2, 0, ve_inw_insn);
	ASSERT_EQ(seen.frame.rdx & 0xFFFF, 0x1F0);

	ASSERT_EQ(ve_inl(0xCFC), 0xA1B2C3D4);
	expect_insn_ve(30, IOQ(0xCFC, 4, 1, 0), 1, 0, ve_inl_insn);

	ve_outw(0x3F8, 0xBEEF);
	expect_insn_ve(30, IOQ(0x3F8, 2, 0, 0), 2, 0, ve_outw_insn);
	ASSERT_EQ(seen.frame.rax & 0xFFFF, 0xBEEF);

	/* String and REP bits, and instruction information: 64-bit address
	 * size (2 << 7), DS source (3 << 15). */
	char buf[5] = "abcd";
	ASSERT_EQ(ve_rep_outsb(buf, 4, 0x3F8), 0);
	expect_insn_ve(30, IOQ(0x3F8, 1, 0, 0) | 1u << 4 | 1u << 5, 2, 2u << 7 | 3u << 15,
		       ve_rep_outsb_insn);
	ASSERT_EQ(seen.frame.rcx, 4);
	ASSERT_EQ(seen.frame.rsi, (uint64_t)(uintptr_t)buf);

	/* VALID was cleared by each VEINFO.GET: nothing left to read. */
	ASSERT_STATUS(leaf(TDG_VP_VEINFO_GET, 0, 0, 0, 0), TDX_NO_VALID_VE_INFO);
	uninstall(td);
}

static void test_hlt_msr(void **state)
{
	struct tdx_td *td = install(TDX_ATTR_SEPT_VE_DISABLE, 0, TDX_SEPT_POLICY_2M);
	tdx_trap_set_ve_handler(handler);

	ve_hlt();
	expect_insn_ve(12, 0, 1, 0, ve_hlt_insn);

	ASSERT_EQ(ve_rdmsr(0x1B), msr_value);
	expect_insn_ve(31, 0, 2, 0, ve_rdmsr_insn);
	ASSERT_EQ(seen.frame.rcx & 0xFFFFFFFF, 0x1B);

	ve_wrmsr(0xC0000080, 0xAABBCCDD00112233ull);
	expect_insn_ve(32, 0, 2, 0, ve_wrmsr_insn);
	ASSERT_EQ(seen.frame.rcx & 0xFFFFFFFF, 0xC0000080);
	ASSERT_EQ(seen.frame.rax & 0xFFFFFFFF, 0x00112233);
	ASSERT_EQ(seen.frame.rdx & 0xFFFFFFFF, 0xAABBCCDD);
	uninstall(td);
}

static void expect_exit(int st, const char *out, int code, const char *needle)
{
	if (!WIFEXITED(st) || WEXITSTATUS(st) != code || !strstr(out, needle))
		fail_msg("status 0x%x, output:\n%s\nexpected exit %d and '%s'", st, out, code, needle);
	assert_null(strstr(out, "survived"));
}

/* A handler that forgets TDG.VP.VEINFO.GET: VALID stays set. */
static void lazy_handler(struct tdx_ve_frame *f)
{
	f->rip += 1;	/* HLT */
	if (write(STDOUT_FILENO, "first\n", 6) < 0)
		f->rip += 0;
}

static void child_double_hlt(void *arg)
{
	install(TDX_ATTR_SEPT_VE_DISABLE, 0, TDX_SEPT_POLICY_2M);
	tdx_trap_set_ve_handler(lazy_handler);
	ve_hlt();
	ve_hlt();
	printf("survived\n");
}

static void test_double_fault(void **state)
{
	char out[2048];
	int st = tu_in_child(child_double_hlt, NULL, out, sizeof(out));
	expect_exit(st, out, TDX_TRAP_EXIT_INJECT, "first\ntdxkit: #DF: #VE for HLT (HLT 12");
	assert_non_null(strstr(out, "while VE_INFO.VALID was still set"));
	char want[96];
	snprintf(want, sizeof(want), "at RIP %p while", (void *)ve_hlt_insn);
	assert_non_null(strstr(out, want));
}

static void child_no_handler(void *arg)
{
	install(TDX_ATTR_SEPT_VE_DISABLE, 0, TDX_SEPT_POLICY_2M);
	ve_outb(1);
	printf("survived\n");
}

static void test_no_handler(void **state)
{
	char out[2048];
	int st = tu_in_child(child_no_handler, NULL, out, sizeof(out));
	expect_exit(st, out, TDX_TRAP_EXIT_INJECT,
		    "tdxkit: #VE for OUT (IO_INSTRUCTION 30, qualification 0x800040) at RIP 0x");
	assert_non_null(strstr(out, ": the program registered no #VE handler\n"));
}

/* A touch of a PENDING page with SEPT_VE_DISABLE clear: #VE, the handler
 * accepts the page, the access is retried and succeeds (4.1, 8.2). */
static void touch_pending(struct tdx_td *td)
{
	struct tdx_mem_windows w;
	tdx_td_windows(td, &w);
	tdx_trap_set_ve_handler(handler);

	volatile uint8_t *p = w.private_base + 0x300010;
	ve_store(p, 0x5A5A5A5A);
	ASSERT_EQ(seen.n, 1);
	ASSERT_EQ(seen.info.rcx, 48);
	ASSERT_EQ(seen.info.rdx, TDX_EPT_QUAL_WRITE | TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT);
	ASSERT_EQ(seen.info.r8, (uint64_t)(uintptr_t)p);
	ASSERT_EQ(seen.info.r9, 0x300010);
	ASSERT_EQ(seen.info.r10, 0);	/* instruction length: not defined for EPT */
	ASSERT_EQ(seen.frame.rip, (uint64_t)(uintptr_t)ve_store_insn);
	ASSERT_STATUS(seen.accept_status, TDX_SUCCESS);
	ASSERT_EQ(*(volatile uint32_t *)p, 0x5A5A5A5A);	/* the retried store landed */

	ASSERT_EQ(ve_load(w.private_base + 0x301000), 0);	/* a read: accepted, zeroed */
	ASSERT_EQ(seen.n, 2);
	ASSERT_EQ(seen.info.rdx, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT);
	ASSERT_EQ(seen.info.r9, 0x301000);
}

static void test_pending_page(void **state)
{
	struct tdx_td *td = install(0, 0, TDX_SEPT_POLICY_4K);
	touch_pending(td);
	uninstall(td);
	/* 2 MiB policy: the 4 KiB accept splits the host's 2 MiB mapping. */
	td = install(0, 0, TDX_SEPT_POLICY_2M);
	touch_pending(td);
	uninstall(td);
}

/* SEPT_VE_DISABLE set, but FLEXIBLE_PENDING_VE lets the guest clear
 * TD_CTLS.PENDING_VE_DISABLE with TDG.VM.WR (4.1, 5.3). */
static void test_pending_flexible(void **state)
{
	struct tdx_td *td = install(TDX_ATTR_SEPT_VE_DISABLE, TDX_CONFIG_FLAGS_FLEXIBLE_PENDING_VE,
				    TDX_SEPT_POLICY_2M);
	ASSERT_STATUS(leaf(TDG_VM_WR, 0, 0x1110000300000017ull, 0, TDX_TD_CTLS_PENDING_VE_DISABLE),
		      TDX_SUCCESS);
	touch_pending(td);
	uninstall(td);
}

static void child_pending_no_ve(void *arg)
{
	struct tdx_td *td = install(TDX_ATTR_SEPT_VE_DISABLE, 0, TDX_SEPT_POLICY_2M);
	struct tdx_mem_windows w;
	tdx_td_windows(td, &w);
	tdx_trap_set_ve_handler(handler);
	ve_store(w.private_base + 0x300000, 1);
	printf("survived\n");
}

static void test_pending_ve_disabled(void **state)
{
	char out[2048];
	/* The module exits to the host, which kills the TD (8.2): the access
	 * diagnostic, even with a handler. */
	int st = tu_in_child(child_pending_no_ve, NULL, out, sizeof(out));
	expect_exit(st, out, TDX_TRAP_EXIT_ACCESS,
		    "tdxkit: access to PENDING page: GPA 0x300000 (write through the private alias)");
}

/* MMIO: a shared-window page the host never mapped shared. */
static void test_mmio(void **state)
{
	struct tdx_td *td = install(TDX_ATTR_SEPT_VE_DISABLE, 0, TDX_SEPT_POLICY_2M);
	struct tdx_mem_windows w;
	tdx_td_windows(td, &w);
	tdx_trap_set_ve_handler(handler);

	volatile uint8_t *p = w.shared_base + 0x400008;
	ASSERT_EQ(ve_load(p), 0xFEEDFACE);
	ASSERT_EQ(seen.n, 1);
	ASSERT_EQ(seen.info.rcx, 48);
	ASSERT_EQ(seen.info.rdx, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT);
	ASSERT_EQ(seen.info.r8, (uint64_t)(uintptr_t)p);
	ASSERT_EQ(seen.info.r9, 0x400008 | shared_bit);
	ASSERT_EQ(seen.frame.rip, (uint64_t)(uintptr_t)ve_load_insn);

	ve_store(p, 0x12345678);
	ASSERT_EQ(seen.n, 2);
	ASSERT_EQ(seen.info.rdx, TDX_EPT_QUAL_WRITE | TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT);
	ASSERT_EQ(mmio_value, 0x12345678);

	/* An accepted private page through the shared alias: to the CPU the
	 * same non-present shared-EPT entry. */
	ASSERT_STATUS(leaf(TDG_MEM_PAGE_ACCEPT, 0x100000, 0, 0, 0), TDX_SUCCESS);
	ASSERT_EQ(ve_load(w.shared_base + 0x100000), 0x12345678);
	ASSERT_EQ(seen.n, 3);
	ASSERT_EQ(seen.info.r9, 0x100000 | shared_bit);
	uninstall(td);
}

/* A TDCALL whose memory operand is PENDING: the module injects #VE with
 * RIP at the TDCALL; after the handler accepts, the TDCALL runs again. */
static void test_tdcall_operand(void **state)
{
	struct tdx_td *td = install(0, 0, TDX_SEPT_POLICY_4K);
	tdx_trap_set_ve_handler(handler);
	ASSERT_STATUS(leaf(TDG_MR_RTMR_EXTEND, 0x300000, 2, 0, 0), TDX_SUCCESS);
	ASSERT_EQ(seen.n, 1);
	ASSERT_EQ(seen.info.rcx, 48);
	ASSERT_EQ(seen.info.r9, 0x300000);
	ASSERT_STATUS(seen.accept_status, TDX_SUCCESS);
	const uint8_t *rip = (const uint8_t *)(uintptr_t)seen.frame.rip;
	ASSERT_EQ(rip[0], 0x66);	/* the frame's RIP is the TDCALL */
	ASSERT_EQ(rip[3], 0xCC);
	uninstall(td);
}

static void test_register(void **state)
{
	ASSERT_EQ(tdxkit_ve_register(handler), -1);	/* no engine */
	struct tdx_td *td = install(TDX_ATTR_SEPT_VE_DISABLE, 0, TDX_SEPT_POLICY_2M);
	ASSERT_EQ(tdx_ve_register(handler), 0);		/* the weak-reference helper */
	ve_hlt();
	ASSERT_EQ(seen.n, 1);
	uninstall(td);
}

static void test_format(void **state)
{
	char buf[256];
	struct tdx_ve_event ev = { .exit_reason = 30, .exit_qual = 0x800040, .instr_len = 2 };

	int n = tdx_trap_ve_format(buf, sizeof(buf), 0, &ev, 0x401000, 20);
	assert_string_equal(buf, "tdxkit: [vcpu0 rip=0x401000] #VE IO_INSTRUCTION qual=0x800040 "
				 "gla=0x0 gpa=0x0 len=2 info=0x0\n");
	ASSERT_EQ(n, strlen(buf));
	ev = (struct tdx_ve_event){ .exit_reason = 48, .exit_qual = 0x181, .gla = 0x7f0000,
				    .gpa = 0x800000400000ull };
	tdx_trap_ve_format(buf, sizeof(buf), 1, &ev, 0x402000, 8);
	assert_non_null(strstr(buf, "] #DF (#VE while VE_INFO.VALID) EPT_VIOLATION qual=0x181 "
				    "gla=0x7f0000 gpa=0x800000400000 len=0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io),
		cmocka_unit_test(test_hlt_msr),
		cmocka_unit_test(test_double_fault),
		cmocka_unit_test(test_no_handler),
		cmocka_unit_test(test_pending_page),
		cmocka_unit_test(test_pending_flexible),
		cmocka_unit_test(test_pending_ve_disabled),
		cmocka_unit_test(test_mmio),
		cmocka_unit_test(test_tdcall_operand),
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_format),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

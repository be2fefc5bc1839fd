/* test_l2cpu.c: the Unicorn L2 CPU engine (docs/l2-engine.md) through the
 * module in direct mode: real L2 instructions produce the L2 -> L1 exits of
 * tdx-abi.md 7.3/7.4, checked field by field in L1's output registers and
 * in the guest-state page. */
#include <string.h>

#include "testutil.h"
#include "tdxkit/l2cpu.h"

#define MEM (16ull << 20)
#define PML4 0x1000ull		/* identity paging: PML4, PDPT, PD of 2 MiB pages */
#define PDPT 0x2000ull
#define PD 0x3000ull
#define GS 0x5000ull		/* L2_ENTER_GUEST_STATE */
#define VAPIC 0x6000ull
#define CODE 0x10000ull
#define DATA 0x20000ull
#define STACK 0x30000ull
#define VM1 (1ull << 52)
#define RWX (TDX_GPA_ATTR_R | TDX_GPA_ATTR_W | TDX_GPA_ATTR_XS | TDX_GPA_ATTR_XU)
#define MSR_BM_WORD(msr, write) ((((msr) >= 0xC0000000u ? 0x80u : 0u) + (((msr) & 0x1FFFu) >> 6)) + ((write) ? 0x100u : 0u))

static uint64_t vmcs_id(uint32_t enc)
{
	unsigned w = (enc >> 13) & 3, size = w == 0 ? TDX_FIELD_16 : w == 2 ? TDX_FIELD_32 : TDX_FIELD_64;
	return TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_VMCS(1), size, enc);
}

static void vp_wr(struct tdx_td *td, uint64_t id, uint64_t v)
{
	ASSERT_STATUS(tu_leaf(td, TDG_VP_WR, 0, id, v, ~0ull, NULL), TDX_SUCCESS);
}

static void vmcs_wr(struct tdx_td *td, uint32_t enc, uint64_t v)
{
	vp_wr(td, vmcs_id(enc), v);
}

/* Per-VM attributes of one 4 KiB page for VM 1 (7.6). */
static void attr(struct tdx_td *td, uint64_t gpa, uint16_t bits)
{
	uint64_t st = tu_leaf(td, TDG_MEM_PAGE_ATTR_WR, gpa | TDX_PAGE_4K,
			      (uint64_t)(TDX_GPA_ATTR_VALID | bits) << 16, 0xFull << 16, 0, NULL);
	ASSERT_STATUS(st, TDX_SUCCESS);
}

static void put(struct tdx_td *td, uint64_t gpa, const void *b, size_t n)
{
	memcpy(tdx_td_gpa_ptr(td, gpa, n), b, n);
}

static void put64(struct tdx_td *td, uint64_t gpa, uint64_t v)
{
	put(td, gpa, &v, 8);
}

static struct tdx_l2_enter_guest_state *gs(struct tdx_td *td)
{
	return tdx_td_gpa_ptr(td, GS, sizeof(struct tdx_l2_enter_guest_state));
}

/* A TD with one L2 VM in 64-bit long mode, CPL 0, identity paging; the
 * first 1 MiB accepted and RWX for VM 1; code at CODE. */
static struct tdx_td *setup_td_attr(const uint8_t *code, size_t n, uint64_t attributes)
{
	struct tdx_td_config cfg;
	char err[200];

	tdx_td_config_init(&cfg);
	cfg.mem_size = MEM;
	cfg.num_l2_vms = 1;
	cfg.attributes = attributes;
	struct tdx_td *td = tu_td_new(&cfg);
	assert_int_equal(tdx_l2cpu_attach(td, err, sizeof(err)), 0);
	tu_accept(td, 0, 0x40000);
	for (uint64_t a = 0; a < 0x40000; a += 0x1000)
		attr(td, a, RWX);
	put64(td, PML4, PDPT | 3);
	put64(td, PDPT, PD | 3);
	for (uint64_t i = 0; i < MEM >> 21; i++)
		put64(td, PD + 8 * i, (i << 21) | 0x83);
	vmcs_wr(td, VMCS_GUEST_CR0, 0x80000031);	/* PG NE ET PE */
	vmcs_wr(td, VMCS_GUEST_CR3, PML4);
	vmcs_wr(td, VMCS_GUEST_CR4, 0x2060);	/* VMXE MCE PAE */
	vmcs_wr(td, VMCS_GUEST_EFER, 0xD01);	/* NXE LMA LME SCE */
	vmcs_wr(td, VMCS_GUEST_CS_AR, 0xA09B);	/* L=1, DPL 0 */
	vmcs_wr(td, VMCS_GUEST_CS_SEL, 0x8);
	vmcs_wr(td, VMCS_VIRTUAL_APIC_ADDR, VAPIC);
	put(td, CODE, code, n);
	struct tdx_l2_enter_guest_state *g = gs(td);
	memset(g, 0, sizeof(*g));
	for (unsigned i = 0; i < 16; i++)
		g->gpr[i] = 0x1000 + i;
	g->gpr[TDX_GPR_RSP] = STACK + 0x800;
	g->rip = CODE;
	g->rflags = 2;
	return td;
}

static struct tdx_td *setup_td(const uint8_t *code, size_t n)
{
	return setup_td_attr(code, n, TDX_ATTR_SEPT_VE_DISABLE);
}

static void teardown_td(struct tdx_td *td)
{
	tdx_l2cpu_detach(td);
	tdx_td_destroy(td);
}

/* TDG.VP.ENTER of VM 1; must complete into L1. Returns RAX. */
static uint64_t enter(struct tdx_td *td, struct tdx_regs *out)
{
	return tu_leaf(td, TDG_VP_ENTER, VM1, GS, 0, 0, out);
}

/* ENTER that must kill the TD; returns the reason. */
static const char *enter_refused(struct tdx_td *td)
{
	struct tdx_regs r;
	memset(&r, 0, sizeof(r));
	r.rax = TDG_VP_ENTER;
	r.rcx = VM1;
	r.rdx = GS;
	assert_int_equal(tu_tdcall(td, &r), TDX_OUTCOME_TD_DEAD);
	return tdx_td_dead_reason(td);
}

static void check_common(const struct tdx_regs *r)
{
	ASSERT_EQ(r->rbx, 0);
	ASSERT_EQ(r->r12, 0);	/* CPL 0 */
	ASSERT_EQ(r->r14, 0);
	ASSERT_EQ(r->r15, 0);
	ASSERT_EQ(r->rdi, 0);	/* CS base */
	ASSERT_EQ(r->rsi & 0xFFFFFFFF, 0x8 | (0xA09Bull << 16));
}

/* CPUID with the leaf in RAX: exit 10, length 2, RIP at the CPUID, GPRs
 * written back untouched. */
static void test_cpuid(void **state)
{
	static const uint8_t code[] = { 0x48, 0xC7, 0xC0, 0x07, 0, 0, 0,	/* mov rax, 7 */
					0x0F, 0xA2 };				/* cpuid */
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;

	(void)state;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_CPUID);
	check_common(&r);
	ASSERT_EQ(r.rcx, 0);
	ASSERT_EQ(r.rdx, 0);
	ASSERT_EQ(r.r8, 0);
	ASSERT_EQ(r.r9, 0);
	ASSERT_EQ(r.r11, 2ull << 32);
	ASSERT_EQ(r.r13, 0);
	ASSERT_EQ(gs(td)->rip, CODE + 7);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RAX], 7);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RCX], 0x1001);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RBX], 0x1003);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RSP], STACK + 0x800);
	/* L1 emulates it, advances RIP by R11[63:32] and enters again: the
	 * same CPUID exits again, RIP still at it. */
	gs(td)->rip += r.r11 >> 32;
	gs(td)->rip -= 2;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_CPUID);
	ASSERT_EQ(gs(td)->rip, CODE + 7);
	teardown_td(td);
}

/* HLT: exit 12, RIP at the HLT, length 1. */
static void test_hlt(void **state)
{
	static const uint8_t code[] = { 0x90, 0x90, 0xF4 };
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;

	(void)state;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	check_common(&r);
	ASSERT_EQ(r.rcx, 0);
	ASSERT_EQ(r.r11, 1ull << 32);
	ASSERT_EQ(gs(td)->rip, CODE + 2);
	/* L1 skips it: the L2 runs on to the next HLT. */
	static const uint8_t more[] = { 0x48, 0xFF, 0xC3, 0xF4 };	/* inc rbx; hlt */
	put(td, CODE + 3, more, sizeof(more));
	gs(td)->rip = CODE + 3;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(gs(td)->rip, CODE + 6);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RBX], 0x1004);
	teardown_td(td);
}

/* OUT imm8, IN DX, REP OUTSB: qualification size/direction/string/REP/
 * immediate/port; registers as before the instruction. */
static void test_io(void **state)
{
	static const uint8_t code[] = {
		0xE6, 0x80,				/* out 0x80, al */
		0x66, 0xED,				/* in ax, dx */
		0xF3, 0x6E,				/* rep outsb */
	};
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;

	(void)state;
	gs(td)->gpr[TDX_GPR_RDX] = 0x3F8;
	gs(td)->gpr[TDX_GPR_RSI] = DATA;
	gs(td)->gpr[TDX_GPR_RCX] = 3;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_IO_INSTRUCTION);
	ASSERT_EQ(r.rcx, (0x80ull << 16) | (1 << 6) | 0);	/* 1 byte, OUT, imm */
	ASSERT_EQ(r.r11, 2ull << 32);
	ASSERT_EQ(gs(td)->rip, CODE);

	gs(td)->rip = CODE + 2;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_IO_INSTRUCTION);
	ASSERT_EQ(r.rcx, (0x3F8ull << 16) | (1 << 3) | 1);	/* 2 bytes, IN, DX */
	ASSERT_EQ(r.r11, 2ull << 32);
	ASSERT_EQ(gs(td)->rip, CODE + 2);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RAX], 0x1000);	/* IN did not write AX */

	gs(td)->rip = CODE + 4;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_IO_INSTRUCTION);
	ASSERT_EQ(r.rcx, (0x3F8ull << 16) | (1 << 5) | (1 << 4));	/* 1 byte, OUT, string, REP */
	ASSERT_EQ(r.r11 >> 32, 2);
	ASSERT_EQ(r.r11 & 0xFFFFFFFF, (2u << 7) | (3u << 15));	/* 64-bit address, DS */
	ASSERT_EQ(r.rdx, DATA);	/* GLA of the operand */
	ASSERT_EQ(gs(td)->rip, CODE + 4);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RCX], 3);	/* not stepped */
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RSI], DATA);
	teardown_td(td);
}

/* RDMSR/WRMSR: intercepted (initial bitmaps are all ones) -> exit 31/32,
 * length 2; bitmap word cleared -> served by the engine, no exit. */
static void test_msr(void **state)
{
	static const uint8_t code[] = {
		0x0F, 0x32,	/* rdmsr */
		0x0F, 0x30,	/* wrmsr */
		0x0F, 0x32,	/* rdmsr */
		0xF4,
	};
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;
	const uint32_t msr = 0xC0000102u;	/* KERNEL_GS_BASE */

	(void)state;
	gs(td)->gpr[TDX_GPR_RCX] = msr;
	gs(td)->gpr[TDX_GPR_RAX] = 0x11223344;
	gs(td)->gpr[TDX_GPR_RDX] = 0x55;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_RDMSR);
	ASSERT_EQ(r.r11, 2ull << 32);
	ASSERT_EQ(gs(td)->rip, CODE);
	gs(td)->rip = CODE + 2;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_WRMSR);
	ASSERT_EQ(gs(td)->rip, CODE + 2);

	/* Pass both through: the write lands in the engine's store, the
	 * next read returns it, the L2 reaches the HLT. */
	vp_wr(td, TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_MSR_BITMAPS(1), TDX_FIELD_64, MSR_BM_WORD(msr, 0)), 0);
	vp_wr(td, TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_MSR_BITMAPS(1), TDX_FIELD_64, MSR_BM_WORD(msr, 1)), 0);
	gs(td)->rip = CODE + 2;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(gs(td)->rip, CODE + 6);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RAX], 0x11223344);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RDX], 0x55);
	teardown_td(td);
}

/* ---- L2 MSR accesses L1 does not intercept (MOD tdx_td_l2_dispatcher.c,
 * td_msr_access.c, msr_config_lookup.c): the L2 runs with L1's bitmap ORed
 * with the TD's own, and the module's policy decides what exits. */

/* L1 lets every MSR through its own bitmap. */
static void l1_bitmap_clear(struct tdx_td *td)
{
	for (unsigned w = 0; w < 512; w++)
		vp_wr(td, TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_MSR_BITMAPS(1), TDX_FIELD_64, w), 0);
}

/* One RDMSR (at CODE) or WRMSR (at CODE + 3) of msr with EDX:EAX = v;
 * both are followed by HLT. Returns ENTER's RAX. */
static uint64_t l2_msr(struct tdx_td *td, int write, uint32_t msr, uint64_t v, struct tdx_regs *r)
{
	gs(td)->rip = write ? CODE + 3 : CODE;
	gs(td)->gpr[TDX_GPR_RCX] = msr;
	gs(td)->gpr[TDX_GPR_RAX] = v & 0xFFFFFFFF;
	gs(td)->gpr[TDX_GPR_RDX] = v >> 32;
	return enter(td, r);
}

static const uint8_t msr_code[] = { 0x0F, 0x32, 0xF4, 0x0F, 0x30, 0xF4 };	/* rdmsr; hlt; wrmsr; hlt */

static uint64_t edx_eax(struct tdx_td *td)
{
	return (gs(td)->gpr[TDX_GPR_RAX] & 0xFFFFFFFF) | gs(td)->gpr[TDX_GPR_RDX] << 32;
}

static void test_msr_module_policy(void **state)
{
	struct tdx_td *td = setup_td(msr_code, sizeof(msr_code));
	struct tdx_regs r;

	(void)state;
	l1_bitmap_clear(td);
	/* The module emulates: IA32_XAPIC_DISABLE_STATUS reads 1 (legacy
	 * xAPIC disabled); IA32_ARCH_CAPABILITIES the TD's virtual value; the
	 * L2 goes on to its HLT, RIP past the RDMSR. */
	ASSERT_STATUS(l2_msr(td, 0, 0xBD, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(edx_eax(td), 1);
	ASSERT_EQ(gs(td)->rip, CODE + 2);
	/* IA32_DEBUGCTL: the VMCS value with bit 13 read as 0. */
	vmcs_wr(td, VMCS_GUEST_DEBUGCTL, 0x3);
	ASSERT_STATUS(l2_msr(td, 0, 0x1D9, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(edx_eax(td), 0x3);
	/* WRMSR DEBUGCTL: reserved bit 3 -> #GP; with #GP in L1's exception
	 * bitmap an L1 exit with reason 0, vector 13, error code 0 and the
	 * RDMSR/WRMSR length; RIP at the WRMSR. */
	vmcs_wr(td, VMCS_EXCEPTION_BITMAP, (1u << 18) | (1u << 13));
	ASSERT_STATUS(l2_msr(td, 1, 0x1D9, 0x8, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	ASSERT_EQ(r.r9, 13 | (3u << 8) | (1u << 11) | (1u << 31));
	ASSERT_EQ(r.rcx, 0);
	ASSERT_EQ(r.r11, 2ull << 32);
	ASSERT_EQ(gs(td)->rip, CODE + 3);
	/* A valid write lands in the VMCS (bit 13 kept as it was). */
	ASSERT_STATUS(l2_msr(td, 1, 0x1D9, 0x1, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(gs(td)->rip, CODE + 5);
	ASSERT_STATUS(l2_msr(td, 0, 0x1D9, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(edx_eax(td), 0x1);
	/* TR (bit 6) without BTS (bit 7): "#VE", which is L1's exit 32. */
	ASSERT_STATUS(l2_msr(td, 1, 0x1D9, 0x40, &r), TDX_SUCCESS | TDX_EXIT_WRMSR);
	ASSERT_EQ(r.r11, 2ull << 32);

	/* Table actions: IA32_SGXLEPUBKEYHASH0 (0x8C) GP both ways. */
	ASSERT_STATUS(l2_msr(td, 0, 0x8C, 0, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	ASSERT_EQ(r.r9, 13 | (3u << 8) | (1u << 11) | (1u << 31));
	/* IA32_TSC: reads pass through (the engine's virtual TSC), writes
	 * exit and go to L1 (VE). */
	ASSERT_STATUS(l2_msr(td, 1, 0x10, 5, &r), TDX_SUCCESS | TDX_EXIT_WRMSR);
	ASSERT_STATUS(l2_msr(td, 0, 0x10, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	assert_true(edx_eax(td) > 0);
	/* Not in the module's table (IA32_FEATURE_CONTROL 0x3A): "#VE" -> L1. */
	ASSERT_STATUS(l2_msr(td, 0, 0x3A, 0, &r), TDX_SUCCESS | TDX_EXIT_RDMSR);
	/* Outside the bitmap ranges: L1's exit whatever the bitmaps say. */
	ASSERT_STATUS(l2_msr(td, 0, 0x40000000, 0, &r), TDX_SUCCESS | TDX_EXIT_RDMSR);
	/* The VMX capability MSRs are L1's only: an L2 read goes to L1. */
	ASSERT_STATUS(l2_msr(td, 0, 0x480, 0, &r), TDX_SUCCESS | TDX_EXIT_RDMSR);
	/* IA32_MISC_ENABLE without PERFMON: exits, PERFMON available (7) 0,
	 * PEBS unavailable (12) 1 over the modelled platform's value (fast
	 * strings, bit 0); its writes: "#VE" -> L1. */
	ASSERT_STATUS(l2_msr(td, 0, 0x1A0, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(edx_eax(td), 0x1001);
	ASSERT_STATUS(l2_msr(td, 1, 0x1A0, 0, &r), TDX_SUCCESS | TDX_EXIT_WRMSR);
	/* IA32_XSS: a bit outside XFAM (PT, bit 8; XFAM is x87|SSE) -> #GP;
	 * 0 is accepted and runs natively. */
	ASSERT_STATUS(l2_msr(td, 1, 0xDA0, 1u << 8, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	ASSERT_STATUS(l2_msr(td, 1, 0xDA0, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(gs(td)->rip, CODE + 5);
	/* IA32_PMC0 without ATTRIBUTES.PERFMON: exits, #GP. */
	ASSERT_STATUS(l2_msr(td, 0, 0xC1, 0, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	/* Pass-through (FIXED_0) MSRs never reach the module: KERNEL_GS_BASE
	 * written and read back by the engine. */
	ASSERT_STATUS(l2_msr(td, 1, 0xC0000102u, 0x1234567890ull, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_STATUS(l2_msr(td, 0, 0xC0000102u, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(edx_eax(td), 0x1234567890ull);

	/* EFER (write exits, read passes): an L2 may flip SCE and LME only;
	 * NXE is another bit, so "#VE" -> L1; reads see the VMCS value. */
	ASSERT_STATUS(l2_msr(td, 1, 0xC0000080u, 0x501, &r), TDX_SUCCESS | TDX_EXIT_WRMSR);
	ASSERT_STATUS(l2_msr(td, 1, 0xC0000080u, 0xD00, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_STATUS(l2_msr(td, 0, 0xC0000080u, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(edx_eax(td), 0xD00);

	/* L1's own bit wins over the module: an intercepted DEBUGCTL read is
	 * L1's exit 31. */
	vp_wr(td, TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_MSR_BITMAPS(1), TDX_FIELD_64, MSR_BM_WORD(0x1D9, 0)),
	      1ull << (0x1D9 & 63));
	ASSERT_STATUS(l2_msr(td, 0, 0x1D9, 0, &r), TDX_SUCCESS | TDX_EXIT_RDMSR);

	/* #GP not selected by the exception bitmap: delivered through the L2's
	 * IDT, which the engine cannot do: the TD stops with the reason. */
	vmcs_wr(td, VMCS_EXCEPTION_BITMAP, 1u << 18);
	gs(td)->rip = CODE;
	gs(td)->gpr[TDX_GPR_RCX] = 0x8C;
	const char *why = enter_refused(td);
	assert_non_null(strstr(why, "event injection"));
	teardown_td(td);
}

/* ATTRIBUTES.PERFMON clears the TD's bits of the performance-monitoring
 * MSRs (MSR_BITMAP_DYN_PERFMON): IA32_PMC0 then runs natively. */
static void test_msr_perfmon_passthrough(void **state)
{
	struct tdx_td *td = setup_td_attr(msr_code, sizeof(msr_code),
					  TDX_ATTR_SEPT_VE_DISABLE | TDX_ATTR_PERFMON);
	struct tdx_regs r;

	(void)state;
	l1_bitmap_clear(td);
	ASSERT_STATUS(l2_msr(td, 1, 0xC1, 0x55, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_STATUS(l2_msr(td, 0, 0xC1, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(edx_eax(td), 0x55);
	/* MISC_ENABLE reads also pass through with PERFMON (DYN_PERFMON). */
	ASSERT_STATUS(l2_msr(td, 0, 0x1A0, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	teardown_td(td);
}

/* TDCALL with L2_CTLS.ENABLE_TDVMCALL = 0: exit 77 to L1, length 4;
 * VMCALL: 18, length 3. */
static void test_tdcall_vmcall(void **state)
{
	static const uint8_t code[] = { 0x66, 0x0F, 0x01, 0xCC, 0x0F, 0x01, 0xC1 };
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;

	(void)state;
	gs(td)->gpr[TDX_GPR_RAX] = 0;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_TDCALL);
	ASSERT_EQ(r.r11, 4ull << 32);
	ASSERT_EQ(gs(td)->rip, CODE);
	ASSERT_EQ(r.r13, 0);
	gs(td)->rip = CODE + 4;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_VMCALL);
	ASSERT_EQ(r.r11, 3ull << 32);
	ASSERT_EQ(gs(td)->rip, CODE + 4);
	teardown_td(td);
}

/* EPT violations against VM 1's attributes: read of a page without R,
 * write to an R-only page, fetch from a page without X. */
static void test_ept_violation(void **state)
{
	static const uint8_t code[] = {
		0x48, 0x8B, 0x03,		/* mov rax, [rbx] */
		0x48, 0x89, 0x01,		/* mov [rcx], rax */
		0xFF, 0xE2,			/* jmp rdx */
	};
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;
	const uint64_t noread = DATA, ronly = DATA + 0x1000, noexec = DATA + 0x2000;

	(void)state;
	attr(td, noread, 0);		/* alias removed: no rights */
	attr(td, ronly, TDX_GPA_ATTR_R);
	attr(td, noexec, TDX_GPA_ATTR_R | TDX_GPA_ATTR_W);
	gs(td)->gpr[TDX_GPR_RBX] = noread + 0x18;
	gs(td)->gpr[TDX_GPR_RCX] = ronly + 0x20;
	gs(td)->gpr[TDX_GPR_RDX] = noexec + 0x30;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EPT_VIOLATION);
	/* SDM table 28-7: the final translation (bit 8) of a supervisor,
	 * read/write, executable linear page (PD entries 0x83): bit 10 only. */
	ASSERT_EQ(r.rcx, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT |
			 TDX_EPT_QUAL_RW_LA);
	ASSERT_EQ(r.rdx, noread + 0x18);
	ASSERT_EQ(r.r8, noread + 0x18);
	ASSERT_EQ(r.r13, 0);
	ASSERT_EQ(gs(td)->rip, CODE);

	/* L1 grants R: the read goes through, the write faults. */
	attr(td, noread, TDX_GPA_ATTR_R);
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(r.rcx, TDX_EPT_QUAL_WRITE | TDX_EPT_QUAL_READABLE | TDX_EPT_QUAL_GLA_VALID |
			 TDX_EPT_QUAL_GLA_XLAT | TDX_EPT_QUAL_RW_LA);
	ASSERT_EQ(r.rdx, ronly + 0x20);
	ASSERT_EQ(r.r8, ronly + 0x20);
	ASSERT_EQ(gs(td)->rip, CODE + 3);

	attr(td, ronly, TDX_GPA_ATTR_R | TDX_GPA_ATTR_W);
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(r.rcx, TDX_EPT_QUAL_FETCH | TDX_EPT_QUAL_READABLE | TDX_EPT_QUAL_WRITABLE |
			 TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT | TDX_EPT_QUAL_RW_LA);
	ASSERT_EQ(r.rdx, noexec + 0x30);
	ASSERT_EQ(r.r8, noexec + 0x30);
	ASSERT_EQ(gs(td)->rip, noexec + 0x30);
	teardown_td(td);
}

/* Bits 11:9 follow the L2's own translation (SDM table 28-7): a read of a
 * user, read-only 2 MiB page gives bit 9; a write to a user read/write page
 * bits 9 and 10. (XD pages cannot be tried: Unicorn 2.0.1 drops EFER.NXE,
 * so its walk takes XD as a reserved bit and raises #PF.) */
static void test_ept_violation_linear_bits(void **state)
{
	static const uint8_t code[] = {
		0x48, 0x8B, 0x03,		/* mov rax, [rbx] */
		0x48, 0x89, 0x01,		/* mov [rcx], rax */
	};
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;
	const uint64_t user_ro_xd = 0x200000, user_rw = 0x400000;

	(void)state;
	put64(td, PML4, PDPT | 7);	/* U/S at every level above */
	put64(td, PDPT, PD | 7);
	put64(td, PD + 8, user_ro_xd | 0x85);	/* P, U/S, PS; not R/W */
	put64(td, PD + 16, user_rw | 0x87);			/* P, R/W, U/S, PS */
	tu_accept(td, user_ro_xd, 0x1000);	/* accepted, no alias for VM 1 */
	tu_accept(td, user_rw, 0x1000);
	attr(td, user_rw, TDX_GPA_ATTR_R);
	gs(td)->gpr[TDX_GPR_RBX] = user_ro_xd + 0x40;
	gs(td)->gpr[TDX_GPR_RCX] = user_rw + 0x80;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(r.rcx, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT |
			 TDX_EPT_QUAL_USER_LA);
	ASSERT_EQ(r.rdx, user_ro_xd + 0x40);
	attr(td, user_ro_xd, TDX_GPA_ATTR_R);
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(r.rcx, TDX_EPT_QUAL_WRITE | TDX_EPT_QUAL_READABLE | TDX_EPT_QUAL_GLA_VALID |
			 TDX_EPT_QUAL_GLA_XLAT | TDX_EPT_QUAL_USER_LA | TDX_EPT_QUAL_RW_LA);
	ASSERT_EQ(r.r8, user_rw + 0x80);
	ASSERT_EQ(gs(td)->rip, CODE + 3);
	teardown_td(td);
}

/* A page still PENDING in L1's SEPT: exit 48 with R13 type 6. */
static void test_ept_pending(void **state)
{
	static const uint8_t code[] = { 0x48, 0x8B, 0x03, 0xF4 };	/* mov rax, [rbx]; hlt */
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;
	const uint64_t pend = 0x100000;	/* mapped by the host on first touch, not accepted */
	struct tdx_page_state st;

	(void)state;
	/* ATTR.WR on a page not mapped yet: the built-in host AUGs it
	 * (PENDING); the alias stays blocked until ACCEPT (7.6). */
	attr(td, pend, RWX);
	assert_int_equal(tdx_td_page_state(td, pend, &st), 0);
	ASSERT_EQ(st.sept, TDX_SEPT_PENDING);
	gs(td)->gpr[TDX_GPR_RBX] = pend + 8;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(r.rcx, TDX_EPT_QUAL_READ | TDX_EPT_QUAL_GLA_VALID | TDX_EPT_QUAL_GLA_XLAT |
			 TDX_EPT_QUAL_RW_LA);
	ASSERT_EQ(r.r8, pend + 8);
	ASSERT_EQ(r.r13, TDX_EEQ_PENDING_EPT_VIOLATION);
	/* L1 accepts it: the read goes through. */
	tu_accept(td, pend, 0x1000);
	put64(td, pend + 8, 0x77);
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RAX], 0x77);
	teardown_td(td);
}

/* #UD (ud2) selected by the exception bitmap: exit 0, vector 6, hardware
 * exception, valid; no error code. */
static void test_exception(void **state)
{
	static const uint8_t code[] = { 0x90, 0x0F, 0x0B };
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;

	(void)state;
	vmcs_wr(td, VMCS_EXCEPTION_BITMAP, (1u << 18) | (1u << 6));
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	ASSERT_EQ(r.r9, 6 | (3u << 8) | (1u << 31));
	ASSERT_EQ(r.r11, 0);
	ASSERT_EQ(gs(td)->rip, CODE + 1);
	teardown_td(td);
}

/* Exceptions on later entries keep their own vector: Unicorn 2.0.1 keeps
 * the vector of an exception it raised (QEMU's old_exception) across
 * uc_emu_start calls, so without a reset per entry a second contributory
 * fault (#DE, #GP) would come out as #DF (SDM 6.15 table 6-5 is about
 * nested delivery, which never happened). Vectors: SDM table 6-1. */
static void test_exception_vectors_per_entry(void **state)
{
	static const uint8_t code[] = {
		0x31, 0xC9,		/* xor ecx, ecx */
		0xF7, 0xF1,		/* div ecx: #DE */
		0xF7, 0xF1,		/* div ecx: #DE again */
		0x0F, 0x0B,		/* ud2: #UD */
		0xF7, 0xF1,		/* div ecx */
		0x8E, 0xDB,		/* mov ds, bx: selector 0x10 beyond the GDT limit, #GP */
	};
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;

	(void)state;
	gs(td)->gpr[TDX_GPR_RBX] = 0x10;
	vmcs_wr(td, VMCS_EXCEPTION_BITMAP, (1u << 18) | (1u << 0) | (1u << 6) | (1u << 8) | (1u << 13));
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	ASSERT_EQ(r.r9, 0 | (3u << 8) | (1u << 31));	/* #DE: no error code */
	ASSERT_EQ(gs(td)->rip, CODE + 2);
	for (unsigned i = 0; i < 3; i++) {	/* L1 resumes the L2 at the same DIV */
		ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
		ASSERT_EQ(r.r9, 0 | (3u << 8) | (1u << 31));
		ASSERT_EQ(gs(td)->rip, CODE + 2);
	}
	gs(td)->rip = CODE + 4;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	ASSERT_EQ(r.r9, 0 | (3u << 8) | (1u << 31));
	gs(td)->rip = CODE + 6;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	ASSERT_EQ(r.r9, 6 | (3u << 8) | (1u << 31));
	gs(td)->rip = CODE + 8;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	ASSERT_EQ(r.r9, 0 | (3u << 8) | (1u << 31));
	/* #GP after #DE: vector 13 with an error code (the engine reports 0). */
	gs(td)->rip = CODE + 10;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	ASSERT_EQ(r.r9, 13 | (3u << 8) | (1u << 11) | (1u << 31));
	ASSERT_EQ(gs(td)->rip, CODE + 10);
	teardown_td(td);
}

/* Not intercepted, with an IDT that cannot hold the vector: #UD -> #GP
 * -> #DF -> triple fault (exit 2); with #GP intercepted: exit 0 vector 13,
 * error code = IDT entry 6 | IDT | EXT. A real IDT: refused. */
static void test_triple_fault(void **state)
{
	static const uint8_t code[] = { 0x0F, 0x0B };
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;

	(void)state;
	vmcs_wr(td, VMCS_GUEST_IDTR_LIMIT, 0);
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_TRIPLE_FAULT);
	ASSERT_EQ(gs(td)->rip, CODE);
	vmcs_wr(td, VMCS_EXCEPTION_BITMAP, (1u << 18) | (1u << 13));
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EXCEPTION_NMI);
	ASSERT_EQ(r.r9, 13 | (3u << 8) | (1u << 11) | (1u << 31) | ((uint64_t)(6 * 8 + 3) << 32));
	vmcs_wr(td, VMCS_GUEST_IDTR_LIMIT, 0xFFF);
	const char *why = enter_refused(td);
	assert_non_null(strstr(why, "through the L2 IDT"));
	teardown_td(td);
}

/* TSC deadline: a spinning L2 exits with the preemption timer (52) after
 * exactly deadline - TSC instructions (1 tick per instruction). */
static void test_preemption(void **state)
{
	static const uint8_t code[] = { 0x48, 0xFF, 0xC3, 0xEB, 0xFB };	/* l: inc rbx; jmp l */
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;

	(void)state;
	uint64_t t0 = tdx_l2cpu_tsc(td, 0);
	vp_wr(td, TDX_FIELD_VP_TSC_DEADLINE(1), t0 + 1001);
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_PREEMPTION_TIMER);
	ASSERT_EQ(tdx_l2cpu_tsc(td, 0), t0 + 1001);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RBX], 0x1003 + 501);	/* 501 inc, 500 jmp */
	ASSERT_EQ(gs(td)->rip, CODE + 3);
	ASSERT_EQ(r.r11, 0);
	/* Deadline already passed: exit before any instruction. */
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_PREEMPTION_TIMER);
	ASSERT_EQ(gs(td)->rip, CODE + 3);
	teardown_td(td);
}

/* Unsupported CPU states are refused with a reason, not run wrongly. */
static void test_refuse_modes(void **state)
{
	static const uint8_t code[] = { 0xF4 };
	struct tdx_td *td;
	const char *why;

	(void)state;
	td = setup_td(code, sizeof(code));
	vmcs_wr(td, VMCS_GUEST_CR0, 0x31);	/* protected mode, no paging */
	vmcs_wr(td, VMCS_GUEST_CS_AR, 0xC09B);
	why = enter_refused(td);
	assert_non_null(strstr(why, "protected mode without paging"));
	assert_non_null(strstr(why, "only 64-bit long mode"));
	teardown_td(td);

	td = setup_td(code, sizeof(code));
	vmcs_wr(td, VMCS_GUEST_EFER, 0x901);	/* 32-bit PAE paging */
	vmcs_wr(td, VMCS_GUEST_CS_AR, 0xC09B);
	why = enter_refused(td);
	assert_non_null(strstr(why, "32-bit PAE paging"));
	teardown_td(td);

	td = setup_td(code, sizeof(code));
	vmcs_wr(td, VMCS_GUEST_SS_AR, 0xC0F3);	/* CPL 3 */
	why = enter_refused(td);
	assert_non_null(strstr(why, "CPL 3"));
	teardown_td(td);

	/* Paging that is not the identity: GLA 0 .. 2 MiB -> GPA 2 MiB. */
	td = setup_td(code, sizeof(code));
	put64(td, PD, (1ull << 21) | 0x83);
	why = enter_refused(td);
	assert_non_null(strstr(why, "does not translate L2 paging"));
	teardown_td(td);
}

/* INVD_TRANSLATIONS flushes Unicorn's translated code: code L1 rewrote
 * between entries runs in its new form. */
static void test_invd_code(void **state)
{
	static const uint8_t code[] = { 0x48, 0xFF, 0xC3, 0xF4 };	/* inc rbx; hlt */
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;

	(void)state;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RBX], 0x1004);
	static const uint8_t dec[] = { 0x48, 0xFF, 0xCB };	/* dec rbx */
	put(td, CODE, dec, sizeof(dec));
	gs(td)->rip = CODE;
	ASSERT_STATUS(tu_leaf(td, TDG_VP_ENTER, VM1 | 1, GS, 0, 0, &r), TDX_SUCCESS | TDX_EXIT_HLT);
	ASSERT_EQ(gs(td)->gpr[TDX_GPR_RBX], 0x1003);
	teardown_td(td);
}

/* What the engine keeps between entries (register file, segment bases,
 * page rights and translations) follows every change L1 makes between
 * them, after runs that executed instructions and after quiet ones. */
static void test_reentry_state_follows_l1(void **state)
{
	static const uint8_t code[] = {
		0x64, 0x48, 0x8B, 0x04, 0x25, 0, 0, 0, 0,	/* mov rax, fs:[0] */
		0x48, 0x89, 0x03,				/* mov [rbx], rax */
		0x0F, 0xA2,					/* cpuid */
	};
	const uint64_t cpuid_at = CODE + 12;
	struct tdx_td *td = setup_td(code, sizeof(code));
	struct tdx_regs r;
	uint64_t *data = tdx_td_gpa_ptr(td, DATA, 0x3000);
	static const struct { uint64_t fs, rip; } steps[] = {
		{ DATA + 0x1000, CODE }, { DATA + 0x2000, CODE }, { DATA + 0x1000, CODE },
		{ DATA + 0x1000, CODE + 12 },	/* quiet: nothing but the exit */
		{ DATA + 0x2000, CODE }, { DATA + 0x1000, CODE },
	};

	(void)state;
	data[0x1000 / 8] = 0x1111;
	data[0x2000 / 8] = 0x2222;
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		vmcs_wr(td, 0x680E, steps[i].fs);		/* GUEST_FS_BASE */
		gs(td)->rip = steps[i].rip;
		gs(td)->gpr[TDX_GPR_RBX] = DATA + 8 * (i + 1);	/* a new value each time */
		ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_CPUID);
		ASSERT_EQ(gs(td)->rip, cpuid_at);
		ASSERT_EQ(gs(td)->gpr[TDX_GPR_RBX], DATA + 8 * (i + 1));
		if (steps[i].rip == CODE)
			ASSERT_EQ(data[i + 1], steps[i].fs == DATA + 0x1000 ? 0x1111 : 0x2222);
		else
			ASSERT_EQ(data[i + 1], 0);	/* the quiet entry stored nothing */
	}
	/* L1 takes R away from the data page: the next read faults. */
	attr(td, DATA + 0x1000, 0);
	gs(td)->rip = CODE;
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(r.rdx, DATA + 0x1000);
	attr(td, DATA + 0x1000, RWX);
	ASSERT_STATUS(enter(td, &r), TDX_SUCCESS | TDX_EXIT_CPUID);
	/* L1 rewrites the L2's paging between entries: no longer the
	 * identity, which the engine must notice rather than reuse. */
	put64(td, PD, (1ull << 21) | 0x83);
	gs(td)->rip = CODE;
	const char *why = enter_refused(td);
	if (!strstr(why, "does not translate L2 paging"))
		fail_msg("refused for: %s", why);
	teardown_td(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid),
		cmocka_unit_test(test_hlt),
		cmocka_unit_test(test_io),
		cmocka_unit_test(test_msr),
		cmocka_unit_test(test_tdcall_vmcall),
		cmocka_unit_test(test_ept_violation),
		cmocka_unit_test(test_ept_pending),
		cmocka_unit_test(test_exception),
		cmocka_unit_test(test_triple_fault),
		cmocka_unit_test(test_exception_vectors_per_entry),
		cmocka_unit_test(test_ept_violation_linear_bits),
		cmocka_unit_test(test_msr_module_policy),
		cmocka_unit_test(test_msr_perfmon_passthrough),
		cmocka_unit_test(test_preemption),
		cmocka_unit_test(test_refuse_modes),
		cmocka_unit_test(test_invd_code),
		cmocka_unit_test(test_reentry_state_follows_l1),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

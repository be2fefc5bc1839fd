/* test_guest.c: libtdxkit-guest through the direct transport: every typed
 * wrapper against a TD attached with tdx_direct_attach(), tdx_accept_memory()
 * over the SEPT situations of tdx-abi.md 8.2, the panic hook, the direct
 * transport's register and fault semantics, and that the native archive
 * needs nothing from libc. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "testutil.h"
#include "test_hooks.h"
#include "tdxkit/direct.h"
#include "tdxkit/guest.h"

/* VCPU state as the module keeps it (a snapshot; test_hooks.h). */
static struct tdx_test_vcpu vcpu_state(struct tdx_td *td, unsigned vcpu)
{
	struct tdx_test_vcpu v;
	assert_int_equal(tdx_test_vcpu(td, vcpu, &v), 0);
	return v;
}

#define SZ_4K TDX_PAGE_SIZE_4K
#define SZ_2M TDX_PAGE_SIZE_2M

/* ---- panic hook: a strong definition that longjmps back into the test ---- */

void tdx_guest_panic(const char *why, uint64_t leaf, uint64_t status)
{
	tu_panic(why, leaf, status);	/* back into TU_EXPECT_PANIC (testutil.h) */
}

/* ---- fixtures -------------------------------------------------------------- */

static struct tdx_td *attach_new(const struct tdx_td_config *cfg, unsigned vcpu)
{
	struct tdx_td *td = tu_td_new(cfg);
	tdx_direct_attach(td, vcpu);
	tdx_direct_set_fault_handler(NULL, NULL);
	return td;
}

static void detach_destroy(struct tdx_td *td)
{
	tdx_direct_attach(NULL, 0);
	tdx_direct_set_fault_handler(NULL, NULL);
	tdx_td_destroy(td);
}

static uint8_t *hva(struct tdx_td *td, uint64_t gpa, uint64_t len)
{
	uint8_t *p = tdx_td_gpa_ptr(td, gpa, len);
	assert_non_null(p);
	return p;
}

static void assert_present(struct tdx_td *td, uint64_t start, uint64_t end,
			   enum tdx_page_level level)
{
	for (uint64_t g = start; g < end; g += SZ_4K) {
		struct tdx_page_state st;
		assert_int_equal(tdx_td_page_state(td, g, &st), 0);
		if (st.sept != TDX_SEPT_PRESENT || st.level != level)
			fail_msg("GPA 0x%llx: state %d level %d, want PRESENT level %d",
				 (unsigned long long)g, (int)st.sept, (int)st.level, (int)level);
	}
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* ---- TDG.VP.INFO ------------------------------------------------------------ */

static void test_vp_info(void **state)
{
	struct tdx_td_config cfg;
	struct tdx_vp_info info;

	tdx_td_config_init(&cfg);
	cfg.gpaw = 52;
	cfg.num_vcpus = 4;
	cfg.attributes = TDX_ATTR_SEPT_VE_DISABLE | TDX_ATTR_DEBUG;
	struct tdx_td *td = attach_new(&cfg, 2);

	memset(&info, 0xAB, sizeof(info));
	tdx_vp_info(&info);
	ASSERT_EQ(info.gpaw, 52);
	ASSERT_EQ(info.shared_bit, 1ull << 51);
	ASSERT_EQ(info.attributes, cfg.attributes);
	ASSERT_EQ(info.num_vcpus, 4);
	ASSERT_EQ(info.max_vcpus, 4);
	ASSERT_EQ(info.vcpu_index, 2);
	assert_true(info.sys_rd);

	tdx_direct_attach(td, 0);
	tdx_vp_info(&info);
	ASSERT_EQ(info.vcpu_index, 0);
	detach_destroy(td);

	td = attach_new(NULL, 0);
	tdx_vp_info(&info);
	ASSERT_EQ(info.gpaw, 48);
	ASSERT_EQ(info.shared_bit, 1ull << 47);
	detach_destroy(td);
}

/* The raw primitives: outputs stored only when asked for. */
static void test_raw_primitives(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	struct tdx_tdcall_out o;
	struct tdx_md_out md;

	ASSERT_STATUS(tdx_tdcall_raw(TDG_VP_INFO, 0, 0, 0, 0), TDX_SUCCESS);
	ASSERT_STATUS(tdx_tdcall_raw_ret(TDG_VP_INFO, 0, 0, 0, 0, NULL), TDX_SUCCESS);
	memset(&o, 0x5A, sizeof(o));
	ASSERT_STATUS(tdx_tdcall_raw_ret(TDG_VP_INFO, 0, 0, 0, 0, &o), TDX_SUCCESS);
	ASSERT_EQ(o.rcx, 48);
	ASSERT_EQ(o.rdx, TDX_ATTR_SEPT_VE_DISABLE);
	ASSERT_EQ(o.r8, 1ull | (1ull << 32));
	ASSERT_EQ(o.r9, 0);
	ASSERT_EQ(o.r10, 1);
	ASSERT_EQ(o.r11, 0);
	/* An unknown leaf: OPERAND_INVALID | RAX (1.2). */
	ASSERT_STATUS(tdx_tdcall_raw(13, 0, 0, 0, 0), TDX_OPERAND_INVALID | TDX_OPND_RAX);
	/* Arguments land in the right registers: CPUIDVE.SET takes RCX. */
	ASSERT_STATUS(tdx_tdcall_raw(TDG_VP_CPUIDVE_SET, 3, 0, 0, 0), TDX_SUCCESS);
	ASSERT_EQ(vcpu_state(td, 0).cpuid_supervisor_ve, 1);
	ASSERT_EQ(vcpu_state(td, 0).cpuid_user_ve, 1);
	/* VM.RD version 0 leaves RDX alone: the md shape reads it back. */
	memset(&md, 0, sizeof(md));
	ASSERT_STATUS(tdx_tdcall_raw_md(TDG_VM_RD, 0, TDX_FIELD_TD_ATTRIBUTES, 0, 0, &md),
		      TDX_SUCCESS);
	ASSERT_EQ(md.r8, TDX_ATTR_SEPT_VE_DISABLE);
	ASSERT_EQ(md.rdx, TDX_FIELD_TD_ATTRIBUTES);
	detach_destroy(td);
}

/*
 * The direct transport keeps every register a leaf does not write, RFLAGS
 * (DF set across the call) and XMM registers, and copes with a caller whose
 * stack is not 16-byte aligned. probe(in, out) loads RAX..R15 (not RSP)
 * and XMM0/XMM15 from in[], runs the trap, stores them to out[] with RSP
 * (before, after) and RFLAGS.
 */
enum { P_RSP_BEFORE = 16, P_RSP_AFTER = 17, P_RFLAGS = 18, P_XMM0 = 19, P_XMM15 = 21, P_N = 23 };
void probe(const uint64_t *in, uint64_t *out);
__asm__(
	".text\n"
	".globl probe\n"
	".type probe, @function\n"
	"probe:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	push %rsi\n"			/* out at 8(%rsp) after the next push */
	"	sub $8, %rsp\n"			/* misalign: RSP = 8 mod 16 at the trap's call */
	"	mov %rsp, 128(%rsi)\n"		/* out[P_RSP_BEFORE] */
	"	movdqu 152(%rdi), %xmm0\n"
	"	movdqu 168(%rdi), %xmm15\n"
	"	mov 0(%rdi), %rax\n mov 8(%rdi), %rcx\n mov 16(%rdi), %rdx\n"
	"	mov 24(%rdi), %rbx\n mov 40(%rdi), %rbp\n mov 48(%rdi), %rsi\n"
	"	mov 64(%rdi), %r8\n mov 72(%rdi), %r9\n mov 80(%rdi), %r10\n"
	"	mov 88(%rdi), %r11\n mov 96(%rdi), %r12\n mov 104(%rdi), %r13\n"
	"	mov 112(%rdi), %r14\n mov 120(%rdi), %r15\n mov 56(%rdi), %rdi\n"
	"	std\n"
	"	call tdx_direct_trap\n"
	"	pushfq\n"
	"	cld\n"
	"	push %rdi\n"
	"	mov 24(%rsp), %rdi\n"		/* out */
	"	mov %rax, 0(%rdi)\n mov %rcx, 8(%rdi)\n mov %rdx, 16(%rdi)\n"
	"	mov %rbx, 24(%rdi)\n mov %rbp, 40(%rdi)\n mov %rsi, 48(%rdi)\n"
	"	mov %r8, 64(%rdi)\n mov %r9, 72(%rdi)\n mov %r10, 80(%rdi)\n"
	"	mov %r11, 88(%rdi)\n mov %r12, 96(%rdi)\n mov %r13, 104(%rdi)\n"
	"	mov %r14, 112(%rdi)\n mov %r15, 120(%rdi)\n"
	"	pop %rax\n mov %rax, 56(%rdi)\n"
	"	pop %rax\n mov %rax, 144(%rdi)\n"	/* out[P_RFLAGS] */
	"	mov %rsp, 136(%rdi)\n"			/* out[P_RSP_AFTER] */
	"	movdqu %xmm0, 152(%rdi)\n"
	"	movdqu %xmm15, 168(%rdi)\n"
	"	add $16, %rsp\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	ret\n"
	".size probe, . - probe\n");

static void test_direct_register_semantics(void **state)
{
	struct tdx_td_config cfg;
	uint64_t in[P_N], out[P_N];

	tdx_td_config_init(&cfg);
	cfg.num_vcpus = 3;
	struct tdx_td *td = attach_new(&cfg, 1);
	for (unsigned i = 0; i < P_N; i++)
		in[i] = 0x1111111111111111ull * ((i % 15) + 1) ^ (uint64_t)i << 56;
	in[TDX_GPR_RAX] = TDG_VP_INFO;
	memset(out, 0, sizeof(out));
	probe(in, out);
	ASSERT_STATUS(out[TDX_GPR_RAX], TDX_SUCCESS);
	ASSERT_EQ(out[TDX_GPR_RCX], 48);
	ASSERT_EQ(out[TDX_GPR_RDX], TDX_ATTR_SEPT_VE_DISABLE);
	ASSERT_EQ(out[TDX_GPR_R8], 3ull | (3ull << 32));
	ASSERT_EQ(out[TDX_GPR_R9], 1);
	ASSERT_EQ(out[TDX_GPR_R10], 1);
	ASSERT_EQ(out[TDX_GPR_R11], 0);
	/* Not outputs of TDG.VP.INFO: unchanged (1.3). */
	static const unsigned kept[] = { TDX_GPR_RBX, TDX_GPR_RBP, TDX_GPR_RSI, TDX_GPR_RDI,
					 TDX_GPR_R12, TDX_GPR_R13, TDX_GPR_R14, TDX_GPR_R15 };
	for (unsigned i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		ASSERT_EQ(out[kept[i]], in[kept[i]]);
	ASSERT_EQ(out[P_RSP_AFTER], out[P_RSP_BEFORE]);
	assert_true(out[P_RFLAGS] & (1u << 10));	/* DF as the caller left it */
	for (unsigned i = P_XMM0; i < P_N; i++)
		ASSERT_EQ(out[i], in[i]);

	/* A leaf writing only RCX..R10 on failure: VEINFO.GET with no info
	 * zeroes RCX, RDX, R8, R9, R10 (4.2) and leaves R11 alone. */
	in[TDX_GPR_RAX] = TDG_VP_VEINFO_GET;
	probe(in, out);
	ASSERT_STATUS(out[TDX_GPR_RAX], TDX_NO_VALID_VE_INFO);
	ASSERT_EQ(out[TDX_GPR_RCX] | out[TDX_GPR_RDX] | out[TDX_GPR_R8] | out[TDX_GPR_R9] |
		  out[TDX_GPR_R10], 0);
	ASSERT_EQ(out[TDX_GPR_R11], in[TDX_GPR_R11]);
	detach_destroy(td);
}

/* ---- TDG.VP.VEINFO.GET and TDG.VP.CPUIDVE.SET ------------------------------ */

static void test_veinfo_get(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	struct tdx_ve out;
	/* What the module records when it injects #VE (4.1). */
	const struct tdx_ve_event ve = {
		.exit_reason = TDX_EXIT_IO_INSTRUCTION,
		.exit_qual = 0x00600008,	/* IN from port 0x60, 1 byte */
		.gla = 0x1234, .gpa = 0x5678, .instr_len = 2, .instr_info = 0xABCD,
	};
	tdx_test_set_ve_info(td, 0, &ve, TDX_VE_INFO_VALID);
	memset(&out, 0xEE, sizeof(out));
	tdx_vp_veinfo_get(&out);
	ASSERT_EQ(out.exit_reason, TDX_EXIT_IO_INSTRUCTION);
	ASSERT_EQ(out.exit_qual, 0x00600008);
	ASSERT_EQ(out.gla, 0x1234);
	ASSERT_EQ(out.gpa, 0x5678);
	ASSERT_EQ(out.instr_len, 2);
	ASSERT_EQ(out.instr_info, 0xABCD);
	ASSERT_EQ(vcpu_state(td, 0).ve_valid, 0);	/* consumed */

	/* A second call (or one outside a #VE handler) cannot succeed. */
	TU_EXPECT_PANIC(tdx_vp_veinfo_get(&out), TDG_VP_VEINFO_GET, TDX_NO_VALID_VE_INFO);
	assert_string_equal(tu_panic_seen.why, "TDG.VP.VEINFO.GET");
	detach_destroy(td);
}

static void test_cpuidve_set(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);

	tdx_vp_cpuidve_set(TDX_CPUIDVE_SUPERVISOR);
	ASSERT_EQ(vcpu_state(td, 0).cpuid_supervisor_ve, 1);
	ASSERT_EQ(vcpu_state(td, 0).cpuid_user_ve, 0);
	tdx_vp_cpuidve_set(TDX_CPUIDVE_USER);
	ASSERT_EQ(vcpu_state(td, 0).cpuid_supervisor_ve, 0);
	ASSERT_EQ(vcpu_state(td, 0).cpuid_user_ve, 1);
	tdx_vp_cpuidve_set(0);
	ASSERT_EQ(vcpu_state(td, 0).cpuid_supervisor_ve | vcpu_state(td, 0).cpuid_user_ve, 0);
	/* Reserved bits: the one way this call fails, a caller bug. */
	TU_EXPECT_PANIC(tdx_vp_cpuidve_set(4), TDG_VP_CPUIDVE_SET,
		     TDX_OPERAND_INVALID | TDX_OPND_RCX);
	detach_destroy(td);
}

/* ---- measurement ------------------------------------------------------------- */

/* Layout of the first accepted 2 MiB used by the measurement tests. */
#define GPA_REPORT     0x10000ull	/* 1024-aligned */
#define GPA_REPORTDATA 0x11000ull	/* 64-aligned */
#define GPA_DIGEST     0x12000ull	/* 64-aligned */

static void sha384_2(const uint8_t a[48], const uint8_t b[48], uint8_t out[48])
{
	uint8_t buf[96];
	unsigned len = 0;

	memcpy(buf, a, 48);
	memcpy(buf + 48, b, 48);
	assert_int_equal(EVP_Digest(buf, sizeof(buf), out, &len, EVP_sha384(), NULL), 1);
	assert_int_equal(len, 48);
}

static void test_rtmr_extend(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	uint8_t expect[48] = { 0 }, digest[48], got[48];

	ASSERT_STATUS(tdx_accept_memory(0, SZ_2M, NULL), TDX_SUCCESS);
	for (unsigned i = 0; i < 48; i++)
		digest[i] = (uint8_t)(i * 7 + 1);
	memcpy(hva(td, GPA_DIGEST, 48), digest, 48);

	/* RTMR[2] = SHA-384(RTMR[2] || data), twice (9.3). */
	ASSERT_STATUS(tdx_mr_rtmr_extend(GPA_DIGEST, 2), TDX_SUCCESS);
	sha384_2(expect, digest, expect);
	tdx_mr_rtmr_extend_or_panic(GPA_DIGEST, 2);
	sha384_2(expect, digest, expect);
	assert_int_equal(tdx_td_rtmr(td, 2, got), 0);
	assert_memory_equal(got, expect, 48);
	assert_int_equal(tdx_td_rtmr(td, 1, got), 0);
	assert_true(all_zero(got, 48));

	/* 1.5: index >= 4, and a digest not 64-byte aligned. */
	ASSERT_STATUS(tdx_mr_rtmr_extend(GPA_DIGEST, 4), TDX_OPERAND_INVALID | TDX_OPND_RDX);
	ASSERT_STATUS(tdx_mr_rtmr_extend(GPA_DIGEST + 8, 0), TDX_OPERAND_INVALID | TDX_OPND_RCX);
	TU_EXPECT_PANIC(tdx_mr_rtmr_extend_or_panic(GPA_DIGEST, 7), TDG_MR_RTMR_EXTEND,
		     TDX_OPERAND_INVALID | TDX_OPND_RDX);
	detach_destroy(td);
}

static void test_report_and_verify(void **state)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.attributes |= TDX_ATTR_DEBUG;
	memset(cfg.mrowner, 0x42, sizeof(cfg.mrowner));
	struct tdx_td *td = attach_new(&cfg, 0);
	uint8_t digest[48];

	ASSERT_STATUS(tdx_accept_memory(0, SZ_2M, NULL), TDX_SUCCESS);
	uint8_t *rd = hva(td, GPA_REPORTDATA, TDX_REPORTDATA_SIZE);
	for (unsigned i = 0; i < TDX_REPORTDATA_SIZE; i++)
		rd[i] = (uint8_t)(0xC0 + i);
	memset(digest, 0x99, sizeof(digest));
	memcpy(hva(td, GPA_DIGEST, 48), digest, 48);
	tdx_mr_rtmr_extend_or_panic(GPA_DIGEST, 3);

	ASSERT_STATUS(tdx_mr_report(GPA_REPORT, GPA_REPORTDATA), TDX_SUCCESS);
	const struct tdx_report *rep = (const void *)hva(td, GPA_REPORT, TDX_REPORT_SIZE);
	ASSERT_EQ(rep->mac.report_type[0], TDX_REPORT_TYPE_TDX);
	ASSERT_EQ(rep->mac.report_type[1], 0);
	assert_memory_equal(rep->mac.reportdata, rd, TDX_REPORTDATA_SIZE);
	ASSERT_EQ(rep->td_info.attributes, cfg.attributes);
	assert_memory_equal(rep->td_info.mrowner, cfg.mrowner, 48);
	uint8_t rtmr3[48] = { 0 };
	sha384_2(rtmr3, digest, rtmr3);
	assert_memory_equal(rep->td_info.rtmr[3], rtmr3, 48);

	/* The REPORTMACSTRUCT at offset 0 verifies; one flipped byte does not. */
	ASSERT_STATUS(tdx_mr_verifyreport(GPA_REPORT), TDX_SUCCESS);
	hva(td, GPA_REPORT, 1)[128] ^= 1;	/* a REPORTDATA byte, under the MAC */
	ASSERT_STATUS(tdx_mr_verifyreport(GPA_REPORT), TDX_INVALID_REPORTMACSTRUCT);
	ASSERT_STATUS(tdx_mr_verifyreport(GPA_REPORT + 64), TDX_OPERAND_INVALID | TDX_OPND_RCX);

	/* 1.5 alignment checks, and the checked variant. */
	ASSERT_STATUS(tdx_mr_report(GPA_REPORT + 512, GPA_REPORTDATA),
		      TDX_OPERAND_INVALID | TDX_OPND_RCX);
	ASSERT_STATUS(tdx_mr_report(GPA_REPORT, GPA_REPORTDATA + 8),
		      TDX_OPERAND_INVALID | TDX_OPND_RDX);
	tdx_mr_report_or_panic(GPA_REPORT, GPA_REPORTDATA);
	TU_EXPECT_PANIC(tdx_mr_report_or_panic(GPA_REPORT + 512, GPA_REPORTDATA), TDG_MR_REPORT,
		     TDX_OPERAND_INVALID | TDX_OPND_RCX);
	detach_destroy(td);
}

/* ---- metadata ---------------------------------------------------------------- */

static void test_vm_rd_wr(void **state)
{
	struct tdx_td_config cfg;
	uint64_t v, old;

	tdx_td_config_init(&cfg);
	cfg.gpaw = 52;
	cfg.num_vcpus = 2;
	cfg.xfam = tdx_xfam_from_host();
	struct tdx_td *td = attach_new(&cfg, 0);

	ASSERT_STATUS(tdx_vm_rd(TDX_FIELD_TD_ATTRIBUTES, &v), TDX_SUCCESS);
	ASSERT_EQ(v, cfg.attributes);
	ASSERT_STATUS(tdx_vm_rd(TDX_FIELD_TD_XFAM, &v), TDX_SUCCESS);
	ASSERT_EQ(v, cfg.xfam);
	ASSERT_STATUS(tdx_vm_rd(TDX_FIELD_TD_MAX_VCPUS, &v), TDX_SUCCESS);
	ASSERT_EQ(v, 2);
	ASSERT_STATUS(tdx_vm_rd(TDX_FIELD_TD_NUM_VCPUS, &v), TDX_SUCCESS);
	ASSERT_EQ(v, 2);
	ASSERT_EQ(tdx_vm_rd_or_panic(TDX_FIELD_TD_GPAW), 1);	/* a boolean, not 52 */
	ASSERT_EQ(tdx_vm_rd_or_panic(TDX_FIELD_TD_CONFIG_FLAGS) & TDX_CONFIG_FLAGS_GPAW,
		  TDX_CONFIG_FLAGS_GPAW);
	/* Linux's spelling of NOTIFY_ENABLES names the same field (6.1). */
	ASSERT_STATUS(tdx_vm_rd(0x9100000000000010ull, &v), TDX_SUCCESS);
	ASSERT_EQ(v, 0);

	/* NOTIFY_ENABLES: guest write mask 0x1 (6.2). */
	old = 0xDEAD;
	ASSERT_STATUS(tdx_vm_wr(TDX_FIELD_TD_NOTIFY_ENABLES, 1, 1, &old), TDX_SUCCESS);
	ASSERT_EQ(old, 0);
	ASSERT_EQ(tdx_vm_rd_or_panic(TDX_FIELD_TD_NOTIFY_ENABLES), 1);
	ASSERT_EQ(tdx_vm_wr_or_panic(TDX_FIELD_TD_NOTIFY_ENABLES, 0, ~0ull), 1);
	ASSERT_EQ(tdx_vm_rd_or_panic(TDX_FIELD_TD_NOTIFY_ENABLES), 0);
	ASSERT_STATUS(tdx_vm_wr(TDX_FIELD_TD_NOTIFY_ENABLES, 0, 0, NULL),
		      TDX_METADATA_FIELD_NOT_WRITABLE);

	/* Failures leave the outputs alone. */
	v = old = 0x5555;
	ASSERT_STATUS(tdx_vm_wr(TDX_FIELD_TD_ATTRIBUTES, 0, ~0ull, &old),
		      TDX_METADATA_FIELD_NOT_WRITABLE);
	ASSERT_EQ(old, 0x5555);
	ASSERT_STATUS(tdx_vm_rd(TDX_FIELD_TD_ATTRIBUTES | (1ull << 24), &v),
		      TDX_METADATA_FIELD_ID_INCORRECT);
	ASSERT_EQ(v, 0x5555);
	TU_EXPECT_PANIC(tdx_vm_rd_or_panic(TDX_FIELD_TD_ATTRIBUTES | (1ull << 24)), TDG_VM_RD,
		     TDX_METADATA_FIELD_ID_INCORRECT);
	TU_EXPECT_PANIC(tdx_vm_wr_or_panic(TDX_FIELD_TD_ATTRIBUTES, 0, ~0ull), TDG_VM_WR,
		     TDX_METADATA_FIELD_NOT_WRITABLE);
	detach_destroy(td);
}

/* TDG.VM.RD version 1 enumerates the TD context (6.1). */
static void test_vm_rd_next(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	uint64_t v = 0x77, next = 0, first;

	ASSERT_STATUS(tdx_vm_rd_next(TDX_FIELD_ID_NULL, &v, &next),
		      TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
	ASSERT_EQ(v, 0x77);	/* not a successful read */
	ASSERT_EQ(TDX_FIELD_CONTEXT(next), TDX_CTX_TD);
	first = next;

	/* Walk the context: each step moves on, the walk ends with -1. */
	unsigned n;
	uint64_t f = first;
	for (n = 0; n < 4096 && f != TDX_FIELD_ID_NULL; n++) {
		uint64_t st = tdx_vm_rd_next(f, &v, &next);
		if (TDX_STATUS_IS_ERROR(st))
			fail_msg("VM.RD v1 of 0x%016llx: status 0x%016llx",
				 (unsigned long long)f, (unsigned long long)st);
		assert_true(next != f);
		f = next;
	}
	ASSERT_EQ(f, TDX_FIELD_ID_NULL);
	assert_true(n > 10);

	/* Version 1 on a known field: value and a next ID. */
	next = 0;
	ASSERT_STATUS(tdx_vm_rd_next(TDX_FIELD_TD_ATTRIBUTES, &v, &next), TDX_SUCCESS);
	ASSERT_EQ(v, TDX_ATTR_SEPT_VE_DISABLE);
	assert_true(next != 0 && next != TDX_FIELD_TD_ATTRIBUTES);
	/* NULL next is fine. */
	ASSERT_STATUS(tdx_vm_rd_next(TDX_FIELD_TD_ATTRIBUTES, &v, NULL), TDX_SUCCESS);
	detach_destroy(td);
}

static void test_vp_rd_wr(void **state)
{
	struct tdx_td_config cfg;
	uint64_t v, next, old;

	tdx_td_config_init(&cfg);
	cfg.num_vcpus = 2;
	struct tdx_td *td = attach_new(&cfg, 1);

	ASSERT_STATUS(tdx_vp_rd(TDX_FIELD_VP_VCPU_INDEX, &v, &next), TDX_SUCCESS);
	ASSERT_EQ(v, 1);
	ASSERT_EQ(TDX_FIELD_CONTEXT(next), TDX_CTX_VCPU);
	ASSERT_EQ(tdx_vp_rd_or_panic(TDX_FIELD_VP_VCPU_INDEX), 1);

	/* CPUID_SUPERVISOR_VE is guest RW and the same bit CPUIDVE.SET sets (6.5). */
	ASSERT_STATUS(tdx_vp_wr(TDX_FIELD_VP_CPUID_SUPERVISOR_VE, 1, 1, &old), TDX_SUCCESS);
	ASSERT_EQ(old, 0);
	ASSERT_EQ(vcpu_state(td, 1).cpuid_supervisor_ve, 1);
	ASSERT_EQ(vcpu_state(td, 0).cpuid_supervisor_ve, 0);
	ASSERT_EQ(tdx_vp_wr_or_panic(TDX_FIELD_VP_CPUID_SUPERVISOR_VE, 0, 1), 1);
	ASSERT_EQ(tdx_vp_rd_or_panic(TDX_FIELD_VP_CPUID_SUPERVISOR_VE), 0);

	ASSERT_STATUS(tdx_vp_wr(TDX_FIELD_VP_VCPU_INDEX, 5, ~0ull, NULL),
		      TDX_METADATA_FIELD_NOT_WRITABLE);
	TU_EXPECT_PANIC(tdx_vp_wr_or_panic(TDX_FIELD_VP_VCPU_INDEX, 5, ~0ull), TDG_VP_WR,
		     TDX_METADATA_FIELD_NOT_WRITABLE);
	/* Null field ID: the first VCPU-context field (6.1). */
	next = 0;
	ASSERT_STATUS(tdx_vp_rd(TDX_FIELD_ID_NULL, &v, &next),
		      TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
	ASSERT_EQ(TDX_FIELD_CONTEXT(next), TDX_CTX_VCPU);
	TU_EXPECT_PANIC(tdx_vp_rd_or_panic(TDX_FIELD_ID_NULL), TDG_VP_RD,
		     TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
	detach_destroy(td);
}

static void test_sys_rd(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	uint64_t v = 0, next = 0;

	ASSERT_STATUS(tdx_sys_rd(TDX_FIELD_SYS_TDX_FEATURES0, &v, &next), TDX_SUCCESS);
	/* The model implements TDG.VP.RD/WR, so it must say so (6.4). */
	assert_true(v & TDX_FEATURES0_TDG_VP_RDWR);
	ASSERT_EQ(tdx_sys_rd_or_panic(TDX_FIELD_SYS_TDX_FEATURES0), v);
	ASSERT_EQ(TDX_FIELD_CONTEXT(next), TDX_CTX_SYS);

	next = 0;
	ASSERT_STATUS(tdx_sys_rd(TDX_FIELD_ID_NULL, &v, &next),
		      TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT);
	assert_true(next != 0 && next != TDX_FIELD_ID_NULL);
	ASSERT_STATUS(tdx_sys_rd(TDX_FIELD_SYS_TDX_FEATURES0 | (1ull << 55), &v, NULL),
		      TDX_METADATA_FIELD_ID_INCORRECT);
	TU_EXPECT_PANIC(tdx_sys_rd_or_panic(TDX_FIELD_SYS_TDX_FEATURES0 | (1ull << 55)), TDG_SYS_RD,
		     TDX_METADATA_FIELD_ID_INCORRECT);
	detach_destroy(td);
}

/* TDG.SYS.RDALL through the library: the list agrees field by field with
 * TDG.SYS.RD, and its shape is the module's (MOD md_dump_list: 8 sequences,
 * 168 bytes for the 12 guest-readable global fields of 1.5.01). */
static void test_sys_rdall(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	const uint64_t list = 0x7000;
	uint64_t next = 0, v;

	ASSERT_STATUS(tdx_mem_page_accept(list, TDX_PAGE_4K), TDX_SUCCESS);
	ASSERT_STATUS(tdx_sys_rdall(list, TDX_FIELD_ID_NULL, &next), TDX_SUCCESS);
	ASSERT_EQ(next, TDX_FIELD_ID_NULL);
	const uint64_t *p = tdx_td_gpa_ptr(td, list, 4096);
	ASSERT_EQ(p[0], 168 | 8u << 16);
	unsigned at = 1, fields = 0;
	for (unsigned seq = 0; seq < 8; seq++) {
		uint64_t hdr = p[at++];
		unsigned n = TDX_FIELD_LAST_FIELD(hdr) + 1;
		ASSERT_EQ(TDX_FIELD_LAST_ELEM(hdr), 0);
		for (unsigned i = 0; i < n; i++, fields++) {
			uint64_t id = (hdr & ~(0x1FFFull << 34)) + i;	/* consecutive codes */
			ASSERT_STATUS(tdx_sys_rd(id, &v, NULL), TDX_SUCCESS);
			ASSERT_EQ(p[at++], v);
		}
	}
	ASSERT_EQ(fields, 12);
	ASSERT_EQ(8 * at, 168);
	/* A list GPA that is not 4 KiB aligned: OPERAND_INVALID | RDX, R8 = -1. */
	next = 0;
	ASSERT_STATUS(tdx_sys_rdall(list + 0x40, TDX_FIELD_ID_NULL, &next),
		      TDX_OPERAND_INVALID | TDX_OPND_RDX);
	ASSERT_EQ(next, TDX_FIELD_ID_NULL);
	detach_destroy(td);
}

/* ---- TDG.MEM.PAGE.ACCEPT and tdx_accept_memory() --------------------------- */

static void test_page_accept_single(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);

	ASSERT_STATUS(tdx_mem_page_accept(4 * SZ_2M, TDX_PAGE_2M), TDX_SUCCESS);
	assert_present(td, 4 * SZ_2M, 5 * SZ_2M, TDX_PAGE_2M);
	ASSERT_STATUS(tdx_mem_page_accept(4 * SZ_2M, TDX_PAGE_2M),
		      TDX_PAGE_ALREADY_ACCEPTED | TDX_PAGE_2M);
	ASSERT_STATUS(tdx_mem_page_accept(4 * SZ_2M + SZ_4K, TDX_PAGE_4K),
		      TDX_PAGE_ALREADY_ACCEPTED | TDX_PAGE_2M);
	ASSERT_STATUS(tdx_mem_page_accept(SZ_4K, TDX_PAGE_4K), TDX_SUCCESS);
	assert_present(td, SZ_4K, 2 * SZ_4K, TDX_PAGE_4K);
	/* 1 GiB is refused by module 1.5.01 (13.9); so is a misaligned GPA. */
	ASSERT_STATUS(tdx_mem_page_accept(0, TDX_PAGE_1G), TDX_OPERAND_INVALID | TDX_OPND_RCX);
	ASSERT_STATUS(tdx_mem_page_accept(SZ_4K, TDX_PAGE_2M), TDX_OPERAND_INVALID | TDX_OPND_RCX);
	detach_destroy(td);
}

/* Unaligned head and tail around 2 MiB-aligned middle parts. */
static void test_accept_mixed(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	const uint64_t start = 2 * SZ_2M - 2 * SZ_4K, end = 5 * SZ_2M + 3 * SZ_4K;
	uint64_t stop = 0;

	ASSERT_STATUS(tdx_accept_memory(start, end, &stop), TDX_SUCCESS);
	ASSERT_EQ(stop, end);
	assert_present(td, start, 2 * SZ_2M, TDX_PAGE_4K);
	assert_present(td, 2 * SZ_2M, 5 * SZ_2M, TDX_PAGE_2M);
	assert_present(td, 5 * SZ_2M, end, TDX_PAGE_4K);
	/* Neighbours untouched. */
	struct tdx_page_state st;
	assert_int_equal(tdx_td_page_state(td, start - SZ_4K, &st), 0);
	assert_true(st.sept != TDX_SEPT_PRESENT);
	assert_int_equal(tdx_td_page_state(td, end, &st), 0);
	assert_true(st.sept != TDX_SEPT_PRESENT);

	/* Accepted memory reads as zero through the guest's private window. */
	struct tdx_mem_windows w;
	tdx_td_windows(td, &w);
	assert_true(all_zero(w.private_base + start, end - start));
	w.private_base[start] = 1;	/* and is writable */

	/* Empty range: nothing to do. */
	ASSERT_STATUS(tdx_accept_memory(SZ_2M, SZ_2M, &stop), TDX_SUCCESS);
	ASSERT_EQ(stop, SZ_2M);
	detach_destroy(td);
}

/* Counts what tdx_tdcall() returns, through the TD's trace hook. */
static unsigned reexecutes, completions;
static void count_outcomes(void *ctx, unsigned vcpu, const struct tdx_regs *in,
			   const struct tdx_regs *out, enum tdx_tdcall_outcome o)
{
	if (o == TDX_OUTCOME_REEXECUTE)
		reexecutes++;
	else if (o == TDX_OUTCOME_DONE)
		completions++;
}

/* Parts already accepted: counted as done, content kept (the guest.h hazard). */
static void test_accept_partly_accepted(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	struct tdx_mem_windows w;

	tdx_td_windows(td, &w);
	ASSERT_STATUS(tdx_accept_memory(SZ_2M, 2 * SZ_2M, NULL), TDX_SUCCESS);
	ASSERT_STATUS(tdx_accept_memory(3 * SZ_2M + 5 * SZ_4K, 3 * SZ_2M + 7 * SZ_4K, NULL),
		      TDX_SUCCESS);
	memset(w.private_base + SZ_2M + 100, 0xA5, 16);
	memset(w.private_base + 3 * SZ_2M + 6 * SZ_4K, 0x5A, 16);

	uint64_t stop = 0;
	ASSERT_STATUS(tdx_accept_memory(SZ_2M - 4 * SZ_4K, 4 * SZ_2M, &stop), TDX_SUCCESS);
	ASSERT_EQ(stop, 4 * SZ_2M);
	assert_present(td, SZ_2M - 4 * SZ_4K, SZ_2M, TDX_PAGE_4K);
	assert_present(td, SZ_2M, 3 * SZ_2M, TDX_PAGE_2M);
	assert_present(td, 3 * SZ_2M, 4 * SZ_2M, TDX_PAGE_4K);
	/* Not zeroed: whatever the guest left there. */
	ASSERT_EQ(w.private_base[SZ_2M + 100], 0xA5);
	ASSERT_EQ(w.private_base[3 * SZ_2M + 6 * SZ_4K], 0x5A);
	assert_true(all_zero(w.private_base + 2 * SZ_2M, SZ_2M));

	/* All of it again: every page already accepted. */
	ASSERT_STATUS(tdx_accept_memory(SZ_2M - 4 * SZ_4K, 4 * SZ_2M, &stop), TDX_SUCCESS);
	ASSERT_EQ(w.private_base[SZ_2M + 100], 0xA5);

	/* 4 KiB pages inside an accepted 2 MiB leaf: one TDCALL answers for
	 * the rest of that 2 MiB (ALREADY_ACCEPTED | level 1, 8.2). */
	tdx_td_set_trace(td, count_outcomes, NULL);
	reexecutes = completions = 0;
	ASSERT_STATUS(tdx_accept_memory(SZ_2M + 3 * SZ_4K, 2 * SZ_2M + 2 * SZ_4K, &stop),
		      TDX_SUCCESS);
	ASSERT_EQ(stop, 2 * SZ_2M + 2 * SZ_4K);
	ASSERT_EQ(completions, 2);	/* one in the first 2 MiB, one in the second */
	tdx_td_set_trace(td, NULL, NULL);
	detach_destroy(td);
}

/* A 2 MiB region the host had to split: PAGE_SIZE_MISMATCH, then 4 KiB. */
static void test_accept_split_2m(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	const uint64_t r = 8 * SZ_2M;
	struct tdx_page_state st;

	/* One 4 KiB accept inside a 2 MiB PENDING leaf makes the host DEMOTE. */
	ASSERT_STATUS(tdx_mem_page_accept(r + 17 * SZ_4K, TDX_PAGE_4K), TDX_SUCCESS);
	ASSERT_STATUS(tdx_mem_page_accept(r, TDX_PAGE_2M), TDX_PAGE_SIZE_MISMATCH | TDX_PAGE_2M);
	assert_int_equal(tdx_td_page_state(td, r, &st), 0);
	ASSERT_EQ(st.level, TDX_PAGE_4K);

	uint64_t stop = 0;
	ASSERT_STATUS(tdx_accept_memory(r, r + SZ_2M, &stop), TDX_SUCCESS);
	ASSERT_EQ(stop, r + SZ_2M);
	assert_present(td, r, r + SZ_2M, TDX_PAGE_4K);

	/* The host split a region the guest never touched (demote of PENDING). */
	const uint64_t r2 = 10 * SZ_2M;
	ASSERT_STATUS(tdx_accept_memory(r2 + SZ_4K, r2 + 2 * SZ_4K, NULL), TDX_SUCCESS);
	ASSERT_STATUS(tdh_mem_page_demote(td, r2 + SZ_2M), TDX_SUCCESS);	/* PENDING leaf */
	ASSERT_STATUS(tdx_accept_memory(r2, r2 + 2 * SZ_2M, &stop), TDX_SUCCESS);
	assert_present(td, r2, r2 + 2 * SZ_2M, TDX_PAGE_4K);
	detach_destroy(td);
}

/* A host that maps 4 KiB pages only: every 2 MiB try is a mismatch. */
static void test_accept_4k_policy(void **state)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.sept_policy = TDX_SEPT_POLICY_4K;
	struct tdx_td *td = attach_new(&cfg, 0);
	const uint64_t start = SZ_2M - 3 * SZ_4K, end = 3 * SZ_2M + SZ_4K;
	uint64_t stop = 0;

	ASSERT_STATUS(tdx_accept_memory(start, end, &stop), TDX_SUCCESS);
	ASSERT_EQ(stop, end);
	assert_present(td, start, end, TDX_PAGE_4K);
	struct tdx_mem_windows w;
	tdx_td_windows(td, &w);
	assert_true(all_zero(w.private_base + start, end - start));
	detach_destroy(td);
}

/* A pending interrupt stops a 2 MiB accept part-way (1.3); the direct
 * transport takes the interrupt and re-executes until it completes. */
static void test_accept_interrupted(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	const uint64_t r = 12 * SZ_2M;

	/* Dirty the region through the host view: the accept must zero it all. */
	memset(hva(td, r, SZ_2M), 0xCC, SZ_2M);
	/* The initial mapping made it a PENDING 2 MiB leaf (2 MiB policy). */
	tdx_td_set_trace(td, count_outcomes, NULL);
	reexecutes = completions = 0;
	tdx_vcpu_set_interrupt_pending(td, 0, 1);
	ASSERT_STATUS(tdx_accept_memory(r, r + SZ_2M, NULL), TDX_SUCCESS);
	assert_true(reexecutes >= 1);
	ASSERT_EQ(completions, 1);
	ASSERT_EQ(vcpu_state(td, 0).intr_pending, 0);
	assert_present(td, r, r + SZ_2M, TDX_PAGE_2M);
	assert_true(all_zero(hva(td, r, SZ_2M), SZ_2M));
	tdx_td_set_trace(td, NULL, NULL);
	detach_destroy(td);
}

static void test_accept_errors(void **state)
{
	struct tdx_td *td = attach_new(NULL, 0);
	uint64_t stop = 1;
	const uint64_t bad = TDX_OPERAND_INVALID | TDX_OPND_RCX;

	/* Misaligned or reversed bounds: nothing accepted. */
	ASSERT_STATUS(tdx_accept_memory(SZ_4K + 1, 2 * SZ_4K, &stop), bad);
	ASSERT_EQ(stop, SZ_4K + 1);
	ASSERT_STATUS(tdx_accept_memory(0, SZ_4K + 8, &stop), bad);
	ASSERT_EQ(stop, 0);
	ASSERT_STATUS(tdx_accept_memory(2 * SZ_4K, SZ_4K, &stop), bad);
	struct tdx_page_state st;
	assert_int_equal(tdx_td_page_state(td, 0, &st), 0);
	assert_true(st.sept != TDX_SEPT_PRESENT);

	/* A shared GPA: the module refuses it (8.1); stopped at the first page. */
	const uint64_t sb = tdx_td_shared_bit(td);
	ASSERT_STATUS(tdx_accept_memory(sb, sb + 3 * SZ_4K, &stop), bad);
	ASSERT_EQ(stop, sb);
	ASSERT_STATUS(tdx_accept_memory(sb, sb + SZ_2M, &stop), bad);
	ASSERT_EQ(stop, sb);

	TU_EXPECT_PANIC(tdx_accept_memory_or_panic(sb, sb + SZ_4K), TDG_MEM_PAGE_ACCEPT, bad);
	tdx_accept_memory_or_panic(0, 2 * SZ_4K);
	assert_present(td, 0, 2 * SZ_4K, TDX_PAGE_4K);
	detach_destroy(td);
}

/* ---- direct transport faults --------------------------------------------------- */

static jmp_buf fault_jb;
static struct {
	enum tdx_tdcall_outcome o;
	uint64_t leaf;
	uint8_t vector;
	struct tdx_ve ve;
	unsigned calls;
	char reason[300];
} fault_seen;

static void dead_handler(void *ctx, enum tdx_tdcall_outcome o, uint64_t leaf,
			 const struct tdx_inject *inj, const char *reason)
{
	fault_seen.o = o;
	fault_seen.leaf = leaf;
	snprintf(fault_seen.reason, sizeof(fault_seen.reason), "%s", reason);
	longjmp(fault_jb, 1);
}

/* Accepting memory the host cannot map: the host gives up on the TD. */
static void test_direct_td_dead(void **state)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.mem_size = 4 * SZ_2M;
	struct tdx_td *td = attach_new(&cfg, 0);

	memset(&fault_seen, 0, sizeof(fault_seen));
	tdx_direct_set_fault_handler(dead_handler, NULL);
	if (setjmp(fault_jb) == 0) {
		tdx_accept_memory(4 * SZ_2M - SZ_4K, 4 * SZ_2M + SZ_4K, NULL);
		fail_msg("accepting beyond TD memory did not kill the TD");
	}
	ASSERT_EQ(fault_seen.o, TDX_OUTCOME_TD_DEAD);
	ASSERT_EQ(fault_seen.leaf, TDG_MEM_PAGE_ACCEPT);
	assert_true(fault_seen.reason[0] != 0);
	/* The page before the end was accepted before the TD died. */
	assert_present(td, 4 * SZ_2M - SZ_4K, 4 * SZ_2M, TDX_PAGE_4K);
	detach_destroy(td);
}

/* A #VE handler: read VE info, accept the page, return; the TDCALL re-runs. */
static void ve_handler(void *ctx, enum tdx_tdcall_outcome o, uint64_t leaf,
		       const struct tdx_inject *inj, const char *reason)
{
	fault_seen.calls++;
	fault_seen.o = o;
	fault_seen.leaf = leaf;
	if (o != TDX_OUTCOME_INJECT || inj->vector != 20)
		longjmp(fault_jb, 1);
	fault_seen.vector = inj->vector;
	tdx_vp_veinfo_get(&fault_seen.ve);
	tdx_accept_memory_or_panic(fault_seen.ve.gpa & ~(SZ_4K - 1),
				   (fault_seen.ve.gpa & ~(SZ_4K - 1)) + SZ_4K);
}

static void test_direct_inject_ve(void **state)
{
	struct tdx_td_config cfg;

	/* No SEPT_VE_DISABLE: touching a PENDING page is a #VE (4.1). */
	tdx_td_config_init(&cfg);
	cfg.attributes = 0;
	cfg.sept_policy = TDX_SEPT_POLICY_4K;
	struct tdx_td *td = attach_new(&cfg, 0);
	const uint64_t digest = 3 * SZ_2M + 5 * SZ_4K;

	struct tdx_page_state st;
	assert_int_equal(tdx_td_page_state(td, digest, &st), 0);
	ASSERT_EQ(st.sept, TDX_SEPT_PENDING);	/* the initial mapping */
	memset(&fault_seen, 0, sizeof(fault_seen));
	tdx_direct_set_fault_handler(ve_handler, NULL);
	if (setjmp(fault_jb) == 0) {
		ASSERT_STATUS(tdx_mr_rtmr_extend(digest, 0), TDX_SUCCESS);
	} else {
		fail_msg("unexpected fault: outcome %d: %s", (int)fault_seen.o, fault_seen.reason);
	}
	ASSERT_EQ(fault_seen.calls, 1);
	ASSERT_EQ(fault_seen.vector, 20);
	ASSERT_EQ(fault_seen.leaf, TDG_MR_RTMR_EXTEND);
	ASSERT_EQ(fault_seen.ve.exit_reason, TDX_EXIT_EPT_VIOLATION);
	ASSERT_EQ(fault_seen.ve.gpa & ~(SZ_4K - 1), digest);
	assert_present(td, digest, digest + SZ_4K, TDX_PAGE_4K);
	/* The page was zero when accepted, so RTMR[0] = SHA-384(0^48 || 0^48). */
	uint8_t zero[48] = { 0 }, expect[48], got[48];
	sha384_2(zero, zero, expect);
	assert_int_equal(tdx_td_rtmr(td, 0, got), 0);
	assert_memory_equal(got, expect, 48);
	detach_destroy(td);
}

/* Without a handler the direct transport prints one line and aborts. */
static void expect_child_abort(void (*fn)(void), const char *needle)
{
	int pipefd[2];
	char buf[512] = "";

	assert_int_equal(pipe(pipefd), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		signal(SIGABRT, SIG_DFL);
		fn();
		_exit(0);
	}
	close(pipefd[1]);
	ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	close(pipefd[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		fail_msg("child status 0x%x, stderr: %s", status, buf);
	if (!strstr(buf, needle))
		fail_msg("stderr lacks \"%s\": %s", needle, buf);
}

static void child_unattached(void)
{
	struct tdx_vp_info info;
	tdx_direct_attach(NULL, 0);
	tdx_vp_info(&info);
}

static void child_dead(void)
{
	struct tdx_td_config cfg;
	tdx_td_config_init(&cfg);
	cfg.mem_size = SZ_2M;
	tdx_direct_attach(tdx_td_create(&cfg, NULL, 0), 0);
	tdx_direct_set_fault_handler(NULL, NULL);
	tdx_mem_page_accept(8 * SZ_2M, TDX_PAGE_2M);
}

static void test_direct_default_abort(void **state)
{
	expect_child_abort(child_unattached, "no TD attached");
	expect_child_abort(child_dead, "TD dead on TDCALL TDG.MEM.PAGE.ACCEPT");
}

/* ---- the native archive is freestanding --------------------------------------- */

/* Every undefined symbol of libtdxkit-guest.a is defined inside it: no
 * libc, no compiler runtime (memset/memcpy the compiler might emit). */
static void test_native_archive_self_contained(void **state)
{
	char cmd[1024], line[512];
	const char *ar = TDXKIT_BUILD_DIR "/libtdxkit-guest.a";

	if (access(ar, R_OK) != 0)
		skip();
	snprintf(cmd, sizeof(cmd), "nm -g '%s' 2>/dev/null", ar);
	FILE *p = popen(cmd, "r");
	if (!p)
		skip();
	/* Room for an instrumented build's counter symbols too (coverage). */
	static char defined[4096][96], undef[256][96];
	unsigned nd = 0, nu = 0;
	while (fgets(line, sizeof(line), p)) {
		/* "<addr> <type> <name>" when defined, "U <name>" when not. */
		char *tok[3], *save = NULL;
		unsigned nt = 0;
		for (char *t = strtok_r(line, " \t\n", &save); t && nt < 3;
		     t = strtok_r(NULL, " \t\n", &save))
			tok[nt++] = t;
		if (nt == 3 && strcmp(tok[1], "w") && strcmp(tok[1], "v")) {
			if (nd == sizeof(defined) / sizeof(defined[0]))
				fail_msg("more than %u symbols in %s", nd, ar);
			snprintf(defined[nd++], sizeof(defined[0]), "%s", tok[2]);
		} else if (nt == 2 && !strcmp(tok[0], "U")) {
			if (nu == sizeof(undef) / sizeof(undef[0]))
				fail_msg("more than %u undefined symbols in %s", nu, ar);
			snprintf(undef[nu++], sizeof(undef[0]), "%s", tok[1]);
		}
	}
	if (pclose(p) != 0 || nd == 0)
		skip();	/* no nm */
	for (unsigned i = 0; i < nu; i++) {
		int found = 0;
		for (unsigned j = 0; j < nd && !found; j++)
			found = !strcmp(undef[i], defined[j]);
		if (!found)
			fail_msg("libtdxkit-guest.a needs %s from outside", undef[i]);
	}
	assert_true(nu > 0);	/* the parse saw the cross references */
}

/* And a freestanding program links against it with no libc at all. */
static void test_native_archive_links_nostdlib(void **state)
{
	char dir[] = "/tmp/tdxkit-guest-link-XXXXXX", cmd[2048], src[300];
	const char *ar = TDXKIT_BUILD_DIR "/libtdxkit-guest.a";

	if (access(ar, R_OK) != 0 || system("cc --version >/dev/null 2>&1") != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/prog.c", dir);
	FILE *f = fopen(src, "w");
	assert_non_null(f);
	fputs("#include \"tdxkit/guest.h\"\n"
	      "void _start(void) {\n"
	      "\tstruct tdx_vp_info i;\n"
	      "\ttdx_vp_info(&i);\n"
	      "\ttdx_accept_memory_or_panic(0, i.shared_bit >> 20);\n"
	      "\t(void)tdx_vm_rd_or_panic(TDXKIT_FIELD_TD_ATTRIBUTES);\n"
	      "\tfor (;;) ;\n"
	      "}\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "cc -ffreestanding -fno-stack-protector -nostdlib -static -fno-pie -no-pie -O2 -I'%s/include' "
		 "'%s' '%s' -o '%s/prog' 2>&1", TDXKIT_SOURCE_DIR, src, ar, dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char out[2048] = "";
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	int rc = pclose(p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	if (rc != 0)
		fail_msg("freestanding link failed: %s", out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vp_info),
		cmocka_unit_test(test_raw_primitives),
		cmocka_unit_test(test_direct_register_semantics),
		cmocka_unit_test(test_veinfo_get),
		cmocka_unit_test(test_cpuidve_set),
		cmocka_unit_test(test_rtmr_extend),
		cmocka_unit_test(test_report_and_verify),
		cmocka_unit_test(test_vm_rd_wr),
		cmocka_unit_test(test_vm_rd_next),
		cmocka_unit_test(test_vp_rd_wr),
		cmocka_unit_test(test_sys_rd),
		cmocka_unit_test(test_sys_rdall),
		cmocka_unit_test(test_page_accept_single),
		cmocka_unit_test(test_accept_mixed),
		cmocka_unit_test(test_accept_partly_accepted),
		cmocka_unit_test(test_accept_split_2m),
		cmocka_unit_test(test_accept_4k_policy),
		cmocka_unit_test(test_accept_interrupted),
		cmocka_unit_test(test_accept_errors),
		cmocka_unit_test(test_direct_td_dead),
		cmocka_unit_test(test_direct_inject_ve),
		cmocka_unit_test(test_direct_default_abort),
		cmocka_unit_test(test_native_archive_self_contained),
		cmocka_unit_test(test_native_archive_links_nostdlib),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

/* test_native_trap.c: the trap engine in-process. Every TDCALL here is the
 * real instruction (66 0F 01 CC) in inline asm, serviced through the trap
 * this CPU raises for it (SIGILL on AMD, SIGSEGV on Intel). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "testutil.h"
#include "tdxkit/trap.h"

/* The registers a TDCALL can read or write, all loaded and stored, so that
 * the test sees whatever the engine leaves in them. */
struct tc {
	uint64_t rax, rcx, rdx, rbx, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15;
};

static void tdcall(struct tc *t)
{
	register uint64_t r8 __asm__("r8") = t->r8;
	register uint64_t r9 __asm__("r9") = t->r9;
	register uint64_t r10 __asm__("r10") = t->r10;
	register uint64_t r11 __asm__("r11") = t->r11;
	register uint64_t r12 __asm__("r12") = t->r12;
	register uint64_t r13 __asm__("r13") = t->r13;
	register uint64_t r14 __asm__("r14") = t->r14;
	register uint64_t r15 __asm__("r15") = t->r15;

	__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(t->rax), "+c"(t->rcx), "+d"(t->rdx), "+b"(t->rbx),
			   "+S"(t->rsi), "+D"(t->rdi), "+r"(r8), "+r"(r9), "+r"(r10),
			   "+r"(r11), "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
			 :
			 : "memory", "cc");
	t->r8 = r8; t->r9 = r9; t->r10 = r10; t->r11 = r11;
	t->r12 = r12; t->r13 = r13; t->r14 = r14; t->r15 = r15;
}

static uint64_t leaf(uint64_t rax, uint64_t rcx, uint64_t rdx, uint64_t r8)
{
	struct tc t = { .rax = rax, .rcx = rcx, .rdx = rdx, .r8 = r8 };
	tdcall(&t);
	return t.rax;
}

/* Every register set to a value of its own, to see which ones change. */
static void fill(struct tc *t)
{
	uint64_t *r = &t->rax;
	for (unsigned i = 0; i < sizeof(*t) / sizeof(uint64_t); i++)
		r[i] = 0x5A5A000000000000ull + i;
}

static struct tdx_td *install(const struct tdx_td_config *cfg, unsigned vcpu)
{
	struct tdx_td *td = tu_td_new(cfg);
	char err[256] = "";
	if (tdx_trap_install(td, vcpu, err, sizeof(err)))
		fail_msg("tdx_trap_install: %s", err);
	return td;
}

static void uninstall(struct tdx_td *td)
{
	tdx_trap_uninstall();
	tdx_td_destroy(td);
}

static void test_vp_info(void **state)
{
	struct tdx_td_config cfg;
	struct tc t, want;

	tdx_td_config_init(&cfg);
	cfg.gpaw = 52;
	cfg.num_vcpus = 3;
	struct tdx_td *td = install(&cfg, 2);
	fill(&t);
	t.rax = TDG_VP_INFO;
	want = t;
	tdcall(&t);
	ASSERT_STATUS(t.rax, TDX_SUCCESS);
	ASSERT_EQ(t.rcx, 52);
	ASSERT_EQ(t.rdx, cfg.attributes);
	ASSERT_EQ(t.r8, 3ull | (3ull << 32));
	ASSERT_EQ(t.r9, 2);	/* the VCPU the engine was installed for */
	ASSERT_EQ(t.r10, 1);
	ASSERT_EQ(t.r11, 0);
	/* Not outputs of the leaf: untouched (1.3). */
	ASSERT_EQ(t.rbx, want.rbx);
	ASSERT_EQ(t.rsi, want.rsi);
	ASSERT_EQ(t.rdi, want.rdi);
	ASSERT_EQ(t.r12, want.r12);
	ASSERT_EQ(t.r13, want.r13);
	ASSERT_EQ(t.r14, want.r14);
	ASSERT_EQ(t.r15, want.r15);
	uninstall(td);
}

static void test_unknown_leaf(void **state)
{
	struct tdx_td *td = install(NULL, 0);
	struct tc t, want;

	fill(&t);
	t.rax = 200;
	want = t;
	tdcall(&t);
	ASSERT_STATUS(t.rax, TDX_OPERAND_INVALID | TDX_OPND_RAX);
	want.rax = t.rax;
	assert_memory_equal(&t, &want, sizeof(t));	/* nothing else changes */
	ASSERT_STATUS(leaf(TDG_VP_INFO | (1u << 16), 0, 0, 0), TDX_OPERAND_INVALID | TDX_OPND_RAX);
	ASSERT_STATUS(leaf(TDG_VP_INFO | (1ull << 40), 0, 0, 0), TDX_OPERAND_INVALID | TDX_OPND_RAX);
	uninstall(td);
}

static void test_vmcall_bad_mask(void **state)
{
	struct tdx_td *td = install(NULL, 0);

	/* RAX, RCX and RSP may never be exposed; reserved bits must be 0 (3.1). */
	ASSERT_STATUS(leaf(TDG_VP_VMCALL, 1u << TDX_GPR_RAX, 0, 0), TDX_OPERAND_INVALID | TDX_OPND_RCX);
	ASSERT_STATUS(leaf(TDG_VP_VMCALL, 1u << TDX_GPR_RSP, 0, 0), TDX_OPERAND_INVALID | TDX_OPND_RCX);
	ASSERT_STATUS(leaf(TDG_VP_VMCALL, 1ull << 32, 0, 0), TDX_OPERAND_INVALID | TDX_OPND_RCX);
	uninstall(td);
}

/* A VMM that answers every TDVMCALL with new R12 and XMM1, to check that
 * the engine writes both back into the interrupted context. */
static int xmm_host(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	e->vmm.r10 = TDVMCALL_STATUS_SUCCESS;
	e->vmm.r12 = 0x1234;
	e->vmm.xmm[1][0] = 0x1111222233334444ull;
	e->vmm.xmm[1][1] = 0x5555666677778888ull;
	return 0;
}

typedef uint64_t v2u64 __attribute__((vector_size(16)));

static void test_vmcall_gprs_and_xmm(void **state)
{
	struct tdx_td_config cfg;
	tdx_td_config_init(&cfg);
	cfg.host.tdvmcall = xmm_host;
	struct tdx_td *td = install(&cfg, 0);

	/* Expose R10, R11, R12 and XMM1; XMM2 is not exposed and must survive. */
	register uint64_t r10 __asm__("r10") = 0;
	register uint64_t r11 __asm__("r11") = 0x10000;
	register uint64_t r12 __asm__("r12") = 0;
	register v2u64 x1 __asm__("xmm1") = { 1, 2 };
	register v2u64 x2 __asm__("xmm2") = { 3, 4 };
	uint64_t rax = TDG_VP_VMCALL;
	uint64_t rcx = (1u << TDX_GPR_R10) | (1u << TDX_GPR_R11) | (1u << TDX_GPR_R12) | (1u << 17);
	__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(rax), "+c"(rcx), "+r"(r10), "+r"(r11), "+r"(r12), "+x"(x1),
			   "+x"(x2)
			 :
			 : "memory");
	v2u64 got1 = x1, got2 = x2;
	ASSERT_STATUS(rax, TDX_SUCCESS);
	ASSERT_EQ(rcx, (1u << TDX_GPR_R10) | (1u << TDX_GPR_R11) | (1u << TDX_GPR_R12) | (1u << 17));
	ASSERT_EQ(r10, TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(r12, 0x1234);
	ASSERT_EQ(got1[0], 0x1111222233334444ull);
	ASSERT_EQ(got1[1], 0x5555666677778888ull);
	ASSERT_EQ(got2[0], 3);
	ASSERT_EQ(got2[1], 4);
	uninstall(td);
}

static void test_accept_and_touch(void **state)
{
	struct tdx_td *td = install(NULL, 0);
	struct tdx_mem_windows w;
	struct tdx_page_state st;

	tdx_td_windows(td, &w);
	ASSERT_STATUS(leaf(TDG_MEM_PAGE_ACCEPT, 0x100000 | TDX_PAGE_4K, 0, 0), TDX_SUCCESS);
	assert_int_equal(tdx_td_page_state(td, 0x100000, &st), 0);
	ASSERT_EQ(st.sept, TDX_SEPT_PRESENT);

	volatile uint8_t *p = w.private_base + 0x100000;
	for (unsigned i = 0; i < 4096; i++)
		ASSERT_EQ(p[i], 0);	/* accepted pages are zeroed */
	memset((void *)p, 0xA5, 4096);
	ASSERT_EQ(p[4095], 0xA5);
	/* The module (host view) sees what the program wrote. */
	uint8_t *h = tdx_td_gpa_ptr(td, 0x100000, 4096);
	assert_non_null(h);
	ASSERT_EQ(h[0], 0xA5);
	ASSERT_STATUS(leaf(TDG_MEM_PAGE_ACCEPT, 0x100000 | TDX_PAGE_4K, 0, 0),
		      TDX_PAGE_ALREADY_ACCEPTED | TDX_PAGE_4K);

	/* A 2 MiB page too, through the whole window. */
	ASSERT_STATUS(leaf(TDG_MEM_PAGE_ACCEPT, 0x400000 | TDX_PAGE_2M, 0, 0), TDX_SUCCESS);
	memset(w.private_base + 0x400000, 0x3C, TDX_PAGE_SIZE_2M);
	ASSERT_EQ(w.private_base[0x400000 + TDX_PAGE_SIZE_2M - 1], 0x3C);
	uninstall(td);
}

static void sha384(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[48])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned n = 48;
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha384(), NULL), 1);
	EVP_DigestUpdate(ctx, a, alen);
	EVP_DigestUpdate(ctx, b, blen);
	assert_int_equal(EVP_DigestFinal_ex(ctx, out, &n), 1);
	EVP_MD_CTX_free(ctx);
}

static void test_rtmr_and_report(void **state)
{
	struct tdx_td *td = install(NULL, 0);
	struct tdx_mem_windows w;
	uint8_t zero[48] = { 0 }, digest[48], want[48];

	tdx_td_windows(td, &w);
	ASSERT_STATUS(leaf(TDG_MEM_PAGE_ACCEPT, 0x100000, 0, 0), TDX_SUCCESS);
	uint8_t *p = w.private_base + 0x100000;
	memset(digest, 0x42, sizeof(digest));
	memcpy(p, digest, 48);
	memset(p + 0x40, 0x77, 64);
	ASSERT_STATUS(leaf(TDG_MR_RTMR_EXTEND, 0x100000, 3, 0), TDX_SUCCESS);
	ASSERT_STATUS(leaf(TDG_MR_REPORT, 0x100400, 0x100040, 0), TDX_SUCCESS);
	const struct tdx_report *rep = (const void *)(p + 0x400);
	ASSERT_EQ(rep->mac.report_type[0], TDX_REPORT_TYPE_TDX);
	ASSERT_EQ(rep->mac.reportdata[63], 0x77);
	sha384(zero, 48, digest, 48, want);
	assert_memory_equal(rep->td_info.rtmr[3], want, 48);
	/* Bad operands: a status, never a crash. */
	ASSERT_STATUS(leaf(TDG_MR_RTMR_EXTEND, 0x100010, 0, 0), TDX_OPERAND_INVALID | TDX_OPND_RCX);
	ASSERT_STATUS(leaf(TDG_MR_REPORT, 0x100400, 0x100040, 1), TDX_OPERAND_INVALID | TDX_OPND_R8);
	uninstall(td);
}

static void child_tdcall(void *arg)
{
	leaf(TDG_VP_INFO, 0, 0, 0);
	printf("survived\n");
}

static void child_uninstalled_tdcall(void *arg)
{
	struct tdx_td *td = install(NULL, 0);
	ASSERT_STATUS(leaf(TDG_VP_INFO, 0, 0, 0), TDX_SUCCESS);
	uninstall(td);
	child_tdcall(NULL);
}

/* Killed by what this CPU raises for TDCALL (SIGILL on AMD, SIGSEGV on Intel). */
static int is_tdcall_death(int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) == tdx_trap_probe_signal();
}

static void test_fault_without_engine(void **state)
{
	char out[1024];

	/* Never installed, and installed then removed: TDCALL faults as the
	 * CPU makes it, as on a machine without TDX. */
	int st = tu_in_child(child_tdcall, NULL, out, sizeof(out));
	assert_true(is_tdcall_death(st));
	st = tu_in_child(child_uninstalled_tdcall, NULL, out, sizeof(out));
	assert_true(is_tdcall_death(st));
	assert_null(strstr(out, "survived"));
}

static void child_ud2(void *arg)
{
	install(NULL, 0);
	__asm__ volatile("ud2");
	printf("survived\n");
}

static void test_genuine_sigill(void **state)
{
	char out[1024];
	int st = tu_in_child(child_ud2, NULL, out, sizeof(out));
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL);	/* ud2 is #UD on every CPU */
	assert_null(strstr(out, "survived"));
}

static void child_touch(void *arg)
{
	struct tdx_td *td = install(NULL, 0);
	struct tdx_mem_windows w;
	tdx_td_windows(td, &w);
	if (arg) {	/* an accepted page through the shared alias */
		leaf(TDG_MEM_PAGE_ACCEPT, 0x100000, 0, 0);
		*(volatile uint8_t *)(w.private_base + 0x100000) = 1;
		(void)*(volatile uint8_t *)(w.shared_base + 0x100000);
	} else {
		*(volatile uint8_t *)(w.private_base + 0x300000) = 1;
	}
	printf("survived\n");
}

static void test_pending_and_wrong_alias(void **state)
{
	char out[1024];
	int st = tu_in_child(child_touch, NULL, out, sizeof(out));
	assert_true(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), TDX_TRAP_EXIT_ACCESS);
	assert_non_null(strstr(out, "access to PENDING page: GPA 0x300000 (write through the private alias) at RIP 0x"));
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);	/* one line */

	st = tu_in_child(child_touch, (void *)1, out, sizeof(out));
	assert_true(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), TDX_TRAP_EXIT_ACCESS);
	assert_non_null(strstr(out, "page is private but was accessed through the shared alias: "
				    "GPA 0x800000100000 (read through the shared alias)"));
}

static void child_wild_pointer(void *arg)
{
	install(NULL, 0);
	*(volatile int *)(uintptr_t)16 = 1;
	printf("survived\n");
}

static void test_other_segv_is_a_crash(void **state)
{
	char out[4096];
	int st = tu_in_child(child_wild_pointer, NULL, out, sizeof(out));
	assert_null(strstr(out, "survived"));
	assert_null(strstr(out, "GPA"));
	/* The engine chained to the default action: killed by SIGSEGV. */
	assert_true(WIFSIGNALED(st));
	ASSERT_EQ(WTERMSIG(st), SIGSEGV);
}

/* #VE: with PENDING_VE_DISABLE clear, a TDCALL memory operand on a PENDING
 * page makes the module inject #VE (4.1). */
static struct tdx_td *ve_td(void)
{
	struct tdx_td_config cfg;
	tdx_td_config_init(&cfg);
	cfg.attributes = 0;
	cfg.sept_policy = TDX_SEPT_POLICY_4K;
	return install(&cfg, 0);
}

static void child_ve(void *arg)
{
	ve_td();
	leaf(TDG_MR_RTMR_EXTEND, 0x300000, 0, 0);
	printf("survived\n");
}

static int ve_seen;
static int skip_ve(void *ctx, struct tdx_td *td, unsigned vcpu, const struct tdx_inject *inj,
		   struct tdx_regs *r)
{
	/* A stand-in for #VE delivery: note it and skip the TDCALL. */
	ve_seen = inj->vector;
	r->rax = 0xDEAD;
	r->rip += TDX_TDCALL_LEN;
	return 0;
}

static void test_inject(void **state)
{
	char out[1024];
	int st = tu_in_child(child_ve, NULL, out, sizeof(out));
	assert_true(WIFEXITED(st));
	ASSERT_EQ(WEXITSTATUS(st), TDX_TRAP_EXIT_INJECT);
	assert_non_null(strstr(out, "#VE (vector 20"));
	assert_null(strstr(out, "survived"));

	struct tdx_td *td = ve_td();
	tdx_trap_set_inject_hook(skip_ve, NULL);
	ASSERT_EQ(leaf(TDG_MR_RTMR_EXTEND, 0x300000, 0, 0), 0xDEAD);
	ASSERT_EQ(ve_seen, 20);
	tdx_trap_set_inject_hook(NULL, NULL);
	uninstall(td);
}

static void test_install_errors(void **state)
{
	char err[256];
	struct tdx_td *td = tu_td_new(NULL);

	assert_int_equal(tdx_trap_install(td, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "VCPU 1"));
	assert_int_equal(tdx_trap_install(td, 0, err, sizeof(err)), 0);
	assert_ptr_equal(tdx_trap_td(), td);
	assert_int_equal(tdx_trap_install(td, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "already"));
	tdx_trap_uninstall();
	assert_null(tdx_trap_td());
	tdx_trap_uninstall();	/* twice is harmless */
	tdx_td_destroy(td);
}

static void *hammer(void *arg)
{
	uintptr_t bad = 0;
	for (int i = 0; i < 2000; i++) {
		struct tc t;
		fill(&t);
		t.rax = TDG_VP_INFO;
		uint64_t r12 = t.r12;
		tdcall(&t);
		if (t.rax != TDX_SUCCESS || t.rcx != 48 || t.r12 != r12)
			bad++;
	}
	return (void *)bad;
}

static void test_threads(void **state)
{
	struct tdx_td_config cfg;
	tdx_td_config_init(&cfg);
	cfg.num_vcpus = 5;	/* this thread and four more: each is a VCPU */
	struct tdx_td *td = install(&cfg, 0);
	pthread_t th[4];

	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, hammer, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *bad;
		pthread_join(th[i], &bad);
		ASSERT_EQ((uintptr_t)bad, 0);
	}
	uninstall(td);
}

static void test_trace_format(void **state)
{
	struct tdx_regs in, out;
	char line[512];

	memset(&in, 0, sizeof(in));
	in.rax = TDG_MR_RTMR_EXTEND;
	in.rcx = 0x1000;
	in.rdx = 2;
	in.rip = 0x401000;
	out = in;
	out.rax = TDX_OPERAND_INVALID | TDX_OPND_RCX;
	out.rip += 4;
	int n = tdx_trap_trace_format(line, sizeof(line), 0, &in, &out, TDX_OUTCOME_DONE);
	assert_int_equal(n, (int)strlen(line));
	assert_non_null(strstr(line, "TDG.MR.RTMR.EXTEND(rcx=0x1000, rdx=0x2)"));
	assert_non_null(strstr(line, "TDX_OPERAND_INVALID"));
	assert_non_null(strstr(line, "rip=0x401000"));
	ASSERT_EQ(line[n - 1], '\n');
	assert_ptr_equal(strchr(line, '\n'), line + n - 1);	/* one line */

	in.rax = TDG_VP_INFO;
	out = in;
	out.rax = 0;
	out.rcx = 48;
	tdx_trap_trace_format(line, sizeof(line), 0, &in, &out, TDX_OUTCOME_DONE);
	assert_non_null(strstr(line, "TDG.VP.INFO() = TDX_SUCCESS"));
	assert_non_null(strstr(line, "rcx=0x30"));

	/* Too small a buffer: cut, terminated, full length returned. */
	char small[16];
	n = tdx_trap_trace_format(small, sizeof(small), 0, &in, &out, TDX_OUTCOME_DONE);
	assert_true(n > (int)sizeof(small));
	ASSERT_EQ(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vp_info),
		cmocka_unit_test(test_unknown_leaf),
		cmocka_unit_test(test_vmcall_bad_mask),
		cmocka_unit_test(test_vmcall_gprs_and_xmm),
		cmocka_unit_test(test_accept_and_touch),
		cmocka_unit_test(test_rtmr_and_report),
		cmocka_unit_test(test_fault_without_engine),
		cmocka_unit_test(test_genuine_sigill),
		cmocka_unit_test(test_pending_and_wrong_alias),
		cmocka_unit_test(test_other_segv_is_a_crash),
		cmocka_unit_test(test_inject),
		cmocka_unit_test(test_install_errors),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_trace_format),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

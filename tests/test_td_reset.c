/* test_td_reset.c: tdx_td_reset() puts a TD back in its creation state.
 * A TD is changed every way the public interface allows (page states,
 * contents through the windows and the host view, shared pages, RTMRs, TD
 * and VCPU metadata, L2 VMCS fields and aliases, a pending interrupt, a
 * dead TD), reset, and then compared with a freshly created TD of the
 * same configuration: page by page, byte by byte, field by field (every
 * readable metadata element, walked as TDG.VM.RD / TDG.VP.RD chain it),
 * and by the window protections the kernel reports. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testutil.h"

#define MEM (8ull << 20)
#define VM_RD_V1 (TDG_VM_RD | (1ull << 16))
#define F_TD_UUID 0x8010000300000020ull	/* 4 elements, random per TD */

static unsigned host_calls;
static int host_kill;

static int host(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	host_calls++;
	e->vmm.r10 = 0;
	return host_kill;
}

static void config(struct tdx_td_config *cfg, unsigned l2, enum tdx_sept_policy pol)
{
	tdx_td_config_init(cfg);
	cfg->mem_size = MEM;
	cfg->num_vcpus = 2;
	cfg->num_l2_vms = l2;
	cfg->sept_policy = pol;
	cfg->host.tdvmcall = host;
}

static uint64_t vmcs_id(unsigned vm, unsigned size, uint32_t enc)
{
	return TDX_FIELD_ID(TDX_CTX_VCPU, TDX_VP_CLASS_VMCS(vm), size, enc);
}

/* One TDVMCALL (leaf 0, R10-R11 exposed); returns the outcome. */
static enum tdx_tdcall_outcome vmcall(struct tdx_td *td)
{
	struct tdx_regs r = { .rax = TDG_VP_VMCALL, .rcx = 0x0C00, .r11 = TDVMCALL_CPUID, .rip = 0x1000 };
	return tu_tdcall(td, &r);
}

/* FAULT mode maps a page into a window on its first touch (the trap
 * engine's SIGBUS path): map every page that may be touched now. */
static void touch_windows(struct tdx_td *td)
{
	for (uint64_t g = 0; g < MEM; g += 0x1000)
		for (int w = 0; w < 2; w++)
			(void)tdx_td_window_fault_at(td, w, g);
}

/* Every change the public interface can make. */
static void change_everything(struct tdx_td *td, unsigned l2)
{
	struct tdx_mem_windows w;

	tdx_td_windows(td, &w);
	tu_accept(td, 0, 0x10000);			/* 4 KiB leaves: region 0 demoted */
	if (tdx_td_config(td)->sept_policy == TDX_SEPT_POLICY_2M)
		ASSERT_STATUS(tu_leaf(td, TDG_MEM_PAGE_ACCEPT, 0x200000 | TDX_PAGE_2M, 0, 0, 0, NULL),
			      TDX_SUCCESS);
	else
		tu_accept(td, 0x200000, 0x4000);
	ASSERT_STATUS(tdh_mem_page_remove(td, 0xF000, TDX_PAGE_4K), TDX_SUCCESS);	/* FREE */
	touch_windows(td);	/* FAULT mode: what the trap engine does on a first touch */
	memset(w.private_base + 0x1000, 0xAB, 0x1000);	/* guest writes */
	memset(w.private_base + 0x200000, 0xAC, 64);
	memset(tdx_td_gpa_ptr(td, 0x400000, 0x1000), 0xCD, 0x1000);	/* host writes */
	ASSERT_STATUS(tdx_td_set_shared(td, 0x600000, 0x2000, 1), TDX_SUCCESS);
	touch_windows(td);
	memset(w.shared_base + 0x600000, 0xEF, 0x2000);

	/* Measurement and metadata. */
	memset(w.private_base + 0x2000, 0x11, 48);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_RTMR_EXTEND, 0x2000, 2, 0, 0, NULL), TDX_SUCCESS);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_REPORT, 0x3000, 0x2000, 0, 0, NULL), TDX_SUCCESS);
	ASSERT_STATUS(tu_leaf(td, TDG_VM_WR, 0, TDX_FIELD_TD_NOTIFY_ENABLES, 1, ~0ull, NULL),
		      TDX_SUCCESS);
	ASSERT_STATUS(tu_leaf(td, TDG_VP_CPUIDVE_SET, 3, 0, 0, 0, NULL), TDX_SUCCESS);
	struct tdx_regs r;
	ASSERT_STATUS(tu_leaf(td, VM_RD_V1, 0, F_TD_UUID, 0, 0, &r), TDX_SUCCESS);
	if (l2) {
		ASSERT_STATUS(tu_leaf(td, TDG_VP_WR, 0, vmcs_id(1, TDX_FIELD_64, 0x681E), 0x1234, ~0ull,
				      NULL), TDX_SUCCESS);
		ASSERT_STATUS(tu_leaf(td, TDG_VP_WR, 0, TDX_FIELD_VP_L2_CTLS(1), 1, ~0ull, NULL),
			      TDX_SUCCESS);
		/* An alias for VM 1 on an accepted page: word 1 = VALID (bit 15)
		 * | R | W | XS (7.6). */
		ASSERT_STATUS(tu_leaf(td, TDG_MEM_PAGE_ATTR_WR, 0x5000, 0x8007ull << 16, 7ull << 16, 0,
				      NULL),
			      TDX_SUCCESS);
	}
	tdx_vcpu_set_interrupt_pending(td, 1, 1);
	/* And the host gives up on it. */
	host_kill = 1;
	ASSERT_EQ(vmcall(td), TDX_OUTCOME_TD_DEAD);
	host_kill = 0;
	ASSERT_EQ(vmcall(td), TDX_OUTCOME_TD_DEAD);
}

/* Protections of [p, p+len) as /proc/self/maps lists them: every mapping
 * there must be PROT_NONE. */
static void expect_prot_none(const uint8_t *p, uint64_t len, const char *what)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	uintptr_t lo = (uintptr_t)p, hi = lo + len;
	unsigned seen = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &a, &b, perms) != 3 || b <= lo || a >= hi)
			continue;
		seen++;
		if (strncmp(perms, "---", 3))
			fail_msg("%s window: %s", what, line);
	}
	fclose(f);
	assert_true(seen > 0);
}

/* FAULT mode: the windows are RW mappings; what must be gone is every page
 * mapped into them (/proc/self/pagemap bit 63: present). */
static void expect_nothing_mapped(const uint8_t *p, uint64_t len, const char *what)
{
	FILE *f = fopen("/proc/self/pagemap", "rb");
	long ps = sysconf(_SC_PAGESIZE);

	assert_non_null(f);
	for (uint64_t off = 0; off < len; off += (uint64_t)ps) {
		uint64_t e = 0;
		assert_int_equal(fseek(f, (long)(((uintptr_t)p + off) / (uint64_t)ps * 8), SEEK_SET), 0);
		assert_int_equal(fread(&e, 8, 1, f), 1);
		if (e >> 63)
			fail_msg("%s window: page at offset 0x%llx still mapped", what, (unsigned long long)off);
	}
	fclose(f);
}

/* Walk a metadata chain of `td` with `rax` from the null ID; every element
 * must read the same in `fresh` (status, value, next ID). */
static unsigned same_chain(struct tdx_td *td, struct tdx_td *fresh, unsigned vcpu, uint64_t rax)
{
	uint64_t id = TDX_FIELD_ID_NULL;
	unsigned n = 0;

	for (;;) {
		struct tdx_regs a = { .rax = rax, .rdx = id, .rip = 0x1000 };
		struct tdx_regs b = a;
		struct tdx_inject inj;
		ASSERT_EQ(tdx_tdcall(td, vcpu, &a, &inj), TDX_OUTCOME_DONE);
		ASSERT_EQ(tdx_tdcall(fresh, vcpu, &b, &inj), TDX_OUTCOME_DONE);
		if (a.rax != b.rax || a.rdx != b.rdx || ((id & ~3ull) != F_TD_UUID && a.r8 != b.r8))
			fail_msg("field 0x%016llx: reset TD status 0x%llx value 0x%llx next 0x%llx, fresh "
				 "0x%llx 0x%llx 0x%llx", (unsigned long long)id, (unsigned long long)a.rax,
				 (unsigned long long)a.r8, (unsigned long long)a.rdx,
				 (unsigned long long)b.rax, (unsigned long long)b.r8,
				 (unsigned long long)b.rdx);
		if (a.rax != TDX_SUCCESS && a.rax != TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT)
			fail_msg("field 0x%016llx: status 0x%llx", (unsigned long long)id,
				 (unsigned long long)a.rax);
		id = a.rdx;
		if (id == TDX_FIELD_ID_NULL)
			break;
		n++;
	}
	return n;
}

static void expect_like_fresh(struct tdx_td *td, const struct tdx_td_config *cfg)
{
	struct tdx_td *fresh = tu_td_new(cfg);
	struct tdx_mem_windows w;
	static const uint8_t zero[0x1000];
	uint8_t mr[TDX_MR_SIZE];

	for (uint64_t g = 0; g < MEM; g += 0x1000) {
		struct tdx_page_state a, b;
		assert_int_equal(tdx_td_page_state(td, g, &a), 0);
		assert_int_equal(tdx_td_page_state(fresh, g, &b), 0);
		if (a.sept != b.sept || a.level != b.level || a.shared != b.shared)
			fail_msg("GPA 0x%llx: state %d level %d shared %d, fresh %d %d %d",
				 (unsigned long long)g, a.sept, a.level, a.shared, b.sept, b.level, b.shared);
		if (memcmp(tdx_td_gpa_ptr(td, g, 0x1000), zero, 0x1000))
			fail_msg("GPA 0x%llx: contents not zero after reset", (unsigned long long)g);
	}
	tdx_td_windows(td, &w);
	if (tdx_td_window_mode(td) == TDX_WINDOWS_FAULT) {
		expect_nothing_mapped(w.private_base, w.size, "private");
		expect_nothing_mapped(w.shared_base, w.size, "shared");
	} else {
		expect_prot_none(w.private_base, w.size, "private");
		expect_prot_none(w.shared_base, w.size, "shared");
	}
	for (unsigned i = 0; i < TDX_NUM_RTMRS; i++) {
		assert_int_equal(tdx_td_rtmr(td, i, mr), 0);
		assert_memory_equal(mr, zero, sizeof(mr));
	}
	assert_true(same_chain(td, fresh, 0, VM_RD_V1) > 50);
	for (unsigned v = 0; v < cfg->num_vcpus; v++)
		assert_true(same_chain(td, fresh, v, TDG_VP_RD) > 10);
	/* Not dead; the host callback is still there; no interrupt pending
	 * (a 2 MiB accept would stop part-way). */
	unsigned before = host_calls;
	ASSERT_EQ(vmcall(td), TDX_OUTCOME_DONE);
	ASSERT_EQ(host_calls, before + 1);
	if (cfg->sept_policy == TDX_SEPT_POLICY_2M) {
		struct tdx_regs r = { .rax = TDG_MEM_PAGE_ACCEPT, .rcx = 0x200000 | TDX_PAGE_2M,
				      .rip = 0x1000 };
		struct tdx_inject inj;
		ASSERT_EQ(tdx_tdcall(td, 1, &r, &inj), TDX_OUTCOME_DONE);
		ASSERT_STATUS(r.rax, TDX_SUCCESS);
	}
	/* Aliases are gone: ATTR.RD of an accepted page reads like fresh. */
	if (cfg->num_l2_vms) {
		struct tdx_regs a, b;
		tu_accept(td, 0x5000, 0x1000);
		tu_accept(fresh, 0x5000, 0x1000);
		ASSERT_STATUS(tu_leaf(td, TDG_MEM_PAGE_ATTR_RD, 0x5000, 0, 0, 0, &a), TDX_SUCCESS);
		ASSERT_STATUS(tu_leaf(fresh, TDG_MEM_PAGE_ATTR_RD, 0x5000, 0, 0, 0, &b), TDX_SUCCESS);
		ASSERT_EQ(a.rdx, b.rdx);
		ASSERT_EQ(a.rcx, b.rcx);
	}
	tdx_td_destroy(fresh);
}

static void reset_case(unsigned l2, enum tdx_sept_policy pol, enum tdx_window_mode mode)
{
	struct tdx_td_config cfg;
	struct tdx_mem_windows w0, w1;
	char err[256] = "";

	config(&cfg, l2, pol);
	struct tdx_td *td = tu_td_new(&cfg);
	if (mode == TDX_WINDOWS_FAULT && tdx_td_set_window_mode(td, mode, err, sizeof(err))) {
		tdx_td_destroy(td);
		skip();		/* no userfaultfd here */
	}
	tdx_td_windows(td, &w0);
	void *host0 = tdx_td_gpa_ptr(td, 0, MEM);
	for (int round = 0; round < 2; round++) {
		change_everything(td, l2);
		touch_windows(td);	/* every page that may be mapped is */
		if (tdx_td_reset(td, err, sizeof(err)))
			fail_msg("tdx_td_reset: %s", err);
		expect_like_fresh(td, &cfg);
		/* Same mappings: addresses handed out before stay valid. */
		tdx_td_windows(td, &w1);
		assert_ptr_equal(w0.private_base, w1.private_base);
		assert_ptr_equal(w0.shared_base, w1.shared_base);
		assert_ptr_equal(host0, tdx_td_gpa_ptr(td, 0, MEM));
		assert_int_equal(tdx_td_reset(td, err, sizeof(err)), 0);
	}
	tdx_td_destroy(td);
}

static void test_reset_2m_policy(void **state)
{
	reset_case(0, TDX_SEPT_POLICY_2M, TDX_WINDOWS_PROTECT);
}

static void test_reset_4k_policy_l2(void **state)
{
	reset_case(2, TDX_SEPT_POLICY_4K, TDX_WINDOWS_PROTECT);
}

static void test_reset_l2_2m(void **state)
{
	reset_case(3, TDX_SEPT_POLICY_2M, TDX_WINDOWS_PROTECT);
}

/* The same with the windows in FAULT mode (userfaultfd): pages mapped by
 * touches are unmapped again. */
static void test_reset_fault_windows(void **state)
{
	reset_case(2, TDX_SEPT_POLICY_2M, TDX_WINDOWS_FAULT);
}

/* Contents written only through the guest windows (no host pointer ever
 * handed out: the reset then zeroes just where a window was opened) are
 * gone after the reset, and a page accepted again reads zeros. */
static void test_reset_window_writes_only(void **state)
{
	struct tdx_td_config cfg;
	struct tdx_mem_windows w;
	char err[256] = "";

	config(&cfg, 0, TDX_SEPT_POLICY_2M);
	struct tdx_td *td = tu_td_new(&cfg);
	tdx_td_windows(td, &w);
	for (int round = 0; round < 3; round++) {
		uint64_t a = 0x100000 * (uint64_t)(round + 1);	/* a new place each round */
		tu_accept(td, a, 0x2000);
		memset(w.private_base + a, 0x5A, 0x2000);
		ASSERT_STATUS(tdx_td_set_shared(td, a + 0x300000, 0x1000, 1), TDX_SUCCESS);
		memset(w.shared_base + a + 0x300000, 0xA5, 0x1000);
		if (tdx_td_reset(td, err, sizeof(err)))
			fail_msg("tdx_td_reset: %s", err);
		tu_accept(td, a, 0x1000);
		for (size_t i = 0; i < 0x1000; i++)
			if (w.private_base[a + i])
				fail_msg("round %d: byte %zu of the page accepted again is 0x%02x", round, i,
					 w.private_base[a + i]);
		assert_int_equal(tdx_td_reset(td, err, sizeof(err)), 0);
	}
	/* Only now a host pointer: every byte is zero. */
	static const uint8_t zero[0x1000];
	for (uint64_t g = 0; g < MEM; g += 0x1000)
		if (memcmp(tdx_td_gpa_ptr(td, g, 0x1000), zero, sizeof(zero)))
			fail_msg("GPA 0x%llx not zero after the resets", (unsigned long long)g);
	tdx_td_destroy(td);
}

/* Two VCPUs accept alternate pages of one region at once and write each
 * page they accept; after the reset every page accepted again reads zeros.
 * The windows are kept elsewhere (tdx_td_set_window_ops, as the isolated
 * engine keeps them in its child), so an accept makes no system call and
 * the two VCPUs record the pages they open at the same moments: a record
 * lost to the race would leave a written page unzeroed. */
struct acceptor {
	struct tdx_td *td;
	unsigned vcpu;
	uint8_t *mem;	/* the TD memory file, mapped as the child maps it */
	pthread_barrier_t *start;	/* both begin at once */
};

#define RACE_PAGES 512u	/* one 2 MiB region, 4 KiB SEPT leaves */

static int no_window_update(void *ctx, int w, uint64_t off, uint64_t len, int touchable)
{
	return 0;
}

static int no_window_map(void *ctx, int w, uint64_t off, uint64_t len)
{
	return 0;
}

static void *accept_alternate(void *arg)
{
	const struct acceptor *a = arg;

	pthread_barrier_wait(a->start);
	for (uint64_t p = a->vcpu; p < RACE_PAGES; p += 2) {
		struct tdx_regs r = { .rax = TDG_MEM_PAGE_ACCEPT, .rcx = p * 0x1000, .rip = 0x1000 };
		struct tdx_inject inj;
		enum tdx_tdcall_outcome o = tdx_tdcall(a->td, a->vcpu, &r, &inj);
		if (o != TDX_OUTCOME_DONE || r.rax != TDX_SUCCESS)
			return (void *)"an accept failed";
		a->mem[p * 0x1000 + a->vcpu] = 0xA5;	/* the guest writes its page */
	}
	return NULL;
}

static void test_reset_after_concurrent_accepts(void **state)
{
	static const struct tdx_window_ops ops = { no_window_update, no_window_map };
	static const uint8_t zero[0x1000];
	struct tdx_td_config cfg;

	config(&cfg, 0, TDX_SEPT_POLICY_4K);
	struct tdx_td *td = tu_td_new(&cfg);
	ASSERT_EQ(tdx_td_set_window_ops(td, TDX_WINDOWS_FAULT, &ops, NULL), 0);
	uint8_t *mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_SHARED, tdx_td_memory_fd(td), 0);
	assert_true(mem != MAP_FAILED);
	pthread_barrier_t start;
	ASSERT_EQ(pthread_barrier_init(&start, NULL, 2), 0);
	for (int round = 0; round < 200; round++) {
		struct acceptor a[2] = { { td, 0, mem, &start }, { td, 1, mem, &start } };
		pthread_t t[2];
		void *why[2];

		for (int i = 0; i < 2; i++)
			ASSERT_EQ(pthread_create(&t[i], NULL, accept_alternate, &a[i]), 0);
		for (int i = 0; i < 2; i++) {
			ASSERT_EQ(pthread_join(t[i], &why[i]), 0);
			if (why[i])
				fail_msg("round %d, VCPU %d: %s", round, i, (const char *)why[i]);
		}
		assert_int_equal(tdx_td_reset(td, NULL, 0), 0);
		tu_accept(td, 0, RACE_PAGES * 0x1000ull);
		for (uint64_t p = 0; p < RACE_PAGES; p++)
			if (memcmp(mem + p * 0x1000, zero, sizeof(zero)))
				fail_msg("round %d: page %llu kept what a VCPU wrote before the reset", round,
					 (unsigned long long)p);
		assert_int_equal(tdx_td_reset(td, NULL, 0), 0);
	}
	pthread_barrier_destroy(&start);
	munmap(mem, MEM);
	tdx_td_destroy(td);
}

/* A report made before a reset still verifies after it: the MAC key is
 * kept (documented), while the RTMRs it named are gone. */
static void test_reset_keeps_mac_key(void **state)
{
	struct tdx_td_config cfg;
	config(&cfg, 0, TDX_SEPT_POLICY_2M);
	struct tdx_td *td = tu_td_new(&cfg);
	struct tdx_report rep;

	tu_accept(td, 0, 0x2000);
	ASSERT_STATUS(tu_leaf(td, TDG_MR_REPORT, 0, 0x1000, 0, 0, NULL), TDX_SUCCESS);
	memcpy(&rep, tdx_td_gpa_ptr(td, 0, sizeof(rep)), sizeof(rep));
	assert_int_equal(tdx_td_reset(td, NULL, 0), 0);
	ASSERT_STATUS(tdx_report_verify_mac(td, &rep.mac), TDX_SUCCESS);
	tdx_td_destroy(td);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_2m_policy),
		cmocka_unit_test(test_reset_4k_policy_l2),
		cmocka_unit_test(test_reset_l2_2m),
		cmocka_unit_test(test_reset_fault_windows),
		cmocka_unit_test(test_reset_window_writes_only),
		cmocka_unit_test(test_reset_after_concurrent_accepts),
		cmocka_unit_test(test_reset_keeps_mac_key),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

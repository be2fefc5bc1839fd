/* test_native_threads.c: threads as VCPUs in-process, with the real
 * TDCALL instruction under the trap engine: each thread's own VCPU state,
 * and the SEPT entry locks under real contention (MOD
 * tdg_mem_page_accept.c: a locked entry is TDX_OPERAND_BUSY | RCX), which
 * the guest library's retry must still turn into an accepted range. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "testutil.h"
#include "tdxkit/guest.h"
#include "tdxkit/trap.h"

static struct tdx_td *install(unsigned vcpus, enum tdx_sept_policy policy)
{
	struct tdx_td_config cfg;
	char err[256] = "";

	tdx_td_config_init(&cfg);
	cfg.num_vcpus = vcpus;
	cfg.sept_policy = policy;
	cfg.mem_size = 256ull << 20;
	struct tdx_td *td = tu_td_new(&cfg);
	if (tdx_trap_install(td, 0, err, sizeof(err)))
		fail_msg("tdx_trap_install: %s", err);
	return td;
}

static void uninstall(struct tdx_td *td)
{
	tdx_trap_uninstall();
	tdx_td_destroy(td);
}

/* ---- each thread its own VCPU state ------------------------------------------ */

struct vcpu_seen {
	pthread_barrier_t *alive;	/* both threads bound before either exits */
	uint32_t index;		/* TDG.VP.INFO */
	uint64_t md_index;	/* TDG.VP.RD VCPU_INDEX */
	int engine;		/* tdx_trap_current_vcpu() */
};

static void *who_am_i(void *arg)
{
	struct vcpu_seen *s = arg;
	struct tdx_vp_info vi;
	uint64_t v = ~0ull;

	tdx_vp_info(&vi);
	s->index = vi.vcpu_index;
	tdx_vp_rd(TDX_FIELD_VP_VCPU_INDEX, &v, NULL);
	s->md_index = v;
	s->engine = tdx_trap_current_vcpu();
	if (s->alive)
		pthread_barrier_wait(s->alive);
	return NULL;
}

static void test_vcpu_state_per_thread(void **state)
{
	struct tdx_td *td = install(3, TDX_SEPT_POLICY_2M);
	struct vcpu_seen main_seen = { 0 }, t1 = { 0 }, t2 = { 0 };
	pthread_barrier_t alive;
	pthread_t a, b;

	who_am_i(&main_seen);
	assert_int_equal(pthread_create(&a, NULL, who_am_i, &t1), 0);
	pthread_join(a, NULL);	/* a exits: VCPU 1 is free again */
	ASSERT_EQ(t1.index, 1);
	pthread_barrier_init(&alive, NULL, 2);
	t1.alive = t2.alive = &alive;
	assert_int_equal(pthread_create(&a, NULL, who_am_i, &t1), 0);
	assert_int_equal(pthread_create(&b, NULL, who_am_i, &t2), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	ASSERT_EQ(main_seen.index, 0);
	ASSERT_EQ(main_seen.md_index, 0);
	ASSERT_EQ(main_seen.engine, 0);
	/* The two threads ran at once: VCPUs 1 and 2 in some order. */
	ASSERT_EQ(t1.index + t2.index, 3);
	assert_true(t1.index != t2.index);
	ASSERT_EQ(t1.md_index, t1.index);
	ASSERT_EQ(t2.md_index, t2.index);
	ASSERT_EQ(t1.engine, (int)t1.index);
	pthread_barrier_destroy(&alive);
	uninstall(td);
	ASSERT_EQ(tdx_trap_current_vcpu(), -1);
}

/* ---- contention on the SEPT entries --------------------------------------------- */

static _Atomic unsigned busy_seen;

static void count_busy(void *ctx, unsigned vcpu, const struct tdx_regs *in,
		       const struct tdx_regs *out, enum tdx_tdcall_outcome o)
{
	if ((in->rax & TDX_LEAF_MASK) == TDG_MEM_PAGE_ACCEPT && o == TDX_OUTCOME_DONE &&
	    TDX_STATUS_CODE(out->rax) == TDX_OPERAND_BUSY) {
		/* The operand is RCX, as the module says (MOD tdg_mem_page_accept.c). */
		if ((out->rax & 0xFFFFFFFFull) == TDX_OPND_RCX)
			atomic_fetch_add(&busy_seen, 1);
	}
}

struct accept_job {
	pthread_barrier_t *go;
	uint64_t start, end;
	uint64_t status;
};

static void *accept_range(void *arg)
{
	struct accept_job *j = arg;
	pthread_barrier_wait(j->go);
	j->status = tdx_accept_memory(j->start, j->end, NULL);
	return NULL;
}

/* require_busy: 4 KiB entries are locked for each page's zeroing, so two
 * threads in step meet on them at once; a 2 MiB accept holds its entry
 * only for one hole punch, so there BUSY may or may not happen and only
 * the outcome is checked. */
static void contend(enum tdx_sept_policy policy, int require_busy)
{
	struct tdx_td *td = install(3, policy);
	pthread_barrier_t go;
	uint64_t ranges = 0;

	atomic_store(&busy_seen, 0);
	tdx_td_set_trace(td, count_busy, NULL);
	pthread_barrier_init(&go, NULL, 2);
	/* Two threads accept the same 2 MiB range at once, range after range,
	 * until the module has answered BUSY at least once. */
	for (uint64_t base = 0; base < (256ull << 20) && !atomic_load(&busy_seen);
	     base += 2ull << 20, ranges++) {
		struct accept_job a = { &go, base, base + (2ull << 20), ~0ull };
		struct accept_job b = a;
		pthread_t ta, tb;
		assert_int_equal(pthread_create(&ta, NULL, accept_range, &a), 0);
		assert_int_equal(pthread_create(&tb, NULL, accept_range, &b), 0);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		/* Both see the whole range accepted: BUSY is retried, and the
		 * page the other thread won is ALREADY_ACCEPTED, i.e. done. */
		ASSERT_STATUS(a.status, TDX_SUCCESS);
		ASSERT_STATUS(b.status, TDX_SUCCESS);
		for (uint64_t g = base; g < base + (2ull << 20); g += 4096) {
			struct tdx_page_state st;
			assert_int_equal(tdx_td_page_state(td, g, &st), 0);
			ASSERT_EQ(st.sept, TDX_SEPT_PRESENT);
		}
	}
	print_message("%s: BUSY %u times in %llu ranges\n", policy == TDX_SEPT_POLICY_4K ? "4k" : "2m",
		      atomic_load(&busy_seen), (unsigned long long)ranges);
	if (require_busy)
		assert_true(atomic_load(&busy_seen) > 0);
	tdx_td_set_trace(td, NULL, NULL);
	pthread_barrier_destroy(&go);
	uninstall(td);
}

static void test_concurrent_accepts_busy_4k(void **state)
{
	contend(TDX_SEPT_POLICY_4K, 1);
}

static void test_concurrent_accepts_busy_2m(void **state)
{
	contend(TDX_SEPT_POLICY_2M, 0);
}

/* A failed test must not leave the engine to the next one. */
static int teardown(void **state)
{
	struct tdx_td *td = tdx_trap_td();
	if (td)
		uninstall(td);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_vcpu_state_per_thread, teardown),
		cmocka_unit_test_teardown(test_concurrent_accepts_busy_4k, teardown),
		cmocka_unit_test_teardown(test_concurrent_accepts_busy_2m, teardown),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

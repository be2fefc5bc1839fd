/* test_vmm_hostile.c: the default host's hostile mode (src/vmm/hostile.c):
 * reproducible for a seed and different for another, every strategy seen,
 * only exposed registers touched, the exit port still ends the run, and
 * the guest GHCI library (direct transport) holding up against it. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tdxkit/direct.h"
#include "tdxkit/ghci.h"
#include "tdxkit/vmm.h"

#define MEM (64ull << 20)
#define NCALLS 64

struct run {
	struct tdx_vmm *v;
	struct tdx_td *td;
	uint64_t sb;
};

static void run_new(struct run *r, uint64_t seed)
{
	struct tdx_vmm_config c;
	struct tdx_td_config tc;
	char err[256] = "";

	tdx_vmm_config_init(&c);
	c.uart_fd = -1;
	c.hostile = 1;
	c.hostile_seed = seed;
	r->v = tdx_vmm_new(&c, err, sizeof(err));
	if (!r->v)
		fail_msg("tdx_vmm_new: %s", err);
	tdx_td_config_init(&tc);
	tc.mem_size = MEM;
	tdx_vmm_attach(r->v, &tc);
	r->td = tu_td_new(&tc);
	r->sb = tdx_td_shared_bit(r->td);
}

static void run_free(struct run *r)
{
	tdx_vmm_destroy(r->v);
	tdx_td_destroy(r->td);
}

static void call(struct run *r, uint32_t mask, uint64_t r11, uint64_t r12, uint64_t r13,
		 uint64_t r14, uint64_t r15, struct tdx_regs *out)
{
	memset(out, 0, sizeof(*out));
	out->rcx = mask;
	out->r11 = r11; out->r12 = r12; out->r13 = r13; out->r14 = r14; out->r15 = r15;
	out->rbx = 0x1111;	/* never exposed below */
	out->rip = 0x1000;
	assert_int_equal(tu_tdcall(r->td, out), TDX_OUTCOME_DONE);
	ASSERT_STATUS(out->rax, TDX_SUCCESS);
	ASSERT_EQ(out->rbx, 0x1111);	/* the module copies back exposed registers only */
}

/* A fixed script of services; the answers (R10..R15) per call. */
static void script(struct run *r, unsigned i, struct tdx_regs *o)
{
	switch (i % 5) {
	case 0: call(r, 0xFC00, TDVMCALL_CPUID, 1, 0, 0, 0, o); break;
	case 1: call(r, 0x7C00, TDVMCALL_IO, 1, 0, 0x3FD, 0, o); break;
	case 2: call(r, 0x1C00, TDVMCALL_RDMSR, 0x1B, 0, 0, 0, o); break;
	case 3: call(r, 0x3C00, TDVMCALL_MAP_GPA, r->sb | 0x100000, 0x400000, 0, 0, o); break;
	default: call(r, 0x7C00, TDVMCALL_GET_TD_VM_CALL_INFO, 1, 0, 0, 0, o); break;
	}
}

static void answers(uint64_t seed, uint64_t out[NCALLS][6])
{
	struct run r;
	struct tdx_regs o;

	run_new(&r, seed);
	for (unsigned i = 0; i < NCALLS; i++) {
		script(&r, i, &o);
		memcpy(out[i], &o.gpr[TDX_GPR_R10], 6 * sizeof(uint64_t));
	}
	run_free(&r);
}

static void test_reproducible(void **state)
{
	static uint64_t a[NCALLS][6], b[NCALLS][6], c[NCALLS][6];

	answers(1234, a);
	answers(1234, b);
	answers(1235, c);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
}

static int documented(uint64_t s)
{
	return s <= TDVMCALL_STATUS_RETRY ||
	       (s >= TDVMCALL_STATUS_INVALID_OPERAND && s <= TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED);
}

static void test_strategies_seen(void **state)
{
	struct run r;
	struct tdx_regs o;
	struct tdx_vmm_counts c;
	unsigned seen_status[4] = { 0 }, seen_hi[2] = { 0 };
	unsigned garbage = 0, retry_oob = 0, wide_io = 0, wide_cpuid = 0, honest_io = 0;

	run_new(&r, 7);
	for (unsigned i = 0; i < 500; i++) {
		script(&r, i, &o);
		uint64_t s = o.r10;
		if (s <= 1)
			seen_status[s]++;
		else if (s >= TDVMCALL_STATUS_INVALID_OPERAND && s <= TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED)
			seen_hi[s == TDVMCALL_STATUS_GPA_INUSE]++;
		if (!documented(s))
			garbage++;
		if (i % 5 == 3 && s == TDVMCALL_STATUS_RETRY &&
		    (o.r11 < (r.sb | 0x100000) || o.r11 >= (r.sb | 0x500000)))
			retry_oob++;
		if (i % 5 == 1 && s == 0)
			*(o.r11 > 0xFF ? &wide_io : &honest_io) += 1;
		if (i % 5 == 0 && s == 0 && (o.r12 >> 32))
			wide_cpuid++;
	}
	tdx_vmm_get_counts(r.v, &c);
	assert_true(c.hostile > 0 && c.hostile < c.tdvmcalls);	/* some honest answers too */
	assert_true(seen_status[0] && seen_status[1] && seen_hi[0] && seen_hi[1]);
	assert_true(garbage > 0);
	assert_true(retry_oob > 0);
	assert_true(wide_io > 0 && honest_io > 0);
	assert_true(wide_cpuid > 0);
	run_free(&r);
}

static void test_exit_port_still_ends(void **state)
{
	struct run r;
	struct tdx_regs o;
	int status = -1;

	run_new(&r, 99);
	for (unsigned i = 0; i < 10; i++)
		script(&r, i, &o);
	memset(&o, 0, sizeof(o));
	o.rcx = 0xFC00;
	o.r11 = TDVMCALL_IO; o.r12 = 1; o.r13 = 1; o.r14 = TDX_VMM_EXIT_PORT; o.r15 = 5;
	assert_int_equal(tu_tdcall(r.td, &o), TDX_OUTCOME_TD_DEAD);
	assert_int_equal(tdx_vmm_exit_status(r.v, &status), 1);
	assert_int_equal(status, 5);
	run_free(&r);
}

/* The guest GHCI library against the hostile host: port reads stay 8-bit,
 * MapGPA never follows an out-of-range RETRY and always terminates. */
static void test_ghci_guest_survives(void **state)
{
	struct run r;
	unsigned bad_retry = 0;

	run_new(&r, 2024);
	tdx_direct_attach(r.td, 0);
	for (unsigned i = 0; i < 200; i++) {
		uint32_t val = 0xFFFFFFFF;
		uint64_t st = tdx_ghci_io_in(0x3FD, 1, &val);
		assert_true(val <= 0xFF);
		if (st)
			ASSERT_EQ(val, 0);
		uint64_t done = 0;
		st = tdx_ghci_map_gpa(r.sb | 0x200000, 0x600000, &done);
		bad_retry += st == TDX_GHCI_ERR_BAD_RETRY;
	}
	tdx_direct_attach(NULL, 0);
	assert_true(bad_retry > 0);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_strategies_seen),
		cmocka_unit_test(test_exit_port_still_ends),
		cmocka_unit_test(test_ghci_guest_survives),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

/* test_native_ghci.c: GHCI services of the guest library's native transport:
 * the real TDCALL instruction, serviced in-process by the trap engine, with
 * a host callback (cfg.host) written here. The callback runs inside the
 * SIGILL handler, so it only records; the test body checks afterwards.
 * test_ghci_guest.c covers every service over the direct transport. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "tdxkit/ghci.h"
#include "tdxkit/guest.h"
#include "tdxkit/trap.h"

#define MAX_CALLS 8
#define POISON(g) (0xDEAD000000000000ull | (uint64_t)(g))

struct answer {
	uint64_t r10, r11, r12, r13, r14, r15;
};

static struct {
	unsigned calls;
	uint64_t qual[MAX_CALLS];
	struct tdx_regs seen[MAX_CALLS];
	struct answer ans[MAX_CALLS];
	unsigned nans;
	int poison;
	int report_fd;		/* >= 0: write what the host saw there, then kill */
} H;

static int host_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	unsigned i = H.calls++;

	if (i < MAX_CALLS) {
		H.qual[i] = e->exit_qual;
		H.seen[i] = e->vmm;
	}
	if (H.report_fd >= 0) {
		/* write(2) is async-signal-safe; the engine then _exits. */
		if (write(H.report_fd, &e->vmm, sizeof(e->vmm)) != sizeof(e->vmm) ||
		    write(H.report_fd, &e->exit_qual, 8) != 8)
			return 1;
		return 1;
	}
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

static struct tdx_td *td;

static int setup(void **state)
{
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.mem_size = 16ull << 20;
	cfg.host.tdvmcall = host_tdvmcall;
	td = tu_td_new(&cfg);
	return 0;
}

static int teardown(void **state)
{
	tdx_td_destroy(td);
	return 0;
}

/* cmocka installs its own SIGILL handler around each test: trap inside. */
static void trap_on(void)
{
	char err[256] = "";

	memset(&H, 0, sizeof(H));
	H.report_fd = -1;
	tdx_trap_uninstall();
	if (tdx_trap_install(td, 0, err, sizeof(err)))
		fail_msg("tdx_trap_install: %s", err);
}

static void check_call(unsigned i, uint64_t mask, uint64_t r10, uint64_t r11, uint64_t r12,
		       uint64_t r13, uint64_t r14, uint64_t r15)
{
	const uint64_t want[6] = { r10, r11, r12, r13, r14, r15 };

	assert_true(i < H.calls);
	tu_check_exposed(i, H.qual[i], H.seen[i].gpr, mask, want);
}

static void test_native_services(void **state)
{
	struct tdx_ghci_cpuid c;
	uint32_t v32;
	uint64_t v;

	trap_on();
	answer((struct answer){ 0, 0, 0xFFFFFFFF00000001ull, 2, 3, 0xAAAAAAAA00000004ull });
	answer((struct answer){ 0, 0xDEADBEEFCAFE1234ull });
	answer((struct answer){ TDVMCALL_STATUS_INVALID_OPERAND, 0xBAD });
	answer((struct answer){ 0 });
	answer((struct answer){ (uint64_t)-1000 });
	ASSERT_STATUS(tdx_ghci_cpuid(0x40000001, 0, &c), TDVMCALL_STATUS_SUCCESS);
	ASSERT_STATUS(tdx_ghci_io_in(0x71, 2, &v32), TDVMCALL_STATUS_SUCCESS);
	ASSERT_STATUS(tdx_ghci_rdmsr(0x8B, &v), TDVMCALL_STATUS_INVALID_OPERAND);
	ASSERT_STATUS(tdx_ghci_wrmsr(0x6E0, 0x55), TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(tdx_ghci_kvm_hypercall(9, 1, 2, 3, 4), (uint64_t)-1000);
	tdx_trap_uninstall();

	ASSERT_EQ(H.calls, 5);
	check_call(0, 0xFC00, 0, TDVMCALL_CPUID, 0x40000001, 0, 0, 0);
	ASSERT_EQ(c.eax, 1);
	ASSERT_EQ(c.edx, 4);
	check_call(1, 0x7C00, 0, TDVMCALL_IO, 2, 0, 0x71, 0);
	ASSERT_EQ(v32, 0x1234);
	check_call(2, 0x1C00, 0, TDVMCALL_RDMSR, 0x8B, 0, 0, 0);
	ASSERT_EQ(v, 0);
	check_call(3, 0x3C00, 0, TDVMCALL_WRMSR, 0x6E0, 0x55, 0, 0);
	check_call(4, 0x7C00, 9, 1, 2, 3, 4, 0);
}

static void test_native_map_gpa(void **state)
{
	const uint64_t s = (1ull << 47) | 0x100000;
	uint64_t done = 0;

	trap_on();
	answer((struct answer){ TDVMCALL_STATUS_RETRY, s + 0x80000 });
	answer((struct answer){ TDVMCALL_STATUS_SUCCESS });
	ASSERT_STATUS(tdx_ghci_map_gpa(s, 0x100000, &done), TDVMCALL_STATUS_SUCCESS);
	ASSERT_EQ(done, s + 0x100000);
	ASSERT_EQ(H.calls, 2);
	H.calls = 0;
	H.nans = 0;
	answer((struct answer){ TDVMCALL_STATUS_RETRY, s + 0x200000 });	/* past the end */
	ASSERT_STATUS(tdx_ghci_map_gpa(s, 0x100000, &done), TDX_GHCI_ERR_BAD_RETRY);
	tdx_trap_uninstall();
	ASSERT_EQ(H.calls, 1);
	check_call(0, 0x3C00, 0, TDVMCALL_MAP_GPA, s, 0x100000, 0, 0);
}

static void test_native_out_only_masked(void **state)
{
	struct tdx_tdvmcall_out o;

	trap_on();
	H.poison = 1;
	memset(&o, 0xEE, sizeof(o));
	uint64_t st = tdx_tdvmcall(0, TDVMCALL_GET_TD_VM_CALL_INFO, 1, 0, 0, 0, 0x7C00, &o);
	tdx_trap_uninstall();

	ASSERT_EQ(st, POISON(TDX_GPR_R10));
	check_call(0, 0x7C00, 0, TDVMCALL_GET_TD_VM_CALL_INFO, 1, 0, 0, 0);
	ASSERT_EQ(o.r11, POISON(TDX_GPR_R11));
	ASSERT_EQ(o.r14, POISON(TDX_GPR_R14));
	ASSERT_EQ(o.r15, 0);	/* not exposed: not the host's, not the caller's */
}

/* ReportFatalError never returns: run it in a child whose host writes
 * what it saw into a pipe and kills the TD (the engine then exits 122). */
static void test_native_report_fatal_error(void **state)
{
	static const char m[] = "native: out of memory in the page allocator, giving up now";
	int fds[2];
	struct tdx_regs seen;
	uint64_t qual = 0;

	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		trap_on();
		H.report_fd = fds[1];
		tdx_ghci_report_fatal_error(3, 0, m);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], &seen, sizeof(seen));
	ssize_t n2 = read(fds[0], &qual, 8);
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), TDX_TRAP_EXIT_DEAD);
	assert_int_equal(n, sizeof(seen));
	assert_int_equal(n2, 8);
	ASSERT_EQ(qual, 0xFFCC);
	ASSERT_EQ(seen.r11, TDVMCALL_REPORT_FATAL_ERROR);
	ASSERT_EQ(seen.r12, 3);
	ASSERT_EQ(seen.rbp, 0);
	const unsigned regs[8] = { TDX_GPR_R14, TDX_GPR_R15, TDX_GPR_RBX, TDX_GPR_RDI,
				   TDX_GPR_RSI, TDX_GPR_R8, TDX_GPR_R9, TDX_GPR_RDX };
	char got[65] = "";
	for (unsigned w = 0; w < 8; w++)
		for (unsigned b = 0; b < 8; b++)
			got[8 * w + b] = (char)(seen.gpr[regs[w]] >> (8 * b));
	assert_string_equal(got, m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native_services),
		cmocka_unit_test(test_native_map_gpa),
		cmocka_unit_test(test_native_out_only_masked),
		cmocka_unit_test(test_native_report_fatal_error),
	};
	return TU_RUN_GROUP(tests, setup, teardown);
}

/* test_tdx_run_l2.c: TD partitioning under tdx-run. examples/paravisor.c
 * built as an unmodified TD program (example-paravisor-td: libtdxkit-l1
 * and libtdxkit-guest, the real TDCALL) runs two L2 VMs with TDG.VP.ENTER
 * on the L2 CPU engine that tdx-run --l2-vms N attaches, and serves their
 * exits; without L2 VMs in the TD it stops cleanly with the reason. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define PARAVISOR TDXKIT_BUILD_DIR "/example-paravisor-td"

/* What the paravisor prints, in this order (the direct build prints the same). */
static const char *const story[] = {
	"paravisor: VP ready, run page at GPA 0x10000; VTL0 = L2 VM 1, VTL1 = L2 VM 2\n",
	"paravisor: page attributes: code/stack private per VTL, data page VTL0 RW / VTL1 R\n",
	"paravisor: MSR intercepts: VTL0 reads IA32_TSC directly, VTL1 intercepts all MSRs\n",
	"paravisor: VTL0 CPUID 0x40000000 -> eax 0x40000001\n",
	"paravisor: VTL0 OUT port 0x3f8 size 1 value 0x41 ('A')\n",
	/* RDMSR 0x10 in VTL0 is not intercepted: no exit, no line. */
	"paravisor: VTL0 RDMSR 0x1f0 -> 0x1234\n",
	"paravisor: VTL0 HLT at RIP 0x110023\n",
	"paravisor: VTL1 CPUID 0x1 -> eax 0x0\n",
	"paravisor: VTL1 RDMSR 0x10 -> 0xf4240\n",
	/* qual: write, readable, GLA valid + translation, R/W linear page (SDM table 28-7) */
	"paravisor: VTL1 EPT violation GPA 0x130000 qual 0x58a -> grant write\n",
	"paravisor: VTL1 HLT at RIP 0x111016\n",
	"paravisor: data page now 0x00001201 (VTL0 stored 0x1234, VTL1 set the low byte to 1)\n",
};

static void expect_story(const struct tu_proc *r)
{
	const char *p = r->out;

	for (size_t i = 0; i < sizeof(story) / sizeof(story[0]); i++) {
		const char *at = strstr(p, story[i]);
		if (!at) {
			tu_proc_dump(r);
			fail_msg("missing, or out of order: %s", story[i]);
		}
		p = at + strlen(story[i]);
	}
	ASSERT_EQ(tu_count_lines(r->out), sizeof(story) / sizeof(story[0]));
}

static void test_paravisor_under_tdx_run(void **state)
{
	struct tu_proc r = { 0 };

	TU_RUN(&r, TDX_RUN_PATH, "--l2-vms", "2", "--", PARAVISOR);
	tu_expect_exit(&r, 0);
	expect_story(&r);
	assert_string_equal(r.err, "");

	/* Three L2 VMs, 4 KiB SEPT, GPAW 52: the same story. */
	TU_RUN(&r, TDX_RUN_PATH, "--l2-vms", "3", "--sept", "4k", "--gpaw", "52", "--", PARAVISOR);
	tu_expect_exit(&r, 0);
	expect_story(&r);
	assert_string_equal(r.err, "");
	tu_proc_free(&r);
}

static void test_paravisor_trace(void **state)
{
	struct tu_proc r = { 0 };
	int enters = 0, exits = 0;

	/* Each exit the paravisor serves is one TDG.VP.ENTER: VTL0 exits on
	 * CPUID, OUT, RDMSR 0x1F0, HLT; VTL1 on CPUID, RDMSR, the EPT
	 * violation, HLT. */
	TU_RUN(&r, TDX_RUN_PATH, "--l2-vms", "2", "--trace", "--", PARAVISOR);
	tu_expect_exit(&r, 0);
	expect_story(&r);
	for (const char *p = r.err; (p = strstr(p, "] TDG.VP.ENTER(")); p++)
		enters++;
	for (const char *p = r.err; (p = strstr(p, ") = TDX_SUCCESS | exit reason ")); p++)
		exits++;
	ASSERT_EQ(enters, 8);
	ASSERT_EQ(exits, 8);	/* each one entered the L2 VM and came back with an exit */
	tu_expect_has(&r, r.err, "= TDX_SUCCESS | exit reason EPT_VIOLATION(48)");
	tu_proc_free(&r);
}

/* A TD without (enough) L2 VMs: the first L2 operation is refused by the
 * module (the attribute word of VM 1 or 2 beyond NUM_L2_VMS); the
 * paravisor says so in one line and exits 1, no crash. */
static void expect_refused(const struct tu_proc *r)
{
	if (WIFSIGNALED(r->status)) {
		tu_proc_dump(r);
		fail_msg("the paravisor died of signal %d", WTERMSIG(r->status));
	}
	tu_expect_exit(r, 1);
	tu_expect_one_line(r, r->err, "paravisor: ");
	tu_expect_has(r, r->err, " failed: status 0xc0000100000000");
	tu_expect_has(r, r->err, "(TDX_OPERAND_INVALID | ");
	tu_expect_lacks(r, r->out, "data page now");
}

static void test_paravisor_without_l2_vms(void **state)
{
	struct tu_proc r = { 0 };

	TU_RUN(&r, TDX_RUN_PATH, "--", PARAVISOR);
	expect_refused(&r);
	TU_RUN(&r, TDX_RUN_PATH, "--l2-vms", "1", "--", PARAVISOR);
	expect_refused(&r);

	/* Not a TD at all: one line, before any TDCALL. */
	TU_RUN(&r, PARAVISOR);
	tu_expect_exit(&r, 1);
	tu_expect_one_line(&r, r.err, "paravisor: not a TD: run me as tdx-run --l2-vms 2");
	assert_string_equal(r.out, "");
	tu_proc_free(&r);
}

int main(void)
{
	if (access(PARAVISOR, X_OK)) {
		printf("skip: %s not built (needs libtdxkit-l1)\n", PARAVISOR);
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paravisor_under_tdx_run),
		cmocka_unit_test(test_paravisor_trace),
		cmocka_unit_test(test_paravisor_without_l2_vms),
	};
	return TU_RUN_GROUP(tests, NULL, NULL);
}

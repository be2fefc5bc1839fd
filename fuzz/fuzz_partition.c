/* fuzz_partition.c: libFuzzer over the TD-partitioning leaves in direct
 * mode: TDG.VP.ENTER, TDG.MEM.PAGE.ATTR.WR/RD, TDG.VP.WR/RD on the L2
 * classes, INVEPT, INVGLA, ACCEPT, with a fake L2 CPU engine whose exits
 * (and memory accesses) come from the input; its RDMSR/WRMSR exits name
 * MSRs of each kind of the module's MSR policy. Invariants: no crash (ASan,
 * UBSan), every DONE advances RIP by exactly 4, REEXECUTE/INJECT keep it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/l2engine.h"
#include "test_hooks.h"

struct in {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct in *s, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes && s->n; i++, s->n--)
		v |= (uint64_t)*s->p++ << (8 * i);
	return v;
}

static int fz_run(void *ctx, struct tdx_l2_run *run)
{
	struct in *s = ctx;
	uint8_t op = (uint8_t)take(s, 1);

	if (!s->n) {
		run->exit.reason = TDX_EXIT_HLT;
		return 0;
	}
	if (op == 0xFF) {
		run->why = "fuzz engine gave up";
		return -1;
	}
	if (op & 1) {	/* a memory access first */
		struct tdx_l2_exit fault;
		uint8_t buf[16];
		uint64_t gpa = take(s, 4) | ((op & 2) ? tdx_td_shared_bit(run->td) : 0);
		size_t len = (size_t)take(s, 1) % sizeof(buf);
		if (run->mem(run, gpa, buf, len, (op >> 2) & 0xF, &fault)) {
			run->exit = fault;
			return 0;
		}
	}
	run->exit.reason = (uint32_t)take(s, 1) % 80 | ((op & 0x40) ? TDX_EXIT_REASON_ENTRY_FAIL : 0);
	run->exit.qual = take(s, 2);
	run->exit.gpa = take(s, 4) | ((op & 0x20) ? tdx_td_shared_bit(run->td) : 0);
	run->exit.intr_info = (uint32_t)take(s, 4);
	run->exit.instr_len = (uint32_t)take(s, 1) & 0xF;
	run->gpr[take(s, 1) & 15] = take(s, 2);
	if (TDX_EXIT_REASON_BASIC(run->exit.reason) == TDX_EXIT_RDMSR ||
	    TDX_EXIT_REASON_BASIC(run->exit.reason) == TDX_EXIT_WRMSR) {
		/* MSRs of every kind of the module's policy (l2_msr.c). */
		static const uint32_t msrs[] = {
			0x10, 0x3A, 0x8C, 0xBD, 0xC1, 0x10A, 0x1A0, 0x1D9, 0x345, 0x480, 0x6E0,
			0x981, 0xDA0, 0xC0000080u, 0xC0000102u, 0x40000000u,
		};
		run->gpr[TDX_GPR_RCX] = msrs[take(s, 1) % (sizeof(msrs) / sizeof(msrs[0]))];
		run->gpr[TDX_GPR_RAX] = take(s, 4);
		run->gpr[TDX_GPR_RDX] = take(s, 4);
		run->msr_granted = 0;
	}
	run->rip += run->exit.instr_len;
	run->vmwrite(run, (uint32_t)take(s, 2), take(s, 8));
	(void)run->vmread(run, (uint32_t)take(s, 2));
	return 0;
}

static const struct tdx_l2_engine_ops fz_ops = { .name = "fuzz", .run = fz_run };

static int fz_vmcall(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	(void)ctx, (void)td, (void)vcpu;
	e->vmm.r10 = 0;
	e->vmm.r11 = 0x42;
	return 0;
}

static int fz_exit(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *e)
{
	(void)ctx, (void)td, (void)vcpu, (void)e;
	return 0;
}

static const uint64_t leaves[] = {
	TDG_VP_ENTER, TDG_MEM_PAGE_ATTR_WR, TDG_VP_WR, TDG_MEM_PAGE_ATTR_RD,
	TDG_VP_RD, TDG_VP_INVEPT, TDG_VP_INVGLA, TDG_MEM_PAGE_ACCEPT,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in s = { data, size };
	struct tdx_td_config cfg;

	tdx_td_config_init(&cfg);
	cfg.mem_size = 1ull << 22;
	cfg.num_l2_vms = (unsigned)take(&s, 1) % 4;
	cfg.sept_policy = (s.n && (*s.p & 0x80)) ? TDX_SEPT_POLICY_2M : TDX_SEPT_POLICY_4K;
	cfg.host.tdvmcall = fz_vmcall;
	cfg.host.td_exit = fz_exit;
	struct tdx_td *td = tdx_td_create(&cfg, NULL, 0);
	if (!td)
		return 0;
	tdx_td_set_l2_engine(td, &fz_ops, &s);

	/* Usually a usable setup: pages accepted and vAPIC addresses set. */
	uint8_t setup = (uint8_t)take(&s, 1);
	if (setup & 1) {
		for (uint64_t a = 0; a < 0x40000; a += 0x1000) {
			struct tdx_regs r = { .rax = TDG_MEM_PAGE_ACCEPT, .rcx = a };
			if (tdx_tdcall(td, 0, &r, NULL) != TDX_OUTCOME_DONE)
				break;
		}
		for (unsigned vm = 1; vm <= cfg.num_l2_vms; vm++) {
			struct tdx_regs r = { .rax = TDG_VP_WR, .r8 = 0x3000, .r9 = ~0ull,
					      .rdx = TDX_FIELD_ID(2, TDX_VP_CLASS_VMCS(vm), 3, 0x2012) };
			tdx_tdcall(td, 0, &r, NULL);
		}
	}
	if (setup & 2)
		tdx_vcpu_set_l1_apic(td, 0, (uint8_t)take(&s, 1), (uint8_t)take(&s, 1));

	for (unsigned steps = 0; s.n && steps < 64 && !tdx_test_td_dead(td); steps++) {
		uint8_t op = (uint8_t)take(&s, 1);
		struct tdx_regs r;
		memset(&r, 0, sizeof(r));
		r.rax = leaves[op & 7];
		r.rcx = take(&s, 8);
		r.rdx = take(&s, 8);
		r.r8 = take(&s, 8);
		r.r9 = take(&s, 8);
		if (op & 0x08)	/* steer the VM index into range */
			r.rcx = (r.rcx & ~TDX_VP_ENTER_VM_MASK) | ((uint64_t)(1 + (op >> 4) % 3) << 52);
		if (op & 0x80)	/* steer GPAs into memory */
			r.rdx &= 0x3FF00;
		r.rip = 0x1000;
		tdx_vcpu_set_interrupt_pending(td, 0, (op & 0x40) != 0);
		enum tdx_tdcall_outcome o = tdx_tdcall(td, 0, &r, NULL);
		if (o == TDX_OUTCOME_DONE && r.rip != 0x1000 + TDX_TDCALL_LEN)
			abort();
		if ((o == TDX_OUTCOME_REEXECUTE || o == TDX_OUTCOME_INJECT) && r.rip != 0x1000)
			abort();
		if (o == TDX_OUTCOME_TD_EXIT)
			abort();	/* direct mode never shows a TD exit */
	}
	tdx_td_destroy(td);
	return 0;
}

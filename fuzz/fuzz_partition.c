/* fuzz_partition.c: libFuzzer over the TD-partitioning leaves in direct
 * mode: TDG.VP.ENTER, TDG.MEM.PAGE.ATTR.WR/RD, TDG.VP.WR/RD on the L2
 * classes, INVEPT, INVGLA, ACCEPT, with a fake L2 CPU engine whose exits
 * (and memory accesses) come from the input; its RDMSR/WRMSR exits name
 * MSRs of each kind of the module's MSR policy. Invariants: no crash (ASan,
 * UBSan), every DONE advances RIP by exactly 4, REEXECUTE/INJECT keep it.
 *
 * Covers: src/module/tdg_vp_enter.c src/module/l2_exit.c src/module/l2_attr.c src/module/tdg_mem_page_attr_rd.c src/module/tdg_mem_page_attr_wr.c src/module/tdg_vp_invept.c src/module/tdg_vp_invgla.c src/module/metadata_l2.c
 *
 * Input (fuzz_input.h): byte 0 = number of L2 VMs (bits 1:0) and SEPT
 * policy (bit 7: 2 MiB); a setup byte (bit 0: accept the first 64 KiB, as
 * one 2 MiB leaf too with bit 2, and set every VM's vAPIC page to 0x3000,
 * usually a usable start; bit 1: L1 RVI/PPR bytes follow); then up to 64
 * steps of an op byte (bits 2:0 leaf, bit 3 VM index into range, bit 6
 * interrupt pending, bit 7 RDX GPA into memory) and RCX, RDX, R8, R9. The engine's exits and memory accesses
 * come from the back. One TD per configuration, reset between inputs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/l2engine.h"
#include "test_hooks.h"
#include "fuzz_input.h"

#define SETUP_BYTES 0x10000	/* what setup accepts: GS, vAPIC and data pages of the seeds */
#define take(s, bytes) fz_take(s, bytes)
#define eng(s, bytes) fz_back(s, bytes)

static int fz_run(void *ctx, struct tdx_l2_run *run)
{
	struct fz_in *s = ctx;
	uint8_t op = (uint8_t)eng(s, 1);

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
		uint64_t gpa = eng(s, 4) | ((op & 2) ? tdx_td_shared_bit(run->td) : 0);
		size_t len = (size_t)eng(s, 1) % sizeof(buf);
		if (run->mem(run, gpa, buf, len, (op >> 2) & 0xF, &fault)) {
			run->exit = fault;
			return 0;
		}
	}
	run->exit.reason = (uint32_t)eng(s, 1) % 80 | ((op & 0x40) ? TDX_EXIT_REASON_ENTRY_FAIL : 0);
	run->exit.qual = eng(s, 2);
	run->exit.gpa = eng(s, 4) | ((op & 0x20) ? tdx_td_shared_bit(run->td) : 0);
	run->exit.intr_info = (uint32_t)eng(s, 4);
	run->exit.instr_len = (uint32_t)eng(s, 1) & 0xF;
	run->gpr[eng(s, 1) & 15] = eng(s, 2);
	if (TDX_EXIT_REASON_BASIC(run->exit.reason) == TDX_EXIT_RDMSR ||
	    TDX_EXIT_REASON_BASIC(run->exit.reason) == TDX_EXIT_WRMSR) {
		/* MSRs of every kind of the module's policy (l2_msr.c). */
		static const uint32_t msrs[] = {
			0x10, 0x3A, 0x8C, 0xBD, 0xC1, 0x10A, 0x1A0, 0x1D9, 0x345, 0x480, 0x6E0,
			0x981, 0xDA0, 0xC0000080u, 0xC0000102u, 0x40000000u,
		};
		run->gpr[TDX_GPR_RCX] = msrs[eng(s, 1) % (sizeof(msrs) / sizeof(msrs[0]))];
		run->gpr[TDX_GPR_RAX] = eng(s, 4);
		run->gpr[TDX_GPR_RDX] = eng(s, 4);
		run->msr_granted = 0;
	}
	run->rip += run->exit.instr_len;
	run->vmwrite(run, (uint32_t)eng(s, 2), eng(s, 8));
	(void)run->vmread(run, (uint32_t)eng(s, 2));
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

static struct fz_in input;	/* the engine reads the current input too */
static struct tdx_td *tds[8];	/* by configuration byte & 0x83 */

static struct tdx_td *fresh_td(uint8_t conf)
{
	unsigned which = (conf & 3) | (conf >> 5 & 4);
	struct tdx_td_config cfg;
	char err[256];

	if (!tds[which]) {
		tdx_td_config_init(&cfg);
		cfg.mem_size = 1ull << 22;
		cfg.num_l2_vms = conf & 3;
		cfg.sept_policy = (conf & 0x80) ? TDX_SEPT_POLICY_2M : TDX_SEPT_POLICY_4K;
		cfg.host.tdvmcall = fz_vmcall;
		cfg.host.td_exit = fz_exit;
		if (!(tds[which] = tdx_td_create(&cfg, err, sizeof(err)))) {
			fprintf(stderr, "fuzz_partition: tdx_td_create: %s\n", err);
			abort();
		}
		tdx_td_set_l2_engine(tds[which], &fz_ops, &input);
	} else if (tdx_td_reset(tds[which], err, sizeof(err))) {
		fprintf(stderr, "fuzz_partition: tdx_td_reset: %s\n", err);
		abort();
	}
	return tds[which];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in *s = &input;

	fz_init(s, data, size);
	struct tdx_td *td = fresh_td((uint8_t)take(s, 1));
	unsigned nvm = tdx_td_config(td)->num_l2_vms;

	/* Usually a usable setup: pages accepted (one 2 MiB leaf with bit 2
	 * under the 2 MiB policy) and every VM's vAPIC page set. */
	uint8_t setup = (uint8_t)take(s, 1);
	if (setup & 1) {
		if ((setup & 4) && tdx_td_config(td)->sept_policy == TDX_SEPT_POLICY_2M) {
			struct tdx_regs r = { .rax = TDG_MEM_PAGE_ACCEPT, .rcx = TDX_PAGE_2M };
			tdx_tdcall(td, 0, &r, NULL);
		}
		for (uint64_t a = 0; a < SETUP_BYTES; a += 0x1000) {
			struct tdx_regs r = { .rax = TDG_MEM_PAGE_ACCEPT, .rcx = a };
			if (tdx_tdcall(td, 0, &r, NULL) != TDX_OUTCOME_DONE)
				break;
		}
		for (unsigned vm = 1; vm <= nvm; vm++) {
			struct tdx_regs r = { .rax = TDG_VP_WR, .r8 = 0x3000, .r9 = ~0ull,
					      .rdx = TDX_FIELD_ID(2, TDX_VP_CLASS_VMCS(vm), 3, 0x2012) };
			tdx_tdcall(td, 0, &r, NULL);
		}
	}
	if (setup & 2)
		tdx_vcpu_set_l1_apic(td, 0, (uint8_t)take(s, 1), (uint8_t)take(s, 1));

	for (unsigned steps = 0; s->n && steps < 64 && !tdx_test_td_dead(td); steps++) {
		uint8_t op = (uint8_t)take(s, 1);
		struct tdx_regs r;
		memset(&r, 0, sizeof(r));
		r.rax = leaves[op & 7];
		r.rcx = take(s, 8);
		r.rdx = take(s, 8);
		r.r8 = take(s, 8);
		r.r9 = take(s, 8);
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
	tdx_vcpu_set_interrupt_pending(td, 0, 0);
	return 0;
}

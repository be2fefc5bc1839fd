/* run.c: the engine's run(): load the L2 state, run Unicorn until an event,
 * turn the event into the VM exit the module routes (tdx-abi.md 7.3, 7.4),
 * write the state back. RDMSR/WRMSR/RDTSC(P) that L1 does not intercept
 * are served here and the L2 goes on.
 *
 * Time: the virtual TSC of a VCPU advances by one per L2 instruction
 * (docs/l2-engine.md Q4: Unicorn's own RDTSC and timeout are host-clock
 * based and imprecise). TSC_DEADLINE[vm] != ~0 bounds the instruction
 * budget; when it is used up the exit is the preemption timer (52). */
#include <string.h>

#include <Zydis/Zydis.h>

#include "l2cpu.h"

#define BUDGET_CAP (1ull << 26)		/* instructions per uc_emu_start without a deadline */
#define PROC_RDTSC_EXITING (1u << 12)
#define PROC2_ENABLE_RDTSCP (1u << 3)
#define MSR_TSC_AUX 0xC0000103u

static uint64_t reg(struct l2_inst *in, int id)
{
	uint64_t v = 0;
	uc_reg_read(in->uc, id, &v);
	return v;
}

static void set_reg(struct l2_inst *in, int id, uint64_t v)
{
	uc_reg_write(in->uc, id, &v);
}

static void set_budget(struct l2_inst *in, struct tdx_l2_run *run)
{
	uint64_t tsc = in->eng->tsc[in->vcpu];

	in->deadline = run->tsc_deadline != ~0ull;
	in->budget = BUDGET_CAP;
	if (in->deadline) {
		uint64_t left = run->tsc_deadline > tsc ? run->tsc_deadline - tsc : 0;
		if (left <= BUDGET_CAP)
			in->budget = left;
		else
			in->deadline = 0;	/* not this round */
	}
	in->executed = 0;
}

static void to_exit(struct l2_inst *in, uint32_t reason)
{
	memset(&in->x.exit, 0, sizeof(in->x.exit));
	in->x.exit.reason = reason;
	in->x.exit.instr_len = in->x.len;
	in->x.kind = STOP_EXIT;
}

/* RDMSR / WRMSR stopped before execution: exit 31/32 or serve it. 1 = go on. */
static int msr_event(struct l2_inst *in, struct tdx_l2_run *run)
{
	uint32_t msr = (uint32_t)reg(in, UC_X86_REG_RCX);
	int w = in->x.msr_write;

	/* The module may let an exiting MSR run natively once (l2_msr.c). */
	if (run->msr_granted)
		run->msr_granted = 0;
	else if (l2_msr_intercepted(run, msr, w)) {
		to_exit(in, w ? TDX_EXIT_WRMSR : TDX_EXIT_RDMSR);
		return 0;
	}
	if (w) {
		l2_msr_write(in, msr, (reg(in, UC_X86_REG_RAX) & 0xFFFFFFFFull) | (reg(in, UC_X86_REG_RDX) << 32));
		if (in->x.kind == STOP_FATAL)
			return 0;
	} else {
		uint64_t v = l2_msr_read(in, msr);
		set_reg(in, UC_X86_REG_RAX, v & 0xFFFFFFFFull);
		set_reg(in, UC_X86_REG_RDX, v >> 32);
	}
	set_reg(in, UC_X86_REG_RIP, in->x.rip + in->x.len);
	return 1;
}

/* RDTSC(P): exit 16/51 with RDTSC exiting, else the virtual TSC. */
static int tsc_event(struct l2_inst *in, struct tdx_l2_run *run)
{
	uint64_t tsc = in->eng->tsc[in->vcpu];

	if (run->vmread(run, VMCS_PROC_CTLS) & PROC_RDTSC_EXITING) {
		to_exit(in, in->x.rdtscp ? TDX_EXIT_RDTSCP : TDX_EXIT_RDTSC);
		return 0;
	}
	if (in->x.rdtscp && !(run->vmread(run, VMCS_PROC_CTLS2) & PROC2_ENABLE_RDTSCP)) {
		in->x.kind = STOP_INTR;	/* RDTSCP not enabled: #UD */
		in->x.vector = 6;
		return 0;
	}
	set_reg(in, UC_X86_REG_RAX, tsc & 0xFFFFFFFFull);
	set_reg(in, UC_X86_REG_RDX, tsc >> 32);
	if (in->x.rdtscp)
		set_reg(in, UC_X86_REG_RCX, l2_msr_read(in, MSR_TSC_AUX) & 0xFFFFFFFFull);
	in->eng->tsc[in->vcpu]++;
	set_reg(in, UC_X86_REG_RIP, in->x.rip + in->x.len);
	return 1;
}

/* Nothing recorded and Unicorn returned: HLT (trap-like in Unicorn, RIP
 * after it) or an error. 0 = exit 12 recorded; -1 = refused. */
static int quiet_stop(struct l2_inst *in, uc_err err)
{
	uint64_t rip = reg(in, UC_X86_REG_RIP);
	const uint8_t *b = l2_mem_peek(in, in->last_addr, 15);
	struct l2_insn d;

	if (err == UC_ERR_OK && b && in->executed) {
		l2_decode(b, 15, &d);
		if (d.mnemonic == ZYDIS_MNEMONIC_HLT && rip == in->last_addr + in->last_size) {
			in->x.rip = in->last_addr;
			in->x.len = 1;
			to_exit(in, TDX_EXIT_HLT);
			return 0;
		}
	}
	l2_fatal(in, "L2 CPU engine: Unicorn stopped at RIP 0x%llx without a VM exit (%s)",
		 (unsigned long long)rip, uc_strerror(err));
	return -1;
}

/* No stop recorded yet: field by field, which compiles to a few stores
 * (a memset of the whole struct is a rep stos, twice per entry). */
static void stop_clear(struct l2_stopinfo *x)
{
	x->kind = STOP_NONE;
	x->rip = 0;
	x->len = x->vector = 0;
	x->msr_write = x->rdtscp = x->restore = 0;
	x->rax = x->rcx = x->rsi = x->rdi = 0;
	x->exit = (struct tdx_l2_exit){ 0 };
}

int l2_run(struct l2_engine *e, struct tdx_l2_run *run)
{
	struct l2_inst *in = l2_inst_get(e, run->vcpu, run->vm, e->why, sizeof(e->why));

	if (!in) {
		run->why = e->why;
		return -1;
	}
	in->run = run;
	stop_clear(&in->x);
	if (l2_state_load(in, run)) {
		run->why = in->why;
		return -1;
	}
	/* INVD_TRANSLATIONS: also the moment to drop translated code L1 may
	 * have rewritten (Q3: stale code runs otherwise). */
	if (run->invd)
		l2_mem_flush(in, 1, 0);
	if (l2_mem_revalidate(in)) {
		l2_state_store(in, run);
		run->why = in->why;
		return -1;
	}

	unsigned starts = 0;
	uint64_t rip0 = 0;
	for (;;) {
		stop_clear(&in->x);
		set_budget(in, run);
		/* The first start is at the RIP just loaded: no need to ask. */
		uint64_t rip = starts ? reg(in, UC_X86_REG_RIP) : run->rip, cr2 = reg(in, UC_X86_REG_CR2);
		if (!starts++)
			rip0 = rip;
		in->last_addr = rip;
		in->last_size = 0;
		uc_err err = uc_emu_start(in->uc, rip, 0, 0, 0);
		e->tsc[in->vcpu] += in->executed;

		int go_on = 0;
		switch (in->x.kind) {
		case STOP_RETRY:
			go_on = 1;	/* RIP is where the fetch failed */
			break;
		case STOP_BUDGET:
			set_reg(in, UC_X86_REG_RIP, in->x.rip);
			go_on = 1;
			break;
		case STOP_MSR:
			go_on = msr_event(in, run);
			break;
		case STOP_RDTSC:
			go_on = tsc_event(in, run);
			break;
		case STOP_NONE:
			quiet_stop(in, err);
			break;
		case STOP_INTR:
			l2_fault_forget(in);	/* nothing stays in flight (fault.c) */
			if (in->x.vector == 14 && l2_mem_pf_spurious(in, reg(in, UC_X86_REG_CR2))) {
				set_reg(in, UC_X86_REG_CR2, cr2);
				set_reg(in, UC_X86_REG_RIP, in->x.rip);
				go_on = 1;
			}
			break;
		default:
			break;
		}
		if (go_on)
			continue;
		if (in->x.kind == STOP_INTR)
			l2_exception(in, run);
		if (in->x.kind == STOP_FATAL) {
			l2_state_store(in, run);
			run->why = in->why;
			return -1;
		}
		break;
	}
	/* VM exits are fault-like: the instruction looks not executed. */
	if (in->x.restore) {
		set_reg(in, UC_X86_REG_RAX, in->x.rax);
		set_reg(in, UC_X86_REG_RCX, in->x.rcx);
		set_reg(in, UC_X86_REG_RSI, in->x.rsi);
		set_reg(in, UC_X86_REG_RDI, in->x.rdi);
	}
	set_reg(in, UC_X86_REG_RIP, in->x.rip);
	in->quiet = starts == 1 && in->x.kind == STOP_EXIT &&
		    (in->executed == 0 || (in->executed == 1 && in->x.rip == rip0));
	l2_state_store(in, run);
	in->quiet = 0;
	run->exit = in->x.exit;
	run->exit.instr_len = in->x.len;
	in->run = NULL;
	return 0;
}

/* hooks.c: the Unicorn hooks that turn L2 instructions into VM exits
 * (docs/l2-engine.md Q2 and "How each 7.4 exit is produced"). Each hook
 * records the first event, with RIP at the instruction (VMX exits are
 * fault-like), and stops Unicorn; run.c then rewinds and reports it.
 * Stops are precise because a UC_HOOK_CODE hook exists on every address:
 * it also counts instructions (virtual TSC, preemption budget) and spots
 * RDMSR/WRMSR/RDTSC(P), which Unicorn cannot hook, before they run. */
#include <string.h>

#include <Zydis/Zydis.h>

#include "l2cpu.h"

/* The code hook runs for every L2 instruction: only one ending in the
 * opcode bytes of RDMSR, WRMSR, RDTSC (0F 30/32/31) or RDTSCP (0F 01 F9)
 * is worth a decode, which Zydis then confirms (a cheap filter, not a
 * decoder: decoding every 0F instruction costs ~20% of an exit). */
static int may_stop_early(const uint8_t *b, uint32_t size)
{
	if (size >= 2 && b[size - 2] == 0x0F && b[size - 1] >= 0x30 && b[size - 1] <= 0x32)
		return 1;
	return size >= 3 && b[size - 3] == 0x0F && b[size - 2] == 0x01 && b[size - 1] == 0xF9;
}

static void on_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	struct l2_inst *in = ud;

	(void)uc;
	if (in->x.kind != STOP_NONE)
		return;
	if (in->executed >= in->budget) {
		if (in->deadline) {
			in->x.exit.reason = TDX_EXIT_PREEMPTION_TIMER;
			l2_stop_exit(in, addr, 0);
		} else {
			in->x.kind = STOP_BUDGET;
			in->x.rip = addr;
			uc_emu_stop(in->uc);
		}
		return;
	}
	const uint8_t *b = l2_mem_peek(in, addr, size);
	if (b && may_stop_early(b, size)) {
		struct l2_insn d;
		l2_decode(b, size, &d);
		int rdtscp = d.mnemonic == ZYDIS_MNEMONIC_RDTSCP;
		if (d.mnemonic == ZYDIS_MNEMONIC_RDMSR || d.mnemonic == ZYDIS_MNEMONIC_WRMSR ||
		    d.mnemonic == ZYDIS_MNEMONIC_RDTSC || rdtscp) {
			in->x.kind = (d.mnemonic == ZYDIS_MNEMONIC_RDTSC || rdtscp) ? STOP_RDTSC : STOP_MSR;
			in->x.msr_write = d.mnemonic == ZYDIS_MNEMONIC_WRMSR;
			in->x.rdtscp = rdtscp;
			in->x.rip = addr;
			in->x.len = size;
			uc_emu_stop(in->uc);
			return;
		}
	}
	in->last_addr = addr;
	in->last_size = size;
	in->executed++;
}

/* CPUID: exit 10, length 2; returning 1 skips Unicorn's own CPUID. */
static int on_cpuid(uc_engine *uc, void *ud)
{
	struct l2_inst *in = ud;

	(void)uc;
	if (in->x.kind == STOP_NONE) {
		in->x.exit.reason = TDX_EXIT_CPUID;
		l2_stop_exit(in, in->last_addr, 2);
	}
	return 1;
}

/* I/O exit qualification (SDM table 28-5): size-1, IN, string, REP,
 * immediate operand, port; INS/OUTS also get instruction information
 * (address size 9:7, segment 17:15) and the GLA of the memory operand.
 * The instruction must look not executed: RAX/RCX/RSI/RDI are restored
 * after the stop (REP has stepped them already, IN has written RAX). */
static void io_exit(struct l2_inst *in, uint32_t port, int size, int is_in)
{
	const uint8_t *b = l2_mem_peek(in, in->last_addr, 15);
	struct l2_insn d;
	uint64_t q;

	if (!b) {
		l2_fatal(in, "L2 CPU engine: I/O instruction at 0x%llx outside TD memory",
			 (unsigned long long)in->last_addr);
		return;
	}
	l2_decode(b, 15, &d);
	int string = d.mnemonic == ZYDIS_MNEMONIC_INSB || d.mnemonic == ZYDIS_MNEMONIC_INSW ||
		     d.mnemonic == ZYDIS_MNEMONIC_INSD || d.mnemonic == ZYDIS_MNEMONIC_OUTSB ||
		     d.mnemonic == ZYDIS_MNEMONIC_OUTSW || d.mnemonic == ZYDIS_MNEMONIC_OUTSD;
	int imm = d.imm && (d.mnemonic == ZYDIS_MNEMONIC_IN || d.mnemonic == ZYDIS_MNEMONIC_OUT);
	q = (uint64_t)(size - 1) | ((uint64_t)is_in << 3) | ((uint64_t)string << 4) |
	    ((uint64_t)(string && d.rep) << 5) | ((uint64_t)imm << 6) | ((uint64_t)(port & 0xFFFF) << 16);
	uc_reg_read(in->uc, UC_X86_REG_RAX, &in->x.rax);
	uc_reg_read(in->uc, UC_X86_REG_RCX, &in->x.rcx);
	uc_reg_read(in->uc, UC_X86_REG_RSI, &in->x.rsi);
	uc_reg_read(in->uc, UC_X86_REG_RDI, &in->x.rdi);
	in->x.restore = 1;
	in->x.exit.reason = TDX_EXIT_IO_INSTRUCTION;
	in->x.exit.qual = q;
	if (string) {
		unsigned seg = is_in ? 0 : (d.seg >= 0 ? (unsigned)d.seg : 3);
		uint64_t a = is_in ? in->x.rdi : in->x.rsi;
		if (d.addr32)
			a &= 0xFFFFFFFFull;
		if (seg == 4 || seg == 5) {
			uint64_t base = 0;
			uc_reg_read(in->uc, seg == 4 ? UC_X86_REG_FS_BASE : UC_X86_REG_GS_BASE, &base);
			a += base;
		}
		in->x.exit.instr_info = ((d.addr32 ? 1u : 2u) << 7) | (seg << 15);
		in->x.exit.gla = a;
	}
	l2_stop_exit(in, in->last_addr, d.len ? d.len : in->last_size);
}

static uint32_t on_in(uc_engine *uc, uint32_t port, int size, void *ud)
{
	struct l2_inst *in = ud;
	uint64_t v = 0;

	if (in->x.kind != STOP_NONE)
		return 0;
	io_exit(in, port, size, 1);
	/* Give back what is already there: INS stores into [RDI], IN into RAX. */
	if (in->x.exit.qual & (1u << 4))
		uc_mem_read(uc, in->x.rdi, &v, (size_t)size);
	else
		v = in->x.rax;
	return (uint32_t)v;
}

static void on_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *ud)
{
	struct l2_inst *in = ud;

	(void)uc, (void)value;
	if (in->x.kind == STOP_NONE)
		io_exit(in, port, size, 0);
}

/* #UD in Unicorn: TDCALL, VMCALL, XSETBV and the VMX instructions are VM
 * exits in VMX non-root operation (7.4); anything else is a real #UD. */
static bool on_invalid(uc_engine *uc, void *ud)
{
	struct l2_inst *in = ud;
	uint64_t rip = in->last_addr;
	struct l2_insn d;

	if (in->x.kind != STOP_NONE)
		return true;
	uc_reg_read(uc, UC_X86_REG_RIP, &rip);
	const uint8_t *b = l2_mem_peek(in, rip, 15);
	if (b) {
		l2_decode(b, 15, &d);
		uint32_t reason = ~0u;
		switch (d.mnemonic) {
		case ZYDIS_MNEMONIC_TDCALL: reason = TDX_EXIT_TDCALL; break;
		case ZYDIS_MNEMONIC_VMCALL: reason = TDX_EXIT_VMCALL; break;
		case ZYDIS_MNEMONIC_XSETBV: reason = TDX_EXIT_XSETBV; break;
		case ZYDIS_MNEMONIC_VMLAUNCH: reason = 20; break;
		case ZYDIS_MNEMONIC_VMRESUME: reason = 24; break;
		case ZYDIS_MNEMONIC_VMXOFF: reason = 26; break;
		}
		if (reason != ~0u) {
			in->x.exit.reason = reason;
			l2_stop_exit(in, rip, d.len);
			return true;
		}
	}
	in->x.kind = STOP_INTR;
	in->x.vector = 6;
	in->x.rip = rip;
	uc_emu_stop(uc);
	return true;
}

static int trap_like(const uint8_t *b)
{
	return b && (b[0] == 0xCC || b[0] == 0xCD || b[0] == 0xCE || b[0] == 0xF1);
}

static void on_intr(uc_engine *uc, uint32_t vector, void *ud)
{
	struct l2_inst *in = ud;
	uint64_t rip = 0;

	if (in->x.kind != STOP_NONE) {
		uc_emu_stop(uc);
		return;
	}
	uc_reg_read(uc, UC_X86_REG_RIP, &rip);
	/* INT3/INT n/INTO/INT1 leave RIP after the instruction (Q2 table). */
	if (rip == in->last_addr + in->last_size && trap_like(l2_mem_peek(in, in->last_addr, 1)))
		rip = in->last_addr;
	in->x.kind = STOP_INTR;
	in->x.vector = vector;
	in->x.rip = rip;
	uc_emu_stop(uc);
}

int l2_insn_hooks(struct l2_inst *in)
{
	uc_hook h;
	uc_engine *uc = in->uc;

	if (uc_hook_add(uc, &h, UC_HOOK_CODE, on_code, in, 1, 0) ||
	    uc_hook_add(uc, &h, UC_HOOK_INSN, on_cpuid, in, 1, 0, UC_X86_INS_CPUID) ||
	    uc_hook_add(uc, &h, UC_HOOK_INSN, on_in, in, 1, 0, UC_X86_INS_IN) ||
	    uc_hook_add(uc, &h, UC_HOOK_INSN, on_out, in, 1, 0, UC_X86_INS_OUT) ||
	    uc_hook_add(uc, &h, UC_HOOK_INSN_INVALID, on_invalid, in, 1, 0) ||
	    uc_hook_add(uc, &h, UC_HOOK_INTR, on_intr, in, 1, 0))
		return -1;
	return 0;
}

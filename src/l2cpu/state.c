/* state.c: the L2 state between the VMCS store / register file and
 * Unicorn (docs/l2-engine.md Q6). Unicorn 2.0.1 can set only selectors,
 * not hidden segment state, and starts its 64-bit instance at CPL 0 with
 * CS.L = 1; CR writes are raw stores. So the engine runs exactly one kind
 * of L2 state: 64-bit long mode (CR0.PE/PG, CR4.PAE, EFER.LMA, CS.L = 1)
 * at CPL 0, with paging that maps what the L2 touches to itself (checked
 * per page in memory.c). Everything else is refused with a reason. */
#include <stdio.h>
#include <string.h>

#include "l2cpu.h"

#define CR0_PE (1ull << 0)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LMA (1ull << 10)
#define EFER_LME (1ull << 8)
#define AR_L (1u << 13)
#define AR_DB (1u << 14)
#define AR_DPL(ar) (((ar) >> 5) & 3u)
#define RFLAGS_VM (1ull << 17)
#define MSR_EFER 0xC0000080u
#define VMCS_GUEST_FS_BASE 0x680Eu
#define VMCS_GUEST_GS_BASE 0x6810u

static const int gpr_ids[16] = {
	UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX,
	UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI,
	UC_X86_REG_R8, UC_X86_REG_R9, UC_X86_REG_R10, UC_X86_REG_R11,
	UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};

static const struct { int id; uint32_t enc; } sels[] = {
	{ UC_X86_REG_ES, VMCS_GUEST_ES_SEL }, { UC_X86_REG_CS, VMCS_GUEST_CS_SEL },
	{ UC_X86_REG_SS, VMCS_GUEST_SS_SEL }, { UC_X86_REG_DS, VMCS_GUEST_DS_SEL },
	{ UC_X86_REG_FS, VMCS_GUEST_FS_SEL }, { UC_X86_REG_GS, VMCS_GUEST_GS_SEL },
};

/* Why this state cannot run, or NULL. */
static const char *unsupported(struct tdx_l2_run *run, uint64_t cr0, uint64_t cr4, uint64_t efer,
			       char *buf, size_t len)
{
	uint32_t cs_ar = (uint32_t)run->vmread(run, VMCS_GUEST_CS_AR);
	uint32_t ss_ar = (uint32_t)run->vmread(run, VMCS_GUEST_SS_AR);

	if (!(cr0 & CR0_PE))
		return "real mode (CR0.PE = 0)";
	if (run->rflags & RFLAGS_VM)
		return "virtual-8086 mode (RFLAGS.VM = 1)";
	if (!(cr0 & CR0_PG))
		return (cs_ar & AR_L) ? "64-bit code without paging (CR0.PG = 0)"
				      : "protected mode without paging (CR0.PG = 0)";
	if (!(efer & EFER_LMA) || !(efer & EFER_LME))
		return (cr4 & CR4_PAE) ? "32-bit PAE paging (EFER.LMA = 0)" : "32-bit paging (EFER.LMA = 0, CR4.PAE = 0)";
	if (!(cr4 & CR4_PAE))
		return "long mode with CR4.PAE = 0";
	if (!(cs_ar & AR_L) || (cs_ar & AR_DB))
		return "compatibility mode (CS.L = 0)";
	if (AR_DPL(cs_ar) || AR_DPL(ss_ar)) {
		snprintf(buf, len, "CPL %u (the engine cannot set hidden segment state)", AR_DPL(ss_ar));
		return buf;
	}
	if (run->vmread(run, VMCS_ENTRY_INTR_INFO) >> 31)
		return "event injection on entry (VM-entry interruption information valid)";
	return NULL;
}

int l2_state_load(struct l2_inst *in, struct tdx_l2_run *run)
{
	uc_engine *uc = in->uc;
	uint64_t cr0 = run->vmread(run, VMCS_GUEST_CR0), cr3 = run->vmread(run, VMCS_GUEST_CR3);
	uint64_t cr4 = run->vmread(run, VMCS_GUEST_CR4), efer = run->vmread(run, VMCS_GUEST_EFER);
	char buf[96];
	const char *no = unsupported(run, cr0, cr4, efer, buf, sizeof(buf));

	if (no) {
		snprintf(in->why, sizeof(in->why),
			 "L2 state not supported by the Unicorn 2.0.1 engine: %s; only 64-bit long mode at "
			 "CPL 0 with identity-mapped paging is supported", no);
		return -1;
	}
	/* The register file, in one call, and only what differs from what
	 * Unicorn held after the last run (L1 usually changes a few). */
	int ids[18], n = 0;
	void *vals[18];
	uint64_t *src[18];
	for (int i = 0; i < 16; i++)
		src[i] = &run->gpr[i];
	src[16] = &run->rip, src[17] = &run->rflags;
	for (int i = 0; i < 18; i++) {
		if (in->regs.valid && in->regs.v[i] == *src[i])
			continue;
		ids[n] = i < 16 ? gpr_ids[i] : i == 16 ? UC_X86_REG_RIP : UC_X86_REG_RFLAGS;
		vals[n++] = src[i];
		in->regs.v[i] = *src[i];
	}
	in->regs.valid = 0;	/* until the run's registers are read back */
	if (n)
		uc_reg_write_batch(uc, ids, vals, n);
	if (!in->loaded || efer != in->efer) {
		uc_x86_msr m = { MSR_EFER, efer };
		uc_reg_write(uc, UC_X86_REG_MSR, &m);	/* the wrmsr helper updates hflags (Q6) */
	}
	if (!in->loaded || cr0 != in->cr0 || cr3 != in->cr3 || cr4 != in->cr4) {
		uc_reg_write(uc, UC_X86_REG_CR4, &cr4);
		uc_reg_write(uc, UC_X86_REG_CR3, &cr3);
		uc_reg_write(uc, UC_X86_REG_CR0, &cr0);
	}
	in->cr0 = cr0, in->cr3 = cr3, in->cr4 = cr4, in->efer = efer;
	in->loaded = 1;
	/* Segment state: written only where the VMCS store differs from what
	 * Unicorn holds (the last load's values, or what l2_state_store read
	 * back); a selector write is a descriptor load in Unicorn, not cheap. */
	struct l2_segcache *c = &in->seg;
	uc_x86_mmr g = { 0, run->vmread(run, VMCS_GUEST_GDTR_BASE),
			 (uint32_t)run->vmread(run, VMCS_GUEST_GDTR_LIMIT), 0 };
	if (!c->valid || g.base != c->gdtr_base || g.limit != c->gdtr_limit)
		uc_reg_write(uc, UC_X86_REG_GDTR, &g);
	uc_x86_mmr idt = { 0, run->vmread(run, VMCS_GUEST_IDTR_BASE),
			   (uint32_t)run->vmread(run, VMCS_GUEST_IDTR_LIMIT), 0 };
	if (!c->valid || idt.base != c->idtr_base || idt.limit != c->idtr_limit)
		uc_reg_write(uc, UC_X86_REG_IDTR, &idt);
	uint64_t sel[6];
	for (size_t i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
		sel[i] = run->vmread(run, sels[i].enc) & 0xFFFF;
		if (!c->valid || sel[i] != c->sel[i])
			uc_reg_write(uc, sels[i].id, &sel[i]);	/* selector only (Q6) */
	}
	uint64_t fs = run->vmread(run, VMCS_GUEST_FS_BASE), gs = run->vmread(run, VMCS_GUEST_GS_BASE);
	if (!c->valid || fs != c->fs_base)
		uc_reg_write(uc, UC_X86_REG_FS_BASE, &fs);
	if (!c->valid || gs != c->gs_base)
		uc_reg_write(uc, UC_X86_REG_GS_BASE, &gs);
	/* Unicorn holds these now; a run that changes them is read back. */
	memcpy(c->sel, sel, sizeof(sel));
	c->gdtr_base = g.base, c->gdtr_limit = g.limit;
	c->idtr_base = idt.base, c->idtr_limit = idt.limit;
	c->fs_base = fs, c->gs_base = gs;
	c->valid = 1;
	return 0;
}

void l2_state_store(struct l2_inst *in, struct tdx_l2_run *run)
{
	uc_engine *uc = in->uc;
	struct l2_segcache *c = &in->seg;
	uint64_t cr0 = in->cr0, cr3 = in->cr3, cr4 = in->cr4;
	uc_x86_mmr g = { 0 }, idt = { 0 };
	enum { N = 16 + 2 + 3 + 2 + 2 + 6 };
	int ids[N];
	void *vals[N];
	int n = 0;

	/* Everything the run may have changed, in one call: the register
	 * file; CRs (MOV CR runs inside Unicorn: no CR-access exit); FS/GS
	 * bases, descriptor tables and selectors (for the segment cache).
	 * A quiet run (no instruction completed) changed only the first. */
	for (int i = 0; i < 16; i++)
		ids[n] = gpr_ids[i], vals[n++] = &run->gpr[i];
	ids[n] = UC_X86_REG_RIP, vals[n++] = &run->rip;
	ids[n] = UC_X86_REG_RFLAGS, vals[n++] = &run->rflags;
	if (in->quiet && c->valid) {
		uc_reg_read_batch(uc, ids, vals, n);
		goto regs;
	}
	ids[n] = UC_X86_REG_CR0, vals[n++] = &cr0;
	ids[n] = UC_X86_REG_CR3, vals[n++] = &cr3;
	ids[n] = UC_X86_REG_CR4, vals[n++] = &cr4;
	ids[n] = UC_X86_REG_FS_BASE, vals[n++] = &c->fs_base;
	ids[n] = UC_X86_REG_GS_BASE, vals[n++] = &c->gs_base;
	ids[n] = UC_X86_REG_GDTR, vals[n++] = &g;
	ids[n] = UC_X86_REG_IDTR, vals[n++] = &idt;
	for (size_t i = 0; i < sizeof(sels) / sizeof(sels[0]); i++) {
		c->sel[i] = 0;
		ids[n] = sels[i].id, vals[n++] = &c->sel[i];
	}
	uc_reg_read_batch(uc, ids, vals, n);
	if (cr0 != in->cr0) run->vmwrite(run, VMCS_GUEST_CR0, cr0);
	if (cr3 != in->cr3) run->vmwrite(run, VMCS_GUEST_CR3, cr3);
	if (cr4 != in->cr4) run->vmwrite(run, VMCS_GUEST_CR4, cr4);
	in->cr0 = cr0, in->cr3 = cr3, in->cr4 = cr4;
	run->vmwrite(run, VMCS_GUEST_FS_BASE, c->fs_base);
	run->vmwrite(run, VMCS_GUEST_GS_BASE, c->gs_base);
	/* What Unicorn holds now, for the next l2_state_load. */
	c->gdtr_base = g.base, c->gdtr_limit = g.limit;
	c->idtr_base = idt.base, c->idtr_limit = idt.limit;
	for (size_t i = 0; i < sizeof(sels) / sizeof(sels[0]); i++)
		c->sel[i] &= 0xFFFF;
	c->valid = 1;
regs:
	memcpy(in->regs.v, run->gpr, sizeof(run->gpr));
	in->regs.v[16] = run->rip, in->regs.v[17] = run->rflags;
	in->regs.valid = 1;
}

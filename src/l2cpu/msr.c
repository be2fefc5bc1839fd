/* msr.c: RDMSR/WRMSR of the L2. Unicorn 2.0.1 cannot hook them and
 * silently reads 0 for MSRs it lacks (docs/l2-engine.md Q2), so the code
 * hook stops before each one; the MSR bitmaps (tdx-abi.md 6.6, 1 =
 * exit: L1's or the TD's own) decide: set -> exit 31/32 (the module routes
 * it: L1, or its own MSR policy, l2_msr.c), clear -> served
 * here. Served MSRs: IA32_TSC (0x10, the virtual TSC), IA32_PAT (0x277,
 * the VMCS field), EFER, FS_BASE, GS_BASE (Unicorn's own state); any
 * other MSR reads what the L2 last wrote to it (0 at first) from a store
 * of L2CPU_MSRS entries per VM. */
#include "l2cpu.h"

#define PROC_USE_MSR_BITMAPS (1u << 28)

int l2_msr_intercepted(const struct tdx_l2_run *run, uint32_t msr, int write)
{
	struct tdx_l2_run *r = (struct tdx_l2_run *)run;
	unsigned base;

	if (!(r->vmread(r, VMCS_PROC_CTLS) & PROC_USE_MSR_BITMAPS) || !run->msr_bitmap)
		return 1;
	/* The CPU consults L1's bitmap ORed with the TD's own (l2.h). */
	/* SDM 25.6.9: read low / read high / write low / write high, 1 KiB each. */
	if (msr <= 0x1FFF)
		base = 0;
	else if (msr >= 0xC0000000u && msr <= 0xC0001FFFu)
		base = 1024 * 8, msr -= 0xC0000000u;
	else
		return 1;
	unsigned bit = base + (write ? 2048 * 8 : 0) + msr;
	uint64_t word = run->msr_bitmap[bit / 64] | (run->msr_bitmap_td ? run->msr_bitmap_td[bit / 64] : 0);
	return (int)((word >> (bit % 64)) & 1);
}

static struct l2_msr *slot(struct l2_inst *in, uint32_t msr, int add)
{
	for (unsigned i = 0; i < in->nmsrs; i++)
		if (in->msrs[i].index == msr)
			return &in->msrs[i];
	if (!add || in->nmsrs == L2CPU_MSRS)
		return NULL;
	in->msrs[in->nmsrs].index = msr;
	in->msrs[in->nmsrs].value = 0;
	return &in->msrs[in->nmsrs++];
}

uint64_t l2_msr_read(struct l2_inst *in, uint32_t msr)
{
	uint64_t v = 0;

	switch (msr) {
	case 0x10:
		return in->eng->tsc[in->vcpu];
	case 0x277:
		return in->run->vmread(in->run, VMCS_GUEST_PAT);
	case 0xC0000080u:	/* the VMCS value: Unicorn's own EFER lacks NXE and SCE */
		return in->run->vmread(in->run, VMCS_GUEST_EFER);
	case 0xC0000100u: case 0xC0000101u: {
		uc_x86_msr m = { msr, 0 };
		uc_reg_read(in->uc, UC_X86_REG_MSR, &m);
		return m.value;
	}
	default: {
		struct l2_msr *s = slot(in, msr, 0);
		return s ? s->value : v;
	}
	}
}

void l2_msr_write(struct l2_inst *in, uint32_t msr, uint64_t v)
{
	switch (msr) {
	case 0x10:
		return;	/* the virtual TSC counts instructions; writes are dropped */
	case 0x277:
		in->run->vmwrite(in->run, VMCS_GUEST_PAT, v);
		return;
	case 0xC0000080u: case 0xC0000100u: case 0xC0000101u: {
		uc_x86_msr m = { msr, v };
		uc_reg_write(in->uc, UC_X86_REG_MSR, &m);
		if (msr == 0xC0000080u) {
			in->efer = v;
			in->run->vmwrite(in->run, VMCS_GUEST_EFER, v);
		}
		return;
	}
	default: {
		struct l2_msr *s = slot(in, msr, 1);
		if (s)
			s->value = v;
		else
			l2_fatal(in, "L2 CPU engine: more than %u MSRs written by the L2 (store full)", L2CPU_MSRS);
	}
	}
}

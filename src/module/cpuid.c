/* cpuid.c: the TD's CPUID, as the module's CPUID exit handler answers it
 * (MOD td_cpuid.c): which leaves and subleaves the TD may read without a
 * #VE, their values (fixed-1 bits set, fixed-0 bits cleared: MOD
 * auto_gen/cpuid_configurations.c), and the values that follow the VCPU.
 *
 * The values start from a fixed model platform (a Sapphire Rapids host),
 * never from this machine's CPUID: a TD sees an Intel CPU on either
 * vendor's machine, and the same one on both. */
#include <cpuid.h>
#include <string.h>

#include "td.h"

#define ANY 0xFFFFFFFFu		/* the entry covers every subleaf */
#define LAST_BASE_LEAF 0x23u		/* CPUID(0).EAX of the TD (fixed1 of leaf 0) */
#define LAST_EXTENDED_LEAF 0x80000008u
#define RESERVED_START 0x40000000u	/* MOD CPUID_RESERVED_START/END: never answered */
#define RESERVED_END 0x4FFFFFFFu

/* MOD cpuid_lookup[]: leaf, subleaf, faulting (always #VE), and which
 * bits are fixed: v = (platform & ~fixed0_or_dynamic) | fixed1. */
static const struct cpuid_entry {
	uint8_t idx;		/* MOD's index: CPUID_CONTROL[idx] (TDVPS class 33) */
	uint32_t leaf, subleaf;
	uint8_t faulting;
	uint32_t fixed1[4], fixed0[4];	/* EAX, EBX, ECX, EDX */
} lookup[] = {
	{ 10, 0x0, ANY, 0, { 0x23 }, { 0xffffffdc } },
	{ 0, 0x1, ANY, 0, { 0, 0, 0x80000000, 0x200 }, { 0xf000c000, 0xff0000ff, 0x08010060, 0x40120400 } },
	{ 11, 0x3, ANY, 0, { 0 }, { ~0u, ~0u, ~0u, ~0u } },
	{ 1, 0x4, 0x0, 0, { 0 }, { 0x3c00, 0, 0, 0x4 } },
	{ 2, 0x4, 0x1, 0, { 0 }, { 0x3c00, 0, 0, 0x4 } },
	{ 3, 0x4, 0x2, 0, { 0 }, { 0x3c00, 0, 0, 0x4 } },
	{ 4, 0x4, 0x3, 0, { 0 }, { 0x3c00, 0, 0, 0xfffffff8 } },
	{ 12, 0x4, 0x4, 0, { 0 }, { ~0u, ~0u, ~0u, ~0u } },
	{ 63, 0x5, ANY, 0, { 0 }, { 0xffff0000, 0xffff0000, 0xfffffffc, 0 } },
	{ 13, 0x6, ANY, 1 },
	{ 5, 0x7, 0x0, 0, { 0 }, { 0, 0x00404006, 0x643e8010, 0x002298c3 } },
	{ 6, 0x7, 0x1, 0, { 0 }, { 0xffffe2cf, ~0u, ~0u, ~0u } },
	{ 14, 0x7, 0x2, 0, { 0 }, { ~0u, ~0u, ~0u, 0xffffffc0 } },
	{ 15, 0x8, ANY, 0, { 0 }, { ~0u, ~0u, ~0u, ~0u } },
	{ 7, 0xa, ANY, 0, { 0 }, { 0, 0, 0, 0xffff6000 } },
	{ 16, 0xd, 0x0, 0, { 0 }, { 0xfff9fd18, ~0u, 0, ~0u } },
	{ 17, 0xd, 0x1, 0, { 0 }, { 0xffffffe0, ~0u, 0xffff26ff, ~0u } },
	{ 18, 0xd, 0x2, 0, { 0 }, { 0, 0, 0, ~0u } }, { 19, 0xd, 0x3, 0, { 0 }, { 0, 0, 0, ~0u } },
	{ 20, 0xd, 0x4, 0, { 0 }, { 0, 0, 0, ~0u } }, { 21, 0xd, 0x5, 0, { 0 }, { 0, 0, 0, ~0u } },
	{ 22, 0xd, 0x6, 0, { 0 }, { 0, 0, 0, ~0u } }, { 23, 0xd, 0x7, 0, { 0 }, { 0, 0, 0, ~0u } },
	{ 24, 0xd, 0x8, 0, { 0 }, { 0, 0, 0, ~0u } }, { 25, 0xd, 0x9, 0, { 0 }, { 0, 0, 0, ~0u } },
	{ 26, 0xd, 0xa, 0, { 0 }, { 0, 0, 0, ~0u } }, { 27, 0xd, 0xb, 0, { 0 }, { 0, 0, 0, ~0u } },
	{ 28, 0xd, 0xc, 0, { 0 }, { 0, 0, 0, ~0u } }, { 29, 0xd, 0xd, 0, { 0 }, { 0, 0, 0, ~0u } },
	{ 30, 0xd, 0xe, 0, { 0 }, { 0, 0, 0, ~0u } }, { 31, 0xd, 0xf, 0, { 0 }, { 0, 0, 0, ~0u } },
	{ 32, 0xd, 0x10, 0, { 0 }, { 0, 0, 0, ~0u } }, { 33, 0xd, 0x11, 0, { 0 }, { 0, 0, 0, ~0u } },
	{ 34, 0xd, 0x12, 0, { 0 }, { 0, 0, 0, ~0u } },
	{ 35, 0xe, ANY, 0, { 0 }, { ~0u, ~0u, ~0u, ~0u } },
	{ 36, 0x11, ANY, 0, { 0 }, { ~0u, ~0u, ~0u, ~0u } },
	{ 37, 0x12, ANY, 0, { 0 }, { ~0u, ~0u, ~0u, ~0u } },
	{ 38, 0x13, ANY, 0, { 0 }, { ~0u, ~0u, ~0u, ~0u } },
	{ 39, 0x14, 0x0, 0, { 0 }, { 0, 0xfffffe00, 0x7ffffff0, ~0u } },
	{ 40, 0x14, 0x1, 0, { 0 }, { 0xfff8, 0, ~0u, ~0u } },
	{ 41, 0x15, ANY, 0, { 0x1, 0, 0x17d7840 }, { 0xfffffffe, 0, 0xfe8287bf, ~0u } },
	{ 42, 0x19, ANY, 0, { 0 }, { 0xfffffff8, 0xffffffeb, 0xfffffffd, ~0u } },
	{ 8, 0x1c, ANY, 0 },
	{ 43, 0x1d, 0x0, 0 }, { 0x1d, 0x1, 0 },
	{ 45, 0x1e, ANY, 0 },
	{ 46, 0x1f, 0x0, 1 }, { 0x1f, 0x1, 1 }, { 48, 0x1f, 0x2, 1 },
	{ 49, 0x1f, 0x3, 1 }, { 0x1f, 0x4, 1 }, { 51, 0x1f, 0x5, 1 },
	{ 52, 0x20, ANY, 0, { 0 }, { ~0u, ~0u, ~0u, ~0u } },
	/* TDX identification (5.6): "IntelTDX    ", every other bit 0. */
	{ 53, 0x21, 0x0, 0, { 0, 0x65746e49, 0x20202020, 0x5844546c },
	  { ~0u, 0x9a8b91b6, 0xdfdfdfdf, 0xa7bbab93 } },
	{ 58, 0x22, ANY, 0, { 0 }, { ~0u, ~0u, ~0u, ~0u } },
	{ 59, 0x23, 0x0, 0, { 0 }, { 0xfffffff0, 0, ~0u, ~0u } },
	{ 60, 0x23, 0x1, 0, { 0 }, { 0, 0, ~0u, ~0u } },
	{ 61, 0x23, 0x2, 0, { 0 }, { ~0u, ~0u, ~0u, ~0u } },
	{ 62, 0x23, 0x3, 0, { 0 }, { 0, ~0u, ~0u, ~0u } },
	{ 54, 0x80000000, ANY, 0, { 0x80000008 }, { 0x7ffffff7, ~0u, ~0u, ~0u } },
	{ 55, 0x80000001, ANY, 0, { 0 }, { ~0u, ~0u, 0xfffffede, 0xd3efffff } },
	{ 56, 0x80000006, ANY, 1 },
	{ 57, 0x80000007, ANY, 0, { 0 }, { ~0u, ~0u, ~0u, 0xfffffeff } },
	{ 9, 0x80000008, ANY, 0, { 0 }, { 0xffff0000, 0xfffffdff, ~0u, ~0u } },
};
#define NR_LOOKUP (sizeof(lookup) / sizeof(lookup[0]))

/* The model platform's native CPUID (leaves not listed read 0). Family 6
 * model 0x8F stepping 8; feature bits as a Sapphire Rapids host reports
 * them (the same table the default host answers #VE CPUIDs from). */
static const struct {
	uint32_t leaf, subleaf, v[4];
} platform[] = {
	{ 0x0, ANY, { 0x20, 0x756e6547, 0x6c65746e, 0x49656e69 } },	/* "GenuineIntel" */
	{ 0x1, ANY, { 0x000806f8, 0x00010800, 0x7ffaf3ff, 0xbfebfbff } },
	{ 0x7, 0x0, { 0x2, 0xf3bfbfbf, 0x1bc05ffe, 0xbfe1c130 } },
	{ 0x7, 0x1, { 0x00001c30, 0, 0, 0 } },
	{ 0xd, 0x0, { 0x000602e7, 0x00000a88, 0x00002b00, 0 } },
	{ 0xd, 0x1, { 0x0000001f, 0x00000b28, 0x0001ad00, 0 } },
	{ 0x80000000, ANY, { 0x80000008, 0, 0, 0 } },
	{ 0x80000001, ANY, { 0, 0, 0x00000121, 0x2c100800 } },
	{ 0x80000007, ANY, { 0, 0, 0, 0x00000100 } },
	{ 0x80000008, ANY, { 0x00003034, 0x200, 0, 0 } },	/* EBX[9]: WBNOINVD */
};

static int matches(uint32_t leaf, uint32_t sub, uint32_t eleaf, uint32_t esub)
{
	return leaf == eleaf && (esub == ANY || sub == esub);
}

static void platform_values(uint32_t leaf, uint32_t sub, uint32_t v[4])
{
	memset(v, 0, 4 * sizeof(*v));
	for (size_t i = 0; i < sizeof(platform) / sizeof(platform[0]); i++)
		if (matches(leaf, sub, platform[i].leaf, platform[i].subleaf)) {
			memcpy(v, platform[i].v, 4 * sizeof(*v));
			return;
		}
}

/* The leaf the module looks up (MOD td_cpuid_exit): a leaf above the last
 * of its range is read as the last base leaf; the reserved range stays. */
static uint32_t effective_leaf(uint32_t leaf)
{
	if (leaf >= RESERVED_START && leaf <= RESERVED_END)
		return leaf;
	if (leaf > LAST_EXTENDED_LEAF || (leaf > LAST_BASE_LEAF && leaf < 0x80000000u))
		return LAST_BASE_LEAF;
	return leaf;
}

static const struct cpuid_entry *find(uint32_t leaf, uint32_t subleaf)
{
	for (size_t i = 0; i < NR_LOOKUP; i++)
		if (matches(leaf, subleaf, lookup[i].leaf, lookup[i].subleaf))
			return &lookup[i];
	return NULL;
}

int tdx_cpuid_index(uint32_t leaf, uint32_t subleaf)
{
	const struct cpuid_entry *e = find(leaf, subleaf);
	return e ? e->idx : -1;
}

int tdx_cpuid_config_value(const struct tdx_td *td, uint32_t leaf, uint32_t subleaf,
			   uint32_t out[4])
{
	const struct cpuid_entry *e = find(leaf, subleaf);

	if (!e || e->faulting)
		return -1;
	uint32_t v[4];
	platform_values(leaf, subleaf, v);
	for (int r = 0; r < 4; r++)
		out[r] = (v[r] & ~e->fixed0[r]) | e->fixed1[r];
	/* XFAM-allowed (MOD): the XSAVE features of leaf 0xD are the TD's XFAM. */
	if (leaf == 0xd && subleaf == 0) {
		out[0] &= (uint32_t)td->cfg.xfam;
		out[3] &= (uint32_t)(td->cfg.xfam >> 32);
	}
	if (leaf == 0x80000008)	/* physical address bits: the TD's GPAW */
		out[0] = (out[0] & ~0xFFu) | td->cfg.gpaw;
	return 0;
}

enum tdx_tdcall_outcome tdx_module_cpuid(struct tdx_td *td, unsigned vcpu, int cpl,
					 struct tdx_regs *regs, struct tdx_inject *inj)
{
	if (!td || atomic_load(&td->dead) || vcpu >= td->cfg.num_vcpus)
		return TDX_OUTCOME_TD_DEAD;
	struct tdx_vcpu *v = &td->vcpus[vcpu];
	struct tdx_call c = { .td = td, .vcpu = v, .regs = regs, .inj = inj,
			      .outcome = TDX_OUTCOME_DONE };
	uint32_t leaf = effective_leaf((uint32_t)regs->rax), sub = (uint32_t)regs->rcx;
	const struct cpuid_entry *e = find(leaf, sub);
	uint32_t out[4];

	/* Not in the table, or faulting: #VE (MOD), instruction length 2. */
	if (!e || e->faulting) {
		tdx_inject_ve(&c, TDX_EXIT_CPUID, 0, 0, 0, 2, 0);
		return c.outcome;
	}
	/* The guest asked for a #VE at this CPL (TDG.VP.CPUIDVE.SET, CPUID_CONTROL). */
	if ((cpl == 0 && (v->cpuid_supervisor_ve || (v->cpuid_control[e->idx] & 1))) ||
	    (cpl > 0 && (v->cpuid_user_ve || (v->cpuid_control[e->idx] & 2)))) {
		tdx_inject_ve(&c, TDX_EXIT_CPUID, 0, 0, 0, 2, 0);
		return c.outcome;
	}
	tdx_cpuid_config_value(td, leaf, sub, out);
	switch (leaf) {
	case 0x1:
		/* INITIAL_APIC_ID is the VCPU index; OSXSAVE follows CR4, which
		 * Linux sets for every user program. */
		out[1] = (out[1] & 0x00FFFFFFu) | (uint32_t)v->index << 24;
		out[2] |= 1u << 27;
		break;
	case 0xd:
		if (sub <= 1) {	/* the XSAVE area size the CPU reports for XCR0 now */
			unsigned a, b, cc, d;
			__cpuid_count(0xd, sub, a, b, cc, d);
			out[1] = b;
		}
		break;
	case 0x80000001:
		out[3] |= 1u << 11;	/* SYSCALL/SYSRET: the TD runs in 64-bit mode */
		break;
	}
	regs->rax = out[0];
	regs->rbx = out[1];
	regs->rcx = out[2];
	regs->rdx = out[3];
	regs->rip += 2;
	return TDX_OUTCOME_DONE;
}

/*
 * paravisor.c: a small L1 paravisor on libtdxkit-l1.
 *
 * The TD has two L2 VMs (VTL0 = VM 1, VTL1 = VM 2, tdx-abi.md 7.1) run by
 * the Unicorn L2 engine (tdxkit/l2cpu.h). The paravisor gives them
 * different page attributes (7.6) and MSR intercepts (6.6), enters each
 * with TDG.VP.ENTER (7.3) and serves their CPUID, port I/O, MSR and
 * EPT-violation exits the way OpenHCL does (7.7), printing what it did.
 *
 * One source, two builds; only td_start(), td_stop() and gpa_ptr() differ:
 *   example-paravisor     direct mode (libtdxkit-l1-direct): creates its own
 *                         TD, attaches the L2 engine, reaches memory with
 *                         tdx_td_gpa_ptr(); run it as it is.
 *   example-paravisor-td  -DPARAVISOR_UNDER_TDX_RUN (libtdxkit-l1 +
 *                         libtdxkit-guest): an unmodified TD program, the
 *                         real TDCALL; memory at TDXKIT_PRIVATE_BASE + GPA;
 *                         run it as `tdx-run --l2-vms 2 -- example-paravisor-td`.
 *
 * L2 memory (identity-mapped 64-bit long mode, CPL 0):
 *   0x100000 page tables (2 MiB pages, GLA == GPA)  VTL0 RW, VTL1 RW
 *   0x110000 VTL0 code                              VTL0 R XS, VTL1 none
 *   0x111000 VTL1 code                              VTL0 none, VTL1 R XS
 *   0x120000 / 0x121000 stacks                      own VTL RW only
 *   0x130000 shared data                            VTL0 RW, VTL1 R (W on demand)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/guest.h"
#include "tdxkit/l1.h"
#ifndef PARAVISOR_UNDER_TDX_RUN
#include "tdxkit/direct.h"
#include "tdxkit/l2cpu.h"
#include "tdxkit/module.h"
#endif

#define SZ_4K 0x1000ull
#define RUN_GPA 0x10000ull
#define VAPIC_GPA(vtl) (0x11000ull + 0x1000ull * (vtl))
#define PT_GPA 0x100000ull
#define CODE_GPA(vtl) (0x110000ull + 0x1000ull * (vtl))
#define STACK_GPA(vtl) (0x120000ull + 0x1000ull * (vtl))
#define DATA_GPA 0x130000ull
#define SYNTH_MSR 0x1F0u

static struct tdx_l1_vp vp;

/* VTL0: CPUID 0x40000000, OUT 'A' to COM1, RDMSR TSC (not intercepted),
 * RDMSR 0x1F0 (intercepted), store to the shared page, HLT. */
static const uint8_t vtl0_code[] = {
	0xb8, 0x00, 0x00, 0x00, 0x40,			/* mov eax, 0x40000000 */
	0x0f, 0xa2,					/* cpuid */
	0x66, 0xba, 0xf8, 0x03,				/* mov dx, 0x3f8 */
	0xb0, 0x41,					/* mov al, 'A' */
	0xee,						/* out dx, al */
	0xb9, 0x10, 0x00, 0x00, 0x00,			/* mov ecx, 0x10 */
	0x0f, 0x32,					/* rdmsr */
	0xb9, 0xf0, 0x01, 0x00, 0x00,			/* mov ecx, 0x1f0 */
	0x0f, 0x32,					/* rdmsr */
	0x89, 0x04, 0x25, 0x00, 0x00, 0x13, 0x00,	/* mov [0x130000], eax */
	0xf4,						/* hlt */
};
/* VTL1: CPUID 1, RDMSR TSC (intercepted for VTL1), a store to the shared
 * page it may only read (EPT violation), HLT. */
static const uint8_t vtl1_code[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00,			/* mov eax, 1 */
	0x0f, 0xa2,					/* cpuid */
	0xb9, 0x10, 0x00, 0x00, 0x00,			/* mov ecx, 0x10 */
	0x0f, 0x32,					/* rdmsr */
	0xc6, 0x04, 0x25, 0x00, 0x00, 0x13, 0x00, 0x01,	/* mov byte [0x130000], 1 */
	0xf4,						/* hlt */
};

/* A status in words: the library's refusals, or the module's name for the
 * statuses a paravisor meets, with the operand (OPERAND_INVALID | RCX). */
static const char *status_text(uint64_t st, char *buf, size_t len)
{
	static const struct { uint64_t code; const char *name; } names[] = {
		{ TDX_OPERAND_INVALID, "TDX_OPERAND_INVALID" },
		{ TDX_OPERAND_BUSY, "TDX_OPERAND_BUSY" },
		{ TDX_VCPU_STATE_INCORRECT, "TDX_VCPU_STATE_INCORRECT" },
		{ TDX_EPT_WALK_FAILED, "TDX_EPT_WALK_FAILED" },
		{ TDX_PAGE_ALREADY_ACCEPTED, "TDX_PAGE_ALREADY_ACCEPTED" },
		{ TDX_PAGE_SIZE_MISMATCH, "TDX_PAGE_SIZE_MISMATCH" },
		{ TDX_L2_SEPT_WALK_FAILED, "TDX_L2_SEPT_WALK_FAILED" },
		{ TDX_PAGE_ATTR_INVALID, "TDX_PAGE_ATTR_INVALID" },
		{ TDX_METADATA_FIELD_ID_INCORRECT, "TDX_METADATA_FIELD_ID_INCORRECT" },
	};
	static const char *const opnd[16] = { "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
					      "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15" };
	const char *e = tdx_l1_strerror(st);

	if (e) {
		snprintf(buf, len, "%s", e);
		return buf;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (TDX_STATUS_CODE(st) != names[i].code)
			continue;
		if (names[i].code == TDX_OPERAND_INVALID && (uint32_t)st < 16)
			snprintf(buf, len, "%s | %s", names[i].name, opnd[(uint32_t)st]);
		else
			snprintf(buf, len, "%s", names[i].name);
		return buf;
	}
	snprintf(buf, len, "see tdx-decode status");
	return buf;
}

static int check(const char *what, uint64_t st)
{
	char why[64];

	if (st == TDX_SUCCESS)
		return 0;
	fprintf(stderr, "paravisor: %s failed: status 0x%016llx (%s)\n", what, (unsigned long long)st,
		status_text(st, why, sizeof(why)));
	return -1;
}

/* ---- the TD-specific part: where the TD comes from, where its memory is -- */

#ifdef PARAVISOR_UNDER_TDX_RUN
/* tdx-run made the TD (--l2-vms 2) and attached the L2 engine; GPA g of
 * an accepted private page is at TDXKIT_PRIVATE_BASE + g (README). */
static uint8_t *private_base;
static uint64_t mem_size;

static int td_start(void)
{
	const char *base = getenv("TDXKIT_PRIVATE_BASE"), *size = getenv("TDXKIT_MEM_SIZE");

	if (!base || !size) {
		fprintf(stderr, "paravisor: not a TD: run me as tdx-run --l2-vms 2 -- %s\n",
			"example-paravisor-td");
		return -1;
	}
	private_base = (uint8_t *)(uintptr_t)strtoull(base, NULL, 16);
	mem_size = strtoull(size, NULL, 16);
	return 0;
}

static void td_stop(int failed)
{
}

static void *gpa_ptr(uint64_t gpa)
{
	return gpa + SZ_4K <= mem_size ? private_base + gpa : NULL;
}
#else
/* Direct mode: the program creates the TD and runs the model in-process. */
static struct tdx_td *td;

static int td_start(void)
{
	struct tdx_td_config cfg;
	char err[256];

	tdx_td_config_init(&cfg);
	cfg.mem_size = 16ull << 20;
	cfg.num_l2_vms = 2;
	td = tdx_td_create(&cfg, err, sizeof(err));
	if (!td) {
		fprintf(stderr, "paravisor: tdx_td_create: %s\n", err);
		return -1;
	}
	if (tdx_l2cpu_attach(td, err, sizeof(err))) {
		fprintf(stderr, "paravisor: tdx_l2cpu_attach: %s\n", err);
		tdx_td_destroy(td);
		return -1;
	}
	tdx_direct_attach(td, 0);
	return 0;
}

static void td_stop(int failed)
{
	if (failed && tdx_td_dead_reason(td))
		fprintf(stderr, "paravisor: %s\n", tdx_td_dead_reason(td));
	tdx_direct_attach(NULL, 0);
	tdx_l2cpu_detach(td);
	tdx_td_destroy(td);
}

static void *gpa_ptr(uint64_t gpa)
{
	return tdx_td_gpa_ptr(td, gpa, SZ_4K);
}
#endif

/* ---- the paravisor: the same in both builds -------------------------------- */

static int set_attrs(uint64_t gpa, uint16_t vtl0, uint16_t vtl1)
{
	struct tdx_l1_page_attrs a = {
		.attr = TDX_L1_ATTR_WORD(TDX_L1_VTL0, vtl0 ? TDX_L1_ATTR_VALID | vtl0 : 0) |
			TDX_L1_ATTR_WORD(TDX_L1_VTL1, vtl1 ? TDX_L1_ATTR_VALID | vtl1 : 0),
		.mask = TDX_L1_ATTR_WORD(TDX_L1_VTL0, TDX_L1_ATTR_RWX) |
			TDX_L1_ATTR_WORD(TDX_L1_VTL1, TDX_L1_ATTR_RWX),
	};
	return check("set page attributes", tdx_l1_set_page_attrs(&vp, gpa, gpa + SZ_4K, &a, NULL));
}

/* Long mode at CPL 0 (what the engine runs): CR0.PG, CR4.PAE, EFER.LME|LMA,
 * the IA-32e entry control, a 64-bit CS, identity page tables. */
static int setup_vtl(enum tdx_l1_vtl vtl)
{
	uint64_t st = TDX_SUCCESS;
	struct tdx_l1_private_regs r;

	st |= tdx_l1_write_vmcs64(&vp, vtl, 0x6800, 1ull << 31, 1ull << 31, NULL);	/* CR0.PG */
	st |= tdx_l1_write_vmcs64(&vp, vtl, 0x6802, ~0ull, PT_GPA, NULL);		/* CR3 */
	st |= tdx_l1_write_vmcs64(&vp, vtl, 0x6804, 1ull << 5, 1ull << 5, NULL);	/* CR4.PAE */
	st |= tdx_l1_write_vmcs64(&vp, vtl, 0x2806, 0x500, 0x500, NULL);		/* EFER.LME|LMA */
	st |= tdx_l1_write_vmcs32(&vp, vtl, 0x4012, 0x200, 0x200, NULL);		/* IA-32e guest */
	st |= tdx_l1_write_vmcs32(&vp, vtl, 0x4816, ~0u, 0xA09B, NULL);		/* CS: L = 1 */
	if (check("L2 VMCS setup", st))
		return -1;
	if (check("vAPIC registration",
		  tdx_l1_register_vapic(&vp, vtl, gpa_ptr(VAPIC_GPA(vtl)), VAPIC_GPA(vtl))))
		return -1;
	tdx_l1_get_private_regs(&vp, vtl, &r);
	r.rip = CODE_GPA(vtl);
	r.rsp = STACK_GPA(vtl) + SZ_4K;
	tdx_l1_set_private_regs(&vp, vtl, &r);
	return 0;
}

static int setup_memory(void)
{
	/* L1's own pages, then the L2 pages, accepted with no L2 access. */
	if (check("accept L1 pages", tdx_l1_accept_pages(&vp, VAPIC_GPA(0), VAPIC_GPA(2), NULL, NULL)) ||
	    check("accept L2 pages", tdx_l1_accept_pages(&vp, PT_GPA, DATA_GPA + SZ_4K, NULL, NULL)))
		return -1;
	uint64_t *pml4 = gpa_ptr(PT_GPA), *pdpt = gpa_ptr(PT_GPA + SZ_4K), *pd = gpa_ptr(PT_GPA + 2 * SZ_4K);
	pml4[0] = (PT_GPA + SZ_4K) | 3;
	pdpt[0] = (PT_GPA + 2 * SZ_4K) | 3;
	for (uint64_t i = 0; i < 512; i++)
		pd[i] = (i << 21) | 0x83;	/* 2 MiB, present, writable */
	memcpy(gpa_ptr(CODE_GPA(0)), vtl0_code, sizeof(vtl0_code));
	memcpy(gpa_ptr(CODE_GPA(1)), vtl1_code, sizeof(vtl1_code));

	const uint16_t RW = TDX_L1_ATTR_R | TDX_L1_ATTR_W, RX = TDX_L1_ATTR_R | TDX_L1_ATTR_XS;
	for (unsigned i = 0; i < 3; i++)
		if (set_attrs(PT_GPA + i * SZ_4K, RW, RW))
			return -1;
	if (set_attrs(CODE_GPA(0), RX, 0) || set_attrs(CODE_GPA(1), 0, RX) ||
	    set_attrs(STACK_GPA(0), RW, 0) || set_attrs(STACK_GPA(1), 0, RW) ||
	    set_attrs(DATA_GPA, RW, TDX_L1_ATTR_R))
		return -1;
	printf("paravisor: page attributes: code/stack private per VTL, data page VTL0 RW / VTL1 R\n");
	return 0;
}

static int setup_msrs(void)
{
	/* VTL0 reads the TSC without an exit; VTL1 keeps every intercept. */
	if (check("MSR intercept", tdx_l1_set_msr_intercept(&vp, TDX_L1_VTL0, 0x10, false, false)))
		return -1;
	printf("paravisor: MSR intercepts: VTL0 reads IA32_TSC directly, VTL1 intercepts all MSRs\n");
	return 0;
}

/* Serve one exit; returns 1 when the VTL halted, -1 on an unexpected exit. */
static int serve(enum tdx_l1_vtl vtl, uint64_t st)
{
	struct tdx_l1_vp_context *c = tdx_l1_context(&vp);
	const struct tdx_l1_exit_info *x = &c->exit_info;
	uint64_t *g = tdx_l1_gprs(&vp);

	if (!tdx_l1_exit_entered(st)) {
		char why[64];
		fprintf(stderr, "paravisor: TDG.VP.ENTER of VTL%u failed: status 0x%016llx (%s)\n", vtl,
			(unsigned long long)st, status_text(st, why, sizeof(why)));
		return -1;
	}
	switch (tdx_l1_exit_reason(x) & 0xFFFF) {
	case TDX_EXIT_CPUID: {
		uint32_t leaf = (uint32_t)g[TDX_GPR_RAX];
		static const char sig[12] = "tdxkit-pvsr!";
		uint32_t w[3];
		memcpy(w, sig, sizeof(w));
		g[TDX_GPR_RAX] = leaf == 0x40000000 ? 0x40000001 : 0;
		g[TDX_GPR_RBX] = leaf == 0x40000000 ? w[0] : 0;
		g[TDX_GPR_RCX] = leaf == 0x40000000 ? w[1] : 0;
		g[TDX_GPR_RDX] = leaf == 0x40000000 ? w[2] : 0;
		printf("paravisor: VTL%u CPUID 0x%x -> eax 0x%llx\n", vtl, leaf,
		       (unsigned long long)g[TDX_GPR_RAX]);
		break;
	}
	case TDX_EXIT_IO_INSTRUCTION: {
		unsigned size = (unsigned)(x->rcx & 7) + 1, in = (x->rcx >> 3) & 1;
		unsigned port = (unsigned)(x->rcx >> 16) & 0xFFFF;
		if (in)
			g[TDX_GPR_RAX] |= (1ull << (8 * size)) - 1;	/* nothing there: all ones */
		else
			printf("paravisor: VTL%u OUT port 0x%x size %u value 0x%llx ('%c')\n", vtl, port, size,
			       (unsigned long long)(g[TDX_GPR_RAX] & 0xFF), (char)g[TDX_GPR_RAX]);
		break;
	}
	case TDX_EXIT_RDMSR: {
		uint32_t msr = (uint32_t)g[TDX_GPR_RCX];
		uint64_t v = msr == SYNTH_MSR ? 0x1234 : msr == 0x10 ? 1000000 : 0;
		g[TDX_GPR_RAX] = (uint32_t)v;
		g[TDX_GPR_RDX] = v >> 32;
		printf("paravisor: VTL%u RDMSR 0x%x -> 0x%llx\n", vtl, msr, (unsigned long long)v);
		break;
	}
	case TDX_EXIT_WRMSR:
		printf("paravisor: VTL%u WRMSR 0x%x ignored\n", vtl, (unsigned)g[TDX_GPR_RCX]);
		break;
	case TDX_EXIT_EPT_VIOLATION:
		/* The VTL touched a page its attributes do not allow: grant
		 * write to VTL1 on the data page, then let it retry (no RIP
		 * advance: the instruction runs again). */
		printf("paravisor: VTL%u EPT violation GPA 0x%llx qual 0x%llx", vtl,
		       (unsigned long long)x->r8, (unsigned long long)x->rcx);
		if (vtl == TDX_L1_VTL1 && (x->r8 & ~0xFFFull) == DATA_GPA) {
			printf(" -> grant write\n");
			return set_attrs(DATA_GPA, TDX_L1_ATTR_R | TDX_L1_ATTR_W,
					 TDX_L1_ATTR_R | TDX_L1_ATTR_W) ? -1 : 0;
		}
		printf(" -> not served\n");
		return -1;
	case TDX_EXIT_HLT:
		printf("paravisor: VTL%u HLT at RIP 0x%llx\n", vtl, (unsigned long long)c->gpr_list.rip);
		tdx_l1_advance_rip(&vp);
		return 1;
	default:
		printf("paravisor: VTL%u unexpected exit reason %u\n", vtl, tdx_l1_exit_reason(x));
		return -1;
	}
	tdx_l1_advance_rip(&vp);
	return 0;
}

static int run_vtl(enum tdx_l1_vtl vtl)
{
	for (unsigned n = 0; n < 64; n++) {
		int r = serve(vtl, tdx_l1_enter(&vp, vtl));
		if (r)
			return r < 0 ? -1 : 0;
	}
	fprintf(stderr, "paravisor: VTL%u did not halt\n", vtl);
	return -1;
}

int main(void)
{
	int rc = 1;

	if (td_start())
		return 1;
	/* The run page is L1 memory: accept it first (guest library). */
	if (check("accept run page", tdx_accept_memory(RUN_GPA, RUN_GPA + SZ_4K, NULL)) ||
	    check("VP init", tdx_l1_vp_init(&vp, gpa_ptr(RUN_GPA), RUN_GPA, TDX_L1_RETURN)))
		goto out;
	printf("paravisor: VP ready, run page at GPA 0x%llx; VTL0 = L2 VM 1, VTL1 = L2 VM 2\n",
	       (unsigned long long)RUN_GPA);
	if (setup_memory() || setup_msrs() || setup_vtl(TDX_L1_VTL0) || setup_vtl(TDX_L1_VTL1))
		goto out;
	if (run_vtl(TDX_L1_VTL0) || run_vtl(TDX_L1_VTL1))
		goto out;
	uint32_t data;
	memcpy(&data, gpa_ptr(DATA_GPA), sizeof(data));
	printf("paravisor: data page now 0x%08x (VTL0 stored 0x1234, VTL1 set the low byte to 1)\n", data);
	rc = 0;
out:
	fflush(stdout);
	td_stop(rc);
	return rc;
}

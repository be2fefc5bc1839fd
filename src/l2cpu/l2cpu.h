/* l2cpu.h: internals of the Unicorn L2 engine (docs/l2-engine.md,
 * "Recommended L2 engine design"). One struct l2_inst per (VCPU, VM):
 * its uc_engine, the TD pages mapped into it so far, and the exit the
 * hooks recorded during the current uc_emu_start. */
#ifndef TDXKIT_L2CPU_INT_H
#define TDXKIT_L2CPU_INT_H

#include <stdint.h>
#include <unicorn/unicorn.h>

#include "tdxkit/l2engine.h"
#include "tdxkit/module.h"

#define L2CPU_MAX_VCPUS 64
#define L2CPU_MSRS 64		/* per-VM store of MSRs served without an exit */
#define L2CPU_PAGE 0x1000ull

/* What stopped uc_emu_start (set by the first hook that fires). */
enum l2_stop {
	STOP_NONE = 0,
	STOP_EXIT,	/* x.exit is a VM exit for the module */
	STOP_MSR,	/* RDMSR/WRMSR at x.rip, not executed yet */
	STOP_RDTSC,	/* RDTSC/RDTSCP at x.rip, not executed yet */
	STOP_INTR,	/* exception/interrupt x.vector at x.rip (delivery decided later) */
	STOP_FATAL,	/* refuse: in->why */
	STOP_RETRY,	/* a code page was just mapped: restart at RIP */
	STOP_BUDGET,	/* instruction budget used up (no TSC deadline: just go on) */
};

struct l2_stopinfo {
	enum l2_stop kind;
	uint64_t rip;		/* RIP to report (fault-like: at the instruction) */
	unsigned len;		/* instruction length */
	unsigned vector;	/* STOP_INTR */
	int msr_write;		/* STOP_MSR */
	int rdtscp;		/* STOP_RDTSC */
	/* I/O: registers to restore (the instruction must look not executed) */
	int restore;
	uint64_t rax, rcx, rsi, rdi;
	struct tdx_l2_exit exit;
};

struct l2_msr {
	uint32_t index;
	uint64_t value;
};

struct l2_engine;

/* The page-table entries a walk read (one per level), so that the next
 * entry can tell, by reading just those, that a page still translates to
 * itself (memory.c l2_mem_revalidate). n = 0: none recorded. */
struct l2_walkprint {
	uint64_t cr3, cr4;
	unsigned n;
	uint64_t ea[5], val[5];
};

/* Segment state as Unicorn holds it (after the last load, or read back
 * after a run that may have changed it): an entry writes only what the
 * VMCS store changed (state.c). */
struct l2_segcache {
	int valid;		/* the fields are what Unicorn holds */
	uint64_t sel[6], gdtr_base, idtr_base, fs_base, gs_base;
	uint32_t gdtr_limit, idtr_limit;
};

struct l2_inst {
	uc_engine *uc;
	struct l2_engine *eng;
	unsigned vcpu, vm;
	struct tdx_l2_run *run;		/* the run in progress (hooks use it) */
	/* TD pages mapped into Unicorn: address and the rights they got. */
	uint64_t *pages;
	uint8_t *perms;
	struct l2_walkprint *prints;	/* parallel to pages */
	size_t npages, cap;
	/* perms[] are what mem() allowed at this (mem_gen, l2_ctls). */
	int rights_known;
	uint64_t rights_gen, rights_ctls;
	struct l2_segcache seg;
	/* The register file as Unicorn held it after the last run: an entry
	 * writes only the registers L1 changed since (state.c). */
	struct { int valid; uint64_t v[18]; } regs;
	/* This run completed no instruction (one uc_emu_start that stopped at
	 * its first instruction with a VM exit): segment state, CRs and FS/GS
	 * bases are as loaded, nothing to read back (run.c, state.c). */
	int quiet;
	/* Control registers as last written to Unicorn (raw stores, Q6). */
	uint64_t cr0, cr3, cr4, efer;
	int loaded;
	/* Per-uc_emu_start accounting (code hook). */
	uint64_t executed, budget;
	int deadline;			/* budget ends at the TSC deadline: exit 52 */
	uint64_t last_addr;
	uint32_t last_size;
	struct l2_stopinfo x;
	char why[240];
	struct l2_msr msrs[L2CPU_MSRS];
	unsigned nmsrs;
	uc_context *fault_ctx;		/* fault.c: scratch for l2_fault_forget */
};

struct l2_engine {
	struct tdx_td *td;
	uint8_t *host;		/* TD memory, host view (GPA 0) */
	uint64_t size;
	uint64_t tsc[L2CPU_MAX_VCPUS];	/* virtual TSC: L2 instructions executed */
	struct l2_inst *inst[L2CPU_MAX_VCPUS][TDX_L2_MAX_VMS];
	char why[160];
};

/* inst.c */
struct l2_inst *l2_inst_get(struct l2_engine *e, unsigned vcpu, unsigned vm, char *why, size_t len);
void l2_inst_free(struct l2_inst *in);
/* Refuse: record a fatal stop with a formatted reason and stop Unicorn. */
void l2_fatal(struct l2_inst *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record a VM exit (first one wins) and stop Unicorn. */
void l2_stop_exit(struct l2_inst *in, uint64_t rip, unsigned len);

/* state.c: check the L2 state is one the engine runs correctly, load it
 * into Unicorn; store it back after a run. */
int l2_state_load(struct l2_inst *in, struct tdx_l2_run *run);
void l2_state_store(struct l2_inst *in, struct tdx_l2_run *run);

/* memory.c: lazy mapping of TD pages with the VM's rights (7.6). */
int l2_mem_hooks(struct l2_inst *in);
/* Re-check every mapped page against the current attributes and paging;
 * 0, or -1 after l2_fatal. */
int l2_mem_revalidate(struct l2_inst *in);
/* Drop cached translations (TBs) of every mapped page, or of one. */
void l2_mem_flush(struct l2_inst *in, int all, uint64_t gla);
/* Host pointer to len bytes at gpa if inside TD memory, else NULL. */
const uint8_t *l2_mem_peek(struct l2_inst *in, uint64_t gpa, size_t len);
/* Map a paging-structure page (Unicorn's walk reads it physically). */
int l2_mem_map_table(struct l2_inst *in, uint64_t gpa);
/* A #PF at cr2 caused by a table page not mapped yet: 1 = retry. */
int l2_mem_pf_spurious(struct l2_inst *in, uint64_t cr2);

/* paging.c: walk the L2's page tables for gla (through run->mem, as the
 * CPU's walk is subject to EPT). 0: *gpa set (or *present = 0); -1: the
 * walk hit a page the VM may not read (run->exit-like *fault filled). */
int l2_walk(struct l2_inst *in, uint64_t gla, uint64_t *gpa, int *present,
	    struct tdx_l2_exit *fault);
/* The same, recording the entries it read into *rec. */
int l2_walk_rec(struct l2_inst *in, uint64_t gla, uint64_t *gpa, int *present,
		struct tdx_l2_exit *fault, struct l2_walkprint *rec);

/* EPT-violation qualification bits 11:9 of gla's translation (paging.c). */
uint64_t l2_linear_attrs(struct l2_inst *in, uint64_t gla);

/* decode.c: the instruction at an exit, decoded with Zydis. */
struct l2_insn {
	unsigned len;		/* total length, 0 if it does not decode */
	unsigned mnemonic;	/* ZydisMnemonic: ZYDIS_MNEMONIC_RDMSR, ... */
	int rep;		/* a REP/REPE/REPNE prefix */
	int addr32;		/* address size 32 (0x67) */
	int imm;		/* an immediate operand (IN/OUT imm8) */
	int seg;		/* segment override 0..5 (ES CS SS DS FS GS) or -1 */
};
void l2_decode(const uint8_t *b, size_t n, struct l2_insn *d);

/* hooks.c */
int l2_insn_hooks(struct l2_inst *in);

/* msr.c */
int l2_msr_intercepted(const struct tdx_l2_run *run, uint32_t msr, int write);
uint64_t l2_msr_read(struct l2_inst *in, uint32_t msr);
void l2_msr_write(struct l2_inst *in, uint32_t msr, uint64_t v);

/* fault.c: after Unicorn raised an exception, clear its "exception in
 * flight" so that the next one keeps its vector (no #DF from stale state).
 * l2_fault_init once per instance (0, or -1: out of memory). */
int l2_fault_init(struct l2_inst *in);
void l2_fault_forget(struct l2_inst *in);

/* run.c: the engine's run() */
int l2_run(struct l2_engine *e, struct tdx_l2_run *run);

/* events.c: an exception that Unicorn raised: VM exit 0 / 2 per the
 * exception bitmap and the IDT limit, or refuse. */
void l2_exception(struct l2_inst *in, struct tdx_l2_run *run);

#endif

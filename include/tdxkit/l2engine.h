/*
 * tdxkit/l2engine.h: the interface between the TDX module model and an L2
 * CPU engine, the code that runs the L2 VMs of TD partitioning (tdx-abi.md
 * 7). libtdxkit-l2cpu (tdxkit/l2cpu.h) is one, on Unicorn; another engine
 * attaches the same way, with tdx_td_set_l2_engine() (tdxkit/module.h).
 *
 * TDG.VP.ENTER loads the L2 state into a struct tdx_l2_run and calls the
 * engine's run(); the engine runs the L2 VCPU until a VM exit and reports
 * it VMX style. The module then routes the exit (7.4): to L1 (ENTER
 * returns), to the host (TD exit), or handles it and calls run() again.
 * VMCS fields are named by their encodings (TDXKIT_VMCS_* in tdxkit/abi.h).
 */
#ifndef TDXKIT_L2ENGINE_H
#define TDXKIT_L2ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tdx_td;

/* A VMX exit as the engine reports it (SDM 28.2). */
struct tdx_l2_exit {
	uint32_t reason;	/* full 32-bit exit reason: basic 15:0, bit 31 entry failure */
	uint64_t qual;		/* exit qualification */
	uint64_t gla;		/* guest linear address (EPT violation etc.) */
	uint64_t gpa;		/* guest physical address (EPT violation/misconfig) */
	uint32_t intr_info;	/* VM-exit interruption information */
	uint32_t intr_err;	/* VM-exit interruption error code */
	uint32_t idt_vec_info;	/* IDT-vectoring information */
	uint32_t idt_vec_err;
	uint32_t instr_info;	/* VM-exit instruction information */
	uint32_t instr_len;	/* VM-exit instruction length */
	unsigned eeq_type;	/* set by the module: 6 = PENDING_EPT_VIOLATION (7.3 R13) */
};

/* Access kinds for the memory callback (bit set). */
enum tdx_l2_access {
	TDX_L2_ACC_READ = 1, TDX_L2_ACC_WRITE = 2,
	TDX_L2_ACC_FETCH_S = 4,	/* instruction fetch at CPL 0 (XS) */
	TDX_L2_ACC_FETCH_U = 8,	/* instruction fetch at CPL 3 (XU) */
};

struct tdx_l2_run {
	/* Which L2 VCPU (read-only for the engine). */
	struct tdx_td *td;
	unsigned vcpu;
	unsigned vm;			/* 1..NUM_L2_VMS */
	unsigned invd;			/* ENTER INVD_TRANSLATIONS (0..3): flush before running */
	int launched;			/* 0: first entry of this VM on this VCPU (VMLAUNCH) */
	uint64_t l2_ctls;		/* L2_CTLS[vm] (7.2) */
	uint64_t tsc_deadline;		/* TSC_DEADLINE[vm]: ~0 = disabled; expiry = exit 52 */
	uint64_t vapic_gpa;		/* L2_VAPIC_GPA[vm] */
	/* MSR bitmaps, 512 words each (6.6), 1 = exit: an MSR access exits when
	 * either L1's MSR_BITMAPS_n or the TD's own bitmap has its bit set. */
	const uint64_t *msr_bitmap;	/* L1's */
	const uint64_t *msr_bitmap_td;	/* the TD's (TDCS.MSR_BITMAPS) */
	int msr_granted;		/* in: the RDMSR/WRMSR at RIP runs natively once (the module said so) */
	/* Changes whenever what any L2 VM may do with any page may have
	 * changed (L1 SEPT and shared states, aliases): an engine may keep
	 * page rights it got from mem() while this and l2_ctls stay equal. */
	uint64_t mem_gen;

	/* The L2 register file (in and out). gpr[] is indexed by enum
	 * tdx_gpr; gpr[TDXKIT_GPR_RSP] is the VMCS guest RSP. */
	uint64_t gpr[16];
	uint64_t rip, rflags, ssp;
	uint8_t rvi, svi;		/* GUEST_INTERRUPT_STATUS */

	/* Every other L2 state (CRs, segments, descriptor tables, EFER,
	 * controls, exception bitmap, ...) lives in the VM's VMCS store:
	 * vmread() returns the raw stored value (0 for encodings the store
	 * does not hold), vmwrite() stores one. */
	uint64_t (*vmread)(struct tdx_l2_run *run, uint32_t enc);
	void (*vmwrite)(struct tdx_l2_run *run, uint32_t enc, uint64_t value);

	/* L2 guest-physical memory with this VM's attributes applied (7.6):
	 * copies len bytes (within one 4 KiB page) from (READ/FETCH) or to
	 * (WRITE) buf. 0 on success; -1 when the access is not allowed, with
	 * *fault filled as the EPT-violation exit the engine should report
	 * (reason 48, qualification, GPA; the engine adds GLA and GLA bits). */
	int (*mem)(struct tdx_l2_run *run, uint64_t gpa, void *buf, size_t len,
		   unsigned access, struct tdx_l2_exit *fault);

	struct tdx_l2_exit exit;	/* out: the VM exit */
	const char *why;		/* out on failure: one line for tdx_td_dead_reason() */
	void *module;			/* private to the module */
	void *store;			/* private to the module: this VM's VMCS store */
};

struct tdx_l2_engine_ops {
	const char *name;
	/* Run the L2 VCPU described by *run until a VM exit: update the
	 * register file (and VMCS store), fill run->exit, return 0. Non-zero:
	 * the engine cannot go on; the TD dies with run->why. */
	int (*run)(void *ctx, struct tdx_l2_run *run);
	/* Optional: translations of (vcpu, vm) are invalidated. kind: 1
	 * INVEPT single context, 2 INVVPID single context, 3 single context
	 * retaining globals, 4 one page at gla (TDG.VP.INVGLA). */
	void (*invalidate)(void *ctx, unsigned vcpu, unsigned vm, unsigned kind, uint64_t gla);
	/* Optional: the TD is being destroyed (or another engine replaces
	 * this one): release ctx. */
	void (*destroy)(void *ctx);
	/* Optional: the TD went back to its creation state (tdx_td_reset):
	 * forget every VCPU's L2 state, keep what can be reused. An engine
	 * without per-VCPU state needs none. */
	void (*reset)(void *ctx);
};

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_L2ENGINE_H */

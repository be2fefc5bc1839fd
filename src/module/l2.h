/* l2.h: TD partitioning (tdx-abi.md 7): the per-VCPU, per-L2-VM state the
 * module keeps (L2 VMCS field store, MSR bitmaps, virtual-APIC GPA), the
 * per-TD L2 page aliases (attributes of TDG.MEM.PAGE.ATTR.RD/WR), and the
 * interface of the L2 CPU engine that TDG.VP.ENTER runs.
 *
 * Included by td.h: this header must not include td.h itself. */
#ifndef TDXKIT_MODULE_L2_H
#define TDXKIT_MODULE_L2_H

#include <stddef.h>
#include <stdint.h>

#include "tdxkit/l2engine.h"
#include "tdxkit/module.h"

struct tdx_call;
struct tdx_vcpu;

#define TDX_NULL_PA 0xFFFFFFFFFFFFFFFFull	/* MOD NULL_PA: "never set" */

/* ---- the L2 VMCS store: encodings (TDXKIT_VMCS_*, width VMCS_WIDTH)
 * in tdxkit/abi.h; docs/metadata-fields.md 2.4. */
/* Storage slot of an encoding: width, type and index (every L2 table entry
 * has index < 64). */
#define TDX_L2_VMCS_SLOTS 1024u
#define TDX_L2_VMCS_SLOT(enc) \
	((VMCS_WIDTH(enc) << 8) | ((((enc) >> 10) & 3u) << 6) | (((enc) >> 1) & 0x3Fu))


/* Word 0 (L1) of ATTR.RD/WR outputs: MOD sept_get_gpa_attr() in
 * sept_manager.h returns 0 whatever the L1 SEPT leaf holds (tdx-abi.md 7.6). */
#define TDX_GPA_ATTR_L1 0u

/* ---- per-VCPU, per-VM state ------------------------------------------ */
struct tdx_l2_vm {
	uint64_t vmcs[TDX_L2_VMCS_SLOTS];	/* L2 VMCS fields by TDX_L2_VMCS_SLOT() */
	uint64_t msr_bitmap[512];	/* MSR_BITMAPS_n (6.6): L1's, 1 = intercept */
	uint64_t vapic_gpa;		/* L2_VAPIC_GPA[vm]: TDX_NULL_PA until L1 writes 0x2012 */
	uint64_t guest_state_gpa;	/* L2_ENTER_GUEST_STATE_GPA[vm]: last ENTER's RDX */
	int launched;			/* VM_LAUNCHED[vm] */
	/* Invalidation records (the model has no TLB; tests read these). */
	uint64_t n_invept;		/* single-context INVEPT: ENTER INVD 1, VP.INVEPT, ATTR.WR flag */
	uint64_t n_invvpid;		/* ENTER INVD 2 (single context) */
	uint64_t n_invvpid_nonglobal;	/* ENTER INVD 3 (single context retaining globals) */
	uint64_t n_invgla;		/* 4 KiB pages invalidated by TDG.VP.INVGLA */
	uint64_t last_invgla;		/* the last page's GLA */
	uint64_t n_entries;		/* successful L2 entries */
};

/* ---- per-TD state ------------------------------------------------------ */
/* L2 aliases: one entry per aliased L1 SEPT leaf (4 KiB page, or 2 MiB
 * region keyed with TDX_L2_KEY_2M), holding GPA_ATTR words 1..3. The pool
 * stands for the L2 SEPT pages the host provided: when it is full the
 * module answers TDX_L2_SEPT_WALK_FAILED (7.6, VM_CTLS bit 0 clear). Keys
 * are never deleted; a removed alias keeps its key with attrs 0. */
#define TDX_L2_ALIAS_SLOTS (1u << 17)
#define TDX_L2_KEY_2M (1ull << 62)
struct tdx_l2_alias {
	uint64_t key;	/* 0 = empty; else (page frame | TDX_L2_KEY_2M?) + 1 */
	uint64_t attr;	/* GPA_ATTR with word 0 = 0 */
};

/* The first slots filled, so that a TD reset clears a few aliases without
 * sweeping the 2 MiB pool. */
#define TDX_L2_ALIAS_LOG 256u

struct tdx_l2_td {
	const struct tdx_l2_engine_ops *engine;
	void *engine_ctx;
	/* TDCS.MSR_BITMAPS: the TD's own intercepts (l2_msr.c), ORed into
	 * every L2's bitmap; 1 = exit. */
	uint64_t msr_bitmap[512];
	uint32_t nalias;
	uint32_t alias_log[TDX_L2_ALIAS_LOG];	/* slot of alias n, n < TDX_L2_ALIAS_LOG */
	struct tdx_l2_alias alias[TDX_L2_ALIAS_SLOTS];
};

/* An L2 exit that went to the host and completes into L1 when the host
 * resumes the VCPU (7.4). */
struct tdx_l2_pending {
	int active;
	int tdvmcall;			/* 1: an L2 TDG.VP.VMCALL routed to the host */
	uint64_t vmcall_ctl;		/* the L2's RCX (expose mask) */
	struct tdx_l2_run run;		/* the L2 state and exit at the TD exit */
};

struct tdx_l2_vcpu {
	unsigned inited;		/* bit vm - 1: vm[vm - 1] has its initial values */
	struct tdx_l2_vm vm[TDX_L2_MAX_VMS];	/* index vm - 1, only through tdx_l2_vm() */
	/* L1's virtual-APIC RVI and PPR: ENTER refuses with
	 * TDX_PENDING_INTERRUPT when RVI[7:4] > PPR[7:4] (7.3). */
	uint8_t l1_rvi, l1_ppr;
	struct tdx_l2_pending pending;
};

/* The engine used while none is registered: every run fails with
 * "no L2 CPU engine". */
extern const struct tdx_l2_engine_ops tdx_l2_no_engine;

/* ---- module-internal helpers (metadata_l2.c, l2_attr.c, l2_exit.c) ---- */

/* The VCPU's state of L2 VM `vm` (1..3), initialised on first use. */
struct tdx_l2_vm *tdx_l2_vm(struct tdx_vcpu *v, unsigned vm);
/* Raw store access by encoding (no masks); unknown encodings read 0. */
uint64_t tdx_l2_vmcs_get(const struct tdx_l2_vm *s, uint32_t enc);
void tdx_l2_vmcs_set(struct tdx_l2_vm *s, uint32_t enc, uint64_t v);

/* Current attribute word (VALID | bits, or 0 = no alias) of VM vm for the
 * 4 KiB page at gpa (private offset). */
uint16_t tdx_l2_attr_get(const struct tdx_td *td, uint64_t gpa, unsigned vm);
/* Words 1..3 of the alias of the L1 leaf (gpa, level); 0 if none. */
uint64_t tdx_l2_alias_get(const struct tdx_td *td, uint64_t gpa, unsigned level);
/* Store words 1..3 for the leaf; -1 when the alias pool is exhausted. */
int tdx_l2_alias_set(struct tdx_td *td, uint64_t gpa, unsigned level, uint64_t attr);
int tdx_l2_alias_room(const struct tdx_td *td, uint64_t gpa, unsigned level);
/* No aliases at all, as at TD creation. */
void tdx_l2_alias_reset(struct tdx_td *td);
/* The attributes actually in force for VM vm at a 4 KiB page: 0 while
 * the L1 page is not PRESENT (an alias of a PENDING page is blocked until
 * ACCEPT, 7.6). */
uint16_t tdx_l2_attr_effective(const struct tdx_td *td, uint64_t gpa, unsigned vm);

/* l2_exit.c: record an invalidation and tell the engine. */
void tdx_l2_invalidate(struct tdx_call *c, unsigned vm, unsigned kind, uint64_t gla);
/* Complete an L2 -> L1 exit: L1 output registers (7.3), VMCS exit fields,
 * guest-state page written back. Returns the RAX value. */
uint64_t tdx_l2_exit_to_l1(struct tdx_td *td, struct tdx_vcpu *v, struct tdx_regs *l1,
			   unsigned vm, const struct tdx_l2_run *run, uint64_t cls);
/* Where an exit the engine reported goes (7.4). TO_HOST: c->exit and the
 * VCPU's pending state are set, c->outcome = TD_EXIT. RESUME: the module
 * handled it inside the L2 (run again). TO_L1: *cls is the status class. */
enum tdx_l2_route { TDX_L2_TO_L1, TDX_L2_TO_HOST, TDX_L2_RESUME };
enum tdx_l2_route tdx_l2_route(struct tdx_call *c, struct tdx_l2_run *run, uint64_t *cls);
/* Fill a run for VM vm of the calling VCPU (callbacks, controls). */
void tdx_l2_run_init(struct tdx_call *c, struct tdx_l2_run *run, unsigned vm);
/* l2_msr.c: the TD's own MSR bitmap (at creation) and the module's
 * handling of an L2 RDMSR/WRMSR exit (to L1, or handled). */
void tdx_l2_msr_bitmap_init(struct tdx_td *td);
enum tdx_l2_route tdx_l2_msr_exit(struct tdx_call *c, struct tdx_l2_run *run);
/* tdx_module_resume() for a VCPU whose last TD exit came from an L2. */
enum tdx_tdcall_outcome tdx_l2_resume(struct tdx_td *td, struct tdx_vcpu *v,
				      struct tdx_regs *regs, const struct tdx_td_exit *exit);

#endif

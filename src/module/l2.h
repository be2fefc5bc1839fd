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

#include "tdxkit/module.h"

struct tdx_call;
struct tdx_vcpu;

#define TDX_L2_MAX_VMS 3
#define TDX_NULL_PA 0xFFFFFFFFFFFFFFFFull	/* MOD NULL_PA: "never set" */

/* ---- VMCS encodings (SDM appendix B; docs/metadata-fields.md 2.4) -------
 * bits 14:13 width (0 = 16-bit, 1 = 64-bit, 2 = 32-bit, 3 = natural),
 * bits 11:10 type, bits 9:1 index, bit 0 = "high" access of a 64-bit field. */
#define TDX_VMCS_WIDTH(enc)	(((enc) >> 13) & 3u)
enum tdx_vmcs_width { TDX_VMCS_W16 = 0, TDX_VMCS_W64 = 1, TDX_VMCS_W32 = 2, TDX_VMCS_WNAT = 3 };
/* Storage slot of an encoding: width, type and index (every L2 table entry
 * has index < 64). */
#define TDX_L2_VMCS_SLOTS 1024u
#define TDX_L2_VMCS_SLOT(enc) \
	((TDX_VMCS_WIDTH(enc) << 8) | ((((enc) >> 10) & 3u) << 6) | (((enc) >> 1) & 0x3Fu))

/* Encodings the module itself and the engine use. */
enum {
	VMCS_GUEST_ES_SEL = 0x0800, VMCS_GUEST_CS_SEL = 0x0802, VMCS_GUEST_SS_SEL = 0x0804,
	VMCS_GUEST_DS_SEL = 0x0806, VMCS_GUEST_FS_SEL = 0x0808, VMCS_GUEST_GS_SEL = 0x080A,
	VMCS_GUEST_LDTR_SEL = 0x080C, VMCS_GUEST_TR_SEL = 0x080E,
	VMCS_GUEST_INTR_STATUS = 0x0810,
	VMCS_VIRTUAL_APIC_ADDR = 0x2012,
	VMCS_EPTP = 0x201A,
	VMCS_HLAT_PTR = 0x2040,
	VMCS_SHARED_EPTP = 0x203C,
	VMCS_GUEST_PHYS_ADDR = 0x2400,
	VMCS_GUEST_DEBUGCTL = 0x2802, VMCS_GUEST_PAT = 0x2804, VMCS_GUEST_EFER = 0x2806,
	VMCS_GUEST_PDPTE0 = 0x280A, VMCS_GUEST_PDPTE3 = 0x2810,
	VMCS_PIN_CTLS = 0x4000, VMCS_PROC_CTLS = 0x4002, VMCS_EXCEPTION_BITMAP = 0x4004,
	VMCS_EXIT_CTLS = 0x400C, VMCS_ENTRY_CTLS = 0x4012, VMCS_PROC_CTLS2 = 0x401E,
	VMCS_ENTRY_INTR_INFO = 0x4016, VMCS_ENTRY_EXC_ERR = 0x4018,
	VMCS_EXIT_REASON = 0x4402, VMCS_EXIT_INTR_INFO = 0x4404, VMCS_EXIT_INTR_ERR = 0x4406,
	VMCS_IDT_VEC_INFO = 0x4408, VMCS_IDT_VEC_ERR = 0x440A, VMCS_EXIT_INSTR_LEN = 0x440C,
	VMCS_EXIT_INSTR_INFO = 0x440E,
	VMCS_GUEST_ES_LIMIT = 0x4800, VMCS_GUEST_CS_LIMIT = 0x4802,
	VMCS_GUEST_GDTR_LIMIT = 0x4810, VMCS_GUEST_IDTR_LIMIT = 0x4812,
	VMCS_GUEST_ES_AR = 0x4814, VMCS_GUEST_CS_AR = 0x4816, VMCS_GUEST_SS_AR = 0x4818,
	VMCS_GUEST_LDTR_AR = 0x4820, VMCS_GUEST_TR_AR = 0x4822,
	VMCS_GUEST_INTERRUPTIBILITY = 0x4824, VMCS_GUEST_ACTIVITY = 0x4826,
	VMCS_CR0_MASK = 0x6000, VMCS_CR4_MASK = 0x6002, VMCS_CR0_SHADOW = 0x6004,
	VMCS_CR4_SHADOW = 0x6006,
	VMCS_EXIT_QUAL = 0x6400, VMCS_GUEST_LINEAR_ADDR = 0x640A,
	VMCS_GUEST_CR0 = 0x6800, VMCS_GUEST_CR3 = 0x6802, VMCS_GUEST_CR4 = 0x6804,
	VMCS_GUEST_ES_BASE = 0x6806, VMCS_GUEST_CS_BASE = 0x6808,
	VMCS_GUEST_GDTR_BASE = 0x6816, VMCS_GUEST_IDTR_BASE = 0x6818,
	VMCS_GUEST_DR7 = 0x681A, VMCS_GUEST_RSP = 0x681C, VMCS_GUEST_RIP = 0x681E,
	VMCS_GUEST_RFLAGS = 0x6820, VMCS_GUEST_SSP = 0x682A,
};

/* ---- GPA_ATTR (7.6): four 16-bit words, word n = VM n ----------------- */
#define TDX_GPA_ATTR_R     0x0001u
#define TDX_GPA_ATTR_W     0x0002u
#define TDX_GPA_ATTR_XS    0x0004u
#define TDX_GPA_ATTR_XU    0x0008u
#define TDX_GPA_ATTR_VGP   0x0010u
#define TDX_GPA_ATTR_PWA   0x0020u
#define TDX_GPA_ATTR_SSS   0x0040u
#define TDX_GPA_ATTR_SVE   0x0080u
#define TDX_GPA_ATTR_RSVD  0x7F00u	/* bits 14:8 */
#define TDX_GPA_ATTR_VALID 0x8000u
#define TDX_GPA_ATTR_PRESENT (TDX_GPA_ATTR_R | TDX_GPA_ATTR_W | TDX_GPA_ATTR_XS | TDX_GPA_ATTR_XU)
#define TDX_ATTR_FLAGS_INVEPT 0x8000u	/* R8 word bit 15 */
#define TDX_GPA_ATTR_WORD(a, vm) ((uint16_t)((a) >> (16 * (vm))))
/* Word 0 (L1) of ATTR.RD/WR outputs: MOD sept_get_gpa_attr() in
 * sept_manager.h returns 0 whatever the L1 SEPT leaf holds (tdx-abi.md 7.6). */
#define TDX_GPA_ATTR_L1 0u
/* Output RCX of ATTR.RD/WR: bit 62 = the page is still PENDING (7.6). */
#define TDX_GPA_MAPPING_PENDING (1ull << 62)

/* L2_CTLS bits (7.2). */
#define TDX_L2_CTLS_ENABLE_SHARED_EPTP (1ull << 0)
#define TDX_L2_CTLS_ENABLE_TDVMCALL    (1ull << 1)
#define TDX_L2_CTLS_ENABLE_EXTENDED_VE (1ull << 2)

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

struct tdx_l2_engine_ops;

struct tdx_l2_td {
	const struct tdx_l2_engine_ops *engine;
	void *engine_ctx;
	/* TDCS.MSR_BITMAPS: the TD's own intercepts (l2_msr.c), ORed into
	 * every L2's bitmap; 1 = exit. */
	uint64_t msr_bitmap[512];
	uint32_t nalias;
	struct tdx_l2_alias alias[TDX_L2_ALIAS_SLOTS];
};

/* ---- the L2 CPU engine ------------------------------------------------- *
 * TDG.VP.ENTER loads the L2 state and calls engine->run(); the engine runs
 * the L2 VCPU until a VM exit and reports it VMX style. The module then
 * routes the exit (7.4): to L1 (ENTER returns), to the host (TD exit), or
 * handles it and calls run() again. */

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
	const uint64_t *msr_bitmap_td;	/* the TD's (TDCS.MSR_BITMAPS; l2_msr.c) */
	int msr_granted;		/* in: the RDMSR/WRMSR at RIP runs natively once (module said so) */

	/* The L2 register file (in and out). gpr[] is indexed by enum
	 * tdx_gpr; gpr[TDX_GPR_RSP] is the VMCS guest RSP. */
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
	int init;			/* the fields below got their initial values */
	struct tdx_l2_vm vm[TDX_L2_MAX_VMS];	/* index vm - 1 */
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

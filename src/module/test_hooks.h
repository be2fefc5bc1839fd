/* test_hooks.h: the module's test hooks - the only module internals that
 * tests and fuzzers (tests/, fuzz/) reach; everything else they do goes
 * through the public headers. A hook is here because no public interface
 * shows or sets that state, and a test needs it to check the module
 * independently (the MAC key for an OpenSSL HMAC, the invalidation records
 * of a model without a TLB) or to set up a case a guest cannot reach
 * (contention on the RTMR lock, an exhausted L2 alias pool). Hooks live in
 * libtdxkit (test_hooks.c) but are not part of its API: libtdxkit.so does
 * not export them, so tests link the static library. Not installed. */
#ifndef TDXKIT_MODULE_TEST_HOOKS_H
#define TDXKIT_MODULE_TEST_HOOKS_H

#include <stddef.h>
#include <stdint.h>
#include "tdxkit/module.h"

/* ---- memory ---------------------------------------------------------------- */
/* The built-in host's answer to an EPT-violation TD exit, as tdx_tdcall()
 * gives it (AUG or DEMOTE per the SEPT policy): 0, or -1 with a reason. */
int tdx_test_host_ept(struct tdx_td *td, const struct tdx_td_exit *exit, char *why, size_t len);

/* One GPA operand through the walk every leaf uses (MOD helpers.c), as
 * VCPU 0 of td: TDX_SUCCESS with *ptr = the host view of [gpa, gpa+len),
 * an error status | operand, or TDX_TEST_GPA_DIVERTED with out->outcome
 * TD_EXIT (out->exit: an EPT violation for the host) or INJECT (out->inj,
 * #VE recorded). */
#define TDX_TEST_GPA_DIVERTED 0xFFFFFFFFFFFFFFFFull
struct tdx_test_gpa {
	struct tdx_td_exit exit;
	struct tdx_inject inj;
	enum tdx_tdcall_outcome outcome;
};
uint64_t tdx_test_gpa_access(struct tdx_td *td, uint64_t gpa, uint64_t len, int write,
			     int allow_shared, unsigned operand, void **ptr, struct tdx_test_gpa *out);

/* Hold (1) or release (0) the SEPT entry lock a guest leaf walking to
 * `level` (TDX_PAGE_4K or TDX_PAGE_2M) takes at gpa, as another VCPU's
 * leaf would: while held, leaves that need that entry answer
 * OPERAND_BUSY | RCX. Holding returns 1 if the entry was free. */
int tdx_test_sept_hold(struct tdx_td *td, uint64_t gpa, int level, int hold);

/* ---- VCPU and TD state --------------------------------------------------- */
struct tdx_test_vcpu {
	uint8_t cpuid_supervisor_ve, cpuid_user_ve;	/* TDG.VP.CPUIDVE.SET state */
	int intr_pending;			/* tdx_vcpu_set_interrupt_pending() */
	uint32_t ve_valid;			/* VE_INFO.VALID */
	uint64_t l2_ctls[4], tsc_deadline[4];	/* index = VM (0 unused) */
};
/* 0, or -1 for no such VCPU. */
int tdx_test_vcpu(const struct tdx_td *td, unsigned vcpu, struct tdx_test_vcpu *out);
/* VE_INFO as the module would record it on a #VE (ve), with VALID = valid. */
void tdx_test_set_ve_info(struct tdx_td *td, unsigned vcpu, const struct tdx_ve_event *ve,
			  uint32_t valid);
/* TD_CTLS as a host-side configuration would leave it (5.5). */
void tdx_test_set_td_ctls(struct tdx_td *td, uint64_t td_ctls);
/* The host gave up on the TD (every later TDCALL is refused). */
int tdx_test_td_dead(const struct tdx_td *td);

/* ---- measurement ------------------------------------------------------------- */
/* The per-TD REPORTMACSTRUCT key and CPUSVN, for independent checks. */
void tdx_test_mr_secrets(const struct tdx_td *td, uint8_t mac_key[32], uint8_t cpusvn[16]);
/* A TDREPORT as TDG.MR.REPORT builds it, without a TDCALL: 0 or -1. */
int tdx_test_report_build(const struct tdx_td *td, const uint8_t reportdata[64],
			  struct tdx_report *out);
/* Hold (1) or release (0) the RTMR lock as another VCPU's leaf would:
 * while held, leaves that need it answer OPERAND_BUSY | RTMR. Holding
 * returns 1 if the lock was free. */
int tdx_test_rtmr_hold(struct tdx_td *td, int hold);

/* ---- metadata ------------------------------------------------------------------ */
/* The field tables' self-check (masks inside element sizes, memory rows
 * inside their members) for context 0 SYS, 1 TD, 2 VCPU: -1 when sound,
 * else the index of the first bad row; *rows = the table's size. */
long tdx_test_md_table(unsigned context, size_t *rows);

/* ---- TD partitioning ----------------------------------------------------------- */
#define TDX_TEST_NULL_PA 0xFFFFFFFFFFFFFFFFull	/* MOD NULL_PA: L2_VAPIC_GPA never set */
/* Word 0 of GPA_ATTR in ATTR.RD/WR outputs: 0 (MOD sept_get_gpa_attr). */
#define TDX_TEST_GPA_ATTR_L1 0u
struct tdx_test_l2_vm {
	uint64_t vapic_gpa;		/* L2_VAPIC_GPA[vm] */
	const uint64_t *msr_bitmap;	/* MSR_BITMAPS_n, 512 words */
	int launched;
	uint64_t n_invept, n_invvpid, n_invvpid_nonglobal;	/* invalidation records */
	uint64_t n_invgla, last_invgla;
	uint64_t n_entries;		/* successful L2 entries */
};
/* 0, or -1 for no such VCPU or VM (1..3). */
int tdx_test_l2_vm(struct tdx_td *td, unsigned vcpu, unsigned vm, struct tdx_test_l2_vm *out);
/* The raw L2 VMCS store of (vcpu, vm) by encoding (no masks). */
uint64_t tdx_test_l2_vmcs(struct tdx_td *td, unsigned vcpu, unsigned vm, uint32_t enc);
void tdx_test_l2_set_vapic(struct tdx_td *td, unsigned vcpu, unsigned vm, uint64_t gpa);
/* VM vm's attribute word for the 4 KiB page at gpa: as stored (VALID |
 * bits, 0 = no alias), or in force (effective: 0 while the L1 page is not
 * PRESENT, 7.6). */
uint16_t tdx_test_l2_attr(const struct tdx_td *td, uint64_t gpa, unsigned vm, int effective);
/* Use up the L2 alias pool (the L2 SEPT pages the host provided). */
void tdx_test_l2_alias_pool_full(struct tdx_td *td);

#endif

/* td.h: the module's private view of a TD, its VCPUs and a TDCALL in flight. */
#ifndef TDXKIT_MODULE_TD_H
#define TDXKIT_MODULE_TD_H

#include <stdatomic.h>
#include <stdint.h>
#include "tdxkit/module.h"
#include "mem.h"
#include "l2.h"

#define TDX_MAX_VCPUS 64
#define TDX_MAX_L2_VMS 3

/* TDVPS VE_INFO (section 4.2). */
struct tdx_ve_info {
	uint32_t exit_reason;
	uint32_t valid;
	uint64_t exit_qual;
	uint64_t gla;
	uint64_t gpa;
	uint16_t eptp_index;
	uint32_t instr_len;
	uint32_t instr_info;
};

struct tdx_vcpu {
	unsigned index;
	struct tdx_ve_info ve;
	uint8_t cpuid_supervisor_ve;
	uint8_t cpuid_user_ve;
	uint64_t l2_ctls[1 + TDX_MAX_L2_VMS];
	uint64_t tsc_deadline[1 + TDX_MAX_L2_VMS];
	/* TDVPS CPUID_CONTROL (class 33): per-entry bit 0 #VE at CPL 0, bit 1 at CPL > 0. */
	uint8_t cpuid_control[128];
	/* A TDVMCALL in flight: the control value, for tdx_module_resume(). */
	uint64_t vmcall_ctl;
	int in_vmcall;
	/* A trap-like async TD exit in flight (cross-TD trap): the guest's
	 * RAX once the host resumes it; its other outputs are already in place. */
	uint64_t trap_rax;
	int in_trap;
	/* An interrupt is pending for this VCPU: interruptible leaves stop
	 * early and are re-executed (1.3). Set by tdx_vcpu_set_interrupt_pending,
	 * or by a vector the host posted (tdx_vcpu_post_interrupt) in posted[]. */
	_Atomic int intr_pending;
	_Atomic uint64_t posted[4];	/* vectors 0..255 */
	/* TD partitioning (l2.h): L2 VMCS stores, MSR bitmaps, vAPIC GPAs. */
	struct tdx_l2_vcpu l2;
};

/* Measurement state (section 9). */
struct tdx_measure {
	uint8_t rtmr[TDX_NUM_RTMRS][TDX_MR_SIZE];
	uint8_t mac_key[32];	/* per-TD secret: HMAC-SHA-256 key for REPORTMACSTRUCT */
	uint8_t cpusvn[16];
	_Atomic int rtmr_lock;	/* try-lock: contention is OPERAND_BUSY | RTMR (9.3) */
	/* The module's TEE_TCB_INFO and its SHA-384 never change: built at
	 * creation, so that a report hashes only its TDINFO. */
	struct tdx_tee_tcb_info tee_tcb_info;
	uint8_t tee_tcb_info_hash[TDX_MR_SIZE];
};

struct tdx_td {
	struct tdx_td_config cfg;
	uint64_t shared_bit;
	uint64_t td_ctls;
	uint64_t notify_enables;
	uint64_t td_uuid[4];	/* TDR.TD_UUID: random, drawn by tdx_measure_init() */
	struct tdx_mem mem;
	struct tdx_measure mr;
	struct tdx_vcpu *vcpus;	/* cfg.num_vcpus of them: each carries its L2 state */
	tdx_trace_fn trace;
	void *trace_ctx;
	tdx_interrupt_notify_fn notify;	/* a vector was posted for a VCPU */
	void *notify_ctx;
	/* The TD is dead (the host gave up): every later TDCALL is refused.
	 * The first tdx_td_kill() writes the reason, then sets dead. */
	_Atomic int dead;
	_Atomic int dying;
	char dead_reason[256];
	_Atomic int ended;	/* ... on purpose (tdx_td_end), with this status */
	int end_status;
	/* TD partitioning (l2.h): L2 engine and L2 page aliases. */
	struct tdx_l2_td l2;
};

/* A TDCALL being serviced: what every leaf handler gets. */
struct tdx_call {
	struct tdx_td *td;
	struct tdx_vcpu *vcpu;
	struct tdx_regs *regs;
	struct tdx_td_exit *exit;
	struct tdx_inject *inj;
	enum tdx_tdcall_outcome outcome;	/* DONE unless the leaf diverts */
};

/* A leaf handler returns the completion status for RAX; it writes its
 * output registers itself. When it sets c->outcome to something other than
 * DONE the return value is ignored. */
typedef uint64_t tdx_leaf_fn(struct tdx_call *c);

tdx_leaf_fn tdg_vp_vmcall, tdg_vp_info, tdg_mr_rtmr_extend, tdg_vp_veinfo_get,
	tdg_mr_report, tdg_vp_cpuidve_set, tdg_mem_page_accept, tdg_vm_rd,
	tdg_vm_wr, tdg_vp_rd, tdg_vp_wr, tdg_sys_rd, tdg_sys_rdall, tdg_servtd_rd, tdg_servtd_wr,
	tdg_mr_verifyreport;
/* TD partitioning leaves (tdx-abi.md 7). */
tdx_leaf_fn tdg_mem_page_attr_rd, tdg_mem_page_attr_wr, tdg_vp_enter, tdg_vp_invept,
	tdg_vp_invgla;

static inline uint64_t tdx_status_opnd(uint64_t status, unsigned operand)
{
	return status | operand;
}

/* The TD is dead from now on, for the reason given (the first caller's
 * reason is kept; async-signal-safe for plain %s/%u/%llx formats). */
void tdx_td_kill(struct tdx_td *td, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A window update failed (mem.h win_errno): kill the TD with the reason
 * and return -1; 0 if the windows are fine. */
int tdx_td_check_windows(struct tdx_td *td);
/* A vector is pending for the VCPU, or the host said so: interruptible
 * leaves stop early (1.3). */
int tdx_vcpu_interrupted(const struct tdx_vcpu *v);

/* Divert the TDCALL into an EPT-violation TD exit to the host (fault-like:
 * the TDCALL is re-executed after the host resumes the TD). */
void tdx_exit_ept_violation(struct tdx_call *c, uint64_t gpa, uint64_t qual,
			    uint64_t eeq, const char *why);
/* Divert into a trap-like TD exit (c->exit filled by the caller): the
 * leaf's outputs stay in the guest registers, RIP moves past the TDCALL, and
 * on resume the guest sees `guest_rax` (MOD async_tdexit_cross_td). */
void tdx_exit_trap_like(struct tdx_call *c, uint64_t guest_rax);
/* Divert into a #VE for the guest, recording VE info (section 4.1). */
void tdx_inject_ve(struct tdx_call *c, uint32_t exit_reason, uint64_t qual,
		   uint64_t gla, uint64_t gpa, uint32_t instr_len, uint32_t instr_info);

/* cpuid.c: MOD's CPUID lookup index of (leaf, subleaf), or -1; and the
 * TD's configured value of an entry (what TDG.VM.RD of CPUID_VALUES and a
 * CPUID exit start from): 0, or -1 for a missing or faulting entry. */
int tdx_cpuid_index(uint32_t leaf, uint32_t subleaf);
int tdx_cpuid_config_value(const struct tdx_td *td, uint32_t leaf, uint32_t subleaf,
			   uint32_t out[4]);

/* Measurement helpers (measure.c). */
int tdx_measure_init(struct tdx_td *td, char *err, size_t errlen);
/* SHA-384 of a || b (b may be NULL with blen 0); 0 or -1 (OpenSSL failed). */
int tdx_sha384(const void *a, size_t alen, const void *b, size_t blen, uint8_t out[TDX_MR_SIZE]);
/* The modelled module's TEE_TCB_INFO (9.2); 0 or -1. */
/* report.c: TDREPORT_STRUCT for this TD with the given REPORTDATA, MAC
 * included; and the model's MAC over REPORTMACSTRUCT bytes 0..223. 0 or -1. */
/* RTMR lock (measure.c): 1 if taken, 0 if another flow holds it. */
int tdx_rtmr_trylock(struct tdx_td *td);
void tdx_rtmr_unlock(struct tdx_td *td);
/* rep must be 8-byte aligned (the packed struct hides that requirement). */
int tdx_report_build(const struct tdx_td *td, const uint8_t reportdata[TDX_REPORTDATA_SIZE],
		     struct tdx_report *rep);
int tdx_report_mac_compute(const struct tdx_td *td, const struct tdx_report_mac *m,
			   uint8_t out[32]);

#endif

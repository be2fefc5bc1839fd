/* td.h: the module's private view of a TD, its VCPUs and a TDCALL in flight. */
#ifndef TDXKIT_MODULE_TD_H
#define TDXKIT_MODULE_TD_H

#include <stdint.h>
#include "tdxkit/module.h"
#include "mem.h"

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
	/* A TDVMCALL in flight: the control value, for tdx_module_resume(). */
	uint64_t vmcall_ctl;
	int in_vmcall;
};

/* Measurement state (section 9). */
struct tdx_measure {
	uint8_t rtmr[TDX_NUM_RTMRS][TDX_MR_SIZE];
	uint8_t mac_key[32];	/* per-TD secret: HMAC-SHA-256 key for REPORTMACSTRUCT */
	uint8_t cpusvn[16];
};

struct tdx_td {
	struct tdx_td_config cfg;
	uint64_t shared_bit;
	uint64_t td_ctls;
	uint64_t notify_enables;
	struct tdx_mem mem;
	struct tdx_measure mr;
	struct tdx_vcpu vcpus[TDX_MAX_VCPUS];
	tdx_trace_fn trace;
	void *trace_ctx;
	int dead;		/* the host gave up: every later TDCALL is refused */
	char dead_reason[256];
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
	tdg_vm_wr, tdg_vp_rd, tdg_vp_wr, tdg_sys_rd, tdg_mr_verifyreport;

static inline uint64_t tdx_status_opnd(uint64_t status, unsigned operand)
{
	return status | operand;
}

/* Divert the TDCALL into an EPT-violation TD exit to the host (fault-like:
 * the TDCALL is re-executed after the host resumes the TD). */
void tdx_exit_ept_violation(struct tdx_call *c, uint64_t gpa, uint64_t qual,
			    uint64_t eeq, const char *why);
/* Divert into a #VE for the guest, recording VE info (section 4.1). */
void tdx_inject_ve(struct tdx_call *c, uint32_t exit_reason, uint64_t qual,
		   uint64_t gla, uint64_t gpa, uint32_t instr_len, uint32_t instr_info);

/* Measurement helpers (measure.c). */
int tdx_measure_init(struct tdx_td *td, char *err, size_t errlen);

#endif

/*
 * tdxkit/host.h: the host (VMM) side of TDG.VP.VMCALL, usable without the
 * module model.
 *
 * A VMM fills a struct tdx_host_exit from what TDH.VP.ENTER returns on a
 * TDVMCALL exit (tdx-abi.md 3.1, 11): RCX = GPR_SELECT | XMM_SELECT << 16 |
 * VM << 32 and the guest's GPRs, 0 where the guest did not expose them.
 * tdx_host_decode() turns that into a typed, validated request;
 * tdx_host_complete() writes R10 (GHCI status, 3.3) and the service's
 * outputs back, only into registers the guest exposed. tdx_host_dispatch()
 * does both around a table of handlers, one per request kind.
 *
 * The KVM adapter presents requests in the shape of the Linux KVM uAPI
 * (struct kvm_run exits) so user-space handlers written for KVM can be
 * reused; the mirror structs below keep KVM's field names and layout but do
 * not need <linux/kvm.h>.
 */
#ifndef TDXKIT_HOST_H
#define TDXKIT_HOST_H

#include <stddef.h>
#include <stdint.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- what the VMM sees (tdx-abi.md 3.1, 11) ------------------------------ */
struct tdx_host_exit {
	uint64_t qual;			/* RCX: GPR_SELECT | XMM_SELECT << 16 | VM << 32 */
	uint64_t gpr[TDX_NR_GPRS];	/* enum tdx_gpr; 0 where not exposed */
};

static inline uint32_t tdx_host_exit_gprs(const struct tdx_host_exit *e)
{
	return (uint32_t)(e->qual & 0xFFFF);
}
static inline unsigned tdx_host_exit_vm(const struct tdx_host_exit *e)
{
	return (unsigned)((e->qual >> 32) & 3);
}
static inline int tdx_host_exposed(const struct tdx_host_exit *e, enum tdx_gpr g)
{
	return (unsigned)g < TDX_NR_GPRS && (tdx_host_exit_gprs(e) >> g) & 1;
}

/* What the decoder needs to know about the TD. */
struct tdx_host_config {
	unsigned gpaw;		/* 48 or 52: shared bit = GPAW - 1 (3.5) */
};

/* ---- typed requests ------------------------------------------------------ */
enum tdx_host_kind {
	TDX_HOST_UNKNOWN = 0,	/* standard sub-function we do not know */
	TDX_HOST_CPUID,
	TDX_HOST_HLT,
	TDX_HOST_IO,
	TDX_HOST_RDMSR,
	TDX_HOST_WRMSR,
	TDX_HOST_MMIO,
	TDX_HOST_WBINVD,
	TDX_HOST_GET_TD_VM_CALL_INFO,
	TDX_HOST_MAP_GPA,
	TDX_HOST_GET_QUOTE,
	TDX_HOST_REPORT_FATAL_ERROR,
	TDX_HOST_SETUP_EVENT_NOTIFY,
	TDX_HOST_SERVICE,
	TDX_HOST_VENDOR,	/* R10 != 0: KVM hypercall nr in R10, args R11..R14 */
	TDX_HOST_NR_KINDS
};

enum { TDX_HOST_DIR_READ = 0, TDX_HOST_DIR_WRITE = 1 };	/* IO: 0 = IN, 1 = OUT */

#define TDX_HOST_FATAL_MSG_LEN 64
struct tdx_host_fatal {
	uint64_t r12;		/* raw error word */
	uint32_t code;		/* R12 bits 31:0 */
	int gpa_valid;		/* R12 bit 63 */
	uint64_t gpa;		/* R13 when gpa_valid, else 0 */
	char msg[TDX_HOST_FATAL_MSG_LEN + 1];	/* always NUL-terminated */
};

struct tdx_host_req {
	enum tdx_host_kind kind;
	uint64_t subfn;		/* R11 (standard) or R10 (vendor) */
	unsigned vm;		/* 0 = L1, 1..3 = L2 */
	unsigned vcpu;		/* set by tdx_host_dispatch() */
	uint32_t gprs;		/* exposed GPR mask */
	union {
		struct { uint32_t leaf, subleaf; } cpuid;
		struct { int irq_blocked; } hlt;
		struct { uint8_t size, direction; uint16_t port; uint64_t data; } io;
		struct { uint32_t index; } rdmsr;
		struct { uint32_t index; uint64_t value; } wrmsr;
		struct { uint8_t size, direction; uint64_t gpa, addr, data; } mmio;	/* addr: gpa without shared bit */
		struct { uint64_t op; } wbinvd;
		struct { uint64_t leaf; } info;
		struct { uint64_t gpa, size, addr; int to_shared; } map_gpa;
		struct { uint64_t gpa, size, addr; } quote;
		struct tdx_host_fatal fatal;
		struct { uint8_t vector; } notify;
		struct { uint64_t cmd, resp, vector, timeout; } service;
		struct { uint64_t nr, args[4]; } vendor;
	};
};

/* What a handler returns: status goes to R10, out[] (indexed by enum
 * tdx_gpr) to the output registers of the service (e.g. out[R11] for IO IN,
 * out[R12..R15] for CPUID). Only registers the service defines as outputs
 * and the guest exposed are written. */
struct tdx_host_resp {
	uint64_t status;
	uint64_t out[TDX_NR_GPRS];
};

/* Decode and validate. Fills *req (kind and typed fields, also for invalid
 * requests) and returns the GHCI status the request deserves: SUCCESS when
 * it should go to a handler, else INVALID_OPERAND / ALIGN_ERROR /
 * SUBFUNC_UNSUPPORTED (see validate.c for which rule follows whom). */
uint64_t tdx_host_decode(const struct tdx_host_config *cfg, const struct tdx_host_exit *e,
			 struct tdx_host_req *req);

/* Write R10 = resp->status and the outputs into e->gpr, only where exposed.
 * Returns 0, or -1 if R10 was not exposed (the status cannot be delivered). */
int tdx_host_complete(struct tdx_host_exit *e, const struct tdx_host_req *req,
		      const struct tdx_host_resp *resp);

/* Output registers a completion of `req` with `status` may write (mask of
 * enum tdx_gpr bits, before masking with the exposed set). */
uint32_t tdx_host_out_mask(const struct tdx_host_req *req, uint64_t status);

const char *tdx_host_kind_name(enum tdx_host_kind k);

/* ReportFatalError (3.8): "TD fatal error 0x<code> [gpa 0x...]: <msg>".
 * Non-printable bytes become '?'. Returns snprintf's result. */
int tdx_host_fatal_format(const struct tdx_host_fatal *f, char *buf, size_t len);

/* ---- handler table (one handler per kind) -------------------------------- */
/* Return 0 to resume the TD, non-zero to stop it (e.g. on a fatal error).
 * resp arrives with status SUCCESS and out[] zeroed. */
typedef int (*tdx_host_handler_fn)(void *ctx, const struct tdx_host_req *req,
				   struct tdx_host_resp *resp);

struct tdx_host {
	struct tdx_host_config cfg;
	tdx_host_handler_fn handlers[TDX_HOST_NR_KINDS];
	void *ctx;		/* passed to every handler */
	struct tdx_host_req last;	/* the last decoded request (diagnostics) */
	uint64_t last_status;		/* and the status it got */
};

void tdx_host_init(struct tdx_host *h, const struct tdx_host_config *cfg, void *ctx);
/* 0, or -1 for a kind out of range or TDX_HOST_UNKNOWN. */
int tdx_host_register(struct tdx_host *h, enum tdx_host_kind kind, tdx_host_handler_fn fn);
/* Decode, validate, run the handler (an unregistered kind gets
 * SUBFUNC_UNSUPPORTED, except GetTdVmCallInfo which is answered built-in as
 * KVM does) and complete. Returns the handler's result. */
int tdx_host_dispatch(struct tdx_host *h, unsigned vcpu, struct tdx_host_exit *e);
/* The same, with the decoded request written to *req instead of h->last
 * (which is then left alone): for a host that serves several VCPUs at once
 * from their own threads. The handlers must be thread-safe then too. */
int tdx_host_dispatch_req(struct tdx_host *h, unsigned vcpu, struct tdx_host_exit *e,
			  struct tdx_host_req *req);

/* Module-model adapter: cfg.host.tdvmcall = tdx_host_ops_tdvmcall;
 * cfg.host.ctx = &my_host (a struct tdx_host *). If my_host.cfg.gpaw is 0
 * the TD's GPAW is used. */
struct tdx_td;
struct tdx_td_exit;
int tdx_host_ops_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu,
			  struct tdx_td_exit *exit);

/* ---- Linux KVM uAPI shape (include/uapi/linux/kvm.h, kvm_para.h) --------- */
#define TDX_HOST_KVM_EXIT_IO			2
#define TDX_HOST_KVM_EXIT_HYPERCALL		3
#define TDX_HOST_KVM_EXIT_MMIO			6
#define TDX_HOST_KVM_EXIT_SYSTEM_EVENT		24
#define TDX_HOST_KVM_EXIT_TDX			40
#define TDX_HOST_KVM_EXIT_IO_IN			0
#define TDX_HOST_KVM_EXIT_IO_OUT		1
#define TDX_HOST_KVM_SYSTEM_EVENT_TDX_FATAL	7
#define TDX_HOST_KVM_HC_MAP_GPA_RANGE		12
#define TDX_HOST_KVM_MAP_GPA_RANGE_ENCRYPTED	(1u << 4)
#define TDX_HOST_KVM_MAP_GPA_RANGE_DECRYPTED	0u
#define TDX_HOST_KVM_EXIT_HYPERCALL_LONG_MODE	(1ull << 0)
/* KVM converts at most 2 MiB (512 pages) per KVM_EXIT_HYPERCALL (3.5). */
#define TDX_HOST_KVM_MAP_GPA_MAX_PAGES		512

/* The exit-reason word and the members of struct kvm_run's exit union we
 * use, with the uapi names and layouts. io.data_offset is relative to the
 * start of this struct and points into io_data[]. */
struct tdx_host_kvm_run {
	uint32_t exit_reason;
	uint32_t pad0;
	union {
		struct {
			uint8_t direction;
			uint8_t size;
			uint16_t port;
			uint32_t count;
			uint64_t data_offset;
		} io;
		struct {
			uint64_t phys_addr;
			uint8_t data[8];
			uint32_t len;
			uint8_t is_write;
		} mmio;
		struct {
			uint64_t nr;
			uint64_t args[6];
			uint64_t ret;
			union { uint32_t longmode; uint64_t flags; };
		} hypercall;
		struct {
			uint32_t type;
			uint32_t ndata;
			union { uint64_t flags; uint64_t data[16]; };
		} system_event;
		struct {
			uint64_t flags;
			uint64_t nr;
			union {
				struct { uint64_t ret; uint64_t data[5]; } unknown;
				struct { uint64_t ret; uint64_t gpa; uint64_t size; } get_quote;
				struct { uint64_t ret; uint64_t leaf; uint64_t r11, r12, r13, r14; } get_tdvmcall_info;
				struct { uint64_t ret; uint64_t vector; } setup_event_notify;
			};
		} tdx;
		uint8_t padding[256];
	};
	uint8_t io_data[8];	/* target of io.data_offset */
};

/* Checked access to the IO data buffer: NULL unless data_offset and
 * size * count stay inside *run. */
uint8_t *tdx_host_kvm_io_data(struct tdx_host_kvm_run *run);

/* Present a valid request as the kvm_run exit KVM would give user space.
 * 0, or -1 if KVM handles this kind in the kernel (CPUID, HLT, MSRs,
 * GetTdVmCallInfo leaf 0, vendor calls other than KVM_HC_MAP_GPA_RANGE) or
 * it is unknown to KVM. `e` supplies the registers for SYSTEM_EVENT data[]. */
int tdx_host_kvm_from_req(const struct tdx_host_config *cfg, const struct tdx_host_exit *e,
			  const struct tdx_host_req *req, struct tdx_host_kvm_run *run);
/* Turn the exit user space completed back into a response for
 * tdx_host_complete(). 0, or -1 if run does not belong to req. */
int tdx_host_kvm_to_resp(const struct tdx_host_config *cfg, const struct tdx_host_req *req,
			 const struct tdx_host_kvm_run *run, struct tdx_host_resp *resp);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_HOST_H */

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
 * The KVM adapter presents a request as the exit KVM gives user space: it
 * fills a real struct kvm_run (<linux/kvm.h>), so a VMM's own KVM exit
 * handlers run on it unchanged, and reads the completed exit back.
 */
#ifndef TDXKIT_HOST_H
#define TDXKIT_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- what the VMM sees (tdx-abi.md 3.1, 11) ------------------------------ */
struct tdx_host_exit {
	uint64_t qual;			/* RCX: GPR_SELECT | XMM_SELECT << 16 | VM << 32 */
	uint64_t gpr[TDXKIT_NR_GPRS];	/* enum tdx_gpr; 0 where not exposed */
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
	return (unsigned)g < TDXKIT_NR_GPRS && (tdx_host_exit_gprs(e) >> g) & 1;
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
	TDXKIT_EXTENSION union {
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
	uint64_t out[TDXKIT_NR_GPRS];
};

/* Decode and validate. Fills *req (kind and typed fields, also for invalid
 * requests) and returns the GHCI status the request deserves: SUCCESS when
 * it should go to a handler, else INVALID_OPERAND / ALIGN_ERROR /
 * SUBFUNC_UNSUPPORTED. Order: R10 hidden (INVALID_OPERAND), unknown
 * sub-function (SUBFUNC_UNSUPPORTED, INVALID_OPERAND if R11 is hidden), an
 * input or output register of the service hidden (INVALID_OPERAND), then
 * the service's own range and size rules (tdx-abi.md 3.4-3.8). */
TDXKIT_API uint64_t tdx_host_decode(const struct tdx_host_config *cfg, const struct tdx_host_exit *e,
			 struct tdx_host_req *req);

/* Write R10 = resp->status and the outputs into e->gpr, only where exposed.
 * Returns 0, or -1 if R10 was not exposed (the status cannot be delivered). */
TDXKIT_API int tdx_host_complete(struct tdx_host_exit *e, const struct tdx_host_req *req,
		      const struct tdx_host_resp *resp);

/* Input registers the service of `req` reads (mask of enum tdx_gpr bits):
 * R10, R11 and the service's inputs, the data register of an IO/MMIO write,
 * and the optional ones: ReportFatalError's message registers (R13 too when
 * R12 bit 63 says the GPA is valid), a vendor call's R11..R14. An exposed
 * register outside it that holds data is guest data given away (3.1). */
TDXKIT_API uint32_t tdx_host_in_mask(const struct tdx_host_req *req);

/* Output registers a completion of `req` with `status` may write (mask of
 * enum tdx_gpr bits, before masking with the exposed set). */
TDXKIT_API uint32_t tdx_host_out_mask(const struct tdx_host_req *req, uint64_t status);

TDXKIT_API const char *tdx_host_kind_name(enum tdx_host_kind k);

/* ReportFatalError (3.8): "TD fatal error 0x<code> [gpa 0x...]: <msg>".
 * Non-printable bytes become '?'. Returns snprintf's result. */
TDXKIT_API int tdx_host_fatal_format(const struct tdx_host_fatal *f, char *buf, size_t len);

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

TDXKIT_API void tdx_host_init(struct tdx_host *h, const struct tdx_host_config *cfg, void *ctx);
/* 0, or -1 for a kind out of range or TDX_HOST_UNKNOWN. */
TDXKIT_API int tdx_host_register(struct tdx_host *h, enum tdx_host_kind kind, tdx_host_handler_fn fn);
/* Decode, validate, run the handler (an unregistered kind gets
 * SUBFUNC_UNSUPPORTED, except GetTdVmCallInfo which is answered built-in as
 * KVM does) and complete. Returns the handler's result. */
TDXKIT_API int tdx_host_dispatch(struct tdx_host *h, unsigned vcpu, struct tdx_host_exit *e);
/* The same, with the decoded request written to *req instead of h->last
 * (which is then left alone): for a host that serves several VCPUs at once
 * from their own threads. The handlers must be thread-safe then too. */
TDXKIT_API int tdx_host_dispatch_req(struct tdx_host *h, unsigned vcpu, struct tdx_host_exit *e,
			  struct tdx_host_req *req);

/* Module-model adapter: cfg.host.tdvmcall = tdx_host_ops_tdvmcall;
 * cfg.host.ctx = &my_host (a struct tdx_host *). If my_host.cfg.gpaw is 0
 * the TD's GPAW is used. */
struct tdx_td;
struct tdx_td_exit;
TDXKIT_API int tdx_host_ops_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu,
			  struct tdx_td_exit *exit);

/* ---- the Linux KVM uAPI (<linux/kvm.h>, <linux/kvm_para.h>) --------------
 * KVM's TDX exits came with Linux 6.16; older uAPI headers (Debian 12 has
 * 6.1) lack exactly these three, defined here with the values of Linux's
 * include/uapi/linux/kvm.h: KVM_EXIT_TDX, KVM_SYSTEM_EVENT_TDX_FATAL and
 * kvm_run's `tdx` member, which struct tdx_host_kvm_tdx lays over the exit
 * union's padding (tdx_host_kvm_tdx()). Everything else is the system's. */
#ifdef KVM_EXIT_TDX
#define TDX_HOST_KVM_UAPI_HAS_TDX 1	/* the system header has kvm_run.tdx */
#else
#define KVM_EXIT_TDX 40
#endif
#ifndef KVM_SYSTEM_EVENT_TDX_FATAL
#define KVM_SYSTEM_EVENT_TDX_FATAL 7
#endif

/* kvm_run.tdx: GetQuote, GetTdVmCallInfo leaf 1 and
 * SetupEventNotifyInterrupt go to user space as KVM_EXIT_TDX, nr = the
 * sub-function; ret (R10) is at the same place in every form (3.11). */
struct tdx_host_kvm_tdx_unknown { uint64_t ret; uint64_t data[5]; };
struct tdx_host_kvm_tdx_get_quote { uint64_t ret; uint64_t gpa; uint64_t size; };
struct tdx_host_kvm_tdx_get_tdvmcall_info {
	uint64_t ret; uint64_t leaf; uint64_t r11, r12, r13, r14;
};
struct tdx_host_kvm_tdx_setup_event_notify { uint64_t ret; uint64_t vector; };
struct tdx_host_kvm_tdx {
	uint64_t flags;
	uint64_t nr;
	TDXKIT_EXTENSION union {
		struct tdx_host_kvm_tdx_unknown unknown;
		struct tdx_host_kvm_tdx_get_quote get_quote;
		struct tdx_host_kvm_tdx_get_tdvmcall_info get_tdvmcall_info;
		struct tdx_host_kvm_tdx_setup_event_notify setup_event_notify;
	};
};
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_host_kvm_tdx, nr) == 8, "kvm_run.tdx.nr @8");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_host_kvm_tdx, unknown.ret) == 16, "kvm_run.tdx ret @16");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_host_kvm_tdx, get_quote.size) == 32,
		     "kvm_run.tdx.get_quote.size @32");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_host_kvm_tdx, get_tdvmcall_info.r14) == 56,
		     "kvm_run.tdx.get_tdvmcall_info.r14 @56");
TDXKIT_STATIC_ASSERT(offsetof(struct tdx_host_kvm_tdx, setup_event_notify.vector) == 24,
		     "kvm_run.tdx.setup_event_notify.vector @24");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_host_kvm_tdx) == 64, "kvm_run.tdx is 64 bytes");
/* The exit union starts at 32 and is 256 bytes (padding) on x86-64. */
TDXKIT_STATIC_ASSERT(offsetof(struct kvm_run, padding) == 32, "kvm_run exit union @32");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_host_kvm_tdx) <= sizeof(((struct kvm_run *)0)->padding),
		     "kvm_run.tdx fits the exit union");
#ifdef TDX_HOST_KVM_UAPI_HAS_TDX
TDXKIT_STATIC_ASSERT(offsetof(struct kvm_run, tdx) == offsetof(struct kvm_run, padding) &&
		     offsetof(struct kvm_run, tdx.get_tdvmcall_info.r14) ==
		     offsetof(struct kvm_run, padding) + 56, "the system's kvm_run.tdx is ours");
#endif

static inline struct tdx_host_kvm_tdx *tdx_host_kvm_tdx(struct kvm_run *run)
{
	return (struct tdx_host_kvm_tdx *)(void *)run->padding;
}
static inline const struct tdx_host_kvm_tdx *tdx_host_kvm_tdx_const(const struct kvm_run *run)
{
	return (const struct tdx_host_kvm_tdx *)(const void *)run->padding;
}

/* KVM converts at most 2 MiB (512 pages) per KVM_EXIT_HYPERCALL (3.5). */
#define TDX_HOST_KVM_MAP_GPA_MAX_PAGES	512
/* Where KVM puts IO data in the vCPU mapping (KVM_PIO_PAGE_OFFSET, asm/kvm.h),
 * and the smallest mapping the adapter takes: one page more. A VMM passes
 * its mmap of the vCPU fd with KVM_GET_VCPU_MMAP_SIZE; a program without a
 * vCPU fd allocates TDX_HOST_KVM_RUN_SIZE bytes (8-byte aligned). */
#define TDX_HOST_KVM_IO_OFFSET	(KVM_PIO_PAGE_OFFSET * 4096)
#define TDX_HOST_KVM_RUN_SIZE	(TDX_HOST_KVM_IO_OFFSET + 4096)

/* Checked access to the IO data: NULL unless data_offset and size * count
 * stay inside the run_size bytes at run. */
TDXKIT_API uint8_t *tdx_host_kvm_io_data(struct kvm_run *run, size_t run_size);

/* Present a valid request as the kvm_run exit KVM would give user space:
 * exit_reason and the exit union (zeroed first); IO data at
 * TDX_HOST_KVM_IO_OFFSET; the fields user space sets are left alone.
 * 0, or -1 if KVM handles this kind in the kernel (CPUID, HLT, MSRs,
 * GetTdVmCallInfo leaf 0, vendor calls other than KVM_HC_MAP_GPA_RANGE), it
 * is unknown to KVM, or run_size < TDX_HOST_KVM_RUN_SIZE. `e` supplies the
 * registers for KVM_SYSTEM_EVENT_TDX_FATAL's data[]. */
TDXKIT_API int tdx_host_kvm_from_req(const struct tdx_host_config *cfg,
				     const struct tdx_host_exit *e, const struct tdx_host_req *req,
				     struct kvm_run *run, size_t run_size);
/* Turn the exit user space completed back into a response for
 * tdx_host_complete(). 0, or -1 if run does not belong to req. */
TDXKIT_API int tdx_host_kvm_to_resp(const struct tdx_host_config *cfg,
				    const struct tdx_host_req *req, const struct kvm_run *run,
				    size_t run_size, struct tdx_host_resp *resp);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_HOST_H */

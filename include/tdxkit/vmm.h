/*
 * tdxkit/vmm.h: the default host `tdx-run` provides, as a library
 * (libtdxkit-vmm). It serves the TDVMCALLs of a model TD through the host
 * library (tdxkit/host.h: decode, validate, complete) with these devices
 * and services (tdx-abi.md 3.4):
 *
 *   IO      16550 UART at 0x3F8..0x3FF: THR bytes go to cfg.uart_fd.
 *           Exit port 0x501 (QEMU isa-debug-exit): a write of V ends the
 *           run with status V. Other ports: reads all ones, writes dropped.
 *   CPUID   a table modelled on what a TD sees: hypervisor bit
 *           (leaf 1 ECX[31]), signature "tdxkit-model" at 0x40000000.
 *   MSR     a store with a documented list; any other MSR, a write
 *           to a read-only one or to reserved bits -> INVALID_OPERAND.
 *   MMIO    one test device, a 4 KiB register page.
 *   MapGPA  private <-> shared in the model, at most 512 pages per call,
 *           then RETRY with R11 = resume GPA.
 *   GetQuote asynchronous through the shared buffer header; completed by
 *           the quoting service's own thread (tdx_vmm_start), or without
 *           it at the next host entry; the notification
 *           vector of SetupEventNotifyInterrupt is posted to the VCPU that
 *           set it up when a quote completes (tdx_vcpu_post_interrupt).
 *   GetTdVmCallInfo, ReportFatalError.
 *
 * Observability: trace (human or JSON lines), stats per leaf and service,
 * leak check, hostile mode.
 *
 * Stopping: the exit port and ReportFatalError make the tdvmcall callback
 * return non-zero, so the model marks the TD dead (tdx_td_dead_reason():
 * "the host stopped the TD on a TDVMCALL") and tdx_tdcall() returns
 * TDX_OUTCOME_TD_DEAD; tdx_vmm_exit_status() then says it was a deliberate
 * end and with which status (and so does the module: tdx_td_end_status()).
 * Every later TDVMCALL is refused the same way.
 *
 * Threads: every VCPU may call in from its own thread at once (the trap
 * engine's threads are VCPUs): MSRs and trace records are per VCPU, the
 * devices lock their state, counters are atomic. Handlers run in the trap
 * engine's signal handler and do not allocate.
 */
#ifndef TDXKIT_VMM_H
#define TDXKIT_VMM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tdxkit/module.h"
#include "tdxkit/run.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Exit status of a run ended by ReportFatalError (tdxkit/run.h). */
#define TDX_VMM_EXIT_FATAL TDX_RUN_EXIT_FATAL

#define TDX_VMM_UART_PORT 0x3F8	/* COM1, 8 registers */
#define TDX_VMM_EXIT_PORT 0x501	/* QEMU isa-debug-exit default iobase */
#define TDX_VMM_MAPGPA_CHUNK 512	/* pages per MapGPA call (KVM: 2 MiB per exit, 3.5) */

/* MMIO test device registers (offsets in its 4 KiB page, 64-bit each;
 * narrower or unaligned accesses read/write the covered bytes). */
#define TDX_VMM_MMIO_ID		0x00	/* RO: bytes "TDXKMMIO" */
#define TDX_VMM_MMIO_VERSION	0x08	/* RO: 1 */
#define TDX_VMM_MMIO_SCRATCH	0x10	/* RW */
#define TDX_VMM_MMIO_COUNTER	0x18	/* RO by read: each read returns it, then +1; a write sets it */
#define TDX_VMM_MMIO_ID_VALUE	0x4F494D4D4B584454ull	/* "TDXKMMIO" little endian */

struct tdx_vmm_config {
	int uart_fd;		/* UART output; -1 = discarded */
	FILE *trace;		/* trace lines go here if not NULL... */
	int trace_fd;		/* ...else here if >= 0; both unset = no trace */
	int trace_json;		/* JSON lines instead of human lines */
	int stats;		/* count and time per leaf and per service */
	int leak_check;		/* report exposed non-input registers holding data */
	int report_fd;		/* leak reports and the fatal-error line; default 2 */
	int hostile;		/* adversarial answers ... */
	uint64_t hostile_seed;	/* ... reproducible from this seed */
	const char *quote_key_pem;	/* attestation key (PEM private key file); NULL = fresh key */
	uint64_t mmio_gpa;	/* device page GPA, no shared bit; 0 = TD memory size rounded up to 4 KiB */
	unsigned mapgpa_chunk;	/* pages per MapGPA call; 0 = TDX_VMM_MAPGPA_CHUNK */
};

struct tdx_vmm;
struct tdx_quote_key;

/* Defaults: uart_fd 1, trace off, report_fd 2, everything else off. */
TDXKIT_API void tdx_vmm_config_init(struct tdx_vmm_config *cfg);

/* NULL with a one-line reason in err on failure (key file unreadable...). */
TDXKIT_API struct tdx_vmm *tdx_vmm_new(const struct tdx_vmm_config *cfg, char *err, size_t len);
/* Flushes a pending trace record; does not close any fd or FILE. */
TDXKIT_API void tdx_vmm_destroy(struct tdx_vmm *v);

/* Before tdx_td_create(): cfg->host = this VMM (tdvmcall callback + ctx);
 * also takes the TD's memory size and GPAW from cfg. */
TDXKIT_API void tdx_vmm_attach(struct tdx_vmm *v, struct tdx_td_config *cfg);

/* The RIP for trace and leak lines and the per-leaf counts come from the
 * module's trace hook (the TDVMCALL exit does not carry RIP): either let
 * the VMM own it, tdx_vmm_install_trace(v, td) (tdx_td_set_trace), or call
 * tdx_vmm_trace_hook(v, ...) from your own hook. Without either, lines are
 * written at the next TDVMCALL with "rip":null / rip=?. */
TDXKIT_API void tdx_vmm_install_trace(struct tdx_vmm *v, struct tdx_td *td);
TDXKIT_API void tdx_vmm_trace_hook(void *vmm, unsigned vcpu, const struct tdx_regs *in,
			const struct tdx_regs *out, enum tdx_tdcall_outcome o);

/* tdx_tdcall() with its time charged to the leaf in the stats (the trace
 * hook alone can count leaves but not time them). */
TDXKIT_API enum tdx_tdcall_outcome tdx_vmm_tdcall(struct tdx_vmm *v, struct tdx_td *td, unsigned vcpu,
				       struct tdx_regs *regs, struct tdx_inject *inj);

/* 1 if the run ended on purpose: the exit port (status = V) or
 * ReportFatalError (status = TDX_VMM_EXIT_FATAL); 0 otherwise. */
TDXKIT_API int tdx_vmm_exit_status(const struct tdx_vmm *v, int *status);
/* One line saying why the run ended ("" if it has not). */
TDXKIT_API const char *tdx_vmm_exit_reason(const struct tdx_vmm *v);

/* Starts the quoting service's thread: from then on quotes complete
 * asynchronously, whether or not the guest makes another TDCALL (a guest
 * may poll the status word with nanosleep). 0, or -1 with a reason.
 * tdx_vmm_stop() ends it (requests still queued get status "quoting
 * service unavailable"); tdx_vmm_destroy() stops it too. */
TDXKIT_API int tdx_vmm_start(struct tdx_vmm *v, char *err, size_t len);
TDXKIT_API void tdx_vmm_stop(struct tdx_vmm *v);
/* Without the service thread: completes the quotes in flight now (also
 * done at every TDVMCALL). Returns how many completed; 0 with the thread. */
TDXKIT_API int tdx_vmm_poll(struct tdx_vmm *v);
/* The notify vector posted to the VCPU that set it up (tdx_vcpu_take_interrupt
 * on that VCPU), for a caller that runs the TD without the trap engine; -1
 * if none is pending. */
TDXKIT_API int tdx_vmm_take_interrupt(struct tdx_vmm *v);

/* The attestation key quotes are signed with (public part for verifiers). */
TDXKIT_API const struct tdx_quote_key *tdx_vmm_quote_key(const struct tdx_vmm *v);

/* Stats table (per leaf, per service: count, errors, total and mean us). */
TDXKIT_API void tdx_vmm_print_stats(const struct tdx_vmm *v, FILE *out);

/* Counters for tests and tools. */
struct tdx_vmm_counts {
	uint64_t tdvmcalls;	/* TDVMCALL exits served */
	uint64_t leaks;		/* leak-check findings (registers) */
	uint64_t hostile;	/* answers the hostile mode perturbed */
};
TDXKIT_API void tdx_vmm_get_counts(const struct tdx_vmm *v, struct tdx_vmm_counts *c);
/* Stats of one service kind (enum tdx_host_kind) / one TDCALL leaf:
 * count, total ns. -1 if out of range. */
TDXKIT_API int tdx_vmm_service_stats(const struct tdx_vmm *v, unsigned kind, uint64_t *count, uint64_t *ns);
TDXKIT_API int tdx_vmm_leaf_stats(const struct tdx_vmm *v, unsigned leaf, uint64_t *count, uint64_t *ns);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_VMM_H */

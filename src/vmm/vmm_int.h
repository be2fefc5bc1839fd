/* vmm_int.h: the default host's state, shared by src/vmm only. */
#ifndef TDXKIT_VMM_INT_H
#define TDXKIT_VMM_INT_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>

#include "tdxkit/host.h"
#include "tdxkit/module.h"
#include "tdxkit/vmm.h"

#define VMM_NR_LEAVES 32	/* TDCALL leaves 0..31 counted individually (1.4) */
#define VMM_NR_MSRS 16
#define VMM_MAX_VCPUS 64	/* TDX_MAX_VCPUS of the model */
#define VMM_MAX_QUOTES 8	/* GetQuote requests in flight at once */

/* Counters are bumped by every VCPU's thread at once. */
struct vmm_stat {
	_Atomic uint64_t count, errors, ns;
};

/* A spin lock for device state: held for a few instructions, never
 * across a call out, so it is safe in the trap engine's signal handler. */
typedef atomic_flag vmm_lock;
static inline void vmm_lock_take(vmm_lock *l)
{
	while (atomic_flag_test_and_set_explicit(l, memory_order_acquire))
		__builtin_ia32_pause();
}
static inline void vmm_lock_drop(vmm_lock *l)
{
	atomic_flag_clear_explicit(l, memory_order_release);
}

/* One served TDVMCALL, kept until its RIP is known (trace hook) and then
 * written as trace and leak lines. */
struct vmm_event {
	int valid;
	unsigned vcpu;
	struct tdx_host_req req;
	uint64_t in[TDX_NR_GPRS];	/* what the host saw */
	uint64_t out[TDX_NR_GPRS];	/* what it answered (exposed ones count) */
	uint32_t exposed;
	uint64_t status;		/* R10 as answered */
	uint32_t leak;			/* registers the leak check flagged */
	const char *hostile;		/* the hostile strategy used, or NULL */
	int stopped;			/* the handler stopped the TD */
	uint64_t ns;
};

/* What the host keeps per VCPU: each VCPU's thread touches only its own. */
struct vmm_vcpu {
	uint64_t msr[VMM_NR_MSRS];	/* values, indexed like msr.c's table */
	uint64_t leaf_t0;		/* set by tdx_vmm_tdcall() */
	struct vmm_event ev;		/* the last TDVMCALL, until its trace line */
};

/* A GetQuote request: the guest's buffer (GPA without the shared bit). */
struct vmm_quote {
	uint64_t addr, size;
	unsigned vcpu;			/* the VCPU that asked */
};

struct tdx_vmm {
	struct tdx_vmm_config cfg;
	struct tdx_host host;
	struct tdx_td *_Atomic td;	/* learned at the first TDVMCALL */
	uint64_t mem_size;
	unsigned gpaw;

	/* the end of the run (exit port, fatal error): first one wins */
	_Atomic int ended;
	int exit_status;
	char end_reason[160];

	vmm_lock uart_lock;
	struct { uint8_t ier, lcr, mcr, scr, dll, dlm; } uart;
	vmm_lock mmio_lock;
	struct { uint64_t gpa, scratch, counter; } mmio;

	struct tdx_quote_key *key;
	/* GetQuote: requests queue here; the quoting service (quote_svc.c)
	 * completes them on its own thread, or at the next host entry when
	 * it has no thread (tdx_vmm_start not called). */
	vmm_lock quote_lock;
	struct vmm_quote quotes[VMM_MAX_QUOTES];
	unsigned nquotes;
	sem_t quote_sem;		/* posted per request: wakes the service thread */
	pthread_t quote_thread;
	_Atomic int quote_thread_on, quote_stop;
	_Atomic int notify_vector;	/* 0 = none set up */
	_Atomic unsigned notify_vcpu;	/* the VCPU that set it up */

	vmm_lock rng_lock;
	uint64_t rng;			/* hostile PRNG state */

	struct vmm_stat svc[TDX_HOST_NR_KINDS];
	struct vmm_stat leaf[VMM_NR_LEAVES + 1];	/* last: other leaves */
	struct {
		_Atomic uint64_t tdvmcalls, leaks, hostile;
	} counts;
	struct vmm_vcpu vcpu[VMM_MAX_VCPUS];
};

/* The end of the run, once: status and reason, then the TD is ended. */
void vmm_end(struct tdx_vmm *v, int status, const char *reason);

uint64_t vmm_now_ns(void);
/* Write a whole line to a FILE or, if NULL, an fd (async-signal-safe
 * path: the trap engine runs the host inside its SIGILL handler). */
void vmm_emit(FILE *f, int fd, const char *line, size_t n);

/* Handlers (tdx_host_handler_fn, ctx = struct tdx_vmm *). */
int vmm_cpuid(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp);
int vmm_rdmsr(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp);
int vmm_wrmsr(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp);
int vmm_mmio(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp);
int vmm_map_gpa(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp);
int vmm_get_quote(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp);
int vmm_setup_notify(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp);
int vmm_fatal(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp);

/* IO devices: 0 = served (IN data in *data), 1 = stop the TD. */
int vmm_uart_io(struct tdx_vmm *v, uint16_t port, int write, unsigned size, uint64_t *data);
int vmm_exitport_io(struct tdx_vmm *v, uint16_t port, int write, unsigned size, uint64_t *data);

void vmm_msr_reset(struct tdx_vmm *v, struct vmm_vcpu *c);
/* Completes the quotes in flight (quote_svc.c); how many completed. */
int vmm_quote_complete(struct tdx_vmm *v);
void vmm_quote_init(struct tdx_vmm *v);
void vmm_quote_fini(struct tdx_vmm *v);
/* Hostile mode: rewrite the answer in exit->vmm (hostile.c). */
const char *vmm_hostile(struct tdx_vmm *v, const struct tdx_host_req *req, struct tdx_td_exit *exit);
/* Leak check: exposed registers the service does not read yet hold data. */
uint32_t vmm_leak_mask(const struct tdx_host_req *req, const uint64_t *gpr);
void vmm_trace_event(struct tdx_vmm *v, const struct vmm_event *ev, int have_rip, uint64_t rip);
void vmm_leak_report(struct tdx_vmm *v, const struct vmm_event *ev, int have_rip, uint64_t rip);
void vmm_stats_service(struct tdx_vmm *v, const struct vmm_event *ev);
void vmm_stats_leaf(struct tdx_vmm *v, uint64_t rax, uint64_t ns);

#endif

/* vmm.c: the default host's life cycle and its wiring onto the host
 * library's handler table (tdxkit/host.h): one handler per service kind,
 * IO demultiplexed by port, and the tdvmcall callback that adds the
 * GetQuote completion point, hostile answers, trace, stats and leak check
 * around tdx_host_ops_tdvmcall(). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tdxkit/quote.h"
#include "vmm_int.h"

uint64_t vmm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* async-signal-safe */
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void vmm_emit(FILE *f, int fd, const char *line, size_t n)
{
	if (f) {
		fwrite(line, 1, n, f);
		fflush(f);
		return;
	}
	for (size_t off = 0; fd >= 0 && off < n;) {
		ssize_t w = write(fd, line + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

/* ---- IO: devices by port range ------------------------------------------ */
typedef int (*vmm_io_fn)(struct tdx_vmm *v, uint16_t port, int write, unsigned size,
			 uint64_t *data);

static const struct {
	uint16_t base, len;
	vmm_io_fn fn;
} io_devs[] = {
	{ TDX_VMM_UART_PORT, 8, vmm_uart_io },
	{ TDX_VMM_EXIT_PORT, 2, vmm_exitport_io },	/* isa-debug-exit iosize 2 */
};

static int vmm_io(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct tdx_vmm *v = ctx;
	int write = req->io.direction == TDX_HOST_DIR_WRITE;
	uint64_t data = req->io.data;

	for (size_t i = 0; i < sizeof(io_devs) / sizeof(io_devs[0]); i++) {
		if (req->io.port >= io_devs[i].base &&
		    req->io.port < io_devs[i].base + io_devs[i].len) {
			int rc = io_devs[i].fn(v, req->io.port, write, req->io.size, &data);
			resp->out[TDX_GPR_R11] = write ? 0 : data;
			return rc;
		}
	}
	/* No device: an open ISA bus reads all ones; writes vanish. */
	resp->out[TDX_GPR_R11] = write ? 0 : (1ull << (8 * req->io.size)) - 1;
	return 0;
}

/* HLT (3.4): a completion point for GetQuote; then wake at once (a
 * spurious wake-up is always allowed). */
static int vmm_hlt(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	vmm_quote_complete(ctx);	/* nothing to do when the service has a thread */
	return 0;
}

/* GetTdVmCallInfo (3.6): leaf 0 = all base sub-functions, R11..R14 = 0;
 * leaf 1 R11: bit 0 GetQuote (reserved in newer GHCI, still set for old
 * guests that test it), bit 1 SetupEventNotifyInterrupt. */
static int vmm_info(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	if (req->info.leaf == 1)
		resp->out[TDX_GPR_R11] = (1u << 0) | (1u << 1);
	return 0;
}

static const struct {
	enum tdx_host_kind kind;
	tdx_host_handler_fn fn;
} handlers[] = {
	{ TDX_HOST_CPUID, vmm_cpuid },
	{ TDX_HOST_HLT, vmm_hlt },
	{ TDX_HOST_IO, vmm_io },
	{ TDX_HOST_RDMSR, vmm_rdmsr },
	{ TDX_HOST_WRMSR, vmm_wrmsr },
	{ TDX_HOST_MMIO, vmm_mmio },
	{ TDX_HOST_GET_TD_VM_CALL_INFO, vmm_info },
	{ TDX_HOST_MAP_GPA, vmm_map_gpa },
	{ TDX_HOST_GET_QUOTE, vmm_get_quote },
	{ TDX_HOST_REPORT_FATAL_ERROR, vmm_fatal },
	{ TDX_HOST_SETUP_EVENT_NOTIFY, vmm_setup_notify },
	/* WBINVD, Service, vendor calls: unregistered -> SUBFUNC_UNSUPPORTED (3.11). */
};

void tdx_vmm_config_init(struct tdx_vmm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->uart_fd = 1;
	cfg->trace_fd = -1;
	cfg->report_fd = 2;
}

struct tdx_vmm *tdx_vmm_new(const struct tdx_vmm_config *cfg, char *err, size_t len)
{
	struct tdx_vmm_config def;
	struct tdx_vmm *v;
	char why[200] = "";

	if (!cfg) {
		tdx_vmm_config_init(&def);
		cfg = &def;
	}
	if (!(v = calloc(1, sizeof(*v)))) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	v->cfg = *cfg;
	if (!v->cfg.mapgpa_chunk)
		v->cfg.mapgpa_chunk = TDX_VMM_MAPGPA_CHUNK;
	v->key = cfg->quote_key_pem ? tdx_quote_key_load(cfg->quote_key_pem, why, sizeof(why))
				    : tdx_quote_key_new();
	if (!v->key || !tdx_quote_key_has_private(v->key)) {
		snprintf(err, len, "attestation key %s: %s", cfg->quote_key_pem ? cfg->quote_key_pem : "(new)",
			 why[0] ? why : "no private key");
		tdx_vmm_destroy(v);
		return NULL;
	}
	tdx_host_init(&v->host, NULL, v);
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		tdx_host_register(&v->host, handlers[i].kind, handlers[i].fn);
	/* splitmix64 state: any seed, including 0, gives a full sequence. */
	v->rng = cfg->hostile_seed;
	for (unsigned c = 0; c < VMM_MAX_VCPUS; c++)
		vmm_msr_reset(v, &v->vcpu[c]);
	vmm_quote_init(v);
	return v;
}

void vmm_end(struct tdx_vmm *v, int status, const char *reason)
{
	int no = 0;

	if (!atomic_compare_exchange_strong(&v->ended, &no, -1))
		return;		/* another VCPU ended it first */
	v->exit_status = status;
	snprintf(v->end_reason, sizeof(v->end_reason), "%s", reason);
	atomic_store(&v->ended, 1);
	struct tdx_td *td = atomic_load(&v->td);
	if (td)
		tdx_td_end(td, status, reason);
}

static void flush_event(struct tdx_vmm *v, struct vmm_event *ev, int have_rip, uint64_t rip)
{
	if (!ev->valid)
		return;
	ev->valid = 0;
	vmm_trace_event(v, ev, have_rip, rip);
	vmm_leak_report(v, ev, have_rip, rip);
}

void tdx_vmm_destroy(struct tdx_vmm *v)
{
	if (!v)
		return;
	vmm_quote_fini(v);
	for (unsigned c = 0; c < VMM_MAX_VCPUS; c++)
		flush_event(v, &v->vcpu[c].ev, 0, 0);
	tdx_quote_key_free(v->key);
	free(v);
}

/* The model's host callback: everything a TDVMCALL exit goes through. */
static int vmm_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu, struct tdx_td_exit *exit)
{
	struct tdx_vmm *v = ctx;
	struct vmm_event *ev = &v->vcpu[vcpu % VMM_MAX_VCPUS].ev;
	uint64_t t0 = v->cfg.stats ? vmm_now_ns() : 0;	/* time only what --stats prints */
	struct tdx_host_exit e;
	int rc;

	flush_event(v, ev, 0, 0);	/* no trace hook ran for the previous one */
	if (!atomic_load(&v->td))
		atomic_store(&v->td, td);
	if (atomic_load(&v->ended) == 1)
		return 1;	/* the run is over: keep the TD stopped */
	vmm_quote_complete(v);	/* completion point without a service thread */

	memset(ev, 0, sizeof(*ev));
	ev->vcpu = vcpu;
	ev->exposed = (uint32_t)TDX_VMCALL_GPR_SELECT(exit->exit_qual);
	memcpy(ev->in, exit->vmm.gpr, sizeof(ev->in));
	/* What TDH.VP.ENTER returned (11): RCX = mask | vm << 32, unselected
	 * registers 0; decoded into this VCPU's own request record. */
	e.qual = exit->exit_qual;
	memcpy(e.gpr, exit->vmm.gpr, sizeof(e.gpr));
	rc = tdx_host_dispatch_req(&v->host, vcpu, &e, &ev->req);
	memcpy(exit->vmm.gpr, e.gpr, sizeof(e.gpr));
	if (!rc && v->cfg.hostile && (ev->hostile = vmm_hostile(v, &ev->req, exit)))
		atomic_fetch_add(&v->counts.hostile, 1);
	memcpy(ev->out, exit->vmm.gpr, sizeof(ev->out));
	ev->status = exit->vmm.r10;
	ev->stopped = rc != 0;
	ev->ns = v->cfg.stats ? vmm_now_ns() - t0 : 0;
	if (v->cfg.leak_check)
		ev->leak = vmm_leak_mask(&ev->req, ev->in);
	atomic_fetch_add(&v->counts.leaks, (uint64_t)__builtin_popcount(ev->leak));
	atomic_fetch_add(&v->counts.tdvmcalls, 1);
	vmm_stats_service(v, ev);
	ev->valid = 1;
	return rc;
}

void tdx_vmm_attach(struct tdx_vmm *v, struct tdx_td_config *cfg)
{
	cfg->host.tdvmcall = vmm_tdvmcall;
	cfg->host.ctx = v;
	v->mem_size = cfg->mem_size;
	v->gpaw = cfg->gpaw;
	v->host.cfg.gpaw = cfg->gpaw;	/* before any VCPU runs: read-only from then on */
}

void tdx_vmm_trace_hook(void *vmm, unsigned vcpu, const struct tdx_regs *in,
			const struct tdx_regs *out, enum tdx_tdcall_outcome o)
{
	struct tdx_vmm *v = vmm;
	struct vmm_vcpu *c = &v->vcpu[vcpu % VMM_MAX_VCPUS];
	uint64_t ns = c->leaf_t0 ? vmm_now_ns() - c->leaf_t0 : 0;

	vmm_stats_leaf(v, in->rax, ns);
	if ((in->rax & TDX_LEAF_MASK) == TDG_VP_VMCALL)
		flush_event(v, &c->ev, 1, in->rip);	/* RIP of the TDCALL instruction */
}

void tdx_vmm_install_trace(struct tdx_vmm *v, struct tdx_td *td)
{
	tdx_td_set_trace(td, tdx_vmm_trace_hook, v);
}

enum tdx_tdcall_outcome tdx_vmm_tdcall(struct tdx_vmm *v, struct tdx_td *td, unsigned vcpu,
				       struct tdx_regs *regs, struct tdx_inject *inj)
{
	struct vmm_vcpu *c = &v->vcpu[vcpu % VMM_MAX_VCPUS];

	c->leaf_t0 = v->cfg.stats ? vmm_now_ns() : 0;
	enum tdx_tdcall_outcome o = tdx_tdcall(td, vcpu, regs, inj);
	c->leaf_t0 = 0;
	return o;
}

int tdx_vmm_exit_status(const struct tdx_vmm *v, int *status)
{
	if (atomic_load(&v->ended) != 1)
		return 0;
	if (status)
		*status = v->exit_status;
	return 1;
}

const char *tdx_vmm_exit_reason(const struct tdx_vmm *v)
{
	return atomic_load(&v->ended) == 1 ? v->end_reason : "";
}

int tdx_vmm_poll(struct tdx_vmm *v)
{
	return vmm_quote_complete(v);
}

int tdx_vmm_take_interrupt(struct tdx_vmm *v)
{
	struct tdx_td *td = atomic_load(&v->td);

	return td ? tdx_vcpu_take_interrupt(td, atomic_load(&v->notify_vcpu)) : -1;
}

const struct tdx_quote_key *tdx_vmm_quote_key(const struct tdx_vmm *v)
{
	return v->key;
}

void tdx_vmm_get_counts(const struct tdx_vmm *v, struct tdx_vmm_counts *c)
{
	c->tdvmcalls = atomic_load(&v->counts.tdvmcalls);
	c->leaks = atomic_load(&v->counts.leaks);
	c->hostile = atomic_load(&v->counts.hostile);
}

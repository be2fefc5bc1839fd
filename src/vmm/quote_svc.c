/* quote_svc.c: GetQuote (tdx-abi.md 3.7) and SetupEventNotifyInterrupt
 * (3.4).
 *
 * GetQuote is asynchronous through the header of the shared buffer
 * (version 1, status, in_len, out_len, then the TDREPORT / the quote):
 *   at the call: the buffer must lie in TD memory (else INVALID_OPERAND)
 *     and be mapped shared (else INVALID_OPERAND: the host cannot reach a
 *     private page); a header with version != 1, in_len != 1024 or
 *     24 + in_len > size gets status ERROR at once; otherwise status
 *     IN_FLIGHT and the request is queued, and the TDVMCALL returns
 *     SUCCESS; with VMM_MAX_QUOTES already queued it returns RETRY.
 *   completion, by the quoting service: a thread of the host's own
 *     (tdx_vmm_start) that wakes per request, as a real quoting service
 *     works beside the VMM: the guest may poll the status word with no
 *     TDCALL at all. Without the thread, at the next host entry (any
 *     TDVMCALL, HLT included) or tdx_vmm_poll(). The header is read again
 *     (the guest owns it), the quote built with tdx_quote_build() and the
 *     host's key, the rest of the data area zeroed, out_len written and
 *     then status SUCCESS (or ERROR for a bad report / too small a buffer,
 *     QUOTING SERVICE UNAVAILABLE if OpenSSL fails or the service has
 *     stopped); then the notify vector, if the guest set one up, is posted
 *     to the VCPU that set it up (tdx_vcpu_post_interrupt).
 * OpenSSL allocates and locks, so quotes are built on the service thread
 * (or the caller of tdx_vmm_poll), never in the trap engine's handler
 * while the thread runs. */
#include <asm/prctl.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include <stdio.h>

#include "tdxkit/quote.h"
#include "vmm_int.h"

/* The buffer header: struct tdx_quote_hdr (tdxkit/abi.h). The guest owns
 * the buffer, so the host reads it field by field, never as a struct. */
#define QHDR_VERSION	offsetof(struct tdx_quote_hdr, version)
#define QHDR_STATUS	offsetof(struct tdx_quote_hdr, status)
#define QHDR_IN_LEN	offsetof(struct tdx_quote_hdr, in_len)
#define QHDR_OUT_LEN	offsetof(struct tdx_quote_hdr, out_len)
#define QHDR_SIZE	TDX_QUOTE_HDR_SIZE

static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* The guest polls status: everything else must be visible first. */
static void finish(uint8_t *buf, uint64_t status, uint32_t out_len)
{
	memcpy(buf + QHDR_OUT_LEN, &out_len, 4);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n((uint64_t *)(void *)(buf + QHDR_STATUS), status, __ATOMIC_RELAXED);
}

/* The buffer as the host can reach it: in TD memory and shared; else one
 * report line naming the GPA (when `say`), as a host that is refused. */
static uint8_t *host_view(struct tdx_vmm *v, uint64_t addr, uint64_t size, int say)
{
	struct tdx_td *td = atomic_load(&v->td);
	char why[160], line[220];
	uint8_t *p = td ? tdx_td_host_ptr(td, addr, size, why, sizeof(why)) : NULL;

	if (!p && td && say) {
		int n = snprintf(line, sizeof(line), "tdx-vmm: GetQuote buffer refused: %s\n", why);
		if (n > 0)
			vmm_emit(NULL, v->cfg.report_fd, line, (size_t)n < sizeof(line) ? (size_t)n
										: sizeof(line) - 1);
	}
	return p;
}

static int header_ok(const uint8_t *buf, uint64_t size)
{
	uint32_t in_len = rd32(buf + QHDR_IN_LEN);

	return rd64(buf + QHDR_VERSION) == TDX_QUOTE_HDR_VERSION && in_len == TDX_REPORT_SIZE &&
	       QHDR_SIZE + (uint64_t)in_len <= size;
}

int vmm_get_quote(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct tdx_vmm *v = ctx;
	uint8_t *buf = host_view(v, req->quote.addr, req->quote.size, 1);

	if (!buf || req->quote.size < QHDR_SIZE) {
		resp->status = TDVMCALL_STATUS_INVALID_OPERAND;
		return 0;
	}
	if (!header_ok(buf, req->quote.size)) {
		finish(buf, TDX_GET_QUOTE_ERROR, 0);
		return 0;
	}
	struct vmm_quote q = { req->quote.addr, req->quote.size, req->vcpu };
	int queued = 0;
	vmm_lock_take(&v->quote_lock);
	if (v->nquotes < VMM_MAX_QUOTES) {
		/* In flight before the service can see it (and answer). */
		finish(buf, TDX_GET_QUOTE_IN_FLIGHT, 0);
		v->quotes[v->nquotes++] = q;
		queued = 1;
	}
	vmm_lock_drop(&v->quote_lock);
	if (!queued) {
		resp->status = TDVMCALL_STATUS_RETRY;	/* the service is full: ask again */
		return 0;
	}
	if (atomic_load(&v->quote_thread_on))
		sem_post(&v->quote_sem);	/* async-signal-safe */
	return 0;
}

static int take(struct tdx_vmm *v, struct vmm_quote *q)
{
	int got = 0;

	vmm_lock_take(&v->quote_lock);
	if (v->nquotes) {
		*q = v->quotes[0];
		memmove(v->quotes, v->quotes + 1, --v->nquotes * sizeof(v->quotes[0]));
		got = 1;
	}
	vmm_lock_drop(&v->quote_lock);
	return got;
}

static void complete_one(struct tdx_vmm *v, const struct vmm_quote *q)
{
	uint8_t report[TDX_REPORT_SIZE];
	uint64_t status = TDX_GET_QUOTE_ERROR;
	size_t out_len = 0;
	uint8_t *buf = host_view(v, q->addr, q->size, 0);	/* taken back: nothing to say */

	if (!buf)
		return;		/* the guest took the page back: nowhere to answer */
	if (atomic_load(&v->quote_stop)) {
		status = TDX_GET_QUOTE_SERVICE_UNAVAILABLE;	/* the process is ending */
	} else if (header_ok(buf, q->size)) {
		memcpy(report, buf + QHDR_SIZE, sizeof(report));	/* the quote overwrites it */
		int rc = tdx_quote_build(v->key, report, sizeof(report), buf + QHDR_SIZE,
					 q->size - QHDR_SIZE, &out_len);
		status = rc == 0 ? TDX_GET_QUOTE_SUCCESS : rc == -EIO ? TDX_GET_QUOTE_SERVICE_UNAVAILABLE : TDX_GET_QUOTE_ERROR;
		if (rc)
			out_len = 0;
		memset(buf + QHDR_SIZE + out_len, 0, q->size - QHDR_SIZE - out_len);
	}
	finish(buf, status, (uint32_t)out_len);
	int vec = atomic_load(&v->notify_vector);
	struct tdx_td *td = atomic_load(&v->td);
	if (vec && td)
		tdx_vcpu_post_interrupt(td, atomic_load(&v->notify_vcpu), (unsigned)vec);
}

int vmm_quote_complete(struct tdx_vmm *v)
{
	struct vmm_quote q;
	int n = 0;

	if (atomic_load(&v->quote_thread_on))
		return 0;	/* the service thread does it */
	while (take(v, &q)) {
		complete_one(v, &q);
		n++;
	}
	return n;
}

/* The quoting service: one request per wake-up, until told to stop. */
static void *quote_service(void *arg)
{
	struct tdx_vmm *v = arg;
	struct vmm_quote q;

	/* This is the host's thread, not a VCPU: its CPUID is the machine's
	 * even where the TD's threads have CPUID faulting on. */
	syscall(SYS_arch_prctl, ARCH_SET_CPUID, 1ul);

	for (;;) {
		while (sem_wait(&v->quote_sem) && errno == EINTR)
			;
		if (atomic_load(&v->quote_stop))
			break;
		while (take(v, &q))
			complete_one(v, &q);
	}
	return NULL;
}

void vmm_quote_init(struct tdx_vmm *v)
{
	sem_init(&v->quote_sem, 0, 0);
}

int tdx_vmm_start(struct tdx_vmm *v, char *err, size_t len)
{
	if (atomic_load(&v->quote_thread_on))
		return 0;
	/* The host's thread takes none of the program's signals: a handler
	 * of the program (it may TDCALL) must run on one of the TD's threads. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int e = pthread_create(&v->quote_thread, NULL, quote_service, v);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e)
		return snprintf(err, len, "cannot start the quoting service: %s", strerror(e)), -1;
	atomic_store(&v->quote_thread_on, 1);
	return 0;
}

void tdx_vmm_stop(struct tdx_vmm *v)
{
	struct vmm_quote q;

	if (!atomic_load(&v->quote_thread_on))
		return;
	atomic_store(&v->quote_stop, 1);
	sem_post(&v->quote_sem);
	pthread_join(v->quote_thread, NULL);
	atomic_store(&v->quote_thread_on, 0);
	/* Requests still queued get "unavailable", as the service is gone. */
	while (take(v, &q))
		complete_one(v, &q);
}

void vmm_quote_fini(struct tdx_vmm *v)
{
	tdx_vmm_stop(v);
	sem_destroy(&v->quote_sem);
}

int vmm_setup_notify(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct tdx_vmm *v = ctx;

	/* 32..255, checked by the host library; delivered to this VCPU. */
	atomic_store(&v->notify_vcpu, req->vcpu);
	atomic_store(&v->notify_vector, req->notify.vector);
	return 0;
}

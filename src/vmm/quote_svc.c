/* quote_svc.c: GetQuote (tdx-abi.md 3.7) and SetupEventNotifyInterrupt
 * (3.4).
 *
 * GetQuote is asynchronous through the header of the shared buffer
 * (version 1, status, in_len, out_len, then the TDREPORT / the quote):
 *   at the call: the buffer must lie in TD memory (else INVALID_OPERAND)
 *     and be mapped shared (else INVALID_OPERAND: the host cannot reach a
 *     private page); a header with version != 1, in_len != 1024 or
 *     24 + in_len > size gets status ERROR at once; otherwise status
 *     IN_FLIGHT and the request is queued. The TDVMCALL returns SUCCESS.
 *   completion point: the next host entry (any TDVMCALL, HLT included) or
 *     tdx_vmm_poll(). The header is read again (the guest owns it), the
 *     quote built with tdx_quote_build() and the host's key, the rest of
 *     the data area zeroed, out_len written and then status SUCCESS (or
 *     ERROR for a bad report / too small a buffer, QUOTING SERVICE
 *     UNAVAILABLE if OpenSSL fails); then the notify vector, if the guest
 *     set one up, becomes pending for tdx_vmm_take_interrupt().
 * The quote is built in the host's context (OpenSSL allocates): under the
 * trap engine that is the SIGILL handler of the synchronous TDCALL. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

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

/* The buffer as the host can reach it: in TD memory and shared. */
static uint8_t *host_view(struct tdx_vmm *v, uint64_t addr, uint64_t size)
{
	uint8_t *p = v->td ? tdx_td_gpa_ptr(v->td, addr, size) : NULL;

	for (uint64_t a = addr; p && a < addr + size; a += TDX_PAGE_SIZE_4K) {
		struct tdx_page_state st;
		if (tdx_td_page_state(v->td, a, &st) || !st.shared)
			return NULL;
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
	uint8_t *buf = host_view(v, req->quote.addr, req->quote.size);

	if (!buf || req->quote.size < QHDR_SIZE) {
		resp->status = TDVMCALL_STATUS_INVALID_OPERAND;
		return 0;
	}
	if (!header_ok(buf, req->quote.size)) {
		finish(buf, TDX_GET_QUOTE_ERROR, 0);
		return 0;
	}
	finish(buf, TDX_GET_QUOTE_IN_FLIGHT, 0);
	v->quote.pending = 1;
	v->quote.addr = req->quote.addr;
	v->quote.size = req->quote.size;
	return 0;
}

int vmm_quote_complete(struct tdx_vmm *v)
{
	uint8_t report[TDX_REPORT_SIZE];
	uint64_t status = TDX_GET_QUOTE_ERROR;
	size_t out_len = 0;

	if (!v->quote.pending)
		return 0;
	v->quote.pending = 0;
	uint8_t *buf = host_view(v, v->quote.addr, v->quote.size);
	if (!buf)
		return 0;	/* the guest took the page back: nowhere to answer */
	if (header_ok(buf, v->quote.size)) {
		memcpy(report, buf + QHDR_SIZE, sizeof(report));	/* the quote overwrites it */
		int rc = tdx_quote_build(v->key, report, sizeof(report), buf + QHDR_SIZE,
					 v->quote.size - QHDR_SIZE, &out_len);
		status = rc == 0 ? TDX_GET_QUOTE_SUCCESS : rc == -EIO ? TDX_GET_QUOTE_SERVICE_UNAVAILABLE : TDX_GET_QUOTE_ERROR;
		if (rc)
			out_len = 0;
		memset(buf + QHDR_SIZE + out_len, 0, v->quote.size - QHDR_SIZE - out_len);
	}
	finish(buf, status, (uint32_t)out_len);
	if (v->notify_vector)
		v->irq = v->notify_vector;
	return 1;
}

int vmm_setup_notify(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct tdx_vmm *v = ctx;

	v->notify_vector = req->notify.vector;	/* 32..255, checked by the host library */
	return 0;
}

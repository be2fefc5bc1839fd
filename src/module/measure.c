/* measure.c: per-TD measurement state and the module's own identity
 * (TEE_TCB_INFO), section 9. Hashes use Nettle, whose contexts live in
 * the caller's memory: the leaves run in signal handlers, where nothing
 * may allocate or take a lock (OpenSSL's EVP does both). */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/sha2.h>

#include "td.h"

/* CPUSVN of the modelled platform (a model value: real CPUs report their
 * microcode/SEAM loader SVNs here). VERIFYREPORT compares against it. */
static const uint8_t model_cpusvn[16] = { 0x07, 0x01, 0x03, 0x03, 0xFF, 0x00, 0x03, 0x00 };

/* TEE_TCB_SVN of the modelled module 1.5.01 (9.2: byte0 minor SVN, byte1
 * major SVN, byte2 SEAM loader patch SVN); model values. */
static const uint8_t model_tee_tcb_svn[16] = { 0x01, 0x05, 0x00 };

/* VALID bitmap: bit i covers the 8 bytes at offset 8*i of TEE_TCB_INFO.
 * 0x301FF = VALID, TEE_TCB_SVN, MRSEAM and TEE_TCB_SVN2 (the value OVMM
 * notes in 9.2); MRSIGNERSEAM and ATTRIBUTES are 0 for an Intel module. */
#define MODEL_TEE_TCB_VALID 0x301FFull

int tdx_sha384(const void *a, size_t alen, const void *b, size_t blen,
	       uint8_t out[TDX_MR_SIZE])
{
	struct sha384_ctx ctx;

	sha384_init(&ctx);
	sha384_update(&ctx, alen, a);
	if (blen)
		sha384_update(&ctx, blen, b);
	sha384_digest(&ctx, TDX_MR_SIZE, out);
	return 0;
}

/* n random bytes from the kernel; 0 or -1. */
static int random_bytes(void *buf, size_t n, char *err, size_t errlen, const char *what)
{
	size_t got = 0;

	while (got < n) {
		ssize_t k = getrandom((uint8_t *)buf + got, n - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			snprintf(err, errlen, "no entropy for the TD's %s: getrandom: %s", what,
				 strerror(errno));
			return -1;
		}
		got += (size_t)k;
	}
	return 0;
}

static int tee_tcb_info_build(struct tdx_tee_tcb_info *info)
{
	memset(info, 0, sizeof(*info));
	info->valid = MODEL_TEE_TCB_VALID;
	memcpy(info->tee_tcb_svn, model_tee_tcb_svn, sizeof(info->tee_tcb_svn));
	/* MRSEAM: a model value, not a real module's measurement: SHA-384 of
	 * a fixed string, so it is stable across runs and builds. */
	static const char seam_id[] = "tdxkit software model of the Intel TDX module 1.5.01";
	if (tdx_sha384(seam_id, sizeof(seam_id) - 1, NULL, 0, info->mrseam))
		return -1;
	/* MRSIGNERSEAM and ATTRIBUTES: 0 for the Intel-signed module (9.2). */
	memcpy(info->tee_tcb_svn2, model_tee_tcb_svn, sizeof(info->tee_tcb_svn2));
	return 0;
}

int tdx_measure_init(struct tdx_td *td, char *err, size_t errlen)
{
	struct tdx_measure *mr = &td->mr;

	/* RTMRs start as all zeros (9.3). */
	memset(mr->rtmr, 0, sizeof(mr->rtmr));
	memcpy(mr->cpusvn, model_cpusvn, sizeof(mr->cpusvn));
	/* The MAC key never leaves the model. Real hardware uses one platform
	 * key, so any TD on the platform can verify another's report (local
	 * attestation); the model treats each TD as its own platform, so a
	 * report verifies only in the TD that made it. */
	if (random_bytes(mr->mac_key, sizeof(mr->mac_key), err, errlen, "report MAC key"))
		return -1;
	if (tee_tcb_info_build(&mr->tee_tcb_info) ||
	    tdx_sha384(&mr->tee_tcb_info, sizeof(mr->tee_tcb_info), NULL, 0, mr->tee_tcb_info_hash)) {
		snprintf(err, errlen, "SHA-384 (Nettle) failed");
		return -1;
	}
	/* TD_UUID (metadata_td.c): random per TD, never all zero in practice. */
	return random_bytes(td->td_uuid, sizeof(td->td_uuid), err, errlen, "TD_UUID");
}

int tdx_td_rtmr(const struct tdx_td *td, unsigned index, uint8_t out[TDX_MR_SIZE])
{
	if (index >= TDX_NUM_RTMRS)
		return -1;
	memcpy(out, td->mr.rtmr[index], TDX_MR_SIZE);
	return 0;
}

/* The module serialises RTMR.EXTEND and REPORT on an RTMR lock and fails
 * the loser with OPERAND_BUSY | RTMR rather than waiting (1.5, 9.3). */
int tdx_rtmr_trylock(struct tdx_td *td)
{
	return atomic_exchange_explicit(&td->mr.rtmr_lock, 1, memory_order_acquire) == 0;
}

void tdx_rtmr_unlock(struct tdx_td *td)
{
	atomic_store_explicit(&td->mr.rtmr_lock, 0, memory_order_release);
}

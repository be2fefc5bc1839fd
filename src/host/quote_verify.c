/* quote_verify.c: verification of a DCAP quote v4 (layout in quote.h): the
 * signatures and bindings, on the view tdx_quote_parse() (src/common,
 * through quote.h) makes of it. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tdxkit/quote.h"

__attribute__((format(printf, 3, 4)))
static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Public key of the first PEM certificate in `pem` (the PCK leaf in a real
 * chain, the self-signed model certificate here). */
static struct tdx_quote_key *first_cert_key(const uint8_t *pem, uint32_t len)
{
	struct tdx_quote_key *k = NULL;
	BIO *b;
	X509 *x = NULL;
	EVP_PKEY *pk;
	uint8_t pt[65];
	size_t n = 0;

	if (len == 0 || len > INT_MAX || !(b = BIO_new_mem_buf(pem, (int)len)))
		return NULL;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	if (x && (pk = X509_get0_pubkey(x)) && EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &n) &&
	    n == 65 && pt[0] == 0x04)
		k = tdx_quote_key_from_raw(pt + 1);
	X509_free(x);
	BIO_free(b);
	ERR_clear_error();
	return k;
}

int tdx_quote_verify(const uint8_t *quote, size_t len, const struct tdx_quote_key *trusted,
		     char *why, size_t whylen)
{
	static const uint8_t intel_qe[16] = TDX_QUOTE_INTEL_QE_VENDOR_ID;
	struct tdx_quote_view v;
	struct tdx_quote_key *ak = NULL, *ck = NULL;
	const char *n;
	EVP_MD_CTX *md = NULL;
	uint8_t h[32];
	unsigned int hl = 0;
	int rc = -1;

	if (tdx_quote_parse(quote, len, &v, why, whylen))
		return -1;
	if (v.hdr.version != TDX_QUOTE_VERSION)
		return fail(why, whylen, "quote version %u, expected %d", v.hdr.version,
			    TDX_QUOTE_VERSION);
	if (v.hdr.att_key_type != TDX_QUOTE_KEY_ECDSA_P256) {
		n = tdx_quote_key_type_name(v.hdr.att_key_type);
		return fail(why, whylen, "attestation key type %u (%s), expected 2 (ECDSA-256-with-P-256)",
			    v.hdr.att_key_type, n ? n : "unknown");
	}
	if (v.hdr.tee_type != TDX_QUOTE_TEE_TDX) {
		n = tdx_quote_tee_type_name(v.hdr.tee_type);
		return fail(why, whylen, "TEE type 0x%x (%s), expected 0x81 (TDX)", v.hdr.tee_type,
			    n ? n : "unknown");
	}
	if (memcmp(v.hdr.qe_vendor_id, intel_qe, 16))
		return fail(why, whylen, "QE vendor ID is not Intel's 939A7233-F79C-4CA9-940A-0DB3957F0607");
	if (v.cert_type != TDX_QUOTE_CERT_QE_REPORT) {
		n = tdx_quote_cert_type_name(v.cert_type);
		return fail(why, whylen, "certification data type %u (%s), expected 6 (QE report "
			    "certification data)", v.cert_type, n ? n : "unknown");
	}
	if (v.inner_type != TDX_QUOTE_CERT_PCK_CHAIN) {
		n = tdx_quote_cert_type_name(v.inner_type);
		return fail(why, whylen, "nested certification data type %u (%s), expected 5 (PCK "
			    "certificate chain)", v.inner_type, n ? n : "unknown");
	}

	if (!(ak = tdx_quote_key_from_raw(v.att_key))) {
		fail(why, whylen, "the attestation key is not a point on P-256");
		goto out;
	}
	/* QuoteVerifier.cpp 4.1.2.4.16: signature over header || body. */
	if (!tdx_quote_key_verify(ak, quote, TDX_QUOTE_SIGNED_SIZE, v.sig)) {
		fail(why, whylen, "quote signature does not verify with the embedded attestation key");
		goto out;
	}
	/* 4.1.2.4.13: the QE report data binds the attestation key. */
	if (!(md = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(md, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(md, v.att_key, 64) ||
	    !EVP_DigestUpdate(md, v.qe_auth, v.qe_auth_size) || !EVP_DigestFinal_ex(md, h, &hl) ||
	    memcmp(h, v.qe.report_data, 32)) {
		fail(why, whylen, "QE report data is not SHA-256(attestation key || QE auth data)");
		goto out;
	}
	/* 4.1.2.4.12: QE report signed by the certified key (PCK; model: host key). */
	if (!(ck = first_cert_key(v.inner_data, v.inner_size))) {
		fail(why, whylen, "nested certification data holds no PEM certificate with a P-256 key");
		goto out;
	}
	if (!tdx_quote_key_verify(ck, v.qe_raw, TDX_QUOTE_QE_REPORT_SIZE, v.qe_sig)) {
		fail(why, whylen, "QE report signature does not verify with the certificate's key");
		goto out;
	}
	if (trusted && !tdx_quote_key_equal(ak, trusted)) {
		fail(why, whylen, "the attestation key in the quote is not the trusted key");
		goto out;
	}
	rc = 0;
	if (why && whylen)
		*why = 0;
out:
	EVP_MD_CTX_free(md);
	tdx_quote_key_free(ak);
	tdx_quote_key_free(ck);
	return rc;
}

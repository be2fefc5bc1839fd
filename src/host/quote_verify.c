/* quote_verify.c: bounds-checked parse and verification of DCAP quote v4
 * (layout in quote.h). Every length in a quote is attacker-controlled: each
 * is checked against what is left of its enclosing region before use, in
 * the form `n > len - off` with off <= len kept as an invariant (the Solo5
 * HVT_CHECKED_GPA_P idea: no addition that can wrap). Sizes must account
 * for their region exactly, as QuoteStructures.cpp (QVL) requires. */
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

/* A region of the quote; off <= len always. */
struct rd {
	const uint8_t *p;
	size_t len, off;
};

static const uint8_t *take(struct rd *r, size_t n)
{
	const uint8_t *p;

	if (n > r->len - r->off)
		return NULL;
	p = r->p + r->off;
	r->off += n;
	return p;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16; }

int tdx_quote_parse(const uint8_t *quote, size_t len, struct tdx_quote_view *v,
		    char *why, size_t whylen)
{
	struct rd q = { quote, len, 0 }, s, c;
	const uint8_t *p;

	memset(v, 0, sizeof(*v));
	if (!quote)
		return fail(why, whylen, "no quote");
	if (!(p = take(&q, TDX_QUOTE_HEADER_SIZE)))
		return fail(why, whylen, "truncated header: %zu bytes, a quote starts with %d", len,
			    TDX_QUOTE_HEADER_SIZE);
	memcpy(&v->hdr, p, sizeof(v->hdr));
	v->parsed |= TDX_QUOTE_HAVE_HEADER;
	if (!(p = take(&q, TDX_QUOTE_BODY_SIZE)))
		return fail(why, whylen, "truncated TD quote body: %zu bytes, the body ends at %d", len,
			    TDX_QUOTE_SIGNED_SIZE);
	memcpy(&v->body, p, sizeof(v->body));
	v->parsed |= TDX_QUOTE_HAVE_BODY;

	if (!(p = take(&q, 4)))
		return fail(why, whylen, "truncated: %zu bytes, no signature data length at offset %d",
			    len, TDX_QUOTE_SIGNED_SIZE);
	v->sig_data_len = get32(p);
	if (v->sig_data_len > q.len - q.off)
		return fail(why, whylen,
			    "signature data length %u exceeds the %zu bytes after offset %d",
			    v->sig_data_len, q.len - q.off, TDX_QUOTE_SIG_DATA_OFFSET);
	s = (struct rd){ take(&q, v->sig_data_len), v->sig_data_len, 0 };
	v->end = q.off;
	if (!(v->sig = take(&s, TDX_QUOTE_ECDSA_SIG_SIZE)) ||
	    !(v->att_key = take(&s, TDX_QUOTE_ECDSA_KEY_SIZE))) {
		v->sig = NULL;
		return fail(why, whylen,
			    "signature data length %u is too small for the signature and key (128)",
			    v->sig_data_len);
	}
	v->parsed |= TDX_QUOTE_HAVE_SIG;

	if (!(p = take(&s, 6)))
		return fail(why, whylen, "signature data (%u bytes) ends before the certification data header",
			    v->sig_data_len);
	v->cert_type = get16(p);
	v->cert_size = get32(p + 2);
	if (v->cert_size != s.len - s.off)
		return fail(why, whylen,
			    "certification data size %u, but the signature data leaves %zu bytes for it",
			    v->cert_size, s.len - s.off);
	v->cert_data = take(&s, v->cert_size);
	v->parsed |= TDX_QUOTE_HAVE_CERT;

	if (v->cert_type == TDX_QUOTE_CERT_QE_REPORT) {
		/* QEReportCertificationData::insert (QuoteStructures.cpp). */
		c = (struct rd){ v->cert_data, v->cert_size, 0 };
		if (!(v->qe_raw = take(&c, TDX_QUOTE_QE_REPORT_SIZE)) ||
		    !(v->qe_sig = take(&c, TDX_QUOTE_ECDSA_SIG_SIZE)) || !(p = take(&c, 2))) {
			v->qe_raw = v->qe_sig = NULL;
			return fail(why, whylen,
				    "QE report certification data: %u bytes, too small for the QE report, "
				    "its signature and the auth data size (450)", v->cert_size);
		}
		memcpy(&v->qe, v->qe_raw, sizeof(v->qe));
		v->qe_auth_size = get16(p);
		if (!(v->qe_auth = take(&c, v->qe_auth_size)))
			return fail(why, whylen, "QE auth data size %u exceeds the %zu bytes left",
				    v->qe_auth_size, c.len - c.off);
		v->parsed |= TDX_QUOTE_HAVE_QE;
		if (!(p = take(&c, 6)))
			return fail(why, whylen, "QE report certification data ends before the nested "
				    "certification data header");
		v->inner_type = get16(p);
		v->inner_size = get32(p + 2);
		if (v->inner_size != c.len - c.off)
			return fail(why, whylen,
				    "nested certification data size %u, but %zu bytes are left for it",
				    v->inner_size, c.len - c.off);
		v->inner_data = take(&c, v->inner_size);
		v->parsed |= TDX_QUOTE_HAVE_INNER;
	}
	/* GetQuote buffers are zero-filled pages and sample quotes keep that
	 * padding: zeros after the end are allowed, anything else is not. */
	for (size_t i = v->end; i < len; i++)
		if (quote[i])
			return fail(why, whylen, "non-zero byte at offset %zu, after the end of the "
				    "quote at %zu", i, v->end);
	return 0;
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

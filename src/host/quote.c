/* quote.c: the host's attestation key and the default quote provider
 * (tdx-abi.md 3.7): TDREPORT (9.2) -> DCAP quote v4, layout in quote.h.
 * ECDSA P-256 through OpenSSL 3 EVP only (no deprecated EC_KEY calls). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tdxkit/abi.h"
#include "tdxkit/quote.h"

/* Integers in the quote are stored as little-endian fields of packed structs. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "quote layout assumes a little-endian host");

struct tdx_quote_key {
	EVP_PKEY *pkey;
	int has_private;
	uint8_t xy[64];		/* raw public key, as in quotes */
	char *cert_pem;		/* self-signed stand-in "PCK chain" (private keys only) */
	size_t cert_len;
};

/* 32 bytes of QE authentication data (sgx_ql_auth_data_t); the contents are
 * ours, any value works as long as the QE report data hashes it. */
static const uint8_t qe_auth_data[32] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};

/* ---- key ------------------------------------------------------------------ */
static int is_p256(EVP_PKEY *p)
{
	char group[32];

	return EVP_PKEY_is_a(p, "EC") &&
	       EVP_PKEY_get_utf8_string_param(p, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
					       NULL) &&
	       !strcmp(group, "prime256v1");
}

/* Self-signed X.509 for the key: the model's whole "PCK certificate chain"
 * (certification data type 5 nested in type 6). */
static int make_cert(struct tdx_quote_key *k)
{
	X509 *x = X509_new();
	BIO *b = BIO_new(BIO_s_mem());
	X509_NAME *n;
	char *p;
	long len;
	int ok = 0;

	if (!x || !b)
		goto out;
	n = X509_get_subject_name(x);
	if (!X509_set_version(x, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(x), 1) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 24 * 3600) ||
	    !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"tdxkit", -1,
					-1, 0) ||
	    !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					(const unsigned char *)"tdxkit model attestation key (not an Intel PCK)",
					-1, -1, 0) ||
	    !X509_set_issuer_name(x, n) || !X509_set_pubkey(x, k->pkey) ||
	    !X509_sign(x, k->pkey, EVP_sha256()) || !PEM_write_bio_X509(b, x))
		goto out;
	len = BIO_get_mem_data(b, &p);
	if (len <= 0 || !(k->cert_pem = malloc((size_t)len)))
		goto out;
	memcpy(k->cert_pem, p, (size_t)len);
	k->cert_len = (size_t)len;
	ok = 1;
out:
	X509_free(x);
	BIO_free(b);
	return ok ? 0 : -1;
}

/* Takes ownership of p. */
static struct tdx_quote_key *key_wrap(EVP_PKEY *p, int has_private)
{
	struct tdx_quote_key *k;
	uint8_t pt[65];
	size_t n = 0;

	if (!p)
		return NULL;
	if (!is_p256(p) ||
	    !EVP_PKEY_get_octet_string_param(p, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt), &n) ||
	    n != 65 || pt[0] != 0x04 || !(k = calloc(1, sizeof(*k)))) {
		EVP_PKEY_free(p);
		return NULL;
	}
	k->pkey = p;
	k->has_private = has_private;
	memcpy(k->xy, pt + 1, 64);
	if (has_private && make_cert(k)) {
		tdx_quote_key_free(k);
		return NULL;
	}
	return k;
}

struct tdx_quote_key *tdx_quote_key_new(void)
{
	return key_wrap(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), 1);
}

struct tdx_quote_key *tdx_quote_key_from_pem(const char *pem, size_t len)
{
	EVP_PKEY *p = NULL;
	BIO *b;
	int priv = 1;

	if (!pem || !len || len > 1 << 20)
		return NULL;
	/* A private key first, then a public one; failures leave errors queued. */
	if ((b = BIO_new_mem_buf(pem, (int)len))) {
		p = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	if (!p && (b = BIO_new_mem_buf(pem, (int)len))) {
		priv = 0;
		p = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	ERR_clear_error();
	return key_wrap(p, priv);
}

struct tdx_quote_key *tdx_quote_key_from_raw(const uint8_t xy[64])
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *p = NULL;
	uint8_t pt[65];

	pt[0] = 0x04;	/* uncompressed point (SEC 1 2.3.3) */
	memcpy(pt + 1, xy, 64);
	/* fromdata decodes the point, which rejects points off the curve. */
	if (!bld || !ctx ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt)) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &p, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		EVP_PKEY_free(p);
		p = NULL;
	}
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return key_wrap(p, 0);
}

char *tdx_quote_key_to_pem(const struct tdx_quote_key *k, int with_private)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *s = NULL;
	long len;
	int ok;

	if (!k || !b || (with_private && !k->has_private)) {
		BIO_free(b);
		return NULL;
	}
	ok = with_private ? PEM_write_bio_PrivateKey(b, k->pkey, NULL, NULL, 0, NULL, NULL)
			  : PEM_write_bio_PUBKEY(b, k->pkey);
	len = BIO_get_mem_data(b, &p);
	if (ok && len > 0 && (s = malloc((size_t)len + 1))) {
		memcpy(s, p, (size_t)len);
		s[len] = 0;
	}
	BIO_free(b);
	return s;
}

struct tdx_quote_key *tdx_quote_key_load(const char *path, char *why, size_t whylen)
{
	char buf[16384];
	FILE *f = fopen(path, "rb");
	size_t n;
	struct tdx_quote_key *k;

	if (!f) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf), f);
	if (ferror(f) || n == sizeof(buf)) {
		snprintf(why, whylen, "%s: %s", path, ferror(f) ? "read error" : "too large for a key");
		fclose(f);
		return NULL;
	}
	fclose(f);
	if (!(k = tdx_quote_key_from_pem(buf, n)))
		snprintf(why, whylen, "%s: not a PEM ECDSA P-256 key", path);
	return k;
}

int tdx_quote_key_save(const struct tdx_quote_key *k, const char *path, int with_private)
{
	char *pem = tdx_quote_key_to_pem(k, with_private);
	FILE *f;
	int rc = -1;

	if (!pem) {
		errno = EINVAL;
		return -1;
	}
	if ((f = fopen(path, "w"))) {
		rc = fputs(pem, f) < 0 ? -1 : 0;
		if (fclose(f))
			rc = -1;
	}
	free(pem);
	return rc;
}

void tdx_quote_key_raw(const struct tdx_quote_key *k, uint8_t xy[64])
{
	memcpy(xy, k->xy, 64);
}

int tdx_quote_key_has_private(const struct tdx_quote_key *k)
{
	return k && k->has_private;
}

int tdx_quote_key_equal(const struct tdx_quote_key *a, const struct tdx_quote_key *b)
{
	return a && b && !memcmp(a->xy, b->xy, 64);
}

void tdx_quote_key_free(struct tdx_quote_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k->cert_pem);
	free(k);
}

/* ---- ECDSA in the quote encoding --------------------------------------- */
int tdx_quote_key_sign(const struct tdx_quote_key *k, const void *msg, size_t len,
		       uint8_t sig[64])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t der[80];
	size_t dlen = sizeof(der);
	const unsigned char *dp = der;
	ECDSA_SIG *es = NULL;
	const BIGNUM *r, *s;
	int rc = -1;

	if (!k || !k->has_private || !md)
		goto out;
	/* EVP gives DER (SEQUENCE { r, s }); the quote wants 32-byte r || s. */
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k->pkey) <= 0 ||
	    EVP_DigestSign(md, der, &dlen, msg, len) <= 0 ||
	    !(es = d2i_ECDSA_SIG(NULL, &dp, (long)dlen)))
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(s, sig + 32, 32) == 32)
		rc = 0;
out:
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return rc;
}

int tdx_quote_key_verify(const struct tdx_quote_key *k, const void *msg, size_t len,
			 const uint8_t sig[64])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *der = NULL;
	int dlen, ok = 0;

	if (!k || !md || !es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		goto out;
	}
	if ((dlen = i2d_ECDSA_SIG(es, &der)) > 0 &&
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k->pkey) > 0)
		ok = EVP_DigestVerify(md, der, (size_t)dlen, msg, len) == 1;
out:
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

/* ---- the quote -------------------------------------------------------------- */
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

size_t tdx_quote_size(const struct tdx_quote_key *k)
{
	return TDX_QUOTE_MIN_SIZE + sizeof(qe_auth_data) + (k ? k->cert_len : 0);
}

/* sgx_report2_body_t from TDREPORT_STRUCT: TEE_TCB_INFO and TDINFO fields
 * (tdx-abi.md 9.2), REPORTDATA from the REPORTMACSTRUCT. */
static void body_from_report(struct tdx_quote_body *b, const struct tdx_report *r)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->tee_tcb_svn, r->tee_tcb_info.tee_tcb_svn, 16);
	memcpy(b->mrseam, r->tee_tcb_info.mrseam, 48);
	memcpy(b->mrsignerseam, r->tee_tcb_info.mrsignerseam, 48);
	b->seam_attributes = r->tee_tcb_info.attributes;
	b->td_attributes = r->td_info.attributes;
	b->xfam = r->td_info.xfam;
	memcpy(b->mrtd, r->td_info.mrtd, 48);
	memcpy(b->mrconfigid, r->td_info.mrconfigid, 48);
	memcpy(b->mrowner, r->td_info.mrowner, 48);
	memcpy(b->mrownerconfig, r->td_info.mrownerconfig, 48);
	memcpy(b->rtmr, r->td_info.rtmr, sizeof(b->rtmr));
	memcpy(b->reportdata, r->mac.reportdata, 64);
}

/* The model's QE report: a QE identity of our own (not Intel's TD QE), whose
 * report data binds the attestation key as QuoteVerifier.cpp 4.1.2.4.13
 * checks: SHA-256(attestation key || QE auth data), then 32 zero bytes. */
static int qe_report(const struct tdx_quote_key *k, struct tdx_quote_qe_report *q)
{
	static const char qe_name[] = "tdxkit model quoting enclave";
	uint8_t bind[64 + sizeof(qe_auth_data)];
	unsigned int n = 0;

	memset(q, 0, sizeof(*q));
	memcpy(bind, k->xy, 64);
	memcpy(bind + 64, qe_auth_data, sizeof(qe_auth_data));
	if (!EVP_Digest(qe_name, sizeof(qe_name) - 1, q->mr_enclave, &n, EVP_sha256(), NULL) ||
	    !EVP_Digest(k->xy, 64, q->mr_signer, &n, EVP_sha256(), NULL) ||
	    !EVP_Digest(bind, sizeof(bind), q->report_data, &n, EVP_sha256(), NULL))
		return -1;
	return 0;
}

int tdx_quote_build(const struct tdx_quote_key *k, const void *tdreport, size_t len,
		    uint8_t *out, size_t outcap, size_t *outlen)
{
	static const uint8_t intel_qe[16] = TDX_QUOTE_INTEL_QE_VENDOR_ID;
	struct tdx_report rep;
	struct tdx_quote_header h = { 0 };
	struct tdx_quote_body body;
	struct tdx_quote_qe_report qe;
	size_t need = tdx_quote_size(k), cert_size, off;
	uint8_t id[32];
	unsigned int n = 0;

	if (outlen)
		*outlen = 0;
	if (!k || !k->has_private || !tdreport || len != TDX_REPORT_SIZE || !outlen)
		return -EINVAL;
	memcpy(&rep, tdreport, sizeof(rep));
	if (rep.mac.report_type[0] != TDX_REPORT_TYPE_TDX)
		return -EINVAL;
	*outlen = need;
	if (!out || outcap < need)
		return -ENOSPC;

	h.version = TDX_QUOTE_VERSION;
	h.att_key_type = TDX_QUOTE_KEY_ECDSA_P256;
	h.tee_type = TDX_QUOTE_TEE_TDX;
	memcpy(h.qe_vendor_id, intel_qe, 16);
	/* User data is the key owner's: we put a key ID there (the first 20
	 * bytes of SHA-256 of the raw public key) so a reader can tell hosts apart. */
	if (!EVP_Digest(k->xy, 64, id, &n, EVP_sha256(), NULL))
		return -EIO;
	memcpy(h.user_data, id, 20);
	body_from_report(&body, &rep);
	if (qe_report(k, &qe))
		return -EIO;

	memcpy(out, &h, sizeof(h));
	memcpy(out + TDX_QUOTE_HEADER_SIZE, &body, sizeof(body));
	put32(out + TDX_QUOTE_SIGNED_SIZE, (uint32_t)(need - TDX_QUOTE_SIG_DATA_OFFSET));
	off = TDX_QUOTE_SIG_DATA_OFFSET;
	if (tdx_quote_key_sign(k, out, TDX_QUOTE_SIGNED_SIZE, out + off))
		return -EIO;
	off += 64;
	memcpy(out + off, k->xy, 64);
	off += 64;
	/* Outer certification data: type 6, QE report certification data. */
	cert_size = need - off - 6;
	put16(out + off, TDX_QUOTE_CERT_QE_REPORT);
	put32(out + off + 2, (uint32_t)cert_size);
	off += 6;
	memcpy(out + off, &qe, sizeof(qe));
	/* Real QE reports are signed by the PCK key; the model has only this key. */
	if (tdx_quote_key_sign(k, out + off, sizeof(qe), out + off + sizeof(qe)))
		return -EIO;
	off += sizeof(qe) + 64;
	put16(out + off, sizeof(qe_auth_data));
	memcpy(out + off + 2, qe_auth_data, sizeof(qe_auth_data));
	off += 2 + sizeof(qe_auth_data);
	/* Nested: type 5, "PCK certificate chain" = the self-signed certificate. */
	put16(out + off, TDX_QUOTE_CERT_PCK_CHAIN);
	put32(out + off + 2, (uint32_t)k->cert_len);
	memcpy(out + off + 6, k->cert_pem, k->cert_len);
	off += 6 + k->cert_len;
	return off == need ? 0 : -EIO;
}

/* test_quote.c: the default quote provider (quote.h). A TDREPORT built by
 * hand -> DCAP quote v4; fields checked at the offsets Intel documents
 * (sgx_quote_4.h), then verify/print against good, tampered, truncated
 * and absurd inputs. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "testutil.h"
#include "tdxkit/quote.h"

static struct tdx_quote_key *key;
static struct tdx_report rep;
static uint8_t quote[8192];
static size_t qlen;

static void fill(void *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)p)[i] = (uint8_t)(seed + i * 7);
}

static uint16_t rd16(size_t off) { return (uint16_t)(quote[off] | quote[off + 1] << 8); }
static uint32_t rd32(size_t off) { return rd16(off) | (uint32_t)rd16(off + 2) << 16; }
static uint64_t rd64(size_t off) { return rd32(off) | (uint64_t)rd32(off + 4) << 32; }
static void wr16(uint8_t *q, size_t off, uint16_t v) { q[off] = (uint8_t)v; q[off + 1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *q, size_t off, uint32_t v) { wr16(q, off, (uint16_t)v); wr16(q, off + 2, (uint16_t)(v >> 16)); }

/* Offsets in a quote built by tdx_quote_build (QE auth data is 32 bytes). */
enum {
	O_SIG = 636, O_KEY = 700, O_CERT = 764, O_QE = 770, O_QE_SIG = 1154,
	O_AUTH_SIZE = 1218, O_AUTH = 1220, O_INNER = 1252, O_PEM = 1258,
};

static int setup(void **state)
{
	memset(&rep, 0, sizeof(rep));
	rep.mac.report_type[0] = TDX_REPORT_TYPE_TDX;
	fill(rep.mac.cpusvn, 16, 0x01);
	fill(rep.mac.reportdata, 64, 0x10);
	rep.tee_tcb_info.valid = 0x301FF;
	fill(rep.tee_tcb_info.tee_tcb_svn, 16, 0x20);
	fill(rep.tee_tcb_info.mrseam, 48, 0x30);
	fill(rep.tee_tcb_info.mrsignerseam, 48, 0x40);
	rep.tee_tcb_info.attributes = 0x1122334455667788ull;
	rep.td_info.attributes = 0x10000001ull;	/* DEBUG | SEPT_VE_DISABLE */
	rep.td_info.xfam = 0x61ae7ull;
	fill(rep.td_info.mrtd, 48, 0x50);
	fill(rep.td_info.mrconfigid, 48, 0x60);
	fill(rep.td_info.mrowner, 48, 0x70);
	fill(rep.td_info.mrownerconfig, 48, 0x80);
	for (int i = 0; i < 4; i++)
		fill(rep.td_info.rtmr[i], 48, (uint8_t)(0x90 + 0x10 * i));
	fill(rep.td_info.servtd_hash, 48, 0xd0);
	if (!(key = tdx_quote_key_new()))
		return -1;
	return tdx_quote_build(key, &rep, sizeof(rep), quote, sizeof(quote), &qlen);
}

static int teardown(void **state)
{
	tdx_quote_key_free(key);
	return 0;
}

static void sha256(const void *a, size_t an, const void *b, size_t bn, uint8_t out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	assert_non_null(md);
	assert_true(EVP_DigestInit_ex(md, EVP_sha256(), NULL));
	assert_true(EVP_DigestUpdate(md, a, an));
	assert_true(EVP_DigestUpdate(md, b, bn));
	assert_true(EVP_DigestFinal_ex(md, out, NULL));
	EVP_MD_CTX_free(md);
}

static void test_quote_header(void **state)
{
	static const uint8_t intel[16] = TDX_QUOTE_INTEL_QE_VENDOR_ID;
	uint8_t xy[64], id[32];

	ASSERT_EQ(qlen, tdx_quote_size(key));
	ASSERT_EQ(rd16(0), 4);
	ASSERT_EQ(rd16(2), 2);
	ASSERT_EQ(rd32(4), 0x81);
	ASSERT_EQ(rd32(8), 0);
	assert_memory_equal(quote + 12, intel, 16);
	assert_int_equal(quote[12], 0x93);
	assert_int_equal(quote[27], 0x07);
	/* User data: our key ID, SHA-256(raw key)[0..20). */
	tdx_quote_key_raw(key, xy);
	sha256(xy, 64, "", 0, id);
	assert_memory_equal(quote + 28, id, 20);
}

static void test_quote_body(void **state)
{
	const size_t b = 48;

	assert_memory_equal(quote + b + 0, rep.tee_tcb_info.tee_tcb_svn, 16);
	assert_memory_equal(quote + b + 16, rep.tee_tcb_info.mrseam, 48);
	assert_memory_equal(quote + b + 64, rep.tee_tcb_info.mrsignerseam, 48);
	ASSERT_EQ(rd64(b + 112), rep.tee_tcb_info.attributes);
	ASSERT_EQ(rd64(b + 120), rep.td_info.attributes);
	ASSERT_EQ(rd64(b + 128), rep.td_info.xfam);
	assert_memory_equal(quote + b + 136, rep.td_info.mrtd, 48);
	assert_memory_equal(quote + b + 184, rep.td_info.mrconfigid, 48);
	assert_memory_equal(quote + b + 232, rep.td_info.mrowner, 48);
	assert_memory_equal(quote + b + 280, rep.td_info.mrownerconfig, 48);
	for (int i = 0; i < 4; i++)
		assert_memory_equal(quote + b + 328 + 48 * i, rep.td_info.rtmr[i], 48);
	assert_memory_equal(quote + b + 520, rep.mac.reportdata, 64);
	/* The struct agrees with the literal offsets. */
	ASSERT_EQ(offsetof(struct tdx_quote_body, mrtd), 136);
	ASSERT_EQ(offsetof(struct tdx_quote_body, reportdata), 520);
}

static void test_quote_signature_data(void **state)
{
	uint8_t xy[64], h[32], auth[32];
	static const char pem[] = "-----BEGIN CERTIFICATE-----";

	ASSERT_EQ(rd32(632), qlen - 636);
	tdx_quote_key_raw(key, xy);
	assert_memory_equal(quote + O_KEY, xy, 64);
	ASSERT_EQ(rd16(O_CERT), TDX_QUOTE_CERT_QE_REPORT);
	ASSERT_EQ(rd32(O_CERT + 2), qlen - O_QE);
	ASSERT_EQ(rd16(O_AUTH_SIZE), 32);
	for (int i = 0; i < 32; i++)
		auth[i] = (uint8_t)i;
	assert_memory_equal(quote + O_AUTH, auth, 32);
	/* QE report data = SHA-256(att key || auth data) || zeros. */
	sha256(xy, 64, auth, 32, h);
	assert_memory_equal(quote + O_QE + 320, h, 32);
	for (int i = 32; i < 64; i++)
		assert_int_equal(quote[O_QE + 320 + i], 0);
	ASSERT_EQ(rd16(O_INNER), TDX_QUOTE_CERT_PCK_CHAIN);
	ASSERT_EQ(rd32(O_INNER + 2), qlen - O_PEM);
	assert_memory_equal(quote + O_PEM, pem, sizeof(pem) - 1);
	/* QE report signature by the host key. */
	assert_int_equal(tdx_quote_key_verify(key, quote + O_QE, 384, quote + O_QE_SIG), 1);
	/* And the quote fits a one-page GetQuote buffer after its 24-byte header (3.7). */
	assert_true(qlen <= 4096 - 24);
}

/* ---- independent checks: OpenSSL directly, nothing from quote.c -------- */

/* The raw big-endian r||s of a quote as DER (X.690: SEQUENCE { INTEGER r,
 * INTEGER s }, each minimal, with a 0 byte before a set top bit). */
static size_t der_from_rs(const uint8_t rs[64], uint8_t der[72])
{
	size_t n = 2;

	der[0] = 0x30;
	for (int half = 0; half < 2; half++) {
		const uint8_t *v = rs + 32 * half;
		size_t skip = 0;
		while (skip < 31 && v[skip] == 0)
			skip++;
		size_t len = 32 - skip, pad = v[skip] >> 7;
		der[n++] = 0x02;
		der[n++] = (uint8_t)(len + pad);
		if (pad)
			der[n++] = 0;
		memcpy(der + n, v + skip, len);
		n += len;
	}
	der[1] = (uint8_t)(n - 2);
	return n;
}

/* A P-256 public key from raw X||Y: SubjectPublicKeyInfo DER written out
 * (RFC 5480: id-ecPublicKey, prime256v1, uncompressed point). */
static EVP_PKEY *pkey_from_xy(const uint8_t xy[64])
{
	static const uint8_t spki_prefix[] = {
		0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
		0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
	};
	uint8_t spki[sizeof(spki_prefix) + 64];
	const unsigned char *p = spki;

	memcpy(spki, spki_prefix, sizeof(spki_prefix));
	memcpy(spki + sizeof(spki_prefix), xy, 64);
	return d2i_PUBKEY(NULL, &p, sizeof(spki));
}

/* 1 if rs is an ECDSA-SHA-256 signature of msg by pkey (EVP only). */
static int evp_verify(EVP_PKEY *pkey, const void *msg, size_t len, const uint8_t rs[64])
{
	uint8_t der[72];
	size_t dlen = der_from_rs(rs, der);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok;

	assert_non_null(md);
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey), 1);
	ok = EVP_DigestVerify(md, der, dlen, msg, len);
	EVP_MD_CTX_free(md);
	return ok == 1;
}

/* What OpenSSL alone says about a quote's two signatures: the quote
 * signature over bytes [0, 632) with the embedded key; the QE report
 * signature with the key of the embedded certificate, which is
 * self-signed and holds the same key. */
static void openssl_check_quote(const uint8_t *q, size_t n, const uint8_t want_xy[64])
{
	EVP_PKEY *att = pkey_from_xy(q + O_KEY);
	uint8_t swapped[64];

	assert_non_null(att);
	if (want_xy)
		assert_memory_equal(q + O_KEY, want_xy, 64);
	assert_true(evp_verify(att, q, TDX_QUOTE_SIGNED_SIZE, q + O_SIG));
	/* Controls: another range, or s||r, must not verify. */
	assert_false(evp_verify(att, q + TDX_QUOTE_HEADER_SIZE, TDX_QUOTE_BODY_SIZE, q + O_SIG));
	assert_false(evp_verify(att, q, TDX_QUOTE_SIGNED_SIZE + 4, q + O_SIG));
	memcpy(swapped, q + O_SIG + 32, 32);
	memcpy(swapped + 32, q + O_SIG, 32);
	assert_false(evp_verify(att, q, TDX_QUOTE_SIGNED_SIZE, swapped));

	BIO *b = BIO_new_mem_buf(q + O_PEM, (int)(n - O_PEM));
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	assert_non_null(x);
	EVP_PKEY *ck = X509_get0_pubkey(x);
	assert_non_null(ck);
	assert_int_equal(EVP_PKEY_eq(ck, att), 1);
	assert_int_equal(X509_verify(x, ck), 1);
	assert_true(evp_verify(ck, q + O_QE, TDX_QUOTE_QE_REPORT_SIZE, q + O_QE_SIG));
	assert_false(evp_verify(ck, q + O_QE, TDX_QUOTE_QE_REPORT_SIZE - 1, q + O_QE_SIG));
	X509_free(x);
	BIO_free(b);
	EVP_PKEY_free(att);
}

static void test_openssl_verifies_quote(void **state)
{
	openssl_check_quote(quote, qlen, NULL);
}

/* A fixed key (generated once with `openssl genpkey -algorithm EC
 * -pkeyopt ec_paramgen_curve:P-256`) and its X||Y (`openssl pkey -pubout
 * -outform DER | tail -c 64`). */
static const char kat_key_pem[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLkofKzAV85DSQde3\n"
	"hs57MkA3tfINTWpZrf6adQXerEGhRANCAATtf1kqWHs7Js9gdevdtdFrPefZ5ks6\n"
	"86WY//w+aASeCZggFoDDmR6pDj+WNQyr3ipGQBcSMquGRghchFt9uFa0\n"
	"-----END PRIVATE KEY-----\n";
static const char kat_xy[] =
	"ed7f592a587b3b26cf6075ebddb5d16b3de7d9e64b3af3a598fffc3e68049e09"
	"98201680c3991ea90e3f96350cabde2a4640171232ab8646085c845b7db856b4";
/* The expected quote parts, computed outside tdxkit (Python hashlib) from
 * the DCAP v4 layout (quote.h) and the TDREPORT offsets of tdx-abi.md 9.2:
 * header = 4, 2, 0x81, 0, 0, Intel QE vendor ID, SHA-256(X||Y)[0..20);
 * body = TDREPORT[264..280) [280..328) [328..376) [376..384) [512..912)
 * [128..192); QE report = zeros but MRENCLAVE = SHA-256("tdxkit model
 * quoting enclave"), MRSIGNER = SHA-256(X||Y), REPORTDATA = SHA-256(X||Y
 * || bytes 0..31). */
static const char kat_header[] =
	"040002008100000000000000939a7233f79c4ca9940a0db3957f0607"
	"5d1a5e1ec7a3cdae7a4c2fd23be77a54550daee6";
static const char kat_signed_sha256[] =
	"382cfe6d360aac440939228375b57b26a0f593cb4c7408d2f6b02823483a14b4";
static const char kat_qe_sha256[] =
	"cafaef3c2029b997a8186acf8c7741a468ea55e2a21aa99c0a0b8285482953f1";

static void unhex(const char *h, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(h), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void test_known_answer_quote(void **state)
{
	uint8_t report[TDX_REPORT_SIZE], q[8192], xy[64], want[48], h[32];
	size_t n = 0;

	/* The fixed TDREPORT: byte i = 13 i + 7, REPORTTYPE TDX version 0. */
	for (size_t i = 0; i < sizeof(report); i++)
		report[i] = (uint8_t)(i * 13 + 7);
	memcpy(report, "\x81\x00\x00\x00", 4);
	struct tdx_quote_key *k = tdx_quote_key_from_pem(kat_key_pem, sizeof(kat_key_pem) - 1);
	assert_non_null(k);
	assert_int_equal(tdx_quote_build(k, report, sizeof(report), q, sizeof(q), &n), 0);

	unhex(kat_xy, xy, 64);
	unhex(kat_header, want, 48);
	assert_memory_equal(q, want, 48);
	sha256(q, TDX_QUOTE_SIGNED_SIZE, "", 0, h);
	unhex(kat_signed_sha256, want, 32);
	assert_memory_equal(h, want, 32);
	sha256(q + O_QE, TDX_QUOTE_QE_REPORT_SIZE, "", 0, h);
	unhex(kat_qe_sha256, want, 32);
	assert_memory_equal(h, want, 32);
	/* ECDSA is randomised: the signatures are checked, not compared. */
	openssl_check_quote(q, n, xy);
	tdx_quote_key_free(k);
}

static void test_verify_embedded_key(void **state)
{
	char why[128] = "x";

	assert_int_equal(tdx_quote_verify(quote, qlen, NULL, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_int_equal(tdx_quote_verify(quote, qlen, key, why, sizeof(why)), 0);
	/* NULL reason buffer is allowed. */
	assert_int_equal(tdx_quote_verify(quote, qlen, key, NULL, 0), 0);
}

static void test_verify_pem_round_trip(void **state)
{
	char why[128], path[] = "/tmp/tdxkit-quote-key-XXXXXX";
	char *pub = tdx_quote_key_to_pem(key, 0), *priv = tdx_quote_key_to_pem(key, 1);
	struct tdx_quote_key *k1, *k2, *k3;
	uint8_t q2[8192];
	size_t n2;
	int fd;

	assert_non_null(pub);
	assert_non_null(priv);
	assert_non_null(strstr(pub, "BEGIN PUBLIC KEY"));
	assert_non_null(strstr(priv, "PRIVATE KEY"));
	assert_non_null(k1 = tdx_quote_key_from_pem(pub, strlen(pub)));
	assert_false(tdx_quote_key_has_private(k1));
	assert_true(tdx_quote_key_equal(k1, key));
	assert_int_equal(tdx_quote_verify(quote, qlen, k1, why, sizeof(why)), 0);

	/* The private key reloaded signs quotes the original key accepts. */
	assert_non_null(k2 = tdx_quote_key_from_pem(priv, strlen(priv)));
	assert_true(tdx_quote_key_has_private(k2));
	assert_int_equal(tdx_quote_build(k2, &rep, sizeof(rep), q2, sizeof(q2), &n2), 0);
	assert_int_equal(tdx_quote_verify(q2, n2, key, why, sizeof(why)), 0);

	/* Through a file, as tdx-run -> tdx-decode do. */
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(tdx_quote_key_save(key, path, 0), 0);
	assert_non_null(k3 = tdx_quote_key_load(path, why, sizeof(why)));
	assert_int_equal(tdx_quote_verify(quote, qlen, k3, why, sizeof(why)), 0);
	unlink(path);
	free(pub);
	free(priv);
	tdx_quote_key_free(k1);
	tdx_quote_key_free(k2);
	tdx_quote_key_free(k3);
}

static void test_verify_other_key_fails(void **state)
{
	struct tdx_quote_key *other = tdx_quote_key_new();
	char why[128] = "";
	uint8_t q2[8192];
	size_t n2;

	assert_non_null(other);
	assert_int_equal(tdx_quote_verify(quote, qlen, other, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not the trusted key"));
	assert_int_equal(tdx_quote_build(other, &rep, sizeof(rep), q2, sizeof(q2), &n2), 0);
	assert_int_equal(tdx_quote_verify(q2, n2, other, why, sizeof(why)), 0);
	assert_int_equal(tdx_quote_verify(q2, n2, key, why, sizeof(why)), -1);
	/* Our signed quote with the other host's QE report: the QE report data
	 * does not bind our key. */
	memcpy(q2, quote, O_CERT);
	wr32(q2, 632, (uint32_t)(n2 - 636));
	assert_int_equal(tdx_quote_verify(q2, n2, NULL, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "QE report data"));
	tdx_quote_key_free(other);
}

static void test_verify_bit_flips(void **state)
{
	static const struct { size_t off; const char *expect; } flips[] = {
		{ 0, "version" },
		{ 2, "attestation key type" },
		{ 4, "TEE type" },
		{ 12, "vendor" },
		{ 30, "quote signature" },		/* header user data */
		{ 9, "quote signature" },		/* header reserved */
		{ 48 + 136, "quote signature" },	/* MRTD */
		{ 48 + 520 + 63, "quote signature" },	/* REPORTDATA */
		{ 48 + 328 + 47, "quote signature" },	/* RTMR0 */
		{ O_SIG + 5, "quote signature" },
		{ O_SIG + 40, "quote signature" },
		{ O_KEY + 63, NULL },			/* off the curve, or wrong key */
		{ O_QE + 64, "QE report signature" },	/* MRENCLAVE */
		{ O_QE + 320, "QE report data" },
		{ O_QE_SIG + 3, "QE report signature" },
		{ O_AUTH + 1, "QE report data" },
		{ O_CERT, "certification data type" },
		{ O_INNER, "nested certification data type" },
		{ O_PEM + 3, "no PEM certificate" },
	};
	uint8_t q[8192];
	char why[160];

	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		memcpy(q, quote, qlen);
		q[flips[i].off] ^= 0x01;
		why[0] = 0;
		assert_int_equal(tdx_quote_verify(q, qlen, key, why, sizeof(why)), -1);
		assert_true(why[0]);
		if (flips[i].expect && !strstr(why, flips[i].expect))
			fail_msg("flip at %zu: '%s' does not mention '%s'", flips[i].off, why,
				 flips[i].expect);
	}
}

static void test_verify_truncated(void **state)
{
	FILE *null = fopen("/dev/null", "w");
	uint8_t q[8192];
	char why[160];

	assert_non_null(null);
	for (size_t n = 0; n < qlen; n++) {
		why[0] = 0;
		assert_int_equal(tdx_quote_verify(quote, n, key, why, sizeof(why)), -1);
		assert_true(why[0]);
		assert_int_equal(tdx_quote_print(null, quote, n), -1);
	}
	assert_int_equal(tdx_quote_verify(quote, 0, key, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "truncated header"));
	assert_int_equal(tdx_quote_verify(quote, 600, key, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "body"));
	assert_int_equal(tdx_quote_verify(quote, qlen - 1, key, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "exceeds"));
	assert_int_equal(tdx_quote_verify(NULL, 0, NULL, why, sizeof(why)), -1);
	/* A whole zero-padded GetQuote buffer is fine; non-zero bytes after
	 * the end are not. */
	memset(q, 0, sizeof(q));
	memcpy(q, quote, qlen);
	assert_int_equal(tdx_quote_verify(q, 4096, key, why, sizeof(why)), 0);
	q[4000] = 1;
	assert_int_equal(tdx_quote_verify(q, 4096, key, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "non-zero byte at offset 4000"));
	/* Tiny reason buffers are truncated, not overrun. */
	assert_int_equal(tdx_quote_verify(quote, 10, key, why, 4), -1);
	assert_int_equal(strlen(why), 3);
	fclose(null);
}

static void test_verify_absurd_lengths(void **state)
{
	static const struct { size_t off; int width; uint32_t v; const char *expect; } muts[] = {
		{ 632, 4, 0xFFFFFFFF, "exceeds" },
		{ 632, 4, 0x7FFFFFFF, "exceeds" },
		{ 632, 4, 0, "too small" },
		{ 632, 4, 127, "too small" },
		{ 632, 4, 130, "certification data header" },
		{ O_CERT + 2, 4, 0xFFFFFFFF, "certification data size" },
		{ O_CERT + 2, 4, 0, "certification data size" },
		{ O_AUTH_SIZE, 2, 0xFFFF, "QE auth data size" },
		{ O_AUTH_SIZE, 2, 0, "nested certification data size" },
		{ O_INNER + 2, 4, 0xFFFFFFFF, "nested certification data size" },
		{ O_INNER + 2, 4, 1, "nested certification data size" },
		{ O_CERT, 2, 5, "certification data type 5" },
		{ O_CERT, 2, 0xFFFF, "unknown" },
		{ O_INNER, 2, 4, "nested certification data type 4" },
	};
	uint8_t q[8192];
	char why[160];

	for (size_t i = 0; i < sizeof(muts) / sizeof(muts[0]); i++) {
		memcpy(q, quote, qlen);
		if (muts[i].width == 2)
			wr16(q, muts[i].off, (uint16_t)muts[i].v);
		else
			wr32(q, muts[i].off, muts[i].v);
		why[0] = 0;
		assert_int_equal(tdx_quote_verify(q, qlen, NULL, why, sizeof(why)), -1);
		if (!strstr(why, muts[i].expect))
			fail_msg("mutation %zu: '%s' does not mention '%s'", i, why, muts[i].expect);
	}
	/* Signature data too short for the QE report certification data. */
	memcpy(q, quote, qlen);
	wr32(q, 632, 134 + 100);
	wr32(q, O_CERT + 2, 100);
	assert_int_equal(tdx_quote_verify(q, 636 + 234, NULL, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "too small for the QE report"));
	/* All-ones input of any size never parses. */
	memset(q, 0xFF, sizeof(q));
	assert_int_equal(tdx_quote_verify(q, sizeof(q), NULL, why, sizeof(why)), -1);
}

static void test_build_errors(void **state)
{
	struct tdx_report r = rep;
	struct tdx_quote_key *pub;
	uint8_t q[8192], xy[64];
	size_t n = 123;

	assert_int_equal(tdx_quote_build(key, &rep, sizeof(rep) - 1, q, sizeof(q), &n), -EINVAL);
	ASSERT_EQ(n, 0);
	assert_int_equal(tdx_quote_build(key, NULL, sizeof(rep), q, sizeof(q), &n), -EINVAL);
	assert_int_equal(tdx_quote_build(NULL, &rep, sizeof(rep), q, sizeof(q), &n), -EINVAL);
	r.mac.report_type[0] = 0;	/* an SGX REPORT is not a TDREPORT */
	assert_int_equal(tdx_quote_build(key, &r, sizeof(r), q, sizeof(q), &n), -EINVAL);
	assert_int_equal(tdx_quote_build(key, &rep, sizeof(rep), q, qlen - 1, &n), -ENOSPC);
	ASSERT_EQ(n, qlen);
	assert_int_equal(tdx_quote_build(key, &rep, sizeof(rep), NULL, 0, &n), -ENOSPC);
	ASSERT_EQ(n, qlen);
	tdx_quote_key_raw(key, xy);
	assert_non_null(pub = tdx_quote_key_from_raw(xy));
	assert_int_equal(tdx_quote_build(pub, &rep, sizeof(rep), q, sizeof(q), &n), -EINVAL);
	tdx_quote_key_free(pub);
	/* Two quotes of one report differ only in the random ECDSA signatures. */
	assert_int_equal(tdx_quote_build(key, &rep, sizeof(rep), q, sizeof(q), &n), 0);
	ASSERT_EQ(n, qlen);
	assert_memory_equal(q, quote, O_SIG);
	assert_memory_equal(q + O_KEY, quote + O_KEY, O_QE_SIG - O_KEY);
}

static void test_key_errors(void **state)
{
	static const char junk[] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
	EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	BIO *b = BIO_new(BIO_s_mem());
	uint8_t xy[64] = { 0 }, sig[64];
	char why[256], *pem;
	long len;
	struct tdx_quote_key *pub;

	assert_null(tdx_quote_key_from_pem("garbage", 7));
	assert_null(tdx_quote_key_from_pem(junk, sizeof(junk) - 1));
	assert_null(tdx_quote_key_from_pem(NULL, 0));
	/* Another curve is refused. */
	assert_non_null(p384);
	assert_true(PEM_write_bio_PUBKEY(b, p384));
	len = BIO_get_mem_data(b, &pem);
	assert_null(tdx_quote_key_from_pem(pem, (size_t)len));
	BIO_free(b);
	EVP_PKEY_free(p384);
	/* (0, 0) is not on P-256. */
	assert_null(tdx_quote_key_from_raw(xy));
	assert_null(tdx_quote_key_load("/nonexistent/key.pem", why, sizeof(why)));
	assert_non_null(strstr(why, "/nonexistent/key.pem"));
	/* A public key can neither sign nor export a private PEM. */
	tdx_quote_key_raw(key, xy);
	assert_non_null(pub = tdx_quote_key_from_raw(xy));
	assert_null(tdx_quote_key_to_pem(pub, 1));
	assert_int_equal(tdx_quote_key_sign(pub, "m", 1, sig), -1);
	assert_int_equal(tdx_quote_key_sign(key, "m", 1, sig), 0);
	assert_int_equal(tdx_quote_key_verify(pub, "m", 1, sig), 1);
	assert_int_equal(tdx_quote_key_verify(pub, "n", 1, sig), 0);
	sig[0] ^= 0x80;
	assert_int_equal(tdx_quote_key_verify(pub, "m", 1, sig), 0);
	memset(sig, 0, sizeof(sig));	/* r = s = 0 is never valid */
	assert_int_equal(tdx_quote_key_verify(pub, "m", 1, sig), 0);
	tdx_quote_key_free(pub);
}

static char *print_to_string(const uint8_t *q, size_t n, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = tdx_quote_print(f, q, n);
	fclose(f);
	return buf;
}

static void test_print_names_fields(void **state)
{
	static const char *const names[] = {
		"DCAP quote", "HEADER", "VERSION", "ATT_KEY_TYPE", "ECDSA-256-with-P-256",
		"TEE_TYPE", "(TDX)", "QE_VENDOR_ID", "(Intel)", "USER_DATA", "TD QUOTE BODY",
		"TEE_TCB_SVN", "module SVN", "MRSEAM", "MRSIGNERSEAM", "SEAMATTRIBUTES",
		"TDATTRIBUTES", "DEBUG", "SEPT_VE_DISABLE", "XFAM", "MRTD", "MRCONFIGID",
		"MROWNER", "MROWNERCONFIG", "RTMR0", "RTMR1", "RTMR2", "RTMR3", "REPORTDATA",
		"SIG_DATA_LEN", "SIGNATURE DATA", "SIGNATURE (r||s)", "ATTESTATION_KEY",
		"CERT_DATA_TYPE", "6 (QE_REPORT_CERTIFICATION_DATA)", "CERT_DATA_SIZE",
		"QE REPORT", "CPUSVN", "MISCSELECT", "MRENCLAVE", "MRSIGNER", "ISVPRODID",
		"ISVSVN", "QE_REPORT_SIG", "QE_AUTH_DATA_SIZE", "QE_AUTH_DATA",
		"NESTED CERTIFICATION DATA", "5 (PCK_CERT_CHAIN)", "BEGIN CERTIFICATE",
		"[ 184] MRTD", "[1252] CERT_DATA_TYPE",
	};
	char mrtd[97];
	int rc;
	char *s = print_to_string(quote, qlen, &rc);

	assert_int_equal(rc, 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strstr(s, names[i]))
			fail_msg("print output lacks '%s'", names[i]);
	for (int i = 0; i < 48; i++)
		sprintf(mrtd + 2 * i, "%02x", rep.td_info.mrtd[i]);
	assert_non_null(strstr(s, mrtd));
	assert_null(strstr(s, "malformed"));
	free(s);
}

static void test_print_malformed(void **state)
{
	uint8_t q[8192];
	int rc;
	char *s = print_to_string(quote, 700, &rc);

	/* Prints what parsed, then why it stopped. */
	assert_int_equal(rc, -1);
	assert_non_null(strstr(s, "MRTD"));
	assert_non_null(strstr(s, "malformed quote: signature data length"));
	assert_null(strstr(s, "QE REPORT"));
	free(s);
	s = print_to_string(NULL, 5, &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(s, "no quote"));
	free(s);
	/* Wrong version / types are printed as such (verify refuses them). */
	memcpy(q, quote, qlen);
	wr16(q, 0, 3);
	wr32(q, 4, 0);
	wr16(q, O_CERT, 9);
	wr32(q, O_CERT + 2, (uint32_t)(qlen - O_QE));
	s = print_to_string(q, qlen, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "not 4"));
	assert_non_null(strstr(s, "(SGX)"));
	assert_non_null(strstr(s, "9 (unknown)"));
	free(s);
	/* Zero padding is named. */
	memset(q, 0, sizeof(q));
	memcpy(q, quote, qlen);
	s = print_to_string(q, qlen + 10, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "10 zero bytes of padding"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_header),
		cmocka_unit_test(test_quote_body),
		cmocka_unit_test(test_quote_signature_data),
		cmocka_unit_test(test_openssl_verifies_quote),
		cmocka_unit_test(test_known_answer_quote),
		cmocka_unit_test(test_verify_embedded_key),
		cmocka_unit_test(test_verify_pem_round_trip),
		cmocka_unit_test(test_verify_other_key_fails),
		cmocka_unit_test(test_verify_bit_flips),
		cmocka_unit_test(test_verify_truncated),
		cmocka_unit_test(test_verify_absurd_lengths),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_print_names_fields),
		cmocka_unit_test(test_print_malformed),
	};
	return TU_RUN_GROUP(tests, setup, teardown);
}

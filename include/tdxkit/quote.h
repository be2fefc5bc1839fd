/*
 * tdxkit/quote.h: the host's default quote provider (GetQuote, tdx-abi.md
 * 3.7): a TDREPORT in, an Intel DCAP quote v4 out, signed with ECDSA P-256
 * by an attestation key of the host (OpenSSL); plus parse, verify, print.
 *
 * Layout sources (intel/SGXDataCenterAttestationPrimitives):
 *   QuoteGeneration/quote_wrapper/common/inc/sgx_quote_4.h  header, body, v4 sig data
 *   QuoteGeneration/quote_wrapper/common/inc/sgx_quote_3.h  key/cert type numbers, auth data
 *   QuoteVerification/QVL/Src/AttestationLibrary/src/QuoteVerification/
 *     QuoteConstants.h, QuoteStructures.cpp                   sizes, parse order
 *   QuoteVerification/QVL/Src/AttestationLibrary/src/Verifiers/QuoteVerifier.cpp
 *                                                             what is signed by whom
 * and intel/linux-sgx common/inc/sgx_report.h (the 384-byte QE report body).
 *
 *   0    header (48)
 *   48   TD quote body (584)             <- signed by the attestation key
 *   632  u32 signature data length       (with the header, over SHA-256)
 *   636  signature data:
 *          ECDSA signature r||s (64), attestation public key X||Y (64),
 *          certification data: u16 type, u32 size, data
 *          type 6 = QE report certification data:
 *            QE report (384), QE report signature (64),
 *            u16 QE auth data size, auth data,
 *            nested certification data: u16 type (5 = PCK chain), u32 size, PEM
 *
 * THE MODEL IS NOT INTEL ATTESTATION. In a real quote the QE report is
 * signed by the platform's PCK key and the chain ends at Intel's root CA.
 * Here the host's attestation key stands in for both: it signs the QE
 * report too and the "PCK chain" is one self-signed certificate for that
 * key. A model quote verifies against the model host's key, never against
 * Intel's root. Multi-byte integers are little endian; ECDSA values and
 * keys are big endian (sgx_quote_4.h).
 */
#ifndef TDXKIT_QUOTE_H
#define TDXKIT_QUOTE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- numbers (QuoteConstants.h, sgx_quote_3.h) --------------------------- */
#define TDX_QUOTE_VERSION		4
#define TDX_QUOTE_KEY_ECDSA_P256	2	/* SGX_QL_ALG_ECDSA_P256 */
#define TDX_QUOTE_KEY_ECDSA_P384	3	/* defined, not supported by Intel either */
#define TDX_QUOTE_TEE_SGX		0x00000000u
#define TDX_QUOTE_TEE_TDX		0x00000081u
/* Intel's QE vendor ID 939A7233-F79C-4CA9-940A-0DB3957F0607, bytes in quote order. */
#define TDX_QUOTE_INTEL_QE_VENDOR_ID \
	{ 0x93, 0x9A, 0x72, 0x33, 0xF7, 0x9C, 0x4C, 0xA9, \
	  0x94, 0x0A, 0x0D, 0xB3, 0x95, 0x7F, 0x06, 0x07 }

enum tdx_quote_cert_type {	/* sgx_ql_cert_key_type_t */
	TDX_QUOTE_CERT_PPID_CLEARTEXT = 1,
	TDX_QUOTE_CERT_PPID_RSA2048 = 2,
	TDX_QUOTE_CERT_PPID_RSA3072 = 3,
	TDX_QUOTE_CERT_PCK_CLEARTEXT = 4,
	TDX_QUOTE_CERT_PCK_CHAIN = 5,
	TDX_QUOTE_CERT_QE_REPORT = 6,	/* ECDSA_SIG_AUX_DATA / QE report certification data */
};

#define TDX_QUOTE_HEADER_SIZE		48
#define TDX_QUOTE_BODY_SIZE		584
#define TDX_QUOTE_SIGNED_SIZE		(TDX_QUOTE_HEADER_SIZE + TDX_QUOTE_BODY_SIZE)	/* 632 */
#define TDX_QUOTE_SIG_DATA_OFFSET	(TDX_QUOTE_SIGNED_SIZE + 4)			/* 636 */
#define TDX_QUOTE_ECDSA_SIG_SIZE	64
#define TDX_QUOTE_ECDSA_KEY_SIZE	64
#define TDX_QUOTE_QE_REPORT_SIZE	384
/* Smallest well-formed v4 quote with type 6 data and empty auth/nested data. */
#define TDX_QUOTE_MIN_SIZE (TDX_QUOTE_SIG_DATA_OFFSET + 64 + 64 + 2 + 4 + \
			    TDX_QUOTE_QE_REPORT_SIZE + 64 + 2 + 2 + 4)

/* ---- fixed parts (little endian, packed like the Intel headers) ---------- */
struct tdx_quote_header {		/* sgx_quote4_header_t */
	uint16_t version;		/* 0: 4 */
	uint16_t att_key_type;		/* 2: 2 = ECDSA-256-with-P-256 */
	uint32_t tee_type;		/* 4: 0x81 = TDX */
	uint16_t reserved0;		/* 8: QE SVN in v3 headers */
	uint16_t reserved1;		/* 10: PCE SVN in v3 headers */
	uint8_t qe_vendor_id[16];	/* 12 */
	uint8_t user_data[20];		/* 28: attestation key owner data */
} TDXKIT_PACKED;

struct tdx_quote_body {			/* sgx_report2_body_t, "TD report 1.0" */
	uint8_t tee_tcb_svn[16];	/* 0 */
	uint8_t mrseam[48];		/* 16 */
	uint8_t mrsignerseam[48];	/* 64 */
	uint64_t seam_attributes;	/* 112 */
	uint64_t td_attributes;		/* 120 */
	uint64_t xfam;			/* 128 */
	uint8_t mrtd[48];		/* 136 */
	uint8_t mrconfigid[48];		/* 184 */
	uint8_t mrowner[48];		/* 232 */
	uint8_t mrownerconfig[48];	/* 280 */
	uint8_t rtmr[4][48];		/* 328 */
	uint8_t reportdata[64];		/* 520 */
} TDXKIT_PACKED;

struct tdx_quote_qe_report {		/* sgx_report_body_t (linux-sgx sgx_report.h) */
	uint8_t cpu_svn[16];		/* 0 */
	uint32_t misc_select;		/* 16 */
	uint8_t reserved1[28];		/* 20 */
	uint8_t attributes[16];		/* 48 */
	uint8_t mr_enclave[32];		/* 64 */
	uint8_t reserved2[32];		/* 96 */
	uint8_t mr_signer[32];		/* 128 */
	uint8_t reserved3[96];		/* 160 */
	uint16_t isv_prod_id;		/* 256 */
	uint16_t isv_svn;		/* 258 */
	uint8_t reserved4[60];		/* 260 */
	uint8_t report_data[64];	/* 320: SHA-256(att key || QE auth data) || 0 */
} TDXKIT_PACKED;

TDXKIT_STATIC_ASSERT(sizeof(struct tdx_quote_header) == TDX_QUOTE_HEADER_SIZE, "quote header is 48 bytes");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_quote_body) == TDX_QUOTE_BODY_SIZE, "TD quote body is 584 bytes");
TDXKIT_STATIC_ASSERT(sizeof(struct tdx_quote_qe_report) == TDX_QUOTE_QE_REPORT_SIZE, "QE report is 384 bytes");

/* ---- a parsed quote ------------------------------------------------------- */
/* What tdx_quote_parse() found, filled as far as the bytes allowed:
 * `parsed` says which parts are valid. Pointers point into the caller's
 * buffer; every (pointer, size) pair has been checked against it. */
enum tdx_quote_part {
	TDX_QUOTE_HAVE_HEADER = 1 << 0,
	TDX_QUOTE_HAVE_BODY = 1 << 1,
	TDX_QUOTE_HAVE_SIG = 1 << 2,	/* sig_data_len, signature, attestation key */
	TDX_QUOTE_HAVE_CERT = 1 << 3,	/* cert_type, cert_size, cert_data */
	TDX_QUOTE_HAVE_QE = 1 << 4,	/* type 6: QE report, its signature, auth data */
	TDX_QUOTE_HAVE_INNER = 1 << 5,	/* type 6: nested certification data */
};

struct tdx_quote_view {
	unsigned parsed;		/* enum tdx_quote_part bits */
	struct tdx_quote_header hdr;
	struct tdx_quote_body body;
	uint32_t sig_data_len;
	const uint8_t *sig, *att_key;	/* 64 bytes each */
	uint16_t cert_type;
	uint32_t cert_size;
	const uint8_t *cert_data;
	struct tdx_quote_qe_report qe;
	const uint8_t *qe_raw, *qe_sig;	/* 384, 64 */
	uint16_t qe_auth_size;
	const uint8_t *qe_auth;
	uint16_t inner_type;
	uint32_t inner_size;
	const uint8_t *inner_data;
	size_t end;			/* bytes the quote occupies */
};

/* Bounds-checked parse (layout only, no crypto, no value checks beyond
 * what the layout needs). 0 if the whole quote parsed, with v->end its
 * length; bytes after that must be zero (GetQuote buffer padding). -1 with
 * a one-line reason in `why` otherwise. */
TDXKIT_API int tdx_quote_parse(const uint8_t *quote, size_t len, struct tdx_quote_view *v,
		    char *why, size_t whylen);

/* ---- the attestation key ------------------------------------------------ */
struct tdx_quote_key;

/* A fresh random P-256 key pair; NULL on failure. */
TDXKIT_API struct tdx_quote_key *tdx_quote_key_new(void);
/* A P-256 private key (PKCS#8 or SEC1 PEM) or public key (SubjectPublicKeyInfo
 * PEM). NULL on garbage or another curve/algorithm. */
TDXKIT_API struct tdx_quote_key *tdx_quote_key_from_pem(const char *pem, size_t len);
/* From the raw 64-byte X||Y of a quote (public only); NULL if not on P-256. */
TDXKIT_API struct tdx_quote_key *tdx_quote_key_from_raw(const uint8_t xy[64]);
/* PEM text (public only, or the private key when with_private and the key
 * has one), NUL-terminated, malloc'ed: free() it. NULL on failure. */
TDXKIT_API char *tdx_quote_key_to_pem(const struct tdx_quote_key *k, int with_private);
/* The same through files (tdx-run writes the public key, tdx-decode reads it).
 * load: NULL with a reason in `why`; save: 0 or -1 (errno set). */
TDXKIT_API struct tdx_quote_key *tdx_quote_key_load(const char *path, char *why, size_t whylen);
TDXKIT_API int tdx_quote_key_save(const struct tdx_quote_key *k, const char *path, int with_private);
/* Raw public key X||Y as it appears in quotes. */
TDXKIT_API void tdx_quote_key_raw(const struct tdx_quote_key *k, uint8_t xy[64]);
TDXKIT_API int tdx_quote_key_has_private(const struct tdx_quote_key *k);
/* 1 if both hold the same public key. */
TDXKIT_API int tdx_quote_key_equal(const struct tdx_quote_key *a, const struct tdx_quote_key *b);
TDXKIT_API void tdx_quote_key_free(struct tdx_quote_key *k);

/* ECDSA P-256 with SHA-256 over msg, signature as raw big-endian r||s (the
 * quote encoding). sign: 0 or -1 (no private key, OpenSSL failure);
 * verify: 1 valid, 0 not. */
TDXKIT_API int tdx_quote_key_sign(const struct tdx_quote_key *k, const void *msg, size_t len,
		       uint8_t sig[64]);
TDXKIT_API int tdx_quote_key_verify(const struct tdx_quote_key *k, const void *msg, size_t len,
			 const uint8_t sig[64]);

/* ---- build / verify / print --------------------------------------------- */
/* Size tdx_quote_build() produces with this key. */
TDXKIT_API size_t tdx_quote_size(const struct tdx_quote_key *k);

/* The default quote provider: quote of a 1024-byte TDREPORT (REPORTTYPE
 * TYPE 0x81). Returns 0 and *outlen, or -EINVAL (bad report, no private
 * key), -ENOSPC (outcap too small; *outlen = the size needed), -EIO
 * (OpenSSL failed). The REPORTMACSTRUCT MAC is not checked: the model has
 * no platform key to check it with (TDG.MR.VERIFYREPORT, 9.4, is the TD's). */
TDXKIT_API int tdx_quote_build(const struct tdx_quote_key *k, const void *tdreport, size_t len,
		    uint8_t *out, size_t outcap, size_t *outlen);

/* Parse and check: version 4, key type 2, TEE type TDX, Intel QE vendor
 * ID, certification data type 6 with nested type 5, every length; the
 * quote signature over header||body with the embedded attestation key;
 * the QE report binding (report data = SHA-256(key || auth data)) and its
 * signature with the key of the first certificate of the nested chain;
 * and, when `trusted` is not NULL, that the embedded key equals it.
 * 0 if all hold, else -1 and a one-line reason in `why`. */
TDXKIT_API int tdx_quote_verify(const uint8_t *quote, size_t len, const struct tdx_quote_key *trusted,
		     char *why, size_t whylen);

/* Every field by name, like tdx_report_print(). Prints as much as parses,
 * then the reason it stopped. 0, or -1 if the quote is malformed. */
TDXKIT_API int tdx_quote_print(FILE *out, const uint8_t *quote, size_t len);

/* "ECDSA-256-with-P-256", "PCK_CERT_CHAIN", "TDX"...; NULL if unknown. */
TDXKIT_API const char *tdx_quote_key_type_name(unsigned type);
TDXKIT_API const char *tdx_quote_cert_type_name(unsigned type);
TDXKIT_API const char *tdx_quote_tee_type_name(uint32_t type);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_QUOTE_H */

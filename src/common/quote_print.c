/* quote_print.c: DCAP quote v4 printer (layout and sources in quote.h),
 * in the style of report_print.c: fixed parts are row tables whose offsets
 * come from the structs in quote.h; the variable signature data follows
 * the bounds-checked view of tdx_quote_parse(), so a malformed quote prints
 * as far as it parses and then says why it stopped. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tdxkit/decode.h"
#include "tdxkit/quote.h"
#include "names_internal.h"
#include "print_fields.h"

enum kind {
	K_HEX,		/* hex bytes on one line */
	K_RESERVED,	/* must be zero: say so, dump if not */
	K_U16,
	K_U32,
	K_U64,
	K_VERSION,	/* header version: 4 expected */
	K_KEY_TYPE,	/* sgx_ql_attestation_algorithm_id_t */
	K_TEE_TYPE,	/* 0 SGX, 0x81 TDX */
	K_VENDOR,	/* QE vendor ID, Intel's or not */
	K_TCB_SVN,	/* tdx-abi.md 9.2: minor, major, SEAM last patch SVN */
	K_ATTRIBUTES,	/* tdx-abi.md 5.2 TD ATTRIBUTES */
};

struct row {
	size_t off, size;
	enum kind kind;
	const char *name;
};

#define ROW(type, member, kind, name) \
	{ offsetof(type, member), sizeof(((type *)0)->member), kind, name }
#define H(m, k, n) ROW(struct tdx_quote_header, m, k, n)
#define B(m, k, n) ROW(struct tdx_quote_body, m, k, n)
#define Q(m, k, n) ROW(struct tdx_quote_qe_report, m, k, n)

static const struct row header_rows[] = {
	H(version, K_VERSION, "VERSION"),
	H(att_key_type, K_KEY_TYPE, "ATT_KEY_TYPE"),
	H(tee_type, K_TEE_TYPE, "TEE_TYPE"),
	H(reserved0, K_U16, "RESERVED (QE_SVN)"),
	H(reserved1, K_U16, "RESERVED (PCE_SVN)"),
	H(qe_vendor_id, K_VENDOR, "QE_VENDOR_ID"),
	H(user_data, K_HEX, "USER_DATA"),
};

static const struct row body_rows[] = {
	B(tee_tcb_svn, K_TCB_SVN, "TEE_TCB_SVN"),
	B(mrseam, K_HEX, "MRSEAM"),
	B(mrsignerseam, K_HEX, "MRSIGNERSEAM"),
	B(seam_attributes, K_U64, "SEAMATTRIBUTES"),
	B(td_attributes, K_ATTRIBUTES, "TDATTRIBUTES"),
	B(xfam, K_U64, "XFAM"),
	B(mrtd, K_HEX, "MRTD"),
	B(mrconfigid, K_HEX, "MRCONFIGID"),
	B(mrowner, K_HEX, "MROWNER"),
	B(mrownerconfig, K_HEX, "MROWNERCONFIG"),
	B(rtmr[0], K_HEX, "RTMR0"),
	B(rtmr[1], K_HEX, "RTMR1"),
	B(rtmr[2], K_HEX, "RTMR2"),
	B(rtmr[3], K_HEX, "RTMR3"),
	B(reportdata, K_HEX, "REPORTDATA"),
};

static const struct row qe_rows[] = {
	Q(cpu_svn, K_HEX, "CPUSVN"),
	Q(misc_select, K_U32, "MISCSELECT"),
	Q(reserved1, K_RESERVED, "reserved"),
	Q(attributes, K_HEX, "ATTRIBUTES"),
	Q(mr_enclave, K_HEX, "MRENCLAVE"),
	Q(reserved2, K_RESERVED, "reserved"),
	Q(mr_signer, K_HEX, "MRSIGNER"),
	Q(reserved3, K_RESERVED, "reserved"),
	Q(isv_prod_id, K_U16, "ISVPRODID"),
	Q(isv_svn, K_U16, "ISVSVN"),
	Q(reserved4, K_RESERVED, "reserved"),
	Q(report_data, K_HEX, "REPORTDATA"),
};

/* sgx_quote_3.h: sgx_ql_attestation_algorithm_id_t, sgx_ql_cert_key_type_t. */
static const struct tdx_name key_types[] = {
	{ 0, "EPID" }, { 1, "reserved" },
	{ TDX_QUOTE_KEY_ECDSA_P256, "ECDSA-256-with-P-256" },
	{ TDX_QUOTE_KEY_ECDSA_P384, "ECDSA-384-with-P-384" },
};
static const struct tdx_name cert_types[] = {
	{ TDX_QUOTE_CERT_PPID_CLEARTEXT, "PPID_CLEARTEXT" },
	{ TDX_QUOTE_CERT_PPID_RSA2048, "PPID_RSA2048_ENCRYPTED" },
	{ TDX_QUOTE_CERT_PPID_RSA3072, "PPID_RSA3072_ENCRYPTED" },
	{ TDX_QUOTE_CERT_PCK_CLEARTEXT, "PCK_CLEARTEXT" },
	{ TDX_QUOTE_CERT_PCK_CHAIN, "PCK_CERT_CHAIN" },
	{ TDX_QUOTE_CERT_QE_REPORT, "QE_REPORT_CERTIFICATION_DATA" },
};
static const struct tdx_name tee_types[] = {
	{ TDX_QUOTE_TEE_SGX, "SGX" }, { TDX_QUOTE_TEE_TDX, "TDX" },
};

const char *tdx_quote_key_type_name(unsigned type)
{
	return tdx_name_find(key_types, TDX_NAMES_LEN(key_types), type);
}

const char *tdx_quote_cert_type_name(unsigned type)
{
	return tdx_name_find(cert_types, TDX_NAMES_LEN(cert_types), type);
}

const char *tdx_quote_tee_type_name(uint32_t type)
{
	return tdx_name_find(tee_types, TDX_NAMES_LEN(tee_types), type);
}

static const char *or_unknown(const char *s)
{
	return s ? s : "unknown";
}

/* `base` is the region the rows describe, `abs` its offset in the quote. */
static void print_rows(FILE *out, const uint8_t *base, size_t abs, const struct row *rows,
		       size_t nrows)
{
	static const uint8_t intel_qe[16] = TDX_QUOTE_INTEL_QE_VENDOR_ID;

	for (size_t i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		const uint8_t *p = base + r->off;
		uint64_t v = tdx_pr_le(p, r->size < 8 ? r->size : 8);

		tdx_pr_label(out, abs + r->off, r->name);
		switch (r->kind) {
		case K_HEX:
			tdx_pr_hex(out, p, r->size);
			break;
		case K_RESERVED:
			tdx_pr_reserved(out, p, r->size);
			break;
		case K_U16:
		case K_U32:
			fprintf(out, "%llu (0x%llx)", (unsigned long long)v, (unsigned long long)v);
			break;
		case K_U64:
			fprintf(out, "0x%016llx", (unsigned long long)v);
			break;
		case K_VERSION:
			fprintf(out, "%llu%s", (unsigned long long)v,
				v == TDX_QUOTE_VERSION ? "" : " (not 4: unsupported)");
			break;
		case K_KEY_TYPE:
			fprintf(out, "%llu (%s)", (unsigned long long)v,
				or_unknown(tdx_quote_key_type_name((unsigned)v)));
			break;
		case K_TEE_TYPE:
			fprintf(out, "0x%08llx (%s)", (unsigned long long)v,
				or_unknown(tdx_quote_tee_type_name((uint32_t)v)));
			break;
		case K_VENDOR:
			tdx_pr_hex(out, p, r->size);
			fprintf(out, memcmp(p, intel_qe, 16) ? " (not Intel)" : " (Intel)");
			break;
		case K_TCB_SVN:
			tdx_pr_hex(out, p, r->size);
			fprintf(out, " (module SVN %u.%u, SEAM last patch SVN %u)", p[1], p[0], p[2]);
			break;
		case K_ATTRIBUTES:
			tdx_pr_attributes(out, v);
			break;
		}
		fputc('\n', out);
	}
}

/* Certification data: PEM and other text as indented lines (control bytes
 * shown as '.'), anything else as hex; both capped so a huge size cannot
 * flood the terminal. */
#define DUMP_MAX 8192
static void dump(FILE *out, const uint8_t *p, size_t n)
{
	size_t nul = 0, shown, i, text = 1;

	if (!n) {
		fprintf(out, "(empty)\n");
		return;
	}
	/* Real PCK chains end with a NUL: text followed by NULs is still text. */
	while (nul < n && !p[n - 1 - nul])
		nul++;
	shown = n - nul < DUMP_MAX ? n - nul : DUMP_MAX;
	if (nul == n)
		text = 0;
	for (i = 0; i < shown; i++)
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t') || p[i] >= 0x7f)
			text = 0;
	if (text) {
		fprintf(out, "(text, %zu bytes", n);
		if (nul)
			fprintf(out, ", %zu NUL at the end", nul);
		fprintf(out, ")\n        ");
		for (i = 0; i < shown; i++) {
			if (p[i] == '\n') {
				if (i + 1 < shown)
					fprintf(out, "\n        ");
			} else if (p[i] != '\r') {
				fputc(p[i] == '\t' ? ' ' : p[i], out);
			}
		}
		if (shown < n - nul)
			fprintf(out, "\n        ... (%zu more bytes)", n - nul - shown);
	} else {
		shown = n < 64 ? n : 64;
		fprintf(out, "(%zu bytes) ", n);
		tdx_pr_hex(out, p, shown);
		if (shown < n)
			fprintf(out, " ... (%zu more bytes)", n - shown);
	}
	fputc('\n', out);
}

static void cert_header(FILE *out, size_t off, uint16_t type, uint32_t size)
{
	tdx_pr_label(out, off, "CERT_DATA_TYPE");
	fprintf(out, "%u (%s)\n", type, or_unknown(tdx_quote_cert_type_name(type)));
	tdx_pr_label(out, off + 2, "CERT_DATA_SIZE");
	fprintf(out, "%u\n", size);
}

int tdx_quote_print(FILE *out, const uint8_t *quote, size_t len)
{
	struct tdx_quote_view v;
	char why[160];
	int rc = tdx_quote_parse(quote, len, &v, why, sizeof(why));
	size_t off;

	fprintf(out, "DCAP quote (%zu bytes)\n", quote ? len : 0);
	if (v.parsed & TDX_QUOTE_HAVE_HEADER) {
		fprintf(out, "HEADER @0 (%d bytes)\n", TDX_QUOTE_HEADER_SIZE);
		print_rows(out, quote, 0, header_rows, TDX_NAMES_LEN(header_rows));
	}
	if (v.parsed & TDX_QUOTE_HAVE_BODY) {
		fprintf(out, "TD QUOTE BODY @%d (%d bytes)\n", TDX_QUOTE_HEADER_SIZE, TDX_QUOTE_BODY_SIZE);
		print_rows(out, quote + TDX_QUOTE_HEADER_SIZE, TDX_QUOTE_HEADER_SIZE, body_rows,
			   TDX_NAMES_LEN(body_rows));
		tdx_pr_label(out, TDX_QUOTE_SIGNED_SIZE, "SIG_DATA_LEN");
		if (len >= TDX_QUOTE_SIG_DATA_OFFSET)
			fprintf(out, "%u\n", (unsigned)tdx_pr_le(quote + TDX_QUOTE_SIGNED_SIZE, 4));
		else
			fprintf(out, "(missing)\n");
	}
	if (v.parsed & TDX_QUOTE_HAVE_SIG) {
		fprintf(out, "SIGNATURE DATA @%d (%u bytes)\n", TDX_QUOTE_SIG_DATA_OFFSET, v.sig_data_len);
		tdx_pr_label(out, (size_t)(v.sig - quote), "SIGNATURE (r||s)");
		tdx_pr_hex(out, v.sig, TDX_QUOTE_ECDSA_SIG_SIZE);
		fputc('\n', out);
		tdx_pr_label(out, (size_t)(v.att_key - quote), "ATTESTATION_KEY");
		tdx_pr_hex(out, v.att_key, TDX_QUOTE_ECDSA_KEY_SIZE);
		fputc('\n', out);
	}
	if (v.parsed & TDX_QUOTE_HAVE_CERT) {
		off = (size_t)(v.cert_data - quote);
		cert_header(out, off - 6, v.cert_type, v.cert_size);
		if (v.cert_type != TDX_QUOTE_CERT_QE_REPORT) {
			tdx_pr_label(out, off, "CERT_DATA");
			dump(out, v.cert_data, v.cert_size);
		}
	}
	if (v.parsed & TDX_QUOTE_HAVE_QE) {
		off = (size_t)(v.qe_raw - quote);
		fprintf(out, "QE REPORT @%zu (%d bytes)\n", off, TDX_QUOTE_QE_REPORT_SIZE);
		print_rows(out, v.qe_raw, off, qe_rows, TDX_NAMES_LEN(qe_rows));
		tdx_pr_label(out, (size_t)(v.qe_sig - quote), "QE_REPORT_SIG");
		tdx_pr_hex(out, v.qe_sig, TDX_QUOTE_ECDSA_SIG_SIZE);
		fputc('\n', out);
		tdx_pr_label(out, (size_t)(v.qe_auth - quote) - 2, "QE_AUTH_DATA_SIZE");
		fprintf(out, "%u\n", v.qe_auth_size);
		tdx_pr_label(out, (size_t)(v.qe_auth - quote), "QE_AUTH_DATA");
		dump(out, v.qe_auth, v.qe_auth_size);
	}
	if (v.parsed & TDX_QUOTE_HAVE_INNER) {
		off = (size_t)(v.inner_data - quote);
		fprintf(out, "NESTED CERTIFICATION DATA @%zu\n", off - 6);
		cert_header(out, off - 6, v.inner_type, v.inner_size);
		tdx_pr_label(out, off, "CERT_DATA");
		dump(out, v.inner_data, v.inner_size);
	}
	if (rc) {
		fprintf(out, "malformed quote: %s\n", why);
		return -1;
	}
	if (v.end < len)
		fprintf(out, "(quote ends at %zu; %zu zero bytes of padding follow)\n", v.end,
			len - v.end);
	return 0;
}

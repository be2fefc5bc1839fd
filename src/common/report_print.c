/* report_print.c: TDREPORT_STRUCT printer (tdx-abi.md 9.1, 9.2). The
 * layout is a table of rows whose offsets come from struct tdx_report, so
 * the printer and abi.h cannot drift apart. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tdxkit/abi.h"
#include "tdxkit/decode.h"
#include "names_internal.h"
#include "print_fields.h"

enum kind {
	K_SECTION,	/* header line for REPORTMACSTRUCT / TEE_TCB_INFO / TDINFO */
	K_HEX,		/* hex bytes on one line */
	K_RESERVED,	/* must be zero: say so, dump if not */
	K_U64,		/* little-endian 64-bit value */
	K_REPORTTYPE,	/* 9.1: TYPE, SUBTYPE, VERSION */
	K_TCB_SVN,	/* 9.2: minor, major, SEAM last patch SVN */
	K_ATTRIBUTES,	/* 5.2 TD ATTRIBUTES */
};

struct row {
	size_t off, size;
	enum kind kind;
	const char *name;
};

#define R(member, kind, name) \
	{ offsetof(struct tdx_report, member), sizeof(((struct tdx_report *)0)->member), kind, name }
#define SECTION(member, name) \
	{ offsetof(struct tdx_report, member), sizeof(((struct tdx_report *)0)->member), K_SECTION, name }

static const struct row rows[] = {
	SECTION(mac, "REPORTMACSTRUCT"),
	R(mac.report_type, K_REPORTTYPE, "REPORTTYPE"),
	R(mac.reserved0, K_RESERVED, "reserved"),
	R(mac.cpusvn, K_HEX, "CPUSVN"),
	R(mac.tee_tcb_info_hash, K_HEX, "TEE_TCB_INFO_HASH"),
	R(mac.tee_info_hash, K_HEX, "TEE_INFO_HASH"),
	R(mac.reportdata, K_HEX, "REPORTDATA"),
	R(mac.reserved1, K_RESERVED, "reserved"),
	R(mac.mac, K_HEX, "MAC"),
	SECTION(tee_tcb_info, "TEE_TCB_INFO"),
	R(tee_tcb_info.valid, K_U64, "VALID"),
	R(tee_tcb_info.tee_tcb_svn, K_TCB_SVN, "TEE_TCB_SVN"),
	R(tee_tcb_info.mrseam, K_HEX, "MRSEAM"),
	R(tee_tcb_info.mrsignerseam, K_HEX, "MRSIGNERSEAM"),
	R(tee_tcb_info.attributes, K_U64, "ATTRIBUTES"),
	R(tee_tcb_info.tee_tcb_svn2, K_HEX, "TEE_TCB_SVN2"),
	R(tee_tcb_info.reserved, K_RESERVED, "reserved"),
	R(reserved, K_RESERVED, "reserved"),
	SECTION(td_info, "TDINFO"),
	R(td_info.attributes, K_ATTRIBUTES, "ATTRIBUTES"),
	R(td_info.xfam, K_U64, "XFAM"),
	R(td_info.mrtd, K_HEX, "MRTD"),
	R(td_info.mrconfigid, K_HEX, "MRCONFIGID"),
	R(td_info.mrowner, K_HEX, "MROWNER"),
	R(td_info.mrownerconfig, K_HEX, "MROWNERCONFIG"),
	R(td_info.rtmr[0], K_HEX, "RTMR[0]"),
	R(td_info.rtmr[1], K_HEX, "RTMR[1]"),
	R(td_info.rtmr[2], K_HEX, "RTMR[2]"),
	R(td_info.rtmr[3], K_HEX, "RTMR[3]"),
	R(td_info.servtd_hash, K_HEX, "SERVTD_HASH"),
	R(td_info.reserved, K_RESERVED, "reserved"),
};

/* 5.2 */
static const struct tdx_name attr_bits[] = {
	{ 0, "DEBUG" }, { 4, "HGS_PLUS_PROF" }, { 5, "PERF_PROF" }, { 6, "PMT_PROF" },
	{ 16, "ICSSD" }, { 27, "LASS" }, { 28, "SEPT_VE_DISABLE" }, { 29, "MIGRATABLE" },
	{ 30, "PKS" }, { 31, "KL" }, { 62, "TPA" }, { 63, "PERFMON" },
};

/* 9.1/9.2: REPORTTYPE.TYPE values. */
static const struct tdx_name report_types[] = {
	{ 0x00, "SGX" }, { TDX_REPORT_TYPE_TDX, "TDX" },
};

const char *tdx_attribute_bit_name(unsigned bit)
{
	return tdx_name_find(attr_bits, TDX_NAMES_LEN(attr_bits), bit);
}

static void print_reporttype(FILE *out, const uint8_t *p)
{
	const char *type = tdx_name_find(report_types, TDX_NAMES_LEN(report_types), p[0]);

	fprintf(out, "TYPE 0x%02x (%s), SUBTYPE %u%s, VERSION %u", p[0], type ? type : "unknown",
		p[1], p[1] ? " (unknown)" : "", p[2]);
	/* 9.1: VERSION 1 means service TDs are bound and SERVTD_HASH counts. */
	if (p[2] == 0)
		fprintf(out, " (SERVTD_HASH not used)");
	else if (p[2] == 1)
		fprintf(out, " (SERVTD_HASH valid)");
	else
		fprintf(out, " (unknown)");
	if (p[3])
		fprintf(out, ", reserved byte 0x%02x NOT ZERO", p[3]);
}

static void print_row(FILE *out, const uint8_t *b, const struct row *r)
{
	const uint8_t *p = b + r->off;

	if (r->kind == K_SECTION) {
		fprintf(out, "%s @%zu (%zu bytes)\n", r->name, r->off, r->size);
		return;
	}
	tdx_pr_label(out, r->off, r->name);
	switch (r->kind) {
	case K_HEX:
		tdx_pr_hex(out, p, r->size);
		break;
	case K_RESERVED:
		tdx_pr_reserved(out, p, r->size);
		break;
	case K_U64:
		fprintf(out, "0x%016llx", (unsigned long long)tdx_pr_le(p, 8));
		break;
	case K_REPORTTYPE:
		print_reporttype(out, p);
		break;
	case K_TCB_SVN:
		tdx_pr_hex(out, p, r->size);
		fprintf(out, " (module SVN %u.%u, SEAM last patch SVN %u)", p[1], p[0], p[2]);
		break;
	case K_ATTRIBUTES:
		tdx_pr_attributes(out, tdx_pr_le(p, 8));
		break;
	case K_SECTION:
		break;
	}
	fputc('\n', out);
}

int tdx_report_print(FILE *out, const void *buf, size_t len)
{
	if (!buf || len != TDX_REPORT_SIZE) {
		fprintf(out, "not a TDREPORT: %zu bytes, expected %d\n", buf ? len : 0,
			TDX_REPORT_SIZE);
		return -1;
	}
	fprintf(out, "TDREPORT (%d bytes)\n", TDX_REPORT_SIZE);
	for (size_t i = 0; i < TDX_NAMES_LEN(rows); i++)
		print_row(out, buf, &rows[i]);
	return 0;
}

/* tdx-decode: explains TDX numbers (statuses, metadata field IDs, VMX exit
 * reasons, leaves, TDVMCALL sub-functions, TDREPORTs) using names.h.
 * Unknown values are printed as unknown, never guessed.
 * Exit status: 0 decoded, 1 file problem, 2 usage (bad arguments). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/abi.h"
#include "tdxkit/decode.h"
#include "tdxkit/names.h"
#include "tdxkit/quote.h"

#define EXIT_USAGE 2

static const char *prog = "tdx-decode";

/* Whole-string unsigned number, decimal or 0x-hex, at most `max`. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int need_number(const char *what, const char *s, uint64_t max, uint64_t *v)
{
	if (parse_u64(s, max, v) == 0)
		return 0;
	fprintf(stderr, "%s: %s: bad number '%s' (decimal or 0x-hex, at most 0x%llx)\n",
		prog, what, s, (unsigned long long)max);
	return -1;
}

static const char *or_unknown(const char *s)
{
	return s ? s : "unknown";
}

/* ---- status (2.1-2.4) ---------------------------------------------------- */
static const struct {
	uint64_t bit;
	const char *name;
} status_flags[] = {
	{ TDX_STATUS_ERROR, "ERROR" },
	{ TDX_STATUS_NON_RECOVERABLE, "NON_RECOVERABLE" },
	{ TDX_STATUS_FATAL, "FATAL" },
	{ TDX_STATUS_HOST_RECOV_HINT, "HOST_RECOVERABILITY_HINT" },
};
#define STATUS_RSVD_MASK 0x0FFF000000000000ull	/* bits 59:48 */

static int cmd_status(char **argv)
{
	uint64_t s;
	char line[256];
	int any = 0;

	if (need_number("status", argv[0], UINT64_MAX, &s))
		return EXIT_USAGE;
	tdx_format_status(s, line, sizeof(line));
	printf("status 0x%016llX: %s\n", (unsigned long long)s, line);
	printf("  name:               %s\n", or_unknown(tdx_status_name(s)));
	printf("  class:              0x%02X (%s)\n", (unsigned)TDX_STATUS_CLASS(s),
	       or_unknown(tdx_status_class_name(TDX_STATUS_CLASS(s))));
	printf("  details L1:         0x%02X\n", (unsigned)TDX_STATUS_DETAILS_L1(s));
	printf("  details L2/operand: 0x%08X\n", (unsigned)TDX_STATUS_DETAILS_L2(s));
	printf("  flags:             ");
	for (size_t i = 0; i < sizeof(status_flags) / sizeof(status_flags[0]); i++)
		if (s & status_flags[i].bit) {
			printf(" %s", status_flags[i].name);
			any = 1;
		}
	printf("%s\n", any ? "" : " none");
	if (s & STATUS_RSVD_MASK)
		printf("  reserved bits 59:48 set: 0x%03llX\n",
		       (unsigned long long)((s & STATUS_RSVD_MASK) >> 48));
	return 0;
}

/* ---- metadata field ID (6.1) ---------------------------------------------- */
static int cmd_field(char **argv)
{
	uint64_t id;
	char line[256];
	static const char *const sizes[] = { "8-bit", "16-bit", "32-bit", "64-bit" };

	if (need_number("field", argv[0], UINT64_MAX, &id))
		return EXIT_USAGE;
	unsigned ctx = TDX_FIELD_CONTEXT(id), cls = TDX_FIELD_CLASS(id);
	tdx_format_field(id, line, sizeof(line));
	printf("field 0x%016llX: %s\n", (unsigned long long)id, line);
	/* 6.1: the null field ID asks RD leaves for the first ID of the context. */
	if ((id | (7ull << TDX_FIELD_CONTEXT_SHIFT)) == TDX_FIELD_ID_NULL) {
		printf("  null field ID: RD leaves answer TDX_METADATA_FIRST_FIELD_ID_IN_CONTEXT\n");
		return 0;
	}
	printf("  context:       %u (%s)\n", ctx, or_unknown(tdx_field_context_name(ctx)));
	printf("  class:         %u (%s)\n", cls, or_unknown(tdx_field_class_name(ctx, cls)));
	printf("  element size:  %u (%s)\n", TDX_FIELD_ELEM_SIZE(id), sizes[TDX_FIELD_ELEM_SIZE(id)]);
	printf("  last element:  %u\n", TDX_FIELD_LAST_ELEM(id));
	printf("  last field:    %u\n", TDX_FIELD_LAST_FIELD(id));
	printf("  flags:        %s%s%s%s\n", id & TDX_FIELD_INC_SIZE ? " INC_SIZE" : "",
	       id & TDX_FIELD_WRITE_MASK_VALID ? " WRITE_MASK_VALID" : "",
	       id & TDX_FIELD_NON_ARCH ? " NON_ARCH" : "",
	       id & (TDX_FIELD_INC_SIZE | TDX_FIELD_WRITE_MASK_VALID | TDX_FIELD_NON_ARCH) ? "" : " none");
	printf("  field code:    0x%06X\n", (unsigned)TDX_FIELD_CODE(id));
	printf("  name:          %s\n", tdx_field_name(id) ? tdx_field_name(id) : "unknown field");
	if (id & TDX_FIELD_RSVD_MASK)
		printf("  reserved bits: set (0x%016llX): the module answers "
		       "TDX_METADATA_FIELD_ID_INCORRECT\n",
		       (unsigned long long)(id & TDX_FIELD_RSVD_MASK));
	else
		printf("  reserved bits: clear\n");
	if (TDX_FIELD_LAST_ELEM(id) || TDX_FIELD_LAST_FIELD(id))
		printf("  single-element access: LAST_ELEMENT/LAST_FIELD not 0: the module answers "
		       "TDX_METADATA_FIELD_ID_INCORRECT\n");
	return 0;
}

/* ---- VMX exit reason (12) --------------------------------------------------- */
static int cmd_exit_reason(char **argv)
{
	uint64_t v;
	char line[256];

	if (need_number("exit-reason", argv[0], UINT32_MAX, &v))
		return EXIT_USAGE;
	uint32_t r = (uint32_t)v;
	tdx_format_exit_reason(r, line, sizeof(line));
	printf("exit reason 0x%08X: %s\n", r, line);
	printf("  basic reason:  %u (%s)\n", TDX_EXIT_REASON_BASIC(r),
	       or_unknown(tdx_exit_reason_name(TDX_EXIT_REASON_BASIC(r))));
	printf("  flags:        ");
	int any = 0;
	for (unsigned bit = 16; bit < 32; bit++)
		if ((r >> bit & 1) && tdx_exit_reason_flag_name(bit)) {
			printf(" %s", tdx_exit_reason_flag_name(bit));
			any = 1;
		}
	printf("%s\n", any ? "" : " none");
	for (unsigned bit = 16; bit < 32; bit++)
		if ((r >> bit & 1) && !tdx_exit_reason_flag_name(bit))
			printf("  reserved bit %u set\n", bit);
	return 0;
}

/* ---- leaf (1.2, 1.4) -------------------------------------------------------- */
static int cmd_leaf(char **argv)
{
	uint64_t rax;

	if (need_number("leaf", argv[0], UINT64_MAX, &rax))
		return EXIT_USAGE;
	uint64_t leaf = rax & TDX_LEAF_MASK;
	printf("leaf %llu: %s\n", (unsigned long long)leaf, or_unknown(tdx_leaf_name(leaf)));
	if (TDX_LEAF_VERSION(rax))
		printf("  version:       %u\n", (unsigned)TDX_LEAF_VERSION(rax));
	if (rax & TDX_LEAF_RSVD_MASK)
		printf("  reserved bits 63:24 set: the module answers TDX_OPERAND_INVALID | RAX\n");
	return 0;
}

/* ---- TDVMCALL (3.3, 3.4) ---------------------------------------------------- */
static int cmd_tdvmcall(char **argv)
{
	uint64_t fn;

	if (need_number("tdvmcall", argv[0], UINT64_MAX, &fn))
		return EXIT_USAGE;
	printf("TDVMCALL sub-function 0x%llX: %s\n", (unsigned long long)fn,
	       or_unknown(tdx_tdvmcall_name(fn)));
	return 0;
}

static int cmd_tdvmcall_status(char **argv)
{
	uint64_t st;

	if (need_number("tdvmcall-status", argv[0], UINT64_MAX, &st))
		return EXIT_USAGE;
	printf("TDVMCALL status 0x%016llX: %s\n", (unsigned long long)st,
	       or_unknown(tdx_tdvmcall_status_name(st)));
	return 0;
}

/* ---- TDREPORT file (9.2) ---------------------------------------------------- */
static int cmd_report(char **argv)
{
	uint8_t buf[TDX_REPORT_SIZE + 1];
	FILE *f = fopen(argv[0], "rb");

	if (!f) {
		fprintf(stderr, "%s: report: %s: %s\n", prog, argv[0], strerror(errno));
		return 1;
	}
	size_t n = fread(buf, 1, sizeof(buf), f);
	int err = ferror(f);
	fclose(f);
	if (err) {
		fprintf(stderr, "%s: report: %s: read error\n", prog, argv[0]);
		return 1;
	}
	if (n != TDX_REPORT_SIZE) {
		fprintf(stderr, "%s: report: %s: %s%zu bytes, a TDREPORT is %d\n", prog, argv[0],
			n > TDX_REPORT_SIZE ? "more than " : "", n > TDX_REPORT_SIZE ? n - 1 : n,
			TDX_REPORT_SIZE);
		return 1;
	}
	return tdx_report_print(stdout, buf, n) ? 1 : 0;
}

/* ---- DCAP quote v4 file (quote.h) ------------------------------------------ */
/* Prints the quote, then verifies it: with KEY.pem (the host's public
 * attestation key, as tdx-run saves it) the embedded key must be that key;
 * without, only the quote's own signatures are checked. */
static int cmd_quote(char **argv)
{
	static uint8_t buf[1 << 20];
	struct tdx_quote_key *key = NULL;
	char why[256];
	FILE *f = fopen(argv[0], "rb");
	int rc;

	if (!f) {
		fprintf(stderr, "%s: quote: %s: %s\n", prog, argv[0], strerror(errno));
		return 1;
	}
	size_t n = fread(buf, 1, sizeof(buf), f);
	int err = ferror(f);
	fclose(f);
	if (err || n == sizeof(buf)) {
		fprintf(stderr, "%s: quote: %s: %s\n", prog, argv[0], err ? "read error" : "too large");
		return 1;
	}
	if (argv[1] && !(key = tdx_quote_key_load(argv[1], why, sizeof(why)))) {
		fprintf(stderr, "%s: quote: %s\n", prog, why);
		return 1;
	}
	rc = tdx_quote_print(stdout, buf, n) ? 1 : 0;
	if (!rc && tdx_quote_verify(buf, n, key, why, sizeof(why))) {
		printf("verification: FAILED: %s\n", why);
		rc = 1;
	} else if (!rc) {
		/* Model quotes chain to the host key only: no Intel root CA check. */
		printf("verification: OK: quote and QE report signatures valid; %s\n",
		       key ? "attestation key is the given key"
			   : "attestation key not checked (no KEY.pem given)");
	}
	tdx_quote_key_free(key);
	return rc;
}

static const struct cmd {
	const char *name, *arg, *help;
	int (*fn)(char **argv);
	int opt_arg;		/* may take one more, optional argument */
} cmds[] = {
	{ "status", "STATUS", "TDCALL/SEAMCALL completion status (RAX)", cmd_status },
	{ "field", "FIELD_ID", "metadata field ID (TDG.VM/VP/SYS.RD)", cmd_field },
	{ "exit-reason", "REASON", "32-bit VMX exit reason", cmd_exit_reason },
	{ "leaf", "RAX", "TDCALL leaf (RAX input)", cmd_leaf },
	{ "tdvmcall", "SUBFN", "TDVMCALL sub-function (R11)", cmd_tdvmcall },
	{ "tdvmcall-status", "R10", "TDVMCALL status (R10)", cmd_tdvmcall_status },
	{ "report", "FILE", "1024-byte TDREPORT_STRUCT", cmd_report },
	{ "quote", "FILE [KEY.pem]", "DCAP quote v4: print, verify signatures", cmd_quote, 1 },
};
#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: %s COMMAND ARG (numbers: decimal or 0x-hex)\n", prog);
	for (size_t i = 0; i < NR_CMDS; i++)
		fprintf(out, "  %s %-16s %s\n", prog, cmds[i].name, cmds[i].help);
	fprintf(out, "  %s --version\n", prog);
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("%s (tdxkit) %s\n", prog, TDXKIT_VERSION_STRING);
		return 0;
	}
	if (argc < 2) {
		fprintf(stderr, "%s: no command (try %s --help)\n", prog, prog);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < NR_CMDS; i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		if (argc != 3 && !(argc == 4 && cmds[i].opt_arg)) {
			fprintf(stderr, "%s: usage: %s %s %s\n", prog, prog, cmds[i].name, cmds[i].arg);
			return EXIT_USAGE;
		}
		return cmds[i].fn(argv + 2);
	}
	fprintf(stderr, "%s: unknown command '%s' (try %s --help)\n", prog, argv[1], prog);
	return EXIT_USAGE;
}

/* fuzz_decode.c: random numbers into every names.h / decode.h function,
 * with random (including tiny and zero) buffer sizes, and random bytes
 * into the TDREPORT printer. Invariants: the format functions return what
 * snprintf would (the full length), always NUL-terminate, never overrun
 * (ASan), and never print "(null)".
 *
 * Covers: src/common/names.c src/common/names_status.c src/common/names_field.c src/common/report_print.c src/common/print_fields.c
 *
 * Input: 8 bytes of number, a buffer size byte, the rest (and the whole
 * input) as a TDREPORT. Seeds: fuzz/gen_corpus.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/abi.h"
#include "tdxkit/decode.h"
#include "tdxkit/names.h"

typedef int (*format_fn)(uint64_t v, char *buf, size_t len);

static int fmt_status(uint64_t v, char *b, size_t l) { return tdx_format_status(v, b, l); }
static int fmt_field(uint64_t v, char *b, size_t l) { return tdx_format_field(v, b, l); }
static int fmt_exit(uint64_t v, char *b, size_t l) { return tdx_format_exit_reason((uint32_t)v, b, l); }

static const format_fn formats[] = { fmt_status, fmt_field, fmt_exit };

static void check_format(format_fn fn, uint64_t v, size_t small)
{
	char full[512], *tiny;
	int n = fn(v, full, sizeof(full));

	if (n <= 0 || (size_t)n >= sizeof(full) || strlen(full) != (size_t)n || strstr(full, "(null)"))
		abort();
	/* Truncated output: same length reported, a NUL-terminated prefix. */
	small %= (size_t)n + 2;
	tiny = malloc(small ? small : 1);
	if (fn(v, small ? tiny : NULL, small) != n)
		abort();
	if (small && (strlen(tiny) != small - 1 && strlen(tiny) != (size_t)n))
		abort();
	if (small && strncmp(tiny, full, strlen(tiny)))
		abort();
	free(tiny);
}

static void use(const char *s)
{
	/* Names are either NULL or a real string. */
	if (s && !*s)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	uint64_t v = 0;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	memcpy(&v, data, size < 8 ? size : 8);
	size_t small = size > 8 ? data[8] : 0;

	use(tdx_leaf_name(v));
	use(tdx_leaf_name(v & 0xFF));
	use(tdx_status_name(v));
	use(tdx_operand_name((uint32_t)v));
	use(tdx_exit_reason_name((uint32_t)v));
	use(tdx_exit_reason_name((uint32_t)v & 0xFF));
	use(tdx_tdvmcall_name(v));
	use(tdx_tdvmcall_status_name(v));
	use(tdx_field_name(v));
	use(tdx_status_class_name((unsigned)v & 0xFF));
	use(tdx_field_class_name((unsigned)(v >> 8) & 7, (unsigned)v & 0x3F));
	use(tdx_field_context_name((unsigned)v & 7));
	use(tdx_attribute_bit_name((unsigned)v & 63));
	use(tdx_exit_reason_flag_name((unsigned)v & 31));
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		check_format(formats[i], v, small);

	/* The report printer: the raw input (usually the wrong size, must be
	 * refused) and the input padded/truncated to 1024 bytes. */
	int rc = tdx_report_print(devnull, data, size);
	if (rc != (size == TDX_REPORT_SIZE ? 0 : -1))
		abort();
	if (size > 9 && (data[9] & 3) == 0) {	/* a quarter of the inputs: printing is slow */
		uint8_t rep[TDX_REPORT_SIZE] = { 0 };
		memcpy(rep, data, size < sizeof(rep) ? size : sizeof(rep));
		if (tdx_report_print(devnull, rep, sizeof(rep)) != 0)
			abort();
	}
	return 0;
}

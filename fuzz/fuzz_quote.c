/* fuzz_quote.c: the quote parser, verifier and printer (quote.h) on
 * (a) the raw input and (b) a valid model quote with the input XORed into
 * it at an input-chosen offset and cut to an input-chosen length.
 * Invariants: no crash/overrun (ASan/UBSan); a refusal always has a
 * reason; print and parse agree; and a mutated quote that still verifies
 * against the host key has the original header and body (the signature
 * covers them, so the fuzzer must never "forge" one).
 *
 * Covers: src/host/quote_verify.c src/common/quote_print.c
 *
 * Seeds (fuzz/gen_corpus.c): a quote laid out by hand (unsigned), and one
 * bit flipped in every part of the valid quote. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/abi.h"
#include "tdxkit/quote.h"

static struct tdx_quote_key *key;
static uint8_t good[8192];
static size_t good_len;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tdx_report rep;

	memset(&rep, 0, sizeof(rep));
	rep.mac.report_type[0] = TDX_REPORT_TYPE_TDX;
	for (size_t i = 0; i < sizeof(rep.td_info.mrtd); i++)
		rep.td_info.mrtd[i] = (uint8_t)i;
	if (!(key = tdx_quote_key_new()) ||
	    tdx_quote_build(key, &rep, sizeof(rep), good, sizeof(good), &good_len) ||
	    tdx_quote_verify(good, good_len, key, NULL, 0) || !(devnull = fopen("/dev/null", "w")))
		abort();
	return 0;
}

static void check(const uint8_t *q, size_t n, const struct tdx_quote_key *trusted)
{
	struct tdx_quote_view v;
	char why[256];
	int parsed, verified, printed;

	why[0] = 0;
	parsed = tdx_quote_parse(q, n, &v, why, sizeof(why));
	if (parsed && !why[0])
		abort();
	if (!parsed && v.end > n)
		abort();
	printed = tdx_quote_print(devnull, q, n);
	if (printed != parsed)
		abort();
	why[0] = 0;
	verified = tdx_quote_verify(q, n, trusted, why, sizeof(why));
	if (verified && !why[0])
		abort();
	if (!verified && parsed)
		abort();
	if (!verified && trusted && memcmp(q, good, TDX_QUOTE_SIGNED_SIZE))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t q[sizeof(good)];
	size_t off = 0, n = good_len;

	check(data, size, NULL);
	check(data, size, key);

	/* Mutation of the valid quote: data[0..1] = offset, data[2..3] = how
	 * much to cut off the end, the rest is XORed in from that offset. */
	memcpy(q, good, good_len);
	if (size >= 4) {
		off = (size_t)(data[0] | data[1] << 8) % good_len;
		n = good_len - (size_t)(data[2] | data[3] << 8) % 64;
		if (data[3] & 0x80)
			n = good_len;	/* keep the full length half the time */
		for (size_t i = 4; i < size; i++)
			q[(off + i - 4) % good_len] ^= data[i];
	}
	check(q, n, key);
	return 0;
}

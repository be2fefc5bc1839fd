/* print_fields.c: see print_fields.h. */
#include "print_fields.h"
#include "tdxkit/decode.h"

uint64_t tdx_pr_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

void tdx_pr_hex(FILE *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
}

void tdx_pr_label(FILE *out, size_t off, const char *name)
{
	fprintf(out, "  [%4zu] %-18s ", off, name);
}

void tdx_pr_reserved(FILE *out, const uint8_t *p, size_t n)
{
	size_t z = 0;

	while (z < n && !p[z])
		z++;
	fprintf(out, "(%zu bytes) ", n);
	if (z == n) {
		fprintf(out, "zero");
	} else {
		fprintf(out, "NOT ZERO: ");
		tdx_pr_hex(out, p, n);
	}
}

void tdx_pr_attributes(FILE *out, uint64_t v)
{
	uint64_t unknown = 0;

	fprintf(out, "0x%016llx", (unsigned long long)v);
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!(v >> bit & 1))
			continue;
		const char *n = tdx_attribute_bit_name(bit);
		if (n)
			fprintf(out, " %s", n);
		else
			unknown |= 1ull << bit;
	}
	if (unknown)
		fprintf(out, " unknown bits 0x%llx", (unsigned long long)unknown);
}

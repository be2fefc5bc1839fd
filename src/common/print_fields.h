/* print_fields.h: the field printers report_print.c and quote_print.c share
 * (both print fixed layouts as "  [offset] NAME  value" rows). */
#ifndef TDXKIT_PRINT_FIELDS_H
#define TDXKIT_PRINT_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Little-endian value of n <= 8 bytes. */
uint64_t tdx_pr_le(const uint8_t *p, size_t n);
void tdx_pr_hex(FILE *out, const uint8_t *p, size_t n);
/* "  [ off] NAME               " */
void tdx_pr_label(FILE *out, size_t off, const char *name);
/* "(n bytes) zero", or "NOT ZERO: <hex>": reserved bytes must be zero. */
void tdx_pr_reserved(FILE *out, const uint8_t *p, size_t n);
/* TD ATTRIBUTES with every set bit named; unnamed bits listed, not guessed. */
void tdx_pr_attributes(FILE *out, uint64_t v);

#endif

/*
 * tdxkit/decode.h: longer decoders built on names.h, shared by tdx-decode,
 * the tests and the fuzzers. Same rule as names.h: unknown values are
 * reported as unknown, never guessed.
 */
#ifndef TDXKIT_DECODE_H
#define TDXKIT_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Full 32-bit VMX exit reason (section 12): "EPT_VIOLATION(48)", with the
 * flag bits appended ("TDCALL(77)+BUS_LOCK_PREEMPTED"); unknown basic
 * reasons print as "unknown(N)". Returns the length as snprintf does. */
TDXKIT_API int tdx_format_exit_reason(uint32_t reason, char *buf, size_t len);

/* Name of a flag bit (16..31) of the 32-bit exit reason, NULL if reserved. */
TDXKIT_API const char *tdx_exit_reason_flag_name(unsigned bit);

/* Area of a status class (bits 47:40, section 2.2), NULL if unassigned. */
TDXKIT_API const char *tdx_status_class_name(unsigned cls);

/* Metadata class name within a context (sections 6.3, 6.4), NULL if unknown. */
TDXKIT_API const char *tdx_field_class_name(unsigned context, unsigned cls);
/* "SYS", "TD", "VCPU" or NULL. */
TDXKIT_API const char *tdx_field_context_name(unsigned context);

/* Name of TD ATTRIBUTES bit `bit` (section 5.2), NULL if unnamed. */
TDXKIT_API const char *tdx_attribute_bit_name(unsigned bit);

/* Prints a 1024-byte TDREPORT_STRUCT (section 9.2) field by field.
 * Returns 0, or -1 (with a one-line reason on `out`) if len != 1024. */
TDXKIT_API int tdx_report_print(FILE *out, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif

/*
 * tdxkit/names.h: names for the numbers of abi.h, for tools and traces.
 * Unknown values give NULL (or "unknown ..." from the format helpers):
 * nothing is guessed.
 */
#ifndef TDXKIT_NAMES_H
#define TDXKIT_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

TDXKIT_API const char *tdx_leaf_name(uint64_t leaf);		/* "TDG.VP.INFO" */
TDXKIT_API const char *tdx_status_name(uint64_t status);		/* by bits 63:32: "TDX_OPERAND_INVALID" */
TDXKIT_API const char *tdx_operand_name(uint32_t operand);		/* "RCX", "RTMR" */
TDXKIT_API const char *tdx_exit_reason_name(uint32_t reason);	/* basic reason: "EPT_VIOLATION" */
TDXKIT_API const char *tdx_tdvmcall_name(uint64_t subfn);		/* R11 of a standard call: "MapGPA" */
TDXKIT_API const char *tdx_tdvmcall_status_name(uint64_t r10);	/* "TDVMCALL_STATUS_RETRY" */
TDXKIT_API const char *tdx_field_name(uint64_t field_id);		/* by context/class/code: "ATTRIBUTES" */
TDXKIT_API const char *tdx_vector_name(unsigned vector);		/* x86 exception vector: "#GP" */

/* "TDX_OPERAND_INVALID | RCX" / "TDX_PAGE_SIZE_MISMATCH | level 1" /
 * "unknown status 0x..."; returns the length as snprintf does. */
TDXKIT_API int tdx_format_status(uint64_t status, char *buf, size_t len);
/* One line describing a field ID: context, class, size, code, name. */
TDXKIT_API int tdx_format_field(uint64_t field_id, char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif

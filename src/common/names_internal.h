/* names_internal.h: the value -> name table shape shared by names*.c. */
#ifndef TDXKIT_NAMES_INTERNAL_H
#define TDXKIT_NAMES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

struct tdx_name {
	uint64_t value;
	const char *name;
};

/* NULL when `value` is not in the table. */
const char *tdx_name_find(const struct tdx_name *tab, size_t n, uint64_t value);

/* snprintf-style append at buf + *pos; *pos counts the full length even
 * when buf is too small (or len is 0), so callers can return it. */
void tdx_name_append(char *buf, size_t len, int *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define TDX_NAMES_LEN(t) (sizeof(t) / sizeof((t)[0]))

#endif

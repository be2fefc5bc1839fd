/* runcfg.h: the parsers for the TD configuration tdx-run hands to the
 * preload library in TDXKIT_RUN_* environment variables (tdxkit/run.h),
 * shared by both sides (the tool validates with them before exec; the
 * library trusts nothing and parses again). Header-only so that the tool
 * needs no trap library. */
#ifndef TDXKIT_TRAP_RUNCFG_H
#define TDXKIT_TRAP_RUNCFG_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxkit/module.h"
#include "tdxkit/run.h"

/* The variable names (TDX_RUN_ENV_*) are the program contract: tdxkit/run.h. */

#define TDX_RUN_MAX_VCPUS 64	/* TDX_MAX_VCPUS of the model */
#define TDX_RUN_MAX_L2_VMS 3

/* An unsigned number, decimal or 0x-hex, with an optional K/M/G/T suffix
 * (powers of 1024; "KiB"/"MB" spellings too). 0 or -1 with a reason. */
static inline int tdx_run_parse_size(const char *s, uint64_t *out, char *why, size_t len)
{
	char *end;
	unsigned shift = 0;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return snprintf(why, len, "'%s' is not a size", s ? s : ""), -1;
	errno = 0;
	/* Base 10 unless 0x: a leading zero is not octal here. */
	int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || end == s)
		return snprintf(why, len, "'%s' is not a size", s), -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (shift && (end[0] == 'i' || end[0] == 'I') && (end[1] == 'B' || end[1] == 'b'))
		end += 2;
	else if (shift && (end[0] == 'B' || end[0] == 'b'))
		end++;
	if (*end)
		return snprintf(why, len, "'%s' is not a size (use bytes or K, M, G, T)", s), -1;
	if (shift && v > (~0ull >> shift))
		return snprintf(why, len, "'%s' is too large", s), -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* A 64-bit number, decimal or 0x-hex, nothing else. */
static inline int tdx_run_parse_u64(const char *s, uint64_t *out, char *why, size_t len)
{
	char *end;

	errno = 0;
	unsigned long long v = (s && *s >= '0' && *s <= '9') ? strtoull(s, &end, 0) : 0;
	if (!s || *s < '0' || *s > '9' || errno || *end)
		return snprintf(why, len, "'%s' is not a number", s ? s : ""), -1;
	*out = (uint64_t)v;
	return 0;
}

/* A decimal number in [lo, hi]. */
static inline int tdx_run_parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out,
				     char *why, size_t len)
{
	char *end;

	errno = 0;
	unsigned long v = (s && *s >= '0' && *s <= '9') ? strtoul(s, &end, 10) : 0;
	if (!s || *s < '0' || *s > '9' || errno || *end || v < lo || v > hi)
		return snprintf(why, len, "'%s' is not a number from %u to %u", s ? s : "", lo, hi), -1;
	*out = (unsigned)v;
	return 0;
}

static inline int tdx_run_parse_gpaw(const char *s, unsigned *out, char *why, size_t len)
{
	if (s && (!strcmp(s, "48") || !strcmp(s, "52")))
		return *out = (unsigned)atoi(s), 0;
	return snprintf(why, len, "GPAW '%s' is not 48 or 52", s ? s : ""), -1;
}

static inline int tdx_run_parse_sept(const char *s, enum tdx_sept_policy *out, char *why,
				     size_t len)
{
	if (s && (!strcmp(s, "2m") || !strcmp(s, "2M")))
		return *out = TDX_SEPT_POLICY_2M, 0;
	if (s && (!strcmp(s, "4k") || !strcmp(s, "4K")))
		return *out = TDX_SEPT_POLICY_4K, 0;
	return snprintf(why, len, "SEPT policy '%s' is not 2m or 4k", s ? s : ""), -1;
}

/* A 64-bit bit mask in hex, with or without 0x. */
static inline int tdx_run_parse_hex(const char *s, uint64_t *out, char *why, size_t len)
{
	const char *h = s ? s : "";
	char *end;

	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	errno = 0;
	unsigned long long v = strtoull(h, &end, 16);
	if (!*h || *h == '-' || *h == '+' || *h == ' ' || errno || *end)
		return snprintf(why, len, "'%s' is not a hex number", s ? s : ""), -1;
	*out = (uint64_t)v;
	return 0;
}

/* XFAM: "host" or hex. */
static inline int tdx_run_parse_xfam(const char *s, uint64_t *out, char *why, size_t len)
{
	if (s && !strcmp(s, "host"))
		return *out = tdx_xfam_from_host(), 0;
	if (tdx_run_parse_hex(s, out, why, len))
		return snprintf(why, len, "'%s' is not a hex number or 'host'", s ? s : ""), -1;
	return 0;
}

/* A 48-byte measurement register: 1 to 96 hex digits, two per byte from
 * byte 0 on (an odd count ends in a high nibble), the rest zero. */
static inline int tdx_run_parse_mr(const char *s, uint8_t out[48], char *why, size_t len)
{
	size_t n = s ? strlen(s) : 0;

	if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2, n -= 2;
	if (!n || n > 96)
		return snprintf(why, len, "'%s' is not 1 to 96 hex digits (48 bytes)", s ? s : ""), -1;
	memset(out, 0, 48);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		unsigned v = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
		if (v > 15)
			return snprintf(why, len, "'%s' is not hex (character %zu)", s, i + 1), -1;
		out[i / 2] |= (uint8_t)(i % 2 ? v : v << 4);
	}
	return 0;
}

/* How the TD memory windows follow the page states (tdx-run --windows). */
enum tdx_run_windows { TDX_RUN_WINDOWS_AUTO, TDX_RUN_WINDOWS_FAULT, TDX_RUN_WINDOWS_PROTECT };

static inline int tdx_run_parse_windows(const char *s, enum tdx_run_windows *out, char *why,
					size_t len)
{
	static const char *const names[] = { "auto", "fault", "protect" };
	for (unsigned i = 0; s && i < 3; i++)
		if (!strcmp(s, names[i]))
			return *out = (enum tdx_run_windows)i, 0;
	return snprintf(why, len, "window mode '%s' is not auto, fault or protect", s ? s : ""), -1;
}

/* The checks that need more than one value: the memory must be whole
 * 4 KiB pages and fit below the shared bit. */
static inline int tdx_run_check(const struct tdx_td_config *cfg, char *why, size_t len)
{
	if (cfg->mem_size < 4096 || cfg->mem_size % 4096)
		return snprintf(why, len, "memory size %llu is not a non-zero multiple of 4 KiB",
				(unsigned long long)cfg->mem_size), -1;
	if (cfg->mem_size > (1ull << (cfg->gpaw - 1)))
		return snprintf(why, len, "memory size %llu does not fit below the shared bit "
				"(bit %u with GPAW %u)", (unsigned long long)cfg->mem_size,
				cfg->gpaw - 1, cfg->gpaw), -1;
	return 0;
}

#endif

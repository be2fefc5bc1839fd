/* testutil.h: shared helpers for the cmocka tests (KVM-selftests style:
 * tiny helpers, failures print both values, missing capability = skip). */
#ifndef TDXKIT_TESTUTIL_H
#define TDXKIT_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tdxkit/abi.h"
#include "tdxkit/module.h"

/* cmocka's assert_int_equal prints both values in hex. */
#define ASSERT_EQ(a, b) assert_int_equal((uint64_t)(a), (uint64_t)(b))
#define ASSERT_STATUS(s, expected) assert_int_equal((uint64_t)(s), (uint64_t)(expected))

/* A TD from `cfg` (or the defaults when NULL); fails the test if refused. */
struct tdx_td *tu_td_new(const struct tdx_td_config *cfg);

/* One direct-mode TDCALL: rax = leaf, rcx.. as given; returns the outcome,
 * regs hold what the guest sees. */
enum tdx_tdcall_outcome tu_tdcall(struct tdx_td *td, struct tdx_regs *regs);

/* Shorthand for a leaf with up to four inputs (RCX, RDX, R8, R9); returns RAX. */
uint64_t tu_leaf(struct tdx_td *td, uint64_t rax, uint64_t rcx, uint64_t rdx,
		 uint64_t r8, uint64_t r9, struct tdx_regs *out);

/* Accept [gpa, gpa+len) with 4 KiB TDG.MEM.PAGE.ACCEPT calls; asserts success. */
void tu_accept(struct tdx_td *td, uint64_t gpa, uint64_t len);

#endif

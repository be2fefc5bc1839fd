/* l1_int.h: what the files of libtdxkit-l1 share. Freestanding: no libc. */
#ifndef TDXKIT_L1_INT_H
#define TDXKIT_L1_INT_H

#include "tdxkit/guest.h"
#include "tdxkit/l1.h"

#define L1_REFUSE(e) TDX_L1_STATUS(TDX_L1_##e)
/* Shared between the files of the library, not part of its ABI. */
#define L1_INTERNAL __attribute__((visibility("hidden")))

static inline int l1_vtl_ok(enum tdx_l1_vtl vtl)
{
	return (unsigned)vtl < TDX_L1_NR_VTLS;
}

/* A module status under the VP's policy: TDX_L1_PANIC turns a module
 * failure (error bit set, not a library refusal) into tdx_guest_panic(),
 * where the runner calls expect() (seed: "fatal vmcs access failure"). */
L1_INTERNAL uint64_t l1_done(const struct tdx_l1_vp *vp, const char *why, uint64_t leaf, uint64_t st);

/* One TDCALL through the VP's transport; returns RAX. */
L1_INTERNAL uint64_t l1_call(struct tdx_l1_vp *vp, uint64_t leaf, uint64_t rcx, uint64_t rdx,
		 uint64_t r8, uint64_t r9, struct tdx_l1_tdcall_out *out);

/* TDG.VP.RD / TDG.VP.WR of one field through the transport (6.2). */
L1_INTERNAL uint64_t l1_vp_rd(struct tdx_l1_vp *vp, uint64_t field, uint64_t *value);
L1_INTERNAL uint64_t l1_vp_wr(struct tdx_l1_vp *vp, uint64_t field, uint64_t value, uint64_t mask,
		  uint64_t *old);

#endif

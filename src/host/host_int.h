/* host_int.h: the per-service table shared by decode, validate and
 * complete (src/host only). */
#ifndef TDXKIT_HOST_INT_H
#define TDXKIT_HOST_INT_H

#include "tdxkit/host.h"

#define G(r) (1u << TDX_GPR_##r)

/* One row per request kind: which registers the service reads and writes
 * (tdx-abi.md 3.4, 3.6, 3.8). *_write / *_read apply only to the write or
 * read direction of IO and MMIO. */
struct tdx_host_svc {
	uint64_t subfn;		/* R11 value; unused for VENDOR/UNKNOWN */
	const char *name;
	uint32_t in, in_write;
	uint32_t out, out_read;
	/* Per-service range/size rules: GHCI status (validate.c). */
	uint64_t (*check)(const struct tdx_host_config *cfg, const uint64_t *g,
			  const struct tdx_host_req *req);
};

const struct tdx_host_svc *tdx_host_svc(enum tdx_host_kind k);
enum tdx_host_kind tdx_host_kind_of(uint64_t subfn);
uint64_t tdx_host_shared_bit(const struct tdx_host_config *cfg);
uint64_t tdx_host_check(const struct tdx_host_config *cfg, const struct tdx_host_exit *e,
			const struct tdx_host_req *req);

/* Per-kind checks, defined in validate.c. */
uint64_t tdx_host_check_io(const struct tdx_host_config *, const uint64_t *,
			   const struct tdx_host_req *);
uint64_t tdx_host_check_mmio(const struct tdx_host_config *, const uint64_t *,
			   const struct tdx_host_req *);
uint64_t tdx_host_check_info(const struct tdx_host_config *, const uint64_t *,
			   const struct tdx_host_req *);
uint64_t tdx_host_check_map_gpa(const struct tdx_host_config *, const uint64_t *,
			   const struct tdx_host_req *);
uint64_t tdx_host_check_quote(const struct tdx_host_config *, const uint64_t *,
			   const struct tdx_host_req *);
uint64_t tdx_host_check_notify(const struct tdx_host_config *, const uint64_t *,
			   const struct tdx_host_req *);
uint64_t tdx_host_check_fatal(const struct tdx_host_config *, const uint64_t *,
			   const struct tdx_host_req *);
uint64_t tdx_host_check_service(const struct tdx_host_config *, const uint64_t *,
			   const struct tdx_host_req *);

void tdx_host_decode_fatal(const struct tdx_host_exit *e, struct tdx_host_fatal *f);

#endif

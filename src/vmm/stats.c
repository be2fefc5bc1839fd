/* stats.c: counts and time per TDCALL leaf (from the trace hook; time only
 * when the caller brackets the TDCALL with tdx_vmm_tdcall()) and per
 * TDVMCALL service (timed around the host's handling of the exit, errors =
 * answers other than SUCCESS and RETRY, tdx-abi.md 3.3). */
#include <stdio.h>

#include "tdxkit/names.h"
#include "vmm_int.h"

void vmm_stats_service(struct tdx_vmm *v, const struct vmm_event *ev)
{
	struct vmm_stat *s = &v->svc[ev->req.kind];

	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->ns, ev->ns, memory_order_relaxed);
	if (ev->status != TDVMCALL_STATUS_SUCCESS && ev->status != TDVMCALL_STATUS_RETRY)
		atomic_fetch_add_explicit(&s->errors, 1, memory_order_relaxed);
}

void vmm_stats_leaf(struct tdx_vmm *v, uint64_t rax, uint64_t ns)
{
	uint64_t leaf = rax & TDX_LEAF_MASK;
	struct vmm_stat *s = &v->leaf[leaf < VMM_NR_LEAVES ? leaf : VMM_NR_LEAVES];

	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->ns, ns, memory_order_relaxed);
}

int tdx_vmm_service_stats(const struct tdx_vmm *v, unsigned kind, uint64_t *count, uint64_t *ns)
{
	if (kind >= TDX_HOST_NR_KINDS)
		return -1;
	*count = v->svc[kind].count;
	*ns = v->svc[kind].ns;
	return 0;
}

int tdx_vmm_leaf_stats(const struct tdx_vmm *v, unsigned leaf, uint64_t *count, uint64_t *ns)
{
	if (leaf > VMM_NR_LEAVES)
		return -1;
	*count = v->leaf[leaf].count;
	*ns = v->leaf[leaf].ns;
	return 0;
}

static void row(FILE *out, const char *name, const struct vmm_stat *s, int errors)
{
	uint64_t count = atomic_load(&s->count);
	double us = (double)atomic_load(&s->ns) / 1000.0;

	fprintf(out, "  %-28s %10llu", name, (unsigned long long)count);
	if (errors)
		fprintf(out, " %8llu", (unsigned long long)atomic_load(&s->errors));
	fprintf(out, " %12.1f %10.2f\n", us, count ? us / (double)count : 0.0);
}

void tdx_vmm_print_stats(const struct tdx_vmm *v, FILE *out)
{
	char name[32];

	fprintf(out, "tdx-vmm stats\n  %-28s %10s %12s %10s\n", "TDCALL leaf", "count", "total us",
		"mean us");
	for (unsigned l = 0; l <= VMM_NR_LEAVES; l++) {
		if (!v->leaf[l].count)
			continue;
		const char *n = l < VMM_NR_LEAVES ? tdx_leaf_name(l) : "other leaves";
		if (!n)
			snprintf(name, sizeof(name), "leaf %u", l);
		row(out, n ? n : name, &v->leaf[l], 0);
	}
	fprintf(out, "  %-28s %10s %8s %12s %10s\n", "TDVMCALL service", "count", "errors",
		"total us", "mean us");
	for (unsigned k = 0; k < TDX_HOST_NR_KINDS; k++)
		if (v->svc[k].count)
			row(out, tdx_host_kind_name((enum tdx_host_kind)k), &v->svc[k], 1);
}

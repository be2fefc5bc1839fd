/* l2_attr.c: L2 page aliases and their attributes (tdx-abi.md 7.6): the
 * model of the L2 secure EPTs that TDG.MEM.PAGE.ATTR.WR builds and that
 * gate what each L2 VM may touch.
 *
 * An alias belongs to an L1 SEPT leaf: a 4 KiB page or a 2 MiB region.
 * When the host demotes a 2 MiB leaf, its 4 KiB pages inherit the region's
 * alias until L1 writes one of them. The attributes in force are computed
 * at access time from the L1 SEPT state: an alias of a PENDING page is
 * blocked until the page is accepted (MOD creates it L2_BLOCKED and
 * unblocks it in TDG.MEM.PAGE.ACCEPT), so no hook in the accept path. */
#include <string.h>

#include "td.h"

#define MAX_FILL (TDX_L2_ALIAS_SLOTS / 4 * 3)	/* keep probe chains short */

static uint64_t leaf_key(uint64_t gpa, unsigned level)
{
	if (level == TDX_PAGE_2M)
		return ((gpa / TDX_PAGE_SIZE_2M) | TDX_L2_KEY_2M) + 1;
	return (gpa / TDX_PAGE_SIZE_4K) + 1;
}

static uint32_t hash(uint64_t key)
{
	key *= 0x9E3779B97F4A7C15ull;
	return (uint32_t)(key >> 40) & (TDX_L2_ALIAS_SLOTS - 1);
}

/* The slot holding `key`, or the empty slot where it would go (NULL if
 * the pool is full and the key is absent). */
static struct tdx_l2_alias *slot(const struct tdx_td *td, uint64_t key, int *found)
{
	struct tdx_l2_alias *a = (struct tdx_l2_alias *)td->l2.alias;

	for (uint32_t i = hash(key), n = 0; n < TDX_L2_ALIAS_SLOTS; n++, i = (i + 1) & (TDX_L2_ALIAS_SLOTS - 1)) {
		if (a[i].key == key) {
			*found = 1;
			return &a[i];
		}
		if (!a[i].key) {
			*found = 0;
			return &a[i];
		}
	}
	*found = 0;
	return NULL;
}

static uint64_t lookup(const struct tdx_td *td, uint64_t key)
{
	int found;
	const struct tdx_l2_alias *a = slot(td, key, &found);
	return found ? a->attr : 0;
}

uint64_t tdx_l2_alias_get(const struct tdx_td *td, uint64_t gpa, unsigned level)
{
	int found;
	const struct tdx_l2_alias *a = slot(td, leaf_key(gpa, level), &found);

	if (found)
		return a->attr;
	if (level == TDX_PAGE_4K)	/* inherited from the 2 MiB leaf it was demoted from */
		return lookup(td, leaf_key(gpa, TDX_PAGE_2M));
	return 0;
}

int tdx_l2_alias_set(struct tdx_td *td, uint64_t gpa, unsigned level, uint64_t attr)
{
	int found;
	uint64_t key = leaf_key(gpa, level);
	struct tdx_l2_alias *a = slot(td, key, &found);

	if (!found) {
		if (!a || td->l2.nalias >= MAX_FILL)
			return -1;	/* no L2 SEPT page left */
		a->key = key;
		if (td->l2.nalias < TDX_L2_ALIAS_LOG)
			td->l2.alias_log[td->l2.nalias] = (uint32_t)(a - td->l2.alias);
		td->l2.nalias++;
	}
	a->attr = attr & ~0xFFFFull;
	td->mem.gen++;	/* L2 rights changed (mem.h) */
	return 0;
}

void tdx_l2_alias_reset(struct tdx_td *td)
{
	if (!td->l2.nalias)
		return;
	if (td->l2.nalias > TDX_L2_ALIAS_LOG) {
		memset(td->l2.alias, 0, sizeof(td->l2.alias));
	} else {
		for (uint32_t i = 0; i < td->l2.nalias; i++)
			td->l2.alias[td->l2.alias_log[i]] = (struct tdx_l2_alias){ 0 };
	}
	td->l2.nalias = 0;
	td->mem.gen++;
}

/* Would tdx_l2_alias_set() succeed for this leaf? */
int tdx_l2_alias_room(const struct tdx_td *td, uint64_t gpa, unsigned level)
{
	int found;
	struct tdx_l2_alias *a = slot(td, leaf_key(gpa, level), &found);
	return found || (a && td->l2.nalias < MAX_FILL);
}

/* The L1 leaf covering a 4 KiB page: the 2 MiB region unless split. */
static unsigned leaf_level(const struct tdx_td *td, uint64_t gpa)
{
	return tdx_mem_region(&td->mem, gpa / TDX_PAGE_SIZE_2M) == TDX_REGION_SPLIT ?
		TDX_PAGE_4K : TDX_PAGE_2M;
}

uint16_t tdx_l2_attr_get(const struct tdx_td *td, uint64_t gpa, unsigned vm)
{
	if (vm < 1 || vm > TDX_L2_MAX_VMS || gpa >= td->mem.size)
		return 0;
	return TDX_GPA_ATTR_WORD(tdx_l2_alias_get(td, gpa, leaf_level(td, gpa)), vm);
}

uint16_t tdx_l2_attr_effective(const struct tdx_td *td, uint64_t gpa, unsigned vm)
{
	if (gpa >= td->mem.size || tdx_mem_state(&td->mem, gpa, NULL) != TDX_SEPT_PRESENT)
		return 0;
	return tdx_l2_attr_get(td, gpa, vm);
}

void tdx_td_set_l2_engine(struct tdx_td *td, const struct tdx_l2_engine_ops *ops, void *ctx)
{
	const struct tdx_l2_engine_ops *old = td->l2.engine;

	if (old && old->destroy && (old != ops || td->l2.engine_ctx != ctx))
		old->destroy(td->l2.engine_ctx);
	td->l2.engine = ops;
	td->l2.engine_ctx = ctx;
}

const struct tdx_l2_engine_ops *tdx_td_l2_engine(const struct tdx_td *td, void **ctx)
{
	if (ctx)
		*ctx = td->l2.engine ? td->l2.engine_ctx : NULL;
	return td->l2.engine;
}

void tdx_vcpu_set_l1_apic(struct tdx_td *td, unsigned vcpu, uint8_t rvi, uint8_t ppr)
{
	if (vcpu < td->cfg.num_vcpus) {
		td->vcpus[vcpu].l2.l1_rvi = rvi;
		td->vcpus[vcpu].l2.l1_ppr = ppr;
	}
}

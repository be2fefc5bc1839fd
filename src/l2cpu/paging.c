/* paging.c: software walk of the L2's own page tables (4- or 5-level,
 * 4K/2M/1G). Unicorn 2.0.1 walks them only to raise #PF and then uses the
 * linear address as the physical one (docs/l2-engine.md Q1), so the engine
 * walks each page itself to make sure GLA == GPA, and maps the table pages
 * so that Unicorn's physical reads of them find memory. The walk reads the
 * tables through run->mem: the CPU's walk is subject to the L2 EPT too. */
#include "l2cpu.h"

#define PTE_P    1ull
#define PTE_RW   (1ull << 1)
#define PTE_US   (1ull << 2)
#define PTE_PS   (1ull << 7)
#define PTE_XD   (1ull << 63)
#define EFER_NXE (1ull << 11)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

int l2_walk(struct l2_inst *in, uint64_t gla, uint64_t *gpa, int *present,
	    struct tdx_l2_exit *fault)
{
	return l2_walk_rec(in, gla, gpa, present, fault, NULL);
}

int l2_walk_rec(struct l2_inst *in, uint64_t gla, uint64_t *gpa, int *present,
		struct tdx_l2_exit *fault, struct l2_walkprint *rec)
{
	struct tdx_l2_run *run = in->run;
	int levels = (in->cr4 >> 12) & 1 ? 5 : 4;	/* CR4.LA57 */
	uint64_t table = in->cr3 & PTE_ADDR;

	*present = 0;
	if (rec) {
		rec->cr3 = in->cr3;
		rec->cr4 = in->cr4;
		rec->n = 0;
	}
	for (int l = levels; l >= 1; l--) {
		unsigned shift = 12 + 9 * (l - 1);
		uint64_t ea = table + ((gla >> shift) & 0x1FF) * 8, e = 0;
		if (run->mem(run, ea, &e, 8, TDX_L2_ACC_READ, fault)) {
			if (rec)
				rec->n = 0;	/* nothing to rely on */
			return -1;
		}
		if (rec) {
			rec->ea[rec->n] = ea;
			rec->val[rec->n++] = e;
		}
		l2_mem_map_table(in, ea);
		if (!(e & PTE_P))
			return 0;
		if (l == 1 || ((l == 2 || l == 3) && (e & PTE_PS))) {
			uint64_t mask = (1ull << shift) - 1;
			*gpa = ((e & PTE_ADDR) & ~mask) | (gla & mask);
			*present = 1;
			return 0;
		}
		table = e & PTE_ADDR;
	}
	return 0;
}

/* EPT-violation qualification bits 11:9 for the translation of gla (SDM
 * table 28-7): user-mode if U/S is set at every level, read/write if R/W
 * is, execute-disable if any level has XD (with EFER.NXE). 0 if gla is not
 * mapped or a table cannot be read. */
uint64_t l2_linear_attrs(struct l2_inst *in, uint64_t gla)
{
	struct tdx_l2_run *run = in->run;
	struct tdx_l2_exit fault;
	int levels = (in->cr4 >> 12) & 1 ? 5 : 4;
	uint64_t table = in->cr3 & PTE_ADDR, all = PTE_US | PTE_RW, any = 0;

	for (int l = levels; l >= 1; l--) {
		unsigned shift = 12 + 9 * (l - 1);
		uint64_t ea = table + ((gla >> shift) & 0x1FF) * 8, e = 0;
		if (run->mem(run, ea, &e, 8, TDX_L2_ACC_READ, &fault) || !(e & PTE_P))
			return 0;
		all &= e;
		any |= e & PTE_XD;
		if (l == 1 || ((l == 2 || l == 3) && (e & PTE_PS)))
			break;
		table = e & PTE_ADDR;
	}
	return ((all & PTE_US) ? TDX_EPT_QUAL_USER_LA : 0) | ((all & PTE_RW) ? TDX_EPT_QUAL_RW_LA : 0) |
	       ((any && (in->efer & EFER_NXE)) ? TDX_EPT_QUAL_XD_LA : 0);
}

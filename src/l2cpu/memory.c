/* memory.c: L2 memory = TD memory filtered by the VM's attributes (7.6).
 *
 * docs/l2-engine.md Q3: uc_mem_map_ptr shares the host view; rights per
 * 4 KiB page; changing rights with uc_mem_protect costs 0.7-5.9 ms. So no
 * page is mapped up front: the first access to a page lands in an
 * *_UNMAPPED hook, which asks the module (run->mem) what the VM may do
 * there and maps that one page with exactly those rights (R -> READ,
 * W -> WRITE, XS -> EXEC: the L2 runs at CPL 0 only). A forbidden access
 * becomes the EPT violation the module's callback describes (reason 48,
 * R/W/X and the page's rights), plus GLA valid / GLA translated: with the
 * identity paging the engine requires, GLA == GPA. Mapped pages are
 * re-checked on each entry (l2_mem_revalidate) and unmapped when their
 * rights changed (ATTR.WR, ACCEPT, alias removal). */
#include <stdlib.h>
#include <string.h>

#include "l2cpu.h"

const uint8_t *l2_mem_peek(struct l2_inst *in, uint64_t gpa, size_t len)
{
	if (gpa >= in->eng->size || len > in->eng->size - gpa)
		return NULL;
	return in->eng->host + gpa;
}

static int paging_on(struct l2_inst *in)
{
	return (in->cr0 >> 31) & 1;
}

/* The Unicorn rights the VM has on a page, from the module's callback:
 * probe a read+supervisor fetch (its failure reports every right in the
 * qualification), then a write of the byte already there. */
static uint32_t page_rights(struct l2_inst *in, uint64_t page)
{
	struct tdx_l2_run *run = in->run;
	struct tdx_l2_exit f;
	uint8_t b = 0;

	if (run->mem(run, page, &b, 1, TDX_L2_ACC_READ | TDX_L2_ACC_FETCH_S, &f)) {
		uint32_t p = 0;
		if (f.qual & TDX_EPT_QUAL_READABLE) p |= UC_PROT_READ;
		if (f.qual & TDX_EPT_QUAL_WRITABLE) p |= UC_PROT_WRITE;
		if (f.qual & TDX_EPT_QUAL_EXECUTABLE) p |= UC_PROT_EXEC;
		return p;
	}
	const uint8_t *h = l2_mem_peek(in, page, 1);
	if (!h)
		return 0;	/* shared GPA: unreachable with GLA == GPA (refused by the caller) */
	b = *h;
	uint32_t p = UC_PROT_READ | UC_PROT_EXEC;
	if (run->mem(run, page, &b, 1, TDX_L2_ACC_WRITE, &f) == 0)
		p |= UC_PROT_WRITE;
	return p;
}

static long find_page(struct l2_inst *in, uint64_t page)
{
	for (size_t i = 0; i < in->npages; i++)
		if (in->pages[i] == page)
			return (long)i;
	return -1;
}

static int map_page(struct l2_inst *in, uint64_t page, uint32_t rights)
{
	const uint8_t *h = l2_mem_peek(in, page, L2CPU_PAGE);

	if (!h || find_page(in, page) >= 0)
		return h ? 0 : -1;
	if (in->npages == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 64;
		uint64_t *p = realloc(in->pages, cap * sizeof(*p));
		if (!p)
			return -1;
		in->pages = p;
		uint8_t *r = realloc(in->perms, cap);
		if (!r)
			return -1;
		in->perms = r;
		struct l2_walkprint *w = realloc(in->prints, cap * sizeof(*w));
		if (!w)
			return -1;
		in->prints = w;
		in->cap = cap;
	}
	if (uc_mem_map_ptr(in->uc, page, L2CPU_PAGE, rights, (void *)h) != UC_ERR_OK)
		return -1;
	in->pages[in->npages] = page;
	in->perms[in->npages] = (uint8_t)rights;
	in->prints[in->npages].n = 0;
	in->npages++;
	return 0;
}

static void unmap_at(struct l2_inst *in, size_t i)
{
	uc_ctl_remove_cache(in->uc, in->pages[i], in->pages[i] + L2CPU_PAGE);
	uc_mem_unmap(in->uc, in->pages[i], L2CPU_PAGE);
	in->npages--;
	in->pages[i] = in->pages[in->npages];
	in->perms[i] = in->perms[in->npages];
	in->prints[i] = in->prints[in->npages];
}

static unsigned access_of(uc_mem_type t)
{
	switch (t) {
	case UC_MEM_WRITE_UNMAPPED:
	case UC_MEM_WRITE_PROT:
		return TDX_L2_ACC_WRITE;
	case UC_MEM_FETCH_UNMAPPED:
	case UC_MEM_FETCH_PROT:
		return TDX_L2_ACC_FETCH_S;
	default:
		return TDX_L2_ACC_READ;
	}
}

/* RIP of the faulting instruction: the code hook's last instruction for
 * data accesses; for a fetch, the fetch address itself (a jump target or
 * the next instruction), fault-like as VMX reports it. */
static uint64_t fault_rip(struct l2_inst *in, unsigned acc, uint64_t addr)
{
	if (acc == TDX_L2_ACC_FETCH_S) {
		uint64_t rip = addr;
		uc_reg_read(in->uc, UC_X86_REG_RIP, &rip);
		return rip <= addr && addr - rip < 16 ? rip : addr;
	}
	return in->last_addr;
}

/* EPT violation for an access the VM's attributes forbid (SDM 28.2.1,
 * table 28-7): the module's callback fills reason, R/W/X, rights and GPA;
 * we add GLA valid (bit 7) and, unless it was a paging-structure access,
 * bit 8 and the linear translation's U/S, R/W, XD (bits 11:9). */
static void ept_exit(struct l2_inst *in, uint64_t gla, uint64_t gpa, unsigned acc, int walk,
		     uint64_t rip)
{
	struct tdx_l2_run *run = in->run;
	struct tdx_l2_exit f;
	uint8_t b = 0;

	memset(&f, 0, sizeof(f));
	if (run->mem(run, gpa, &b, 1, acc, &f) == 0) {
		l2_fatal(in, "L2 CPU engine: access to GPA 0x%llx allowed by the module but refused by Unicorn",
			 (unsigned long long)gpa);
		return;
	}
	in->x.exit = f;
	in->x.exit.qual |= TDX_EPT_QUAL_GLA_VALID |
			   (walk ? 0 : TDX_EPT_QUAL_GLA_XLAT | (paging_on(in) ? l2_linear_attrs(in, gla) : 0));
	in->x.exit.gla = gla;
	in->x.exit.gpa = gpa;
	l2_stop_exit(in, rip, 0);
}

/* Under paging, check the L2's tables map the page to itself and map the
 * paging-structure pages Unicorn's own walk will read. 0 = go on. */
static int check_paging(struct l2_inst *in, uint64_t addr, unsigned acc, uint64_t rip)
{
	struct tdx_l2_exit f;
	uint64_t gpa = 0;
	int present = 0;

	if (!paging_on(in))
		return 0;
	if (l2_walk(in, addr, &gpa, &present, &f)) {
		/* A paging-structure page the VM may not read: EPT violation
		 * on that GPA, GLA valid, bit 8 clear. */
		ept_exit(in, addr, f.gpa, TDX_L2_ACC_READ, 1, rip);
		return -1;
	}
	if (present && (gpa & ~(L2CPU_PAGE - 1)) != (addr & ~(L2CPU_PAGE - 1))) {
		l2_fatal(in, "L2 paging maps GLA 0x%llx to GPA 0x%llx: Unicorn 2.0.1 does not translate "
			 "L2 paging (only identity-mapped paging is supported; needs Unicorn >= 2.1)",
			 (unsigned long long)addr, (unsigned long long)gpa);
		return -1;
	}
	(void)acc;
	return 0;
}

static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
			void *ud)
{
	struct l2_inst *in = ud;
	unsigned acc = access_of(type);
	uint64_t page = addr & ~(L2CPU_PAGE - 1);
	uint64_t rip = fault_rip(in, acc, addr);

	(void)uc, (void)size, (void)value;
	if (in->x.kind != STOP_NONE)
		return false;
	if (check_paging(in, addr, acc, rip))
		return false;
	uint32_t rights = page_rights(in, page);
	uint32_t need = acc == TDX_L2_ACC_WRITE ? UC_PROT_WRITE :
			acc == TDX_L2_ACC_FETCH_S ? UC_PROT_EXEC : UC_PROT_READ;
	if (!(rights & need)) {
		ept_exit(in, addr, addr, acc, 0, rip);
		return false;
	}
	if (map_page(in, page, rights)) {
		l2_fatal(in, "L2 touched GPA 0x%llx, which the engine cannot map (outside TD private "
			 "memory: shared GPAs are not reachable with GLA == GPA)", (unsigned long long)addr);
		return false;
	}
	/* A code page mapped while Unicorn translates gets a translation
	 * that uc_ctl_remove_cache cannot find later (measured): fail this
	 * fetch and restart at the same RIP with the page in place. */
	if (acc == TDX_L2_ACC_FETCH_S) {
		in->x.kind = STOP_RETRY;
		uc_emu_stop(in->uc);
		return false;
	}
	return true;
}

static bool on_prot(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
		    void *ud)
{
	struct l2_inst *in = ud;
	unsigned acc = access_of(type);

	(void)uc, (void)size, (void)value;
	if (in->x.kind == STOP_NONE)
		ept_exit(in, addr, addr, acc, 0, fault_rip(in, acc, addr));
	return false;
}

int l2_mem_hooks(struct l2_inst *in)
{
	uc_hook h;

	if (uc_hook_add(in->uc, &h, UC_HOOK_MEM_UNMAPPED, on_unmapped, in, 1, 0) != UC_ERR_OK)
		return -1;
	if (uc_hook_add(in->uc, &h, UC_HOOK_MEM_PROT, on_prot, in, 1, 0) != UC_ERR_OK)
		return -1;
	return 0;
}

/* The table entries the page's last walk read still hold the same values
 * (read straight from TD memory: their pages' rights are unchanged). */
static int print_holds(struct l2_inst *in, const struct l2_walkprint *w)
{
	if (!w->n || w->cr3 != in->cr3 || w->cr4 != in->cr4)
		return 0;
	for (unsigned k = 0; k < w->n; k++) {
		const uint8_t *p = l2_mem_peek(in, w->ea[k], 8);
		uint64_t v;
		if (!p)
			return 0;
		memcpy(&v, p, 8);
		if (v != w->val[k])
			return 0;
	}
	return 1;
}

/* Per entry: drop every mapped page whose rights or identity translation
 * changed (-1 after l2_fatal: the page the L2 resumes on no longer maps
 * to itself). The rights are asked again only in a new memory generation (or
 * with other L2_CTLS); the translation is re-walked only when an entry its
 * last walk read changed: what the engine can reuse between entries. */
int l2_mem_revalidate(struct l2_inst *in)
{
	struct tdx_l2_run *run = in->run;
	int same = in->rights_known && in->rights_gen == run->mem_gen &&
		   in->rights_ctls == run->l2_ctls;

	/* Downwards over the pages mapped now: a walk may map table pages,
	 * which land at the end and unmap_at() moves the last page into a
	 * hole, so neither is visited again (upwards, a table page that no
	 * longer translates to itself was unmapped and remapped forever). */
	for (size_t i = in->npages; i-- > 0;) {
		uint64_t page = in->pages[i], gpa = page;
		int present = 0, stale = !same && page_rights(in, page) != in->perms[i];
		struct tdx_l2_exit f;
		struct l2_walkprint w;

		if (!stale && paging_on(in) && !(same && print_holds(in, &in->prints[i]))) {
			/* The walk may map table pages: in->prints can move. */
			int rc = l2_walk_rec(in, page, &gpa, &present, &f, &w);
			in->prints[i] = w;
			if (rc == 0 && present && (gpa & ~(L2CPU_PAGE - 1)) != page) {
				/* The L2 resumes on this page: refuse now, with the
				 * reason (its first fetch would fault less clearly). */
				if (page == (run->rip & ~(L2CPU_PAGE - 1))) {
					l2_fatal(in, "L2 paging maps GLA 0x%llx to GPA 0x%llx: Unicorn 2.0.1 does "
						 "not translate L2 paging (only identity-mapped paging is "
						 "supported; needs Unicorn >= 2.1)",
						 (unsigned long long)run->rip,
						 (unsigned long long)(gpa | (run->rip & (L2CPU_PAGE - 1))));
					return -1;
				}
				stale = 1;
			}
		}
		if (stale)
			unmap_at(in, i);
	}
	in->rights_known = 1;
	in->rights_gen = run->mem_gen;
	in->rights_ctls = run->l2_ctls;
	return 0;
}

/* Map the paging-structure page at gpa (read by Unicorn's own walk). */
int l2_mem_map_table(struct l2_inst *in, uint64_t gpa)
{
	uint64_t page = gpa & ~(L2CPU_PAGE - 1);

	if (find_page(in, page) >= 0)
		return 0;
	return map_page(in, page, page_rights(in, page));
}

void l2_mem_flush(struct l2_inst *in, int all, uint64_t gla)
{
	if (!all) {
		uint64_t page = gla & ~(L2CPU_PAGE - 1);
		uc_ctl_remove_cache(in->uc, page, page + L2CPU_PAGE);
		return;
	}
	for (size_t i = 0; i < in->npages; i++) {
		uc_ctl_remove_cache(in->uc, in->pages[i], in->pages[i] + L2CPU_PAGE);
	}
}

/* Unicorn's page walk reads the tables before any hook of ours runs (a
 * table page not mapped yet reads as not present): a #PF whose GLA our
 * walk finds present, after mapping new table pages, is spurious and the
 * instruction is retried. 1 = retry; 0 = a real #PF (or an EPT violation
 * on a table page, recorded as the exit). */
int l2_mem_pf_spurious(struct l2_inst *in, uint64_t cr2)
{
	struct tdx_l2_exit f;
	uint64_t gpa = 0;
	int present = 0;
	size_t before = in->npages;

	if (!paging_on(in))
		return 0;
	if (l2_walk(in, cr2, &gpa, &present, &f)) {
		in->x.kind = STOP_NONE;
		ept_exit(in, cr2, f.gpa, TDX_L2_ACC_READ, 1, in->x.rip);
		return 0;
	}
	return present && in->npages != before;
}

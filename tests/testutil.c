/* testutil.c: see testutil.h. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

struct tdx_td *tu_td_new(const struct tdx_td_config *cfg)
{
	struct tdx_td_config def;
	char err[256] = "";

	if (!cfg) {
		tdx_td_config_init(&def);
		cfg = &def;
	}
	struct tdx_td *td = tdx_td_create(cfg, err, sizeof(err));
	if (!td)
		fail_msg("tdx_td_create: %s", err);
	return td;
}

enum tdx_tdcall_outcome tu_tdcall(struct tdx_td *td, struct tdx_regs *regs)
{
	struct tdx_inject inj;
	return tdx_tdcall(td, 0, regs, &inj);
}

uint64_t tu_leaf(struct tdx_td *td, uint64_t rax, uint64_t rcx, uint64_t rdx,
		 uint64_t r8, uint64_t r9, struct tdx_regs *out)
{
	struct tdx_regs r;

	memset(&r, 0, sizeof(r));
	r.rax = rax;
	r.rcx = rcx;
	r.rdx = rdx;
	r.r8 = r8;
	r.r9 = r9;
	r.rip = 0x1000;
	enum tdx_tdcall_outcome o = tu_tdcall(td, &r);
	if (o != TDX_OUTCOME_DONE)
		fail_msg("leaf 0x%llx: outcome %d, not DONE (%s)", (unsigned long long)rax, (int)o,
			 tdx_td_dead_reason(td) ? tdx_td_dead_reason(td) : "-");
	ASSERT_EQ(r.rip, 0x1000 + TDX_TDCALL_LEN);
	if (out)
		*out = r;
	return r.rax;
}

void tu_accept(struct tdx_td *td, uint64_t gpa, uint64_t len)
{
	for (uint64_t a = gpa; a < gpa + len; a += TDX_PAGE_SIZE_4K) {
		uint64_t st = tu_leaf(td, TDG_MEM_PAGE_ACCEPT, a | TDX_PAGE_4K, 0, 0, 0, NULL);
		ASSERT_STATUS(st, TDX_SUCCESS);
	}
}

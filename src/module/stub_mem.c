/* TEMPORARY stub, replaced by mem.c / tdg_mem_page_accept.c / mem_host.c. */
#include <stdio.h>
#include <string.h>
#include "td.h"
int tdx_mem_init(struct tdx_mem *m, uint64_t size, uint64_t shared_bit,
		 enum tdx_sept_policy policy, char *err, size_t errlen)
{ memset(m, 0, sizeof(*m)); m->size = size; m->shared_bit = shared_bit; m->policy = policy; return 0; }
void tdx_mem_fini(struct tdx_mem *m) { (void)m; }
uint64_t tdg_mem_page_accept(struct tdx_call *c) { return TDX_OPERAND_INVALID | TDX_OPND_RCX; }
int tdx_builtin_host_ept(struct tdx_td *td, const struct tdx_td_exit *exit, char *why, size_t whylen)
{ snprintf(why, whylen, "not implemented"); return -1; }

/* module_ops.c: plug a struct tdx_host into the module model's
 * tdx_host_ops.tdvmcall. Uses only the public module.h. */
#include <string.h>

#include "tdxkit/host.h"
#include "tdxkit/module.h"

int tdx_host_ops_tdvmcall(void *ctx, struct tdx_td *td, unsigned vcpu,
			  struct tdx_td_exit *exit)
{
	struct tdx_host *h = ctx;
	struct tdx_host_exit e;

	if (!h)
		return -1;
	if (h->cfg.gpaw == 0 && td)
		h->cfg.gpaw = tdx_td_config(td)->gpaw;
	/* The model's exit already holds what TDH.VP.ENTER returns (11):
	 * RCX = mask | vm << 32, unselected registers 0. */
	e.qual = exit->exit_qual;
	memcpy(e.gpr, exit->vmm.gpr, sizeof(e.gpr));
	int rc = tdx_host_dispatch(h, vcpu, &e);
	memcpy(exit->vmm.gpr, e.gpr, sizeof(e.gpr));
	return rc;
}

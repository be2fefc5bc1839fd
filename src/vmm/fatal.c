/* fatal.c: ReportFatalError (tdx-abi.md 3.8). The host library decodes
 * the error code, the optional GPA and the 64-byte message; we write
 * tdx_host_fatal_format()'s one line (prefixed "tdx-vmm: ") to
 * cfg.report_fd and end the run with TDX_VMM_EXIT_FATAL by stopping the TD
 * (the guest expects the call never to return). */
#include <stdio.h>
#include <string.h>

#include "vmm_int.h"

int vmm_fatal(void *ctx, const struct tdx_host_req *req, struct tdx_host_resp *resp)
{
	struct tdx_vmm *v = ctx;
	char line[TDX_HOST_FATAL_MSG_LEN + 128], why[sizeof(v->end_reason)];

	tdx_host_fatal_format(&req->fatal, why, sizeof(why));
	int n = snprintf(line, sizeof(line), "tdx-vmm: %s\n", why);
	if (n > 0)
		vmm_emit(NULL, v->cfg.report_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	vmm_end(v, TDX_VMM_EXIT_FATAL, why);
	return 1;
}

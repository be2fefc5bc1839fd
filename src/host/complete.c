/* complete.c: write the VMM's answer back into the TDVMCALL registers.
 * The module copies back only registers the guest selected (tdx-abi.md
 * 3.1), so we never write any other: the exit register set stays exactly
 * what the VMM would pass to TDH.VP.ENTER. */
#include "host_int.h"

uint32_t tdx_host_out_mask(const struct tdx_host_req *req, uint64_t status)
{
	const struct tdx_host_svc *s = tdx_host_svc(req->kind);

	/* MapGPA: R11 = resume GPA on RETRY, = the R12 GPA on error (KVM
	 * tdx_map_gpa / tdx_complete_vmcall_map_gpa, 3.5). */
	if (req->kind == TDX_HOST_MAP_GPA)
		return status == TDVMCALL_STATUS_SUCCESS ? 0 : G(R11);
	if (status != TDVMCALL_STATUS_SUCCESS)
		return 0;
	uint32_t m = s->out;
	if (req->kind == TDX_HOST_IO && req->io.direction == TDX_HOST_DIR_READ)
		m |= s->out_read;
	if (req->kind == TDX_HOST_MMIO && req->mmio.direction == TDX_HOST_DIR_READ)
		m |= s->out_read;
	return m;
}

int tdx_host_complete(struct tdx_host_exit *e, const struct tdx_host_req *req,
		      const struct tdx_host_resp *resp)
{
	uint32_t exposed = tdx_host_exit_gprs(e);
	uint32_t m = tdx_host_out_mask(req, resp->status) & exposed & ~G(R10);

	for (unsigned i = TDX_GPR_RDX; i < TDX_NR_GPRS; i++)
		if (m & (1u << i))
			e->gpr[i] = resp->out[i];
	if (!(exposed & G(R10)))
		return -1;
	e->gpr[TDX_GPR_R10] = resp->status;
	return 0;
}

/* error.c: the default handler's error path (tdxkit/ve.h). A kernel would
 * inject #GP or oops; a user-mode TD program has no exception to take, so
 * by default an unemulated #VE is fatal through the panic hook, which tells
 * the host why with ReportFatalError (tdx-abi.md 3.8). */
#include "tdxkit/ve.h"

const char *tdx_ve_error_name(enum tdx_ve_error err)
{
	switch (err) {
	case TDX_VE_ERR_REASON: return "unhandled exit reason";
	case TDX_VE_ERR_STRING_IO: return "string IO";
	case TDX_VE_ERR_HOST: return "host refused";
	case TDX_VE_ERR_DECODE: return "MMIO decode failed";
	case TDX_VE_ERR_INSN: return "MMIO insn not emulated";
	case TDX_VE_ERR_CROSS_PAGE: return "MMIO crosses a page";
	case TDX_VE_ERR_FETCH: return "fetch from MMIO";
	case TDX_VE_ERR_ACCEPT: return "accept failed";
	}
	return "unknown error";
}

void tdx_ve_fatal(const struct tdx_ve *ve, enum tdx_ve_error err, uint64_t status)
{
	/* "#VE <reason> <name>": fits the 41 bytes the panic message keeps
	 * before " st=0x..." (the host reads 64 bytes, 3.8). No libc here. */
	char why[48];
	unsigned n = 0;
	uint32_t r = TDX_EXIT_REASON_BASIC(ve->exit_reason);
	char dec[8];
	unsigned k = 0;

	for (const char *s = "#VE "; *s; s++)
		why[n++] = *s;
	do
		dec[k++] = (char)('0' + r % 10);
	while ((r /= 10) && k < sizeof(dec));
	while (k)
		why[n++] = dec[--k];
	why[n++] = ' ';
	for (const char *s = tdx_ve_error_name(err); *s && n < sizeof(why) - 1; s++)
		why[n++] = *s;
	why[n] = 0;
	tdx_guest_panic(why, ve->exit_reason, status);
}

__attribute__((weak)) void tdx_ve_unhandled(struct tdx_ve_frame *f, const struct tdx_ve *ve,
					    enum tdx_ve_error err, uint64_t status)
{
	tdx_ve_fatal(ve, err, status);
}

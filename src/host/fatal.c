/* fatal.c: TDG.VP.VMCALL<ReportFatalError> (tdx-abi.md 3.8): error code,
 * optional GPA and the 64-byte message spread over eight registers. */
#include <stdio.h>
#include <string.h>

#include "host_int.h"

#define FATAL_GPA_VALID (1ull << 63)

/* Message byte order: byte 0 is R14's low byte, then R15, RBX, RDI, RSI,
 * R8, R9, RDX (Linux tdx_panic). */
static const enum tdx_gpr msg_regs[8] = {
	TDX_GPR_R14, TDX_GPR_R15, TDX_GPR_RBX, TDX_GPR_RDI,
	TDX_GPR_RSI, TDX_GPR_R8, TDX_GPR_R9, TDX_GPR_RDX,
};

void tdx_host_decode_fatal(const struct tdx_host_exit *e, struct tdx_host_fatal *f)
{
	uint64_t r12 = e->gpr[TDX_GPR_R12];

	memset(f, 0, sizeof(*f));
	f->r12 = r12;
	f->code = (uint32_t)r12;
	f->gpa_valid = (r12 & FATAL_GPA_VALID) != 0;
	f->gpa = f->gpa_valid ? e->gpr[TDX_GPR_R13] : 0;
	for (unsigned i = 0; i < 8; i++) {
		uint64_t v = e->gpr[msg_regs[i]];	/* 0 if not exposed */
		for (unsigned b = 0; b < 8; b++)
			f->msg[i * 8 + b] = (char)(v >> (8 * b));
	}
	/* A message using all 64 bytes has an implied NUL at byte 64. */
	f->msg[TDX_HOST_FATAL_MSG_LEN] = '\0';
}

int tdx_host_fatal_format(const struct tdx_host_fatal *f, char *buf, size_t len)
{
	char msg[TDX_HOST_FATAL_MSG_LEN + 1];
	size_t n = strlen(f->msg);	/* msg[64] is always NUL */

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)f->msg[i];
		msg[i] = c >= 0x20 && c < 0x7F ? (char)c : '?';	/* one line, no escapes */
	}
	msg[n] = '\0';
	if (f->gpa_valid)
		return snprintf(buf, len, "TD fatal error 0x%08x (gpa 0x%llx): %s", f->code,
				(unsigned long long)f->gpa, msg);
	return snprintf(buf, len, "TD fatal error 0x%08x: %s", f->code, msg);
}

/* events.c: what an exception raised inside Unicorn becomes. Unicorn
 * 2.0.1 never delivers through the guest IDT and gives no error code
 * (docs/l2-engine.md Q2, summary 4). So:
 *  - selected by the exception bitmap (VMCS 0x4004; #PF also through
 *    PFEC mask/match) -> VM exit 0 with interruption information
 *    (vector, type, error-code valid, valid) for L1 (7.4);
 *  - the IDT limit does not cover the vector -> the CPU would take #GP,
 *    then #DF, then shut down: follow those rules, so an L2 with an empty
 *    IDT gets exit 0 for an intercepted #GP/#DF or a triple fault (exit 2);
 *  - otherwise the L2 would run its own handler: refused.
 * Error codes of hardware exceptions are not available: reported as 0. */
#include <string.h>

#include "l2cpu.h"

#define INTR_VALID (1u << 31)
#define INTR_ERR_VALID (1u << 11)
enum { T_HW = 3, T_SWINT = 4, T_PRIV_SW = 5, T_SWEXC = 6 };

static int has_error_code(unsigned v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21;
}

static int contributory(unsigned v)
{
	return v == 0 || (v >= 10 && v <= 13);
}

static int intercepted(struct tdx_l2_run *run, unsigned v, uint32_t err)
{
	uint32_t bm = (uint32_t)run->vmread(run, VMCS_EXCEPTION_BITMAP);
	int bit = (int)((bm >> v) & 1);

	if (v == 14) {	/* SDM 26.2: PFEC_MASK 0x4006 / PFEC_MATCH 0x4008 */
		uint32_t mask = (uint32_t)run->vmread(run, 0x4006), match = (uint32_t)run->vmread(run, 0x4008);
		return ((err & mask) == match) ? bit : !bit;
	}
	return bit;
}

void l2_exception(struct l2_inst *in, struct tdx_l2_run *run)
{
	unsigned v = in->x.vector, type = T_HW, len = 0;
	const uint8_t *b = l2_mem_peek(in, in->x.rip, 2);
	uint32_t idt_limit = (uint32_t)run->vmread(run, VMCS_GUEST_IDTR_LIMIT);

	if (b && b[0] == 0xCC && v == 3)
		type = T_SWEXC, len = 1;
	else if (b && b[0] == 0xCE && v == 4)
		type = T_SWEXC, len = 1;
	else if (b && b[0] == 0xF1 && v == 1)
		type = T_PRIV_SW, len = 1;
	else if (b && b[0] == 0xCD && b[1] == v)
		type = T_SWINT, len = 2;

	uint32_t err = 0;
	int err_valid = type == T_HW && has_error_code(v), ext = type == T_HW;
	memset(&in->x.exit, 0, sizeof(in->x.exit));
	for (int step = 0; step < 4; step++) {
		if (type != T_SWINT && intercepted(run, v, err)) {
			in->x.exit.reason = TDX_EXIT_EXCEPTION_NMI;
			in->x.exit.intr_info = v | (type << 8) | (err_valid ? INTR_ERR_VALID : 0) | INTR_VALID;
			in->x.exit.intr_err = err_valid ? err : 0;
			if (v == 14) {
				uint64_t cr2 = 0;
				uc_reg_read(in->uc, UC_X86_REG_CR2, &cr2);
				in->x.exit.qual = cr2;	/* #PF: the faulting linear address */
			}
			in->x.kind = STOP_EXIT;
			in->x.len = len;
			in->x.exit.instr_len = len;
			return;
		}
		if ((uint64_t)v * 16 + 15 <= idt_limit) {
			l2_fatal(in, "L2 exception/interrupt vector %u at RIP 0x%llx would be delivered through "
				 "the L2 IDT, which Unicorn 2.0.1 cannot do: set bit %u of the L2 exception "
				 "bitmap (VMCS 0x4004) to get a VM exit", v, (unsigned long long)in->x.rip, v);
			return;
		}
		if (v == 8) {	/* #DF cannot be delivered: shutdown */
			in->x.exit.reason = TDX_EXIT_TRIPLE_FAULT;
			in->x.kind = STOP_EXIT;
			in->x.len = 0;
			return;
		}
		/* Gate beyond the IDT limit: #GP(vector * 8 + IDT + EXT); a
		 * contributory fault or #PF during that makes it #DF(0). */
		if (type == T_HW && (contributory(v) || v == 14)) {
			v = 8, err = 0;
		} else {
			err = v * 8 + 2 + (unsigned)ext;
			v = 13;
		}
		type = T_HW, err_valid = 1, ext = 1, len = 0;
	}
	l2_fatal(in, "L2 exception escalation did not settle");
}

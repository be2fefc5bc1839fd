/* fault.c: forget an exception Unicorn raised. Unicorn 2.0.1 reports
 * exceptions through UC_HOOK_INTR and never delivers them, so QEMU's
 * "exception in flight" (CPUX86State.old_exception, reset only on a
 * successful delivery) keeps the last contributory or #PF vector: the next
 * #DE/#TS/#NP/#SS/#GP/#PF, even on a later TDG.VP.ENTER, becomes #DF
 * (check_exception()), then a triple fault. A real CPU has nothing in
 * flight once the exception became a VM exit (SDM 6.15 applies to nested
 * delivery only).
 *
 * No API reaches that field, but a saved CPU context (uc_context_save) is a
 * plain copy of the state and holds it. Once per process, a scratch
 * instance finds its place: the one 32-bit word that reads -1 before any
 * exception, 0 after a #DE and 8 after a second #DE (the double fault
 * itself, which also proves this Unicorn has the problem); a restore with
 * the word at -1 must then give #DE again. If anything differs (another
 * Unicorn), nothing is patched. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l2cpu.h"

static long fault_word = -1;	/* byte offset in a saved context, or -1: nothing to patch */
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

static void probe_intr(uc_engine *uc, uint32_t vector, void *ud)
{
	*(int *)ud = (int)vector;
	uc_emu_stop(uc);
}

/* Run the #DE at 0x1000 from a clean RIP; the vector the hook saw. */
static int raise_de(uc_engine *uc, int *seen)
{
	uint64_t rip = 0x1000, zero = 0;

	*seen = -1;
	uc_reg_write(uc, UC_X86_REG_RIP, &rip);
	uc_reg_write(uc, UC_X86_REG_RCX, &zero);
	uc_emu_start(uc, rip, 0x1004, 0, 16);
	return *seen;
}

static void probe(void)
{
	static const uint8_t code[] = { 0xF7, 0xF1, 0x90, 0x90 };	/* div ecx (ecx = 0) */
	uc_engine *uc = NULL;
	uc_context *c[3] = { NULL, NULL, NULL };
	uc_hook h;
	int seen = -1;

	if (uc_open(UC_ARCH_X86, UC_MODE_64, &uc) != UC_ERR_OK)
		return;
	size_t n = uc_context_size(uc);
	if (uc_mem_map(uc, 0x1000, 0x1000, UC_PROT_ALL) || uc_mem_write(uc, 0x1000, code, sizeof(code)) ||
	    uc_hook_add(uc, &h, UC_HOOK_INTR, probe_intr, &seen, 1, 0))
		goto out;
	for (int i = 0; i < 3; i++)
		if (uc_context_alloc(uc, &c[i]))
			goto out;
	uc_context_save(uc, c[0]);
	if (raise_de(uc, &seen) != 0)
		goto out;
	uc_context_save(uc, c[1]);
	if (raise_de(uc, &seen) != 8)
		goto out;	/* no double fault: this Unicorn forgets by itself */
	uc_context_save(uc, c[2]);

	long found = -1;
	for (size_t off = 0; off + 4 <= n; off += 4) {
		int32_t a, b, d;
		memcpy(&a, (uint8_t *)c[0] + off, 4);
		memcpy(&b, (uint8_t *)c[1] + off, 4);
		memcpy(&d, (uint8_t *)c[2] + off, 4);
		if (a == -1 && b == 0 && d == 8) {
			if (found >= 0)
				goto out;	/* ambiguous: do not guess */
			found = (long)off;
		}
	}
	if (found < 0)
		goto out;
	int32_t none = -1;
	memcpy((uint8_t *)c[2] + found, &none, 4);
	uc_context_restore(uc, c[2]);
	if (raise_de(uc, &seen) == 0)
		fault_word = found;
out:
	for (int i = 0; i < 3; i++)
		if (c[i])
			uc_context_free(c[i]);
	uc_close(uc);
}

int l2_fault_init(struct l2_inst *in)
{
	pthread_once(&probe_once, probe);
	if (fault_word < 0)
		return 0;
	return uc_context_alloc(in->uc, &in->fault_ctx) == UC_ERR_OK ? 0 : -1;
}

void l2_fault_forget(struct l2_inst *in)
{
	int32_t none = -1;

	if (fault_word < 0 || !in->fault_ctx)
		return;
	uc_context_save(in->uc, in->fault_ctx);
	memcpy((uint8_t *)in->fault_ctx + fault_word, &none, 4);
	uc_context_restore(in->uc, in->fault_ctx);
}

/* inst.c: one Unicorn instance per (VCPU, L2 VM), created on the first
 * TDG.VP.ENTER of that pair and kept (uc_open + hooks cost ~0.4 ms,
 * docs/l2-engine.md Q5). Nothing is mapped at creation: TD pages are mapped
 * one by one when the L2 first touches them (memory.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2cpu.h"

struct l2_inst *l2_inst_get(struct l2_engine *e, unsigned vcpu, unsigned vm, char *why, size_t len)
{
	if (vcpu >= L2CPU_MAX_VCPUS || vm < 1 || vm > TDX_L2_MAX_VMS) {
		snprintf(why, len, "L2 CPU engine: VCPU %u / VM %u out of range", vcpu, vm);
		return NULL;
	}
	struct l2_inst *in = e->inst[vcpu][vm - 1];
	if (in)
		return in;
	in = calloc(1, sizeof(*in));
	if (!in) {
		snprintf(why, len, "L2 CPU engine: out of memory");
		return NULL;
	}
	in->eng = e;
	in->vcpu = vcpu;
	in->vm = vm;
	uc_err err = uc_open(UC_ARCH_X86, UC_MODE_64, &in->uc);
	if (err != UC_ERR_OK) {
		snprintf(why, len, "L2 CPU engine: uc_open: %s", uc_strerror(err));
		free(in);
		return NULL;
	}
	if (l2_mem_hooks(in) || l2_insn_hooks(in) || l2_fault_init(in)) {
		snprintf(why, len, "L2 CPU engine: uc_hook_add or uc_context_alloc failed");
		l2_inst_free(in);
		return NULL;
	}
	e->inst[vcpu][vm - 1] = in;
	return in;
}

void l2_inst_free(struct l2_inst *in)
{
	if (!in)
		return;
	if (in->fault_ctx)
		uc_context_free(in->fault_ctx);
	if (in->uc)
		uc_close(in->uc);
	free(in->pages);
	free(in->perms);
	free(in->prints);
	free(in);
}

void l2_fatal(struct l2_inst *in, const char *fmt, ...)
{
	va_list ap;

	if (in->x.kind == STOP_FATAL)
		return;
	va_start(ap, fmt);
	vsnprintf(in->why, sizeof(in->why), fmt, ap);
	va_end(ap);
	in->x.kind = STOP_FATAL;
	uc_emu_stop(in->uc);
}

void l2_stop_exit(struct l2_inst *in, uint64_t rip, unsigned len)
{
	in->x.kind = STOP_EXIT;
	in->x.rip = rip;
	in->x.len = len;
	in->x.exit.instr_len = len;
	uc_emu_stop(in->uc);
}

/* attach.c: registering the Unicorn engine with a TD (module.h
 * tdx_td_set_l2_engine) and the engine ops the module calls from
 * TDG.VP.ENTER and the invalidation leaves (l2.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2cpu.h"
#include "tdxkit/l2cpu.h"

const char tdx_l2cpu_limits[] =
	"L2 VMs run on Unicorn 2.0.1: only 64-bit long mode at CPL 0 with paging that maps every "
	"touched page to itself (GLA == GPA) is supported; real mode, protected mode, compatibility "
	"mode, non-identity paging, CPL 3 and exceptions the exception bitmap does not intercept "
	"(unless the IDT cannot hold them: triple fault) are refused; shared memory is unreachable; "
	"MOV CR, INVLPG, PAUSE, WBINVD and other exits run inside the emulator without exiting; "
	"execute-disable page-table bits fault (Unicorn drops EFER.NXE); "
	"virtual TSC = 1 tick per L2 instruction";

static int op_run(void *ctx, struct tdx_l2_run *run)
{
	return l2_run(ctx, run);
}

/* INVEPT / INVVPID / INVGLA (7.5) and ENTER INVD: the model has no TLB,
 * but Unicorn's translated code must go (uc_ctl_remove_cache per page,
 * never the 195 ms whole flush, docs/l2-engine.md Q3). */
static void op_invalidate(void *ctx, unsigned vcpu, unsigned vm, unsigned kind, uint64_t gla)
{
	struct l2_engine *e = ctx;

	if (vcpu >= L2CPU_MAX_VCPUS || vm < 1 || vm > TDX_L2_MAX_VMS || !e->inst[vcpu][vm - 1])
		return;
	l2_mem_flush(e->inst[vcpu][vm - 1], kind != 4, gla);
}

static void engine_free(void *ctx)
{
	struct l2_engine *e = ctx;

	for (unsigned v = 0; v < L2CPU_MAX_VCPUS; v++)
		for (unsigned m = 0; m < TDX_L2_MAX_VMS; m++)
			l2_inst_free(e->inst[v][m]);
	free(e);
}

/* tdx_td_reset: every L2 VCPU starts over. Closing the instances is the
 * faithful choice (a Unicorn CPU keeps state the run struct does not
 * carry); they are reopened on the next ENTER. */
static void engine_reset(void *ctx)
{
	struct l2_engine *e = ctx;

	for (unsigned v = 0; v < L2CPU_MAX_VCPUS; v++)
		for (unsigned m = 0; m < TDX_L2_MAX_VMS; m++) {
			l2_inst_free(e->inst[v][m]);
			e->inst[v][m] = NULL;
		}
	memset(e->tsc, 0, sizeof(e->tsc));
}

static const struct tdx_l2_engine_ops unicorn_ops = {
	.name = "unicorn-2.0.1",
	.run = op_run,
	.invalidate = op_invalidate,
	.destroy = engine_free,
	.reset = engine_reset,
};

int tdx_l2cpu_attach(struct tdx_td *td, char *err, size_t len)
{
	const struct tdx_td_config *cfg = tdx_td_config(td);

	if (cfg->num_vcpus > L2CPU_MAX_VCPUS) {
		snprintf(err, len, "L2 CPU engine: at most %u VCPUs", L2CPU_MAX_VCPUS);
		return -1;
	}
	struct l2_engine *e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, len, "L2 CPU engine: out of memory");
		return -1;
	}
	e->td = td;
	e->size = cfg->mem_size;
	e->host = tdx_td_gpa_ptr(td, 0, e->size);
	if (!e->host) {
		snprintf(err, len, "L2 CPU engine: no host view of TD memory");
		free(e);
		return -1;
	}
	tdx_l2cpu_detach(td);
	tdx_td_set_l2_engine(td, &unicorn_ops, e);
	return 0;
}

void tdx_l2cpu_detach(struct tdx_td *td)
{
	if (tdx_td_l2_engine(td, NULL) == &unicorn_ops)
		tdx_td_set_l2_engine(td, NULL, NULL);	/* calls engine_free */
}

uint64_t tdx_l2cpu_tsc(const struct tdx_td *td, unsigned vcpu)
{
	void *ctx;

	if (tdx_td_l2_engine(td, &ctx) != &unicorn_ops || vcpu >= L2CPU_MAX_VCPUS)
		return 0;
	return ((const struct l2_engine *)ctx)->tsc[vcpu];
}

/* runtd.h: the TD of a tdx-run run and its default host, made from the
 * TDXKIT_RUN_* variables: what the preload engine (preload.c, in the
 * program) and the isolated engine (tdx-run itself) both start from.
 * Compiled into libtdxkit-preload.so and into tdx-run, not libtdxkit-trap. */
#ifndef TDXKIT_TRAP_RUNTD_H
#define TDXKIT_TRAP_RUNTD_H

#include "runcfg.h"
#include "tdxkit/vmm.h"

/* What the variables ask of the run besides the TD itself. */
struct tdx_run_opts {
	int trace_fd;		/* -1: no trace */
	int trace_json;
	int stats, leak_check, hostile;
	uint64_t hostile_seed;
	const char *quote_key;	/* a PEM file to use, or where to save our key */
	enum tdx_run_windows windows;
	int gdb;		/* under tdx-run --gdb */
};

/* One line "tdx-run: ..." and _exit(TDX_TRAP_EXIT_CONFIG). */
_Noreturn void tdx_run_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The TD's configuration and the run's options; fails on a bad value. */
void tdx_run_from_env(struct tdx_td_config *cfg, struct tdx_run_opts *o);

/* The default host, attached to cfg, its quoting service running; then
 * the TD (its L2 CPU engine attached when it has L2 VMs), its trace wired
 * to the host's: the trace fd's lines when tracing, the host's own hook
 * (RIP of its records, leaf counts) otherwise. Fail as tdx_run_fail. */
struct tdx_vmm *tdx_run_vmm(struct tdx_td_config *cfg, const struct tdx_run_opts *o);
struct tdx_td *tdx_run_td(const struct tdx_td_config *cfg, const struct tdx_run_opts *o,
			  struct tdx_vmm *v);

/* Each TDCALL timed per leaf by the host, for --stats (a tdx_trap_call_fn). */
enum tdx_tdcall_outcome tdx_run_call(void *vmm, struct tdx_td *td, unsigned vcpu,
				     struct tdx_regs *regs, struct tdx_inject *inj);

/* A note on the trace (as a JSON object under --trace=json). */
void tdx_run_note(const char *text);

/* The run's variables, none of which the program should see. */
extern const char *const tdx_run_vars[];

#endif

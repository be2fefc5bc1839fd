/* runtd.c: see runtd.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtd.h"
#ifdef TDXKIT_RUN_L2CPU
#include "tdxkit/l2cpu.h"
#endif
#include "tdxkit/quote.h"
#include "trap_int.h"

_Noreturn void tdx_run_fail(const char *fmt, ...)
{
	char msg[320];
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "tdx-run: ");

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(msg, "\n");
	if (write(STDERR_FILENO, msg, strlen(msg)) < 0)
		_exit(TDX_TRAP_EXIT_CONFIG);
	_exit(TDX_TRAP_EXIT_CONFIG);
}

static int env_flag(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0");
}

void tdx_run_from_env(struct tdx_td_config *cfg, struct tdx_run_opts *o)
{
	const char *v;
	char why[200];

	tdx_td_config_init(cfg);
	memset(o, 0, sizeof(*o));
	o->trace_fd = -1;
	if ((v = getenv(TDX_RUN_ENV_MEM)) && tdx_run_parse_size(v, &cfg->mem_size, why, sizeof(why)))
		tdx_run_fail("%s: %s", TDX_RUN_ENV_MEM, why);
	if ((v = getenv(TDX_RUN_ENV_GPAW)) && tdx_run_parse_gpaw(v, &cfg->gpaw, why, sizeof(why)))
		tdx_run_fail("%s: %s", TDX_RUN_ENV_GPAW, why);
	if ((v = getenv(TDX_RUN_ENV_VCPUS)) &&
	    tdx_run_parse_uint(v, 1, TDX_RUN_MAX_VCPUS, &cfg->num_vcpus, why, sizeof(why)))
		tdx_run_fail("%s: %s", TDX_RUN_ENV_VCPUS, why);
	if ((v = getenv(TDX_RUN_ENV_L2_VMS)) &&
	    tdx_run_parse_uint(v, 0, TDX_RUN_MAX_L2_VMS, &cfg->num_l2_vms, why, sizeof(why)))
		tdx_run_fail("%s: %s", TDX_RUN_ENV_L2_VMS, why);
	if ((v = getenv(TDX_RUN_ENV_SEPT)) && tdx_run_parse_sept(v, &cfg->sept_policy, why, sizeof(why)))
		tdx_run_fail("%s: %s", TDX_RUN_ENV_SEPT, why);
	if ((v = getenv(TDX_RUN_ENV_ATTRIBUTES)) &&
	    tdx_run_parse_u64(v, &cfg->attributes, why, sizeof(why)))
		tdx_run_fail("%s: %s", TDX_RUN_ENV_ATTRIBUTES, why);
	if ((v = getenv(TDX_RUN_ENV_XFAM)) && tdx_run_parse_xfam(v, &cfg->xfam, why, sizeof(why)))
		tdx_run_fail("%s: %s", TDX_RUN_ENV_XFAM, why);
	static const struct { const char *env; size_t off; } mrs[] = {
		{ TDX_RUN_ENV_MRCONFIGID, offsetof(struct tdx_td_config, mrconfigid) },
		{ TDX_RUN_ENV_MROWNER, offsetof(struct tdx_td_config, mrowner) },
		{ TDX_RUN_ENV_MROWNERCONFIG, offsetof(struct tdx_td_config, mrownerconfig) },
	};
	for (size_t i = 0; i < sizeof(mrs) / sizeof(mrs[0]); i++)
		if ((v = getenv(mrs[i].env)) &&
		    tdx_run_parse_mr(v, (uint8_t *)cfg + mrs[i].off, why, sizeof(why)))
			tdx_run_fail("%s: %s", mrs[i].env, why);
	if (tdx_run_check(cfg, why, sizeof(why)))
		tdx_run_fail("%s", why);
	o->stats = env_flag(TDX_RUN_ENV_STATS);
	o->leak_check = env_flag(TDX_RUN_ENV_LEAK_CHECK);
	if ((v = getenv(TDX_RUN_ENV_HOSTILE)) && *v) {
		if (tdx_run_parse_u64(v, &o->hostile_seed, why, sizeof(why)))
			tdx_run_fail("%s: %s", TDX_RUN_ENV_HOSTILE, why);
		o->hostile = 1;
	}
	if ((v = getenv(TDX_RUN_ENV_QUOTE_KEY)) && *v)
		o->quote_key = v;	/* used in the constructor, before unsetenv */
	o->windows = TDX_RUN_WINDOWS_AUTO;
	if ((v = getenv(TDX_RUN_ENV_WINDOWS)) && *v &&
	    tdx_run_parse_windows(v, &o->windows, why, sizeof(why)))
		tdx_run_fail("%s: %s", TDX_RUN_ENV_WINDOWS, why);
	if ((v = getenv(TDX_RUN_ENV_TRACE)) && strcmp(v, "0") && *v) {
		unsigned fd = STDERR_FILENO;
		o->trace_json = !strcmp(v, "json");
		const char *f = getenv(TDX_RUN_ENV_TRACE_FD);
		if (f && tdx_run_parse_uint(f, 0, 1u << 20, &fd, why, sizeof(why)))
			tdx_run_fail("%s: %s", TDX_RUN_ENV_TRACE_FD, why);
		if (fcntl((int)fd, F_GETFD) < 0)
			tdx_run_fail("%s: fd %u is not open", TDX_RUN_ENV_TRACE_FD, fd);
		o->trace_fd = (int)fd;
	}
	o->gdb = env_flag(TDX_RUN_ENV_GDB);
}

/* The default host, attached to cfg before the TD exists (vmm.h). The
 * quote key: an existing file is the private key to sign with; a missing
 * one gets the public half of a fresh key, for tdx-decode quote. */
struct tdx_vmm *tdx_run_vmm(struct tdx_td_config *cfg, const struct tdx_run_opts *o)
{
	struct tdx_vmm_config vc;
	char err[256];
	int save_key = o->quote_key && access(o->quote_key, F_OK) != 0;

	tdx_vmm_config_init(&vc);
	vc.uart_fd = STDOUT_FILENO;
	vc.trace = NULL;	/* fd output: async-signal-safe, unlike a FILE */
	vc.trace_fd = o->trace_fd;
	vc.trace_json = o->trace_json;
	vc.stats = o->stats;
	vc.leak_check = o->leak_check;
	vc.report_fd = STDERR_FILENO;
	vc.hostile = o->hostile;
	vc.hostile_seed = o->hostile_seed;
	vc.quote_key_pem = o->quote_key && !save_key ? o->quote_key : NULL;
	struct tdx_vmm *v = tdx_vmm_new(&vc, err, sizeof(err));
	if (!v)
		tdx_run_fail("%s", err);
	/* The quoting service runs beside the TD on a thread of its own. */
	if (tdx_vmm_start(v, err, sizeof(err)))
		tdx_run_fail("%s", err);
	if (save_key && tdx_quote_key_save(tdx_vmm_quote_key(v), o->quote_key, 0))
		tdx_run_fail("--quote-key %s: cannot save the public key: %s", o->quote_key,
			     strerror(errno));
	tdx_vmm_attach(v, cfg);
	return v;
}

struct tdx_td *tdx_run_td(const struct tdx_td_config *cfg, const struct tdx_run_opts *o,
			  struct tdx_vmm *v)
{
	char err[256];
	struct tdx_td *td = tdx_td_create(cfg, err, sizeof(err));

	if (!td)
		tdx_run_fail("cannot create the TD: %s", err);
#ifdef TDXKIT_RUN_L2CPU
	/* L2 VMs entered with TDG.VP.ENTER run on the Unicorn engine. */
	if (cfg->num_l2_vms && tdx_l2cpu_attach(td, err, sizeof(err)))
		tdx_run_fail("cannot start the L2 CPU engine: %s", err);
#endif
	if (o->trace_fd >= 0) {
		/* The trace fd is the tool's, not the program's children's. */
		if (o->trace_fd > STDERR_FILENO)
			fcntl(o->trace_fd, F_SETFD, FD_CLOEXEC);
		/* The engine's hook owns the trace and chains to the host's
		 * (RIP of its TDVMCALL lines, leaf counts). */
		tdx_trap_trace_set_json(o->trace_json);
		tdx_trap_trace_to_fd(td, o->trace_fd, tdx_vmm_trace_hook, v);
	} else {
		tdx_vmm_install_trace(v, td);	/* RIP, leaf counts */
	}
	return td;
}

enum tdx_tdcall_outcome tdx_run_call(void *vmm, struct tdx_td *td, unsigned vcpu,
				     struct tdx_regs *regs, struct tdx_inject *inj)
{
	return tdx_vmm_tdcall(vmm, td, vcpu, regs, inj);
}

void tdx_run_note(const char *text)
{
	tdx_trap_trace_note(text);
}

const char *const tdx_run_vars[] = {
	TDX_RUN_ENV_MEM, TDX_RUN_ENV_GPAW, TDX_RUN_ENV_VCPUS, TDX_RUN_ENV_L2_VMS,
	TDX_RUN_ENV_SEPT, TDX_RUN_ENV_TRACE, TDX_RUN_ENV_TRACE_FD, TDX_RUN_ENV_ATTRIBUTES,
	TDX_RUN_ENV_STATS, TDX_RUN_ENV_LEAK_CHECK, TDX_RUN_ENV_HOSTILE, TDX_RUN_ENV_QUOTE_KEY,
	TDX_RUN_ENV_WINDOWS, TDX_RUN_ENV_GDB, TDX_RUN_ENV_XFAM, TDX_RUN_ENV_MRCONFIGID,
	TDX_RUN_ENV_MROWNER, TDX_RUN_ENV_MROWNERCONFIG, NULL,
};


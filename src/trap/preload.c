/* preload.c: libtdxkit-preload.so. Its constructor turns the process into
 * a TD before main(): it creates the TD from the TDXKIT_RUN_* variables
 * that tdx-run sets (defaults when loaded by hand with LD_PRELOAD), starts
 * the trap engine and tells the program where TD memory is. Built only
 * into the preload library (TDXKIT_PRELOAD); empty in libtdxkit-trap.a. */
#ifdef TDXKIT_PRELOAD
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runcfg.h"
#ifdef TDXKIT_PRELOAD_L2CPU
#include "tdxkit/l2cpu.h"
#endif
#include "tdxkit/quote.h"
#include "tdxkit/vmm.h"
#include "trap_int.h"

static struct tdx_td *preload_td;
static struct tdx_vmm *preload_vmm;	/* the default host (tdxkit/vmm.h) */
static int preload_stats;		/* --stats: print the host's table at the end */
static int preload_gdb;			/* under tdx-run --gdb */

/* What the TDXKIT_RUN_* variables ask of the run besides the TD itself. */
struct run_opts {
	int trace_fd;		/* -1: no trace */
	int trace_json;
	int stats, leak_check, hostile;
	uint64_t hostile_seed;
	const char *quote_key;	/* a PEM file to use, or where to save our key */
	enum tdx_run_windows windows;
};

static void __attribute__((noreturn, format(printf, 1, 2))) config_fail(const char *fmt, ...)
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

static void config_from_env(struct tdx_td_config *cfg, struct run_opts *o)
{
	const char *v;
	char why[200];

	tdx_td_config_init(cfg);
	memset(o, 0, sizeof(*o));
	o->trace_fd = -1;
	if ((v = getenv(TDX_RUN_ENV_MEM)) && tdx_run_parse_size(v, &cfg->mem_size, why, sizeof(why)))
		config_fail("%s: %s", TDX_RUN_ENV_MEM, why);
	if ((v = getenv(TDX_RUN_ENV_GPAW)) && tdx_run_parse_gpaw(v, &cfg->gpaw, why, sizeof(why)))
		config_fail("%s: %s", TDX_RUN_ENV_GPAW, why);
	if ((v = getenv(TDX_RUN_ENV_VCPUS)) &&
	    tdx_run_parse_uint(v, 1, TDX_RUN_MAX_VCPUS, &cfg->num_vcpus, why, sizeof(why)))
		config_fail("%s: %s", TDX_RUN_ENV_VCPUS, why);
	if ((v = getenv(TDX_RUN_ENV_L2_VMS)) &&
	    tdx_run_parse_uint(v, 0, TDX_RUN_MAX_L2_VMS, &cfg->num_l2_vms, why, sizeof(why)))
		config_fail("%s: %s", TDX_RUN_ENV_L2_VMS, why);
	if ((v = getenv(TDX_RUN_ENV_SEPT)) && tdx_run_parse_sept(v, &cfg->sept_policy, why, sizeof(why)))
		config_fail("%s: %s", TDX_RUN_ENV_SEPT, why);
	if ((v = getenv(TDX_RUN_ENV_ATTRIBUTES)) &&
	    tdx_run_parse_u64(v, &cfg->attributes, why, sizeof(why)))
		config_fail("%s: %s", TDX_RUN_ENV_ATTRIBUTES, why);
	if ((v = getenv(TDX_RUN_ENV_XFAM)) && tdx_run_parse_xfam(v, &cfg->xfam, why, sizeof(why)))
		config_fail("%s: %s", TDX_RUN_ENV_XFAM, why);
	static const struct { const char *env; size_t off; } mrs[] = {
		{ TDX_RUN_ENV_MRCONFIGID, offsetof(struct tdx_td_config, mrconfigid) },
		{ TDX_RUN_ENV_MROWNER, offsetof(struct tdx_td_config, mrowner) },
		{ TDX_RUN_ENV_MROWNERCONFIG, offsetof(struct tdx_td_config, mrownerconfig) },
	};
	for (size_t i = 0; i < sizeof(mrs) / sizeof(mrs[0]); i++)
		if ((v = getenv(mrs[i].env)) &&
		    tdx_run_parse_mr(v, (uint8_t *)cfg + mrs[i].off, why, sizeof(why)))
			config_fail("%s: %s", mrs[i].env, why);
	if (tdx_run_check(cfg, why, sizeof(why)))
		config_fail("%s", why);
	o->stats = env_flag(TDX_RUN_ENV_STATS);
	o->leak_check = env_flag(TDX_RUN_ENV_LEAK_CHECK);
	if ((v = getenv(TDX_RUN_ENV_HOSTILE)) && *v) {
		if (tdx_run_parse_u64(v, &o->hostile_seed, why, sizeof(why)))
			config_fail("%s: %s", TDX_RUN_ENV_HOSTILE, why);
		o->hostile = 1;
	}
	if ((v = getenv(TDX_RUN_ENV_QUOTE_KEY)) && *v)
		o->quote_key = v;	/* used in the constructor, before unsetenv */
	o->windows = TDX_RUN_WINDOWS_AUTO;
	if ((v = getenv(TDX_RUN_ENV_WINDOWS)) && *v &&
	    tdx_run_parse_windows(v, &o->windows, why, sizeof(why)))
		config_fail("%s: %s", TDX_RUN_ENV_WINDOWS, why);
	if ((v = getenv(TDX_RUN_ENV_TRACE)) && strcmp(v, "0") && *v) {
		unsigned fd = STDERR_FILENO;
		o->trace_json = !strcmp(v, "json");
		const char *f = getenv(TDX_RUN_ENV_TRACE_FD);
		if (f && tdx_run_parse_uint(f, 0, 1u << 20, &fd, why, sizeof(why)))
			config_fail("%s: %s", TDX_RUN_ENV_TRACE_FD, why);
		if (fcntl((int)fd, F_GETFD) < 0)
			config_fail("%s: fd %u is not open", TDX_RUN_ENV_TRACE_FD, fd);
		o->trace_fd = (int)fd;
	}
}

/* The default host, attached to cfg before the TD exists (vmm.h). The
 * quote key: an existing file is the private key to sign with; a missing
 * one gets the public half of a fresh key, for tdx-decode quote. */
static void vmm_setup(struct tdx_td_config *cfg, const struct run_opts *o)
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
	preload_vmm = tdx_vmm_new(&vc, err, sizeof(err));
	if (!preload_vmm)
		config_fail("%s", err);
	/* The quoting service runs beside the TD on a thread of its own. */
	if (tdx_vmm_start(preload_vmm, err, sizeof(err)))
		config_fail("%s", err);
	if (save_key && tdx_quote_key_save(tdx_vmm_quote_key(preload_vmm), o->quote_key, 0))
		config_fail("--quote-key %s: cannot save the public key: %s", o->quote_key,
			    strerror(errno));
	tdx_vmm_attach(preload_vmm, cfg);
}

/* Drop this library from LD_PRELOAD so that what the program runs is not
 * a TD too (only the process tdx-run started is). Other entries stay. */
static void unpreload(void)
{
	const char *lp = getenv("LD_PRELOAD");
	if (!lp)
		return;
	size_t n = strlen(lp);
	char *keep = malloc(n + 1);
	char *copy = strdup(lp);
	if (!keep || !copy) {
		free(keep);
		free(copy);
		unsetenv("LD_PRELOAD");
		return;
	}
	keep[0] = 0;
	for (char *save, *tok = strtok_r(copy, " :", &save); tok; tok = strtok_r(NULL, " :", &save)) {
		const char *base = strrchr(tok, '/');
		base = base ? base + 1 : tok;
		if (!strncmp(base, "libtdxkit-preload", 17))
			continue;
		if (keep[0])
			strcat(keep, " ");
		strcat(keep, tok);
	}
	if (keep[0])
		setenv("LD_PRELOAD", keep, 1);
	else
		unsetenv("LD_PRELOAD");
	free(keep);
	free(copy);
}

static void set_hex(const char *name, uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	setenv(name, buf, 1);
}

/* The TDCALLs of every VCPU, timed per leaf for --stats. */
static enum tdx_tdcall_outcome vmm_call(void *ctx, struct tdx_td *td, unsigned vcpu,
					struct tdx_regs *regs, struct tdx_inject *inj)
{
	return tdx_vmm_tdcall(ctx, td, vcpu, regs, inj);
}

static _Atomic int stats_printed;

static void print_stats(void)
{
	/* Once: at the engine's end of the process or at its normal exit. */
	if (!preload_stats || atomic_exchange(&stats_printed, 1))
		return;
	tdx_vmm_print_stats(preload_vmm, stderr);
	fflush(stderr);
}

/* The engine ends the process (host-ended run, dead TD, bad access): the
 * last code to run, so stdio is safe enough here. */
static void at_engine_end(void *ctx, int status)
{
	print_stats();
	if (preload_gdb)
		raise(SIGTRAP);	/* tdx-run --gdb: stop here, after the engine's line */
}

/* exit(): stop the quoting service before OpenSSL's own exit handler (it
 * was registered earlier, by the key's creation, so it runs later). */
static void at_exit(void)
{
	tdx_vmm_stop(preload_vmm);
}

__attribute__((constructor)) static void tdx_preload_init(void)
{
	struct tdx_td_config cfg;
	struct tdx_mem_windows w;
	struct run_opts o;
	char err[256];

	tdx_trap_set_name("tdx-run");
	config_from_env(&cfg, &o);
	vmm_setup(&cfg, &o);
	preload_td = tdx_td_create(&cfg, err, sizeof(err));
	if (!preload_td)
		config_fail("cannot create the TD: %s", err);
#ifdef TDXKIT_PRELOAD_L2CPU
	/* L2 VMs entered with TDG.VP.ENTER run on the Unicorn engine. */
	if (cfg.num_l2_vms && tdx_l2cpu_attach(preload_td, err, sizeof(err)))
		config_fail("cannot start the L2 CPU engine: %s", err);
#endif
	if (o.trace_fd >= 0) {
		/* The trace fd is the tool's, not the program's children's. */
		if (o.trace_fd > STDERR_FILENO)
			fcntl(o.trace_fd, F_SETFD, FD_CLOEXEC);
		/* The engine's hook owns the trace and chains to the host's
		 * (RIP of its TDVMCALL lines, leaf counts). */
		tdx_trap_trace_set_json(o.trace_json);
		tdx_trap_trace_to_fd(preload_td, o.trace_fd, tdx_vmm_trace_hook, preload_vmm);
	} else {
		tdx_vmm_install_trace(preload_vmm, preload_td);	/* RIP, leaf counts */
	}
	preload_stats = o.stats;
	preload_gdb = env_flag(TDX_RUN_ENV_GDB);
	if (tdx_trap_install(preload_td, 0, err, sizeof(err)))
		config_fail("cannot start the trap engine: %s", err);
	tdx_trap_set_call_fn(vmm_call, preload_vmm);
	tdx_trap_set_end_hook(at_engine_end, NULL);
	if (atexit(at_exit))
		config_fail("atexit: cannot register the quoting service's stop");
	/* Fault-driven windows: no kernel mapping per page state (window.c). */
	if (o.windows != TDX_RUN_WINDOWS_PROTECT &&
	    tdx_td_set_window_mode(preload_td, TDX_WINDOWS_FAULT, err, sizeof(err))) {
		if (o.windows == TDX_RUN_WINDOWS_FAULT)
			config_fail("--windows fault: %s", err);
		char note[400];
		snprintf(note, sizeof(note), "TD memory windows follow page states with mprotect "
			 "(%s); a very fragmented TD can reach vm.max_map_count", err);
		tdx_trap_trace_note(note);
	}

	tdx_td_windows(preload_td, &w);
	set_hex(TDX_RUN_ENV_PRIVATE_BASE, (uint64_t)(uintptr_t)w.private_base);
	set_hex(TDX_RUN_ENV_SHARED_BASE, (uint64_t)(uintptr_t)w.shared_base);
	set_hex(TDX_RUN_ENV_MEM_SIZE, w.size);
	unpreload();
	static const char *const run_vars[] = {
		TDX_RUN_ENV_MEM, TDX_RUN_ENV_GPAW, TDX_RUN_ENV_VCPUS, TDX_RUN_ENV_L2_VMS,
		TDX_RUN_ENV_SEPT, TDX_RUN_ENV_TRACE, TDX_RUN_ENV_TRACE_FD, TDX_RUN_ENV_ATTRIBUTES,
		TDX_RUN_ENV_STATS, TDX_RUN_ENV_LEAK_CHECK, TDX_RUN_ENV_HOSTILE, TDX_RUN_ENV_QUOTE_KEY,
		TDX_RUN_ENV_WINDOWS, TDX_RUN_ENV_GDB,
		TDX_RUN_ENV_XFAM, TDX_RUN_ENV_MRCONFIGID, TDX_RUN_ENV_MROWNER, TDX_RUN_ENV_MROWNERCONFIG,
	};
	for (size_t i = 0; i < sizeof(run_vars) / sizeof(run_vars[0]); i++)
		unsetenv(run_vars[i]);
}

/* Normal program exit (exit(), return from main): the stats table. The
 * TD, its host and the engine stay: a signal handler may still make a
 * TDCALL while the process ends (after this destructor too), as it could
 * on hardware; the kernel takes it all down with the process. */
__attribute__((destructor)) static void tdx_preload_fini(void)
{
	print_stats();
}

#else
/* libtdxkit-trap.a: no constructor; the program installs the engine itself. */
typedef int tdx_trap_no_preload;
#endif

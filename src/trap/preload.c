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

#include "runtd.h"
#include "trap_int.h"

static struct tdx_td *preload_td;
static struct tdx_vmm *preload_vmm;	/* the default host (tdxkit/vmm.h) */
static int preload_stats;		/* --stats: print the host's table at the end */
static int preload_gdb;			/* under tdx-run --gdb */

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
	struct tdx_run_opts o;
	char err[256];

	tdx_trap_set_name("tdx-run");
	tdx_run_from_env(&cfg, &o);
	preload_vmm = tdx_run_vmm(&cfg, &o);
	preload_td = tdx_run_td(&cfg, &o, preload_vmm);
	preload_stats = o.stats;
	preload_gdb = o.gdb;
	if (tdx_trap_install(preload_td, 0, err, sizeof(err)))
		tdx_run_fail("cannot start the trap engine: %s", err);
	tdx_trap_set_call_fn(tdx_run_call, preload_vmm);
	tdx_trap_set_end_hook(at_engine_end, NULL);
	if (atexit(at_exit))
		tdx_run_fail("atexit: cannot register the quoting service's stop");
	/* Fault-driven windows: no kernel mapping per page state (window.c). */
	if (o.windows != TDX_RUN_WINDOWS_PROTECT &&
	    tdx_td_set_window_mode(preload_td, TDX_WINDOWS_FAULT, err, sizeof(err))) {
		if (o.windows == TDX_RUN_WINDOWS_FAULT)
			tdx_run_fail("--windows fault: %s", err);
		char note[400];
		snprintf(note, sizeof(note), "TD memory windows follow page states with mprotect "
			 "(%s); a very fragmented TD can reach vm.max_map_count", err);
		tdx_trap_trace_note(note);
	}

	tdx_td_windows(preload_td, &w);
	set_hex(TDX_RUN_ENV_PRIVATE_BASE, (uint64_t)(uintptr_t)w.private_base);
	set_hex(TDX_RUN_ENV_SHARED_BASE, (uint64_t)(uintptr_t)w.shared_base);
	set_hex(TDX_RUN_ENV_MEM_SIZE, w.size);
	setenv(TDX_RUN_ENV_ENGINE, "preload", 1);
	unpreload();
	for (size_t i = 0; tdx_run_vars[i]; i++)
		unsetenv(tdx_run_vars[i]);
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

/*
 * tdxkit/isolate.h: the isolated engine. The TD program runs as a child
 * process traced with ptrace; the module model and the host stay in the
 * calling process, out of the program's reach: its address space holds
 * its TD memory windows and nothing of tdxkit (no library, no preload, no
 * key). The child's TDCALL trap (SIGILL on AMD, SIGSEGV on Intel) stops
 * it; the engine reads its registers and the bytes at RIP, runs the model,
 * writes the results back and resumes it. The program contract is the
 * preload engine's (tdxkit/trap.h): the same windows and variables, #VE
 * and interrupt frames, diagnostics and exit statuses, threads as VCPUs.
 *
 * This is what tdx-run --isolated uses, and what it uses for a static
 * program by itself.
 */
#ifndef TDXKIT_ISOLATE_H
#define TDXKIT_ISOLATE_H

#include <stddef.h>
#include <stdint.h>

#include "tdxkit/module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Exit status when the program did what the isolated engine cannot allow
 * (it called ptrace: the engine is its tracer already). */
#define TDX_ISO_EXIT_REFUSED 118

/* Runs one TDCALL (as tdx_trap_set_call_fn's); the end hook (as
 * tdx_trap_set_end_hook's). */
typedef enum tdx_tdcall_outcome (*tdx_iso_call_fn)(void *ctx, struct tdx_td *td, unsigned vcpu,
						   struct tdx_regs *regs, struct tdx_inject *inj);
typedef void (*tdx_iso_end_fn)(void *ctx, int status);

struct tdx_iso_config {
	struct tdx_td *td;		/* the TD, its host attached (tdx_td_config.host) */
	int windows_fault;		/* 1: fault-driven windows (else mprotect) ... */
	int windows_auto;		/* ... or fault where the kernel has it, else mprotect */
	const char *name;		/* prefix of the engine's lines ("tdx-run") */
	int trace_fd;			/* #VE / interrupt / note lines, -1: none */
	tdx_iso_call_fn call;		/* NULL: tdx_tdcall() */
	void *call_ctx;
	tdx_iso_end_fn end;		/* before the run's status is returned */
	void *end_ctx;
};

/*
 * Runs `path` with argv and envp (plus the program contract's variables)
 * as the TD's program until it ends. Returns the status tdx-run exits
 * with: the program's exit status, V for the exit port, 119-123 as the
 * preload engine, 128 + N when a signal N killed it (said in one line),
 * 126/127 when it cannot be executed, TDX_ISO_EXIT_REFUSED for ptrace.
 * -1 with a one-line reason in err when the engine cannot start.
 */
TDXKIT_API int tdx_iso_run(const struct tdx_iso_config *cfg, const char *path, char *const argv[],
			   char *const envp[], char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif

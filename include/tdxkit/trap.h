/*
 * tdxkit/trap.h: run the real TDCALL instruction (66 0F 01 CC) in an
 * ordinary Linux process.
 *
 * Outside a TD the instruction raises SIGILL. Once the trap engine is
 * installed, its SIGILL handler recognises TDCALL at RIP, hands the
 * interrupted registers (GPRs, RIP, XMM0-15) to the module model with
 * tdx_tdcall() and writes the guest-visible result back into the signal
 * frame, so the program continues after the TDCALL as on TDX hardware.
 * Its SIGSEGV handler turns a fault in a TD memory window (a PENDING page,
 * or a page touched through the wrong alias) into a one-line diagnostic.
 *
 * Every thread's TDCALLs are serviced as the VCPU given to
 * tdx_trap_install() (VCPU = thread is not modelled yet); calls from
 * different threads are serialised. The signal alternate stack is set up
 * for the installing thread only.
 *
 * tdx-run uses this engine from a preload library (libtdxkit-preload.so);
 * tests and benchmarks link it (libtdxkit-trap.a) and install it in-process.
 */
#ifndef TDXKIT_TRAP_H
#define TDXKIT_TRAP_H

#include <stddef.h>
#include <stdint.h>
#include "tdxkit/module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Exit codes of a program stopped by the engine (distinct from the usual
 * 1/2 and from 125-127, which tdx-run uses for its own failures). */
#define TDX_TRAP_EXIT_ACCESS  120	/* bad access to TD memory (SIGSEGV in a window) */
#define TDX_TRAP_EXIT_INJECT  121	/* the module injected an exception (#GP, #UD, #VE) */
#define TDX_TRAP_EXIT_DEAD    122	/* the host gave up on the TD */
#define TDX_TRAP_EXIT_CONFIG  123	/* preload: bad TDXKIT_RUN_* configuration */

/*
 * Installs the SIGILL and SIGSEGV handlers (and a signal alternate stack
 * for the calling thread) that service TDCALLs for `td` as VCPU `vcpu`.
 * Previous handlers are kept: a SIGILL that is not a TDCALL and a SIGSEGV
 * outside the TD windows go to them (or get the default action).
 * Returns 0, or -1 with a one-line reason in err. One TD at a time.
 */
int tdx_trap_install(struct tdx_td *td, unsigned vcpu, char *err, size_t errlen);

/* Restores the previous handlers and alternate stack. A TDCALL raises
 * SIGILL again afterwards. The TD is not destroyed. */
void tdx_trap_uninstall(void);

/* The TD the engine services, or NULL when not installed. */
struct tdx_td *tdx_trap_td(void);

/* Prefix of the engine's diagnostics ("tdx-run" under the tool, "tdxkit"
 * otherwise); the string must stay valid. */
void tdx_trap_set_name(const char *name);

/*
 * Exception delivery hook (TDX_OUTCOME_INJECT). Called in the SIGILL
 * handler with the exception and the registers the guest would have at
 * delivery (RIP at the TDCALL); it may rewrite them (RIP, RSP, ...) to
 * enter a program handler and return 0, and the engine resumes the program
 * with them. Non-zero, or no hook: the engine prints a one-line diagnostic
 * (vector, RIP) and exits with TDX_TRAP_EXIT_INJECT.
 * Must be async-signal-safe.
 */
typedef int (*tdx_trap_inject_fn)(void *ctx, struct tdx_td *td, unsigned vcpu,
				  const struct tdx_inject *inj, struct tdx_regs *regs);
void tdx_trap_set_inject_hook(tdx_trap_inject_fn fn, void *ctx);

/*
 * Tracing: one decoded line per TDCALL (leaf name, inputs, status name,
 * outputs). tdx_trap_trace_format() writes the line (with a newline) for a
 * call as tdx_td_set_trace() reports it and returns its length as snprintf
 * does; tdx_trap_trace_to_fd() makes `td` write such lines to `fd`
 * (fd < 0: stop tracing).
 */
int tdx_trap_trace_format(char *buf, size_t len, unsigned vcpu, const struct tdx_regs *in,
			  const struct tdx_regs *out, enum tdx_tdcall_outcome o);
void tdx_trap_trace_to_fd(struct tdx_td *td, int fd);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_TRAP_H */

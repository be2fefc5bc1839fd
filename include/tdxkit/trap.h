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
 * or a page touched through the wrong alias) into a one-line diagnostic,
 * or into a #VE for the program's #VE handler (below), as are IO, HLT,
 * RDMSR and WRMSR, which raise SIGSEGV (#GP) in user mode.
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
#include "tdxkit/run.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Exit codes of a program stopped by the engine (tdxkit/run.h). */
#define TDX_TRAP_EXIT_ACCESS  TDX_RUN_EXIT_ACCESS
#define TDX_TRAP_EXIT_INJECT  TDX_RUN_EXIT_INJECT
#define TDX_TRAP_EXIT_DEAD    TDX_RUN_EXIT_DEAD
#define TDX_TRAP_EXIT_CONFIG  TDX_RUN_EXIT_CONFIG

/*
 * Installs the SIGILL and SIGSEGV handlers (and a signal alternate stack
 * for the calling thread) that service TDCALLs for `td` as VCPU `vcpu`.
 * Previous handlers are kept: a SIGILL that is not a TDCALL and a SIGSEGV
 * outside the TD windows go to them (or get the default action).
 * Returns 0, or -1 with a one-line reason in err. One TD at a time.
 */
TDXKIT_API int tdx_trap_install(struct tdx_td *td, unsigned vcpu, char *err, size_t errlen);

/* Restores the previous handlers and alternate stack. A TDCALL raises
 * SIGILL again afterwards. The TD is not destroyed. */
TDXKIT_API void tdx_trap_uninstall(void);

/* The TD the engine services, or NULL when not installed. */
TDXKIT_API struct tdx_td *tdx_trap_td(void);

/* Prefix of the engine's diagnostics ("tdx-run" under the tool, "tdxkit"
 * otherwise); the string must stay valid. */
TDXKIT_API void tdx_trap_set_name(const char *name);

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
TDXKIT_API void tdx_trap_set_inject_hook(tdx_trap_inject_fn fn, void *ctx);

/* #VE delivery: the frame, the handler type and the program's
 * registration are in tdxkit/run.h (the program contract). */

/* In-process: set (NULL: clear) the #VE handler. Cleared by uninstall. */
TDXKIT_API void tdx_trap_set_ve_handler(tdx_ve_handler_fn fn);


/*
 * The default host (tdxkit/vmm.h, libtdxkit-vmm) behind the engine: every
 * TDCALL goes through tdx_vmm_tdcall() (timed per leaf), a quote in flight
 * completes at any trap (tdx_vmm_poll), and when the host ends the run
 * (exit port, ReportFatalError) the process _exits with the host's status
 * instead of TDX_TRAP_EXIT_DEAD. The caller still attaches the VMM to the
 * TD config before tdx_td_create() and owns its trace hook (tdx-run's
 * preload library does all of this). NULL: the built-in host again.
 */
struct tdx_vmm;
TDXKIT_API void tdx_trap_set_vmm(struct tdx_vmm *vmm);

/* One line for a #VE delivery, as --trace prints it ("<name>: [vcpuN
 * rip=...] #VE EPT_VIOLATION qual=... gla=... gpa=... len=..."), with a
 * newline; `vector` 8 says #DF instead. Length as snprintf returns it. */
TDXKIT_API int tdx_trap_ve_format(char *buf, size_t len, unsigned vcpu, const struct tdx_ve_event *ev,
		       uint64_t rip, unsigned vector);

/*
 * Tracing: one decoded line per TDCALL (leaf name, inputs, status name,
 * outputs). tdx_trap_trace_format() writes the line (with a newline) for a
 * call as tdx_td_set_trace() reports it and returns its length as snprintf
 * does; tdx_trap_trace_to_fd() makes `td` write such lines to `fd`
 * (fd < 0: stop tracing).
 */
TDXKIT_API int tdx_trap_trace_format(char *buf, size_t len, unsigned vcpu, const struct tdx_regs *in,
			  const struct tdx_regs *out, enum tdx_tdcall_outcome o);
TDXKIT_API void tdx_trap_trace_to_fd(struct tdx_td *td, int fd);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_TRAP_H */

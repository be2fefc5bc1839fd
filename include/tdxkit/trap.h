/*
 * tdxkit/trap.h: run the real TDCALL instruction (66 0F 01 CC) in an
 * ordinary Linux process.
 *
 * Outside a TD the instruction faults, and how depends on the CPU vendor:
 * #UD on AMD (SIGILL, si_code ILL_ILLOPN) and #GP(0) on Intel (SIGSEGV,
 * si_code SI_KERNEL, trap number 13). Once the trap engine is installed,
 * its handlers for both signals recognise TDCALL at RIP
 * (tdx_trap_classify()), hand the interrupted registers (GPRs, RIP,
 * XMM0-15) to the module model and write the guest-visible result back
 * into the signal frame, so the program continues after the TDCALL as on
 * TDX hardware. A fault in a TD memory window (a PENDING page, or a page
 * touched through the wrong alias) becomes a one-line diagnostic or a #VE
 * for the program's #VE handler (below), as do IO, HLT, RDMSR and WRMSR,
 * which raise #GP in user mode; where the CPU has CPUID faulting, CPUID is
 * answered by the module too. Every other fault keeps its usual effect.
 *
 * Threads are VCPUs: the installing thread is the VCPU given to
 * tdx_trap_install(); any other thread becomes, at its first trap, the
 * lowest-numbered VCPU no thread holds, with its own VE_INFO, pending #VE,
 * VCPU-scope metadata and host view. A thread that traps when every VCPU is
 * held stops the run with one line (TDX_TRAP_EXIT_CONFIG). When a thread
 * exits (pthread_exit or returning from its start routine) its VCPU becomes
 * free again, with the state the thread left in it, for the next new thread.
 * Nothing on the trap path allocates memory or takes a libc lock: a TDCALL
 * works in a signal handler, during exit() and after library destructors ran.
 *
 * tdx-run uses this engine from a preload library (libtdxkit-preload.so);
 * tests and benchmarks link it (libtdxkit-trap.a) and install it in-process.
 * This header needs POSIX's siginfo_t: a unit built with a strict -std=c11
 * or -std=c99 defines _POSIX_C_SOURCE (200809L) first.
 */
#ifndef TDXKIT_TRAP_H
#define TDXKIT_TRAP_H

#include <signal.h>
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

/* What a fault signal is to the engine (tdx_trap_classify). */
enum tdx_trap_kind {
	TDX_TRAP_OTHER = 0,	/* not the engine's: the program's own fault */
	TDX_TRAP_TDCALL,	/* TDCALL at RIP: #UD (SIGILL) or #GP (SIGSEGV) */
	TDX_TRAP_VE_INSN,	/* IN/OUT/INS/OUTS, HLT, RDMSR, WRMSR at RIP: #GP */
	TDX_TRAP_CPUID,		/* CPUID at RIP: #GP under CPUID faulting */
};
/*
 * Classifies a fault from the signal number, its siginfo and the context's
 * RIP and the bytes there, whichever vendor raised it: SIGILL with
 * ILL_ILLOPN, or SIGSEGV with si_code SI_KERNEL and trap number 13 (#GP);
 * a signal sent by a process (si_code <= 0) is never the engine's. A pure
 * function: it reads the bytes at RIP and nothing else. Memory faults in TD
 * windows are not classified here (they depend on the installed TD).
 */
TDXKIT_API enum tdx_trap_kind tdx_trap_classify(int sig, const siginfo_t *si, const void *ucontext);
/* The same from plain values, for a tracer that reads another process's
 * registers: the signal, its si_code, the trap number (-1 if unknown: an
 * SI_KERNEL SIGSEGV is then taken as #GP) and up to TDX_TRAP_INSN_MAX
 * bytes at RIP (n of them valid). */
#define TDX_TRAP_INSN_MAX 15	/* the longest x86 instruction */
TDXKIT_API enum tdx_trap_kind tdx_trap_classify_bytes(int sig, int si_code, int trapno,
						      const uint8_t *bytes, size_t n);
/* An instruction that is a #VE in a TD (IO, HLT, RDMSR, WRMSR) decoded
 * from its bytes into the VE event the module records (exit reason,
 * qualification, length, information; `rdx` gives the port of IN/OUT
 * (DX) forms) and a short name ("OUT"); 0, or -1 if it is none of them. */
TDXKIT_API int tdx_trap_decode_ve_bytes(const uint8_t *bytes, size_t n, uint64_t rdx,
					struct tdx_ve_event *ev, const char **name);
/* 1 if the instruction writes memory (a fault's access, where the page-
 * fault error code is not at hand), else 0. */
TDXKIT_API int tdx_trap_insn_writes(const uint8_t *bytes, size_t n);
/* The signal TDCALL raises on this CPU (SIGILL on AMD, SIGSEGV on Intel),
 * found once by executing it under a temporary handler; 0 if it executed
 * without a fault (this process runs in a real TD), -1 if something else
 * happened. tdx_trap_install() probes it; so can tests and benchmarks. */
TDXKIT_API int tdx_trap_probe_signal(void);

/*
 * Installs the SIGILL, SIGSEGV and SIGBUS handlers (and a signal
 * alternate stack for the calling thread) that service TDCALLs for `td`,
 * the calling thread as VCPU `vcpu`, any other thread as the VCPU its first
 * trap gets. Previous handlers are kept: a fault that is not the engine's
 * goes to them (or gets the default action). Returns 0, or -1 with a
 * one-line reason in err. One TD at a time.
 */
TDXKIT_API int tdx_trap_install(struct tdx_td *td, unsigned vcpu, char *err, size_t errlen);

/* Restores the previous handlers and alternate stack, and turns CPUID
 * faulting off again. A TDCALL faults as the CPU makes it afterwards. The
 * TD is not destroyed. */
TDXKIT_API void tdx_trap_uninstall(void);

/* The TD the engine services, or NULL when not installed. */
TDXKIT_API struct tdx_td *tdx_trap_td(void);

/* The calling thread's VCPU, or -1 if it has made no trap yet (or the
 * engine is not installed). */
TDXKIT_API int tdx_trap_current_vcpu(void);

/* Whether CPUID traps to the model (the CPU has CPUID faulting and the
 * engine turned it on); without it CPUID runs natively. */
TDXKIT_API int tdx_trap_cpuid_virtualized(void);

/* The function that runs one TDCALL for the engine: tdx_tdcall() unless
 * set (the default host times leaves with it). Async-signal-safe. NULL
 * restores tdx_tdcall(). */
typedef enum tdx_tdcall_outcome (*tdx_trap_call_fn)(void *ctx, struct tdx_td *td, unsigned vcpu,
						    struct tdx_regs *regs, struct tdx_inject *inj);
TDXKIT_API void tdx_trap_set_call_fn(tdx_trap_call_fn fn, void *ctx);

/* Called once right before the engine ends the process (_exit) with
 * `status`: the host ended the run, the TD died, a bad access. Runs in a
 * signal handler, as the last code of the process. */
typedef void (*tdx_trap_end_fn)(void *ctx, int status);
TDXKIT_API void tdx_trap_set_end_hook(tdx_trap_end_fn fn, void *ctx);

/* Prefix of the engine's diagnostics ("tdx-run" under the tool, "tdxkit"
 * otherwise); the string must stay valid. */
TDXKIT_API void tdx_trap_set_name(const char *name);

/*
 * Exception delivery hook (TDX_OUTCOME_INJECT). Called in the trap
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

/* For debuggers (tdx-run --gdb's tdx-run-gdb.py reads it): the windows of
 * the installed engine's TD: private base, shared base, size; 0 when none.
 * libtdxkit-preload.so exports it. */
extern TDXKIT_PRELOAD_API volatile uint64_t tdxkit_gdb_windows[3];

/* #VE and interrupt delivery: the frame, the handler types and the
 * program's registration are in tdxkit/run.h (the program contract). */
/* The signal the engine delivers host interrupts with (tdxkit/run.h): the
 * program must leave it to the engine. */
#define TDX_TRAP_IRQ_SIGNAL (SIGRTMAX - 1)

/* In-process: set (NULL: clear) the #VE handler. Cleared by uninstall. */
TDXKIT_API void tdx_trap_set_ve_handler(tdx_ve_handler_fn fn);
/* In-process: set (NULL: clear) the interrupt handler. */
TDXKIT_API void tdx_trap_set_irq_handler(tdx_irq_handler_fn fn);

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
 * (fd < 0: stop tracing), each followed by a call of `next` (if not NULL)
 * with the same arguments: the default host's hook writes its TDVMCALL
 * line there.
 */
TDXKIT_API int tdx_trap_trace_format(char *buf, size_t len, unsigned vcpu, const struct tdx_regs *in,
			  const struct tdx_regs *out, enum tdx_tdcall_outcome o);
TDXKIT_API void tdx_trap_trace_to_fd(struct tdx_td *td, int fd, tdx_trace_fn next, void *next_ctx);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_TRAP_H */

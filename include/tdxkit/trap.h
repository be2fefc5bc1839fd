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
 */
#ifndef TDXKIT_TRAP_H
#define TDXKIT_TRAP_H

#include <signal.h>
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
#define TDX_TRAP_EXIT_CONFIG  123	/* bad TDXKIT_RUN_* configuration; more threads than VCPUs */

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
enum tdx_trap_kind tdx_trap_classify(int sig, const siginfo_t *si, const void *ucontext);
/* The signal TDCALL raises on this CPU (SIGILL on AMD, SIGSEGV on Intel),
 * found once by executing it under a temporary handler; 0 if it executed
 * without a fault (this process runs in a real TD), -1 if something else
 * happened. tdx_trap_install() probes it; so can tests and benchmarks. */
int tdx_trap_probe_signal(void);

/*
 * Installs the SIGILL, SIGSEGV and SIGBUS handlers (and a signal
 * alternate stack for the calling thread) that service TDCALLs for `td`,
 * the calling thread as VCPU `vcpu`, any other thread as the VCPU its first
 * trap gets. Previous handlers are kept: a fault that is not the engine's
 * goes to them (or gets the default action). Returns 0, or -1 with a
 * one-line reason in err. One TD at a time.
 */
int tdx_trap_install(struct tdx_td *td, unsigned vcpu, char *err, size_t errlen);

/* Restores the previous handlers and alternate stack, and turns CPUID
 * faulting off again. A TDCALL faults as the CPU makes it afterwards. The
 * TD is not destroyed. */
void tdx_trap_uninstall(void);

/* The TD the engine services, or NULL when not installed. */
struct tdx_td *tdx_trap_td(void);

/* The calling thread's VCPU, or -1 if it has made no trap yet (or the
 * engine is not installed). */
int tdx_trap_current_vcpu(void);

/* Whether CPUID traps to the model (the CPU has CPUID faulting and the
 * engine turned it on); without it CPUID runs natively. */
int tdx_trap_cpuid_virtualized(void);

/* The function that runs one TDCALL for the engine: tdx_tdcall() unless
 * set (the default host times leaves with it). Async-signal-safe. NULL
 * restores tdx_tdcall(). */
typedef enum tdx_tdcall_outcome (*tdx_trap_call_fn)(void *ctx, struct tdx_td *td, unsigned vcpu,
						    struct tdx_regs *regs, struct tdx_inject *inj);
void tdx_trap_set_call_fn(tdx_trap_call_fn fn, void *ctx);

/* Called once right before the engine ends the process (_exit) with
 * `status`: the host ended the run, the TD died, a bad access. Runs in a
 * signal handler, as the last code of the process. */
typedef void (*tdx_trap_end_fn)(void *ctx, int status);
void tdx_trap_set_end_hook(tdx_trap_end_fn fn, void *ctx);

/* Prefix of the engine's diagnostics ("tdx-run" under the tool, "tdxkit"
 * otherwise); the string must stay valid. */
void tdx_trap_set_name(const char *name);

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
void tdx_trap_set_inject_hook(tdx_trap_inject_fn fn, void *ctx);

/*
 * #VE delivery (tdx-abi.md 4.1, 4.2). The program registers one handler;
 * the engine then turns these events into a #VE:
 *   - IO (IN, OUT, INS, OUTS, with REP), HLT, RDMSR, WRMSR at RIP: exit
 *     reason 30, 12, 31, 32; qualification as a VMX exit would give it (IO:
 *     bits 2:0 size-1, 3 IN, 4 string, 5 REP, 6 immediate port, 31:16 port);
 *     instruction length; GLA = GPA = 0;
 *   - a touch of a PENDING (or never mapped) private page while
 *     TD_CTLS.PENDING_VE_DISABLE is 0, and a touch of a shared-window page
 *     the host has not mapped shared (MMIO): EPT violation, exit reason 48,
 *     qualification bits 0-2 = read/write/fetch plus GLA valid (7, 8), GLA =
 *     the faulting address, GPA = its GPA (shared bit included for the
 *     shared window); instruction length undefined (0);
 *   - a TDCALL whose memory operand is a PENDING page (the module injects
 *     #VE with RIP at the TDCALL).
 * The module records VE_INFO (TDG.VP.VEINFO.GET returns it and clears
 * VALID), then the handler is called on the signal stack with the
 * interrupted registers, RIP at the instruction. It should call
 * TDG.VP.VEINFO.GET first, and may edit the frame (e.g. RAX for IN, RIP +=
 * instruction length); the program resumes with the frame as left. A
 * handler that returns with RIP unchanged retries the instruction (e.g.
 * after accepting the page). TDCALLs (VEINFO.GET, TDVMCALLs) work inside
 * the handler; asynchronous signals are blocked while it runs, as a #VE
 * handler runs with interrupts off.
 * A #VE while VALID is still set is a #DF; a #DF, or a #VE without a
 * handler, stops the program with one line (TDX_TRAP_EXIT_INJECT). A
 * pending-page touch that is not a #VE (PENDING_VE_DISABLE set: the host
 * would kill the TD, 8.2), or any memory #VE without a handler, stops it
 * with the access diagnostic (TDX_TRAP_EXIT_ACCESS).
 */
struct tdx_ve_frame {
	union {
		uint64_t gpr[16];	/* enum tdx_gpr order */
		struct {
			uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
			uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
		};
	};
	uint64_t rip;
	uint64_t rflags;	/* the kernel keeps privileged bits as they were */
};
typedef void (*tdx_ve_handler_fn)(struct tdx_ve_frame *frame);

/* In-process: set (NULL: clear) the #VE handler. Cleared by uninstall. */
void tdx_trap_set_ve_handler(tdx_ve_handler_fn fn);

/*
 * Interrupts from the host (tdx_vcpu_post_interrupt(): the default host
 * posts the vector a guest set up with SetupEventNotifyInterrupt when a
 * quote completes). The engine delivers a posted vector to the thread of
 * that VCPU at once, even while it sleeps and makes no TDCALL (it is
 * signalled with TDX_TRAP_IRQ_SIGNAL), and the handler runs on that thread
 * with the interrupted registers in a frame it may edit, as the #VE handler
 * does; asynchronous signals other than SIGTERM, SIGINT and SIGQUIT are
 * blocked meanwhile, as interrupts are in an interrupt handler. Without a
 * handler the vector is traced and dropped. The program must leave
 * TDX_TRAP_IRQ_SIGNAL to the engine.
 */
#define TDX_TRAP_IRQ_SIGNAL (SIGRTMAX - 1)
typedef void (*tdx_irq_handler_fn)(unsigned vector, struct tdx_ve_frame *frame);
void tdx_trap_set_irq_handler(tdx_irq_handler_fn fn);

/* The registration entry points exported by the engine (libtdxkit-preload.so
 * under tdx-run, libtdxkit-trap.a in-process): 0, or -1 when the engine is
 * not installed. */
int tdxkit_ve_register(tdx_ve_handler_fn fn);
int tdxkit_irq_register(tdx_irq_handler_fn fn);

#ifndef TDXKIT_TRAP_ENGINE
/* For programs: registers through a weak reference, so that the program
 * needs no trap library and links without one; -1 when not under tdx-run
 * (the symbol is absent) or the engine is not installed. */
extern int tdxkit_ve_register(tdx_ve_handler_fn fn) __attribute__((weak));
extern int tdxkit_irq_register(tdx_irq_handler_fn fn) __attribute__((weak));
static inline int tdx_ve_register(tdx_ve_handler_fn fn)
{
	return tdxkit_ve_register ? tdxkit_ve_register(fn) : -1;
}
static inline int tdx_irq_register(tdx_irq_handler_fn fn)
{
	return tdxkit_irq_register ? tdxkit_irq_register(fn) : -1;
}
#endif

/* One line for a #VE delivery, as --trace prints it ("<name>: [vcpuN
 * rip=...] #VE EPT_VIOLATION qual=... gla=... gpa=... len=..."), with a
 * newline; `vector` 8 says #DF instead. Length as snprintf returns it. */
int tdx_trap_ve_format(char *buf, size_t len, unsigned vcpu, const struct tdx_ve_event *ev,
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
int tdx_trap_trace_format(char *buf, size_t len, unsigned vcpu, const struct tdx_regs *in,
			  const struct tdx_regs *out, enum tdx_tdcall_outcome o);
void tdx_trap_trace_to_fd(struct tdx_td *td, int fd, tdx_trace_fn next, void *next_ctx);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_TRAP_H */

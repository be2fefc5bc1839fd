/*
 * tdxkit/run.h: the contract between tdx-run (or libtdxkit-preload.so, or
 * an in-process trap engine, tdxkit/trap.h) and the program it runs as a
 * TD: where TD memory is, how the run is configured, how it ends, and the
 * #VE and interrupt frames. Only <stdint.h> (and <stdlib.h> for getenv in
 * a hosted program; freestanding code may include it); nothing to link
 * (tdx_ve_register() and tdx_irq_register() find the engine through weak
 * references, or through tdxkit's TDVMCALL under the isolated engine).
 */
#ifndef TDXKIT_RUN_H
#define TDXKIT_RUN_H

#include <stdint.h>
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ && !defined(TDXKIT_TRAP_ENGINE)
#include <stdlib.h>	/* getenv: which engine (tdx_ve_register) */
#endif
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- what the program gets --------------------------------------------------
 * TD memory (GPA 0 .. MEM_SIZE - 1) is mapped twice in the program's
 * address space; these environment variables (hex, 0x prefix: parse with
 * strtoull(s, NULL, 16)) say where. GPA g is at PRIVATE_BASE + g and, once
 * shared, at SHARED_BASE + g (the shared bit is not part of the offset). */
#define TDX_RUN_ENV_PRIVATE_BASE "TDXKIT_PRIVATE_BASE"	/* VA of GPA 0, private alias */
#define TDX_RUN_ENV_SHARED_BASE  "TDXKIT_SHARED_BASE"	/* VA of GPA 0, shared alias */
#define TDX_RUN_ENV_MEM_SIZE     "TDXKIT_MEM_SIZE"	/* TD memory size in bytes */

/* ---- how the run is configured ----------------------------------------------
 * What tdx-run passes to libtdxkit-preload.so; set by hand when the library
 * is preloaded without the tool (LD_PRELOAD=libtdxkit-preload.so PROGRAM). */
#define TDX_RUN_ENV_MEM        "TDXKIT_RUN_MEM"		/* SIZE: 4096, 0x1000, 512M, 4G (default 1G) */
#define TDX_RUN_ENV_GPAW       "TDXKIT_RUN_GPAW"	/* 48 | 52 */
#define TDX_RUN_ENV_VCPUS      "TDXKIT_RUN_VCPUS"	/* 1..64 */
#define TDX_RUN_ENV_L2_VMS     "TDXKIT_RUN_L2_VMS"	/* 0..3 */
#define TDX_RUN_ENV_SEPT       "TDXKIT_RUN_SEPT"	/* 2m | 4k */
#define TDX_RUN_ENV_TRACE      "TDXKIT_RUN_TRACE"	/* 1: one line per TDCALL/TDVMCALL/#VE; json */
#define TDX_RUN_ENV_TRACE_FD   "TDXKIT_RUN_TRACE_FD"	/* where the trace goes (default 2) */
#define TDX_RUN_ENV_ATTRIBUTES "TDXKIT_RUN_ATTRIBUTES"	/* TD ATTRIBUTES, hex (default 0x10000000) */
#define TDX_RUN_ENV_STATS      "TDXKIT_RUN_STATS"	/* 1: counts and time per leaf/service at exit */
#define TDX_RUN_ENV_LEAK_CHECK "TDXKIT_RUN_LEAK_CHECK"	/* 1: report exposed non-input registers */
#define TDX_RUN_ENV_HOSTILE    "TDXKIT_RUN_HOSTILE"	/* SEED: adversarial, reproducible host */
#define TDX_RUN_ENV_QUOTE_KEY  "TDXKIT_RUN_QUOTE_KEY"	/* PEM key to sign with, or where to save ours */
#define TDX_RUN_ENV_WINDOWS    "TDXKIT_RUN_WINDOWS"	/* auto | fault | protect (module.h window modes) */
#define TDX_RUN_ENV_RUN_ENGINE "TDXKIT_RUN_ENGINE"	/* tdx-run: preload | isolated (as --isolated) */
#define TDX_RUN_ENV_GDB        "TDXKIT_RUN_GDB"	/* 1: under gdb: stop gdb before the engine ends the TD */
/* TD_PARAMS values (tdx-run --xfam, --mrconfigid, --mrowner, --mrownerconfig):
 * XFAM as hex or "host" (tdx_xfam_from_host); the 48-byte registers as up to
 * 96 hex digits, byte 0 first, zero-filled. Unset: XFAM 0x3, zeros. */
#define TDX_RUN_ENV_XFAM          "TDXKIT_RUN_XFAM"
#define TDX_RUN_ENV_MRCONFIGID    "TDXKIT_RUN_MRCONFIGID"
#define TDX_RUN_ENV_MROWNER       "TDXKIT_RUN_MROWNER"
#define TDX_RUN_ENV_MROWNERCONFIG "TDXKIT_RUN_MROWNERCONFIG"

/* Which engine runs the program: "preload" (libtdxkit-preload.so in its own
 * address space) or "isolated" (tdx-run traces it, tdxkit/isolate.h). */
#define TDX_RUN_ENV_ENGINE "TDXKIT_ENGINE"

/* ---- how it ends --------------------------------------------------------------
 * The program's own exit status, or V after a write of V to the exit port
 * (0x501, tdxkit/vmm.h), or one of these (distinct from the usual 1/2 and
 * from 125-127, which tdx-run uses for its own failures). */
#define TDX_RUN_EXIT_FATAL   119	/* the TD reported a fatal error (ReportFatalError) */
#define TDX_RUN_EXIT_ACCESS  120	/* bad access to TD memory (a PENDING page, the wrong alias) */
#define TDX_RUN_EXIT_INJECT  121	/* an exception the program cannot take (#GP, #UD, #DF, #VE) */
#define TDX_RUN_EXIT_DEAD    122	/* the host gave up on the TD */
#define TDX_RUN_EXIT_CONFIG  123	/* bad TDXKIT_RUN_* configuration; more threads than VCPUs */

/*
 * #VE delivery (tdx-abi.md 4.1, 4.2). The program registers one handler
 * (tdx_ve_register() below); the engine then turns these events into a #VE:
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
 * handler, stops the program with one line (TDX_RUN_EXIT_INJECT). A
 * pending-page touch that is not a #VE (PENDING_VE_DISABLE set: the host
 * would kill the TD, 8.2), or any memory #VE without a handler, stops it
 * with the access diagnostic (TDX_RUN_EXIT_ACCESS).
 */
struct tdx_ve_frame {
	TDXKIT_EXTENSION union {
		uint64_t gpr[16];	/* enum tdx_gpr order */
		TDXKIT_EXTENSION struct {
			uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
			uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
		};
	};
	uint64_t rip;
	uint64_t rflags;	/* the kernel keeps privileged bits as they were */
};
typedef void (*tdx_ve_handler_fn)(struct tdx_ve_frame *frame);

/*
 * Interrupts from the host (tdx_vcpu_post_interrupt(), tdxkit/module.h: the
 * default host posts the vector a guest set up with
 * SetupEventNotifyInterrupt when a quote completes). The engine delivers a posted vector to the thread of
 * that VCPU at once, even while it sleeps and makes no TDCALL (it is
 * signalled with TDX_TRAP_IRQ_SIGNAL, SIGRTMAX - 1: tdxkit/trap.h), and the
 * handler runs on that thread
 * with the interrupted registers in a frame it may edit, as the #VE handler
 * does; asynchronous signals other than SIGTERM, SIGINT and SIGQUIT are
 * blocked meanwhile, as interrupts are in an interrupt handler. Without a
 * handler the vector is traced and dropped. The program must leave
 * TDX_TRAP_IRQ_SIGNAL to the engine.
 */
typedef void (*tdx_irq_handler_fn)(unsigned vector, struct tdx_ve_frame *frame);

/* ---- registering a handler without a dynamic linker ---------------------------
 * tdxkit's own TDVMCALL, vendor-specific (GHCI 3.10: R10 != 0), which both
 * engines take before the module sees it, so that a static or freestanding
 * program registers its handlers with no library to find: TDG.VP.VMCALL
 * with RCX = TDXKIT_VMCALL_MASK (R10, R11, R12 exposed), R10 =
 * TDXKIT_VMCALL_VENDOR, R11 = TDXKIT_VMCALL_SET_VE_HANDLER or
 * TDXKIT_VMCALL_SET_IRQ_HANDLER, R12 = the handler's address (0: none).
 * On return RAX = 0, R10 = 0 and R11 = the handler it replaced. A real
 * host answers R10 != 0 (KVM: an unknown hypercall), so on hardware it
 * fails harmlessly. libtdxkit-guest: tdx_engine_set_handler() (guest.h). */
#define TDXKIT_VMCALL_VENDOR 0x4B584454u	/* "TDXK" */
#define TDXKIT_VMCALL_MASK 0x1C00u		/* R10, R11, R12 */
#define TDXKIT_VMCALL_SET_VE_HANDLER 1u
#define TDXKIT_VMCALL_SET_IRQ_HANDLER 2u

/* That TDVMCALL; 0, or -1 when no engine took it. Only under an engine or
 * in a real TD: outside both, TDCALL faults. */
static inline int tdxkit_vmcall_set_handler(uint64_t op, uint64_t handler)
{
	uint64_t rax = 0, rcx = TDXKIT_VMCALL_MASK, r10;
	__asm__ __volatile__("mov %[v], %%r10\n\tmov %[op], %%r11\n\tmov %[fn], %%r12\n\t"
			     ".byte 0x66, 0x0f, 0x01, 0xcc\n\tmov %%r10, %[st]"
			     : "+a"(rax), "+c"(rcx), [st] "=r"(r10)
			     : [v] "r"((uint64_t)TDXKIT_VMCALL_VENDOR), [op] "r"(op), [fn] "r"(handler)
			     : "r10", "r11", "r12", "memory");
	return rax == 0 && r10 == 0 ? 0 : -1;
}

/* The registration entry points exported by the engine (libtdxkit-preload.so
 * under tdx-run, libtdxkit-trap.a in-process): 0, or -1 when the engine is
 * not installed. */
TDXKIT_PRELOAD_API int tdxkit_ve_register(tdx_ve_handler_fn fn);
TDXKIT_PRELOAD_API int tdxkit_irq_register(tdx_irq_handler_fn fn);

#ifndef TDXKIT_TRAP_ENGINE
/* For programs: registers through a weak reference to the preload
 * engine's entry point, so that the program needs no trap library and
 * links without one; under the isolated engine (TDXKIT_ENGINE=isolated,
 * nothing of tdxkit in the program) through tdxkit's TDVMCALL above. -1
 * when not under tdx-run or the engine is not installed. */
extern int tdxkit_ve_register(tdx_ve_handler_fn fn) TDXKIT_WEAK;
extern int tdxkit_irq_register(tdx_irq_handler_fn fn) TDXKIT_WEAK;
static inline int tdxkit_isolated_engine(void)
{
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__
	const char *e = getenv(TDX_RUN_ENV_ENGINE);
	return e && e[0] == 'i';	/* "isolated" */
#else
	return 0;	/* freestanding: call tdxkit_vmcall_set_handler() directly */
#endif
}
static inline int tdx_ve_register(tdx_ve_handler_fn fn)
{
	if (tdxkit_ve_register)
		return tdxkit_ve_register(fn);
	return tdxkit_isolated_engine() ?
		tdxkit_vmcall_set_handler(TDXKIT_VMCALL_SET_VE_HANDLER, (uint64_t)(uintptr_t)fn) : -1;
}
static inline int tdx_irq_register(tdx_irq_handler_fn fn)
{
	if (tdxkit_irq_register)
		return tdxkit_irq_register(fn);
	return tdxkit_isolated_engine() ?
		tdxkit_vmcall_set_handler(TDXKIT_VMCALL_SET_IRQ_HANDLER, (uint64_t)(uintptr_t)fn) : -1;
}
#endif

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_RUN_H */

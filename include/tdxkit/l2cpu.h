/*
 * tdxkit/l2cpu.h: the L2 CPU engine on Unicorn 2.0.1 (docs/l2-engine.md).
 *
 * TDG.VP.ENTER (tdx-abi.md 7.3) runs L2 code on the engine registered with
 * the TD. This one emulates the L2 VCPU with Unicorn and reports the VMX
 * exits of 7.4 (CPUID, HLT, I/O, RDMSR/WRMSR, TDCALL, VMCALL, XSETBV, EPT
 * violation, exceptions, triple fault, preemption timer).
 *
 * Supported L2 state: 64-bit long mode at CPL 0 whose page tables map
 * every page the L2 touches to itself (GLA == GPA; Unicorn 2.0.1 does not
 * translate guest paging). Anything else is refused: the TDG.VP.ENTER
 * fails the TD with a one-line reason (tdx_td_dead_reason()).
 *
 * Virtual TSC: one tick per L2 instruction executed on the VCPU; the TSC
 * deadline (TDVPS TSC_DEADLINE[vm]) is compared with it.
 */
#ifndef TDXKIT_L2CPU_H
#define TDXKIT_L2CPU_H

#include <stddef.h>
#include <stdint.h>
#include "tdxkit/abi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tdx_td;

/* Register the Unicorn engine with td (tdx_td_set_l2_engine). 0, or -1
 * with a one-line reason in err. Unicorn instances are created lazily on
 * the first TDG.VP.ENTER of each (VCPU, VM). */
TDXKIT_API int tdx_l2cpu_attach(struct tdx_td *td, char *err, size_t len);
/* Unregister it and free every instance. Optional: tdx_td_destroy()
 * releases the engine too. */
TDXKIT_API void tdx_l2cpu_detach(struct tdx_td *td);

/* The virtual TSC of a VCPU (L2 instructions executed so far). */
TDXKIT_API uint64_t tdx_l2cpu_tsc(const struct tdx_td *td, unsigned vcpu);

/* One line for --help texts: what the engine supports and refuses. */
extern TDXKIT_API const char tdx_l2cpu_limits[];

#ifdef __cplusplus
}
#endif
#endif

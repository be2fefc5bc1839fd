/*
 * tdxkit/direct.h: the direct transport of the guest library.
 *
 * A program linked with libtdxkit-guest-direct.a and libtdxkit.a runs its
 * guest code (tdxkit/guest.h) as an ordinary function call into the module
 * model: each TDCALL becomes tdx_tdcall() (tdxkit/module.h) on the TD and
 * VCPU attached to the calling thread, with the built-in host behind it.
 *
 * What the guest cannot see in direct mode is turned into a fault:
 *   TDX_OUTCOME_INJECT   the module injected an exception (#VE, #GP, #UD,
 *                        #DF; RIP not advanced, tdx-abi.md 1.3).
 *   TDX_OUTCOME_TD_DEAD  the host gave up on the TD (tdx_td_dead_reason()).
 *   no TD attached       a TDCALL on a thread that never called attach.
 * With no handler installed each prints one line to stderr, naming the leaf
 * and the reason, and calls abort(): like a VM that dies, the process stops
 * at the faulting TDCALL, with the guest's stack intact for a debugger or
 * a core dump. An interrupted TDCALL (TDX_OUTCOME_REEXECUTE: a guest
 * interrupt was pending, see tdx_vcpu_set_interrupt_pending()) is run again
 * at once after the interrupt is "taken" - cleared, as direct mode has no
 * guest interrupt handler - as the CPU would after the handler's IRET.
 */
#ifndef TDXKIT_DIRECT_H
#define TDXKIT_DIRECT_H

#include "tdxkit/module.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Route this thread's TDCALLs to `vcpu` of `td` (NULL detaches). The model
 * is not thread-safe: threads attached to one TD must not call at once. */
TDXKIT_API void tdx_direct_attach(struct tdx_td *td, unsigned vcpu);
TDXKIT_API struct tdx_td *tdx_direct_td(void);	/* this thread's TD, or NULL */

/*
 * Optional fault handler (per thread). `o` is INJECT or TD_DEAD (inj is
 * NULL for TD_DEAD), `leaf` is RAX of the TDCALL, `reason` one line.
 * INJECT: the handler plays the guest's exception handler. It may itself
 * make TDCALLs (a #VE handler calls TDG.VP.VEINFO.GET); if it returns, the
 * TDCALL is executed again, as after an IRET to the faulting instruction.
 * TD_DEAD: the handler may longjmp out; if it returns, the process aborts.
 */
typedef void (*tdx_direct_fault_fn)(void *ctx, enum tdx_tdcall_outcome o, uint64_t leaf,
				    const struct tdx_inject *inj, const char *reason);
TDXKIT_API void tdx_direct_set_fault_handler(tdx_direct_fault_fn fn, void *ctx);

/* Entry from the guest library's assembly (direct transport): one
 * TDCALL on the whole register file. Not for other callers. */
TDXKIT_API void tdx_direct_tdcall(struct tdx_regs *regs);

#ifdef __cplusplus
}
#endif
#endif /* TDXKIT_DIRECT_H */

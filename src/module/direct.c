/* direct.c: the C side of the guest library's direct transport (see
 * tdxkit/direct.h). Hosted code: it is part of libtdxkit. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "tdxkit/direct.h"
#include "tdxkit/names.h"

/* direct_trap.S hard-codes this layout. */
_Static_assert(offsetof(struct tdx_regs, rax) == 0, "tdx_regs.rax");
_Static_assert(offsetof(struct tdx_regs, r15) == 120, "tdx_regs.r15");
_Static_assert(offsetof(struct tdx_regs, rip) == 128, "tdx_regs.rip");
_Static_assert(offsetof(struct tdx_regs, rflags) == 136, "tdx_regs.rflags");
_Static_assert(offsetof(struct tdx_regs, xmm) == 144, "tdx_regs.xmm");
_Static_assert(sizeof(struct tdx_regs) == 400, "tdx_regs size");

/* The guest never sees RIP in direct mode; the module only advances it. */
#define DIRECT_RIP 0x1000

/* An interrupted TDCALL resumes from saved progress (1.3), so it ends; a
 * model that keeps interrupting it this often is broken. */
#define MAX_REEXECUTE 100000

static _Thread_local struct {
	struct tdx_td *td;
	unsigned vcpu;
	tdx_direct_fault_fn fault;
	void *fault_ctx;
} self;

void tdx_direct_attach(struct tdx_td *td, unsigned vcpu)
{
	self.td = td;
	self.vcpu = vcpu;
}

struct tdx_td *tdx_direct_td(void)
{
	return self.td;
}

void tdx_direct_set_fault_handler(tdx_direct_fault_fn fn, void *ctx)
{
	self.fault = fn;
	self.fault_ctx = ctx;
}

static const char *leaf_name(uint64_t rax)
{
	const char *n = tdx_leaf_name(rax & TDX_LEAF_MASK);
	return n ? n : "unknown leaf";
}

__attribute__((noreturn)) static void die(uint64_t rax, const char *what, const char *reason)
{
	fprintf(stderr, "tdxkit direct: %s on TDCALL %s (RAX 0x%llx): %s\n", what,
		leaf_name(rax), (unsigned long long)rax, reason);
	abort();
}

/* The exception's mnemonic for the one-line reason. */
static const char *vector_name(unsigned v)
{
	const char *n = tdx_vector_name(v);
	return n ? n : "exception";
}

void tdx_direct_tdcall(struct tdx_regs *regs)
{
	const uint64_t rax = regs->rax;
	struct tdx_inject inj;
	char reason[300];

	if (!self.td)
		die(rax, "no TD attached", "call tdx_direct_attach() on this thread first");
	for (unsigned n = 0;; n++) {
		regs->rip = DIRECT_RIP;
		enum tdx_tdcall_outcome o = tdx_tdcall(self.td, self.vcpu, regs, &inj);

		switch (o) {
		case TDX_OUTCOME_DONE:
			return;
		case TDX_OUTCOME_REEXECUTE:
			/* Interrupted (1.3): the guest takes the interrupt - direct
			 * mode has no handler, so taking it just clears it - and
			 * runs the TDCALL again, which resumes from saved progress. */
			if (n >= MAX_REEXECUTE)
				die(rax, "no progress", "the TDCALL keeps being interrupted");
			tdx_vcpu_set_interrupt_pending(self.td, self.vcpu, 0);
			continue;
		case TDX_OUTCOME_INJECT:
			snprintf(reason, sizeof(reason),
				 "the module injected %s (vector %u, error code 0x%x) into the guest",
				 vector_name(inj.vector), inj.vector, inj.error_code);
			if (!self.fault)
				die(rax, "guest exception", reason);
			self.fault(self.fault_ctx, o, rax, &inj, reason);
			if (n >= MAX_REEXECUTE)
				die(rax, "no progress", "the fault handler returned without fixing the cause");
			regs->rax = rax;	/* the TDCALL runs again with its inputs */
			continue;
		case TDX_OUTCOME_TD_DEAD: {
			const char *why = tdx_td_dead_reason(self.td);
			snprintf(reason, sizeof(reason), "%s", why ? why : "no reason given");
			if (self.fault)
				self.fault(self.fault_ctx, o, rax, NULL, reason);
			die(rax, "TD dead", reason);
		}
		default:
			snprintf(reason, sizeof(reason), "unexpected outcome %d", (int)o);
			die(rax, "internal error", reason);
		}
	}
}

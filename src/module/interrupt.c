/* interrupt.c: interrupts the host posts for a VCPU (a posted-interrupt
 * descriptor, in effect): they make interruptible leaves stop early (1.3)
 * and are handed to whoever runs the VCPU (the trap engine) through the
 * TD's notify hook. Lock-free: the host posts from its own threads. */
#include "td.h"

int tdx_vcpu_interrupted(const struct tdx_vcpu *v)
{
	if (atomic_load_explicit(&v->intr_pending, memory_order_relaxed))
		return 1;
	for (unsigned i = 0; i < 4; i++)
		if (atomic_load_explicit(&v->posted[i], memory_order_relaxed))
			return 1;
	return 0;
}

void tdx_vcpu_set_interrupt_pending(struct tdx_td *td, unsigned vcpu, int pending)
{
	if (vcpu < td->cfg.num_vcpus)
		atomic_store(&td->vcpus[vcpu].intr_pending, !!pending);
}

int tdx_vcpu_post_interrupt(struct tdx_td *td, unsigned vcpu, unsigned vector)
{
	if (vcpu >= td->cfg.num_vcpus || vector > 255)
		return -1;
	atomic_fetch_or(&td->vcpus[vcpu].posted[vector / 64], 1ull << (vector % 64));
	tdx_interrupt_notify_fn fn = td->notify;
	if (fn)
		fn(td->notify_ctx, vcpu);
	return 0;
}

int tdx_vcpu_take_interrupt(struct tdx_td *td, unsigned vcpu)
{
	if (vcpu >= td->cfg.num_vcpus)
		return -1;
	/* Highest vector first: the APIC's priority order. */
	for (int i = 3; i >= 0; i--) {
		_Atomic uint64_t *w = &td->vcpus[vcpu].posted[i];
		uint64_t bits = atomic_load(w);
		while (bits) {
			unsigned hi = 63u - (unsigned)__builtin_clzll(bits);
			uint64_t bit = 1ull << hi;
			if (atomic_fetch_and(w, ~bit) & bit)
				return i * 64 + (int)hi;
			bits = atomic_load(w);
		}
	}
	return -1;
}

void tdx_td_set_interrupt_notify(struct tdx_td *td, tdx_interrupt_notify_fn fn, void *ctx)
{
	td->notify_ctx = ctx;
	td->notify = fn;
}

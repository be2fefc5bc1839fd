/* ve.c: the program's #VE handler: registration, and delivery of a #VE the
 * module injected (tdx-abi.md 4.1): the handler runs on the signal stack,
 * as a guest's #VE handler runs on its own stack, with the interrupted
 * registers in a frame it may edit; the program resumes from that frame. */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>

#include "tdxkit/names.h"
#include "trap_int.h"

void tdx_trap_set_ve_handler(tdx_ve_handler_fn fn)
{
	atomic_store(&tdx_trap_g.ve_handler, fn);
}

/* Exported by libtdxkit-preload.so: programs find it through a weak
 * reference (tdx_ve_register() in trap.h), so they run without tdx-run too. */
__attribute__((visibility("default"))) int tdxkit_ve_register(tdx_ve_handler_fn fn)
{
	if (!tdx_trap_g.installed)
		return -1;
	tdx_trap_set_ve_handler(fn);
	return 0;
}

static void __attribute__((noreturn)) die_ve(const struct tdx_inject *inj, const char *what,
					     const struct tdx_ve_event *ev, uint64_t rip)
{
	struct tdx_line l;
	const char *reason = tdx_exit_reason_name(ev->exit_reason);

	tdx_line_init(&l);
	if (inj->vector == 8)
		tdx_line_str(&l, "#DF: ");
	tdx_line_str(&l, "#VE for ");
	tdx_line_str(&l, what);
	tdx_line_str(&l, " (");
	tdx_line_str(&l, reason ? reason : "exit reason");
	tdx_line_str(&l, " ");
	tdx_line_dec(&l, ev->exit_reason);
	tdx_line_str(&l, ", qualification ");
	tdx_line_hex(&l, ev->exit_qual);
	if (ev->gpa) {
		tdx_line_str(&l, ", GPA ");
		tdx_line_hex(&l, ev->gpa);
	}
	tdx_line_str(&l, ") at RIP ");
	tdx_line_hex(&l, rip);
	if (inj->vector == 8)
		tdx_line_str(&l, " while VE_INFO.VALID was still set (TDG.VP.VEINFO.GET not called)");
	else
		tdx_line_str(&l, ": the program registered no #VE handler");
	tdx_line_write(&l, STDERR_FILENO);
	_exit(TDX_TRAP_EXIT_INJECT);
}

void tdx_trap_deliver_ve(ucontext_t *uc, const struct tdx_inject *inj, const char *what,
			 const struct tdx_ve_event *event)
{
	struct tdx_trap_state *g = &tdx_trap_g;
	uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	struct tdx_ve_event ev = { 0 };
	tdx_ve_handler_fn fn = atomic_load(&g->ve_handler);

	if (event) {
		ev = *event;
	} else {
		/* A #VE from inside a TDCALL: the module's record says what it
		 * was (read under the lock: another thread may TDCALL). */
		tdx_trap_lock();
		tdx_vcpu_ve_info(g->td, g->vcpu, &ev);
		tdx_trap_unlock();
	}
	tdx_trap_trace_ve(&ev, rip, inj->vector);
	if (inj->vector != 20 || !fn)
		die_ve(inj, what, &ev, rip);

	struct tdx_ve_frame f;
	int saved_errno = errno;
	tdx_trap_frame_from_uc(uc, &f);
	fn(&f);
	tdx_trap_frame_to_uc(&f, uc);
	errno = saved_errno;
}

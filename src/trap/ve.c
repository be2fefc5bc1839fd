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
	if (!atomic_load(&tdx_trap_g.installed))
		return -1;
	tdx_trap_set_ve_handler(fn);
	return 0;
}

void tdx_trap_run_program_handler(void (*fn)(void *), void *arg)
{
	/* The handler mask blocks every asynchronous signal (engine.c); for
	 * as long as program code runs, the ones that end a program may come
	 * through, so that a handler that hangs can still be stopped. */
	sigset_t ends, old;
	sigemptyset(&ends);
	sigaddset(&ends, SIGTERM);
	sigaddset(&ends, SIGINT);
	sigaddset(&ends, SIGQUIT);
	pthread_sigmask(SIG_UNBLOCK, &ends, &old);
	fn(arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

struct ve_call {
	tdx_ve_handler_fn fn;
	struct tdx_ve_frame *f;
};

static void call_ve(void *p)
{
	struct ve_call *c = p;
	c->fn(c->f);
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
	tdx_trap_exit(TDX_TRAP_EXIT_INJECT);
}

void tdx_trap_deliver_ve(ucontext_t *uc, unsigned vcpu, const struct tdx_inject *inj,
			 const char *what, const struct tdx_ve_event *event)
{
	struct tdx_trap_state *g = &tdx_trap_g;
	uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	struct tdx_ve_event ev = { 0 };
	tdx_ve_handler_fn fn = atomic_load(&g->ve_handler);

	if (event)
		ev = *event;
	else	/* a #VE from inside a TDCALL: the module's record says what it was */
		tdx_vcpu_ve_info(g->td, vcpu, &ev);
	tdx_trap_trace_ve(vcpu, &ev, rip, inj->vector);
	if (inj->vector != 20 || !fn)
		die_ve(inj, what, &ev, rip);

	struct tdx_ve_frame f;
	struct ve_call call = { fn, &f };
	int saved_errno = errno;
	tdx_trap_frame_from_uc(uc, &f);
	tdx_trap_run_program_handler(call_ve, &call);
	tdx_trap_frame_to_uc(&f, uc);
	errno = saved_errno;
}

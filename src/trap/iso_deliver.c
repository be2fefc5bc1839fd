/* iso_deliver.c: the program's #VE and interrupt handlers, called in the
 * traced child as the preload engine calls them in-process: the frame
 * (struct tdx_ve_frame: GPRs, RIP, RFLAGS) below the thread's red zone, the
 * handler entered with the SysV ABI (RDI = frame, or RDI = vector and RSI
 * = frame), and as return address ISO_RETURN_*, which no mapping can hold:
 * the fetch fault there says the handler is done, and the thread resumes
 * from the frame as the handler left it. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "iso_int.h"

/* The flags a program may change (CF PF AF ZF SF DF OF), as sigreturn lets it. */
#define USER_FLAGS 0xCD5ull
#define RFLAGS_DF 0x400ull

/* Kernel-internal restart codes an interrupted system call leaves in RAX
 * (include/linux/errno.h): what a signal's delivery turns into EINTR or a
 * restart, and so does ours. */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

static void frame_from(const struct user_regs_struct *u, struct tdx_ve_frame *f)
{
	iso_gprs_in(u, f->gpr);
	f->rip = u->rip;
	f->rflags = u->eflags;
}

static void frame_to(const struct tdx_ve_frame *f, struct user_regs_struct *u)
{
	iso_gprs_out(f->gpr, u);
	u->rip = f->rip;
	u->eflags = (u->eflags & ~USER_FLAGS) | (f->rflags & USER_FLAGS);
}

int iso_deliver(struct iso *s, struct iso_thread *t, struct user_regs_struct *u,
		uint64_t kind, unsigned vector)
{
	uint64_t handler = kind == ISO_RETURN_VE ? s->ve_handler : s->irq_handler;
	struct tdx_ve_frame f;

	if (!handler || t->depth >= ISO_MAX_DEPTH)
		return -1;
	/* Stopped in a system call (an interrupt's stop): decide its fate as
	 * a signal handler's delivery would, without SA_RESTART. */
	if ((long long)u->orig_rax >= 0) {
		long long rc = -(long long)u->rax;
		if (rc == ERESTARTNOINTR) {
			u->rax = u->orig_rax;
			u->rip -= 2;	/* the syscall instruction runs again */
		} else if (rc == ERESTARTSYS || rc == ERESTARTNOHAND || rc == ERESTART_RESTARTBLOCK) {
			u->rax = (unsigned long long)-EINTR;
		}
		u->orig_rax = ~0ull;
	}
	frame_from(u, &f);
	uint64_t at = (u->rsp - 128 - sizeof(f)) & ~15ull;	/* below the red zone */
	uint64_t ret = kind;
	if (iso_write(t->tid, at, &f, sizeof(f)) || iso_write(t->tid, at - 8, &ret, 8))
		return -1;
	t->frames[t->depth++] = (struct iso_frame){ at, kind };
	u->rsp = at - 8;	/* as after a call: RSP + 8 is 16-byte aligned */
	u->rip = handler;
	if (kind == ISO_RETURN_VE) {
		u->rdi = at;
	} else {
		u->rdi = vector;
		u->rsi = at;
	}
	u->rax = 0;
	u->eflags &= ~RFLAGS_DF;	/* the ABI's entry state */
	if (ptrace(PTRACE_SETREGS, t->tid, NULL, u)) {
		t->depth--;
		return -1;
	}
	return 0;
}

int iso_handler_returned(struct iso *s, struct iso_thread *t, struct user_regs_struct *u,
			 const siginfo_t *si)
{
	struct tdx_ve_frame f;

	if (!t->depth || si->si_signo != SIGSEGV)
		return 0;
	struct iso_frame fr = t->frames[t->depth - 1];
	if (u->rip != fr.ret || (uint64_t)(uintptr_t)si->si_addr != fr.ret)
		return 0;
	if (iso_read(t->tid, fr.addr, &f, sizeof(f)))
		return 0;
	t->depth--;
	frame_to(&f, u);
	if (ptrace(PTRACE_SETREGS, t->tid, NULL, u))
		return 0;
	/* Another interrupt may have come meanwhile. */
	if (fr.ret == ISO_RETURN_IRQ)
		iso_deliver_irqs(s, t, u);
	return 1;
}

void iso_deliver_irqs(struct iso *s, struct iso_thread *t, struct user_regs_struct *u)
{
	int vec;

	if (t->vcpu < 0 || (t->depth && t->frames[t->depth - 1].ret == ISO_RETURN_IRQ))
		return;	/* none bound yet; or one handler runs: the next one after it */
	while ((vec = tdx_vcpu_take_interrupt(s->td, (unsigned)t->vcpu)) >= 0) {
		int delivered = s->irq_handler && iso_deliver(s, t, u, ISO_RETURN_IRQ, (unsigned)vec) == 0;
		if (s->cfg.trace_fd >= 0) {
			char line[200];
			int n = tdx_trap_irq_format(line, sizeof(line), (unsigned)t->vcpu, vec, u->rip,
						    delivered);
			if (n > 0 && write(s->cfg.trace_fd, line, (size_t)n) < 0)
				s->cfg.trace_fd = -1;
		}
		if (delivered)
			return;	/* the handler runs first; the rest when it returns */
	}
}

/* iso_trap.c: a fault of a TD thread, seen by the tracer: its registers
 * and the bytes at RIP read from the child, classified as the preload
 * engine classifies them (tdx_trap_classify_bytes, with no trap number),
 * then served the same way: a TDCALL by the module, an IO/HLT/MSR #GP or
 * a refused window access by a #VE to the program's handler, a first
 * touch of a fault-driven window by mapping the page, CPUID by the
 * module's CPUID exit. Everything else is the program's own fault. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <unistd.h>

#include "tdxkit/names.h"
#include "iso_int.h"

/* Where struct user_regs_struct keeps each GPR, in enum tdx_gpr order
 * (the order of tdx_regs.gpr and tdx_ve_frame.gpr). */
#define U(reg) offsetof(struct user_regs_struct, reg)
static const size_t user_gpr[16] = {
	U(rax), U(rcx), U(rdx), U(rbx), U(rsp), U(rbp), U(rsi), U(rdi),
	U(r8), U(r9), U(r10), U(r11), U(r12), U(r13), U(r14), U(r15),
};
#undef U

void iso_gprs_in(const struct user_regs_struct *u, uint64_t gpr[16])
{
	for (unsigned i = 0; i < 16; i++)
		memcpy(&gpr[i], (const char *)u + user_gpr[i], sizeof(gpr[i]));
}

void iso_gprs_out(const uint64_t gpr[16], struct user_regs_struct *u)
{
	for (unsigned i = 0; i < 16; i++)
		memcpy((char *)u + user_gpr[i], &gpr[i], sizeof(gpr[i]));
}

static void regs_in(const struct user_regs_struct *u, struct tdx_regs *r)
{
	memset(r, 0, sizeof(*r));
	iso_gprs_in(u, r->gpr);
	r->rip = u->rip;
	r->rflags = u->eflags;
}

static void regs_out(const struct tdx_regs *r, struct user_regs_struct *u)
{
	iso_gprs_out(r->gpr, u);
	u->rip = r->rip;
}

/* The XMM registers a TDVMCALL exposes (XMM_SELECT), from and to the child. */
static int xmm_selected(const struct tdx_regs *r)
{
	return (r->rax & TDX_LEAF_MASK) == TDG_VP_VMCALL && TDX_VMCALL_XMM_SELECT(r->rcx);
}

static int xmm_io(pid_t tid, struct tdx_regs *r, int write)
{
	struct user_fpregs_struct fp;
	if (ptrace(PTRACE_GETFPREGS, tid, NULL, &fp))
		return -1;
	if (!write) {
		memcpy(r->xmm, fp.xmm_space, sizeof(r->xmm));
		return 0;
	}
	memcpy(fp.xmm_space, r->xmm, sizeof(r->xmm));
	return ptrace(PTRACE_SETFPREGS, tid, NULL, &fp) ? -1 : 0;
}

/* tdxkit's own TDVMCALL (tdxkit/run.h): a handler registration, taken by
 * the engine before the module sees it. 1 if it was one. */
static int registration(struct iso *s, struct tdx_regs *r)
{
	if (r->rax != TDG_VP_VMCALL || r->r10 != TDXKIT_VMCALL_VENDOR ||
	    (r->rcx & TDXKIT_VMCALL_MASK) != TDXKIT_VMCALL_MASK)
		return 0;
	uint64_t *slot = r->r11 == TDXKIT_VMCALL_SET_VE_HANDLER ? &s->ve_handler :
			 r->r11 == TDXKIT_VMCALL_SET_IRQ_HANDLER ? &s->irq_handler : NULL;
	if (slot) {
		r->r11 = *slot;	/* the one it replaces */
		*slot = r->r12;
		r->r10 = TDVMCALL_STATUS_SUCCESS;
	} else {
		r->r10 = TDVMCALL_STATUS_SUBFUNC_UNSUPPORTED;
	}
	r->rax = TDX_SUCCESS;
	r->rip += TDX_TDCALL_LEN;
	return 1;
}

/* The exception's mnemonic for the one-line reason. */
static const char *vector_name(unsigned v)
{
	const char *n = tdx_vector_name(v);
	return n ? n : "exception";
}

/* The TD died or the host ended it: the line the preload engine prints. */
static int dead(struct iso *s, const char *what, uint64_t rip, uint64_t gpa_hint)
{
	int st;
	if (tdx_td_end_status(s->td, &st)) {
		iso_end(s, st & 0xFF);
		return -1;
	}
	const char *why = tdx_td_dead_reason(s->td);
	char hint[200] = "";
	uint8_t byte;
	/* A GPA operand that is really a pointer into the program (hint.c). */
	if (gpa_hint >= s->size && gpa_hint >= (1ull << 32) &&
	    iso_read(s->cur, gpa_hint & ~0xFFFull, &byte, 1) == 0)
		snprintf(hint, sizeof(hint), "; 0x%llx is an address of the program's own memory, not "
			 "a GPA: a GPA is the offset from TDXKIT_PRIVATE_BASE (0x%llx)",
			 (unsigned long long)gpa_hint, (unsigned long long)s->priv);
	iso_say(s, "%s (%s at RIP 0x%llx)%s", why ? why : "the TD is dead", what,
		(unsigned long long)rip, hint);
	iso_end(s, TDX_TRAP_EXIT_DEAD);
	return -1;
}

static int no_vcpu(struct iso *s, struct iso_thread *t)
{
	iso_say(s, "thread %d made a TDCALL but all %u VCPUs are held by other threads (each "
		"thread is a VCPU; give more with --vcpus, at most 64)", (int)t->tid,
		tdx_td_config(s->td)->num_vcpus);
	iso_end(s, TDX_TRAP_EXIT_CONFIG);
	return -1;
}

/* A #VE the module decided on, at the thread's registers (RIP at the
 * instruction): to the program's handler, or one line and the end. */
static int ve(struct iso *s, struct iso_thread *t, struct user_regs_struct *u,
	      const struct tdx_inject *inj, const char *what, const struct tdx_ve_event *event)
{
	struct tdx_ve_event ev = { 0 };
	if (event)
		ev = *event;
	else
		tdx_vcpu_ve_info(s->td, (unsigned)t->vcpu, &ev);
	if (s->cfg.trace_fd >= 0) {
		char line[320];
		int n = tdx_trap_ve_format(line, sizeof(line), (unsigned)t->vcpu, &ev, u->rip,
					   inj->vector);
		if (n > 0 && write(s->cfg.trace_fd, line, (size_t)n) < 0)
			s->cfg.trace_fd = -1;
	}
	if (inj->vector == 20 && s->ve_handler && iso_deliver(s, t, u, ISO_RETURN_VE, 0) == 0)
		return 0;
	const char *reason = tdx_exit_reason_name(ev.exit_reason);
	iso_say(s, "%s#VE for %s (%s %u, qualification 0x%llx%s) at RIP 0x%llx%s",
		inj->vector == 8 ? "#DF: " : "", what, reason ? reason : "exit reason",
		ev.exit_reason, (unsigned long long)ev.exit_qual, "", (unsigned long long)u->rip,
		inj->vector == 8 ? " while VE_INFO.VALID was still set (TDG.VP.VEINFO.GET not called)"
				 : ": the program registered no #VE handler");
	iso_end(s, TDX_TRAP_EXIT_INJECT);
	return -1;
}

static int tdcall(struct iso *s, struct iso_thread *t, struct user_regs_struct *u)
{
	struct tdx_regs r, in;
	struct tdx_inject inj = { 0 };

	regs_in(u, &r);
	if (registration(s, &r)) {
		regs_out(&r, u);
		return ptrace(PTRACE_SETREGS, t->tid, NULL, u) ? -1 : 0;
	}
	int vcpu = iso_thread_vcpu(s, t);
	if (vcpu < 0)
		return no_vcpu(s, t);
	int xmm = xmm_selected(&r);
	if (xmm && xmm_io(t->tid, &r, 0))
		return dead(s, "reading XMM registers", u->rip, 0);
	in = r;
	s->cur = t->tid;
	enum tdx_tdcall_outcome o = s->cfg.call ? s->cfg.call(s->cfg.call_ctx, s->td, (unsigned)vcpu,
							      &r, &inj)
						: tdx_tdcall(s->td, (unsigned)vcpu, &r, &inj);
	switch (o) {
	case TDX_OUTCOME_DONE:
	case TDX_OUTCOME_REEXECUTE:
		regs_out(&r, u);
		if (ptrace(PTRACE_SETREGS, t->tid, NULL, u) || (xmm && xmm_io(t->tid, &r, 1)))
			return -1;
		iso_deliver_irqs(s, t, u);
		return 0;
	case TDX_OUTCOME_INJECT:
		if (inj.vector == 20)
			return ve(s, t, u, &inj, "a TDCALL memory operand", NULL);
		iso_say(s, "the module injected %s (vector %u, error code 0x%x) on the TDCALL at RIP "
			"0x%llx; delivering this exception to the program is not supported",
			vector_name(inj.vector), inj.vector, inj.error_code, (unsigned long long)in.rip);
		iso_end(s, TDX_TRAP_EXIT_INJECT);
		return -1;
	default: {
		const char *leaf = tdx_leaf_name(in.rax & TDX_LEAF_MASK);
		char what[64];
		if (leaf && !(in.rax & ~TDX_LEAF_MASK))
			snprintf(what, sizeof(what), "%s", leaf);
		else
			snprintf(what, sizeof(what), "TDCALL RAX 0x%llx", (unsigned long long)in.rax);
		uint64_t leaf_no = in.rax & TDX_LEAF_MASK;
		int gpa_op = leaf_no == TDG_MEM_PAGE_ACCEPT || leaf_no == TDG_MR_REPORT ||
			     leaf_no == TDG_MR_RTMR_EXTEND || leaf_no == TDG_MR_VERIFYREPORT;
		return dead(s, what, in.rip, gpa_op ? in.rcx & ~0xFFFull : 0);
	}
	}
}

static int insn_ve(struct iso *s, struct iso_thread *t, struct user_regs_struct *u,
		   const uint8_t *b, size_t n)
{
	struct tdx_ve_event ev;
	struct tdx_inject inj = { 0 };
	const char *name;

	if (tdx_trap_decode_ve_bytes(b, n, u->rdx, &ev, &name))
		return SIGSEGV;
	int vcpu = iso_thread_vcpu(s, t);
	if (vcpu < 0)
		return no_vcpu(s, t);
	s->cur = t->tid;
	if (tdx_module_virtualization_exception(s->td, (unsigned)vcpu, &ev, &inj) == TDX_OUTCOME_INJECT)
		return ve(s, t, u, &inj, name, &ev);
	return dead(s, name, u->rip, 0);
}

static int cpuid(struct iso *s, struct iso_thread *t, struct user_regs_struct *u)
{
	struct tdx_regs r;
	struct tdx_inject inj = { 0 };
	int vcpu = iso_thread_vcpu(s, t);

	if (vcpu < 0)
		return no_vcpu(s, t);
	regs_in(u, &r);
	switch (tdx_module_cpuid(s->td, (unsigned)vcpu, 0, &r, &inj)) {
	case TDX_OUTCOME_DONE:
		regs_out(&r, u);
		return ptrace(PTRACE_SETREGS, t->tid, NULL, u) ? -1 : 0;
	case TDX_OUTCOME_INJECT:
		return ve(s, t, u, &inj, "CPUID", NULL);
	default:
		return dead(s, "CPUID", u->rip, 0);
	}
}

/* A fault at a window address: mapped (first touch), a #VE, or the line. */
static int window(struct iso *s, struct iso_thread *t, struct user_regs_struct *u,
		  const siginfo_t *si, const uint8_t *b, size_t n)
{
	uint64_t a = (uint64_t)(uintptr_t)si->si_addr;
	int shared = a - s->shared < s->size + 4096 && a >= s->shared;
	uint64_t off = a - (shared ? s->shared : s->priv);

	switch (tdx_td_window_fault_at(s->td, shared, off)) {
	case TDX_WINDOW_MAPPED:
		return 0;
	case TDX_WINDOW_BROKEN:
		return dead(s, "a memory access", u->rip, 0);
	default:
		break;
	}
	int fetch = a == u->rip, wr = !fetch && tdx_trap_insn_writes(b, n);
	uint64_t gpa = shared ? off | tdx_td_shared_bit(s->td) : off;
	int vcpu = iso_thread_vcpu(s, t);
	if (vcpu < 0)
		return no_vcpu(s, t);
	if (s->ve_handler) {
		struct tdx_ve_event ev;
		struct tdx_inject inj = { 0 };
		tdx_trap_memory_event(&ev, a, gpa, fetch, wr);
		if (tdx_module_virtualization_exception(s->td, (unsigned)vcpu, &ev, &inj) ==
		    TDX_OUTCOME_INJECT)
			return ve(s, t, u, &inj, shared ? "a shared-GPA (MMIO) access"
							 : "a PENDING-page access", &ev);
	}
	struct tdx_line l;
	tdx_trap_access_line(&l, s->td, off, shared, tdx_td_shared_bit(s->td),
			     tdx_trap_access_name(fetch, wr), u->rip);
	tdx_line_write(&l, STDERR_FILENO);
	iso_end(s, TDX_TRAP_EXIT_ACCESS);
	return -1;
}

int iso_fault(struct iso *s, struct iso_thread *t, const siginfo_t *si)
{
	struct user_regs_struct u;
	uint8_t b[TDX_TRAP_INSN_MAX];
	int sig = si->si_signo;

	if (ptrace(PTRACE_GETREGS, t->tid, NULL, &u))
		return sig;
	if (iso_handler_returned(s, t, &u, si))
		return 0;
	/* The bytes at RIP: as many as are mapped (a read stops at a hole). */
	size_t n = iso_read_some(t->tid, u.rip, b, sizeof(b));
	switch (tdx_trap_classify_bytes(sig, si->si_code, -1, b, n)) {
	case TDX_TRAP_TDCALL:
		return tdcall(s, t, &u);
	case TDX_TRAP_VE_INSN:
		return insn_ve(s, t, &u, b, n);
	case TDX_TRAP_CPUID:
		return s->cpuid_faulting ? cpuid(s, t, &u) : sig;
	default:
		break;
	}
	uint64_t a = (uint64_t)(uintptr_t)si->si_addr;
	if (sig != SIGILL && si->si_code > 0 && si->si_code != SI_KERNEL &&
	    ((a >= s->priv && a - s->priv < s->size) ||
	     (a >= s->shared && a - s->shared < s->size + 4096)))
		return window(s, t, &u, si, b, n);
	return sig;	/* the program's own fault */
}

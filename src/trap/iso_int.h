/* iso_int.h: the isolated engine's state (not installed). The TD program
 * runs in a child traced with ptrace; the module and the host run here, in
 * the tracer; the child holds its TD memory windows and nothing of tdxkit. */
#ifndef TDXKIT_ISO_INT_H
#define TDXKIT_ISO_INT_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "tdxkit/isolate.h"
#include "tdxkit/module.h"
#include "trap_int.h"

#define ISO_MAX_VCPUS 64
#define ISO_MAX_DEPTH 4		/* nested #VE / interrupt deliveries per thread */

/* A return address no user mapping can have (below vm.mmap_min_addr): a
 * handler the engine called returns there, and the fetch fault tells the
 * tracer that it is done (the low bits say which kind). */
#define ISO_RETURN_VE  0x1000ull
#define ISO_RETURN_IRQ 0x2000ull

struct iso_frame {
	uint64_t addr;		/* the struct tdx_ve_frame on the child's stack */
	uint64_t ret;		/* ISO_RETURN_* */
};

struct iso_thread {
	pid_t tid;
	pid_t tgid;		/* its process */
	int vcpu;		/* -1: no VCPU yet */
	int outsider;		/* a process the TD forked: not part of the TD */
	int pending_sig;	/* a signal that arrived while the engine worked */
	int depth;		/* handler deliveries in progress */
	struct iso_frame frames[ISO_MAX_DEPTH];
};

struct iso {
	struct tdx_iso_config cfg;
	struct tdx_td *td;
	pid_t pid;			/* the TD process */
	uint64_t size;			/* TD memory */
	uint64_t priv, shared;		/* the windows' addresses in the child */
	int uffd;			/* the child's userfaultfd (ours via pidfd_getfd), or -1 */
	uint64_t gadget;		/* a syscall instruction in the child's vDSO */
	pid_t cur;			/* the stopped thread window updates go through */
	uint64_t ve_handler, irq_handler;	/* registered by the program */
	struct iso_thread *threads;
	size_t nthreads, cap;
	uint64_t vcpu_free;
	pid_t vcpu_tid[ISO_MAX_VCPUS];
	uint64_t irq_vcpus;		/* VCPUs the host posted an interrupt for (atomic) */
	pid_t tracer_tid;
	int cpuid_faulting;
	int ended;			/* the run's status is decided */
	int status;
};

/* iso_inject.c: a system call made by a stopped tracee (through the vDSO's
 * syscall instruction, single-stepped); returns its result (-errno on
 * failure, as the kernel returns it). */
long iso_syscall(struct iso *s, pid_t tid, long nr, long a1, long a2, long a3, long a4,
		 long a5, long a6);
/* The child's memory. 0 or -1. */
int iso_read(pid_t pid, uint64_t addr, void *buf, size_t len);
size_t iso_read_some(pid_t pid, uint64_t addr, void *buf, size_t len);	/* bytes read */
/* A tracee's GPRs to and from enum tdx_gpr order (iso_trap.c). */
void iso_gprs_in(const struct user_regs_struct *u, uint64_t gpr[16]);
void iso_gprs_out(const uint64_t gpr[16], struct user_regs_struct *u);
int iso_write(pid_t pid, uint64_t addr, const void *buf, size_t len);
/* Find the syscall instruction in the child's vDSO (at the exec stop). */
int iso_find_gadget(struct iso *s, char *err, size_t len);

/* iso_setup.c: at the exec stop: the windows (and the userfaultfd) in the
 * child, CPUID faulting. 0, or -1 with a reason. */
int iso_setup_child(struct iso *s, int child_memfd, char *err, size_t len);
/* The module's window ops (tdx_td_set_window_ops) for the child. */
extern const struct tdx_window_ops iso_window_ops;

/* iso_threads.c */
struct iso_thread *iso_thread(struct iso *s, pid_t tid);	/* NULL if unknown */
struct iso_thread *iso_thread_add(struct iso *s, pid_t tid, pid_t tgid);
void iso_thread_gone(struct iso *s, pid_t tid);
/* The thread's VCPU, bound at its first trap; -1 if none is free. */
int iso_thread_vcpu(struct iso *s, struct iso_thread *t);

/* iso_trap.c: a fault signal-delivery-stop of a TD thread. Returns the signal
 * to resume it with (0: the engine took the fault), or -1 when the run
 * ends (s->ended, s->status set). */
int iso_fault(struct iso *s, struct iso_thread *t, const siginfo_t *si);

/* iso_deliver.c: call the program's handler on thread t (regs as stopped):
 * kind ISO_RETURN_VE with a #VE frame, ISO_RETURN_IRQ with the vector.
 * 0, or -1 (no handler, too deep, the stack unwritable). */
int iso_deliver(struct iso *s, struct iso_thread *t, struct user_regs_struct *r,
		uint64_t kind, unsigned vector);
/* A handler returned (the fetch fault at ISO_RETURN_*): regs from its
 * frame. 1 if it was one, 0 if the fault is something else. */
int iso_handler_returned(struct iso *s, struct iso_thread *t, struct user_regs_struct *r,
			 const siginfo_t *si);
/* Interrupts posted for t's VCPU, delivered now (t stopped). */
void iso_deliver_irqs(struct iso *s, struct iso_thread *t, struct user_regs_struct *r);

/* iso_diag.c: one line to stderr (prefixed with the tool's name). */
void iso_say(struct iso *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* End the run: kill the TD process, keep status. */
void iso_end(struct iso *s, int status);

#endif

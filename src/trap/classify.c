/* classify.c: what a fault signal is, whichever vendor's CPU raised it.
 * Outside a TD, TDCALL is #UD on AMD (SIGILL, ILL_ILLOPN) and #GP(0) on
 * Intel (SIGSEGV, SI_KERNEL, trap 13); IO, HLT, RDMSR/WRMSR and, with CPUID
 * faulting on, CPUID are #GP(0) on both (tdx-abi.md 1.1). A pure function
 * of the signal, its siginfo and the bytes at RIP, so that both vendors'
 * inputs can be tested on either machine. */
#define _GNU_SOURCE /* REG_* names of ucontext_t */
#include <pthread.h>
#include <signal.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "trap_int.h"

#define X86_TRAP_GP 13	/* #GP: the kernel's trap number in the signal frame */

/* Is the page holding p mapped? msync(2) says ENOMEM when it is not,
 * without touching it. */
int tdx_trap_page_mapped(const void *p)
{
	int e = errno;
	int ok = msync((void *)((uintptr_t)p & ~(uintptr_t)4095), 4096, MS_ASYNC) == 0;
	errno = e;
	return ok;
}

size_t tdx_trap_fetch(const uint8_t *ip, uint8_t out[TDX_TRAP_INSN_MAX])
{
	/* The CPU fetched the page of RIP; the next page is read only when it
	 * is mapped (a context handed to the classifier may point anywhere). */
	size_t n = 4096 - ((uintptr_t)ip & 4095);
	if (n > TDX_TRAP_INSN_MAX)
		n = TDX_TRAP_INSN_MAX;
	else if (tdx_trap_page_mapped(ip + n))
		n = TDX_TRAP_INSN_MAX;
	memcpy(out, ip, n);
	return n;
}

static const uint8_t tdcall_bytes[] = { 0x66, 0x0F, 0x01, 0xCC };
static const uint8_t cpuid_bytes[] = { 0x0F, 0xA2 };

static int starts_with(const uint8_t *b, size_t n, const uint8_t *want, size_t wn)
{
	return n >= wn && !memcmp(b, want, wn);
}

enum tdx_trap_kind tdx_trap_classify_bytes(int sig, int si_code, int trapno, const uint8_t *b,
					   size_t n)
{
	int ud = sig == SIGILL && si_code == ILL_ILLOPN;
	/* #GP(0) a user instruction raised, as the kernel reports it (not a
	 * kill(SIGSEGV): si_code SI_USER etc. are <= 0). A tracer does not see
	 * the trap number (-1): then SI_KERNEL is taken as #GP, as the other
	 * SI_KERNEL faults (#SS, a bad sigreturn) never sit on these bytes. */
	int gp = sig == SIGSEGV && si_code == SI_KERNEL && (trapno < 0 || trapno == X86_TRAP_GP);

	if (!ud && !gp)
		return TDX_TRAP_OTHER;
	if (starts_with(b, n, tdcall_bytes, sizeof(tdcall_bytes)))
		return TDX_TRAP_TDCALL;
	if (!gp)
		return TDX_TRAP_OTHER;	/* a genuine #UD (ud2, a missing ISA extension) */
	if (starts_with(b, n, cpuid_bytes, sizeof(cpuid_bytes)))
		return TDX_TRAP_CPUID;
	struct tdx_ve_event ev;
	const char *name;
	if (tdx_trap_decode_ve_bytes(b, n, 0, &ev, &name) == 0)
		return TDX_TRAP_VE_INSN;
	return TDX_TRAP_OTHER;
}

enum tdx_trap_kind tdx_trap_classify(int sig, const siginfo_t *si, const void *ucv)
{
	const ucontext_t *uc = ucv;
	uint8_t b[TDX_TRAP_INSN_MAX];

	/* Only a fault can be ours: do not even read RIP's bytes otherwise. */
	if (!((sig == SIGILL && si->si_code == ILL_ILLOPN) ||
	      (sig == SIGSEGV && si->si_code == SI_KERNEL)))
		return TDX_TRAP_OTHER;
	size_t n = tdx_trap_fetch((const uint8_t *)uc->uc_mcontext.gregs[REG_RIP], b);
	return tdx_trap_classify_bytes(sig, si->si_code, (int)uc->uc_mcontext.gregs[REG_TRAPNO],
				       b, n);
}

/* ---- which signal this CPU raises ------------------------------------------ */

static volatile sig_atomic_t probe_sig;

static void probe_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	if (tdx_trap_classify(sig, si, uc) != TDX_TRAP_TDCALL) {
		probe_sig = -1;	/* not our instruction: give up rather than loop */
		uc->uc_mcontext.gregs[REG_RIP] += sizeof(tdcall_bytes);
		return;
	}
	probe_sig = sig;
	uc->uc_mcontext.gregs[REG_RIP] += sizeof(tdcall_bytes);
}

int tdx_trap_probe_signal(void)
{
	static int cached;	/* the CPU does not change under a process */
	struct sigaction sa, old_ill, old_segv;
	sigset_t block, old_mask;

	if (cached)
		return cached;
	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = probe_handler;
	sigemptyset(&sa.sa_mask);
	/* Nothing else may run our probe handler meanwhile: asynchronous
	 * signals are blocked, the faults themselves cannot be. */
	sigfillset(&block);
	sigdelset(&block, SIGILL);
	sigdelset(&block, SIGSEGV);
	if (pthread_sigmask(SIG_BLOCK, &block, &old_mask))
		return -1;
	if (sigaction(SIGILL, &sa, &old_ill) || sigaction(SIGSEGV, &sa, &old_segv)) {
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
		return -1;
	}
	probe_sig = 0;
	/* TDG.VP.INFO: harmless should this process really run in a TD. */
	uint64_t rax = TDG_VP_INFO;
	__asm__ volatile(".byte 0x66, 0x0f, 0x01, 0xcc"
			 : "+a"(rax)
			 :
			 : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory", "cc");
	sigaction(SIGILL, &old_ill, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	/* 0: it executed without a fault (this is a TD); -1: something else
	 * faulted. Neither is cached: there is nothing to trap. */
	if (probe_sig > 0)
		cached = probe_sig;
	return probe_sig;
}

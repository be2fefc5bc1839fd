/* vcpu.c: threads are VCPUs. A thread's first trap binds it to the lowest
 * VCPU no thread holds and gives it a signal stack of its own (the module
 * runs there); its exit (a pthread key destructor) frees both. Everything
 * here runs in signal handlers: atomics, raw system calls, TLS. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "trap_int.h"

/* Module work runs on this stack; sanitizer builds have much larger
 * frames, hence the generous size (NORESERVE: only what is used costs). */
#define SIGSTACK_SIZE (512 * 1024)

/* Initial-exec TLS: a plain %fs-relative access, safe in a signal handler
 * (the general-dynamic model may allocate on a thread's first access). */
struct self {
	int vcpu;		/* valid when gen matches the engine's */
	unsigned gen;
	void *stack;		/* this thread's signal stack, if the engine made it */
};
static __thread struct self self __attribute__((tls_model("initial-exec")));

static void *new_sigstack(void)
{
	void *stk = mmap(NULL, SIGSTACK_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (stk == MAP_FAILED)
		return NULL;
	stack_t ss = { .ss_sp = stk, .ss_size = SIGSTACK_SIZE, .ss_flags = 0 };
	if (sigaltstack(&ss, NULL)) {
		munmap(stk, SIGSTACK_SIZE);
		return NULL;
	}
	return stk;
}

static void release(struct tdx_trap_state *g, unsigned v)
{
	atomic_store(&g->vcpu_tid[v], 0);
	atomic_fetch_or(&g->vcpu_free, 1ull << v);
}

/* A thread that holds a VCPU exits: the VCPU is free for the next one. */
static void thread_gone(void *p)
{
	struct tdx_trap_state *g = &tdx_trap_g;
	unsigned v = (unsigned)((uintptr_t)p - 1);

	if (self.gen == atomic_load(&g->gen) && self.vcpu == (int)v)
		release(g, v);
	self.gen = 0;
	if (self.stack) {
		stack_t off = { .ss_flags = SS_DISABLE };
		if (sigaltstack(&off, NULL) == 0)
			munmap(self.stack, SIGSTACK_SIZE);
		self.stack = NULL;
	}
}

static void bind(struct tdx_trap_state *g, unsigned v)
{
	atomic_store(&g->vcpu_tid[v], gettid());
	self.vcpu = (int)v;
	self.gen = atomic_load(&g->gen);
	/* Keys below PTHREAD_KEY_2NDLEVEL_SIZE (32) live in the thread
	 * descriptor: setting one does not allocate. */
	if (g->key_made)
		pthread_setspecific(g->key, (void *)(uintptr_t)(v + 1));
}

static _Noreturn void too_many_threads(struct tdx_trap_state *g)
{
	struct tdx_line l;

	tdx_line_init(&l);
	tdx_line_str(&l, "thread ");
	tdx_line_dec(&l, (uint64_t)gettid());
	tdx_line_str(&l, " made a TDCALL but all ");
	tdx_line_dec(&l, g->nvcpus);
	tdx_line_str(&l, " VCPUs are held by other threads (each thread is a VCPU; give more with "
			 "--vcpus, at most 64)");
	tdx_line_write(&l, STDERR_FILENO);
	tdx_trap_exit(TDX_TRAP_EXIT_CONFIG);
}

unsigned tdx_trap_self_vcpu(void)
{
	struct tdx_trap_state *g = &tdx_trap_g;

	if (self.gen == atomic_load(&g->gen))
		return (unsigned)self.vcpu;
	uint64_t free_set = atomic_load(&g->vcpu_free);
	for (;;) {
		if (!free_set)
			too_many_threads(g);
		unsigned v = (unsigned)__builtin_ctzll(free_set);
		if (atomic_compare_exchange_weak(&g->vcpu_free, &free_set, free_set & ~(1ull << v))) {
			bind(g, v);
			break;
		}
	}
	/* The module and the program's #VE handler run on the signal stack:
	 * give this thread one unless it has its own. */
	stack_t cur;
	if (sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_DISABLE) && !self.stack) {
		int e = errno;
		self.stack = new_sigstack();	/* used from the next signal on */
		errno = e;
	}
	return (unsigned)self.vcpu;
}

int tdx_trap_self_vcpu_if_bound(void)
{
	return self.gen == atomic_load(&tdx_trap_g.gen) ? self.vcpu : -1;
}

int tdx_trap_vcpus_init(struct tdx_trap_state *g, unsigned installer_vcpu)
{
	unsigned n = g->nvcpus;

	atomic_store(&g->vcpu_free, n >= 64 ? ~0ull : (1ull << n) - 1);
	for (unsigned v = 0; v < TDX_TRAP_MAX_VCPUS; v++)
		atomic_store(&g->vcpu_tid[v], 0);
	/* A generation no thread has seen: every old binding is stale. */
	unsigned gen = atomic_fetch_add(&g->gen, 1) + 1;
	if (!gen)
		atomic_store(&g->gen, gen = 1);
	if (!g->key_made) {
		int e = pthread_key_create(&g->key, thread_gone);
		if (e)
			return errno = e, -1;
		g->key_made = 1;
	}
	atomic_fetch_and(&g->vcpu_free, ~(1ull << installer_vcpu));
	bind(g, installer_vcpu);
	return 0;
}

void tdx_trap_vcpus_fini(struct tdx_trap_state *g)
{
	/* Bindings go stale with the generation; the key stays for the next
	 * install (deleting it would race with exiting threads). */
	atomic_fetch_add(&g->gen, 1);
	atomic_store(&g->vcpu_free, 0);
}

int tdx_trap_current_vcpu(void)
{
	return atomic_load(&tdx_trap_g.installed) ? tdx_trap_self_vcpu_if_bound() : -1;
}

/* iso_threads.c: the traced threads and their VCPUs, as in the preload engine
 * (vcpu.c there): a thread's first trap binds it to the lowest free VCPU,
 * its exit frees the VCPU for the next new thread. */
#include <stdlib.h>
#include <string.h>

#include "iso_int.h"

struct iso_thread *iso_thread(struct iso *s, pid_t tid)
{
	for (size_t i = 0; i < s->nthreads; i++)
		if (s->threads[i].tid == tid)
			return &s->threads[i];
	return NULL;
}

struct iso_thread *iso_thread_add(struct iso *s, pid_t tid, pid_t tgid)
{
	struct iso_thread *t = iso_thread(s, tid);

	if (t)
		return t;
	if (s->nthreads == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct iso_thread *n = realloc(s->threads, cap * sizeof(*n));
		if (!n)
			return NULL;
		s->threads = n;
		s->cap = cap;
	}
	t = &s->threads[s->nthreads++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->tgid = tgid;
	t->vcpu = -1;
	t->outsider = tgid != s->pid;
	return t;
}

void iso_thread_gone(struct iso *s, pid_t tid)
{
	struct iso_thread *t = iso_thread(s, tid);

	if (!t)
		return;
	if (t->vcpu >= 0) {
		s->vcpu_tid[t->vcpu] = 0;
		s->vcpu_free |= 1ull << t->vcpu;
	}
	*t = s->threads[--s->nthreads];
}

int iso_thread_vcpu(struct iso *s, struct iso_thread *t)
{
	if (t->vcpu >= 0)
		return t->vcpu;
	if (!s->vcpu_free)
		return -1;
	unsigned v = (unsigned)__builtin_ctzll(s->vcpu_free);
	s->vcpu_free &= ~(1ull << v);
	s->vcpu_tid[v] = t->tid;
	t->vcpu = (int)v;
	return t->vcpu;
}

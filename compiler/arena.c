/*
 * arena.c - bump allocation in growing chunks.
 *
 * Small requests are carved from the current chunk; a request larger than a
 * quarter of the chunk size gets a chunk of its own so big strings do not
 * waste the tail of a half-full chunk.
 */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) */
#include "arena.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * Chunks start at 64 KiB and double up to 2 MiB, so small programs stay
 * small.  Chunks of 2 MiB are aligned and offered to the kernel as huge
 * pages: a big program then takes a few dozen page faults instead of
 * thousands (page faults were a third of the time of a 10 000-service
 * check).
 */
enum { FIRST_CHUNK = 64 * 1024, HUGE_CHUNK = 2 * 1024 * 1024 };

struct arena_chunk {
	struct arena_chunk *next;
	size_t cap;
	_Alignas(max_align_t) unsigned char data[];
};

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("orchc: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("orchc: out of memory\n", stderr);
		exit(2);
	}
	return q;
}

void arena_init(struct arena *a)
{
	a->cur = NULL;
	a->ptr = a->end = NULL;
	a->total = 0;
	a->spare = NULL;
}

static struct arena_chunk *new_chunk(size_t cap, struct arena_spare *spare);
static void stop_spare(struct arena_spare *s);

void arena_release(struct arena *a)
{
	/* The thread first: unmapping while another thread of the process
	 * runs makes the kernel interrupt its processor at every chunk. */
	if (a->spare)
		stop_spare(a->spare);
	struct arena_chunk *c = a->cur;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	arena_init(a);
}

/* ---- chunks made ready on a thread of their own (arena_prefault) ---------------- */

struct arena_spare {
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t wanted;
	/* Under `lock`: */
	struct arena_chunk *ready; /* a huge chunk with its pages in place */
	bool want, stop;
};

static void *make_spares(void *arg)
{
	struct arena_spare *s = arg;
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		if (!s->want) {
			pthread_cond_wait(&s->wanted, &s->lock);
			continue;
		}
		pthread_mutex_unlock(&s->lock);
		struct arena_chunk *c = new_chunk(HUGE_CHUNK - sizeof *c, NULL);
		for (size_t i = 4096; i < HUGE_CHUNK; i += 4096) /* one write per page */
			((volatile unsigned char *)c)[i] = 0;
		pthread_mutex_lock(&s->lock);
		s->ready = c;
		s->want = false;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

void arena_prefault(struct arena *a)
{
	struct arena_spare *s = xmalloc(sizeof *s);
	*s = (struct arena_spare){ .want = true };
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wanted, NULL);
	a->spare = s;
}

/* The ready chunk, if there is one, and the order for the next; the
 * thread starts with the first huge chunk, which small programs never need. */
static struct arena_chunk *take_spare(struct arena_spare *s)
{
	if (!s->started) {
		s->started = pthread_create(&s->thread, NULL, make_spares, s) == 0;
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	struct arena_chunk *c = s->ready;
	s->ready = NULL;
	s->want = true;
	pthread_cond_signal(&s->wanted);
	pthread_mutex_unlock(&s->lock);
	return c;
}

static void stop_spare(struct arena_spare *s)
{
	if (s->started) {
		pthread_mutex_lock(&s->lock);
		s->stop = true;
		pthread_cond_signal(&s->wanted);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->thread, NULL);
	}
	free(s->ready);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wanted);
	free(s);
}

/* ---- allocation ------------------------------------------------------------------- */

/* A chunk of `cap` bytes; a huge one from `spare` when it has one ready. */
static struct arena_chunk *new_chunk(size_t cap, struct arena_spare *spare)
{
	struct arena_chunk *c;
	if (cap + sizeof *c == HUGE_CHUNK) {
		if (spare && (c = take_spare(spare)))
			return c;
		c = aligned_alloc(HUGE_CHUNK, HUGE_CHUNK);
		if (!c)
			c = xmalloc(HUGE_CHUNK); /* exits on failure */
#ifdef MADV_HUGEPAGE
		madvise(c, HUGE_CHUNK, MADV_HUGEPAGE); /* a hint; failure is fine */
#endif
	} else {
		c = xmalloc(sizeof *c + cap);
	}
	c->next = NULL;
	c->cap = cap;
	return c;
}

void *arena_alloc_slow(struct arena *a, size_t n)
{
	a->total += n;
	size_t size = a->cur ? a->cur->cap + sizeof *a->cur : FIRST_CHUNK / 2;
	size = size * 2 > HUGE_CHUNK ? HUGE_CHUNK : size * 2;
	size_t cap = size - sizeof(struct arena_chunk);
	if (n > cap / 4) {
		/* A dedicated chunk, linked behind the current one so the
		 * current chunk keeps serving small requests. */
		struct arena_chunk *big = new_chunk(n, NULL);
		if (a->cur) {
			big->next = a->cur->next;
			a->cur->next = big;
		} else {
			a->cur = big; /* full: ptr and end stay NULL */
		}
		return big->data;
	}
	struct arena_chunk *c = new_chunk(cap, a->spare);
	c->next = a->cur;
	a->cur = c;
	a->ptr = (char *)c->data + n;
	a->end = (char *)c->data + cap;
	return c->data;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *p, size_t n)
{
	char *s = arena_alloc(a, n + 1);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Short results (nearly all) are formatted once, on the stack. */
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	char buf[256];
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(buf, sizeof buf, fmt, copy);
	va_end(copy);
	if (n < 0)
		n = 0;
	char *s = arena_alloc(a, (size_t)n + 1);
	if ((size_t)n < sizeof buf)
		memcpy(s, buf, (size_t)n + 1);
	else
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

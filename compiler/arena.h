/*
 * arena.h - the bump allocator that owns everything of one compilation.
 *
 * The AST, interned names, diagnostic text and the model all live in one
 * arena and are released together by arena_release(); nodes never have free
 * functions of their own.  Allocation failure is fatal (xmalloc).
 */
#ifndef ORCHC_ARENA_H
#define ORCHC_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

/*
 * Invariants: `cur` is NULL (empty arena) or the chunk being filled; older
 * chunks are linked behind it.  [ptr, end) is the free tail of `cur` (both
 * NULL when empty).  `total` counts bytes handed out.
 */
struct arena {
	struct arena_chunk *cur;
	char *ptr, *end;
	size_t total;
	struct arena_spare *spare; /* see arena_prefault; NULL: none */
};

enum { ARENA_ALIGN = _Alignof(max_align_t) };

/** Prepares an empty arena; it allocates nothing until first use. */
void arena_init(struct arena *a);

/**
 * From the first 2 MiB chunk on, has the next chunk made ready on a thread
 * of its own, its pages faulted in: the kernel zeroes a big compilation's
 * memory (a tenth of its time) beside it rather than in its way.
 */
void arena_prefault(struct arena *a);

/** Frees every chunk; pointers obtained from the arena become invalid. */
void arena_release(struct arena *a);

/** The slow path of arena_alloc: a new chunk. */
void *arena_alloc_slow(struct arena *a, size_t n);

/** Returns `n` bytes aligned for any object, uninitialised.  Never NULL. */
static inline void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if ((size_t)(a->end - a->ptr) >= n && a->ptr) {
		void *p = a->ptr;
		a->ptr += n;
		a->total += n;
		return p;
	}
	return arena_alloc_slow(a, n);
}

/** Like arena_alloc but zero-filled. */
void *arena_zalloc(struct arena *a, size_t n);

/** Copies `n` bytes of `p` and appends a NUL byte. */
char *arena_strndup(struct arena *a, const char *p, size_t n);

/** Formats into a fresh arena string. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/** malloc/realloc that print and exit on failure (out of memory is fatal). */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);

#endif

/*
 * vec.h - typed growable arrays on the heap.
 *
 * VEC(T) is a struct { T *items; size_t len, cap; }.  The parser collects
 * list items in a VEC and then copies them into the arena (vec_to_arena), so
 * a 100 000-item list costs amortised O(1) per item and no quadratic copies.
 */
#ifndef ORCHC_VEC_H
#define ORCHC_VEC_H

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define VEC(T)                   \
	struct {                 \
		T *items;        \
		size_t len, cap; \
	}

#define VEC_INIT { NULL, 0, 0 }

#define vec_push(v, x)                                                          \
	do {                                                                    \
		if ((v)->len == (v)->cap) {                                     \
			(v)->cap = (v)->cap ? (v)->cap * 2 : 8;                 \
			(v)->items = xrealloc((v)->items,                       \
					      (v)->cap * sizeof *(v)->items);   \
		}                                                               \
		(v)->items[(v)->len++] = (x);                                   \
	} while (0)

/* Bounds-asserting element access. */
#define vec_at(v, i) (*(assert((size_t)(i) < (v)->len), &(v)->items[(i)]))

#define vec_free(v)                    \
	do {                           \
		free((v)->items);      \
		(v)->items = NULL;     \
		(v)->len = (v)->cap = 0; \
	} while (0)

/* Copies the items into the arena; returns NULL for an empty vector. */
static inline void *vec_copy_to_arena(struct arena *a, const void *items,
				      size_t len, size_t size)
{
	if (!len)
		return NULL;
	void *p = arena_alloc(a, len * size);
	memcpy(p, items, len * size);
	return p;
}

#define vec_to_arena(a, v) \
	vec_copy_to_arena((a), (v)->items, (v)->len, sizeof *(v)->items)

#endif

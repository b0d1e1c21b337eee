/*
 * intern.c - an open-addressing hash set of symbols (linear probing, kept
 * under 50% full so probes stay short).
 */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* A multiply-rotate hash over 8-byte words: names are short, and hashing a
 * word at a time keeps interning cheap on the lexer's hot path. */
static uint32_t hash_bytes(const char *p, size_t n)
{
	const uint64_t k = 0x9E3779B97F4A7C15u;
	uint64_t h = n * k;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, p, n);
	h = (h ^ w) * k;
	h ^= h >> 32;
	return (uint32_t)h;
}

void intern_init(struct interner *in, struct arena *arena)
{
	in->arena = arena;
	in->cap = 1024;
	in->count = 0;
	in->slots = calloc(in->cap, sizeof *in->slots);
	if (!in->slots)
		in->slots = xmalloc(1); /* exits */
}

void intern_release(struct interner *in)
{
	free(in->slots);
	in->slots = NULL;
	in->cap = in->count = 0;
}

static void grow(struct interner *in)
{
	size_t cap = in->cap * 2;
	const struct sym **slots = calloc(cap, sizeof *slots);
	if (!slots)
		slots = xmalloc(1); /* exits */
	for (size_t i = 0; i < in->cap; i++) {
		const struct sym *s = in->slots[i];
		if (!s)
			continue;
		size_t j = s->hash & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = s;
	}
	free(in->slots);
	in->slots = slots;
	in->cap = cap;
}

static struct sym *lookup_or_add(struct interner *in, struct str s)
{
	uint32_t h = hash_bytes(s.ptr, s.len);
	size_t i = h & (in->cap - 1);
	for (const struct sym *e; (e = in->slots[i]); i = (i + 1) & (in->cap - 1)) {
		if (e->hash == h && e->len == s.len && memcmp(e->name, s.ptr, s.len) == 0)
			return (struct sym *)e; /* every symbol was allocated mutable here */
	}
	struct sym *sym = arena_alloc(in->arena, sizeof *sym);
	sym->name = arena_strndup(in->arena, s.ptr, s.len);
	sym->len = (uint32_t)s.len;
	sym->hash = h;
	sym->keyword = 0;
	sym->block_kind = 0;
	in->slots[i] = sym;
	if (++in->count * 2 > in->cap)
		grow(in);
	return sym;
}

const struct sym *intern_cstr(struct interner *in, const char *s)
{
	return intern(in, str_from(s));
}

const struct sym *intern(struct interner *in, struct str s)
{
	return lookup_or_add(in, s);
}

const struct sym *intern_keyword(struct interner *in, const char *s, int tok)
{
	struct sym *sym = lookup_or_add(in, str_from(s));
	sym->keyword = tok;
	return sym;
}

const struct sym *intern_block_kind(struct interner *in, const char *s, int kind)
{
	struct sym *sym = lookup_or_add(in, str_from(s));
	sym->block_kind = kind + 1;
	return sym;
}

/*
 * intern.h - interned identifiers.
 *
 * Every identifier of a compilation is interned once, so names compare by
 * pointer.  Symbols live in the compilation arena; the table itself is on the
 * heap and released with intern_release().
 */
#ifndef ORCHC_INTERN_H
#define ORCHC_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "str.h"

struct arena;

/** An interned name: `name` is NUL-terminated and lives in the arena. */
struct sym {
	const char *name;
	uint32_t len;
	uint32_t hash;
	int keyword;    /* TOK_* of a reserved word, or 0 */
	int block_kind; /* enum block_kind + 1 of a block kind word, or 0 */
};

struct interner {
	struct arena *arena;
	const struct sym **slots;
	size_t cap, count;
};

void intern_init(struct interner *in, struct arena *arena);
void intern_release(struct interner *in);

/** Returns the unique symbol for `s`, creating it on first sight. */
const struct sym *intern(struct interner *in, struct str s);

/** intern() for a C string. */
const struct sym *intern_cstr(struct interner *in, const char *s);

/** Interns `s` and marks it as the reserved word of token kind `tok`. */
const struct sym *intern_keyword(struct interner *in, const char *s, int tok);

/** Interns `s` and records that it names block kind `kind` (kinds.h). */
const struct sym *intern_block_kind(struct interner *in, const char *s, int kind);

/** The symbol's bytes as a slice. */
static inline struct str sym_str(const struct sym *s)
{
	return (struct str){ s->name, s->len };
}

#endif

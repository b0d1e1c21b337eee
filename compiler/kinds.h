/*
 * kinds.h - the block kinds of the language and where each may appear.
 *
 * One table (kinds.c) says which kinds a block may hold; the parser uses it
 * to reject `servce x { }` with a "did you mean", and later stages extend
 * the same table with each kind's typed fields.
 */
#ifndef ORCHC_KINDS_H
#define ORCHC_KINDS_H

#include <stdbool.h>

#include "str.h"

struct interner;
struct sym;

enum block_kind {
#define K(id, word, children) KIND_##id,
#include "kinds.def"
#undef K
	KIND_COUNT
};

/** The word of a kind, "" for KIND_TOP (the file itself). */
const char *kind_word(enum block_kind k);

/** The kind spelled `word`, or KIND_COUNT if there is none. */
enum block_kind kind_lookup(struct str word);

/** Marks every kind word in `in` so kind_of() is a field read. */
void kinds_intern(struct interner *in);

/** The kind a symbol names (after kinds_intern), or KIND_COUNT. */
enum block_kind kind_of(const struct sym *s);

/** True when a block of kind `parent` may hold blocks of kind `child`. */
bool kind_allows(enum block_kind parent, enum block_kind child);

/**
 * The child kind of `parent` closest to `word` by edit distance (at most 2
 * edits), for "did you mean"; NULL when none is close.
 */
const char *kind_suggest(enum block_kind parent, struct str word);

/** Appends the child kinds of `parent`, comma-separated, to `out`. */
void kind_list_children(enum block_kind parent, struct strbuf *out);

#endif

/*
 * kinds.c - the kind table: lookups by word and containment checks.
 *
 * The table is tiny (a few dozen kinds), so lookups are linear scans over
 * short strings; nothing here is on a per-token path.
 */
#include "kinds.h"

#include <stdint.h>
#include <string.h>

#include "intern.h"

struct kind_info {
	const char *word;
	const char *children; /* space-separated words */
};

static const struct kind_info kinds[KIND_COUNT] = {
#define K(id, word, children) { word, children },
#include "kinds.def"
#undef K
};

const char *kind_word(enum block_kind k)
{
	return k < KIND_COUNT ? kinds[k].word : "";
}

enum block_kind kind_lookup(struct str word)
{
	for (int k = 1; k < KIND_COUNT; k++)
		if (str_eq_cstr(word, kinds[k].word))
			return (enum block_kind)k;
	return KIND_COUNT;
}

void kinds_intern(struct interner *in)
{
	for (int k = 1; k < KIND_COUNT; k++)
		intern_block_kind(in, kinds[k].word, k);
}

enum block_kind kind_of(const struct sym *s)
{
	return s->block_kind ? (enum block_kind)(s->block_kind - 1) : KIND_COUNT;
}

/* Calls `fn` on each child word of `parent` until it returns true. */
static bool each_child(enum block_kind parent, bool (*fn)(struct str, void *), void *arg)
{
	const char *p = kinds[parent].children;
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (fn((struct str){ p, n }, arg))
			return true;
		p += n + (e != NULL);
	}
	return false;
}

static bool same_word(struct str child, void *arg)
{
	return str_eq_cstr(child, kinds[*(enum block_kind *)arg].word);
}

_Static_assert(KIND_COUNT <= 64, "child sets are 64-bit masks");

/* child_mask[k] has bit c set when kind k may hold kind c; built on first
 * use from the word lists, so the check is one AND per block. */
static uint64_t child_mask[KIND_COUNT];
static bool masks_ready;

bool kind_allows(enum block_kind parent, enum block_kind child)
{
	if (!masks_ready) {
		for (int k = 0; k < KIND_COUNT; k++)
			for (enum block_kind c = 1; c < KIND_COUNT; c++)
				if (each_child((enum block_kind)k, same_word, &c))
					child_mask[k] |= UINT64_C(1) << c;
		masks_ready = true;
	}
	return parent < KIND_COUNT && child < KIND_COUNT && (child_mask[parent] >> child & 1);
}

struct suggestion {
	struct str word;
	struct str best;
	size_t dist;
};

static bool closer(struct str child, void *arg)
{
	struct suggestion *s = arg;
	size_t d = name_distance(s->word, child);
	if (d < s->dist) {
		s->dist = d;
		s->best = child;
	}
	return false;
}

const char *kind_suggest(enum block_kind parent, struct str word)
{
	struct suggestion s = { word, { NULL, 0 }, 3 };
	each_child(parent, closer, &s);
	if (!s.best.ptr)
		return NULL;
	enum block_kind k = kind_lookup(s.best);
	return k == KIND_COUNT ? NULL : kinds[k].word;
}

static bool append_word(struct str child, void *arg)
{
	struct strbuf *out = arg;
	if (out->len)
		strbuf_addstr(out, ", ");
	strbuf_add(out, child.ptr, child.len);
	return false;
}

void kind_list_children(enum block_kind parent, struct strbuf *out)
{
	each_child(parent, append_word, out);
}

/*
 * yaml_out.c - the YAML document tree, the quoting rule, and the choice of
 * writer: the direct one when it can write the document exactly as libyaml
 * would, libyaml's emitter otherwise.
 */
#include "yaml_out.h"

#include <string.h>
#include <strings.h>

#include "arena.h"
#include "str.h"
#include "yaml_tree.h"

static struct ynode *node(struct arena *a, enum ykind kind)
{
	struct ynode *n = arena_zalloc(a, sizeof *n);
	n->kind = kind;
	return n;
}

struct ynode *y_map(struct arena *a) { return node(a, Y_MAP); }
struct ynode *y_seq(struct arena *a) { return node(a, Y_SEQ); }

struct ynode *y_strn(struct arena *a, const char *s, size_t len)
{
	struct ynode *n = node(a, Y_STR);
	n->u.s.ptr = s;
	n->u.s.len = len;
	return n;
}

struct ynode *y_str(struct arena *a, const char *s) { return y_strn(a, s, strlen(s)); }

struct ynode *y_int(struct arena *a, int64_t v)
{
	struct ynode *n = node(a, Y_INT);
	n->u.i = v;
	return n;
}

struct ynode *y_bool(struct arena *a, bool v)
{
	struct ynode *n = node(a, Y_BOOL);
	n->u.b = v;
	return n;
}

static void append(struct ynode *parent, struct ynode *kid)
{
	if (parent->u.kids.tail)
		parent->u.kids.tail->next = kid;
	else
		parent->u.kids.head = kid;
	parent->u.kids.tail = kid;
	parent->u.kids.len++;
}

void y_put(struct ynode *map, const char *key, struct ynode *value)
{
	value->key = key;
	append(map, value);
}

void y_push(struct ynode *seq, struct ynode *value)
{
	append(seq, value);
}

size_t y_len(const struct ynode *n) { return n->u.kids.len; }

/*
 * Plain scalars YAML 1.1 (PyYAML, docker-compose) or 1.2 would resolve to a
 * bool, null, number or timestamp.  Rather than re-implement both resolvers,
 * quote every word of the bool and null tables and anything that starts like
 * a number (digit, sign, dot): "2.8.1-pg14" gets quotes it does not strictly
 * need, and no reader can ever take a string for something else.
 */
bool y_plain_is_string(const char *s, size_t len)
{
	/* The words YAML 1.1 reads as booleans, null or merge, by length. */
	static const struct {
		const char *word;
		size_t len;
	} words[] = { { "y", 1 },    { "n", 1 },     { "~", 1 },    { "=", 1 },
		      { "no", 2 },   { "on", 2 },    { "<<", 2 },   { "yes", 3 },
		      { "off", 3 },  { "true", 4 },  { "null", 4 }, { "false", 5 } };
	if (len == 0)
		return false;
	unsigned char c = (unsigned char)s[0];
	if ((c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-')
		return false;
	if (len > 5)
		return true;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (words[i].len == len && strncasecmp(s, words[i].word, len) == 0)
			return false;
	return true;
}

bool y_write(const struct ynode *root, const char *header, struct strbuf *out)
{
	if (header)
		strbuf_addstr(out, header);
	return y_write_direct(root, out) || y_write_libyaml(root, out);
}

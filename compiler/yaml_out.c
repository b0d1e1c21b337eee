/*
 * yaml_out.c - the YAML document tree and its writer (libyaml's emitter).
 */
#include "yaml_out.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "arena.h"
#include "str.h"

enum ykind { Y_MAP, Y_SEQ, Y_STR, Y_INT, Y_BOOL };

struct ynode {
	enum ykind kind;
	const char *key;     /* as an entry of a map */
	struct ynode *next;  /* next entry or item */
	union {
		struct {
			struct ynode *head, *tail;
			size_t len;
		} kids;
		struct {
			const char *ptr;
			size_t len;
		} s;
		int64_t i;
		bool b;
	} u;
};

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
	static const char *const words[] = { "y", "n", "yes", "no", "on", "off", "true", "false",
					     "null", "~", "<<", "=" };
	if (len == 0)
		return false;
	unsigned char c = (unsigned char)s[0];
	if ((c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-')
		return false;
	if (len > 5)
		return true;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0)
			return false;
	return true;
}

static int to_strbuf(void *data, unsigned char *buffer, size_t size)
{
	strbuf_add(data, buffer, size);
	return 1;
}

static bool scalar(yaml_emitter_t *em, const char *s, size_t len)
{
	yaml_event_t ev;
	bool plain = y_plain_is_string(s, len);
	yaml_scalar_style_t style = memchr(s, '\n', len) ? YAML_LITERAL_SCALAR_STYLE
				  : plain ? YAML_ANY_SCALAR_STYLE
					  : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	/* The string type is implicit in quotes, and in plain text only when the
	 * text cannot be read as another type. */
	return yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, plain, 1,
					    style) &&
	       yaml_emitter_emit(em, &ev);
}

static bool emit(yaml_emitter_t *em, const struct ynode *n)
{
	yaml_event_t ev;
	char buf[32];
	switch (n->kind) {
	case Y_STR:
		return scalar(em, n->u.s.ptr, n->u.s.len);
	case Y_INT: {
		int len = snprintf(buf, sizeof buf, "%" PRId64, n->u.i);
		return yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)buf, len, 1, 0,
						    YAML_PLAIN_SCALAR_STYLE) &&
		       yaml_emitter_emit(em, &ev);
	}
	case Y_BOOL:
		return yaml_scalar_event_initialize(&ev, NULL, NULL,
						    (yaml_char_t *)(n->u.b ? "true" : "false"), -1, 1,
						    0, YAML_PLAIN_SCALAR_STYLE) &&
		       yaml_emitter_emit(em, &ev);
	case Y_SEQ:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return false;
		for (const struct ynode *k = n->u.kids.head; k; k = k->next)
			if (!emit(em, k))
				return false;
		return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
	case Y_MAP:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
		    !yaml_emitter_emit(em, &ev))
			return false;
		for (const struct ynode *k = n->u.kids.head; k; k = k->next)
			if (!scalar(em, k->key, strlen(k->key)) || !emit(em, k))
				return false;
		return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(em, &ev);
	}
	return false;
}

bool y_write(const struct ynode *root, const char *header, struct strbuf *out)
{
	if (header)
		strbuf_addstr(out, header);
	yaml_emitter_t em;
	yaml_event_t ev;
	if (!yaml_emitter_initialize(&em))
		return false;
	yaml_emitter_set_output(&em, to_strbuf, out);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_indent(&em, 2);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_break(&em, YAML_LN_BREAK);
	bool ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
		  yaml_emitter_emit(&em, &ev) &&
		  yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
		  yaml_emitter_emit(&em, &ev) && emit(&em, root) &&
		  yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev) &&
		  yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev) &&
		  yaml_emitter_flush(&em);
	yaml_emitter_delete(&em);
	return ok;
}

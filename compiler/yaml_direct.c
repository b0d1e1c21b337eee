/*
 * yaml_direct.c - a document tree written straight into the output buffer,
 * byte for byte as libyaml's emitter writes it (block style, indent 2, no
 * line folding, LF breaks).
 *
 * Why: libyaml copies and analyses every scalar through an event queue; for
 * a build of ten thousand services that was a fifth of the time.  This
 * writer handles the scalars generated files are made of: printable ASCII,
 * with line breaks only in values.  For them it repeats libyaml's analysis
 * (which indicators forbid plain text, where single quotes or a literal
 * block are impossible) and its layout (indentless sequences under keys,
 * `- key: v` for maps in sequences, `{}` and `[]` for empty collections).
 * Anything else makes it decline the whole document, and yaml_out.c falls
 * back to libyaml.  test_yaml_out compares both writers on every tricky
 * string and on random ones, in every position.
 */
#include <string.h>

#include "str.h"
#include "yaml_out.h"
#include "yaml_tree.h"

enum style { PLAIN, SINGLE, DOUBLE, LITERAL, DECLINE };

/* libyaml's limit for an implicit ("simple") key. */
#define SIMPLE_KEY_MAX 128

static bool blank_or_end(const char *s, size_t len, size_t i)
{
	return i >= len || s[i] == ' ' || s[i] == '\n';
}

/*
 * The style libyaml settles on for a string scalar requested as yaml_out.c
 * requests it: a literal block when it has line breaks, plain when
 * y_plain_is_string() allows, double quotes otherwise.
 */
static enum style analyse(const char *s, size_t len, bool key)
{
	bool flow_free = true;  /* no indicator that forbids plain text */
	bool lead_space = false, trail_space = false, lead_break = false, trail_break = false;
	bool break_space = false, space_break = false, breaks = false;
	bool prev_space = false, prev_break = false, prev_blank = true;

	if (len >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0))
		flow_free = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c != '\n' && (c < 0x20 || c > 0x7e))
			return DECLINE;
		bool next_blank = blank_or_end(s, len, i + 1);
		if (i == 0) {
			if (strchr("#,[]{}&*!|>'\"%@`", c) || ((c == '?' || c == ':' || c == '-') &&
							     next_blank))
				flow_free = false;
		} else if ((c == ':' && next_blank) || (c == '#' && prev_blank)) {
			flow_free = false;
		}
		if (c == ' ') {
			lead_space |= i == 0;
			trail_space |= i == len - 1;
			break_space |= prev_break;
			prev_space = true;
			prev_break = false;
		} else if (c == '\n') {
			breaks = true;
			lead_break |= i == 0;
			trail_break |= i == len - 1;
			space_break |= prev_space;
			prev_space = false;
			prev_break = true;
		} else {
			prev_space = prev_break = false;
		}
		prev_blank = c == ' ' || c == '\n';
	}

	if (breaks) {
		if (key)
			return DECLINE;
		bool keep = len >= 2 ? s[len - 1] == '\n' && s[len - 2] == '\n' : s[0] == '\n';
		if (trail_space || space_break)
			return DOUBLE;
		/* A block ending in several breaks needs `|+` and a `...` after the
		 * document; rare enough to leave to libyaml. */
		return keep ? DECLINE : LITERAL;
	}
	if (!y_plain_is_string(s, len))
		return DOUBLE;
	if (flow_free && !lead_space && !trail_space)
		return PLAIN;
	return SINGLE;
}

/* A character that changes nothing in libyaml's analysis after the first. */
static inline bool quiet(char c)
{
	return c > ' ' && c < 0x7f && c != '#';
}

/* The usual scalar: an ordinary first character, then no space, break,
 * `#` or `: `.  libyaml then writes it plain if it is a string to
 * y_plain_is_string(), in double quotes otherwise. */
static bool ordinary(const char *s, size_t len)
{
	if (!len || !quiet(s[0]))
		return false;
	switch (s[0]) { /* the indicators, tested for every key and value */
	case '-': case '?': case ':': case ',': case '[': case ']': case '{': case '}': case '&':
	case '*': case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
		return false;
	default:
		break;
	}
	for (size_t i = 1; i < len; i++)
		if (!quiet(s[i]) || (s[i] == ':' && (i + 1 == len || s[i + 1] == ' ')))
			return false;
	return true;
}

static enum style choose(const char *s, size_t len, bool key)
{
	if (key && len > SIMPLE_KEY_MAX)
		return DECLINE;
	if (ordinary(s, len))
		return y_plain_is_string(s, len) ? PLAIN : DOUBLE;
	return analyse(s, len, key);
}

/* Single quotes: a quote inside is doubled. */
static void put_single(struct strbuf *out, const char *s, size_t len)
{
	strbuf_addch(out, '\'');
	for (const char *q; (q = memchr(s, '\'', len)); len -= (size_t)(q + 1 - s), s = q + 1) {
		strbuf_add(out, s, (size_t)(q + 1 - s));
		strbuf_addch(out, '\'');
	}
	strbuf_add(out, s, len);
	strbuf_addch(out, '\'');
}

/* Double quotes, for printable ASCII: only `"`, `\\` and breaks are escaped. */
static void put_double(struct strbuf *out, const char *s, size_t len)
{
	strbuf_addch(out, '"');
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c != '"' && c != '\\' && c != '\n')
			continue;
		strbuf_add(out, s + run, i - run);
		strbuf_addch(out, '\\');
		strbuf_addch(out, c == '\n' ? 'n' : c);
		run = i + 1;
	}
	strbuf_add(out, s + run, len - run);
	strbuf_addch(out, '"');
}

/* A literal block: `|`, an indentation hint when the text starts with a
 * space or break, `-` when it has no final break; content lines at
 * `indent`, empty lines left empty. */
static void put_literal(struct strbuf *out, const char *s, size_t len, size_t indent)
{
	strbuf_addch(out, '|');
	if (s[0] == ' ' || s[0] == '\n')
		strbuf_addch(out, '2');
	if (s[len - 1] != '\n')
		strbuf_addch(out, '-');
	strbuf_addch(out, '\n');
	const char *end = s + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		// cppcheck-suppress knownConditionTrueFalse ; n is 0 on an empty line
		if (n) {
			strbuf_addchars(out, ' ', indent);
			strbuf_add(out, s, n);
		}
		strbuf_addch(out, '\n');
		s += n + 1;
	}
}

/*
 * A string as a key, or as a value after `key:` or `-` (then a space before
 * and a line break after; a literal block's lines at `indent`).
 */
static bool put_string(struct strbuf *out, const char *s, size_t len, bool key, size_t indent)
{
	enum style st = choose(s, len, key);
	if (st == DECLINE)
		return false;
	if (!key)
		strbuf_addch(out, ' ');
	switch (st) {
	case PLAIN:
		strbuf_add(out, s, len);
		break;
	case SINGLE:
		put_single(out, s, len);
		break;
	case DOUBLE:
		put_double(out, s, len);
		break;
	case LITERAL:
		put_literal(out, s, len, indent);
		return true;
	case DECLINE:
		return false;
	}
	if (!key)
		strbuf_addch(out, '\n');
	return true;
}

static bool put_node(struct strbuf *out, const struct ynode *n, size_t indent, bool in_map);

/*
 * Entries of a map whose keys sit at column `indent`.  The first key is
 * already positioned when the map is an item of a sequence (`- key:`).
 */
static bool put_entries(struct strbuf *out, const struct ynode *map, size_t indent, bool positioned)
{
	for (const struct ynode *k = map->u.kids.head; k; k = k->next) {
		if (!positioned)
			strbuf_addchars(out, ' ', indent);
		positioned = false;
		if (!put_string(out, k->key, strlen(k->key), true, indent))
			return false;
		strbuf_addch(out, ':');
		if (!put_node(out, k, indent, true))
			return false;
	}
	return true;
}

static bool put_items(struct strbuf *out, const struct ynode *seq, size_t indent, bool positioned)
{
	for (const struct ynode *k = seq->u.kids.head; k; k = k->next) {
		if (!positioned)
			strbuf_addchars(out, ' ', indent);
		positioned = false;
		strbuf_addch(out, '-');
		if (!put_node(out, k, indent, false))
			return false;
	}
	return true;
}

/*
 * A node after `key:` (in_map) or `-`, where the key or dash is at column
 * `indent`.  Scalars follow on the same line; a map under a key starts on
 * the next line two columns in; a sequence under a key starts on the next
 * line at the key's column (libyaml's indentless sequence); a collection
 * under a dash starts on the dash's line, two columns in.
 */
static bool put_node(struct strbuf *out, const struct ynode *n, size_t indent, bool in_map)
{
	switch (n->kind) {
	case Y_STR:
		return put_string(out, n->u.s.ptr, n->u.s.len, false, indent + 2);
	case Y_INT:
		strbuf_addch(out, ' ');
		strbuf_addint(out, n->u.i);
		strbuf_addch(out, '\n');
		return true;
	case Y_BOOL:
		strbuf_addstr(out, n->u.b ? " true\n" : " false\n");
		return true;
	case Y_MAP:
	case Y_SEQ:
		break;
	}
	if (!n->u.kids.head) {
		strbuf_addstr(out, n->kind == Y_MAP ? " {}\n" : " []\n");
		return true;
	}
	if (in_map) {
		strbuf_addch(out, '\n');
		return n->kind == Y_MAP ? put_entries(out, n, indent + 2, false)
					: put_items(out, n, indent, false);
	}
	strbuf_addch(out, ' ');
	return n->kind == Y_MAP ? put_entries(out, n, indent + 2, true)
				: put_items(out, n, indent + 2, true);
}

bool y_write_direct(const struct ynode *root, struct strbuf *out)
{
	size_t mark = out->len;
	bool ok;
	if (root->kind != Y_MAP && root->kind != Y_SEQ)
		ok = false;
	else if (!root->u.kids.head)
		ok = (strbuf_addstr(out, root->kind == Y_MAP ? "{}\n" : "[]\n"), true);
	else
		ok = root->kind == Y_MAP ? put_entries(out, root, 0, false)
					 : put_items(out, root, 0, false);
	if (!ok)
		strbuf_setlen(out, mark);
	return ok;
}

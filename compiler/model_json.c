/*
 * model_json.c - renders the model (model.h) as the JSON documented in
 * model_json.h.
 *
 * The model is walked once into a jansson tree built only with the
 * reference-stealing *_new calls, so every node has exactly one owner and
 * one json_decref() of the root frees everything.
 */
#include "model_json.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "intern.h"
#include "kinds.h"
#include "lex.h"
#include "model.h"
#include "source.h"
#include "str.h"

struct writer {
	struct source_set *src;
	struct strbuf tmp;  /* scratch for lossy() */
	struct strbuf name; /* scratch for ref_name() */
	int precision;      /* digits the most demanding real needs */
};

/* jansson reports allocation failure as NULL (our strings are always valid
 * UTF-8), and out of memory is fatal in orchc as in xmalloc(). */
static json_t *need(json_t *j)
{
	if (!j) {
		fputs("orchc: out of memory\n", stderr);
		exit(2);
	}
	return j;
}

static void set(json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new_nocheck(obj, key, need(value)))
		need(NULL);
}

static void append(json_t *arr, json_t *value)
{
	if (json_array_append_new(arr, need(value)))
		need(NULL);
}

/* Leaves the bytes as valid UTF-8 in w->tmp, each bad byte replaced by
 * U+FFFD. */
static void lossy(struct writer *w, const char *p, size_t n)
{
	strbuf_reset(&w->tmp);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_decode((const unsigned char *)p + i, n - i, &cp);
		if (len) {
			strbuf_add(&w->tmp, p + i, len);
			i += len;
		} else {
			strbuf_addstr(&w->tmp, "\xEF\xBF\xBD");
			i++;
		}
	}
}

static json_t *string(struct writer *w, const char *p, size_t n)
{
	lossy(w, p, n);
	return need(json_stringn_nocheck(w->tmp.buf, w->tmp.len));
}

static json_t *sym_string(struct writer *w, const struct sym *s)
{
	return s ? string(w, s->name, s->len) : json_null();
}

/* Sets a key that comes from the program (a field or map key). */
static void set_sym(struct writer *w, json_t *obj, const struct sym *key, json_t *value)
{
	lossy(w, key->name, key->len);
	if (json_object_setn_new_nocheck(obj, w->tmp.buf, w->tmp.len, need(value)))
		need(NULL);
}

static json_t *pair(const char *k1, json_t *v1, const char *k2, json_t *v2)
{
	json_t *o = need(json_object());
	set(o, k1, v1);
	if (k2)
		set(o, k2, v2);
	return o;
}

/* Appends the names of `e` and its ancestors, outermost first, and says
 * whether it wrote any.  Recursion depth is the block nesting depth, which
 * kinds.def bounds. */
static bool add_path(struct strbuf *sb, const struct m_entity *e)
{
	bool any = e->parent && add_path(sb, e->parent);
	if (e->kind == KIND_TOP || !e->name)
		return any;
	if (any)
		strbuf_addch(sb, '.');
	strbuf_add(sb, e->name->name, e->name->len);
	return true;
}

/* "<kind> <outer>.<inner>.<name>" */
static json_t *ref_name(struct writer *w, const struct m_entity *e)
{
	strbuf_reset(&w->name);
	strbuf_addstr(&w->name, kind_word(e->kind));
	strbuf_addch(&w->name, ' ');
	add_path(&w->name, e);
	return string(w, w->name.buf, w->name.len);
}

static json_t *value(struct writer *w, const struct m_value *v);

static json_t *items(struct writer *w, const struct m_value *v)
{
	json_t *a = need(json_array());
	for (uint32_t i = 0; i < v->u.list.len; i++)
		append(a, value(w, v->u.list.items[i]));
	return a;
}

/* True when `f` printed with `p` significant digits reads back as `f`.
 * snprintf and strtod share the locale, so the answer does not depend on
 * it; jansson itself writes reals locale-independently. */
static bool round_trips(double f, int p)
{
	char buf[40]; /* 17 digits, sign, point and exponent fit */
	int n = snprintf(buf, sizeof buf, "%.*g", p, f);
	return n > 0 && n < (int)sizeof buf && strtod(buf, NULL) == f;
}

/* The least p such that every precision from p to 17 reads back as `f`:
 * the document uses the largest p of its reals, and near a power of two a
 * longer rounding is not always as good as a shorter one, so checking only
 * the shortest would not be enough. */
static int digits_needed(double f)
{
	int p = 17;
	while (p > 1 && round_trips(f, p - 1))
		p--;
	return p;
}

static json_t *real(struct writer *w, double f)
{
	if (isnan(f))
		return json_string("nan");
	if (isinf(f))
		return json_string(f > 0 ? "inf" : "-inf");
	int p = digits_needed(f);
	if (p > w->precision)
		w->precision = p;
	return json_real(f);
}

static json_t *value(struct writer *w, const struct m_value *v)
{
	switch (v->kind) {
	case V_UNSET: /* fields skip these; anywhere else it is a model bug */
	case V_NONE:
		return json_null();
	case V_BOOL:
		return json_boolean(v->u.b);
	case V_INT:
		return json_integer(v->u.i);
	case V_FLOAT:
		return real(w, v->u.f);
	case V_DURATION:
		return pair("ms", json_integer(v->u.i), NULL, NULL);
	case V_SIZE:
		return pair("bytes", json_integer(v->u.i), NULL, NULL);
	case V_STRING:
		return string(w, v->u.s.ptr, v->u.s.len);
	case V_TEXT:
		return pair("text", items(w, v), NULL, NULL);
	case V_ENUM:
		return sym_string(w, v->u.sym);
	case V_LIST:
		return items(w, v);
	case V_MAP: {
		json_t *o = need(json_object());
		for (uint32_t i = 0; i < v->u.map.len; i++)
			set_sym(w, o, v->u.map.entries[i].key,
				value(w, v->u.map.entries[i].value));
		return o;
	}
	case V_REF:
		return pair("ref", ref_name(w, v->u.ref.ref), NULL, NULL);
	case V_ATTR:
		return pair("ref", ref_name(w, v->u.ref.ref),
			    "attr", sym_string(w, v->u.ref.attr));
	case V_PAIR:
		assert(v->u.list.len == 2);
		return pair("from", value(w, v->u.list.items[0]),
			    "to", value(w, v->u.list.items[1]));
	case V_TAGGED:
		assert(v->u.list.len == 1);
		return pair("value", value(w, v->u.list.items[0]),
			    "tag", sym_string(w, v->u.list.sym));
	case V_CALL:
		return pair("call", sym_string(w, v->u.list.sym), "args", items(w, v));
	}
	return json_null(); /* not reached: the switch covers every kind */
}

static json_t *location(struct writer *w, struct span s)
{
	if (!w->src || s.file >= w->src->count)
		return json_null();
	struct source_pos p = source_locate(w->src, s.file, s.lo);
	const char *path = w->src->files[s.file].path;
	struct strbuf at;
	strbuf_init(&at);
	strbuf_addf(&at, "%s:%u:%u", path, (unsigned)p.line, (unsigned)p.col);
	json_t *j = string(w, at.buf, at.len);
	strbuf_release(&at);
	return j;
}

static json_t *entity(struct writer *w, const struct m_entity *e)
{
	json_t *o = need(json_object());
	set(o, "kind", json_string(kind_word(e->kind)));
	set(o, "name", sym_string(w, e->name));
	set(o, "at", location(w, e->span));
	if (e->doc.hi > e->doc.lo && w->src && e->doc.file < w->src->count) {
		struct strbuf doc;
		strbuf_init(&doc);
		lex_doc_text(w->src->files[e->doc.file].text, e->doc, &doc);
		set(o, "doc", string(w, doc.buf, doc.len));
		strbuf_release(&doc);
	}
	json_t *fields = need(json_object());
	for (uint32_t i = 0; i < e->nfields; i++)
		if (e->fields[i]->kind != V_UNSET)
			set_sym(w, fields, e->field_names[i], value(w, e->fields[i]));
	set(o, "fields", fields);
	if (e->nchildren) {
		json_t *children = need(json_array());
		for (uint32_t i = 0; i < e->nchildren; i++)
			append(children, entity(w, e->children[i]));
		set(o, "children", children);
	}
	return o;
}

static int dump_to_strbuf(const char *buf, size_t size, void *data)
{
	strbuf_add(data, buf, size);
	return 0;
}

void model_json(const struct m_program *prog, const struct source_set *src,
		struct strbuf *out)
{
	/* source_locate() fills in line tables lazily; that cache is the only
	 * thing written, and the set itself is never a const object. */
	struct writer w = { .src = (struct source_set *)src };
	strbuf_init(&w.tmp);
	strbuf_init(&w.name);

	json_t *root = need(json_object());
	set(root, "model_version", json_integer(1));
	set(root, "profile", sym_string(&w, prog->profile));
	json_t *entities = need(json_array());
	for (uint32_t i = 0; i < prog->nentities; i++)
		append(entities, entity(&w, prog->entities[i]));
	set(root, "entities", entities);

	/* One precision for the document (jansson has no per-value one): `cpu
	 * = 0.1` prints as 0.1 rather than 0.10000000000000001, yet every real
	 * still reads back exactly. */
	if (json_dump_callback(root, dump_to_strbuf, out,
			       JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			       JSON_REAL_PRECISION(w.precision ? w.precision : 17)))
		need(NULL);
	strbuf_addch(out, '\n');
	json_decref(root);
	strbuf_release(&w.tmp);
	strbuf_release(&w.name);
}

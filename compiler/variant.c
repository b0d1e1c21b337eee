/*
 * variant.c - products of list-valued fixed inputs.
 */
#include "variant.h"

#include <string.h>

#include "arena.h"
#include "model.h"
#include "str.h"

static const struct m_value *inputs_of(const struct m_entity *p)
{
	const struct m_value *fi = m_get(p, "fixed_inputs");
	return m_is_set(fi) && fi->kind == V_MAP ? fi : NULL;
}

static size_t count_of(const struct m_value *v)
{
	return v->kind == V_LIST ? v->u.list.len : 1;
}

static const char *item_of(const struct m_value *v, size_t i)
{
	const struct m_value *s = v->kind == V_LIST ? v->u.list.items[i] : v;
	return s->kind == V_STRING ? s->u.s.ptr : "";
}

size_t product_variants(const struct m_entity *p, struct arena *a, struct variant **out)
{
	const struct m_value *fi = inputs_of(p);
	uint32_t nin = fi ? fi->u.map.len : 0;
	size_t n = 1;
	for (uint32_t k = 0; k < nin; k++)
		n *= count_of(fi->u.map.entries[k].value); /* an empty list: no variant */
	*out = arena_zalloc(a, (n ? n : 1) * sizeof **out);
	for (size_t i = 0; i < n; i++) {
		struct variant *v = &(*out)[i];
		v->values = arena_zalloc(a, (nin ? nin : 1) * sizeof *v->values);
		struct strbuf id;
		strbuf_init(&id);
		strbuf_addstr(&id, p->name->name);
		/* Mixed radix, the first input varying slowest. */
		size_t rest = i, stride = n;
		for (uint32_t k = 0; k < nin; k++) {
			const struct m_value *val = fi->u.map.entries[k].value;
			size_t c = count_of(val);
			stride /= c;
			v->values[k] = item_of(val, rest / stride);
			rest %= stride;
			if (val->kind != V_LIST)
				continue;
			for (const char *s = v->values[k]; *s; s++)
				if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
				    (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')
					strbuf_addch(&id, *s);
		}
		v->identifier = arena_strndup(a, id.buf, id.len);
		strbuf_release(&id);
	}
	return n;
}

const char *variant_text(const struct m_entity *p, const struct variant *v, const char *field,
			 struct arena *a)
{
	const struct m_value *t = m_get(p, field);
	if (!m_is_set(t))
		return NULL;
	if (t->kind == V_STRING)
		return t->u.s.ptr;
	if (t->kind != V_TEXT)
		return NULL;
	const struct m_value *fi = inputs_of(p);
	struct strbuf sb;
	strbuf_init(&sb);
	for (uint32_t i = 0; i < t->u.list.len; i++) {
		const struct m_value *part = t->u.list.items[i];
		if (part->kind == V_STRING) {
			strbuf_add(&sb, part->u.s.ptr, part->u.s.len);
			continue;
		}
		for (uint32_t k = 0; fi && part->kind == V_ATTR && k < fi->u.map.len; k++)
			if (fi->u.map.entries[k].key == part->u.ref.attr)
				strbuf_addstr(&sb, v->values[k]);
	}
	const char *s = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return s;
}

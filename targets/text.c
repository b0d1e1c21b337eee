/*
 * text.c - model values as generated text (see text.h).
 */
#include "text.h"

#include <string.h>

#include "arena.h"
#include "model.h"
#include "str.h"

void text_first_port(const struct m_entity *svc, struct strbuf *sb)
{
	const struct m_value *ports = m_get(svc, "ports");
	if (ports && ports->u.list.len)
		strbuf_addint(sb, ports->u.list.items[0]->u.i);
}

enum secret_source secret_source(const struct m_entity *secret)
{
	const char *f = m_get(secret, "from")->u.list.sym->name;
	return strcmp(f, "env") == 0 ? FROM_ENV : strcmp(f, "file") == 0 ? FROM_FILE : FROM_GENERATE;
}

void text_render(const struct text_style *style, const struct m_value *v, struct strbuf *sb)
{
	switch (v->kind) {
	case V_STRING:
		if (style->escape)
			style->escape(sb, v->u.s.ptr, v->u.s.len);
		else
			strbuf_add(sb, v->u.s.ptr, v->u.s.len);
		break;
	case V_TEXT:
		for (uint32_t i = 0; i < v->u.list.len; i++)
			text_render(style, v->u.list.items[i], sb);
		break;
	case V_REF:
		if (v->u.ref.ref->kind == KIND_SECRET)
			style->secret(style->ctx, v, v->u.ref.ref, sb);
		else
			strbuf_addstr(sb, v->u.ref.ref->name->name);
		break;
	case V_ATTR:
		/* In compose and in a Kubernetes namespace alike, a service is
		 * reached by its name. */
		if (strcmp(v->u.ref.attr->name, "port") == 0)
			text_first_port(v->u.ref.ref, sb);
		else
			strbuf_addstr(sb, v->u.ref.ref->name->name);
		break;
	case V_INT: strbuf_addint(sb, v->u.i); break;
	case V_FLOAT: strbuf_addf(sb, "%g", v->u.f); break;
	case V_BOOL: strbuf_addstr(sb, v->u.b ? "true" : "false"); break;
	case V_ENUM: strbuf_addstr(sb, v->u.sym->name); break;
	case V_DURATION: style->duration(sb, (long long)v->u.i); break;
	case V_SIZE: style->size(sb, (long long)v->u.i); break;
	default: break;
	}
}

void text_duration(struct strbuf *sb, long long ms)
{
	if (ms == 0) {
		strbuf_addstr(sb, "0s");
		return;
	}
	if (ms % 1000) {
		strbuf_addf(sb, "%lldms", ms);
		return;
	}
	long long s = ms / 1000;
	if (s >= 3600)
		strbuf_addf(sb, "%lldh", s / 3600);
	if (s % 3600 >= 60)
		strbuf_addf(sb, "%lldm", s % 3600 / 60);
	if (s % 60)
		strbuf_addf(sb, "%llds", s % 60);
}

const char *text_string(struct arena *a, const struct text_style *style, const struct m_value *v)
{
	if (v->kind == V_STRING && !(style->escape && memchr(v->u.s.ptr, '$', v->u.s.len)))
		return v->u.s.ptr;
	struct strbuf sb;
	strbuf_init(&sb);
	text_render(style, v, &sb);
	char *s = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return s;
}

void text_size(struct strbuf *sb, long long bytes, const char *const *units, int n,
	       const char *bytes_suffix)
{
	for (int i = 0; i < n; i++) {
		long long unit = 1LL << (10 * (n - i));
		if (bytes >= unit && bytes % unit == 0) {
			strbuf_addf(sb, "%lld%s", bytes / unit, units[i]);
			return;
		}
	}
	strbuf_addf(sb, "%lld%s", bytes, bytes_suffix);
}

const char *text_var_name(struct arena *a, const char *prefix, const char *name)
{
	char *var = arena_printf(a, "%s_%s", prefix, name);
	for (char *p = var; *p; p++)
		*p = *p == '-' ? '_' : *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
	return var;
}

const char *text_project_name(struct arena *a, const char *given, const char *stack)
{
	if (given)
		return given;
	char *name = arena_printf(a, "%s", stack);
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return name;
}

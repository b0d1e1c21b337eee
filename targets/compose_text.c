/*
 * compose_text.c - model values as compose text; host variables.
 */
#include "compose_text.h"

#include <ctype.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "str.h"

void compose_escape(struct strbuf *sb, const char *p, size_t n)
{
	for (const char *end = p + n; p < end;) {
		const char *dollar = memchr(p, '$', (size_t)(end - p));
		if (!dollar) {
			strbuf_add(sb, p, (size_t)(end - p));
			return;
		}
		strbuf_add(sb, p, (size_t)(dollar - p) + 1);
		strbuf_addch(sb, '$');
		p = dollar + 1;
	}
}

/* The variables are few (one per secret), so a list suffices. */
static struct host_var *note_var(struct compose_text *ct, const char *name,
				 const struct m_entity *secret, const char *fallback)
{
	for (size_t i = 0; i < ct->vars.len; i++)
		if (strcmp(ct->vars.items[i].name, name) == 0)
			return &ct->vars.items[i];
	struct host_var v = { name, secret, fallback, false };
	vec_push(&ct->vars, v);
	return &ct->vars.items[ct->vars.len - 1];
}

const char *compose_secret_var(struct compose_text *ct, const struct m_entity *secret)
{
	if (secret_source(secret) == FROM_ENV)
		return m_get(secret, "from")->u.list.items[0]->u.s.ptr;
	return text_var_name(ct->arena, ct->stack->name->name, secret->name->name);
}

static void secret_reference(struct compose_text *ct, const struct m_value *v,
			     const struct m_entity *secret, bool in_yaml, struct strbuf *sb)
{
	if (!in_yaml || secret_source(secret) == FROM_FILE) {
		struct diag *d = diag_report(ct->diags, E0903, v->span,
					     in_yaml ? "compose cannot pass the file secret '%s' through an environment variable or command"
						     : "compose cannot write the secret '%s' into a generated file",
					     secret->name->name);
		diag_help(ct->diags, d, in_yaml ? "mount it as a file: secret %s = \"/run/secrets/%s\""
						: "mount the secret as a file and read it from there",
			  secret->name->name, secret->name->name);
		ct->failed = true;
		return;
	}
	const char *var = compose_secret_var(ct, secret);
	note_var(ct, var, secret, NULL);
	strbuf_addf(sb, "${%s:?%s is not set}", var, var);
}

void compose_note_secret_file(struct compose_text *ct, const struct m_entity *secret)
{
	note_var(ct, compose_secret_var(ct, secret), secret, NULL)->as_file = true;
}

static void secret_in_yaml(void *ctx, const struct m_value *v, const struct m_entity *secret,
			   struct strbuf *sb)
{
	secret_reference(ctx, v, secret, true, sb);
}

static void secret_in_file(void *ctx, const struct m_value *v, const struct m_entity *secret,
			   struct strbuf *sb)
{
	secret_reference(ctx, v, secret, false, sb);
}

static struct text_style style_of(struct compose_text *ct, bool in_yaml)
{
	struct text_style style = { in_yaml ? compose_escape : NULL,
				    in_yaml ? secret_in_yaml : secret_in_file, ct,
				    text_duration, compose_size };
	return style;
}

void compose_render(struct compose_text *ct, const struct m_value *v, bool in_yaml,
		    struct strbuf *sb)
{
	struct text_style style = style_of(ct, in_yaml);
	text_render(&style, v, sb);
}

const char *compose_string(struct compose_text *ct, const struct m_value *v, bool in_yaml)
{
	struct text_style style = style_of(ct, in_yaml);
	return text_string(ct->arena, &style, v);
}

void compose_note_vars(struct compose_text *ct, const char *text)
{
	for (const char *p = strstr(text, "${"); p; p = strstr(p, "${")) {
		p += 2;
		size_t n = 0;
		while (isalnum((unsigned char)p[n]) || p[n] == '_')
			n++;
		if (!n)
			continue;
		const char *fallback = "";
		if (p[n] == ':' && p[n + 1] == '-') {
			const char *end = strchr(p + n + 2, '}');
			if (end)
				fallback = arena_strndup(ct->arena, p + n + 2, (size_t)(end - p - n - 2));
		}
		note_var(ct, arena_strndup(ct->arena, p, n), NULL, fallback);
	}
}

void compose_size(struct strbuf *sb, long long bytes)
{
	static const char *const units[] = { "g", "m", "k" };
	text_size(sb, bytes, units, 3, "b");
}

/*
 * text.h - model values as the text of a generated file, shared by targets.
 *
 * A value of type text is a string, a number, a duration, an interpolation
 * of `${svc.host}` or `${svc.port}`, a secret, or a concatenation of these.
 * Targets differ only in how a literal string is escaped (compose doubles
 * `$`, Kubernetes `$(`) and in what a secret becomes (a variable, an
 * environment reference, or an error); the rest is rendered here once.
 */
#ifndef ORCHC_TEXT_H
#define ORCHC_TEXT_H

#include <stddef.h>

struct arena;
struct m_entity;
struct m_value;
struct strbuf;

struct text_style {
	/* Appends literal text, escaped for the target; NULL: verbatim. */
	void (*escape)(struct strbuf *sb, const char *p, size_t n);
	/* Appends what the secret reference `v` to `secret` becomes, or
	 * reports that it cannot appear here. */
	void (*secret)(void *ctx, const struct m_value *v, const struct m_entity *secret,
		       struct strbuf *sb);
	void *ctx;
	/* Durations and sizes, as the target writes them. */
	void (*duration)(struct strbuf *sb, long long ms);
	void (*size)(struct strbuf *sb, long long bytes);
};

/** Appends `v` to `sb` as `style` writes it. */
void text_render(const struct text_style *style, const struct m_value *v, struct strbuf *sb);

/**
 * text_render into a string of the arena.  A string with nothing to escape
 * (escapes only ever touch `$`) is the model's own NUL-terminated copy.
 */
const char *text_string(struct arena *a, const struct text_style *style, const struct m_value *v);

/**
 * A size in the largest of `units` that divides it exactly: `units[0]` is
 * 1024^n bytes, each next one 1024 times smaller, down to 1024; otherwise
 * bytes followed by `bytes_suffix`.  ("4g", "512Mi", "1000b".)
 */
void text_size(struct strbuf *sb, long long bytes, const char *const *units, int n,
	       const char *bytes_suffix);

/** An environment variable name: PREFIX_NAME upper-cased, '-' as '_'. */
const char *text_var_name(struct arena *a, const char *prefix, const char *name);

/** A stack's compose project: `given` (target compose { project }), else the
 *  stack's name lower-cased, as docker compose takes only lower case. */
const char *text_project_name(struct arena *a, const char *given, const char *stack);

/** The first port a service listens on: what ${svc.port} means. */
void text_first_port(const struct m_entity *svc, struct strbuf *sb);

/** A duration as compose and Go write it: 1m30s, 500ms. */
void text_duration(struct strbuf *sb, long long ms);

enum secret_source { FROM_ENV, FROM_FILE, FROM_GENERATE };

/** Where `secret` comes from: env("VAR"), file("path") or generate(n). */
enum secret_source secret_source(const struct m_entity *secret);

#endif

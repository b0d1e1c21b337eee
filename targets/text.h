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

/** The first port a service listens on: what ${svc.port} means. */
void text_first_port(const struct m_entity *svc, struct strbuf *sb);

/** A duration as compose and Go write it: 1m30s, 500ms. */
void text_duration(struct strbuf *sb, long long ms);

enum secret_source { FROM_ENV, FROM_FILE, FROM_GENERATE };

/** Where `secret` comes from: env("VAR"), file("path") or generate(n). */
enum secret_source secret_source(const struct m_entity *secret);

#endif

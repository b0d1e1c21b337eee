/*
 * compose_text.h - values as docker compose text, and the host variables
 * they need.
 *
 * Compose interpolates `${VAR}` in every string of a compose file, so a
 * literal `$` from the program is written `$$` and reaches the container
 * as itself.  A secret becomes `${VAR:?VAR is not set}`: compose refuses to
 * start without it instead of passing an empty password.  Every variable
 * a file needs is recorded for `.env.example`.
 */
#ifndef ORCHC_COMPOSE_TEXT_H
#define ORCHC_COMPOSE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "text.h"
#include "vec.h"

struct arena;
struct diag_list;
struct m_entity;
struct m_value;
struct strbuf;

struct host_var {
	const char *name;
	const struct m_entity *secret; /* the secret it carries, or NULL */
	const char *fallback;          /* optional variables: the default */
	bool as_file;                  /* the secret is also mounted from secrets/NAME */
};

struct compose_text {
	struct arena *arena;
	struct diag_list *diags;
	const struct m_entity *stack;
	VEC(struct host_var) vars;     /* first use order, no repeats */
	bool failed;
};

/**
 * Appends `v` to `sb` as compose text (`in_yaml`: `$` escaped and secrets
 * as variables; otherwise the text of a generated file, where a secret
 * cannot go).  Reports what compose cannot express and sets `failed`.
 */
void compose_render(struct compose_text *ct, const struct m_value *v, bool in_yaml,
		    struct strbuf *sb);

/** compose_render into a string of the arena. */
const char *compose_string(struct compose_text *ct, const struct m_value *v, bool in_yaml);

/** Appends a literal string with `$` escaped. */
void compose_escape(struct strbuf *sb, const char *p, size_t n);

/** The host variable that carries `secret`: its env("VAR"), or STACK_SECRET. */
const char *compose_secret_var(struct compose_text *ct, const struct m_entity *secret);

/** Records that `secret` is mounted from secrets/NAME, which the host fills. */
void compose_note_secret_file(struct compose_text *ct, const struct m_entity *secret);

/** Records the `${NAME:-default}` variables of a compose text such as repo_base. */
void compose_note_vars(struct compose_text *ct, const char *text);

/** A size in bytes as compose writes it: 4g, 512m, 1000b. */
void compose_size(struct strbuf *sb, long long bytes);

#endif

/*
 * types.h - the types of orch values and the check of a value against one.
 *
 * Types come from three places: the built-in names (int, string, port...),
 * declarations in programs (type, record, enum) and the schema of block
 * kinds (schema.orch).  They are built once per compilation in the arena;
 * patterns are compiled with PCRE2 once per type (JIT where available).
 */
#ifndef ORCHC_TYPES_H
#define ORCHC_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "kinds.h"
#include "source.h"

struct sym;
struct strbuf;
struct ast_node;
struct m_value;
struct orchc_ctx;

enum type_kind {
	TY_ERROR, /* a type that failed to resolve (reported); accepts anything */
	TY_BOOL,
	TY_INT,
	TY_FLOAT,
	TY_STRING,
	TY_TEXT,  /* a string that may carry secrets (env values, commands) */
	TY_DURATION,
	TY_SIZE,
	TY_PATH,
	TY_URL,
	TY_CRON,
	TY_SECRET, /* a reference to a secret block, or text built from one */
	TY_LIST,
	TY_MAP,
	TY_OPTIONAL,
	TY_ENUM,
	TY_RECORD,
	TY_REF,        /* a reference to a block of `ref_kind` */
	TY_UNION,
	TY_DEPENDENCY, /* service or job with started | healthy | completed */
	TY_PORT_MAP,   /* HOST -> CONTAINER ports */
	TY_SECRET_SOURCE,
	TY_WORD,       /* a bare name: takeImage */
	TY_WASM,       /* i32 i64 f32 f64 */
	TY_FILE,       /* file("media/type") */
};

struct type;

struct m_value;

struct record_field {
	const struct sym *name;
	const struct type *type;
	const struct ast_node *dflt; /* default expression, or NULL */
	struct m_value *dflt_value;  /* schema defaults, evaluated once */
	struct span span;
	bool required;               /* no default and not optional */
};

struct type {
	enum type_kind kind;
	const struct sym *name;     /* declared or built-in name, for messages */
	const struct type *elem;    /* list element, map value, optional inner */
	const struct type *key;     /* map keys: string, or an enum */
	struct span span;           /* where it was declared (none for built-ins) */
	/* Ranges on int, float, duration and size (floats compare as doubles). */
	bool has_lo, has_hi;
	double lo, hi;
	/* Pattern on string types. */
	const char *pattern;
	void *re; /* pcre2_code_8 * */
	/* Enums: members; unions: alternatives. */
	const struct sym **members;
	const struct type **alts;
	uint32_t nmembers, nalts;
	/* Records; `names` (built on first use) is shared by every entity of
	 * the kind as its field_names. */
	struct record_field *fields;
	uint32_t nfields;
	const struct sym **names;
	enum block_kind ref_kind;   /* TY_REF */
	const char *media;          /* TY_FILE */
	const struct sym *wasm;     /* TY_WASM: i32 ... */
};

/** The word for a kind of type ("int", "record"). */
const char *type_kind_word(enum type_kind k);

/** Appends the type as orch writes it ("[port]", "int(0..)", "a | b"). */
void type_format(const struct type *t, struct strbuf *out);

/** A built-in type by name (int, port, string...), or NULL. */
const struct type *type_builtin(struct orchc_ctx *ctx, const struct sym *name);

/** The field `name` of a record type, or NULL. */
const struct record_field *type_field(const struct type *record, const struct sym *name);

/** The closest field name of `record` to `name` (for "did you mean"), or NULL. */
const struct sym *type_suggest_field(const struct type *record, const struct sym *name);

/** True when `t` accepts `none` (optional, or a union with an optional). */
bool type_is_optional(const struct type *t);

/**
 * Compiles `t->pattern` (once) and reports E0301 at `where` if it is not a
 * valid PCRE2 pattern.  Returns false on a bad pattern.
 */
bool type_compile_pattern(struct orchc_ctx *ctx, struct type *t, struct span where);

/** Matches `s` against the compiled pattern of `t`; true when it matches. */
bool type_pattern_matches(const struct type *t, const char *s, uint32_t len);

/** Frees the compiled patterns of a compilation (types live in the arena). */
void types_release(struct orchc_ctx *ctx);

#endif

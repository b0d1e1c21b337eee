/*
 * types.c - built-in types, formatting types for messages, record field
 * lookup and PCRE2 patterns.
 *
 * The checks of values against types live in eval.c, where values are made;
 * this file only describes types.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "types.h"

#include <pcre2.h>
#include <string.h>

#include "intern.h"
#include "orchc.h"
#include "str.h"

struct builtin {
	const char *name;
	enum type_kind kind;
	bool ranged;
	double lo, hi;
};

/* ORDER: the index is the slot in ctx->builtin_types. */
static const struct builtin builtins[] = {
	{ "bool", TY_BOOL, false, 0, 0 },
	{ "int", TY_INT, false, 0, 0 },
	{ "float", TY_FLOAT, false, 0, 0 },
	{ "string", TY_STRING, false, 0, 0 },
	{ "text", TY_TEXT, false, 0, 0 },
	{ "duration", TY_DURATION, false, 0, 0 },
	{ "size", TY_SIZE, false, 0, 0 },
	{ "path", TY_PATH, false, 0, 0 },
	{ "url", TY_URL, false, 0, 0 },
	{ "cron", TY_CRON, false, 0, 0 },
	{ "secret", TY_SECRET, false, 0, 0 },
	{ "port", TY_INT, true, 1, 65535 },
	{ "dependency", TY_DEPENDENCY, false, 0, 0 },
	{ "port_map", TY_PORT_MAP, false, 0, 0 },
	{ "secret_source", TY_SECRET_SOURCE, false, 0, 0 },
	{ "word", TY_WORD, false, 0, 0 },
	{ "i32", TY_WASM, false, 0, 0 },
	{ "i64", TY_WASM, false, 0, 0 },
	{ "f32", TY_WASM, false, 0, 0 },
	{ "f64", TY_WASM, false, 0, 0 },
	{ "file", TY_FILE, false, 0, 0 },
};

enum { NBUILTINS = sizeof builtins / sizeof builtins[0] };

const struct type *type_builtin(struct orchc_ctx *ctx, const struct sym *name)
{
	if (!ctx->builtin_types) {
		const struct type **table = arena_zalloc(&ctx->arena, NBUILTINS * sizeof *table);
		for (size_t i = 0; i < NBUILTINS; i++) {
			struct type *t = arena_zalloc(&ctx->arena, sizeof *t);
			t->kind = builtins[i].kind;
			t->name = intern_cstr(&ctx->names, builtins[i].name);
			t->has_lo = t->has_hi = builtins[i].ranged;
			t->lo = builtins[i].lo;
			t->hi = builtins[i].hi;
			if (t->kind == TY_WASM)
				t->wasm = t->name;
			table[i] = t;
		}
		ctx->builtin_types = table;
	}
	for (size_t i = 0; i < NBUILTINS; i++)
		if (ctx->builtin_types[i]->name == name)
			return ctx->builtin_types[i];
	return NULL;
}

const char *type_kind_word(enum type_kind k)
{
	static const char *const words[] = {
		[TY_ERROR] = "?", [TY_BOOL] = "bool", [TY_INT] = "int", [TY_FLOAT] = "float",
		[TY_STRING] = "string", [TY_TEXT] = "text", [TY_DURATION] = "duration",
		[TY_SIZE] = "size", [TY_PATH] = "path", [TY_URL] = "url", [TY_CRON] = "cron",
		[TY_SECRET] = "secret", [TY_LIST] = "list", [TY_MAP] = "map",
		[TY_OPTIONAL] = "optional", [TY_ENUM] = "enum", [TY_RECORD] = "record",
		[TY_REF] = "reference", [TY_UNION] = "union", [TY_DEPENDENCY] = "dependency",
		[TY_PORT_MAP] = "port_map", [TY_SECRET_SOURCE] = "secret_source",
		[TY_WORD] = "word", [TY_WASM] = "wasm value", [TY_FILE] = "file",
	};
	return words[k];
}

static void format_bound(struct strbuf *out, const struct type *t, double v)
{
	switch (t->kind) {
	case TY_DURATION:
		strbuf_addf(out, "%.0fms", v);
		break;
	case TY_SIZE:
		strbuf_addf(out, "%.0fB", v);
		break;
	case TY_INT:
		strbuf_addf(out, "%.0f", v);
		break;
	default:
		strbuf_addf(out, "%g", v);
	}
}

void type_format(const struct type *t, struct strbuf *out)
{
	if (!t) {
		strbuf_addstr(out, "?");
		return;
	}
	switch (t->kind) {
	case TY_LIST:
		strbuf_addch(out, '[');
		type_format(t->elem, out);
		strbuf_addch(out, ']');
		return;
	case TY_MAP:
		strbuf_addch(out, '{');
		if (t->key && t->key->kind == TY_ENUM)
			type_format(t->key, out);
		else
			strbuf_addstr(out, "string");
		strbuf_addstr(out, ": ");
		type_format(t->elem, out);
		strbuf_addch(out, '}');
		return;
	case TY_OPTIONAL:
		type_format(t->elem, out);
		strbuf_addch(out, '?');
		return;
	case TY_ENUM:
		if (t->name) {
			strbuf_addstr(out, t->name->name);
			return;
		}
		for (uint32_t i = 0; i < t->nmembers; i++) {
			if (i)
				strbuf_addstr(out, " | ");
			strbuf_addstr(out, t->members[i]->name);
		}
		return;
	case TY_UNION:
		for (uint32_t i = 0; i < t->nalts; i++) {
			if (i)
				strbuf_addstr(out, " | ");
			type_format(t->alts[i], out);
		}
		return;
	case TY_REF:
		strbuf_addstr(out, kind_word(t->ref_kind));
		return;
	case TY_FILE:
		strbuf_addf(out, "file(\"%s\")", t->media ? t->media : "");
		return;
	default:
		break;
	}
	if (t->name) {
		strbuf_addstr(out, t->name->name);
		return;
	}
	/* An anonymous constrained type: int(0..), string(/re/). */
	strbuf_addstr(out, type_kind_word(t->kind));
	if (t->pattern) {
		strbuf_addf(out, "(/%s/)", t->pattern);
	} else if (t->has_lo || t->has_hi) {
		strbuf_addch(out, '(');
		if (t->has_lo)
			format_bound(out, t, t->lo);
		strbuf_addstr(out, "..");
		if (t->has_hi)
			format_bound(out, t, t->hi);
		strbuf_addch(out, ')');
	}
}

const struct record_field *type_field(const struct type *record, const struct sym *name)
{
	for (uint32_t i = 0; i < record->nfields; i++)
		if (record->fields[i].name == name)
			return &record->fields[i];
	return NULL;
}

const struct sym *type_suggest_field(const struct type *record, const struct sym *name)
{
	const struct sym *best = NULL;
	size_t best_dist = 3;
	for (uint32_t i = 0; i < record->nfields; i++) {
		size_t d = name_distance(sym_str(name), sym_str(record->fields[i].name));
		if (d < best_dist) {
			best_dist = d;
			best = record->fields[i].name;
		}
	}
	return best;
}

bool type_is_optional(const struct type *t)
{
	if (t->kind == TY_OPTIONAL || t->kind == TY_ERROR)
		return true;
	if (t->kind == TY_UNION)
		for (uint32_t i = 0; i < t->nalts; i++)
			if (type_is_optional(t->alts[i]))
				return true;
	return false;
}

bool type_compile_pattern(struct orchc_ctx *ctx, struct type *t, struct span where)
{
	if (t->re || !t->pattern)
		return true;
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)t->pattern, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF, &err, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof msg);
		struct span at = where;
		/* Point at the offending character: the span covers the pattern
		 * source between the slashes. */
		if (at.lo + off < at.hi)
			at = (struct span){ where.file, where.lo + (uint32_t)off,
					    where.lo + (uint32_t)off + 1 };
		diag_report(&ctx->diags, E0301, at, "invalid pattern: %s", (const char *)msg);
		return false;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* optional speed-up */
	vec_push(&ctx->patterns, re);
	t->re = re;
	return true;
}

bool type_pattern_matches(const struct type *t, const char *s, uint32_t len)
{
	if (!t->re)
		return true;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(t->re, NULL);
	int rc = pcre2_match(t->re, (PCRE2_SPTR)s, len, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

void types_release(struct orchc_ctx *ctx)
{
	for (size_t i = 0; i < ctx->patterns.len; i++)
		pcre2_code_free(ctx->patterns.items[i]);
	vec_free(&ctx->patterns);
}

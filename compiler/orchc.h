/*
 * orchc.h - the compiler's API, used by the command line (main.c), the unit
 * tests and the fuzzers.
 *
 * A compilation context owns everything: the arena, the interned names, the
 * source files and the diagnostics.  Stages take the context, append
 * diagnostics and return; nothing here prints or exits.
 */
#ifndef ORCHC_ORCHC_H
#define ORCHC_ORCHC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "intern.h"
#include "source.h"
#include "vec.h"

struct ast_node;

#define ORCHC_VERSION "0.1.0"

struct type;

struct orchc_ctx {
	struct arena arena;
	struct interner names;
	struct source_set sources;
	struct diag_list diags;
	/* Semantics: built-in types (types.c), compiled patterns to free, and
	 * where `import "std/NAME"` looks (module.c). */
	const struct type **builtin_types;
	VEC(void *) patterns;
	const char **include_dirs;
	uint32_t ninclude_dirs;
};

/** Prepares an empty compilation. */
void orchc_ctx_init(struct orchc_ctx *ctx);

/** Frees everything the compilation owns, AST and diagnostics included. */
void orchc_ctx_release(struct orchc_ctx *ctx);

/**
 * Reads `path` into the file table.  Returns the file number, or -1 after
 * reporting E0012 (unreadable) or E0010 (too large).
 */
int orchc_load_file(struct orchc_ctx *ctx, const char *path);

/** orchc_load_file, but diagnostics name the file `shown` (std/x.orch). */
int orchc_load_file_as(struct orchc_ctx *ctx, const char *path, const char *shown);

/** Adds in-memory source text under the display name `name`; -1 if too large. */
int orchc_load_buffer(struct orchc_ctx *ctx, const char *name, const char *text,
		      size_t len);

/** Parses file number `file`; never NULL (an AST_FILE, possibly with errors). */
struct ast_node *orchc_parse(struct orchc_ctx *ctx, uint32_t file);

/** Loads and parses `path`; NULL if it could not be read (reported). */
struct ast_node *orchc_parse_path(struct orchc_ctx *ctx, const char *path);

/** True when an error (not a warning) has been reported. */
static inline bool orchc_failed(const struct orchc_ctx *ctx)
{
	return ctx->diags.errors > 0;
}

#endif

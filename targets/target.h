/*
 * target.h - the interface every target implements.
 *
 * A target reads the checked model (model.h) and adds files to the output
 * set (output.h) under its own root directory; it reports what it cannot
 * express as diagnostics.  It never writes to the file system, never looks
 * at the AST and never re-checks the language.  Adding a target means one
 * more entry in build.c's table and touches no other target.
 */
#ifndef ORCHC_TARGET_H
#define ORCHC_TARGET_H

#include <stdbool.h>

struct m_entity;
struct m_program;
struct m_value;
struct orchc_ctx;
struct output_set;

struct target_ctx {
	struct orchc_ctx *ctx;
	const struct m_program *prog;
	struct output_set *out;
	const char *out_dir;      /* absolute and normalised: for relative paths */
	const char *source;       /* the root file's name, for headers */
	const char **include;     /* pods to build (NULL: all) */
	unsigned ninclude;
	const char **exclude;     /* pods not to build */
	unsigned nexclude;
	const struct m_entity *settings; /* the target's `target NAME { }` block, or NULL */
};

/** A field of the target's settings block (NULL when the program has none). */
const struct m_value *target_setting(const struct target_ctx *t, const char *field);

/** The program's `target NAME { }` block (any target when `name` is NULL), or NULL. */
const struct m_entity *target_settings_of(const struct m_program *prog, const char *name);

struct target {
	const char *name;  /* --target NAME */
	const char *root;  /* the directory of DIR it owns: "compose" */
	void (*emit)(struct target_ctx *t);
	/* Reads what the other targets wrote: runs after them, on the sorted
	 * set that includes the files of targets not built now, and is built
	 * whenever --target does not leave it out. */
	bool reads_output;
};

extern const struct target target_compose;
extern const struct target target_kubernetes;
extern const struct target target_migrations;
extern const struct target target_wasm;
extern const struct target target_deploy;

#endif

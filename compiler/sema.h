/*
 * sema.h - from a parsed program to its model: imports, names, types,
 * templates, profiles and the domain checks.
 *
 * sema_build() loads the root file and everything it imports (each module
 * once), resolves every name, evaluates every field against its type, and
 * returns the model (model.h).  Diagnostics go to the context; the model is
 * NULL when any error was reported.
 */
#ifndef ORCHC_SEMA_H
#define ORCHC_SEMA_H

#include <stdbool.h>
#include <stdint.h>

struct orchc_ctx;
struct m_program;
struct sym;

struct sema_opts {
	const char *profile; /* NULL: no profile */
};

/**
 * Builds the model of the program rooted at `path`.  Returns NULL (after
 * reporting) on errors; the model lives in the context's arena.
 */
struct m_program *sema_build(struct orchc_ctx *ctx, const char *path, const struct sema_opts *opts);

/** sema_build for a root already in the file table (orchc_load_buffer). */
struct m_program *sema_build_file(struct orchc_ctx *ctx, uint32_t file, const struct sema_opts *opts);

/**
 * Checks the program once without a profile and once per profile it
 * declares (`orchc check --all-profiles`).  Returns true when all are clean.
 */
bool sema_check_all_profiles(struct orchc_ctx *ctx, const char *path);

#endif

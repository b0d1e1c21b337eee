/*
 * build.h - `orchc build`: targets -> output set -> manifest -> writer.
 */
#ifndef ORCHC_BUILD_H
#define ORCHC_BUILD_H

#include <stdbool.h>

struct m_program;
struct orchc_ctx;
struct strbuf;
struct target;

struct build_opts {
	const char *out_dir;     /* DIR (default "out") */
	const char *profile;     /* recorded in the manifest */
	const char **targets;    /* --target (NULL: the program's, or all) */
	unsigned ntargets;
	const char **include, **exclude;
	unsigned ninclude, nexclude;
	bool check;              /* compare instead of writing */
};

/** The target called `name`, or NULL. */
const struct target *build_find_target(const char *name);

/** Appends the names of every target, comma-separated, for messages. */
void build_target_names(struct strbuf *out);

/**
 * Runs the selected targets on `prog` and writes their output set to
 * opts->out_dir (or, with opts->check, compares it and lists the
 * differences in `report`).  Problems are diagnostics in `ctx`.  Returns
 * false when the build failed or the output is stale.
 */
bool build_run(struct orchc_ctx *ctx, const struct m_program *prog, const char *root_path,
	       const struct build_opts *opts, struct strbuf *report);

#endif

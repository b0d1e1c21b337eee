/*
 * manifest.h - DIR/orch-manifest.json: what a build wrote, and from what.
 *
 * The manifest lists every generated file with its sha256 and size, the
 * compiler version, the profile, the targets, and the digest of every
 * source file (the root, its imports and the stdlib modules used), so a
 * GitOps repository can tell which sources and compiler produced a tree.
 * The next build reads it back to know which files of DIR are generated
 * (the writer keeps all others).  The format is documented in orchc(1).
 */
#ifndef ORCHC_MANIFEST_H
#define ORCHC_MANIFEST_H

#include <stdbool.h>

struct arena;
struct output_set;
struct previous_build;
struct source_set;
struct strbuf;

#define MANIFEST_NAME "orch-manifest.json"

struct manifest_info {
	const char *root_path;  /* the file given to `orchc build` */
	const char *profile;    /* NULL: none */
	const char **targets;   /* the targets built, in order */
	unsigned ntargets;
};

/**
 * Adds orch-manifest.json to `set` (sorted; it stays sorted).  `digests`
 * holds the files' sha256s in hex, in the order of `set`, as the writer
 * computed them; NULL: they are computed here.
 */
void manifest_add(struct output_set *set, struct source_set *sources,
		  const struct manifest_info *info, const char *const *digests);

/**
 * Reads the paths DIR/orch-manifest.json lists into `prev` (arena), sorted.
 * A missing manifest is an empty list; an unreadable or malformed one is an
 * error (false, message in `err`): guessing would risk deleting user files.
 */
bool manifest_read(const char *dir, struct arena *arena, struct previous_build *prev,
		   struct strbuf *err);

#endif

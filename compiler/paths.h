/*
 * paths.h - lexical path arithmetic for outputs that point back at inputs.
 *
 * A generated file that names a file of the source tree (an env file, a
 * bind-mounted directory, a secret file) must name it relative to itself,
 * so the output is the same whatever directory orchc ran in.  All of this
 * is lexical ('..' is not resolved through symlinks), like the paths a
 * user writes.
 */
#ifndef ORCHC_PATHS_H
#define ORCHC_PATHS_H

#include <stdbool.h>

struct arena;
struct source_set;
struct span;

/** `path` made absolute against the working directory, '.' and '..' folded. */
char *path_absolute(struct arena *a, const char *path);

/** The directory part of `path` ("." for a bare name). */
char *path_dirname(struct arena *a, const char *path);

/** `path` joined to `dir` unless absolute, then normalised. */
char *path_join(struct arena *a, const char *dir, const char *path);

/** `path`, written in the source file of `at`, as an absolute path: a
 *  relative path names a file beside the file that wrote it. */
char *path_in_source(struct arena *a, const struct source_set *set, struct span at,
		     const char *path);

/** True when `path` is relative and has no empty, '.' or '..' component:
 *  it names something inside the directory it is joined to. */
bool path_stays_inside(const char *path);

/** The relative path from directory `from` to `to` (both absolute, normalised). */
char *path_relative(struct arena *a, const char *from, const char *to);

#endif

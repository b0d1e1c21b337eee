/*
 * output.h - the output set: every file a build produces, in memory.
 *
 * Targets add files (a path relative to the output directory and its
 * bytes); nothing touches the file system until the writer (writer.h) has
 * the whole set.  Paths are '/'-separated, relative, without '.' or '..'.
 */
#ifndef ORCHC_OUTPUT_H
#define ORCHC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "vec.h"

struct arena;
struct strbuf;
struct ynode;
struct out_yaml;

struct out_file {
	const char *path;
	const char *data; /* NULL while a YAML document waits to be written out */
	size_t len;
	unsigned mode; /* permission bits: 0644, or 0755 for scripts */
	struct out_yaml *yaml; /* the document behind `data`, or NULL */
};

struct output_set {
	struct arena *arena;
	VEC(struct out_file) files;
	/* Called with each file as it is added (the writer starts at once). */
	void (*added)(void *ctx, const struct out_file *f);
	void *added_ctx;
};

void output_init(struct output_set *o, struct arena *arena);
void output_release(struct output_set *o);

/** Adds a file with a copy of `len` bytes of `data` (path copied too). */
void output_add(struct output_set *o, const char *path, const void *data, size_t len,
		unsigned mode);

/** Adds a file holding the contents of `sb` (which is left empty). */
void output_add_buf(struct output_set *o, const char *path, struct strbuf *sb, unsigned mode);

/**
 * Adds a file holding the YAML document `root` after `header` (neither
 * copied: both must stay unchanged until the end of the build).  The text
 * is written later, by output_render_yaml.
 */
void output_add_yaml(struct output_set *o, const char *path, const struct ynode *root,
		     const char *header, unsigned mode);

/**
 * Sets `f`'s data to the text of its YAML document, writing it out first
 * unless another thread has (the writer's thread writes documents out as
 * they come; a reader of the set that gets there first writes them itself).
 */
void output_render_yaml(struct out_file *f);

/** Sets the data of every file: then readers of the set see bytes only. */
void output_resolve(struct output_set *o);

/**
 * Sorts the files by path (byte order).  Returns the first path added twice,
 * or NULL: two targets writing one file is a compiler bug, not a user error.
 */
const char *output_sort(struct output_set *o);

/** Moves the file added last into its place in an otherwise sorted set. */
void output_sort_last(struct output_set *o);

/** The file at `path` of a sorted set, or NULL. */
const struct out_file *output_find(const struct output_set *o, const char *path);

/** The index of the first file of a sorted set whose path is not below `path`. */
size_t output_lower_bound(const struct output_set *o, const char *path);

#endif

/*
 * source.h - the file table of a compilation and the mapping from byte
 * spans to lines and columns.
 *
 * Spans are (file, byte start, byte end).  Lines and columns are computed
 * only when a diagnostic is printed, from a line-start table built lazily.
 */
#ifndef ORCHC_SOURCE_H
#define ORCHC_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Half-open byte range [lo, hi) in file number `file`. */
struct span {
	uint32_t file, lo, hi;
};

struct source_file {
	const char *path; /* as given by the user, never made absolute */
	char *text;       /* heap copy, NUL-terminated (the file may hold NULs) */
	uint32_t len;
	uint32_t *line_starts; /* lazily built; line_starts[0] == 0 */
	uint32_t nlines;
	struct source_digest *digest; /* see source_set_digest_all */
};

/** A position for humans: 1-based line, 1-based column in code points. */
struct source_pos {
	uint32_t line, col;
};

struct source_set {
	struct source_file *files;
	uint32_t count, cap;
	bool digest_all;
};

/** The largest source file accepted: spans are 32-bit byte offsets. */
#define SOURCE_MAX_LEN ((size_t)UINT32_MAX - 1)

void source_set_init(struct source_set *set);
void source_set_release(struct source_set *set);

/**
 * Adds a copy of `len` bytes under the display name `path` (both copied).
 * Returns the file number.  The caller checks `len` <= SOURCE_MAX_LEN.
 */
uint32_t source_add(struct source_set *set, const char *path, const char *text,
		    size_t len);

/** Like source_add, but takes ownership of `text` (malloc'd, NUL at `len`). */
uint32_t source_adopt(struct source_set *set, const char *path, char *text, size_t len);

/**
 * Hashes every file added from now on, each on a thread of its own, while
 * the compiler parses it: `orchc build` lists the sources' sha256 in its
 * manifest, and hashing a large program on the parser's thread took a
 * tenth as long as parsing it.
 */
void source_set_digest_all(struct source_set *set);

/** The sha256 (lowercase hex) of file `file`, waiting for its thread. */
const char *source_digest(struct source_set *set, uint32_t file);

/** Line and column of byte `off` in file `file`. */
struct source_pos source_locate(struct source_set *set, uint32_t file, uint32_t off);

/** The bytes of line `line` (1-based) without its newline. */
const char *source_line(struct source_set *set, uint32_t file, uint32_t line,
			size_t *len);

/** A span covering both `a` and `b` (same file). */
static inline struct span span_join(struct span a, struct span b)
{
	return (struct span){ a.file, a.lo < b.lo ? a.lo : b.lo, a.hi > b.hi ? a.hi : b.hi };
}

#endif

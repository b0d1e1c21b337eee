/*
 * rootfs.h - files below a root directory, without escaping it.
 *
 * Every path is relative to a root opened once; each directory on the way
 * is opened with O_NOFOLLOW, so a symbolic link planted in the tree (to
 * /etc, say) is refused instead of followed.  Files are replaced
 * atomically: written beside their destination, flushed, renamed over it,
 * and the directory flushed, so a crash leaves the old file or the new
 * one, never half of either.
 */
#ifndef ORCH_APPLY_ROOTFS_H
#define ORCH_APPLY_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/** Opens (creating it when `create`) the directory `dir`; -1 with `err`. */
int rootfs_open(const char *dir, bool create, struct strbuf *err);

enum rootfs_read { ROOTFS_OK, ROOTFS_MISSING, ROOTFS_ERROR };

/** Reads ROOT/path into `out` (not through a symbolic link), and its
 * permission bits into *mode unless `mode` is NULL. */
enum rootfs_read rootfs_read(int root, const char *path, struct strbuf *out, unsigned *mode,
			     struct strbuf *err);

/** Replaces ROOT/path with `len` bytes of `data`, creating directories. */
bool rootfs_write(int root, const char *path, const void *data, size_t len, unsigned mode,
		  struct strbuf *err);

/** Removes ROOT/path (a missing file is not an error). */
bool rootfs_remove(int root, const char *path, struct strbuf *err);

/** Reads a whole file named by an ordinary path. */
bool read_whole_file(const char *path, struct strbuf *out, struct strbuf *err);

#endif

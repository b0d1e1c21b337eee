/*
 * writer.c - atomic replacement of the output directory, and --check.
 */
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE */
#include "writer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "str.h"

static int compare_path(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool previous_has(const struct previous_build *p, const char *path)
{
	return p->len && bsearch(path, p->paths, p->len, sizeof *p->paths, compare_path);
}

static bool fail(struct strbuf *err, const char *what, const char *path)
{
	strbuf_addf(err, "cannot %s '%s': %s", what, path, strerror(errno));
	return false;
}

/* Creates the directories of `path` below its first `keep` bytes. */
static bool make_parents(char *path, size_t keep, struct strbuf *err)
{
	for (char *p = path + keep; (p = strchr(p + 1, '/')) != NULL;) {
		*p = '\0';
		bool ok = mkdir(path, 0777) == 0 || errno == EEXIST;
		if (!ok)
			fail(err, "create directory", path);
		*p = '/';
		if (!ok)
			return false;
	}
	return true;
}

static bool write_all(const char *path, const struct out_file *f, struct strbuf *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)f->mode);
	if (fd < 0)
		return fail(err, "create", path);
	const char *p = f->data;
	size_t left = f->len;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return fail(err, "write", path);
		}
		p += n;
		left -= (size_t)n;
	}
	/* The mode is exact, whatever the umask. */
	if (fchmod(fd, (mode_t)f->mode) != 0 || close(fd) != 0)
		return fail(err, "write", path);
	return true;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

struct carry {
	const struct output_set *set;
	const struct previous_build *prev;
	struct strbuf from, to; /* DIR/rel and NEW/rel */
	size_t from_root, to_root;
	struct strbuf *err;
	bool would_replace;
};

/* Carries the files of DIR/rel that orchc did not write into NEW/rel. */
static bool carry_dir(struct carry *c)
{
	DIR *d = opendir(c->from.buf);
	if (!d)
		return fail(c->err, "read directory", c->from.buf);
	bool ok = true, empty = true;
	struct dirent *e;
	while (ok && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		empty = false;
		size_t from_len = c->from.len, to_len = c->to.len;
		strbuf_addf(&c->from, "/%s", e->d_name);
		strbuf_addf(&c->to, "/%s", e->d_name);
		const char *rel = c->from.buf + c->from_root + 1;
		struct stat st;
		if (lstat(c->from.buf, &st) != 0) {
			ok = fail(c->err, "inspect", c->from.buf);
		} else if (S_ISDIR(st.st_mode)) {
			ok = carry_dir(c);
		} else if (!previous_has(c->prev, rel)) {
			if (output_find(c->set, rel)) {
				strbuf_addf(c->err,
					    "'%s' was not written by orchc and would be replaced by a generated file; move it away first",
					    c->from.buf);
				c->would_replace = true;
				ok = false;
			} else {
				ok = make_parents(c->to.buf, c->to_root, c->err) &&
				     (linkat(AT_FDCWD, c->from.buf, AT_FDCWD, c->to.buf, 0) == 0 ||
				      fail(c->err, "keep", c->from.buf));
			}
		}
		strbuf_setlen(&c->from, from_len);
		strbuf_setlen(&c->to, to_len);
	}
	closedir(d);
	/* An empty directory is the user's: keep it. */
	if (ok && empty && c->from.len > c->from_root) {
		strbuf_addch(&c->to, '/');
		ok = make_parents(c->to.buf, c->to_root, c->err);
		strbuf_setlen(&c->to, c->to.len - 1);
	}
	return ok;
}

/* DIR and the name of a new directory beside it. */
static void sibling(const char *dir, const char *tag, struct strbuf *out)
{
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	const char *slash = NULL;
	for (size_t i = 0; i < len; i++)
		if (dir[i] == '/')
			slash = dir + i;
	size_t base = slash ? (size_t)(slash - dir) + 1 : 0;
	strbuf_add(out, dir, base);
	strbuf_addch(out, '.');
	strbuf_add(out, dir + base, len - base);
	strbuf_addf(out, ".orchc-%s-%ld", tag, (long)getpid());
}

static bool swap_into_place(const char *fresh, const char *dir, bool exists, struct strbuf *err)
{
	if (!exists)
		return rename(fresh, dir) == 0 || fail(err, "move the new output to", dir);
	if (renameat2(AT_FDCWD, fresh, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
		remove_tree(fresh); /* now the old tree */
		return true;
	}
	if (errno != EINVAL && errno != ENOSYS)
		return fail(err, "replace", dir);
	/* No atomic exchange on this file system: two renames. */
	struct strbuf old;
	strbuf_init(&old);
	sibling(dir, "old", &old);
	bool ok = rename(dir, old.buf) == 0 || fail(err, "move aside", dir);
	if (ok && rename(fresh, dir) != 0) {
		ok = fail(err, "move the new output to", dir);
		rename(old.buf, dir);
	}
	if (ok)
		remove_tree(old.buf);
	strbuf_release(&old);
	return ok;
}

/* Whether the file at `path` holds exactly `f`'s bytes; -1 if it is missing. */
static int same_contents(const char *path, const struct out_file *f)
{
	FILE *in = fopen(path, "rb");
	if (!in)
		return -1;
	char buf[65536];
	size_t at = 0, n;
	bool same = true;
	while (same && (n = fread(buf, 1, sizeof buf, in)) > 0) {
		same = at + n <= f->len && memcmp(buf, f->data + at, n) == 0;
		at += n;
	}
	fclose(in);
	return same && at == f->len;
}

enum write_result writer_commit(const struct output_set *set, const char *dir,
				const struct previous_build *prev, struct strbuf *err)
{
	bool would_replace = false;
	struct stat st;
	bool exists = stat(dir, &st) == 0;
	if (exists && !S_ISDIR(st.st_mode)) {
		strbuf_addf(err, "'%s' exists and is not a directory", dir);
		return WRITE_FAILED;
	}
	struct strbuf fresh;
	strbuf_init(&fresh);
	sibling(dir, "new", &fresh);
	remove_tree(fresh.buf); /* left by an earlier build killed with this pid */
	/* The parents of DIR, so that -o a/b/c works on a fresh clone (a
	 * failure shows as the mkdir's below). */
	make_parents(fresh.buf, 0, err);
	strbuf_reset(err);
	bool ok = mkdir(fresh.buf, 0777) == 0 || fail(err, "create directory", fresh.buf);
	size_t root = fresh.len;
	struct strbuf path;
	strbuf_init(&path);
	struct strbuf old;
	strbuf_init(&old);
	for (size_t i = 0; ok && i < set->files.len; i++) {
		const struct out_file *f = &set->files.items[i];
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", fresh.buf, f->path);
		ok = make_parents(path.buf, root, err);
		if (!ok)
			break;
		/* An unchanged file is linked, not rewritten: a rebuild that
		 * changes one service touches one file, and the file system
		 * allocates and frees no inodes for the others. */
		strbuf_reset(&old);
		strbuf_addf(&old, "%s/%s", dir, f->path);
		struct stat was;
		if (exists && previous_has(prev, f->path) && lstat(old.buf, &was) == 0 &&
		    S_ISREG(was.st_mode) && (was.st_mode & 07777) == f->mode &&
		    same_contents(old.buf, f) == 1 && linkat(AT_FDCWD, old.buf, AT_FDCWD, path.buf, 0) == 0)
			continue;
		ok = write_all(path.buf, f, err);
	}
	strbuf_release(&old);
	strbuf_release(&path);
	if (ok && exists) {
		struct carry c = { .set = set, .prev = prev, .err = err };
		strbuf_init(&c.from);
		strbuf_init(&c.to);
		strbuf_addstr(&c.from, dir);
		while (c.from.len > 1 && c.from.buf[c.from.len - 1] == '/')
			strbuf_setlen(&c.from, c.from.len - 1);
		strbuf_addstr(&c.to, fresh.buf);
		c.from_root = c.from.len;
		c.to_root = c.to.len;
		ok = carry_dir(&c);
		would_replace = c.would_replace;
		strbuf_release(&c.from);
		strbuf_release(&c.to);
	}
	if (ok)
		ok = swap_into_place(fresh.buf, dir, exists, err);
	if (!ok)
		remove_tree(fresh.buf);
	strbuf_release(&fresh);
	return ok ? WRITE_OK : would_replace ? WRITE_WOULD_REPLACE : WRITE_FAILED;
}

size_t writer_check(const struct output_set *set, const char *dir,
		    const struct previous_build *prev, struct strbuf *report)
{
	size_t differences = 0;
	struct strbuf path;
	strbuf_init(&path);
	for (size_t i = 0; i < set->files.len; i++) {
		const struct out_file *f = &set->files.items[i];
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, f->path);
		int same = same_contents(path.buf, f);
		if (same != 1) {
			strbuf_addf(report, "%s %s\n", same < 0 ? "missing" : "stale", path.buf);
			differences++;
		}
	}
	for (size_t i = 0; i < prev->len; i++) {
		if (output_find(set, prev->paths[i]))
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, prev->paths[i]);
		if (access(path.buf, F_OK) == 0) {
			strbuf_addf(report, "extra %s\n", path.buf);
			differences++;
		}
	}
	strbuf_release(&path);
	return differences;
}

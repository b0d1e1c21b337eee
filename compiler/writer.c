/*
 * writer.c - atomic replacement of the output directory, and --check.
 */
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE */
#include "writer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "output.h"
#include "sha256.h"
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

/* The start of the name of a directory beside DIR, ".../.DIR.orchc-";
 * `*base` is where its last component starts. */
static void sibling_prefix(const char *dir, struct strbuf *out, size_t *base)
{
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	const char *slash = NULL;
	for (size_t i = 0; i < len; i++)
		if (dir[i] == '/')
			slash = dir + i;
	*base = slash ? (size_t)(slash - dir) + 1 : 0;
	strbuf_add(out, dir, *base);
	strbuf_addch(out, '.');
	strbuf_add(out, dir + *base, len - *base);
	strbuf_addstr(out, ".orchc-");
}

/* DIR and the name of a new directory beside it. */
static void sibling(const char *dir, const char *tag, struct strbuf *out)
{
	size_t base;
	sibling_prefix(dir, out, &base);
	strbuf_addf(out, "%s-%ld", tag, (long)getpid());
}

/* A build killed before it could clean up (SIGKILL, SIGINT, a power cut)
 * left its trees beside DIR, named with its pid: those of processes that
 * are gone are removed. */
static void sweep_siblings(const char *dir)
{
	struct strbuf path;
	strbuf_init(&path);
	size_t base;
	sibling_prefix(dir, &path, &base);
	size_t prefix = path.len;
	size_t name_len = prefix - base;
	/* Copies: `path` grows below. */
	char *name = strndup(path.buf + base, name_len); /* ".DIR.orchc-" */
	char *parent = base ? strndup(path.buf, base) : strdup(".");
	DIR *d = parent && name ? opendir(parent) : NULL;
	for (struct dirent *e; d && (e = readdir(d));) {
		const char *rest = e->d_name + name_len;
		if (strncmp(e->d_name, name, name_len) != 0 ||
		    (strncmp(rest, "new-", 4) != 0 && strncmp(rest, "old-", 4) != 0))
			continue;
		char *end;
		long pid = strtol(rest + 4, &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		strbuf_setlen(&path, prefix);
		strbuf_addstr(&path, rest);
		remove_tree(path.buf);
	}
	if (d)
		closedir(d);
	free(name);
	free(parent);
	strbuf_release(&path);
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

/* ---- the writing thread ------------------------------------------------------ */

/* A file handed to the writer; the thread adds its digest. */
struct pending {
	struct out_file f;
	struct pending *next; /* set under `lock`; the thread follows it only up
				 to the last file it took */
	char sha256[65];
};

struct writer {
	const char *dir;
	const struct previous_build *prev;
	bool exists;          /* DIR exists: carry its user files, link unchanged ones */
	struct strbuf fresh;  /* the new directory beside DIR */
	size_t root;          /* fresh.len */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t more;  /* to the thread: files to write, or no more */
	pthread_cond_t idle;  /* from the thread: all it was given is written */
	/* Under `lock`: */
	struct pending *head, *tail, *untaken;
	size_t put, done;
	bool closed, waiting;
	/* The thread's own until it is joined: */
	bool ok;
	struct strbuf err;
	struct strbuf path, old;
	const char *made; /* the directory made last, as a prefix of its files' paths */
	size_t made_len;
};

/* Writes one file into the new tree.  An unchanged file is linked, not
 * rewritten: a rebuild that changes one service touches one file, and the
 * file system allocates and frees no inodes for the others. */
static bool put_file(struct writer *w, const struct out_file *f)
{
	strbuf_reset(&w->path);
	strbuf_addf(&w->path, "%s/%s", w->fresh.buf, f->path);
	const char *slash = strrchr(f->path, '/');
	size_t dir_len = slash ? (size_t)(slash - f->path) + 1 : 0;
	/* The files of a directory come together, so each is made about once. */
	if (dir_len != w->made_len || (dir_len && memcmp(f->path, w->made, dir_len) != 0)) {
		if (!make_parents(w->path.buf, w->root, &w->err))
			return false;
		w->made = f->path;
		w->made_len = dir_len;
	}
	strbuf_reset(&w->old);
	strbuf_addf(&w->old, "%s/%s", w->dir, f->path);
	struct stat was;
	if (w->exists && previous_has(w->prev, f->path) && lstat(w->old.buf, &was) == 0 &&
	    S_ISREG(was.st_mode) && (was.st_mode & 07777) == f->mode &&
	    same_contents(w->old.buf, f) == 1 &&
	    linkat(AT_FDCWD, w->old.buf, AT_FDCWD, w->path.buf, 0) == 0)
		return true;
	return write_all(w->path.buf, f, &w->err);
}

static void *write_files(void *arg)
{
	struct writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->untaken && !w->closed) {
			w->waiting = true;
			pthread_cond_wait(&w->more, &w->lock);
			w->waiting = false;
		}
		if (!w->untaken)
			break;
		/* Take every file added so far; the build goes on adding. */
		struct pending *p = w->untaken, *last = w->tail;
		w->untaken = NULL;
		pthread_mutex_unlock(&w->lock);
		size_t n = 0;
		for (;; p = p->next) {
			if (!p->f.data)
				output_render_yaml(&p->f);
			sha256_hex(p->f.data, p->f.len, p->sha256);
			if (w->ok)
				w->ok = put_file(w, &p->f);
			n++;
			if (p == last)
				break;
		}
		pthread_mutex_lock(&w->lock);
		w->done += n;
		if (w->done == w->put)
			pthread_cond_signal(&w->idle);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static void stop_sync(struct writer *w)
{
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->more);
	pthread_cond_destroy(&w->idle);
}

static void writer_release(struct writer *w)
{
	for (struct pending *p = w->head, *next; p; p = next) {
		next = p->next;
		free(p);
	}
	strbuf_release(&w->fresh);
	strbuf_release(&w->err);
	strbuf_release(&w->path);
	strbuf_release(&w->old);
	free(w);
}

struct writer *writer_start(const char *dir, const struct previous_build *prev, struct strbuf *err)
{
	struct stat st;
	bool exists = stat(dir, &st) == 0;
	if (exists && !S_ISDIR(st.st_mode)) {
		strbuf_addf(err, "'%s' exists and is not a directory", dir);
		return NULL;
	}
	struct writer *w = xmalloc(sizeof *w);
	*w = (struct writer){ .dir = dir, .prev = prev, .exists = exists, .ok = true };
	strbuf_init(&w->fresh);
	strbuf_init(&w->err);
	strbuf_init(&w->path);
	strbuf_init(&w->old);
	sibling(dir, "new", &w->fresh);
	w->root = w->fresh.len;
	remove_tree(w->fresh.buf); /* left by an earlier build killed with this pid */
	sweep_siblings(dir);
	/* The parents of DIR, so that -o a/b/c works on a fresh clone (a
	 * failure shows as the mkdir's below). */
	make_parents(w->fresh.buf, 0, err);
	strbuf_reset(err);
	if (mkdir(w->fresh.buf, 0777) != 0) {
		fail(err, "create directory", w->fresh.buf);
		writer_release(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->more, NULL);
	pthread_cond_init(&w->idle, NULL);
	if (pthread_create(&w->thread, NULL, write_files, w) != 0) {
		strbuf_addstr(err, "cannot start the writing thread");
		stop_sync(w);
		remove_tree(w->fresh.buf);
		writer_release(w);
		return NULL;
	}
	return w;
}

void writer_put(void *writer, const struct out_file *f)
{
	struct writer *w = writer;
	struct pending *p = xmalloc(sizeof *p);
	p->f = *f;
	p->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->tail)
		w->tail->next = p;
	else
		w->head = p;
	w->tail = p;
	if (!w->untaken)
		w->untaken = p;
	w->put++;
	/* Wake a thread that ran dry only for a batch: a wake-up per file
	 * would cost more than the writing. */
	if (w->waiting && w->put - w->done >= 32)
		pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->lock);
}

static int by_pending_path(const void *a, const void *b)
{
	return strcmp((*(const struct pending *const *)a)->f.path,
		      (*(const struct pending *const *)b)->f.path);
}

static void wait_idle(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	if (w->waiting && w->untaken)
		pthread_cond_signal(&w->more);
	while (w->done != w->put)
		pthread_cond_wait(&w->idle, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

const char **writer_digests(struct writer *w, const struct output_set *set)
{
	wait_idle(w);
	size_t n = set->files.len;
	if (w->put != n)
		return NULL;
	struct pending **sorted = xmalloc((n + 1) * sizeof *sorted);
	size_t i = 0;
	for (struct pending *p = w->head; p; p = p->next)
		sorted[i++] = p;
	qsort(sorted, n, sizeof *sorted, by_pending_path);
	const char **hex = xmalloc((n + 1) * sizeof *hex);
	for (i = 0; i < n && strcmp(sorted[i]->f.path, set->files.items[i].path) == 0; i++)
		hex[i] = sorted[i]->sha256;
	free(sorted);
	if (i < n) {
		free(hex);
		return NULL;
	}
	return hex;
}

/* Stops the thread once it has written everything it was given. */
static void join(struct writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->closed = true;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
}

void writer_abandon(struct writer *w)
{
	if (!w)
		return;
	join(w);
	stop_sync(w);
	remove_tree(w->fresh.buf);
	writer_release(w);
}

enum write_result writer_finish(struct writer *w, const struct output_set *set, struct strbuf *err)
{
	join(w);
	bool ok = w->ok, would_replace = false;
	if (!ok)
		strbuf_add(err, w->err.buf, w->err.len);
	if (ok && w->exists) {
		struct carry c = { .set = set, .prev = w->prev, .err = err };
		strbuf_init(&c.from);
		strbuf_init(&c.to);
		strbuf_addstr(&c.from, w->dir);
		while (c.from.len > 1 && c.from.buf[c.from.len - 1] == '/')
			strbuf_setlen(&c.from, c.from.len - 1);
		strbuf_addstr(&c.to, w->fresh.buf);
		c.from_root = c.from.len;
		c.to_root = c.to.len;
		ok = carry_dir(&c);
		would_replace = c.would_replace;
		strbuf_release(&c.from);
		strbuf_release(&c.to);
	}
	if (ok)
		ok = swap_into_place(w->fresh.buf, w->dir, w->exists, err);
	stop_sync(w);
	if (!ok)
		remove_tree(w->fresh.buf);
	writer_release(w);
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

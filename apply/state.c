/*
 * state.c - the state directory: lock, unit records, object store.
 */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "str.h"

static bool lock(struct state *s, enum state_mode mode, bool wait, struct strbuf *err)
{
	s->lock_fd = openat(s->fd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (s->lock_fd < 0) {
		if (mode == STATE_READ && (errno == EACCES || errno == EROFS))
			return true; /* a read-only state directory: nothing can change it */
		strbuf_addf(err, "cannot open %s/lock: %s", s->dir, strerror(errno));
		return false;
	}
	int op = mode == STATE_WRITE ? LOCK_EX : LOCK_SH;
	if (flock(s->lock_fd, op | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK) {
			strbuf_addf(err, "cannot lock %s/lock: %s", s->dir, strerror(errno));
			return false;
		}
		if (!wait) {
			char pid[32] = "";
			ssize_t n = pread(s->lock_fd, pid, sizeof pid - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			strbuf_addf(err, "%s is locked by another orch-apply%s%s%s; retry when it ends, "
				    "or pass --wait", s->dir, *pid ? " (pid " : "", pid, *pid ? ")" : "");
			return false;
		}
		if (flock(s->lock_fd, op) != 0) {
			strbuf_addf(err, "cannot lock %s/lock: %s", s->dir, strerror(errno));
			return false;
		}
	}
	if (mode == STATE_WRITE) {
		char pid[32];
		int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
		if (ftruncate(s->lock_fd, 0) != 0 || pwrite(s->lock_fd, pid, (size_t)n, 0) != n) {
			strbuf_addf(err, "cannot write %s/lock: %s", s->dir, strerror(errno));
			return false;
		}
	}
	return true;
}

bool state_open(struct state *s, const char *dir, enum state_mode mode, bool wait,
		struct strbuf *err)
{
	s->dir = dir;
	s->lock_fd = -1;
	s->fd = -1;
	if (mode == STATE_READ) {
		s->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (s->fd < 0 && errno == ENOENT)
			return true;
		if (s->fd < 0) {
			strbuf_addf(err, "cannot open %s: %s", dir, strerror(errno));
			return false;
		}
	} else {
		/* mkdir -p: the state directory may be nested in a new root. */
		char *path = xmalloc(strlen(dir) + 1);
		strcpy(path, dir);
		for (char *p = path + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
		free(path);
		s->fd = rootfs_open(dir, true, err);
		if (s->fd < 0)
			return false;
		mkdirat(s->fd, "units", 0755);
		mkdirat(s->fd, "objects", 0755);
		mkdirat(s->fd, "db", 0755);
	}
	return lock(s, mode, wait, err);
}

void state_close(struct state *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the lock */
	if (s->fd >= 0)
		close(s->fd);
	s->fd = s->lock_fd = -1;
}

bool state_read_unit(struct state *s, const char *unit, json_t **doc, struct strbuf *err)
{
	*doc = NULL;
	if (s->fd < 0)
		return true;
	struct strbuf text;
	strbuf_init(&text);
	char path[512];
	snprintf(path, sizeof path, "units/%s.json", unit);
	enum rootfs_read r = rootfs_read(s->fd, path, &text, NULL, err);
	if (r == ROOTFS_OK) {
		json_error_t je;
		*doc = json_loadb(text.buf, text.len, JSON_REJECT_DUPLICATES, &je);
		if (!*doc || !json_is_object(*doc)) {
			strbuf_addf(err, "%s/%s is damaged (%s); restore it from a backup or remove it "
				    "to start the unit afresh", s->dir, path, *doc ? "not an object" : je.text);
			json_decref(*doc);
			*doc = NULL;
			r = ROOTFS_ERROR;
		}
	}
	strbuf_release(&text);
	return r != ROOTFS_ERROR;
}

bool state_write_unit(struct state *s, const char *unit, json_t *doc, struct strbuf *err)
{
	char path[512];
	snprintf(path, sizeof path, "units/%s.json", unit);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	bool ok = rootfs_write(s->fd, path, text, strlen(text), 0644, err);
	free(text);
	return ok;
}

bool state_put_object(struct state *s, const char *sha256, const void *data, size_t len,
		      struct strbuf *err)
{
	char path[80];
	snprintf(path, sizeof path, "objects/%s", sha256);
	struct stat st;
	if (fstatat(s->fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == len)
		return true;
	return rootfs_write(s->fd, path, data, len, 0644, err);
}

enum rootfs_read state_get_object(struct state *s, const char *sha256, struct strbuf *out,
				  struct strbuf *err)
{
	char path[80];
	snprintf(path, sizeof path, "objects/%s", sha256);
	return s->fd < 0 ? ROOTFS_MISSING : rootfs_read(s->fd, path, out, NULL, err);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **state_units(struct state *s, size_t *n)
{
	*n = 0;
	int fd = s->fd < 0 ? -1 : openat(s->fd, "units", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char **names = NULL;
	size_t cap = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[*n] = xmalloc(len - 4);
		memcpy(names[*n], e->d_name, len - 5);
		names[(*n)++][len - 5] = '\0';
	}
	closedir(d);
	if (*n > 1)
		qsort(names, *n, sizeof *names, by_name);
	return names;
}

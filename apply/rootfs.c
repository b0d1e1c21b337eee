/*
 * rootfs.c - files below a root directory (openat and O_NOFOLLOW).
 */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "str.h"

int rootfs_open(const char *dir, bool create, struct strbuf *err)
{
	if (create && mkdir(dir, 0755) != 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		strbuf_addf(err, "cannot open %s: %s", dir, strerror(errno));
	return fd;
}

/*
 * Opens the directory holding `path` below `root`, one component at a time
 * and never through a symbolic link; creates missing ones when `create`.
 * Sets *base to the last component.  Returns -1 (errno set) on failure.
 */
static int open_parent(int root, const char *path, bool create, const char **base)
{
	int dir = dup(root);
	const char *p = path;
	for (const char *slash; dir >= 0 && (slash = strchr(p, '/')); p = slash + 1) {
		char name[NAME_MAX + 1];
		size_t n = (size_t)(slash - p);
		if (n == 0 || n > NAME_MAX) {
			close(dir);
			errno = EINVAL;
			return -1;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		int next = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create && mkdirat(dir, name, 0755) == 0)
			next = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int saved = errno;
		close(dir);
		errno = saved;
		dir = next;
	}
	*base = p;
	return dir;
}

static const char *why(int e)
{
	return e == ELOOP || e == ENOTDIR ? "a symbolic link or a file is in the way" : strerror(e);
}

enum rootfs_read rootfs_read(int root, const char *path, struct strbuf *out, unsigned *mode,
			     struct strbuf *err)
{
	if (root < 0)
		return ROOTFS_MISSING; /* a root not created yet */
	const char *base;
	int dir = open_parent(root, path, false, &base);
	if (dir < 0 && errno == ENOENT)
		return ROOTFS_MISSING;
	int fd = dir < 0 ? -1 : openat(dir, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	int saved = errno;
	if (dir >= 0)
		close(dir);
	if (fd < 0) {
		if (saved == ENOENT)
			return ROOTFS_MISSING;
		strbuf_addf(err, "cannot read %s: %s", path, why(saved));
		return ROOTFS_ERROR;
	}
	struct stat st;
	if (mode && fstat(fd, &st) == 0)
		*mode = st.st_mode & 07777;
	strbuf_reset(out);
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		strbuf_add(out, buf, (size_t)n);
	saved = errno;
	close(fd);
	if (n < 0) {
		strbuf_addf(err, "cannot read %s: %s", path, strerror(saved));
		return ROOTFS_ERROR;
	}
	return ROOTFS_OK;
}

static bool write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

bool rootfs_write(int root, const char *path, const void *data, size_t len, unsigned mode,
		  struct strbuf *err)
{
	const char *base;
	int dir = open_parent(root, path, true, &base);
	if (dir < 0) {
		strbuf_addf(err, "cannot write %s: %s", path, why(errno));
		return false;
	}
	/* One temporary name per file: the lock makes it ours, and a run after
	 * a crash truncates what the crashed one left. */
	char tmp[NAME_MAX + 1];
	int n = snprintf(tmp, sizeof tmp, ".%s.orch-apply-tmp", base);
	bool ok = n > 0 && (size_t)n < sizeof tmp;
	int fd = ok ? openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode) : -1;
	ok = fd >= 0 && fchmod(fd, mode) == 0 && write_all(fd, data, len) && fsync(fd) == 0;
	int saved = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && renameat(dir, tmp, dir, base) != 0) {
		ok = false;
		saved = errno;
	}
	if (ok)
		fsync(dir);
	else if (fd >= 0)
		unlinkat(dir, tmp, 0);
	close(dir);
	if (!ok)
		strbuf_addf(err, "cannot write %s: %s", path, why(saved));
	return ok;
}

bool rootfs_remove(int root, const char *path, struct strbuf *err)
{
	const char *base;
	int dir = open_parent(root, path, false, &base);
	if (dir < 0) {
		if (errno == ENOENT)
			return true;
		strbuf_addf(err, "cannot remove %s: %s", path, why(errno));
		return false;
	}
	bool ok = unlinkat(dir, base, 0) == 0 || errno == ENOENT;
	if (!ok)
		strbuf_addf(err, "cannot remove %s: %s", path, strerror(errno));
	else
		fsync(dir);
	close(dir);
	return ok;
}

bool read_whole_file(const char *path, struct strbuf *out, struct strbuf *err)
{
	strbuf_reset(out);
	int e = strbuf_read_file(out, path);
	if (e)
		strbuf_addf(err, "cannot read %s: %s", path, strerror(e));
	return e == 0;
}

/*
 * paths.c - lexical path arithmetic.
 */
#include "paths.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "source.h"
#include "str.h"

/* Folds '.', '..' and repeated '/' of an absolute path. */
static char *normalise(struct arena *a, const char *abs)
{
	size_t n = strlen(abs);
	char *out = arena_alloc(a, n + 2);
	size_t len = 0;
	const char *p = abs;
	while (*p) {
		while (*p == '/')
			p++;
		size_t k = strcspn(p, "/");
		if (k == 0 || (k == 1 && p[0] == '.')) {
			/* nothing */
		} else if (k == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else {
			out[len++] = '/';
			memcpy(out + len, p, k);
			len += k;
		}
		p += k;
	}
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

char *path_join(struct arena *a, const char *dir, const char *path)
{
	if (path[0] == '/')
		return normalise(a, path);
	return normalise(a, arena_printf(a, "%s/%s", dir, path));
}

char *path_in_source(struct arena *a, const struct source_set *set, struct span at,
		     const char *path)
{
	if (path[0] == '/')
		return normalise(a, path);
	const char *dir = path_dirname(a, set->files[at.file].path);
	return path_join(a, path_absolute(a, dir), path);
}

char *path_absolute(struct arena *a, const char *path)
{
	if (path[0] == '/')
		return normalise(a, path);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return normalise(a, arena_printf(a, "/%s", path));
	return path_join(a, cwd, path);
}

char *path_dirname(struct arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return arena_strndup(a, ".", 1);
	if (slash == path)
		return arena_strndup(a, "/", 1);
	return arena_strndup(a, path, (size_t)(slash - path));
}

bool path_stays_inside(const char *path)
{
	if (!*path || *path == '/')
		return false;
	for (const char *c = path; *c;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n + (c[n] == '/');
	}
	return true;
}

char *path_relative(struct arena *a, const char *from, const char *to)
{
	/* The longest common prefix that ends at a component boundary. */
	size_t common = 0;
	for (size_t i = 0;; i++) {
		bool from_end = from[i] == '\0' || from[i] == '/';
		bool to_end = to[i] == '\0' || to[i] == '/';
		if (from_end && to_end)
			common = i;
		if (from[i] != to[i] || from[i] == '\0')
			break;
	}
	if (strcmp(from, "/") == 0)
		common = 0;
	struct strbuf sb;
	strbuf_init(&sb);
	for (const char *p = from + common; *p; p++)
		if (*p == '/')
			strbuf_addstr(&sb, sb.len ? "/.." : "..");
	const char *rest = to + common;
	while (*rest == '/')
		rest++;
	if (*rest) {
		if (sb.len)
			strbuf_addch(&sb, '/');
		strbuf_addstr(&sb, rest);
	}
	if (!sb.len)
		strbuf_addch(&sb, '.');
	char *out = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return out;
}

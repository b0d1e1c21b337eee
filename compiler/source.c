/*
 * source.c - file table and span location.
 *
 * Columns count code points (every byte that is not a UTF-8 continuation
 * byte), so a caret lands under the right character in lines holding UTF-8.
 */
#include "source.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "sha256.h"

/* The thread reads the text, which never moves (the file's entry may, when
 * the table grows). */
struct source_digest {
	const char *text;
	size_t len;
	pthread_t thread;
	bool running; /* the thread is to be joined */
	char hex[65];
};

void source_set_init(struct source_set *set)
{
	set->files = NULL;
	set->count = set->cap = 0;
	set->digest_all = false;
}

static void *hash_file(void *arg)
{
	struct source_digest *d = arg;
	sha256_hex(d->text, d->len, d->hex);
	return NULL;
}

static void join_digest(struct source_digest *d)
{
	if (d && d->running) {
		pthread_join(d->thread, NULL);
		d->running = false;
	}
}

/* Hashes on a thread of its own when `threaded` (and a thread starts). */
static struct source_digest *start_digest(const char *text, size_t len, bool threaded)
{
	struct source_digest *d = xmalloc(sizeof *d);
	*d = (struct source_digest){ .text = text, .len = len };
	d->running = threaded && pthread_create(&d->thread, NULL, hash_file, d) == 0;
	if (!d->running)
		hash_file(d);
	return d;
}

void source_set_digest_all(struct source_set *set)
{
	set->digest_all = true;
}

const char *source_digest(struct source_set *set, uint32_t file)
{
	struct source_file *f = &set->files[file];
	if (!f->digest)
		f->digest = start_digest(f->text, f->len, false);
	join_digest(f->digest);
	return f->digest->hex;
}

void source_set_release(struct source_set *set)
{
	for (uint32_t i = 0; i < set->count; i++) {
		join_digest(set->files[i].digest); /* it reads the text */
		free(set->files[i].digest);
		free((char *)set->files[i].path);
		free(set->files[i].text);
		free(set->files[i].line_starts);
	}
	free(set->files);
	source_set_init(set);
}

uint32_t source_add(struct source_set *set, const char *path, const char *text,
		    size_t len)
{
	char *copy = xmalloc(len + 1);
	if (len)
		memcpy(copy, text, len);
	copy[len] = '\0';
	return source_adopt(set, path, copy, len);
}

uint32_t source_adopt(struct source_set *set, const char *path, char *text, size_t len)
{
	if (set->count == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 8;
		set->files = xrealloc(set->files, set->cap * sizeof *set->files);
	}
	struct source_file *f = &set->files[set->count];
	size_t plen = strlen(path);
	char *p = xmalloc(plen + 1);
	memcpy(p, path, plen + 1);
	f->path = p;
	f->text = text;
	f->len = (uint32_t)len;
	f->line_starts = NULL;
	f->nlines = 0;
	f->digest = set->digest_all ? start_digest(text, len, true) : NULL;
	return set->count++;
}

static void build_lines(struct source_file *f)
{
	uint32_t n = 1;
	for (uint32_t i = 0; i < f->len; i++)
		n += f->text[i] == '\n';
	f->line_starts = xmalloc(n * sizeof *f->line_starts);
	f->line_starts[0] = 0;
	uint32_t k = 1;
	for (uint32_t i = 0; i < f->len; i++)
		if (f->text[i] == '\n')
			f->line_starts[k++] = i + 1;
	f->nlines = n;
}

struct source_pos source_locate(struct source_set *set, uint32_t file, uint32_t off)
{
	struct source_file *f = &set->files[file];
	if (!f->line_starts)
		build_lines(f);
	if (off > f->len)
		off = f->len;
	uint32_t lo = 0, hi = f->nlines;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (f->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	uint32_t col = 1;
	for (uint32_t i = f->line_starts[lo]; i < off; i++)
		col += ((unsigned char)f->text[i] & 0xC0) != 0x80;
	return (struct source_pos){ lo + 1, col };
}

const char *source_line(struct source_set *set, uint32_t file, uint32_t line,
			size_t *len)
{
	struct source_file *f = &set->files[file];
	if (!f->line_starts)
		build_lines(f);
	if (line == 0 || line > f->nlines) {
		*len = 0;
		return "";
	}
	uint32_t start = f->line_starts[line - 1];
	uint32_t end = line < f->nlines ? f->line_starts[line] - 1 : f->len;
	if (end > start && f->text[end - 1] == '\r')
		end--;
	*len = end - start;
	return f->text + start;
}

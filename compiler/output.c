/*
 * output.c - the in-memory output set.
 */
#include "output.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "str.h"
#include "yaml_out.h"

enum { UNWRITTEN, WRITING, WRITTEN };

struct out_yaml {
	const struct ynode *root;
	const char *header;
	_Atomic int state;  /* the thread that moves it to WRITING writes `text` */
	struct strbuf text; /* read once WRITTEN */
};

void output_init(struct output_set *o, struct arena *arena)
{
	o->arena = arena;
	o->files.items = NULL;
	o->files.len = o->files.cap = 0;
	o->added = NULL;
	o->added_ctx = NULL;
}

void output_release(struct output_set *o)
{
	for (size_t i = 0; i < o->files.len; i++)
		if (o->files.items[i].yaml)
			strbuf_release(&o->files.items[i].yaml->text);
	vec_free(&o->files);
}

static void add(struct output_set *o, struct out_file f)
{
	vec_push(&o->files, f);
	if (o->added)
		o->added(o->added_ctx, &f);
}

void output_add(struct output_set *o, const char *path, const void *data, size_t len,
		unsigned mode)
{
	char *copy = arena_alloc(o->arena, len + 1);
	if (len)
		memcpy(copy, data, len);
	copy[len] = '\0';
	add(o, (struct out_file){ arena_strndup(o->arena, path, strlen(path)), copy, len, mode, NULL });
}

void output_add_buf(struct output_set *o, const char *path, struct strbuf *sb, unsigned mode)
{
	output_add(o, path, sb->buf, sb->len, mode);
	strbuf_reset(sb);
}

void output_add_yaml(struct output_set *o, const char *path, const struct ynode *root,
		     const char *header, unsigned mode)
{
	struct out_yaml *y = arena_alloc(o->arena, sizeof *y);
	y->root = root;
	y->header = header;
	atomic_init(&y->state, UNWRITTEN);
	strbuf_init(&y->text);
	add(o, (struct out_file){ arena_strndup(o->arena, path, strlen(path)), NULL, 0, mode, y });
}

void output_render_yaml(struct out_file *f)
{
	struct out_yaml *y = f->yaml;
	int state = UNWRITTEN;
	if (atomic_compare_exchange_strong(&y->state, &state, WRITING)) {
		y_write(y->root, y->header, &y->text);
		atomic_store(&y->state, WRITTEN);
	} else {
		while (atomic_load(&y->state) != WRITTEN) /* microseconds */
			sched_yield();
	}
	f->data = y->text.buf;
	f->len = y->text.len;
}

void output_resolve(struct output_set *o)
{
	for (size_t i = 0; i < o->files.len; i++)
		if (!o->files.items[i].data)
			output_render_yaml(&o->files.items[i]);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct out_file *)a)->path, ((const struct out_file *)b)->path);
}

const char *output_sort(struct output_set *o)
{
	if (o->files.len > 1)
		qsort(o->files.items, o->files.len, sizeof *o->files.items, by_path);
	for (size_t i = 1; i < o->files.len; i++)
		if (strcmp(o->files.items[i - 1].path, o->files.items[i].path) == 0)
			return o->files.items[i].path;
	return NULL;
}

void output_sort_last(struct output_set *o)
{
	size_t last = o->files.len - 1;
	struct out_file f = o->files.items[last];
	o->files.len--;
	size_t at = output_lower_bound(o, f.path);
	o->files.len++;
	memmove(&o->files.items[at + 1], &o->files.items[at], (last - at) * sizeof f);
	o->files.items[at] = f;
}

const struct out_file *output_find(const struct output_set *o, const char *path)
{
	struct out_file key = { path, NULL, 0, 0, NULL };
	if (!o->files.len)
		return NULL;
	return bsearch(&key, o->files.items, o->files.len, sizeof key, by_path);
}

size_t output_lower_bound(const struct output_set *o, const char *path)
{
	size_t lo = 0, hi = o->files.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(o->files.items[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

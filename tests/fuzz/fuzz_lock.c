/*
 * fuzz_lock.c - the libFuzzer target of the migration history's readers:
 * any bytes are read as model.lock.json, and each of their lines as a line
 * of migrations.sum.  What the readers promise the diff and the writer is
 * checked on everything they accept: a lock's ids are UUIDs, its required
 * columns are set and its bounds are integers, and writing it back and
 * reading that again gives the same text (the lock a build writes is the
 * one the next build reads); a sum line's digest is 64 lowercase hex digits
 * and its path stays inside the directory.  A refusal must say why.
 * Crashes, leaks, undefined behaviour and broken promises (abort) are
 * findings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "catalog_lock.h"
#include "paths.h"
#include "str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(bool promise)
{
	if (!promise)
		abort();
}

static bool is_integer(const char *v)
{
	const char *p = v + (*v == '-');
	return *p && strspn(p, "0123456789") == strlen(p);
}

static void check_rows(const struct cat_state *s)
{
	for (int t = 0; t < NTABLES; t++) {
		const struct cat_table *def = &cat_tables[t];
		for (size_t i = 0; i < s->rows[t].len; i++) {
			const struct cat_row *r = &s->rows[t].items[i];
			for (int c = 0; c < def->ncols; c++) {
				const char *v = r->v[c];
				must(v || def->cols[c].nullable);
				must(!v || def->cols[c].kind != COL_UUID || cat_is_uuid(v));
				must(!v || def->cols[c].kind != COL_INT || is_integer(v));
				must(!v || def->cols[c].kind != COL_BOOL || !strcmp(v, "true") ||
				     !strcmp(v, "false"));
			}
		}
	}
}

static void check_lock(const uint8_t *data, size_t size, struct arena *a)
{
	struct cat_lock lock, again;
	struct strbuf err, text, text2;
	strbuf_init(&err);
	strbuf_init(&text);
	strbuf_init(&text2);
	if (cat_lock_read((const char *)data, size, &lock, a, &err)) {
		must(lock.catalog && lock.migrations >= 1 && lock.migrations <= 9999 && lock.outputs <= 7);
		check_rows(&lock.state);
		cat_lock_write(&lock, &text);
		must(cat_lock_read(text.buf, text.len, &again, a, &err));
		cat_lock_write(&again, &text2);
		must(text.len == text2.len && memcmp(text.buf, text2.buf, text.len) == 0);
		cat_state_release(&again.state);
		cat_state_release(&lock.state);
	} else {
		must(err.len > 0);
	}
	strbuf_release(&err);
	strbuf_release(&text);
	strbuf_release(&text2);
}

static void check_sum_lines(const uint8_t *data, size_t size, struct arena *a)
{
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char sha[65];
		const char *path = cat_sum_line(p, len, sha, a);
		if (path) {
			must(strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64);
			must(memcmp(sha, p, 64) == 0);
			must(path_stays_inside(path) && strcmp(path, SUM_NAME) != 0);
			must(strlen(path) == len - 66 && memcmp(path, p + 66, len - 66) == 0);
		}
		p += len + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	arena_init(&a);
	check_lock(data, size, &a);
	check_sum_lines(data, size, &a);
	arena_release(&a);
	return 0;
}

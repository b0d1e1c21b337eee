/*
 * catalog_lock.c - model.lock.json in and out (jansson).
 */
#include "catalog_lock.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "paths.h"
#include "str.h"

static const char *const output_names[] = { "postgres", "sqlite", "alembic" };

void cat_lock_write(const struct cat_lock *lock, struct strbuf *out)
{
	json_t *root = json_object();
	json_object_set_new(root, "orchc_lock", json_integer(LOCK_VERSION));
	json_object_set_new(root, "catalog", json_string(lock->catalog));
	json_object_set_new(root, "migrations", json_integer(lock->migrations));
	json_t *outputs = json_array();
	for (unsigned i = 0; i < 3; i++)
		if (lock->outputs & (1u << i))
			json_array_append_new(outputs, json_string(output_names[i]));
	json_object_set_new(root, "outputs", outputs);
	if (lock->alembic_head)
		json_object_set_new(root, "alembic_head", json_string(lock->alembic_head));
	json_t *tables = json_object();
	for (int t = 0; t < NTABLES; t++) {
		const struct cat_table *def = &cat_tables[t];
		json_t *rows = json_array();
		for (size_t i = 0; i < lock->state.rows[t].len; i++) {
			const struct cat_row *r = &lock->state.rows[t].items[i];
			json_t *o = json_object();
			for (int c = 0; c < def->ncols; c++) {
				enum col_kind k = def->cols[c].kind;
				if (cat_left_out(&def->cols[c], r->v[c]))
					continue;
				json_t *v = !r->v[c] ? json_null() :
					    k == COL_BOOL ? json_boolean(strcmp(r->v[c], "true") == 0) :
					    k == COL_INT ? json_integer(strtoll(r->v[c], NULL, 10)) :
					    json_string(r->v[c]);
				json_object_set_new(o, def->cols[c].name, v);
			}
			json_array_append_new(rows, o);
		}
		json_object_set_new(tables, def->name, rows);
	}
	json_object_set_new(root, "tables", tables);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	strbuf_addstr(out, text);
	strbuf_addch(out, '\n');
	free(text);
	json_decref(root);
}

static bool fail(struct strbuf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct strbuf *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	return false;
}

static bool read_row(json_t *o, const struct cat_table *def, size_t i, struct cat_row *r,
		     struct arena *a, struct strbuf *err)
{
	if (!json_is_object(o))
		return fail(err, "tables.%s: row %zu is not an object of the table's columns",
			    def->name, i + 1);
	size_t present = 0;
	for (int c = 0; c < def->ncols; c++) {
		const struct cat_column *col = &def->cols[c];
		json_t *v = json_object_get(o, col->name);
		const char *where = arena_printf(a, "%s row %zu", def->name, i + 1);
		present += v != NULL;
		if (!v && cat_left_out(col, NULL)) {
			r->v[c] = NULL;
		} else if (!v) {
			return fail(err, "tables.%s lacks column %s", where, col->name);
		} else if (json_is_null(v) && col->nullable) {
			r->v[c] = NULL;
		} else if (col->kind == COL_BOOL && json_is_boolean(v)) {
			r->v[c] = json_is_true(v) ? "true" : "false";
		} else if (col->kind == COL_INT && json_is_integer(v)) {
			r->v[c] = arena_printf(a, "%lld", (long long)json_integer_value(v));
		} else if (col->kind != COL_BOOL && col->kind != COL_INT && json_is_string(v)) {
			r->v[c] = arena_strndup(a, json_string_value(v), json_string_length(v));
			if (col->kind == COL_UUID && !cat_is_uuid(r->v[c]))
				return fail(err, "tables.%s: %s is not a UUID", where, col->name);
		} else {
			return fail(err, "tables.%s: column %s has the wrong type", where, col->name);
		}
	}
	if (present != json_object_size(o))
		return fail(err, "tables.%s: row %zu has a column the table does not have", def->name,
			    i + 1);
	return true;
}

bool cat_lock_read(const char *text, size_t len, struct cat_lock *lock, struct arena *a,
		   struct strbuf *err)
{
	memset(lock, 0, sizeof *lock);
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		strbuf_addf(err, "line %d: %s", je.line, je.text);
		return false;
	}
	bool ok = false;
	json_t *version = json_object_get(root, "orchc_lock");
	json_t *catalog = json_object_get(root, "catalog");
	json_t *count = json_object_get(root, "migrations");
	json_t *outputs = json_object_get(root, "outputs");
	json_t *head = json_object_get(root, "alembic_head");
	json_t *tables = json_object_get(root, "tables");
	if (!json_is_integer(version) || json_integer_value(version) != LOCK_VERSION) {
		strbuf_addf(err, "\"orchc_lock\" is not %d: written by another version of orchc?",
			    LOCK_VERSION);
		goto out;
	}
	if (!json_is_string(catalog) || !json_is_integer(count) || json_integer_value(count) < 1 ||
	    json_integer_value(count) > 9999 || !json_is_array(outputs) || !json_is_object(tables) ||
	    (head && !json_is_string(head))) {
		strbuf_addstr(err, "\"catalog\", \"migrations\" (1 to 9999), \"outputs\" or \"tables\" "
				   "is missing or has the wrong type");
		goto out;
	}
	lock->catalog = arena_strndup(a, json_string_value(catalog), json_string_length(catalog));
	lock->migrations = (unsigned)json_integer_value(count);
	lock->alembic_head = head ? arena_strndup(a, json_string_value(head), json_string_length(head)) : NULL;
	size_t i;
	json_t *o;
	json_array_foreach(outputs, i, o) {
		unsigned k = 0;
		while (k < 3 && !(json_is_string(o) && strcmp(json_string_value(o), output_names[k]) == 0))
			k++;
		if (k == 3) {
			strbuf_addstr(err, "\"outputs\" holds something other than postgres, sqlite, alembic");
			goto out;
		}
		lock->outputs |= 1u << k;
	}
	for (int t = 0; t < NTABLES; t++) {
		const struct cat_table *def = &cat_tables[t];
		json_t *rows = json_object_get(tables, def->name);
		if (!json_is_array(rows)) {
			strbuf_addf(err, "tables.%s is missing or not an array", def->name);
			goto out;
		}
		json_array_foreach(rows, i, o) {
			struct cat_row r = { { NULL } };
			if (!read_row(o, def, i, &r, a, err))
				goto out;
			vec_push(&lock->state.rows[t], r);
		}
	}
	ok = true;
out:
	json_decref(root);
	if (!ok)
		cat_state_release(&lock->state);
	return ok;
}

const char *cat_sum_line(const char *line, size_t len, char sha[65], struct arena *a)
{
	if (len < 67 || line[64] != ' ' || line[65] != ' ')
		return NULL;
	for (int i = 0; i < 64; i++)
		if (!((line[i] >= '0' && line[i] <= '9') || (line[i] >= 'a' && line[i] <= 'f')))
			return NULL;
	if (memchr(line + 66, '\0', len - 66))
		return NULL;
	const char *path = arena_strndup(a, line + 66, len - 66);
	if (!path_stays_inside(path) || strcmp(path, SUM_NAME) == 0)
		return NULL;
	memcpy(sha, line, 64);
	sha[64] = '\0';
	return path;
}

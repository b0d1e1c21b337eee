/*
 * catalog_lock.h - model.lock.json: the catalogue as of the newest
 * migration, and where its history stands.
 *
 *   {
 *     "orchc_lock": 1,
 *     "catalog": "esnet",
 *     "migrations": 2,                  how many have been written
 *     "outputs": ["postgres", "sqlite", "alembic"],
 *     "alembic_head": "4b6f0c1d2e3a",   the newest revision (absent without alembic)
 *     "tables": { "resource_types": [ {"resource_type_id": "...", ...}, ... ], ... }
 *   }
 *
 * Rows are objects named by column, in the column order of catalog_rows.c;
 * tables in insert order.  The file is written by orchc and covered by
 * migrations.sum: the next build diffs the catalogue against it.
 */
#ifndef ORCHC_CATALOG_LOCK_H
#define ORCHC_CATALOG_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog_rows.h"

struct arena;
struct strbuf;

#define LOCK_NAME "model.lock.json"
#define SUM_NAME "migrations.sum"
#define LOCK_VERSION 1

enum { OUT_POSTGRES = 1, OUT_SQLITE = 2, OUT_ALEMBIC = 4 };

struct cat_lock {
	const char *catalog;
	unsigned migrations;
	unsigned outputs;          /* OUT_* bits */
	const char *alembic_head;  /* NULL without alembic or before the first */
	struct cat_state state;
};

/** Appends the lock as JSON (two-space indent, a final newline). */
void cat_lock_write(const struct cat_lock *lock, struct strbuf *out);

/**
 * Parses `len` bytes of lock JSON into `lock` (strings in `a`).  On a
 * malformed document returns false with the reason in `err`.
 */
bool cat_lock_read(const char *text, size_t len, struct cat_lock *lock, struct arena *a,
		   struct strbuf *err);

/**
 * Parses one line of migrations.sum (without its newline), "<sha256>  <path>"
 * as sha256sum writes it: 64 lowercase hex digits, two spaces, a relative
 * path that stays inside the directory and is not migrations.sum itself.
 * Stores the digest in `sha` and returns the path (in `a`), or NULL.
 */
const char *cat_sum_line(const char *line, size_t len, char sha[65], struct arena *a);

#endif

/*
 * catalog_diff.h - the difference between two catalogues, as SQL.
 *
 * cat_diff() compares the rows of the catalogue the last migration left
 * (`old`) with the rows the program declares now (`new`) and lists the
 * statements that turn one into the other: deletes (children before
 * parents), then updates, then inserts (parents before children), so
 * every statement finds the rows it refers to.  The inverse, for `down`,
 * is the same list backwards with each statement inverted: an insert
 * becomes a delete of that row, a delete re-inserts the row exactly as the
 * lock recorded it, an update writes the old values back.
 */
#ifndef ORCHC_CATALOG_DIFF_H
#define ORCHC_CATALOG_DIFF_H

#include <stdbool.h>

#include "catalog_rows.h"

struct strbuf;

enum change_op { CH_DELETE, CH_UPDATE, CH_INSERT };

struct change {
	enum change_op op;
	enum cat_table_id table;
	const struct cat_row *row; /* the row inserted or deleted; the new row of an update */
	const struct cat_row *old; /* an update's previous row */
};

/* Who each id names, for the comments and summaries people read. */
struct cat_names {
	struct cat_name *items; /* sorted by id */
	size_t len;
};

struct cat_diff {
	VEC(struct change) changes;
	struct cat_names names;
};

/** Fills `d` with the statements from `old` to `new` (both stay alive as long as `d`). */
void cat_diff(struct cat_diff *d, const struct cat_state *old, const struct cat_state *new_);

void cat_diff_release(struct cat_diff *d);

/**
 * Appends change `i` as one SQL statement without its ';' (its inverse
 * when `down`); an INSERT puts VALUES on a second line.
 */
void cat_change_sql(const struct cat_diff *d, size_t i, bool down, struct strbuf *sb);

/** True when that statement is an UPDATE or a DELETE of one row by its key. */
bool cat_change_finds_row(const struct cat_diff *d, size_t i, bool down);

/** Appends `s` as an SQL string literal. */
void sql_quoted(struct strbuf *sb, const char *s);

/** Appends what that statement does, in words ("link product \"x\" to ..."). */
void cat_change_what(const struct cat_diff *d, size_t i, bool down, struct strbuf *sb);

/**
 * Appends what change `i` does to a product, block, resource type or
 * workflow ("add product \"port 400G\"", "rename workflow a to b"), or
 * nothing for link rows and fixed inputs; returns whether the change is
 * one of the former (`sb` NULL: only that).
 */
bool cat_change_summary(const struct cat_diff *d, size_t i, struct strbuf *sb);

#endif

/*
 * catalog_rows.h - a catalogue as the rows orchestrator-core stores it.
 *
 * The migrations target compares two catalogues: the one the program
 * declares now and the one recorded in model.lock.json when the newest
 * migration was written.  Both become the same flat form, the rows of the
 * nine tables the data migrations write (products, product_blocks, ...),
 * so the difference is a plain comparison of rows by primary key, and the
 * SQL for any row of any table is written by one function.
 *
 * Entity rows (products, blocks, resource types, workflows, fixed inputs)
 * are keyed by a UUIDv5 of their qualified identifier, so a display name
 * can change without changing the row's identity; link rows are keyed by
 * all their columns.  A workflow a link refers to but
 * the catalogue does not insert (orchestrator-core's own modify_note, a
 * task marked `builtin`) is referred to by name and looked up in SQL.
 */
#ifndef ORCHC_CATALOG_ROWS_H
#define ORCHC_CATALOG_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "vec.h"

struct arena;
struct m_entity;
struct strbuf;

enum col_kind {
	COL_UUID,     /* an id: a UUID */
	COL_TEXT,
	COL_BOOL,     /* "true" or "false" */
	COL_WORKFLOW, /* a workflow's id, or the name of one found by name */
	COL_INT,      /* a decimal integer */
};

enum { CAT_MAX_COLS = 6 };

struct cat_column {
	const char *name;
	enum col_kind kind;
	bool nullable;
};

/*
 * A table: its key is its first `nkey` columns.  Entity tables have a
 * one-column key and a `name_col` naming the row for people; link tables
 * are all key.  Tables are listed parents first, the order inserts need.
 */
struct cat_table {
	const char *name;
	const char *what; /* "product block": how messages name a row */
	uint8_t nkey;
	uint8_t ncols;
	int8_t name_col;  /* -1: a link table */
	struct cat_column cols[CAT_MAX_COLS];
};

enum cat_table_id {
	T_RESOURCE_TYPES,
	T_PRODUCT_BLOCKS,
	T_BLOCK_RESOURCE_TYPES,
	T_BLOCK_RELATIONS,
	T_PRODUCTS,
	T_FIXED_INPUTS,
	T_PRODUCT_BLOCKS_LINK,
	T_WORKFLOWS,
	T_PRODUCTS_WORKFLOWS,
	NTABLES
};

extern const struct cat_table cat_tables[NTABLES];

/* One row: a value per column of its table (NULL: SQL NULL). */
struct cat_row {
	const char *v[CAT_MAX_COLS];
};

typedef VEC(struct cat_row) cat_row_vec;

/* A catalogue's rows, each table in declaration order. */
struct cat_state {
	cat_row_vec rows[NTABLES];
};

void cat_state_release(struct cat_state *s);

/** The namespace of every catalogue row id: uuid5(URL, "orch:orchestrator-core"). */
#define CAT_UUID_NAMESPACE "5e54d20d-6a58-55d8-903a-42046658347c"

/**
 * The rows of catalog `cat` (a checked model entity).  Ids are the UUIDv5
 * of "<catalog>/<table>/<identifier>" (of the identifier `renamed_from`
 * names, when set); an entity whose id is not in `previous` takes the id of
 * the previous row named `renamed_from`, or named as it is named now, if
 * there is one.  Strings live in `a`.
 */
void cat_state_from_model(struct cat_state *out, const struct m_entity *cat,
			  const struct cat_state *previous, struct arena *a);

/**
 * True when value `v` of column `col` is left unwritten: an integer column
 * at NULL is left out of INSERTs and of model.lock.json, so that histories
 * from before the column (the relation bounds) keep their exact text.
 */
static inline bool cat_left_out(const struct cat_column *col, const char *v)
{
	return !v && col->kind == COL_INT;
}

/** True when `v` is a UUID in canonical lowercase text form. */
bool cat_is_uuid(const char *v);

#endif

/*
 * model.h - the checked, evaluated program: the only input of targets.
 *
 * `orchc` turns the AST of a program (its file plus imports) into a model:
 * every block becomes an entity whose fields are values already checked
 * against the schema (schema.def), with template arguments substituted,
 * amendments and profile overlays applied, defaults filled in and units
 * normalised (durations in milliseconds, sizes in bytes).  References are
 * pointers to entities, never names.  Everything is in declaration order,
 * and every entity and value keeps the span of the source it came from so
 * targets can point back at it.
 *
 * A target never sees the AST and never re-checks the language: if the
 * model exists, it is valid.  `orchc build FILE --emit model` prints it as
 * JSON (model_json.c documents the format).
 */
#ifndef ORCHC_MODEL_H
#define ORCHC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <string.h>

#include "intern.h"
#include "kinds.h"
#include "source.h"

struct sym;
struct m_entity;

enum value_kind {
	V_UNSET,    /* an optional field that was not written and has no default */
	V_NONE,     /* `none` */
	V_BOOL,
	V_INT,
	V_FLOAT,
	V_DURATION, /* i: milliseconds */
	V_SIZE,     /* i: bytes */
	V_STRING,
	V_TEXT,     /* a string with references: parts are V_STRING and V_ATTR */
	V_ENUM,     /* sym: one member of an enum */
	V_LIST,
	V_MAP,      /* ordered entries; keys unique */
	V_REF,      /* ref: another entity */
	V_ATTR,     /* ref + attr: `db.host`, `db.port`, resolved per target */
	V_PAIR,     /* items[0] -> items[1]: published ports */
	V_TAGGED,   /* items[0] with tag sym: `db healthy` */
	V_CALL,     /* sym with items as arguments: env("X"), generate(32) */
};

struct m_value;

struct m_entry {
	const struct sym *key;
	struct m_value *value;
};

struct m_value {
	enum value_kind kind;
	bool secret; /* carries a secret (a secret reference or text built from one) */
	struct span span;
	union {
		bool b;
		int64_t i;
		double f;
		struct {
			const char *ptr; /* NUL-terminated at len, in the context's arena */
			uint32_t len;
		} s;
		const struct sym *sym;
		struct {
			struct m_value **items;
			uint32_t len;
			const struct sym *sym; /* V_TAGGED tag, V_CALL function */
		} list;
		struct {
			struct m_entry *entries;
			uint32_t len;
		} map;
		struct {
			struct m_entity *ref;
			const struct sym *attr; /* V_ATTR only */
		} ref;
	} u;
};

/*
 * An entity: a stack, service, product, device...  `fields` has one slot
 * per field the schema (schema.orch) defines for its kind, in schema order,
 * named by `field_names`; unwritten fields hold their default or V_UNSET.
 * Children are nested blocks in declaration order.
 */
struct m_entity {
	enum block_kind kind;
	const struct sym *name;
	struct span span;
	struct span doc;
	struct m_entity *parent;
	struct m_value **fields;
	const struct sym **field_names;
	uint32_t nfields;
	struct m_entity **children;
	uint32_t nchildren;
	uint32_t scratch; /* marks of whoever walks the model now: the checks, then one target at a time */
};

/* The whole program: top-level entities in declaration order (stacks,
 * catalogs, fleets, targets), after the chosen profile. */
struct m_program {
	struct m_entity **entities;
	uint32_t nentities;
	const struct sym *profile; /* NULL: no profile applied */
};

/** The value of the field called `name` (NULL if the kind has no such field). */
static inline const struct m_value *m_get(const struct m_entity *e, const char *name)
{
	for (uint32_t i = 0; i < e->nfields; i++)
		if (e->field_names[i]->name[0] == name[0] && strcmp(e->field_names[i]->name, name) == 0)
			return e->fields[i];
	return NULL;
}

/** True when `v` holds a value: present, and neither unset nor `none`. */
static inline bool m_is_set(const struct m_value *v)
{
	return v && v->kind != V_UNSET && v->kind != V_NONE;
}

/** The field called `name` when it holds a value, or NULL. */
static inline const struct m_value *m_field(const struct m_entity *e, const char *name)
{
	const struct m_value *v = m_get(e, name);
	return m_is_set(v) ? v : NULL;
}

/** The string field called `name`, or NULL when it is not set. */
static inline const char *m_string(const struct m_entity *e, const char *name)
{
	const struct m_value *v = m_get(e, name);
	return m_is_set(v) && v->kind == V_STRING ? v->u.s.ptr : NULL;
}

/** The bool field called `name`; false when it is not set. */
static inline bool m_flag(const struct m_entity *e, const char *name)
{
	const struct m_value *v = m_get(e, name);
	return m_is_set(v) && v->kind == V_BOOL && v->u.b;
}

/** How many items a `T | [T]` value holds: a list's length, 1, or 0 when unset. */
static inline uint32_t m_count(const struct m_value *v)
{
	return !m_is_set(v) ? 0 : v->kind == V_LIST ? v->u.list.len : 1;
}

/** Item `i` of a `T | [T]` value (i < m_count(v)). */
static inline const struct m_value *m_item(const struct m_value *v, uint32_t i)
{
	return v->kind == V_LIST ? v->u.list.items[i] : v;
}

/** The value of `key` in a V_MAP (NULL if the map has no such key). */
static inline const struct m_value *m_map_get(const struct m_value *map, const char *key)
{
	for (uint32_t i = 0; i < map->u.map.len; i++)
		if (strcmp(map->u.map.entries[i].key->name, key) == 0)
			return map->u.map.entries[i].value;
	return NULL;
}

/** The child of `e` of kind `kind` named `name` (NULL if there is none). */
static inline const struct m_entity *m_child(const struct m_entity *e, enum block_kind kind,
					     const struct sym *name)
{
	for (uint32_t i = 0; i < e->nchildren; i++)
		if (e->children[i]->kind == kind && e->children[i]->name == name)
			return e->children[i];
	return NULL;
}

#endif

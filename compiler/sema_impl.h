/*
 * sema_impl.h - what the semantic passes share (module.c, scope.c,
 * eval.c, lower.c, profile.c and the check_*.c files); not for targets.
 */
#ifndef ORCHC_SEMA_IMPL_H
#define ORCHC_SEMA_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "model.h"
#include "orchc.h"
#include "sema.h"
#include "types.h"

struct module;

struct module_import {
	const struct sym *alias;
	struct module *mod;
	struct span span;
};

/* A top-level declaration of a module (type, record, enum, template,
 * profile, or a stack/catalog/fleet/target block). */
struct decl {
	const struct sym *name;
	struct ast_node *node;
	struct module *mod;
	const struct type *type; /* types, records, enums: once resolved */
	bool resolving;          /* type resolution in progress (cycles) */
	bool expanding;          /* template expansion in progress (recursion) */
	struct m_entity *entity; /* blocks */
};

struct module {
	const char *path; /* canonical path; parse-once key */
	uint32_t file;
	struct ast_node *ast;
	bool loading;     /* on the import stack */
	struct module_import *imports;
	uint32_t nimports;
	struct decl *decls;
	uint32_t ndecls;
};

/* Template parameter bindings while a template body is lowered. */
struct binding {
	const struct binding *outer;
	const struct sym *name;
	struct m_value *value;
	/* The argument as written and where: a use of the parameter evaluates
	 * it again against the type of the place it is used, so every rule of
	 * that place (elements, ranges, patterns, secrets) holds for it as it
	 * would for the value written there.  NULL for values not written. */
	const struct ast_node *expr;
	const struct eval_scope *at;
};

struct sema {
	struct orchc_ctx *ctx;
	const struct sema_opts *opts;
	VEC(struct module *) modules;
	struct module *root;
	struct module *schema;  /* schema.orch, parsed from the embedded copy */
	VEC(struct m_entity *) top; /* top-level entities, declaration order */
	/* name tables (scope.c) */
	struct name_slot *slots;
	uint32_t nslots, used;
	const struct sym *w_host, *w_port, *w_started, *w_healthy, *w_completed;
	const struct sym *w_env, *w_file, *w_generate;
	struct m_value *unset;  /* the one V_UNSET value unwritten fields share */
	uint32_t errors_before; /* errors of earlier programs in this context */
	/* schema_record() results: [kind][inside a service or job]. */
	const struct type *schema_cache[KIND_COUNT][2];
};

/* Where an expression is evaluated. */
struct eval_scope {
	struct sema *s;
	struct module *mod;          /* for type and template names */
	struct m_entity *container;  /* stack, catalog or fleet: for references */
	const struct binding *params;
	/* Where the value goes, for messages ("field 'image' of service
	 * 'api'"): formatted only when a message needs it. */
	const char *place;           /* a fixed description, or NULL */
	const struct sym *field;     /* else: this field... */
	const struct m_entity *owner; /* ...of this entity */
};

/* The place of `sc` as text (arena), for a diagnostic. */
const char *place_text(const struct eval_scope *sc);

/* ---- module.c ---- */
struct module *module_load_root(struct sema *s, const char *path);
/* A root already in the file table (in-memory source: tests, fuzzing). */
struct module *module_load_file(struct sema *s, uint32_t file);
struct decl *module_find(struct module *m, const struct sym *name, bool (*want)(const struct decl *));
/* A name as `alias.name` through an import: the module, or NULL. */
struct module *module_import(struct module *m, const struct sym *alias);

/* ---- scope.c: names of entities within a container ---- */
void scope_init(struct sema *s);
void scope_release(struct sema *s);
/* Registers `e` under its container; reports E0204 on a duplicate. */
void scope_declare(struct sema *s, struct m_entity *container, struct m_entity *e);
struct m_entity *scope_lookup(struct sema *s, const struct m_entity *container,
			      enum block_kind kind, const struct sym *name);
/* The entity of `kind` in `container` closest to `name`, for "did you mean". */
const struct m_entity *scope_suggest(const struct m_entity *container, enum block_kind kind,
				     const struct sym *name);

/* ---- types: resolving type expressions (eval.c) ---- */
const struct type *sema_type(struct sema *s, struct module *m, const struct ast_node *t);
/* The type a type, record or enum declaration declares. */
const struct type *sema_decl_type(struct sema *s, struct decl *d);

/* ---- eval.c ---- */
struct m_value *eval_expr(const struct eval_scope *sc, const struct ast_node *e,
			  const struct type *want);
struct m_value *value_new(struct sema *s, enum value_kind kind, struct span span);
/* "a string", "an integer 42": what a value or expression is, for messages. */
const char *describe_node(struct sema *s, const struct ast_node *e);

/* ---- lower.c ---- */
struct m_entity *lower_program(struct sema *s);
const struct type *schema_record(struct sema *s, enum block_kind kind, const struct sym *name,
				 const struct m_entity *parent);

/* ---- profile.c ---- */
void profile_apply(struct sema *s, const struct sym *name);

/* ---- checks ---- */
void check_stacks(struct sema *s);
void check_catalogs(struct sema *s);
/* A fleet against its binaries; resolves `on any` (check_wasm.c). */
void check_wasm(struct sema *s, const struct m_entity *fleet);
void check_fleets(struct sema *s);

#endif

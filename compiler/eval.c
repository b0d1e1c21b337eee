/*
 * eval.c - type expressions to types, and expressions to values.
 *
 * Evaluation is directed by the type the place expects: a bare name is an
 * enum member where an enum is expected and a reference where a block kind
 * is, `none` needs an optional, an integer becomes a float where a float is
 * wanted.  Every mismatch is reported once, at the expression, with the
 * expected and the found; a union tries its alternatives quietly and
 * reports only when none fits.
 */
#include "sema_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cron.h"
#include "lex.h"

/* ---- types -------------------------------------------------------------------- */

static struct type *new_type(struct sema *s, enum type_kind k, struct span sp)
{
	struct type *t = arena_zalloc(&s->ctx->arena, sizeof *t);
	t->kind = k;
	t->span = sp;
	return t;
}

static bool is_type_decl(const struct decl *d)
{
	return d->node->kind == AST_TYPEDEF || d->node->kind == AST_RECORD ||
	       d->node->kind == AST_ENUM;
}

static const struct type *decl_type(struct sema *s, struct decl *d);

/* The type a bare or qualified name stands for, or NULL (not reported). */
static const struct type *named_type(struct sema *s, struct module *m, const struct ast_node *t)
{
	if (t->a) {
		struct module *dep = module_import(m, t->a->name);
		struct decl *d = dep ? module_find(dep, t->name, is_type_decl) : NULL;
		return d ? decl_type(s, d) : NULL;
	}
	/* In the schema, `record service` describes the kind; a field typed
	 * `service` refers to one.  So kind words are references first there. */
	enum block_kind k = kind_of(t->name);
	bool ref = k != KIND_COUNT && k != KIND_TOP && k != KIND_SECRET;
	struct decl *d = m == s->schema && ref ? NULL : module_find(m, t->name, is_type_decl);
	if (d)
		return decl_type(s, d);
	const struct type *b = type_builtin(s->ctx, t->name);
	if (b)
		return b;
	if (ref) {
		struct type *r = new_type(s, TY_REF, t->span);
		r->ref_kind = k;
		return r;
	}
	return NULL;
}

static void unknown_type(struct sema *s, struct module *m, const struct ast_node *t)
{
	struct diag *d = diag_report(&s->ctx->diags, E0205, t->span, "unknown type '%s%s%s'",
				     t->a ? t->a->name->name : "", t->a ? "." : "", t->name->name);
	const struct sym *best = NULL;
	size_t best_dist = 3;
	for (uint32_t i = 0; i < m->ndecls; i++) {
		if (!is_type_decl(&m->decls[i]))
			continue;
		size_t dist = edit_distance(sym_str(t->name), sym_str(m->decls[i].name), 2);
		if (dist < best_dist)
			best_dist = dist, best = m->decls[i].name;
	}
	static const char *const builtins[] = { "bool", "int", "float", "string", "text",
						"duration", "size", "path", "url", "cron",
						"secret", "port" };
	const char *word = NULL;
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
		size_t dist = edit_distance(sym_str(t->name), str_from(builtins[i]), 2);
		if (dist < best_dist)
			best_dist = dist, word = builtins[i];
	}
	if (word || best)
		diag_help(&s->ctx->diags, d, "did you mean '%s'?", word ? word : best->name);
}

static bool number_bound(const struct ast_node *n, double *v)
{
	if (!n)
		return false;
	*v = n->kind == AST_FLOAT ? n->v.f : (double)n->v.i;
	return true;
}

const struct type *sema_type(struct sema *s, struct module *m, const struct ast_node *t)
{
	static const struct type error_type = { .kind = TY_ERROR };
	if (!t || t->kind == AST_ERROR)
		return &error_type;
	switch ((enum ast_kind)t->kind) {
	case AST_TYPE_NAME: {
		const struct type *r = named_type(s, m, t);
		if (!r) {
			unknown_type(s, m, t);
			return &error_type;
		}
		return r;
	}
	case AST_TYPE_LIST:
	case AST_TYPE_OPTIONAL: {
		struct type *r = new_type(s, t->kind == AST_TYPE_LIST ? TY_LIST : TY_OPTIONAL, t->span);
		r->elem = sema_type(s, m, t->a);
		return r;
	}
	case AST_TYPE_MAP: {
		const struct type *key = sema_type(s, m, t->a);
		if (key->kind != TY_STRING && key->kind != TY_ENUM && key->kind != TY_ERROR) {
			struct strbuf sb;
			strbuf_init(&sb);
			type_format(key, &sb);
			diag_report(&s->ctx->diags, E0304, t->a->span,
				    "map keys are strings or enum members, not %s", sb.buf);
			strbuf_release(&sb);
		}
		struct type *r = new_type(s, TY_MAP, t->span);
		r->key = key;
		r->elem = sema_type(s, m, t->b);
		return r;
	}
	case AST_TYPE_RANGE:
	case AST_TYPE_PATTERN: {
		const struct type *base = sema_type(s, m, t->a);
		if (base->kind == TY_ERROR)
			return base;
		struct type *r = new_type(s, base->kind, t->span);
		*r = *base;
		r->name = NULL;
		r->span = t->span;
		if (t->kind == AST_TYPE_PATTERN) {
			if (base->kind != TY_STRING && base->kind != TY_TEXT) {
				diag_report(&s->ctx->diags, E0304, t->span,
					    "a pattern constrains a string, not a %s",
					    type_kind_word(base->kind));
				return &error_type;
			}
			r->pattern = t->b->v.s.ptr;
			r->re = NULL;
			type_compile_pattern(s->ctx, r, t->b->span);
			return r;
		}
		if (base->kind != TY_INT && base->kind != TY_FLOAT && base->kind != TY_DURATION &&
		    base->kind != TY_SIZE) {
			diag_report(&s->ctx->diags, E0304, t->span,
				    "a range constrains a number, duration or size, not a %s",
				    type_kind_word(base->kind));
			return &error_type;
		}
		r->has_lo = number_bound(t->list.items[0], &r->lo);
		r->has_hi = number_bound(t->list.items[1], &r->hi);
		if (r->has_lo && r->has_hi && r->lo > r->hi)
			diag_report(&s->ctx->diags, E0305, t->span,
				    "the range is empty: its low bound is above its high bound");
		return r;
	}
	case AST_TYPE_ARG: {
		const struct type *base = named_type(s, m, t->a);
		if (!base || base->kind != TY_FILE) {
			diag_report(&s->ctx->diags, E0205, t->a->span,
				    "only file(\"media/type\") takes an argument");
			return &error_type;
		}
		struct type *r = new_type(s, TY_FILE, t->span);
		r->name = base->name;
		r->media = t->b->kind == AST_STRING ? t->b->v.s.ptr : "";
		return r;
	}
	case AST_TYPE_UNION: {
		/* Bare names, not all of them types: an enum (a member may
		 * happen to spell a type, as `deployment` in deployment |
		 * execution | output).  Anything else: a union of types. */
		bool bare = true, all_types = true;
		for (uint32_t i = 0; i < t->list.len && bare; i++) {
			const struct ast_node *a = t->list.items[i];
			bare = a->kind == AST_TYPE_NAME && !a->a;
			all_types &= bare && named_type(s, m, a) != NULL;
		}
		bool is_enum = bare && !all_types;
		struct type *r = new_type(s, is_enum ? TY_ENUM : TY_UNION, t->span);
		if (is_enum) {
			r->members = arena_alloc(&s->ctx->arena, t->list.len * sizeof *r->members);
			for (uint32_t i = 0; i < t->list.len; i++)
				r->members[r->nmembers++] = t->list.items[i]->name;
			return r;
		}
		r->alts = arena_alloc(&s->ctx->arena, t->list.len * sizeof *r->alts);
		for (uint32_t i = 0; i < t->list.len; i++)
			r->alts[r->nalts++] = sema_type(s, m, t->list.items[i]);
		return r;
	}
	default:
		diag_report(&s->ctx->diags, E0205, t->span, "expected a type");
		return &error_type;
	}
}

/* Builds the record type of a `record` declaration or schema entry. */
static const struct type *record_type(struct sema *s, struct decl *d)
{
	const struct ast_node *n = d->node;
	struct type *r = new_type(s, TY_RECORD, n->span);
	r->name = n->name;
	r->fields = arena_zalloc(&s->ctx->arena, (n->list.len ? n->list.len : 1) * sizeof *r->fields);
	for (uint32_t i = 0; i < n->list.len; i++) {
		const struct ast_node *p = n->list.items[i];
		if (p->kind != AST_PARAM)
			continue;
		if (type_field(r, p->name)) {
			struct diag *dg = diag_report(&s->ctx->diags, E0309, p->span,
						      "field '%s' is declared twice", p->name->name);
			diag_note(&s->ctx->diags, dg, type_field(r, p->name)->span, "first declared here");
			continue;
		}
		struct record_field *f = &r->fields[r->nfields++];
		f->name = p->name;
		f->type = sema_type(s, d->mod, p->a);
		f->dflt = p->b;
		f->span = p->span;
		f->required = !p->b && !type_is_optional(f->type);
	}
	return r;
}

static const struct type *decl_type(struct sema *s, struct decl *d)
{
	static const struct type error_type = { .kind = TY_ERROR };
	if (d->type)
		return d->type;
	if (d->resolving) {
		diag_report(&s->ctx->diags, E0205, d->node->span,
			    "type '%s' is defined in terms of itself", d->name->name);
		return d->type = &error_type;
	}
	d->resolving = true;
	const struct type *t;
	if (d->node->kind == AST_RECORD) {
		t = record_type(s, d);
	} else if (d->node->kind == AST_ENUM) {
		struct type *e = new_type(s, TY_ENUM, d->node->span);
		e->name = d->name;
		e->members = arena_alloc(&s->ctx->arena, (d->node->list.len + 1) * sizeof *e->members);
		for (uint32_t i = 0; i < d->node->list.len; i++)
			e->members[e->nmembers++] = d->node->list.items[i]->name;
		t = e;
	} else {
		const struct type *base = sema_type(s, d->mod, d->node->a);
		struct type *named = new_type(s, base->kind, d->node->span);
		*named = *base;
		named->name = d->name; /* messages say Tag, not string(/.../) */
		t = base->kind == TY_ERROR ? base : named;
	}
	d->resolving = false;
	return d->type = t;
}

const struct type *sema_decl_type(struct sema *s, struct decl *d)
{
	return decl_type(s, d);
}

const char *place_text(const struct eval_scope *sc)
{
	if (sc->place)
		return sc->place;
	if (!sc->field || !sc->owner)
		return "this value";
	const struct m_entity *e = sc->owner;
	if (!e->name)
		return arena_printf(&sc->s->ctx->arena, "field '%s' of a %s", sc->field->name,
				    kind_word(e->kind));
	return arena_printf(&sc->s->ctx->arena, "field '%s' of %s '%s'", sc->field->name,
			    kind_word(e->kind), e->name->name);
}

/* ---- values --------------------------------------------------------------------- */

struct m_value *value_new(struct sema *s, enum value_kind kind, struct span span)
{
	struct m_value *v = arena_zalloc(&s->ctx->arena, sizeof *v);
	v->kind = kind;
	v->span = span;
	return v;
}

const char *describe_node(struct sema *s, const struct ast_node *e)
{
	struct arena *a = &s->ctx->arena;
	switch ((enum ast_kind)e->kind) {
	case AST_INT: return arena_printf(a, "the integer %lld", (long long)e->v.i);
	case AST_FLOAT: return "a decimal number";
	case AST_BOOL: return e->v.i ? "true" : "false";
	case AST_NONE: return "none";
	case AST_DURATION: return "a duration";
	case AST_SIZE: return "a size";
	case AST_STRING: return "a string";
	case AST_INTERP: return "an interpolated string";
	case AST_NAME: return arena_printf(a, "the name '%s'", e->name->name);
	case AST_MEMBER:
		if (e->a->kind == AST_NAME && kind_of(e->a->name) != KIND_COUNT)
			return arena_printf(a, "a reference to %s '%s'", kind_word(kind_of(e->a->name)),
					    e->name->name);
		return "a reference";
	case AST_CALL: return "a call";
	case AST_LIST: return "a list";
	case AST_MAP: return "a map";
	case AST_ARROW: return "a mapping (a -> b)";
	case AST_TAGGED: return "a tagged name";
	case AST_BINARY:
	case AST_NEG: return "an arithmetic expression";
	default: return "this value";
	}
}

/* E0310: a secret reached a place that would write it out in clear. */
static struct diag *secret_misplaced(const struct eval_scope *sc, struct span at)
{
	struct diag *d = diag_report(&sc->s->ctx->diags, E0310, at, "a secret cannot flow into %s",
				     place_text(sc));
	diag_help(&sc->s->ctx->diags, d,
		  "secrets may go into environment values, commands and parameters of type secret");
	return d;
}

static struct diag *mismatch(const struct eval_scope *sc, const struct ast_node *e,
			     const struct type *want)
{
	/* A secret where only plain text fits is the secret rule, not a type slip. */
	if (e->kind == AST_MEMBER && e->a->kind == AST_NAME && kind_of(e->a->name) == KIND_SECRET)
		return secret_misplaced(sc, e->span);
	struct strbuf sb;
	strbuf_init(&sb);
	type_format(want, &sb);
	struct diag *d = diag_report(&sc->s->ctx->diags, E0304, e->span, "expected %s, found %s",
				     sb.buf, describe_node(sc->s, e));
	strbuf_release(&sb);
	if (e->kind == AST_BINARY)
		diag_help(&sc->s->ctx->diags, d,
			  "arithmetic keeps units: add like units (1s + 500ms), scale by a plain number (2s * 3)");
	return d;
}

static const struct binding *find_binding(const struct eval_scope *sc, const struct sym *name)
{
	for (const struct binding *b = sc->params; b; b = b->outer)
		if (b->name == name)
			return b;
	return NULL;
}

static bool in_range(const struct eval_scope *sc, const struct ast_node *e,
		     const struct type *t, double v)
{
	if ((t->has_lo && v < t->lo) || (t->has_hi && v > t->hi)) {
		struct strbuf sb;
		strbuf_init(&sb);
		type_format(t, &sb);
		diag_report(&sc->s->ctx->diags, E0305, e->span, "%s is out of range for %s",
			    describe_node(sc->s, e), sb.buf);
		strbuf_release(&sb);
		return false;
	}
	return true;
}

/*
 * Folds arithmetic of literals (1 + 2; -x is not constant) and tracks its
 * unit in *unit (AST_INT, AST_DURATION or AST_SIZE), so that 1s + 500 and
 * 2GB * 1s are refused instead of silently mixing units: sums take equal
 * units, a product at most one unit, a quotient of equal units is a number.
 */
static bool fold_quantity(const struct ast_node *e, int64_t *out, enum ast_kind *unit)
{
	if (e->kind == AST_INT || e->kind == AST_DURATION || e->kind == AST_SIZE) {
		*out = e->v.i;
		*unit = (enum ast_kind)e->kind;
		return true;
	}
	int64_t a, b;
	enum ast_kind ua, ub;
	if (e->kind != AST_BINARY || !fold_quantity(e->a, &a, &ua) || !fold_quantity(e->b, &b, &ub))
		return false;
	switch (e->op) {
	case TOK_PLUS:
		*unit = ua;
		return ua == ub && !__builtin_add_overflow(a, b, out);
	case TOK_MINUS:
		*unit = ua;
		return ua == ub && !__builtin_sub_overflow(a, b, out);
	case TOK_STAR:
		*unit = ua == AST_INT ? ub : ua;
		return (ua == AST_INT || ub == AST_INT) && !__builtin_mul_overflow(a, b, out);
	case TOK_SLASH:
		if (b == 0 || (a == INT64_MIN && b == -1) || (ub != AST_INT && ub != ua))
			return false;
		*unit = ub == AST_INT ? ua : AST_INT;
		*out = a / b;
		return true;
	default: return false;
	}
}

static struct m_value *eval_text(const struct eval_scope *sc, const struct ast_node *e,
				 const struct type *want);

/* A reference written kind.name, or a bare name looked up as `kind`. */
static struct m_entity *lookup_ref(const struct eval_scope *sc, const struct ast_node *e,
				   enum block_kind kind, bool report)
{
	const struct ast_node *name = e;
	if (e->kind == AST_MEMBER && e->a->kind == AST_NAME) {
		enum block_kind written = kind_of(e->a->name);
		bool fits = written == kind ||
			    ((written == KIND_SERVICE || written == KIND_JOB) &&
			     (kind == KIND_SERVICE || kind == KIND_JOB));
		if (!fits)
			return NULL;
		kind = written;
		name = e;
	} else if (e->kind != AST_NAME) {
		return NULL;
	}
	if (!sc->container)
		return NULL;
	struct m_entity *r = scope_lookup(sc->s, sc->container, kind, name->name);
	if (!r && report) {
		struct diag *d = diag_report(&sc->s->ctx->diags, E0203, e->span,
					     "unknown %s '%s' in %s '%s'", kind_word(kind),
					     name->name->name, kind_word(sc->container->kind),
					     sc->container->name->name);
		const struct m_entity *close = scope_suggest(sc->container, kind, name->name);
		if (close)
			diag_help(&sc->s->ctx->diags, d, "did you mean '%s'?", close->name->name);
	}
	return r;
}

static struct m_value *ref_value(struct sema *s, struct m_entity *target, struct span sp)
{
	struct m_value *v = value_new(s, V_REF, sp);
	v->u.ref.ref = target;
	v->secret = target->kind == KIND_SECRET;
	return v;
}

/* Evaluates `e` quietly: diagnostics are rolled back when it fails.
 * `*near` tells whether the failure was more than a shape mismatch (right
 * shape, broken rule: a secret, a range, a pattern), so the caller can
 * report that alternative's own, more useful, diagnostic. */
static struct m_value *try_eval(const struct eval_scope *sc, const struct ast_node *e,
				const struct type *want, bool *near)
{
	struct diag_list *dl = &sc->s->ctx->diags;
	size_t len = dl->items.len;
	uint32_t errors = dl->errors, warnings = dl->warnings;
	struct m_value *v = eval_expr(sc, e, want);
	*near = false;
	/* eval_expr reports through `dl`, so the count may have grown. */
	// cppcheck-suppress knownConditionTrueFalse
	if (dl->errors > errors) {
		for (size_t i = len; i < dl->items.len; i++)
			*near |= dl->items.items[i]->code != E0304 && dl->items.items[i]->code != E0203;
		dl->items.len = len;
		dl->errors = errors;
		dl->warnings = warnings;
		return NULL;
	}
	/* NULL without a word: it depends on a value already reported (a bad
	 * argument), so this alternative is as near as any and stays silent. */
	*near = !v;
	return v;
}

static struct m_value *eval_list(const struct eval_scope *sc, const struct ast_node *e,
				 const struct type *want)
{
	if (e->kind != AST_LIST) {
		mismatch(sc, e, want);
		return NULL;
	}
	struct m_value *v = value_new(sc->s, V_LIST, e->span);
	v->u.list.items = arena_alloc(&sc->s->ctx->arena,
				      (e->list.len ? e->list.len : 1) * sizeof *v->u.list.items);
	bool ok = true;
	for (uint32_t i = 0; i < e->list.len; i++) {
		struct m_value *item = eval_expr(sc, e->list.items[i], want->elem);
		if (!item) {
			ok = false;
			continue;
		}
		v->secret |= item->secret;
		v->u.list.items[v->u.list.len++] = item;
	}
	return ok ? v : NULL;
}

static struct m_value *eval_enum(const struct eval_scope *sc, const struct ast_node *e,
				 const struct type *want);

/* A map literal as a {string: T} map or as a record. */
static struct m_value *eval_map(const struct eval_scope *sc, const struct ast_node *e,
				const struct type *want)
{
	if (e->kind != AST_MAP) {
		mismatch(sc, e, want);
		return NULL;
	}
	struct sema *s = sc->s;
	bool record = want->kind == TY_RECORD;
	uint32_t cap = record ? want->nfields : e->list.len;
	struct m_value *v = value_new(s, V_MAP, e->span);
	v->u.map.entries = arena_zalloc(&s->ctx->arena, (cap ? cap : 1) * sizeof *v->u.map.entries);
	bool ok = true;
	for (uint32_t i = 0; i < e->list.len; i++) {
		const struct ast_node *f = e->list.items[i];
		if (f->kind != AST_FIELD) {
			ok = false;
			continue;
		}
		const struct type *ft = want->elem;
		uint32_t slot = v->u.map.len;
		if (!record && want->key && want->key->kind == TY_ENUM) {
			struct ast_node key = { .kind = AST_NAME, .span = f->span, .name = f->name };
			if (!eval_enum(sc, &key, want->key)) {
				ok = false;
				continue;
			}
		}
		if (record) {
			const struct record_field *rf = type_field(want, f->name);
			if (!rf) {
				struct diag *d = diag_report(&s->ctx->diags, E0302, f->span,
							     "unknown field '%s' in %s", f->name->name,
							     want->name ? want->name->name : "record");
				const struct sym *close = type_suggest_field(want, f->name);
				if (close)
					diag_help(&s->ctx->diags, d, "did you mean '%s'?", close->name);
				ok = false;
				continue;
			}
			ft = rf->type;
			slot = (uint32_t)(rf - want->fields);
		}
		bool dup = false;
		for (uint32_t j = 0; j < (record ? want->nfields : v->u.map.len); j++)
			dup |= v->u.map.entries[j].key == f->name;
		if (dup) {
			diag_report(&s->ctx->diags, E0309, f->span, "'%s' is given twice", f->name->name);
			ok = false;
			continue;
		}
		struct m_value *fv = eval_expr(sc, f->a, ft);
		if (!fv) {
			ok = false;
			if (record) /* reported: not also "missing" */
				v->u.map.entries[slot] = (struct m_entry){ f->name, s->unset };
			continue;
		}
		v->secret |= fv->secret;
		v->u.map.entries[slot] = (struct m_entry){ f->name, fv };
		if (!record)
			v->u.map.len++;
	}
	if (!record)
		return ok ? v : NULL;
	/* Records: defaults, required fields, record order. */
	v->u.map.len = want->nfields;
	for (uint32_t i = 0; i < want->nfields; i++) {
		const struct record_field *rf = &want->fields[i];
		if (v->u.map.entries[i].key)
			continue;
		v->u.map.entries[i].key = rf->name;
		if (rf->dflt) {
			struct eval_scope dsc = *sc;
			dsc.params = NULL;
			v->u.map.entries[i].value = eval_expr(&dsc, rf->dflt, rf->type);
		} else if (rf->required) {
			diag_report(&s->ctx->diags, E0303, e->span, "missing required field '%s' of %s",
				    rf->name->name, want->name ? want->name->name : "the record");
			ok = false;
		}
		if (!v->u.map.entries[i].value)
			v->u.map.entries[i].value = value_new(s, V_UNSET, e->span);
	}
	return ok ? v : NULL;
}

static struct m_value *eval_enum(const struct eval_scope *sc, const struct ast_node *e,
				 const struct type *want)
{
	if (e->kind != AST_NAME) {
		mismatch(sc, e, want);
		return NULL;
	}
	for (uint32_t i = 0; i < want->nmembers; i++)
		if (want->members[i] == e->name) {
			struct m_value *v = value_new(sc->s, V_ENUM, e->span);
			v->u.sym = e->name;
			return v;
		}
	struct strbuf sb;
	strbuf_init(&sb);
	type_format(want, &sb);
	struct diag *d = diag_report(&sc->s->ctx->diags, E0313, e->span,
				     "'%s' is not one of %s", e->name->name, sb.buf);
	strbuf_release(&sb);
	const struct sym *best = NULL;
	size_t best_dist = 3;
	for (uint32_t i = 0; i < want->nmembers; i++) {
		size_t dist = edit_distance(sym_str(e->name), sym_str(want->members[i]), 2);
		if (dist < best_dist)
			best_dist = dist, best = want->members[i];
	}
	if (best)
		diag_help(&sc->s->ctx->diags, d, "did you mean '%s'?", best->name);
	return NULL;
}

static struct m_value *eval_dependency(const struct eval_scope *sc, const struct ast_node *e,
				       const struct type *want)
{
	struct sema *s = sc->s;
	const struct ast_node *target = e->kind == AST_TAGGED ? e->a : e;
	const struct sym *cond = e->kind == AST_TAGGED ? e->name : s->w_started;
	if (target->kind != AST_NAME && target->kind != AST_MEMBER) {
		mismatch(sc, e, want);
		return NULL;
	}
	if (cond != s->w_started && cond != s->w_healthy && cond != s->w_completed) {
		struct diag *d = diag_report(&s->ctx->diags, E0313, e->span,
					     "'%s' is not a start-up condition", cond->name);
		diag_help(&s->ctx->diags, d, "write started, healthy or completed");
		return NULL;
	}
	struct m_entity *r = lookup_ref(sc, target, KIND_SERVICE, true);
	if (!r)
		return NULL;
	struct m_value *v = value_new(s, V_TAGGED, e->span);
	v->u.list.items = arena_alloc(&s->ctx->arena, sizeof *v->u.list.items);
	v->u.list.items[0] = ref_value(s, r, target->span);
	v->u.list.len = 1;
	v->u.list.sym = cond;
	return v;
}

/* What docker compose and a POSIX shell read as one variable in ${NAME}. */
static bool env_name_ok(const struct m_value *v)
{
	if (v->kind != V_STRING || v->u.s.len == 0 || (v->u.s.ptr[0] >= '0' && v->u.s.ptr[0] <= '9'))
		return false;
	for (uint32_t i = 0; i < v->u.s.len; i++) {
		char c = v->u.s.ptr[i];
		if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

static struct m_value *eval_secret_source(const struct eval_scope *sc, const struct ast_node *e,
					  const struct type *want)
{
	struct sema *s = sc->s;
	if (e->kind != AST_CALL || e->a->kind != AST_NAME ||
	    (e->a->name != s->w_env && e->a->name != s->w_file && e->a->name != s->w_generate) ||
	    e->list.len != 1 || e->list.items[0]->name) {
		struct diag *d = mismatch(sc, e, want);
		diag_help(&s->ctx->diags, d,
			  "a secret comes from env(\"VARIABLE\"), file(\"path\") or generate(LENGTH)");
		return NULL;
	}
	static const struct type int_type = { .kind = TY_INT, .has_lo = true, .lo = 1,
					      .has_hi = true, .hi = 4096 };
	static const struct type string_type = { .kind = TY_STRING };
	bool gen = e->a->name == s->w_generate;
	struct m_value *arg = eval_expr(sc, e->list.items[0]->a, gen ? &int_type : &string_type);
	if (!arg)
		return NULL;
	if (e->a->name == s->w_env && !env_name_ok(arg)) {
		struct diag *d = diag_report(&s->ctx->diags, E0306, e->list.items[0]->span,
					     "this is no environment variable name");
		diag_help(&s->ctx->diags, d,
			  "a name is letters, digits and '_', not starting with a digit: compose "
			  "reads ${DB-PASS} as DB, with the default \"PASS\"");
		return NULL;
	}
	struct m_value *v = value_new(s, V_CALL, e->span);
	v->u.list.items = arena_alloc(&s->ctx->arena, sizeof *v->u.list.items);
	v->u.list.items[0] = arg;
	v->u.list.len = 1;
	v->u.list.sym = e->a->name;
	return v;
}

static struct m_value *eval_port_map(const struct eval_scope *sc, const struct ast_node *e,
				     const struct type *want)
{
	if (e->kind != AST_ARROW) {
		struct diag *d = mismatch(sc, e, want);
		diag_help(&sc->s->ctx->diags, d, "publish a port as HOST -> CONTAINER, like 8080 -> 80");
		return NULL;
	}
	const struct type *port = type_builtin(sc->s->ctx, intern_cstr(&sc->s->ctx->names, "port"));
	struct m_value *from = eval_expr(sc, e->a, port), *to = eval_expr(sc, e->b, port);
	if (!from || !to)
		return NULL;
	struct m_value *v = value_new(sc->s, V_PAIR, e->span);
	v->u.list.items = arena_alloc(&sc->s->ctx->arena, 2 * sizeof *v->u.list.items);
	v->u.list.items[0] = from;
	v->u.list.items[1] = to;
	v->u.list.len = 2;
	return v;
}

/* Has an already evaluated value (a template argument) the shape `want`
 * asks for?  Its argument is then evaluated again for the place
 * (argument_here), which checks the rest: ranges, elements, patterns. */
static bool value_fits(const struct m_value *v, const struct type *want)
{
	switch (want->kind) {
	case TY_ERROR: return true;
	case TY_OPTIONAL: return v->kind == V_NONE || value_fits(v, want->elem);
	case TY_UNION:
		for (uint32_t i = 0; i < want->nalts; i++)
			if (value_fits(v, want->alts[i]))
				return true;
		return false;
	case TY_BOOL: return v->kind == V_BOOL;
	case TY_INT: return v->kind == V_INT;
	case TY_FLOAT: return v->kind == V_FLOAT || v->kind == V_INT;
	case TY_DURATION: return v->kind == V_DURATION;
	case TY_SIZE: return v->kind == V_SIZE;
	case TY_STRING:
	case TY_PATH:
	case TY_URL:
	case TY_CRON: return (v->kind == V_STRING || v->kind == V_TEXT) && !v->secret;
	case TY_TEXT: return v->kind == V_STRING || v->kind == V_TEXT || v->kind == V_INT ||
			     v->kind == V_ATTR || (v->kind == V_REF && v->secret);
	case TY_SECRET: return v->secret;
	case TY_ENUM:
	case TY_WORD: return v->kind == V_ENUM;
	case TY_REF: return v->kind == V_REF && v->u.ref.ref->kind == want->ref_kind;
	case TY_LIST: return v->kind == V_LIST;
	case TY_MAP:
	case TY_RECORD: return v->kind == V_MAP;
	default: return false;
	}
}

static struct m_value *string_value(struct sema *s, const char *p, uint32_t len, struct span sp);

/* The argument of `b` evaluated for the place of `sc`, where the template
 * uses it at `use`: what it would be, and what it would be told, written
 * there.  A message about it points at the argument, with a note at the use. */
static struct m_value *argument_here(const struct eval_scope *sc, const struct binding *b,
				     const struct ast_node *use, const struct type *want)
{
	struct sema *s = sc->s;
	struct eval_scope at = *b->at;
	at.place = sc->place;
	at.field = sc->field;
	at.owner = sc->owner;
	size_t before = s->ctx->diags.items.len;
	struct m_value *v = eval_expr(&at, b->expr, want);
	for (size_t i = before; i < s->ctx->diags.items.len; i++)
		diag_note(&s->ctx->diags, s->ctx->diags.items.items[i], use->span,
			  "where the template uses parameter '%s'", b->name->name);
	return v;
}

static bool enum_has(const struct type *t, const struct sym *name)
{
	for (uint32_t i = 0; i < t->nmembers; i++)
		if (t->members[i] == name)
			return true;
	return false;
}

/* Environment values and interpolations are text: 5432 becomes "5432". */
static struct m_value *int_text(struct sema *s, int64_t i, struct span sp)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%lld", (long long)i);
	return string_value(s, arena_strndup(&s->ctx->arena, buf, (size_t)n), (uint32_t)n, sp);
}

struct m_value *eval_expr(const struct eval_scope *sc, const struct ast_node *e,
			  const struct type *want)
{
	struct sema *s = sc->s;
	if (!e || e->kind == AST_ERROR)
		return NULL;
	if (!want || want->kind == TY_ERROR)
		return value_new(s, V_UNSET, e->span);
	/* A template parameter stands for its argument wherever it is used,
	 * except where the name is a member of the enum expected there. */
	if (e->kind == AST_NAME && !(want->kind == TY_ENUM && enum_has(want, e->name))) {
		const struct binding *b = find_binding(sc, e->name);
		if (b) {
			if (b->value->kind == V_UNSET)
				return NULL; /* an argument already reported missing or bad */
			if (b->value->kind == V_INT && want->kind == TY_TEXT)
				return int_text(s, b->value->u.i, e->span);
			if (value_fits(b->value, want))
				return b->expr ? argument_here(sc, b, e, want) : b->value;
			struct strbuf sb;
			strbuf_init(&sb);
			type_format(want, &sb);
			diag_report(&s->ctx->diags, b->value->secret ? E0310 : E0304, e->span,
				    b->value->secret ? "parameter '%s' carries a secret, which %s cannot hold"
						     : "parameter '%s' does not fit here: expected %s",
				    e->name->name, b->value->secret ? place_text(sc) : sb.buf);
			strbuf_release(&sb);
			return NULL;
		}
	}
	switch (want->kind) {
	case TY_OPTIONAL:
		if (e->kind == AST_NONE)
			return value_new(s, V_NONE, e->span);
		return eval_expr(sc, e, want->elem);
	case TY_UNION: {
		int near_alt = -1;
		for (uint32_t i = 0; i < want->nalts; i++) {
			bool near;
			struct m_value *v = try_eval(sc, e, want->alts[i], &near);
			if (v)
				return v;
			if (near && near_alt < 0)
				near_alt = (int)i;
		}
		if (near_alt >= 0)
			return eval_expr(sc, e, want->alts[near_alt]);
		/* None fits: report against the alternative of the same shape,
		 * whose message says more than "expected a | b". */
		for (uint32_t i = 0; i < want->nalts; i++) {
			enum type_kind k = want->alts[i]->kind;
			if ((e->kind == AST_LIST && k == TY_LIST) || (e->kind == AST_MAP && (k == TY_MAP || k == TY_RECORD)))
				return eval_expr(sc, e, want->alts[i]);
		}
		mismatch(sc, e, want);
		return NULL;
	}
	case TY_BOOL:
		if (e->kind != AST_BOOL)
			break;
		{
			struct m_value *v = value_new(s, V_BOOL, e->span);
			v->u.b = e->v.i != 0;
			return v;
		}
	case TY_INT:
	case TY_DURATION:
	case TY_SIZE: {
		enum ast_kind lit = want->kind == TY_INT ? AST_INT : want->kind == TY_DURATION ? AST_DURATION : AST_SIZE;
		int64_t n;
		enum ast_kind unit;
		if (!fold_quantity(e, &n, &unit) || unit != lit)
			break;
		if (!in_range(sc, e, want, (double)n))
			return NULL;
		struct m_value *v = value_new(s, want->kind == TY_INT ? V_INT : want->kind == TY_DURATION ? V_DURATION : V_SIZE, e->span);
		v->u.i = n;
		return v;
	}
	case TY_FLOAT: {
		if (e->kind != AST_FLOAT && e->kind != AST_INT)
			break;
		double f = e->kind == AST_FLOAT ? e->v.f : (double)e->v.i;
		if (!in_range(sc, e, want, f))
			return NULL;
		struct m_value *v = value_new(s, V_FLOAT, e->span);
		v->u.f = f;
		return v;
	}
	case TY_STRING:
	case TY_PATH:
	case TY_URL:
	case TY_CRON:
	case TY_TEXT:
	case TY_SECRET:
		return eval_text(sc, e, want);
	case TY_LIST:
		return eval_list(sc, e, want);
	case TY_MAP:
	case TY_RECORD:
		return eval_map(sc, e, want);
	case TY_ENUM:
		return eval_enum(sc, e, want);
	case TY_REF: {
		if (e->kind != AST_NAME && e->kind != AST_MEMBER)
			break;
		size_t before = s->ctx->diags.items.len;
		struct m_entity *r = lookup_ref(sc, e, want->ref_kind, true);
		if (r)
			return ref_value(s, r, e->span);
		// cppcheck-suppress knownConditionTrueFalse ; lookup_ref may have reported
		if (s->ctx->diags.items.len == before)
			break; /* kind.name of another kind, or a.b.c: a mismatch, never a drop */
		return NULL;
	}
	case TY_DEPENDENCY:
		return eval_dependency(sc, e, want);
	case TY_PORT_MAP:
		return eval_port_map(sc, e, want);
	case TY_SECRET_SOURCE:
		return eval_secret_source(sc, e, want);
	case TY_WORD:
		if (e->kind != AST_NAME)
			break;
		{
			struct m_value *v = value_new(s, V_ENUM, e->span);
			v->u.sym = e->name;
			return v;
		}
	default:
		break;
	}
	mismatch(sc, e, want);
	return NULL;
}

/* ---- strings, text and secrets ----------------------------------------------------- */

/* Appends a part to a text value; adjacent literal parts are joined. */
static void add_part(struct sema *s, struct m_value *text, struct m_value *part)
{
	/* Numbers, sizes (in bytes), durations and words read as text. */
	char buf[48];
	int len = -1;
	switch (part->kind) {
	case V_INT:
	case V_SIZE:
		len = snprintf(buf, sizeof buf, "%lld", (long long)part->u.i);
		break;
	case V_DURATION:
		len = snprintf(buf, sizeof buf, "%lldms", (long long)part->u.i);
		break;
	case V_FLOAT:
		len = snprintf(buf, sizeof buf, "%g", part->u.f);
		break;
	case V_BOOL:
		len = snprintf(buf, sizeof buf, "%s", part->u.b ? "true" : "false");
		break;
	case V_ENUM:
		len = snprintf(buf, sizeof buf, "%.40s", part->u.sym->name);
		break;
	default:
		break;
	}
	if (len >= 0)
		part = string_value(s, arena_strndup(&s->ctx->arena, buf, (size_t)len), (uint32_t)len, part->span);
	uint32_t n = text->u.list.len;
	struct m_value *last = n ? text->u.list.items[n - 1] : NULL;
	if (last && last->kind == V_STRING && part->kind == V_STRING) {
		struct m_value *joined = value_new(s, V_STRING, span_join(last->span, part->span));
		char *p = arena_alloc(&s->ctx->arena, last->u.s.len + part->u.s.len + 1);
		memcpy(p, last->u.s.ptr, last->u.s.len);
		memcpy(p + last->u.s.len, part->u.s.ptr, part->u.s.len);
		p[last->u.s.len + part->u.s.len] = '\0';
		joined->u.s.ptr = p;
		joined->u.s.len = last->u.s.len + part->u.s.len;
		text->u.list.items[n - 1] = joined;
		return;
	}
	struct m_value **items = arena_alloc(&s->ctx->arena, (n + 1) * sizeof *items);
	if (n)
		memcpy(items, text->u.list.items, n * sizeof *items);
	items[n] = part;
	text->u.list.items = items;
	text->u.list.len = n + 1;
	text->secret |= part->secret;
}

static struct m_value *string_value(struct sema *s, const char *p, uint32_t len, struct span sp)
{
	struct m_value *v = value_new(s, V_STRING, sp);
	v->u.s.ptr = p;
	v->u.s.len = len;
	return v;
}

/* One ${...} of an interpolated string. */
static struct m_value *interpolation(const struct eval_scope *sc, const struct ast_node *e)
{
	struct sema *s = sc->s;
	if (e->kind == AST_NAME) {
		const struct binding *b = find_binding(sc, e->name);
		if (b)
			return b->value->kind == V_UNSET ? NULL : b->value;
	}
	if (e->kind == AST_MEMBER && e->a->kind == AST_NAME) {
		/* secret.NAME, or SERVICE.host / SERVICE.port. */
		if (kind_of(e->a->name) == KIND_SECRET) {
			struct m_entity *r = lookup_ref(sc, e, KIND_SECRET, true);
			return r ? ref_value(s, r, e->span) : NULL;
		}
		const struct binding *b = find_binding(sc, e->a->name);
		struct m_entity *r = b && b->value->kind == V_REF
					     ? b->value->u.ref.ref
					     : lookup_ref(sc, e->a, KIND_SERVICE, true);
		if (!r)
			return NULL;
		if (e->name != s->w_host && e->name != s->w_port) {
			struct diag *d = diag_report(&s->ctx->diags, E0311, e->span,
						     "a %s has no attribute '%s'", kind_word(r->kind),
						     e->name->name);
			diag_help(&s->ctx->diags, d, "services and jobs provide ${NAME.host} and ${NAME.port}");
			return NULL;
		}
		struct m_value *v = value_new(s, V_ATTR, e->span);
		v->u.ref.ref = r;
		v->u.ref.attr = e->name;
		return v;
	}
	if (e->kind == AST_INT) {
		char buf[32];
		int n = snprintf(buf, sizeof buf, "%lld", (long long)e->v.i);
		return string_value(s, arena_strndup(&s->ctx->arena, buf, (size_t)n), (uint32_t)n, e->span);
	}
	if (e->kind == AST_NAME) {
		struct diag *d = diag_report(&s->ctx->diags, E0203, e->span, "unknown name '%s'",
					     e->name->name);
		diag_help(&s->ctx->diags, d,
			  "an interpolation names a template parameter, secret.NAME, or SERVICE.host / SERVICE.port");
		return NULL;
	}
	diag_report(&s->ctx->diags, E0304, e->span,
		    "expected a parameter, secret.NAME or SERVICE.ATTR in ${...}, found %s",
		    describe_node(s, e));
	return NULL;
}

static struct m_value *eval_text(const struct eval_scope *sc, const struct ast_node *e,
				 const struct type *want)
{
	struct sema *s = sc->s;
	bool secret_ok = want->kind == TY_TEXT || want->kind == TY_SECRET;
	struct m_value *v = NULL;
	if (e->kind == AST_STRING) {
		v = string_value(s, e->v.s.ptr, e->v.s.len, e->span);
	} else if (e->kind == AST_INTERP) {
		v = value_new(s, V_TEXT, e->span);
		for (uint32_t i = 0; i < e->list.len; i++) {
			const struct ast_node *part = e->list.items[i];
			struct m_value *pv = part->kind == AST_STRING
						     ? string_value(s, part->v.s.ptr, part->v.s.len, part->span)
						     : interpolation(sc, part);
			if (!pv)
				return NULL;
			if (pv->kind == V_TEXT) {
				for (uint32_t k = 0; k < pv->u.list.len; k++)
					add_part(s, v, pv->u.list.items[k]);
			} else {
				add_part(s, v, pv);
			}
		}
		/* Text made only of literals is a plain string. */
		if (v->u.list.len == 0)
			v = string_value(s, "", 0, e->span);
		else if (v->u.list.len == 1 && v->u.list.items[0]->kind == V_STRING)
			v = string_value(s, v->u.list.items[0]->u.s.ptr, v->u.list.items[0]->u.s.len, e->span);
	} else if ((e->kind == AST_MEMBER || e->kind == AST_NAME) &&
		   (want->kind == TY_SECRET || want->kind == TY_TEXT)) {
		bool secret_member = e->kind == AST_MEMBER && e->a->kind == AST_NAME &&
				     kind_of(e->a->name) == KIND_SECRET;
		if (e->kind == AST_MEMBER && !secret_member && want->kind == TY_TEXT)
			return interpolation(sc, e); /* db.host as a whole value */
		if (!secret_member && !(want->kind == TY_SECRET && e->kind == AST_NAME)) {
			mismatch(sc, e, want);
			return NULL;
		}
		struct m_entity *r = lookup_ref(sc, e, KIND_SECRET, true);
		if (!r)
			return NULL;
		v = ref_value(s, r, e->span);
	} else if (want->kind == TY_TEXT && (e->kind == AST_INT || e->kind == AST_BOOL ||
					     e->kind == AST_FLOAT)) {
		/* Environment values are strings: 5432, 0.5 and true as such
		 * (by value: 1_000 is "1000"). */
		if (e->kind == AST_INT) {
			v = int_text(s, e->v.i, e->span);
		} else {
			char buf[32];
			int n = snprintf(buf, sizeof buf, "%s", e->v.i ? "true" : "false");
			/* The shortest form that reads back the same: 0.1, not 0.1000...1. */
			for (int prec = 1; e->kind == AST_FLOAT && prec <= 17; prec++) {
				n = snprintf(buf, sizeof buf, "%.*g", prec, e->v.f);
				if (strtod(buf, NULL) == e->v.f)
					break;
			}
			v = string_value(s, arena_strndup(&s->ctx->arena, buf, (size_t)n), (uint32_t)n, e->span);
		}
	} else {
		mismatch(sc, e, want);
		return NULL;
	}
	if (v->secret && !secret_ok) {
		secret_misplaced(sc, e->span);
		return NULL;
	}
	if (want->kind == TY_SECRET && !v->secret) {
		struct diag *d = mismatch(sc, e, want);
		diag_help(&s->ctx->diags, d,
			  "a secret parameter takes secret.NAME (or text built from one), never a literal");
		return NULL;
	}
	if (v->kind == V_STRING && want->pattern && !type_pattern_matches(want, v->u.s.ptr, v->u.s.len)) {
		struct strbuf sb;
		strbuf_init(&sb);
		type_format(want, &sb);
		diag_report(&s->ctx->diags, E0306, e->span, "\"%.*s\" does not match %s%s%s%s",
			    (int)(v->u.s.len > 60 ? 60 : v->u.s.len), v->u.s.ptr, sb.buf,
			    want->name ? " (/" : "", want->name ? want->pattern : "",
			    want->name ? "/)" : "");
		strbuf_release(&sb);
		return NULL;
	}
	if (want->kind == TY_CRON && v->kind == V_STRING) {
		char why[128];
		if (!cron_check(v->u.s.ptr, v->u.s.len, why, sizeof why)) {
			diag_report(&s->ctx->diags, E0312, e->span, "invalid cron expression \"%.*s\": %s",
				    (int)v->u.s.len, v->u.s.ptr, why);
			return NULL;
		}
	}
	return v;
}

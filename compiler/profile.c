/*
 * profile.c - applying a profile: overlays addressed by path.
 *
 * `stack.service.field = value` finds the top-level block, then the named
 * block anywhere below it (service names are unique in a stack, whichever
 * pod holds them), then the field; further segments address map keys
 * (`api.env.LOG_LEVEL`).  `kubernetes.namespace` addresses a target.  The
 * value is evaluated against the field's type like any other.
 */
#include "sema_impl.h"

static bool is_profile(const struct decl *d)
{
	return d->node->kind == AST_PROFILE;
}

static bool has_child(const struct m_entity *e, const struct sym *name)
{
	for (uint32_t i = 0; i < e->nchildren; i++)
		if (e->children[i]->name == name)
			return true;
	return false;
}

/* The block called `name` below `e`, depth first.  Names are unique per
 * kind, not across kinds (a repo and a service may share one), so the
 * block that has the path's next segment, as a field or as a block of its
 * own (`stack.orchestrator.grpc.host`: the service's expose), wins. */
static struct m_entity *find_below(struct sema *s, struct m_entity *e, const struct sym *name,
				   const struct sym *next)
{
	struct m_entity *first = NULL;
	for (uint32_t i = 0; i < e->nchildren; i++) {
		struct m_entity *c = e->children[i];
		struct m_entity *hit = c->name == name ? c : find_below(s, c, name, next);
		if (!hit)
			continue;
		const struct type *rec = schema_record(s, hit->kind, hit->name, hit->parent);
		if (next && ((rec && type_field(rec, next)) || has_child(hit, next)))
			return hit;
		if (!first)
			first = hit;
	}
	return first;
}

static struct m_entity *find_top(struct sema *s, const struct sym *name)
{
	for (size_t i = 0; i < s->top.len; i++)
		if (s->top.items[i]->name == name)
			return s->top.items[i];
	return NULL;
}

static void missing(struct sema *s, const struct ast_node *seg, const char *what)
{
	diag_report(&s->ctx->diags, E0208, seg->span, "%s '%s' does not exist", what,
		    seg->name->name);
}

static void apply_overlay(struct sema *s, const struct ast_node *f)
{
	const struct ast_list *path = &f->list;
	if (path->len < 2) {
		diag_report(&s->ctx->diags, E0208, f->span,
			    "an overlay is a path like stack.service.field, not a single name");
		return;
	}
	struct m_entity *e = find_top(s, path->items[0]->name);
	if (!e) {
		missing(s, path->items[0], "block");
		return;
	}
	uint32_t i = 1;
	/* Descend through block names as long as they name blocks. */
	while (i + 1 < path->len) {
		struct m_entity *below = find_below(s, e, path->items[i]->name, path->items[i + 1]->name);
		if (!below)
			break;
		e = below;
		i++;
	}
	const struct type *rec = schema_record(s, e->kind, e->name, e->parent);
	const struct record_field *rf = rec ? type_field(rec, path->items[i]->name) : NULL;
	if (!rf) {
		struct diag *d = diag_report(&s->ctx->diags, E0208, path->items[i]->span,
					     "%s '%s' has no field or block '%s'", kind_word(e->kind),
					     e->name ? e->name->name : "", path->items[i]->name->name);
		const struct sym *close = rec ? type_suggest_field(rec, path->items[i]->name) : NULL;
		if (close)
			diag_help(&s->ctx->diags, d, "did you mean '%s'?", close->name);
		return;
	}
	uint32_t slot = (uint32_t)(rf - rec->fields);
	struct m_entity *container = e;
	while (container->parent)
		container = container->parent;
	struct eval_scope sc = { s, s->root, container, NULL, "a profile overlay", NULL, NULL };
	const struct type *want = rf->type;
	if (i + 1 == path->len) {
		struct m_value *v = eval_expr(&sc, f->a, want);
		if (v)
			e->fields[slot] = v;
		return;
	}
	/* field.KEY: one entry of a map field (or of an optional record). */
	if (want->kind == TY_OPTIONAL)
		want = want->elem;
	if (i + 2 != path->len || (want->kind != TY_MAP && want->kind != TY_RECORD)) {
		missing(s, path->items[i + 1], "key");
		return;
	}
	const struct sym *key = path->items[i + 1]->name;
	const struct type *vt = want->elem;
	if (want->kind == TY_RECORD) {
		const struct record_field *kf = type_field(want, key);
		if (!kf) {
			missing(s, path->items[i + 1], "field");
			return;
		}
		vt = kf->type;
	}
	struct m_value *map = e->fields[slot];
	if (!map || map->kind != V_MAP) {
		/* An optional record never written: there is nothing to amend,
		 * and inventing one would hide the other fields' absence. */
		struct diag *d = diag_report(&s->ctx->diags, E0208, path->items[i]->span,
					     "%s '%s' does not set '%s', so '%s' cannot be overlaid",
					     kind_word(e->kind), e->name ? e->name->name : "",
					     path->items[i]->name->name, key->name);
		diag_help(&s->ctx->diags, d, "overlay the whole field: %s = { ... }",
			  path->items[i]->name->name);
		return;
	}
	struct m_value *v = eval_expr(&sc, f->a, vt);
	if (!v)
		return;
	struct m_value *copy = value_new(s, V_MAP, map->span);
	copy->u.map.entries = arena_alloc(&s->ctx->arena, (map->u.map.len + 1) * sizeof *copy->u.map.entries);
	copy->u.map.len = map->u.map.len;
	uint32_t j = 0;
	for (; j < map->u.map.len; j++) {
		copy->u.map.entries[j] = map->u.map.entries[j];
		if (copy->u.map.entries[j].key == key)
			copy->u.map.entries[j].value = v;
	}
	bool found = false;
	for (j = 0; j < copy->u.map.len; j++)
		found |= copy->u.map.entries[j].key == key;
	if (!found)
		copy->u.map.entries[copy->u.map.len++] = (struct m_entry){ key, v };
	e->fields[slot] = copy;
}

void profile_apply(struct sema *s, const struct sym *name)
{
	struct decl *d = module_find(s->root, name, is_profile);
	if (!d) {
		diag_report_nospan(&s->ctx->diags, E0207, "no profile '%s' in %s (profiles are "
				   "read from the file given, not from its imports)", name->name,
				   s->ctx->sources.files[s->root->file].path);
		return;
	}
	struct ast_list body = ast_body(d->node);
	for (uint32_t i = 0; i < body.len; i++)
		if (body.items[i]->kind == AST_FIELD)
			apply_overlay(s, body.items[i]);
}

/*
 * catalog_rows.c - a checked catalog entity as orchestrator-core's rows.
 */
#include "catalog_rows.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "model.h"
#include "str.h"
#include "uuid5.h"
#include "variant.h"

#define UUID(n) { n, COL_UUID, false }
#define TEXT(n) { n, COL_TEXT, false }
#define TEXT_NULL(n) { n, COL_TEXT, true }

/* The columns the migrations write; created_at, end_date and deleted_at
 * keep their defaults. */
const struct cat_table cat_tables[NTABLES] = {
	[T_RESOURCE_TYPES] = { "resource_types", "resource type", 1, 3, 1,
		{ UUID("resource_type_id"), TEXT("resource_type"), TEXT_NULL("description") } },
	[T_PRODUCT_BLOCKS] = { "product_blocks", "product block", 1, 5, 1,
		{ UUID("product_block_id"), TEXT("name"), TEXT("description"), TEXT_NULL("tag"),
		  TEXT_NULL("status") } },
	[T_BLOCK_RESOURCE_TYPES] = { "product_block_resource_types", "resource type of a block", 2, 2, -1,
		{ UUID("product_block_id"), UUID("resource_type_id") } },
	[T_BLOCK_RELATIONS] = { "product_block_relations", "block relation", 2, 4, -1,
		{ UUID("in_use_by_id"), UUID("depends_on_id"), { "min", COL_INT, true },
		  { "max", COL_INT, true } } },
	[T_PRODUCTS] = { "products", "product", 1, 6, 1,
		{ UUID("product_id"), TEXT("name"), TEXT("description"), TEXT("product_type"),
		  TEXT("tag"), TEXT("status") } },
	[T_FIXED_INPUTS] = { "fixed_inputs", "fixed input", 1, 4, 1,
		{ UUID("fixed_input_id"), TEXT("name"), TEXT("value"), UUID("product_id") } },
	[T_PRODUCT_BLOCKS_LINK] = { "product_product_blocks", "block of a product", 2, 2, -1,
		{ UUID("product_id"), UUID("product_block_id") } },
	[T_WORKFLOWS] = { "workflows", "workflow", 1, 5, 1,
		{ UUID("workflow_id"), TEXT("name"), TEXT("target"), TEXT("description"),
		  { "is_task", COL_BOOL, false } } },
	[T_PRODUCTS_WORKFLOWS] = { "products_workflows", "workflow of a product", 2, 2, -1,
		{ UUID("product_id"), { "workflow_id", COL_WORKFLOW, false } } },
};

void cat_state_release(struct cat_state *s)
{
	for (int t = 0; t < NTABLES; t++)
		vec_free(&s->rows[t]);
}

bool cat_is_uuid(const char *v)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = v[i];
		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return v[36] == '\0';
}

/* ---- names and identities ---- */

struct by_name {
	const char *name;
	const char *id;
};

static int compare_by_name(const void *pa, const void *pb)
{
	return strcmp(((const struct by_name *)pa)->name, ((const struct by_name *)pb)->name);
}

/* The products one product block stands for (variant.h), with their ids. */
struct products {
	struct variant *v;
	const char **ids;
	size_t n;
};

struct build {
	struct cat_state *out;
	const struct m_entity *cat;
	struct arena *a;
	const char **ids;               /* per child of the catalog (index: scratch) */
	struct products *products;      /* per child that is a product */
	struct by_name *prev[NTABLES];  /* the previous entity rows, sorted by name */
	size_t nprev[NTABLES];
	const char **ids_before[NTABLES]; /* their ids, sorted */
	size_t nids[NTABLES];
};

/* The database name of an entity: its `name`, or its identifier. */
static const char *db_name(const struct m_entity *e)
{
	const char *n = e->kind == KIND_WORKFLOW || e->kind == KIND_TASK ? NULL : m_string(e, "name");
	return n ? n : e->name->name;
}

static const char *prev_id(const struct build *b, enum cat_table_id t, const char *name)
{
	struct by_name key = { name, NULL };
	const struct by_name *hit = name && b->nprev[t] ?
		bsearch(&key, b->prev[t], b->nprev[t], sizeof key, compare_by_name) : NULL;
	return hit ? hit->id : NULL;
}

static const char *new_id(struct arena *a, const char *text)
{
	char *id = arena_alloc(a, 37);
	uuid5(CAT_UUID_NAMESPACE, text, strlen(text), id);
	return id;
}

static int compare_ids(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/*
 * The identity of an entity is the UUIDv5 of its qualified identifier
 * ("esnet/products/NodeEnrollment"), or of the identifier `renamed_from`
 * names: changing a display name changes no id.  A row of the previous
 * catalogue whose database name is `renamed_from`, or failing that the
 * entity's own name, lends its id when the computed one is new: renames
 * written as the old display name, and identifiers changed without
 * `renamed_from`, keep their rows.
 */
static const char *identity(const struct build *b, enum cat_table_id t, const char *identifier,
			    const char *renamed_from, const char *name)
{
	const char *id = new_id(b->a, arena_printf(b->a, "%s/%s/%s", b->cat->name->name, cat_tables[t].name,
						    renamed_from ? renamed_from : identifier));
	if (b->nids[t] && bsearch(&id, b->ids_before[t], b->nids[t], sizeof id, compare_ids))
		return id;
	const char *was = prev_id(b, t, renamed_from);
	if (!was)
		was = prev_id(b, t, name);
	return was ? was : id;
}

static const char *entity_identity(const struct build *b, enum cat_table_id t, const struct m_entity *e)
{
	return identity(b, t, e->name->name, m_string(e, "renamed_from"), db_name(e));
}

/*
 * A variant's identifier is its product's followed by its values
 * ("NodeCisco"), and so is the identifier it was renamed from: a product
 * renamed from Node to Device keeps the ids of NodeCisco and NodeNokia.
 */
static void product_identities(struct build *b, const struct m_entity *p, struct products *out)
{
	out->n = product_variants(p, b->a, &out->v);
	out->ids = arena_zalloc(b->a, (out->n + 1) * sizeof *out->ids);
	const char *from = m_string(p, "renamed_from");
	for (size_t i = 0; i < out->n; i++) {
		const struct variant *v = &out->v[i];
		const char *suffix = v->identifier + p->name->len;
		const char *name = variant_text(p, v, "name", b->a);
		out->ids[i] = identity(b, T_PRODUCTS, v->identifier,
				       from ? arena_printf(b->a, "%s%s", from, suffix) : NULL,
				       name ? name : v->identifier);
	}
}

static void index_previous(struct build *b, const struct cat_state *prev)
{
	for (int t = 0; t < NTABLES; t++) {
		int nc = cat_tables[t].name_col;
		if (nc < 0 || !prev || !prev->rows[t].len)
			continue;
		b->prev[t] = xmalloc(prev->rows[t].len * sizeof *b->prev[t]);
		b->ids_before[t] = xmalloc(prev->rows[t].len * sizeof *b->ids_before[t]);
		for (size_t i = 0; i < prev->rows[t].len; i++) {
			const struct cat_row *r = &prev->rows[t].items[i];
			b->prev[t][b->nprev[t]++] = (struct by_name){ r->v[nc], r->v[0] };
			b->ids_before[t][b->nids[t]++] = r->v[0];
		}
		qsort(b->prev[t], b->nprev[t], sizeof *b->prev[t], compare_by_name);
		qsort(b->ids_before[t], b->nids[t], sizeof *b->ids_before[t], compare_ids);
	}
}

/* ---- rows ---- */

static void row(struct build *b, enum cat_table_id t, const char *c0, const char *c1,
		const char *c2, const char *c3, const char *c4, const char *c5)
{
	struct cat_row r = { { c0, c1, c2, c3, c4, c5 } };
	vec_push(&b->out->rows[t], r);
}

static void link(struct build *b, enum cat_table_id t, const char *x, const char *y)
{
	row(b, t, x, y, NULL, NULL, NULL, NULL);
}

/* products.status and product_blocks.status: "phase-out" is stored "phase out". */
static const char *status(struct build *b, const struct m_entity *e)
{
	const struct m_value *v = m_get(e, "status");
	if (!m_is_set(v) || v->kind != V_ENUM)
		return "active";
	char *s = arena_strndup(b->a, v->u.sym->name, v->u.sym->len);
	for (char *p = s; *p; p++)
		if (*p == '-')
			*p = ' ';
	return s;
}

/* workflows.description is NOT NULL: a workflow without one is described
 * by its name, as orchestrator-core's generator does ("Create node"). */
static const char *workflow_description(struct build *b, const struct m_entity *e)
{
	const char *d = m_string(e, "description");
	if (d)
		return d;
	char *s = arena_strndup(b->a, e->name->name, e->name->len);
	for (char *p = s; *p; p++)
		if (*p == '_' || *p == '-')
			*p = ' ';
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}

static const char *upper(struct build *b, const char *s)
{
	char *u = arena_strndup(b->a, s, strlen(s));
	for (char *p = u; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

static const char *id_of(const struct build *b, const struct m_value *ref)
{
	return b->ids[ref->u.ref.ref->scratch];
}

static void refs(struct build *b, enum cat_table_id t, const char *from, const struct m_value *list)
{
	for (uint32_t i = 0; i < m_count(list); i++)
		link(b, t, from, id_of(b, m_item(list, i)));
}

static const char *bound(struct build *b, const struct m_entity *r, const char *name)
{
	const struct m_value *v = m_get(r, name);
	return m_is_set(v) ? arena_printf(b->a, "%lld", (long long)v->u.i) : NULL;
}

static void relation_row(struct build *b, const char *id, const struct m_entity *r)
{
	row(b, T_BLOCK_RELATIONS, id, id_of(b, m_get(r, "block")), bound(b, r, "min"),
	    bound(b, r, "max"), NULL, NULL);
}

static void entity_row(struct build *b, const struct m_entity *e)
{
	const char *id = b->ids[e->scratch];
	switch (e->kind) {
	case KIND_RESOURCE_TYPE:
		row(b, T_RESOURCE_TYPES, id, db_name(e), m_string(e, "description"), NULL, NULL, NULL);
		break;
	case KIND_BLOCK:
		row(b, T_PRODUCT_BLOCKS, id, db_name(e), m_string(e, "description"),
		    m_string(e, "tag"), status(b, e), NULL);
		refs(b, T_BLOCK_RESOURCE_TYPES, id, m_get(e, "resources"));
		refs(b, T_BLOCK_RELATIONS, id, m_get(e, "depends_on"));
		for (uint32_t i = 0; i < e->nchildren; i++)
			if (e->children[i]->kind == KIND_RELATION)
				relation_row(b, id, e->children[i]);
		break;
	case KIND_PRODUCT: {
		const struct products *ps = &b->products[e->scratch];
		const struct m_value *fi = m_get(e, "fixed_inputs");
		for (size_t v = 0; v < ps->n; v++) {
			const struct variant *var = &ps->v[v];
			const char *name = variant_text(e, var, "name", b->a);
			row(b, T_PRODUCTS, ps->ids[v], name ? name : var->identifier,
			    variant_text(e, var, "description", b->a), variant_text(e, var, "type", b->a),
			    variant_text(e, var, "tag", b->a), status(b, e));
			for (uint32_t i = 0; m_is_set(fi) && i < fi->u.map.len; i++) {
				const char *input = fi->u.map.entries[i].key->name;
				row(b, T_FIXED_INPUTS,
				    new_id(b->a, arena_printf(b->a, "%s/fixed_inputs/%s", ps->ids[v], input)),
				    input, var->values[i], ps->ids[v], NULL, NULL);
			}
			link(b, T_PRODUCT_BLOCKS_LINK, ps->ids[v], id_of(b, m_get(e, "root")));
		}
		break;
	}
	case KIND_WORKFLOW:
	case KIND_TASK:
		if (m_flag(e, "builtin"))
			break;
		row(b, T_WORKFLOWS, id, e->name->name,
		    e->kind == KIND_TASK ? "SYSTEM" : upper(b, m_get(e, "target")->u.sym->name),
		    workflow_description(b, e), e->kind == KIND_TASK ? "true" : "false", NULL);
		break;
	default:
		break;
	}
}

/* Workflow `wid` linked to every product `p` stands for. */
static void link_products(struct build *b, const struct m_entity *p, const char *wid)
{
	const struct products *ps = &b->products[p->scratch];
	for (size_t v = 0; v < ps->n; v++)
		link(b, T_PRODUCTS_WORKFLOWS, ps->ids[v], wid);
}

/* products_workflows: each workflow's products, then the default workflows
 * (catalog `default_workflows`) on every product not already linked. */
static void workflow_links(struct build *b)
{
	const struct m_entity *cat = b->cat;
	for (uint32_t i = 0; i < cat->nchildren; i++) {
		const struct m_entity *w = cat->children[i];
		if (w->kind != KIND_WORKFLOW || !w->fields)
			continue;
		const struct m_value *products = m_get(w, "product");
		const char *wid = m_flag(w, "builtin") ? w->name->name : b->ids[i];
		for (uint32_t k = 0; k < m_count(products); k++)
			link_products(b, m_item(products, k)->u.ref.ref, wid);
	}
	const struct m_value *defaults = m_get(cat, "default_workflows");
	bool *linked = xmalloc((cat->nchildren + 1) * sizeof *linked);
	for (uint32_t d = 0; m_is_set(defaults) && d < defaults->u.list.len; d++) {
		const char *name = defaults->u.list.items[d]->u.s.ptr;
		const char *wid = name;
		memset(linked, 0, (cat->nchildren + 1) * sizeof *linked);
		for (uint32_t i = 0; i < cat->nchildren; i++) {
			const struct m_entity *w = cat->children[i];
			if ((w->kind != KIND_WORKFLOW && w->kind != KIND_TASK) || !w->fields ||
			    strcmp(w->name->name, name) != 0)
				continue;
			if (!m_flag(w, "builtin"))
				wid = b->ids[i];
			const struct m_value *products = w->kind == KIND_WORKFLOW ? m_get(w, "product") : NULL;
			for (uint32_t k = 0; k < m_count(products); k++)
				linked[m_item(products, k)->u.ref.ref->scratch] = true;
		}
		for (uint32_t i = 0; i < cat->nchildren; i++)
			if (cat->children[i]->kind == KIND_PRODUCT && cat->children[i]->fields && !linked[i])
				link_products(b, cat->children[i], wid);
	}
	free(linked);
}

static enum cat_table_id table_of(enum block_kind k)
{
	switch (k) {
	case KIND_RESOURCE_TYPE: return T_RESOURCE_TYPES;
	case KIND_BLOCK: return T_PRODUCT_BLOCKS;
	case KIND_PRODUCT: return T_PRODUCTS;
	case KIND_WORKFLOW:
	case KIND_TASK: return T_WORKFLOWS;
	default: return NTABLES;
	}
}

void cat_state_from_model(struct cat_state *out, const struct m_entity *cat,
			  const struct cat_state *previous, struct arena *a)
{
	memset(out, 0, sizeof *out);
	struct build b = { out, cat, a, NULL, NULL, { NULL }, { 0 }, { NULL }, { 0 } };
	index_previous(&b, previous);
	b.ids = arena_zalloc(a, (cat->nchildren + 1) * sizeof *b.ids);
	b.products = arena_zalloc(a, (cat->nchildren + 1) * sizeof *b.products);
	for (uint32_t i = 0; i < cat->nchildren; i++) {
		struct m_entity *e = cat->children[i];
		e->scratch = i;
		enum cat_table_id t = table_of(e->kind);
		if (t == T_PRODUCTS && e->fields)
			product_identities(&b, e, &b.products[i]);
		else if (t != NTABLES && e->fields)
			b.ids[i] = entity_identity(&b, t, e);
	}
	for (uint32_t i = 0; i < cat->nchildren; i++)
		if (cat->children[i]->fields)
			entity_row(&b, cat->children[i]);
	workflow_links(&b);
	for (int t = 0; t < NTABLES; t++) {
		free(b.prev[t]);
		free(b.ids_before[t]);
	}
}

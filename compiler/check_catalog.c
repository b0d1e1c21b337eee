/*
 * check_catalog.c - orchestrator-core's rules for catalogues: column sizes,
 * unique display names, acyclic block relations, usable_in only where a
 * lifecycle state exists, and products that can be created and terminated.
 */
#include "sema_impl.h"

#include <string.h>

static const struct m_value *field(const struct m_entity *e, const char *name)
{
	const struct m_value *v = m_get(e, name);
	return v && v->kind != V_UNSET && v->kind != V_NONE ? v : NULL;
}

/* Counts code points, as the database does. */
static uint32_t chars(const struct m_value *v)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < v->u.s.len; i++)
		n += ((unsigned char)v->u.s.ptr[i] & 0xC0) != 0x80;
	return n;
}

static void limit(struct sema *s, const struct m_entity *e, const char *name, uint32_t max,
		  const char *column)
{
	const struct m_value *v = field(e, name);
	if (!v || v->kind != V_STRING || chars(v) <= max)
		return;
	diag_report(&s->ctx->diags, E0406, v->span, "%s is %u characters; %s holds at most %u",
		    name, chars(v), column, max);
}

/* The name a block or product has in the database: `name`, or the identifier. */
static struct str db_name(const struct m_entity *e)
{
	const struct m_value *v = field(e, "name");
	if (v && v->kind == V_STRING)
		return (struct str){ v->u.s.ptr, v->u.s.len };
	return sym_str(e->name);
}

static void unique_names(struct sema *s, const struct m_entity *cat, enum block_kind kind,
			 const char *table)
{
	for (uint32_t i = 0; i < cat->nchildren; i++) {
		const struct m_entity *a = cat->children[i];
		if (a->kind != kind)
			continue;
		struct str na = db_name(a);
		for (uint32_t j = 0; j < i; j++) {
			const struct m_entity *b = cat->children[j];
			if (b->kind != kind || !str_eq(na, db_name(b)))
				continue;
			struct diag *d = diag_report(&s->ctx->diags, E0204, a->span,
						     "%s '%s' and '%s' have the same name \"%.*s\" in %s",
						     kind_word(kind), b->name->name, a->name->name,
						     (int)na.len, na.ptr, table);
			diag_note(&s->ctx->diags, d, b->span, "the first one");
			break;
		}
	}
}

/* ---- block relations ---- */

enum { WHITE, GREY, BLACK };

typedef VEC(struct m_entity *) entity_vec;

static void visit_block(struct sema *s, struct m_entity *b, entity_vec *path)
{
	if (b->scratch == BLACK)
		return;
	if (b->scratch == GREY) {
		struct strbuf cycle;
		strbuf_init(&cycle);
		size_t from = 0;
		while (path->items[from] != b)
			from++;
		for (size_t k = from; k < path->len; k++)
			strbuf_addf(&cycle, "%s -> ", path->items[k]->name->name);
		strbuf_addstr(&cycle, b->name->name);
		diag_report(&s->ctx->diags, E0407, b->span, "product block cycle: %s", cycle.buf);
		strbuf_release(&cycle);
		return;
	}
	b->scratch = GREY;
	vec_push(path, b);
	const struct m_value *deps = field(b, "depends_on");
	for (uint32_t i = 0; deps && i < deps->u.list.len; i++)
		visit_block(s, deps->u.list.items[i]->u.ref.ref, path);
	path->len--;
	b->scratch = BLACK;
}

/* ---- workflows ---- */

static bool links(const struct m_value *product, const struct m_entity *p)
{
	if (!product)
		return false;
	if (product->kind == V_REF)
		return product->u.ref.ref == p;
	for (uint32_t i = 0; product->kind == V_LIST && i < product->u.list.len; i++)
		if (product->u.list.items[i]->u.ref.ref == p)
			return true;
	return false;
}

static void check_products(struct sema *s, const struct m_entity *cat)
{
	const struct sym *create = intern_cstr(&s->ctx->names, "create");
	const struct sym *terminate = intern_cstr(&s->ctx->names, "terminate");
	for (uint32_t i = 0; i < cat->nchildren; i++) {
		const struct m_entity *p = cat->children[i];
		if (p->kind != KIND_PRODUCT)
			continue;
		bool can_create = false, can_terminate = false;
		for (uint32_t j = 0; j < cat->nchildren; j++) {
			const struct m_entity *w = cat->children[j];
			const struct m_value *target = w->kind == KIND_WORKFLOW ? field(w, "target") : NULL;
			if (!target || !links(field(w, "product"), p))
				continue;
			can_create |= target->u.sym == create;
			can_terminate |= target->u.sym == terminate;
		}
		if (can_create && can_terminate)
			continue;
		struct diag *d = diag_report(&s->ctx->diags, W0401, p->span,
					     "product '%s' has no %s workflow", p->name->name,
					     !can_create && !can_terminate ? "create or terminate"
					     : !can_create		   ? "create"
									   : "terminate");
		diag_help(&s->ctx->diags, d, "link one with: workflow NAME { target = %s, product = %s }",
			  can_create ? "terminate" : "create", p->name->name);
	}
}

void check_catalogs(struct sema *s)
{
	const struct sym *create = intern_cstr(&s->ctx->names, "create");
	for (size_t t = 0; t < s->top.len; t++) {
		struct m_entity *cat = s->top.items[t];
		if (cat->kind != KIND_CATALOG || !cat->fields)
			continue;
		entity_vec path = VEC_INIT;
		for (uint32_t i = 0; i < cat->nchildren; i++)
			cat->children[i]->scratch = WHITE;
		for (uint32_t i = 0; i < cat->nchildren; i++) {
			struct m_entity *e = cat->children[i];
			if (!e->fields)
				continue;
			limit(s, e, "description", 2000, "the description column");
			switch (e->kind) {
			case KIND_BLOCK:
				limit(s, e, "tag", 20, "product_blocks.tag");
				visit_block(s, e, &path);
				break;
			case KIND_PRODUCT:
				limit(s, e, "tag", 20, "products.tag");
				limit(s, e, "type", 255, "products.product_type");
				break;
			case KIND_RESOURCE_TYPE:
				if (e->name->len > 510)
					diag_report(&s->ctx->diags, E0406, e->span,
						    "resource type names hold at most 510 characters");
				limit(s, e, "name", 510, "resource_types.resource_type");
				break;
			case KIND_WORKFLOW: {
				const struct m_value *target = field(e, "target");
				const struct m_value *usable = field(e, "usable_in");
				if (target && target->u.sym == create && usable) {
					struct diag *d = diag_report(&s->ctx->diags, E0408, usable->span,
								     "create workflow '%s' cannot have usable_in",
								     e->name->name);
					diag_help(&s->ctx->diags, d, "remove usable_in; set initial_status instead");
				}
				break;
			}
			default:
				break;
			}
		}
		vec_free(&path);
		unique_names(s, cat, KIND_PRODUCT, "products.name");
		unique_names(s, cat, KIND_BLOCK, "product_blocks.name");
		check_products(s, cat);
	}
}

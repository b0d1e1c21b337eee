/*
 * check_catalog.c - orchestrator-core's rules for catalogues: column sizes,
 * unique display names, acyclic block relations (one per pair of blocks,
 * min <= max), usable_in only where a lifecycle state exists, and products
 * that can be created and terminated.
 */
#include "sema_impl.h"

#include <stdlib.h>
#include <string.h>

#include "variant.h"

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
	const struct m_value *v = m_field(e, name);
	if (!v || v->kind != V_STRING || chars(v) <= max)
		return;
	diag_report(&s->ctx->diags, E0406, v->span, "%s is %u characters; %s holds at most %u",
		    name, chars(v), column, max);
}

/* The name a block or product has in the database: `name`, or the identifier. */
static struct str db_name(const struct m_entity *e)
{
	const struct m_value *v = m_field(e, "name");
	if (v && v->kind == V_STRING)
		return (struct str){ v->u.s.ptr, v->u.s.len };
	return sym_str(e->name);
}

struct named {
	struct str name;
	const struct m_entity *e;
};

static int by_name(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	size_t n = a->name.len < b->name.len ? a->name.len : b->name.len;
	int c = memcmp(a->name.ptr, b->name.ptr, n);
	if (c || a->name.len != b->name.len)
		return c ? c : (a->name.len < b->name.len ? -1 : 1);
	/* Same name: keep declaration order, so the first one is reported. */
	return a->e->span.lo < b->e->span.lo ? -1 : a->e->span.lo > b->e->span.lo;
}

typedef VEC(struct named) named_vec;

/* A fixed input listing no value would leave its product no variant. */
static void empty_inputs(struct sema *s, const struct m_entity *p)
{
	const struct m_value *fi = m_field(p, "fixed_inputs");
	for (uint32_t k = 0; fi && fi->kind == V_MAP && k < fi->u.map.len; k++) {
		const struct m_value *v = fi->u.map.entries[k].value;
		if (v->kind != V_LIST || v->u.list.len)
			continue;
		struct diag *d = diag_report(&s->ctx->diags, E0423, v->span,
					     "fixed input '%s' of product '%s' lists no value",
					     fi->u.map.entries[k].key->name, p->name->name);
		diag_help(&s->ctx->diags, d, "a product stands for one product per value: list at least one");
	}
}

/* The names of every product a product block stands for (variant.h). */
static void variant_names(struct sema *s, const struct m_entity *p, named_vec *all)
{
	struct variant *v;
	size_t n = product_variants(p, &s->ctx->arena, &v);
	for (size_t i = 0; i < n; i++) {
		const char *name = variant_text(p, &v[i], "name", &s->ctx->arena);
		if (!name)
			name = v[i].identifier;
		struct named w = { { name, strlen(name) }, p };
		vec_push(all, w);
	}
}

/* Database names unique per table: sorted, so twins are neighbours. */
static void unique_names(struct sema *s, const struct m_entity *cat, enum block_kind kind,
			 const char *table)
{
	named_vec all = VEC_INIT;
	for (uint32_t i = 0; i < cat->nchildren; i++)
		if (cat->children[i]->kind == kind && kind == KIND_PRODUCT) {
			variant_names(s, cat->children[i], &all);
		} else if (cat->children[i]->kind == kind) {
			struct named n = { db_name(cat->children[i]), cat->children[i] };
			vec_push(&all, n);
		}
	if (all.len > 1)
		qsort(all.items, all.len, sizeof *all.items, by_name);
	for (size_t i = 1; i < all.len; i++) {
		const struct named *a = &all.items[i];
		size_t f = i - 1;
		if (!str_eq(all.items[f].name, a->name))
			continue;
		while (f > 0 && str_eq(all.items[f - 1].name, a->name))
			f--;
		const struct m_entity *b = all.items[f].e;
		if (a->e == b) {
			struct diag *d = diag_report(&s->ctx->diags, E0204, a->e->span,
						     "two variants of %s '%s' have the same name \"%.*s\" in %s",
						     kind_word(kind), b->name->name, (int)a->name.len, a->name.ptr,
						     table);
			const struct m_value *fi = m_field(b, "fixed_inputs");
			const char *input = "INPUT";
			for (uint32_t k = fi ? fi->u.map.len : 0; k-- > 0;)
				if (fi->u.map.entries[k].value->kind == V_LIST)
					input = fi->u.map.entries[k].key->name;
			diag_help(&s->ctx->diags, d, "say in its name which variant it is, with ${%s}", input);
			continue;
		}
		struct diag *d = diag_report(&s->ctx->diags, E0204, a->e->span,
					     "%s '%s' and '%s' have the same name \"%.*s\" in %s",
					     kind_word(kind), b->name->name, a->e->name->name,
					     (int)a->name.len, a->name.ptr, table);
		diag_note(&s->ctx->diags, d, b->span, "the first one");
	}
	vec_free(&all);
}

/* ---- block relations ---- */

enum { WHITE, GREY, BLACK, STAMPS };

/* The block a relation names, or NULL (not a relation, or in error). */
static const struct m_value *relation_block(const struct m_entity *r)
{
	return r->kind == KIND_RELATION ? m_field(r, "block") : NULL;
}

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
	const struct m_value *deps = m_field(b, "depends_on");
	for (uint32_t i = 0; deps && i < deps->u.list.len; i++)
		visit_block(s, deps->u.list.items[i]->u.ref.ref, path);
	for (uint32_t i = 0; i < b->nchildren; i++) {
		const struct m_value *used = relation_block(b->children[i]);
		if (used)
			visit_block(s, used->u.ref.ref, path);
	}
	path->len--;
	b->scratch = BLACK;
}

/* A block uses another once: product_block_relations has one row per pair.
 * `stamp` marks the blocks `b` uses (scratch, once the cycles are found). */
static void use_once(struct sema *s, const struct m_entity *b, const struct m_value *ref, uint32_t stamp)
{
	struct m_entity *used = ref->u.ref.ref;
	if (used->scratch != stamp) {
		used->scratch = stamp;
		return;
	}
	struct diag *d = diag_report(&s->ctx->diags, E0425, ref->span, "block '%s' uses block '%s' twice",
				     b->name->name, used->name->name);
	diag_help(&s->ctx->diags, d,
		  "keep one relation to it, with min and max saying how many it holds");
}

static void check_relations(struct sema *s, const struct m_entity *b, uint32_t stamp)
{
	const struct m_value *deps = m_field(b, "depends_on");
	for (uint32_t i = 0; deps && i < deps->u.list.len; i++)
		use_once(s, b, deps->u.list.items[i], stamp);
	for (uint32_t i = 0; i < b->nchildren; i++) {
		const struct m_entity *r = b->children[i];
		const struct m_value *used = relation_block(r);
		if (!used)
			continue;
		use_once(s, b, used, stamp);
		const struct m_value *min = m_field(r, "min"), *max = m_field(r, "max");
		if (min && max && min->u.i > max->u.i)
			diag_report(&s->ctx->diags, E0424, min->span,
				    "relation '%s' of block '%s' holds at least %lld and at most %lld blocks",
				    r->name->name, b->name->name, (long long)min->u.i, (long long)max->u.i);
	}
}

/* ---- workflows ---- */

/* Marks each product a workflow of `target` links to (bit in scratch). */
static void mark_links(const struct m_value *product, uint32_t bit)
{
	if (!product)
		return;
	if (product->kind == V_REF) {
		product->u.ref.ref->scratch |= bit;
		return;
	}
	for (uint32_t i = 0; product->kind == V_LIST && i < product->u.list.len; i++)
		product->u.list.items[i]->u.ref.ref->scratch |= bit;
}

enum { CAN_CREATE = 1, CAN_TERMINATE = 2 };

/* One pass over the workflows marks the products, one over the products
 * reports: linear, however many products and workflows. */
static void check_products(struct sema *s, const struct m_entity *cat)
{
	const struct sym *create = intern_cstr(&s->ctx->names, "create");
	const struct sym *terminate = intern_cstr(&s->ctx->names, "terminate");
	for (uint32_t i = 0; i < cat->nchildren; i++)
		if (cat->children[i]->kind == KIND_PRODUCT)
			cat->children[i]->scratch = 0;
	for (uint32_t j = 0; j < cat->nchildren; j++) {
		const struct m_entity *w = cat->children[j];
		const struct m_value *target = w->kind == KIND_WORKFLOW ? m_field(w, "target") : NULL;
		if (target && (target->u.sym == create || target->u.sym == terminate))
			mark_links(m_field(w, "product"), target->u.sym == create ? CAN_CREATE : CAN_TERMINATE);
	}
	for (uint32_t i = 0; i < cat->nchildren; i++) {
		const struct m_entity *p = cat->children[i];
		if (p->kind != KIND_PRODUCT || p->scratch == (CAN_CREATE | CAN_TERMINATE))
			continue;
		/* Indexed by the marks: none, create only, terminate only. */
		static const char *const lacking[] = { "create or terminate", "terminate", "create" };
		struct diag *d = diag_report(&s->ctx->diags, W0401, p->span,
					     "product '%s' has no %s workflow", p->name->name,
					     lacking[p->scratch]);
		diag_help(&s->ctx->diags, d, "link one with: workflow NAME { target = %s, product = %s }",
			  p->scratch & CAN_CREATE ? "terminate" : "create", p->name->name);
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
				empty_inputs(s, e);
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
				const struct m_value *target = m_field(e, "target");
				const struct m_value *usable = m_field(e, "usable_in");
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
		for (uint32_t i = 0; i < cat->nchildren; i++)
			if (cat->children[i]->kind == KIND_BLOCK && cat->children[i]->fields)
				check_relations(s, cat->children[i], STAMPS + i);
		unique_names(s, cat, KIND_PRODUCT, "products.name");
		unique_names(s, cat, KIND_BLOCK, "product_blocks.name");
		check_products(s, cat);
	}
}

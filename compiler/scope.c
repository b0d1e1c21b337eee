/*
 * scope.c - the names of entities inside their stack, catalog or fleet.
 *
 * One open-addressing table per compilation maps (container, namespace,
 * name) to the entity.  Each block kind is its own namespace (a repo and an
 * image may share a name), except services and jobs, which share one: both
 * become compose services and Kubernetes objects.
 */
#include "sema_impl.h"

#include <stdlib.h>

struct name_slot {
	const struct m_entity *container;
	uint32_t ns;
	const struct sym *name;
	struct m_entity *entity;
};

/* Jobs share the services' namespace (both become compose services), and
 * tasks the workflows' (both are rows of the workflows table). */
static uint32_t namespace_of(enum block_kind k)
{
	return k == KIND_JOB ? KIND_SERVICE : k == KIND_TASK ? KIND_WORKFLOW : (uint32_t)k;
}

static uint32_t slot_hash(const struct m_entity *c, uint32_t ns, const struct sym *name)
{
	uint64_t h = (uint64_t)(uintptr_t)c * 0x9E3779B97F4A7C15u;
	h ^= (uint64_t)name->hash * 0xC2B2AE3D27D4EB4Fu + ns;
	return (uint32_t)(h ^ (h >> 29));
}

void scope_init(struct sema *s)
{
	s->nslots = 1024;
	s->used = 0;
	s->slots = calloc(s->nslots, sizeof *s->slots);
	if (!s->slots)
		s->slots = xmalloc(1); /* exits */
}

void scope_release(struct sema *s)
{
	free(s->slots);
	s->slots = NULL;
}

static struct name_slot *find(struct name_slot *slots, uint32_t n, const struct m_entity *c,
			      uint32_t ns, const struct sym *name)
{
	uint32_t i = slot_hash(c, ns, name) & (n - 1);
	while (slots[i].name &&
	       !(slots[i].container == c && slots[i].ns == ns && slots[i].name == name))
		i = (i + 1) & (n - 1);
	return &slots[i];
}

static void grow(struct sema *s)
{
	uint32_t n = s->nslots * 2;
	struct name_slot *slots = calloc(n, sizeof *slots);
	if (!slots)
		slots = xmalloc(1); /* exits */
	for (uint32_t i = 0; i < s->nslots; i++)
		if (s->slots[i].name)
			*find(slots, n, s->slots[i].container, s->slots[i].ns, s->slots[i].name) =
				s->slots[i];
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
}

void scope_declare(struct sema *s, struct m_entity *container, struct m_entity *e)
{
	if (!e->name)
		return;
	uint32_t ns = namespace_of(e->kind);
	struct name_slot *slot = find(s->slots, s->nslots, container, ns, e->name);
	if (slot->name) {
		struct diag *d = diag_report(&s->ctx->diags, E0204, e->span,
					     "%s '%s' is declared twice in %s '%s'",
					     kind_word(e->kind), e->name->name,
					     kind_word(container->kind), container->name->name);
		diag_note(&s->ctx->diags, d, slot->entity->span, "first declared here (as a %s)",
			  kind_word(slot->entity->kind));
		if (ns == KIND_SERVICE)
			diag_help(&s->ctx->diags, d,
				  "service and job names are unique across a stack, whichever pod holds them");
		return;
	}
	*slot = (struct name_slot){ container, ns, e->name, e };
	if (++s->used * 2 > s->nslots)
		grow(s);
}

struct m_entity *scope_lookup(struct sema *s, const struct m_entity *container,
			      enum block_kind kind, const struct sym *name)
{
	struct name_slot *slot = find(s->slots, s->nslots, container, namespace_of(kind), name);
	return slot->name ? slot->entity : NULL;
}

/* Descends into pods: their services belong to the stack's namespace. */
static void suggest_in(const struct m_entity *e, enum block_kind kind, const struct sym *name,
		       const struct m_entity **best, size_t *best_dist)
{
	for (uint32_t i = 0; i < e->nchildren; i++) {
		const struct m_entity *c = e->children[i];
		if (c->kind == KIND_POD)
			suggest_in(c, kind, name, best, best_dist);
		if (namespace_of(c->kind) != namespace_of(kind) || !c->name)
			continue;
		size_t d = name_distance(sym_str(name), sym_str(c->name));
		if (d < *best_dist) {
			*best_dist = d;
			*best = c;
		}
	}
}

const struct m_entity *scope_suggest(const struct m_entity *container, enum block_kind kind,
				     const struct sym *name)
{
	const struct m_entity *best = NULL;
	size_t best_dist = 3;
	suggest_in(container, kind, name, &best, &best_dist);
	return best;
}

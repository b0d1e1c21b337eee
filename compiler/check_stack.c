/*
 * check_stack.c - the rules of stacks that types alone cannot state:
 * start-up order is acyclic, `completed` waits only for jobs, `healthy`
 * only for something with a health check, host ports are published once
 * per stack, and an exposed port is one the service serves.
 */
#include "sema_impl.h"

#include <stdlib.h>

typedef VEC(struct m_entity *) entity_vec;

/* The services and jobs of a stack, pods included, in declaration order. */
static void collect_workloads(struct m_entity *e, entity_vec *out)
{
	for (uint32_t i = 0; i < e->nchildren; i++) {
		struct m_entity *c = e->children[i];
		if (c->kind == KIND_POD)
			collect_workloads(c, out);
		else if (c->kind == KIND_SERVICE || c->kind == KIND_JOB)
			vec_push(out, c);
	}
}

static const struct m_value *field(const struct m_entity *e, const char *name)
{
	const struct m_value *v = m_get(e, name);
	return v && v->kind != V_UNSET ? v : NULL;
}

/* ---- after: conditions and cycles ---- */

enum { WHITE, GREY, BLACK };

/* Colours live in each workload's scratch slot, so the walk is linear. */
struct dfs {
	struct sema *s;
	entity_vec stack; /* the current path */
};

static void visit(struct dfs *d, struct m_entity *e)
{
	if (e->scratch == BLACK)
		return;
	if (e->scratch == GREY) {
		size_t from = 0;
		while (d->stack.items[from] != e)
			from++;
		struct strbuf cycle;
		strbuf_init(&cycle);
		for (size_t k = from; k < d->stack.len; k++)
			strbuf_addf(&cycle, "%s -> ", d->stack.items[k]->name->name);
		strbuf_addstr(&cycle, e->name->name);
		struct diag *dg = diag_report(&d->s->ctx->diags, E0401, e->span,
					      "start-up dependency cycle: %s", cycle.buf);
		diag_help(&d->s->ctx->diags, dg, "remove one of these 'after' entries");
		strbuf_release(&cycle);
		return;
	}
	e->scratch = GREY;
	vec_push(&d->stack, e);
	const struct m_value *after = field(e, "after");
	for (uint32_t k = 0; after && k < after->u.list.len; k++) {
		const struct m_value *dep = after->u.list.items[k];
		visit(d, dep->u.list.items[0]->u.ref.ref);
	}
	d->stack.len--;
	e->scratch = BLACK;
}

struct listed {
	uintptr_t ref;
	uint32_t k;
};

static int by_ref(const void *pa, const void *pb)
{
	const struct listed *a = pa, *b = pb;
	if (a->ref != b->ref)
		return a->ref < b->ref ? -1 : 1;
	return a->k < b->k ? -1 : a->k > b->k;
}

/* The entity an item of `after` (a dependency: the entity and its
 * condition) or of `networks` names. */
static const struct m_entity *listed_entity(const struct m_value *item)
{
	return (item->kind == V_TAGGED ? item->u.list.items[0] : item)->u.ref.ref;
}

/* A service or network listed twice in `after` or `networks`: compose would
 * get one key twice, and a YAML reader keeps the last (the healthy wait of
 * `[db healthy, db]` would be lost).  Sorted, so it is n log n; reported in
 * list order. */
static void check_listed_once(struct sema *s, const struct m_value *list, const char *name)
{
	uint32_t n = list ? list->u.list.len : 0;
	if (n < 2)
		return;
	struct listed *v = xmalloc(n * sizeof *v);
	uint32_t *first = xmalloc(n * sizeof *first);
	for (uint32_t k = 0; k < n; k++) {
		v[k] = (struct listed){ (uintptr_t)listed_entity(list->u.list.items[k]), k };
		first[k] = UINT32_MAX;
	}
	qsort(v, n, sizeof *v, by_ref);
	for (uint32_t j = 1, start = 0; j < n; j++) {
		if (v[j].ref != v[start].ref)
			start = j;
		else
			first[v[j].k] = v[start].k;
	}
	for (uint32_t k = 0; k < n; k++) {
		if (first[k] == UINT32_MAX)
			continue;
		const struct m_value *item = list->u.list.items[k];
		struct diag *d = diag_report(&s->ctx->diags, E0309, item->span,
					     "'%s' is listed twice in %s", listed_entity(item)->name->name,
					     name);
		diag_note(&s->ctx->diags, d, list->u.list.items[first[k]]->span, "first listed here");
		diag_help(&s->ctx->diags, d, item->kind == V_TAGGED
						 ? "list it once, with the condition it must reach"
						 : "list it once");
	}
	free(v);
	free(first);
}

static void check_conditions(struct sema *s, struct m_entity *e)
{
	const struct m_value *after = field(e, "after");
	check_listed_once(s, after, "after");
	check_listed_once(s, field(e, "networks"), "networks");
	for (uint32_t k = 0; after && k < after->u.list.len; k++) {
		const struct m_value *dep = after->u.list.items[k];
		const struct m_entity *target = dep->u.list.items[0]->u.ref.ref;
		const struct sym *cond = dep->u.list.sym;
		if (cond == s->w_completed && target->kind != KIND_JOB) {
			struct diag *d = diag_report(&s->ctx->diags, E0402, dep->span,
						     "'%s' is a service; only jobs complete",
						     target->name->name);
			diag_note(&s->ctx->diags, d, target->span, "declared here");
			diag_help(&s->ctx->diags, d, "wait for it to be started or healthy");
		}
		if (cond == s->w_healthy && (target->kind == KIND_JOB || !field(target, "healthcheck"))) {
			struct diag *d = diag_report(&s->ctx->diags, E0405, dep->span,
						     "'%s' has no health check to become healthy",
						     target->name->name);
			diag_note(&s->ctx->diags, d, target->span, "declared here");
			if (target->kind == KIND_JOB)
				diag_help(&s->ctx->diags, d, "a job has no health check: wait for it to be completed");
		}
	}
}

/* ---- ports ---- */

struct published {
	int64_t port;
	size_t order;
	const struct m_value *where;
	const struct m_entity *by;
};

static int by_port(const void *pa, const void *pb)
{
	const struct published *a = pa, *b = pb;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* Host ports: sorted, so duplicates are neighbours (n log n, not n^2). */
static void check_published(struct sema *s, entity_vec *all)
{
	VEC(struct published) seen = VEC_INIT;
	for (size_t i = 0; i < all->len; i++) {
		const struct m_value *publish = field(all->items[i], "publish");
		for (uint32_t k = 0; publish && k < publish->u.list.len; k++) {
			const struct m_value *pair = publish->u.list.items[k];
			struct published p = { pair->u.list.items[0]->u.i, seen.len, pair, all->items[i] };
			vec_push(&seen, p);
		}
	}
	if (seen.len > 1)
		qsort(seen.items, seen.len, sizeof *seen.items, by_port);
	for (size_t j = 1; j < seen.len; j++) {
		const struct published *first = &seen.items[j - 1], *again = &seen.items[j];
		if (first->port != again->port)
			continue;
		while (first > seen.items && (first - 1)->port == again->port)
			first--;
		struct diag *d = diag_report(&s->ctx->diags, E0403, again->where->span,
					     "host port %lld is already published by '%s'",
					     (long long)again->port, first->by->name->name);
		diag_note(&s->ctx->diags, d, first->where->span, "published here");
	}
	vec_free(&seen);
}

static const struct m_value *hc_entry(const struct m_value *hc, const char *key)
{
	const struct m_value *v = m_map_get(hc, key);
	return m_is_set(v) ? v : NULL;
}

/* A health check says how to check, in one way per protocol. */
static void check_health(struct sema *s, const struct m_entity *svc)
{
	const struct m_value *hc = field(svc, "healthcheck");
	if (!hc || hc->kind != V_MAP)
		return;
	const struct m_value *test = hc_entry(hc, "test"), *http = hc_entry(hc, "http");
	const struct m_value *tcp = hc_entry(hc, "tcp"), *ports = field(svc, "ports");
	struct diag_list *dl = &s->ctx->diags;
	if (!test && !http && !tcp)
		diag_help(dl, diag_report(dl, E0413, hc->span, "the health check of '%s' has no test, http or tcp",
					  svc->name->name),
			  "say how to check: test = [\"CMD\", \"pg_isready\"], http = \"/health\" or tcp = 5432");
	else if (http && tcp)
		diag_help(dl, diag_report(dl, E0413, tcp->span, "the health check of '%s' has both http and tcp",
					  svc->name->name),
			  "keep one: an http check also proves the port accepts connections");
	else if (http && (!ports || !ports->u.list.len))
		diag_help(dl, diag_report(dl, E0413, http->span,
					  "'%s' checks health over http but lists no port to check", svc->name->name),
			  "the check uses the first of `ports`: add the port the service serves");
}

/* Every expose routes to a port the service serves. */
static void check_exposed(struct sema *s, const struct m_entity *svc)
{
	const struct m_value *ports = field(svc, "ports");
	for (uint32_t c = 0; c < svc->nchildren; c++) {
		const struct m_entity *x = svc->children[c];
		const struct m_value *port = x->kind == KIND_EXPOSE ? field(x, "port") : NULL;
		if (!port)
			continue;
		bool served = false;
		for (uint32_t k = 0; ports && k < ports->u.list.len; k++)
			served |= ports->u.list.items[k]->u.i == port->u.i;
		if (!served) {
			struct diag *d = diag_report(&s->ctx->diags, E0404, port->span,
						     "'%s' does not serve port %lld",
						     svc->name->name, (long long)port->u.i);
			diag_help(&s->ctx->diags, d, "add %lld to its ports", (long long)port->u.i);
		}
	}
}

/* ${svc.port} means the first of svc's ports: it must have one, or every
 * target would write an empty port. */
static void check_port_refs(struct sema *s, const struct m_value *v)
{
	if (!v)
		return;
	switch (v->kind) {
	case V_ATTR: {
		const struct m_value *ports =
			v->u.ref.attr == s->w_port ? field(v->u.ref.ref, "ports") : NULL;
		if (v->u.ref.attr == s->w_port && (!ports || !ports->u.list.len)) {
			struct diag *d = diag_report(&s->ctx->diags, E0412, v->span,
						     "'%s' has no port to refer to", v->u.ref.ref->name->name);
			diag_help(&s->ctx->diags, d, "list the port it serves in its `ports`");
		}
		break;
	}
	case V_TEXT:
	case V_LIST:
	case V_PAIR:
	case V_TAGGED:
	case V_CALL:
		for (uint32_t i = 0; i < v->u.list.len; i++)
			check_port_refs(s, v->u.list.items[i]);
		break;
	case V_MAP:
		for (uint32_t i = 0; i < v->u.map.len; i++)
			check_port_refs(s, v->u.map.entries[i].value);
		break;
	default: break;
	}
}

static void check_entity_port_refs(struct sema *s, const struct m_entity *e)
{
	for (uint32_t i = 0; e->fields && i < e->nfields; i++)
		check_port_refs(s, e->fields[i]);
	for (uint32_t i = 0; i < e->nchildren; i++)
		check_entity_port_refs(s, e->children[i]);
}

void check_stacks(struct sema *s)
{
	for (size_t t = 0; t < s->top.len; t++) {
		struct m_entity *stack = s->top.items[t];
		if (stack->kind != KIND_STACK || !stack->fields)
			continue;
		entity_vec all = VEC_INIT;
		collect_workloads(stack, &all);
		for (size_t i = 0; i < all.len; i++)
			if (all.items[i]->fields)
				check_conditions(s, all.items[i]);
		struct dfs d = { s, VEC_INIT };
		for (size_t i = 0; i < all.len; i++)
			all.items[i]->scratch = WHITE;
		for (size_t i = 0; i < all.len; i++)
			if (all.items[i]->fields)
				visit(&d, all.items[i]);
		vec_free(&d.stack);
		check_published(s, &all);
		for (size_t i = 0; i < all.len; i++) {
			check_exposed(s, all.items[i]);
			check_health(s, all.items[i]);
		}
		vec_free(&all);
		check_entity_port_refs(s, stack);
	}
}

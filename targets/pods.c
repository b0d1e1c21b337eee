/*
 * pods.c - --include and --exclude: which pods of a stack a build writes.
 */
#include "pods.h"

#include <string.h>

#include "diag.h"
#include "model.h"
#include "orchc.h"
#include "str.h"
#include "target.h"

static const char *name_of(const struct m_entity *e) { return e->name->name; }

const char *pod_of(const struct m_entity *svc) { return name_of(svc->parent); }

static bool listed(const char **names, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

bool pod_selected(const struct target_ctx *t, const char *pod)
{
	return (!t->ninclude || listed(t->include, t->ninclude, pod)) &&
	       !listed(t->exclude, t->nexclude, pod);
}

static bool names_exist(struct target_ctx *t, const char **names, unsigned n, const char *opt)
{
	bool ok = true;
	for (unsigned i = 0; i < n; i++) {
		bool found = false;
		const char *near = NULL;
		size_t near_dist = 3;
		for (uint32_t k = 0; k < t->prog->nentities && !found; k++) {
			const struct m_entity *st = t->prog->entities[k];
			if (st->kind != KIND_STACK)
				continue;
			for (uint32_t j = 0; j < st->nchildren && !found; j++) {
				const struct m_entity *e = st->children[j];
				const struct m_entity *pod = e->kind == KIND_POD ? e
							     : e->kind == KIND_SERVICE || e->kind == KIND_JOB ? st
															       : NULL;
				if (!pod)
					continue;
				found = strcmp(name_of(pod), names[i]) == 0;
				size_t d = name_distance(str_from(names[i]), sym_str(pod->name));
				if (d < near_dist) {
					near_dist = d;
					near = name_of(pod);
				}
			}
		}
		if (!found) {
			struct diag *d = diag_report_nospan(&t->ctx->diags, E0905,
							    "%s: no stack has a pod named '%s'", opt, names[i]);
			if (near)
				diag_help(&t->ctx->diags, d, "did you mean '%s'?", near);
			ok = false;
		}
	}
	return ok;
}

bool pod_dependencies_selected(struct target_ctx *t, const struct m_entity *svc)
{
	const struct m_value *after = m_get(svc, "after");
	bool ok = true;
	for (uint32_t i = 0; i < after->u.list.len; i++) {
		const struct m_value *dep = after->u.list.items[i];
		if (dep->kind == V_TAGGED)
			dep = dep->u.list.items[0];
		const char *pod = pod_of(dep->u.ref.ref);
		if (pod_selected(t, pod))
			continue;
		struct diag *d = diag_report(&t->ctx->diags, E0904, dep->span,
					     "pod '%s' is selected, but '%s' waits for '%s' of pod '%s', which is not",
					     pod_of(svc), name_of(svc), name_of(dep->u.ref.ref), pod);
		diag_help(&t->ctx->diags, d, "add --include %s, or stop excluding it", pod);
		ok = false;
	}
	return ok;
}

bool pod_names_exist(struct target_ctx *t)
{
	bool inc = names_exist(t, t->include, t->ninclude, "--include");
	return names_exist(t, t->exclude, t->nexclude, "--exclude") && inc;
}

static void each_selected(struct target_ctx *t, const struct m_entity *e,
			  void (*fn)(void *ctx, const struct m_entity *svc), void *ctx)
{
	if (pod_selected(t, pod_of(e)) && pod_dependencies_selected(t, e))
		fn(ctx, e);
}

void pods_each_selected(struct target_ctx *t, const struct m_entity *stack,
			void (*fn)(void *ctx, const struct m_entity *svc), void *ctx)
{
	for (uint32_t i = 0; i < stack->nchildren; i++) {
		const struct m_entity *e = stack->children[i];
		if (e->kind == KIND_POD)
			for (uint32_t j = 0; j < e->nchildren; j++)
				each_selected(t, e->children[j], fn, ctx);
		else if (e->kind == KIND_SERVICE || e->kind == KIND_JOB)
			each_selected(t, e, fn, ctx);
	}
}

void pod_order_init(struct pod_order *o, const struct m_entity *stack)
{
	*o = (struct pod_order){ .stack_pod = name_of(stack) };
}

/* Pod names are interned: one pointer per name.  Only the stack's own pod
 * comes back after others (pods_each_selected), so the last pod and the
 * stack's are all there is to remember. */
size_t pod_order_of(struct pod_order *o, const char *pod)
{
	if (o->count && pod == o->last)
		return o->last_index;
	size_t k = pod == o->stack_pod && o->stack_seen ? o->stack_index : o->count++;
	if (pod == o->stack_pod) {
		o->stack_seen = true;
		o->stack_index = k;
	}
	o->last = pod;
	o->last_index = k;
	return k;
}

/* Calls `fn` for the pods reached for the first time. */
struct first_reach {
	struct pod_order order;
	void (*fn)(void *ctx, const char *pod);
	void *ctx;
};

static void reach_pod(struct first_reach *r, const char *pod)
{
	size_t known = r->order.count;
	if (pod_order_of(&r->order, pod) == known)
		r->fn(r->ctx, pod);
}

static void reach(void *ctx, const struct m_entity *svc)
{
	reach_pod(ctx, pod_of(svc));
}

void pods_each_expected_pod(const struct target_ctx *t, const struct m_entity *stack,
			    void (*fn)(void *ctx, const char *pod), void *ctx)
{
	struct first_reach r = { .fn = fn, .ctx = ctx };
	pod_order_init(&r.order, stack);
	for (uint32_t i = 0; i < stack->nchildren; i++) {
		const struct m_entity *e = stack->children[i];
		const char *pod = e->kind == KIND_POD && e->nchildren ? name_of(e)
				  : e->kind == KIND_SERVICE || e->kind == KIND_JOB ? r.order.stack_pod
										   : NULL;
		if (pod && pod_selected(t, pod))
			reach_pod(&r, pod);
	}
}

void pods_each_selected_pod(struct target_ctx *t, const struct m_entity *stack,
			    void (*fn)(void *ctx, const char *pod), void *ctx)
{
	struct first_reach r = { .fn = fn, .ctx = ctx };
	pod_order_init(&r.order, stack);
	pods_each_selected(t, stack, reach, &r);
}

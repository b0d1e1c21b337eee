/*
 * check_fleet.c - the rules of fleets: a step calls a function its module
 * exports, chained steps agree on types (one step's result is the next
 * one's only parameter), and device addresses are HOST:PORT.
 */
#include "sema_impl.h"

#include <stdlib.h>
#include <string.h>

static void unknown_export(struct sema *s, const struct m_entity *m, const struct m_value *fn)
{
	struct diag *d = diag_report(&s->ctx->diags, E0409, fn->span,
				     "module '%s' exports no function '%s'", m->name->name,
				     fn->u.sym->name);
	const struct m_entity *best = NULL;
	size_t best_dist = 3;
	for (uint32_t i = 0; i < m->nchildren; i++) {
		const struct m_entity *x = m->children[i];
		if (x->kind != KIND_EXPORT)
			continue;
		size_t dist = edit_distance(sym_str(fn->u.sym), sym_str(x->name), 2);
		if (dist < best_dist)
			best_dist = dist, best = x;
	}
	if (best)
		diag_help(&s->ctx->diags, d, "did you mean '%s'?", best->name->name);
	else
		diag_note(&s->ctx->diags, d, m->span, "module '%s' is declared here", m->name->name);
}

static bool same_text(const struct m_value *a, const struct m_value *b)
{
	return a && b && a->u.s.len == b->u.s.len && memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
}

static void check_chain(struct sema *s, const struct m_entity *dep)
{
	const struct m_entity *prev_export = NULL, *prev_step = NULL;
	for (uint32_t i = 0; i < dep->nchildren; i++) {
		const struct m_entity *step = dep->children[i];
		if (step->kind != KIND_STEP)
			continue;
		const struct m_value *mod = m_field(step, "module"), *fn = m_field(step, "function");
		const struct m_entity *x = mod && fn ? m_child(mod->u.ref.ref, KIND_EXPORT, fn->u.sym) : NULL;
		if (mod && fn && !x)
			unknown_export(s, mod->u.ref.ref, fn);
		bool chained = prev_step && m_field(prev_step, "chain")->u.i == m_field(step, "chain")->u.i;
		if (x && prev_export && chained) {
			const struct m_value *out = m_field(prev_export, "result");
			const struct m_value *in = m_field(x, "params");
			uint32_t nin = in ? in->u.map.len : 0;
			if (out && nin == 1 && !same_text(out, in->u.map.entries[0].value)) {
				struct diag *d = diag_report(&s->ctx->diags, E0410, step->span,
							     "'%s' takes %.*s, but '%s' before it returns %.*s",
							     x->name->name,
							     (int)in->u.map.entries[0].value->u.s.len,
							     in->u.map.entries[0].value->u.s.ptr,
							     prev_export->name->name, (int)out->u.s.len, out->u.s.ptr);
				diag_note(&s->ctx->diags, d, prev_step->span, "the previous step");
			} else if (out && nin != 1) {
				struct diag *d = diag_report(&s->ctx->diags, E0410, step->span,
							     "'%s' takes %u parameters; a chained step takes "
							     "exactly the previous step's result",
							     x->name->name, nin);
				diag_note(&s->ctx->diags, d, prev_step->span, "the previous step");
			}
		}
		prev_export = x;
		prev_step = step;
	}
}

static void check_address(struct sema *s, const struct m_entity *dev)
{
	const struct m_value *a = m_field(dev, "address");
	if (!a || a->kind != V_STRING)
		return;
	const char *colon = memchr(a->u.s.ptr, ':', a->u.s.len);
	long port = colon ? strtol(colon + 1, NULL, 10) : 0;
	if (port < 1 || port > 65535)
		diag_report(&s->ctx->diags, E0411, a->span,
			    "device '%s' has port %ld in its address; ports are 1 to 65535",
			    dev->name->name, port);
}

void check_fleets(struct sema *s)
{
	for (size_t t = 0; t < s->top.len; t++) {
		const struct m_entity *fleet = s->top.items[t];
		if (fleet->kind != KIND_FLEET || !fleet->fields)
			continue;
		for (uint32_t i = 0; i < fleet->nchildren; i++) {
			const struct m_entity *e = fleet->children[i];
			if (e->kind == KIND_DEPLOYMENT)
				check_chain(s, e);
			else if (e->kind == KIND_DEVICE && e->fields)
				check_address(s, e);
		}
		check_wasm(s, fleet);
	}
}

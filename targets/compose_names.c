/*
 * compose_names.c - finds names of the compose output given to two things
 * (compose_names.h): every generated name of a stack goes into one list,
 * which is sorted, so equal names end up side by side.
 */
#include "compose_names.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "compose_text.h"
#include "diag.h"
#include "model.h"
#include "vec.h"

/* Names meet only within one namespace. */
enum space { VOLUME, CONFIG_FILE, VARIABLE };
static const char *const space_word[] = { "volume", "config file", "variable" };

struct claim {
	enum space what;
	const char *name;
	const struct m_entity *by;
};

typedef VEC(struct claim) claim_vec;

static int by_name(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;
	int c = (x->what > y->what) - (x->what < y->what);
	if (!c)
		c = strcmp(x->name, y->name);
	/* Then in source order, so the later one is reported. */
	if (!c)
		c = (x->by->span.file > y->by->span.file) - (x->by->span.file < y->by->span.file);
	if (!c)
		c = (x->by->span.lo > y->by->span.lo) - (x->by->span.lo < y->by->span.lo);
	return c;
}

const char *compose_own_name(struct arena *a, const struct m_entity *workload,
			     const struct m_entity *mount)
{
	return arena_printf(a, "%s-%s", workload->name->name, mount->name->name);
}

static bool is_workload(const struct m_entity *e)
{
	return e && (e->kind == KIND_SERVICE || e->kind == KIND_JOB);
}

static void claim(claim_vec *v, enum space what, const char *name, const struct m_entity *by)
{
	struct claim c = { what, name, by };
	vec_push(v, c);
}

static void collect(struct compose_text *ct, const struct m_entity *e, claim_vec *v)
{
	const struct m_entity *up = e->parent;
	bool at_stack = up && up->kind == KIND_STACK;
	if (e->kind == KIND_VOLUME || e->kind == KIND_CONFIG) {
		enum space what = e->kind == KIND_VOLUME ? VOLUME : CONFIG_FILE;
		if (at_stack && !(what == VOLUME && m_is_set(m_get(e, "host_path")))) /* a bind mount */
			claim(v, what, e->name->name, e);
		else if (is_workload(up) && !m_is_set(m_get(e, "shared")))
			claim(v, what, compose_own_name(ct->arena, up, e), e);
	} else if (e->kind == KIND_SECRET && at_stack) {
		claim(v, VARIABLE, compose_secret_var(ct, e), e);
	}
	for (uint32_t i = 0; i < e->nchildren; i++)
		collect(ct, e->children[i], v);
}

/* Two secrets from the environment may read one variable on purpose. */
static bool both_from_env(const struct claim *a, const struct claim *b)
{
	return a->by->kind == KIND_SECRET && b->by->kind == KIND_SECRET &&
	       secret_source(a->by) == FROM_ENV && secret_source(b->by) == FROM_ENV;
}

bool compose_names_distinct(struct compose_text *ct, const struct m_entity *stack)
{
	claim_vec v = { 0 };
	collect(ct, stack, &v);
	if (v.len > 1)
		qsort(v.items, v.len, sizeof *v.items, by_name);
	bool ok = true;
	for (size_t i = 1; i < v.len; i++) {
		const struct claim *a = &v.items[i - 1], *b = &v.items[i];
		if (a->what != b->what || strcmp(a->name, b->name) != 0 || both_from_env(a, b))
			continue;
		struct diag *d = diag_report(ct->diags, E0908, b->by->span,
					     "%s '%s' and %s '%s' would both be the compose %s '%s'",
					     kind_word(b->by->kind), b->by->name->name,
					     kind_word(a->by->kind), a->by->name->name, space_word[b->what],
					     b->name);
		diag_note(ct->diags, d, a->by->span, "the other is declared here");
		diag_help(ct->diags, d, "rename one of them: compose would make them one %s",
			  space_word[b->what]);
		ok = false;
	}
	vec_free(&v);
	return ok;
}

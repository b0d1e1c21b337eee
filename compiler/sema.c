/*
 * sema.c - the semantic driver: load the modules once, then lower the
 * program (once, or once per profile with --all-profiles), apply the
 * profile and run the domain checks.
 *
 * Semantics start only on a program that parsed cleanly: a syntax error
 * would otherwise come back as a cascade of name and type errors.
 */
#include "sema_impl.h"

#include <stdlib.h>
#include <string.h>

static void sema_init(struct sema *s, struct orchc_ctx *ctx, const struct sema_opts *opts)
{
	memset(s, 0, sizeof *s);
	s->ctx = ctx;
	s->opts = opts;
	s->errors_before = ctx->diags.errors;
	struct interner *in = &ctx->names;
	s->w_host = intern_cstr(in, "host");
	s->w_port = intern_cstr(in, "port");
	s->w_started = intern_cstr(in, "started");
	s->w_healthy = intern_cstr(in, "healthy");
	s->w_completed = intern_cstr(in, "completed");
	s->w_env = intern_cstr(in, "env");
	s->w_file = intern_cstr(in, "file");
	s->w_generate = intern_cstr(in, "generate");
	s->unset = value_new(s, V_UNSET, (struct span){ 0, 0, 0 });
	kinds_intern(in);
}

static void sema_release(struct sema *s)
{
	vec_free(&s->modules);
	vec_free(&s->top);
	scope_release(s);
}

/*
 * Checks what the program declares even where nothing uses it: every type,
 * record and enum resolves, and every template's parameter types resolve
 * and its fields belong to the kind it makes.
 */
static void check_declarations(struct sema *s)
{
	for (size_t i = 0; i < s->modules.len; i++) {
		struct module *m = s->modules.items[i];
		for (uint32_t j = 0; j < m->ndecls; j++) {
			struct decl *d = &m->decls[j];
			enum ast_kind k = d->node->kind;
			if (k == AST_TYPEDEF || k == AST_RECORD || k == AST_ENUM) {
				sema_decl_type(s, d);
				continue;
			}
			if (k != AST_TEMPLATE || !d->node->decl)
				continue;
			for (uint32_t p = 0; p < d->node->list.len; p++)
				sema_type(s, m, d->node->list.items[p]->a);
			enum block_kind made = kind_of(d->node->decl->kw);
			const struct type *rec = made == KIND_COUNT ? NULL : schema_record(s, made, NULL, NULL);
			const struct ast_list *body = &d->node->decl->body;
			for (uint32_t f = 0; rec && f < body->len; f++) {
				const struct ast_node *n = body->items[f];
				if (n->kind != AST_FIELD || n->list.len || type_field(rec, n->name))
					continue;
				struct diag *dg = diag_report(&s->ctx->diags, E0302, n->span,
							      "unknown field '%s' in %s", n->name->name,
							      kind_word(made));
				const struct sym *close = type_suggest_field(rec, n->name);
				if (close)
					diag_help(&s->ctx->diags, dg, "did you mean '%s'?", close->name);
			}
		}
	}
}

/* Lowers and checks the loaded program under `profile` (NULL: none). */
static struct m_program *lower_checked(struct sema *s, const struct sym *profile)
{
	s->top.len = 0;
	scope_release(s);
	scope_init(s);
	lower_program(s);
	check_declarations(s);
	if (profile)
		profile_apply(s, profile);
	check_stacks(s);
	check_catalogs(s);
	check_fleets(s);
	if (s->ctx->diags.errors > s->errors_before)
		return NULL;
	struct m_program *prog = arena_zalloc(&s->ctx->arena, sizeof *prog);
	prog->nentities = (uint32_t)s->top.len;
	prog->entities = vec_to_arena(&s->ctx->arena, &s->top);
	prog->profile = profile;
	return prog;
}

/* Errors of this program only: `orchc check a.orch b.orch` checks b even
 * when a has errors. */
static bool program_failed(const struct sema *s)
{
	return s->ctx->diags.errors > s->errors_before;
}

struct m_program *sema_build(struct orchc_ctx *ctx, const char *path, const struct sema_opts *opts)
{
	struct sema s;
	sema_init(&s, ctx, opts);
	struct m_program *prog = NULL;
	s.root = module_load_root(&s, path);
	if (s.root && !program_failed(&s))
		prog = lower_checked(&s, opts && opts->profile ? intern_cstr(&ctx->names, opts->profile) : NULL);
	sema_release(&s);
	return prog;
}

struct m_program *sema_build_file(struct orchc_ctx *ctx, uint32_t file, const struct sema_opts *opts)
{
	struct sema s;
	sema_init(&s, ctx, opts);
	struct m_program *prog = NULL;
	s.root = module_load_file(&s, file);
	if (!program_failed(&s))
		prog = lower_checked(&s, opts && opts->profile ? intern_cstr(&ctx->names, opts->profile) : NULL);
	sema_release(&s);
	return prog;
}

bool sema_check_all_profiles(struct orchc_ctx *ctx, const char *path)
{
	struct sema s;
	struct sema_opts opts = { NULL };
	sema_init(&s, ctx, &opts);
	s.root = module_load_root(&s, path);
	if (s.root && !program_failed(&s) && lower_checked(&s, NULL)) {
		const struct ast_list *l = &s.root->ast->list;
		for (uint32_t i = 0; i < l->len && !program_failed(&s); i++)
			if (l->items[i]->kind == AST_PROFILE)
				lower_checked(&s, l->items[i]->name);
	}
	sema_release(&s);
	return !program_failed(&s);
}

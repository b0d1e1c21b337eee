/*
 * test_parse.c - the parser: tree shapes, recovery (one diagnostic per
 * independent mistake), the nesting limit and the contextual checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "intern.h"
#include "orchc.h"
#include "parse.h"

#include "fixture.h"

static struct ast_node *parse(struct orchc_ctx *ctx, const char *src)
{
	int id = orchc_load_buffer(ctx, "t.orch", src, strlen(src));
	struct ast_node *root = orchc_parse(ctx, (uint32_t)id);
	ast_verify(root, &ctx->sources);
	return root;
}

static void template_instance_with_amendment(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct ast_node *f = parse(ctx,
		"stack s {\n"
		"  service db = postgres.server(database: \"app\", password: secret.db) {\n"
		"    publish = [15432 -> 5432]\n"
		"  }\n"
		"}\n");
	assert_int_equal(ctx->diags.items.len, 0);
	assert_int_equal(f->list.len, 1);
	struct ast_node *stack = f->list.items[0];
	assert_int_equal(stack->kind, AST_BLOCK);
	assert_string_equal(stack->decl->kw->name, "stack");
	struct ast_node *db = stack->decl->body.items[0];
	assert_string_equal(db->decl->kw->name, "service");
	assert_string_equal(db->name->name, "db");
	assert_int_equal(db->a->kind, AST_CALL);
	assert_int_equal(db->a->list.len, 2);
	assert_string_equal(db->a->list.items[1]->name->name, "password");
	assert_int_equal(db->a->list.items[1]->a->kind, AST_MEMBER);
	assert_true(db->flags & AST_HAS_BODY);
	struct ast_node *publish = db->decl->body.items[0];
	assert_int_equal(publish->kind, AST_FIELD);
	assert_int_equal(publish->a->list.items[0]->kind, AST_ARROW);
	assert_int_equal(publish->a->list.items[0]->b->v.i, 5432);
}

static void tagged_list_elements(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct ast_node *f = parse(ctx, "stack s {\n job j { after = [db healthy,\n m completed] }\n}");
	assert_int_equal(ctx->diags.items.len, 0);
	struct ast_node *after = f->list.items[0]->decl->body.items[0]->decl->body.items[0];
	assert_int_equal(after->a->list.len, 2);
	struct ast_node *e = after->a->list.items[1];
	assert_int_equal(e->kind, AST_TAGGED);
	assert_string_equal(e->name->name, "completed");
	assert_string_equal(e->a->name->name, "m");
}

static void types_and_records(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct ast_node *f = parse(ctx,
		"type P = int(1..65535)\n"
		"type M = {string: [duration?]}\n"
		"type E = a | b | c\n"
		"record R { cpu: float = 0.5\n memory: size = 256Mi }\n");
	assert_int_equal(ctx->diags.items.len, 0);
	struct ast_node *range = f->list.items[0]->a;
	assert_int_equal(range->kind, AST_TYPE_RANGE);
	assert_int_equal(range->list.items[1]->v.i, 65535);
	struct ast_node *map = f->list.items[1]->a;
	assert_int_equal(map->kind, AST_TYPE_MAP);
	assert_int_equal(map->b->a->kind, AST_TYPE_OPTIONAL);
	assert_int_equal(f->list.items[2]->a->kind, AST_TYPE_UNION);
	assert_int_equal(f->list.items[2]->a->list.len, 3);
	struct ast_node *rec = f->list.items[3];
	assert_int_equal(rec->list.len, 2);
	assert_int_equal(rec->list.items[1]->b->kind, AST_SIZE);
}

static void deployment_chain_across_lines(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct ast_node *f = parse(ctx,
		"fleet f {\n deployment d {\n  cam.take on any\n  -> gray.convert on laptop else pi\n }\n}\n");
	assert_int_equal(ctx->diags.items.len, 0);
	struct ast_node *chain = f->list.items[0]->decl->body.items[0]->decl->body.items[0];
	assert_int_equal(chain->kind, AST_CHAIN);
	assert_int_equal(chain->list.len, 2);
	assert_true(chain->list.items[0]->flags & AST_ON_ANY);
	assert_int_equal(chain->list.items[1]->list.len, 2);
	assert_string_equal(chain->list.items[1]->list.items[1]->name->name, "pi");
}

static void three_mistakes_three_errors(void **state)
{
	struct orchc_ctx *ctx = *state;
	parse(ctx,
		"stack a {\n"
		"  service x { image = = 1 }\n"
		"  service y { ports = [80 443] }\n"
		"  servce z { }\n"
		"  service ok { image = \"fine\" }\n"
		"}\n");
	assert_int_equal(ctx->diags.errors, 3);
	assert_int_equal(count_code(ctx, E0106), 1);
	assert_int_equal(count_code(ctx, E0101), 1);
	assert_int_equal(count_code(ctx, E0104), 1);
}

static void missing_brace_names_its_opener(void **state)
{
	struct orchc_ctx *ctx = *state;
	parse(ctx, "stack a {\n  pod p {\n    service s {}\n\nstack b {\n}\n");
	assert_int_equal(ctx->diags.errors, 1);
	const struct diag *d = ctx->diags.items.items[0];
	assert_int_equal(d->code, E0103);
	assert_string_equal(d->msg, "expected '}' to close 'pod p' opened at 2:9");
	assert_non_null(d->notes);
}

static void nesting_limit(void **state)
{
	struct orchc_ctx *ctx = *state;
	char src[4096] = "stack a { x = ";
	size_t n = strlen(src);
	for (int i = 0; i < 300; i++)
		src[n++] = '[';
	for (int i = 0; i < 300; i++)
		src[n++] = ']';
	memcpy(src + n, "\n y = 1 }\n", 11);
	struct ast_node *f = parse(ctx, src);
	assert_int_equal(ctx->diags.errors, 1);
	assert_int_equal(count_code(ctx, E0105), 1);
	/* the field after the deep one is still parsed */
	assert_int_equal(f->list.items[0]->decl->body.len, 2);
}

static void contextual_rules(void **state)
{
	struct orchc_ctx *ctx = *state;
	parse(ctx,
		"stack a { x.y = 1 }\n"
		"import \"late\"\n"
		"stack b { s = f(a: 1, 2) }\n"
		"catalog c { service s {} }\n");
	assert_int_equal(count_code(ctx, E0110), 1);
	assert_int_equal(count_code(ctx, E0109), 1);
	assert_int_equal(count_code(ctx, E0112), 1);
	assert_int_equal(count_code(ctx, E0104), 1);
	assert_int_equal(ctx->diags.errors, 4);
}

static void words_are_not_reserved(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct ast_node *f = parse(ctx,
		"catalog c {\n product p { type = \"Node\", target = create, on = 1 }\n}\n");
	assert_int_equal(ctx->diags.items.len, 0);
	struct ast_node *p = f->list.items[0]->decl->body.items[0];
	assert_int_equal(p->decl->body.len, 3);
	assert_string_equal(p->decl->body.items[0]->name->name, "type");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(template_instance_with_amendment),
		T(tagged_list_elements),
		T(types_and_records),
		T(deployment_chain_across_lines),
		T(three_mistakes_three_errors),
		T(missing_brace_names_its_opener),
		T(nesting_limit),
		T(contextual_rules),
		T(words_are_not_reserved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_lex.c - the tokenizer: token kinds, unit normalisation, the
 * identifier/minus/arrow rules, patterns, string decoding and the lexical
 * diagnostics.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "orchc.h"

#include "fixture.h"

/* Lexes `src` completely; returns the number of tokens before EOF. */
static size_t lex_all(struct orchc_ctx *ctx, const char *src, struct token *out, size_t max,
		      struct lexer *lx)
{
	int id = orchc_load_buffer(ctx, "t.orch", src, strlen(src));
	const char *text = ctx->sources.files[id].text;
	lex_init(lx, text, (uint32_t)id, 0, (uint32_t)strlen(src), &ctx->diags, &ctx->names);
	size_t n = 0;
	for (;;) {
		struct token t;
		lex_next(lx, &t);
		if (t.kind == TOK_EOF)
			return n;
		if (n < max)
			out[n] = t;
		n++;
	}
}

static bool reported(const struct orchc_ctx *ctx, enum diag_code code)
{
	return count_code(ctx, code) > 0;
}

static void kinds_of_a_block(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct token t[32];
	struct lexer lx;
	size_t n = lex_all(ctx, "service db { ports = [8077 -> 5432], x = none }\n\n\n# c\n}", t, 32, &lx);
	enum tok_kind want[] = { TOK_IDENT, TOK_IDENT, TOK_LBRACE, TOK_IDENT, TOK_ASSIGN,
				 TOK_LBRACKET, TOK_INT, TOK_ARROW, TOK_INT, TOK_RBRACKET,
				 TOK_COMMA, TOK_IDENT, TOK_ASSIGN, TOK_NONE, TOK_RBRACE,
				 TOK_NEWLINE, TOK_RBRACE };
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(t[i].kind, want[i]);
	assert_int_equal(t[6].v.i, 8077);
	assert_int_equal(ctx->diags.items.len, 0);
}

static void hyphens_minus_and_arrows(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct token t[16];
	struct lexer lx;
	size_t n = lex_all(ctx, "ipld-eth-db a - b a->b x-", t, 16, &lx);
	assert_int_equal(n, 9);
	assert_string_equal(t[0].v.sym->name, "ipld-eth-db");
	assert_int_equal(t[2].kind, TOK_MINUS);
	assert_string_equal(t[4].v.sym->name, "a");
	assert_int_equal(t[5].kind, TOK_ARROW);
	assert_string_equal(t[7].v.sym->name, "x");
	assert_int_equal(t[8].kind, TOK_MINUS); /* a trailing '-' is not part of a name */
}

static void units_normalise(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct token t[16];
	struct lexer lx;
	size_t n = lex_all(ctx, "250ms 30s 5m 2h 1d 1.5s 512Mi 2Gi 100M 1G 1_000 0.25", t, 16, &lx);
	assert_int_equal(n, 12);
	int64_t want[] = { 250, 30000, 300000, 7200000, 86400000, 1500,
			   536870912, 2147483648LL, 100000000, 1000000000, 1000 };
	for (size_t i = 0; i < 11; i++)
		assert_int_equal(t[i].v.i, want[i]);
	assert_int_equal(t[0].kind, TOK_DURATION);
	assert_int_equal(t[6].kind, TOK_SIZE);
	assert_int_equal(t[10].kind, TOK_INT);
	assert_int_equal(t[11].kind, TOK_FLOAT);
	assert_true(t[11].v.f == 0.25);
	assert_int_equal(ctx->diags.items.len, 0);
}

/* The help of E0006 names the unit the user most likely meant. */
static const char *unit_help(struct orchc_ctx *ctx, const char *src)
{
	struct token t[4];
	struct lexer lx;
	size_t before = ctx->diags.items.len;
	lex_all(ctx, src, t, 4, &lx);
	assert_int_equal(ctx->diags.items.len, before + 1);
	return ctx->diags.items.items[before]->help;
}

static void unit_suggestions(void **state)
{
	struct orchc_ctx *ctx = *state;
	assert_string_equal(unit_help(ctx, "10MB"),
			    "sizes drop the 'B': write M (powers of 1000) or Mi (powers of 1024)");
	assert_string_equal(unit_help(ctx, "512MiB"), "sizes drop the 'B': write Mi");
	assert_string_equal(unit_help(ctx, "512mi"), "did you mean 'Mi'?");
	assert_string_equal(unit_help(ctx, "30sec"),
			    "durations take ms, s, m, h, d; sizes take B, K, M, G, T, Ki, Mi, Gi, Ti");
	assert_string_equal(unit_help(ctx, "5hr"), "did you mean 'h'?");
}

static void bad_numbers(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct token t[8];
	struct lexer lx;
	lex_all(ctx, "5xb 99999999999999999999 1.0005s 0x1F", t, 8, &lx);
	assert_true(reported(ctx, E0006));
	assert_true(reported(ctx, E0007));
	assert_int_equal(ctx->diags.errors, 4);
}

static void pattern_only_after_string_paren(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct token t[16];
	struct lexer lx;
	size_t n = lex_all(ctx, "string(/^[a-z\\/]+$/) f(/x)", t, 16, &lx);
	assert_int_equal(t[2].kind, TOK_REGEX);
	assert_int_equal(t[2].span.hi - t[2].span.lo, 12);
	assert_int_equal(t[6].kind, TOK_SLASH);
	assert_int_equal(n, 9);
}

/* Decodes the single string token of `src` into its parts. */
static size_t decode(struct orchc_ctx *ctx, const char *src, struct string_part **parts)
{
	struct token t[4];
	struct lexer lx;
	lex_all(ctx, src, t, 4, &lx);
	assert_int_equal(t[0].kind, TOK_STRING);
	size_t n;
	lex_decode_string(&lx, &t[0], &ctx->arena, parts, &n);
	return n;
}

static void escapes_and_interpolation(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct string_part *p;
	size_t n = decode(ctx, "\"a\\tb\\u{E9}\\$x ${db.host}:${f(\"}\")}\"", &p);
	assert_int_equal(n, 4);
	assert_false(p[0].is_expr);
	assert_string_equal(p[0].text, "a\tb\xC3\xA9$x ");
	assert_true(p[1].is_expr);
	assert_int_equal(p[1].span.hi - p[1].span.lo, 7); /* db.host */
	assert_string_equal(p[2].text, ":");
	assert_true(p[3].is_expr);
	free(p);
	assert_int_equal(ctx->diags.items.len, 0);
}

static void multiline_removes_margin(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct string_part *p;
	size_t n = decode(ctx, "\"\"\"\n    server {\n      listen 80;\n\n    }\n    \"\"\"", &p);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].text, "server {\n  listen 80;\n\n}\n");
	free(p);
	assert_int_equal(ctx->diags.items.len, 0);
}

static void multiline_needs_a_line_break(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct string_part *p;
	decode(ctx, "\"\"\"\"\"\"", &p);
	free(p);
	assert_true(reported(ctx, E0011));
}

static void multiline_rejects_outdented_line(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct string_part *p;
	decode(ctx, "\"\"\"\n    a\n  b\n    \"\"\"", &p);
	free(p);
	assert_true(reported(ctx, E0011));
}

static void string_errors(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct token t[8];
	struct lexer lx;
	lex_all(ctx, "\"open\n\"${}\" \"${x\n", t, 8, &lx);
	assert_true(reported(ctx, E0002));
	assert_true(reported(ctx, E0008));
	assert_int_equal(ctx->diags.errors, 3);
}

static void doc_comments_attach_to_next_token(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct token t[8];
	struct lexer lx;
	/* Leading newlines are not tokens; the doc survives the blank line. */
	assert_int_equal(lex_all(ctx, "## one\n## two\n\nstack", t, 8, &lx), 1);
	assert_int_equal(t[0].kind, TOK_IDENT);
	assert_int_equal(t[0].doc.lo, 0);
	assert_int_equal(t[0].doc.hi, 13);
	struct strbuf sb;
	strbuf_init(&sb);
	lex_doc_text(ctx->sources.files[0].text, t[0].doc, &sb);
	assert_string_equal(sb.buf, "one\ntwo");
	strbuf_release(&sb);

	/* A plain comment ends the block; a trailing ## is a plain comment. */
	lex_all(ctx, "## old\n# plain\n## new\nstack x ## trailing\nnext", t, 8, &lx);
	assert_int_equal(t[0].doc.hi - t[0].doc.lo, 6);
	assert_int_equal(t[3].kind, TOK_IDENT);
	assert_int_equal(t[3].doc.hi, t[3].doc.lo);
}

static void invalid_bytes_are_one_diagnostic_per_run(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct token t[8];
	struct lexer lx;
	size_t n = lex_all(ctx, "a \xff\xfe\xfd b \x01 c ;; d", t, 8, &lx);
	assert_int_equal(n, 7);
	assert_int_equal(t[1].kind, TOK_ERROR);
	assert_int_equal(ctx->diags.errors, 3);
	assert_true(reported(ctx, E0004));
	assert_true(reported(ctx, E0001));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(kinds_of_a_block),
		T(hyphens_minus_and_arrows),
		T(units_normalise),
		T(bad_numbers),
		T(unit_suggestions),
		T(pattern_only_after_string_paren),
		T(escapes_and_interpolation),
		T(multiline_removes_margin),
		T(multiline_rejects_outdented_line),
		T(multiline_needs_a_line_break),
		T(string_errors),
		T(doc_comments_attach_to_next_token),
		T(invalid_bytes_are_one_diagnostic_per_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_diag.c - the diagnostic renderers: location, caret placement under
 * UTF-8 and tabs, notes and help, sorting, the limit, colour and JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "orchc.h"
#include "str.h"

#include "fixture.h"

static struct span at(uint32_t file, const char *text, const char *needle, size_t len)
{
	uint32_t lo = (uint32_t)(strstr(text, needle) - text);
	return (struct span){ file, lo, lo + (uint32_t)len };
}

static void text_form(void **state)
{
	struct orchc_ctx *ctx = *state;
	const char *src = "stack a {\n\tcaf\xC3\xA9 = servce\n}\n";
	uint32_t f = (uint32_t)orchc_load_buffer(ctx, "x.orch", src, strlen(src));
	struct diag *d = diag_report(&ctx->diags, E0104, at(f, src, "servce", 6),
				     "unknown block kind '%s'", "servce");
	diag_note(&ctx->diags, d, at(f, src, "stack", 5), "in this %s", "stack");
	diag_help(&ctx->diags, d, "did you mean '%s'?", "service");
	struct strbuf out;
	strbuf_init(&out);
	struct diag_render_opts ro = { false, 20 };
	diag_render_text(&ctx->diags, &ctx->sources, &ro, &out);
	/* col 9: tab and é count as one code point each; the caret sits
	 * under the expanded tab (4 columns) plus "café = ". */
	assert_string_equal(out.buf,
		"x.orch:2:9: error[E0104]: unknown block kind 'servce'\n"
		" 2 |     caf\xC3\xA9 = servce\n"
		"   |            ^~~~~~\n"
		"x.orch:1:1: note: in this stack\n"
		" 1 | stack a {\n"
		"   | ^~~~~\n"
		"help: did you mean 'service'?\n"
		"orchc: 1 error\n");
	strbuf_release(&out);
}

static void sorted_and_limited(void **state)
{
	struct orchc_ctx *ctx = *state;
	const char *src = "a\nb\nc\n";
	uint32_t f = (uint32_t)orchc_load_buffer(ctx, "x.orch", src, strlen(src));
	diag_report(&ctx->diags, E0101, (struct span){ f, 4, 5 }, "third");
	diag_report(&ctx->diags, W0101, (struct span){ f, 0, 1 }, "first");
	diag_report(&ctx->diags, E0101, (struct span){ f, 2, 3 }, "second");
	diag_report_nospan(&ctx->diags, E0012, "io");
	diag_sort(&ctx->diags);
	assert_string_equal(ctx->diags.items.items[0]->msg, "io");
	assert_string_equal(ctx->diags.items.items[1]->msg, "first");
	assert_string_equal(ctx->diags.items.items[3]->msg, "third");
	struct strbuf out;
	strbuf_init(&out);
	struct diag_render_opts ro = { false, 2 };
	diag_render_text(&ctx->diags, &ctx->sources, &ro, &out);
	assert_non_null(strstr(out.buf, "orchc: error[E0012]: io\n"));
	assert_non_null(strstr(out.buf, "warning[W0101]: first"));
	assert_null(strstr(out.buf, "second"));
	assert_non_null(strstr(out.buf, "orchc: 2 more not shown"));
	assert_non_null(strstr(out.buf, "orchc: 3 errors, 1 warning\n"));
	strbuf_release(&out);
}

static void colour_only_when_asked(void **state)
{
	struct orchc_ctx *ctx = *state;
	const char *src = "x";
	uint32_t f = (uint32_t)orchc_load_buffer(ctx, "x.orch", src, 1);
	diag_report(&ctx->diags, E0001, (struct span){ f, 0, 1 }, "bad");
	struct strbuf out;
	strbuf_init(&out);
	struct diag_render_opts ro = { true, 0 };
	diag_render_text(&ctx->diags, &ctx->sources, &ro, &out);
	assert_non_null(strstr(out.buf, "\033[1;31merror[E0001]"));
	strbuf_reset(&out);
	ro.color = false;
	diag_render_text(&ctx->diags, &ctx->sources, &ro, &out);
	assert_null(strchr(out.buf, '\033'));
	strbuf_release(&out);
}

static void json_form(void **state)
{
	struct orchc_ctx *ctx = *state;
	const char *src = "stack a {\n  x = \xff\n}\n";
	uint32_t f = (uint32_t)orchc_load_buffer(ctx, "x.orch", src, strlen(src));
	struct diag *d = diag_report(&ctx->diags, E0004, (struct span){ f, 16, 17 },
				     "bad byte %s", "\xff");
	diag_note(&ctx->diags, d, (struct span){ f, 0, 5 }, "here");
	struct strbuf out;
	strbuf_init(&out);
	struct diag_render_opts ro = { false, 0 };
	diag_render_json(&ctx->diags, &ctx->sources, &ro, &out);
	json_error_t err;
	json_t *arr = json_loads(out.buf, 0, &err);
	assert_non_null(arr);
	assert_int_equal(json_array_size(arr), 1);
	json_t *o = json_array_get(arr, 0);
	assert_string_equal(json_string_value(json_object_get(o, "severity")), "error");
	assert_string_equal(json_string_value(json_object_get(o, "code")), "E0004");
	assert_string_equal(json_string_value(json_object_get(o, "message")), "bad byte \xEF\xBF\xBD");
	assert_int_equal(json_integer_value(json_object_get(o, "line")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "col")), 7);
	assert_int_equal(json_integer_value(json_object_get(o, "end_col")), 8);
	assert_int_equal(json_integer_value(json_object_get(o, "byte_start")), 16);
	assert_true(json_is_null(json_object_get(o, "help")));
	json_t *note = json_array_get(json_object_get(o, "notes"), 0);
	assert_int_equal(json_integer_value(json_object_get(note, "line")), 1);
	json_decref(arr);
	strbuf_release(&out);
}

static void explain_table_is_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < DIAG_CODE_COUNT; i++) {
		assert_true(strlen(diag_table[i].title) > 0);
		assert_true(strlen(diag_table[i].explanation) > 20);
		assert_ptr_equal(diag_lookup(diag_table[i].name), &diag_table[i]);
	}
	assert_null(diag_lookup("E9999"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(text_form),
		T(sorted_and_limited),
		T(colour_only_when_asked),
		T(json_form),
		T(explain_table_is_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

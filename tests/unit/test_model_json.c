/*
 * test_model_json.c - the JSON form of the model: a small model built by
 * hand (a stack, a pod, two services, one field of each value kind and
 * references between them) against the exact expected document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "intern.h"
#include "kinds.h"
#include "model.h"
#include "model_json.h"
#include "source.h"
#include "str.h"

struct fixture {
	struct arena arena;
	struct interner names;
	struct source_set src;
	uint32_t file;
	const char *text;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	arena_init(&f->arena);
	intern_init(&f->names, &f->arena);
	source_set_init(&f->src);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	source_set_release(&f->src);
	intern_release(&f->names);
	arena_release(&f->arena);
	free(f);
	return 0;
}

/* The span of the first occurrence of `needle` in the fixture's file. */
static struct span at(struct fixture *f, const char *needle)
{
	const char *p = strstr(f->text, needle);
	assert_non_null(p);
	uint32_t lo = (uint32_t)(p - f->text);
	return (struct span){ f->file, lo, lo + (uint32_t)strlen(needle) };
}

static struct m_value *val(struct fixture *f, enum value_kind kind)
{
	struct m_value *v = arena_zalloc(&f->arena, sizeof *v);
	v->kind = kind;
	return v;
}

static struct m_value *int_val(struct fixture *f, enum value_kind kind, int64_t i)
{
	struct m_value *v = val(f, kind);
	v->u.i = i;
	return v;
}

static struct m_value *str_val(struct fixture *f, const char *s)
{
	struct m_value *v = val(f, V_STRING);
	v->u.s.ptr = s;
	v->u.s.len = (uint32_t)strlen(s);
	return v;
}

static struct m_value *sym_val(struct fixture *f, enum value_kind kind, const char *s)
{
	struct m_value *v = val(f, kind);
	v->u.sym = intern_cstr(&f->names, s);
	return v;
}

static struct m_value *ref_val(struct fixture *f, struct m_entity *e, const char *attr)
{
	struct m_value *v = val(f, attr ? V_ATTR : V_REF);
	v->u.ref.ref = e;
	v->u.ref.attr = attr ? intern_cstr(&f->names, attr) : NULL;
	return v;
}

/* A V_LIST-shaped value (list, text, pair, tagged, call) of `n` items. */
static struct m_value *list_val(struct fixture *f, enum value_kind kind, const char *sym,
				uint32_t n, ...)
{
	struct m_value *v = val(f, kind);
	v->u.list.items = arena_alloc(&f->arena, (n ? n : 1) * sizeof *v->u.list.items);
	v->u.list.len = n;
	v->u.list.sym = sym ? intern_cstr(&f->names, sym) : NULL;
	va_list ap;
	va_start(ap, n);
	for (uint32_t i = 0; i < n; i++)
		v->u.list.items[i] = va_arg(ap, struct m_value *);
	va_end(ap);
	return v;
}

static struct m_entity *entity(struct fixture *f, enum block_kind kind, const char *name,
			       struct m_entity *parent, const char *where)
{
	struct m_entity *e = arena_zalloc(&f->arena, sizeof *e);
	e->kind = kind;
	e->name = name ? intern_cstr(&f->names, name) : NULL;
	e->span = where ? at(f, where) : (struct span){ f->file, 0, 0 };
	e->doc = (struct span){ f->file, 0, 0 };
	e->parent = parent;
	if (parent) {
		struct m_entity **c = arena_alloc(&f->arena,
						  (parent->nchildren + 1) * sizeof *c);
		if (parent->nchildren)
			memcpy(c, parent->children, parent->nchildren * sizeof *c);
		c[parent->nchildren++] = e;
		parent->children = c;
	}
	return e;
}

/* Gives `e` room for `n` fields, filled in with field(). */
static void fields(struct fixture *f, struct m_entity *e, uint32_t n)
{
	e->fields = arena_zalloc(&f->arena, n * sizeof *e->fields);
	e->field_names = arena_zalloc(&f->arena, n * sizeof *e->field_names);
	e->nfields = 0;
}

static void field(struct fixture *f, struct m_entity *e, const char *name, struct m_value *v)
{
	e->field_names[e->nfields] = intern_cstr(&f->names, name);
	e->fields[e->nfields++] = v;
}

static const char source[] =
	"## Example shop.\n"
	"stack shop {\n"
	"  pod backend {\n"
	"    ## The primary database.\n"
	"    ##   Backed up nightly.\n"
	"    service db { image = \"postgres:16\" }\n"
	"  }\n"
	"  service web {\n"
	"    replicas = 3\n"
	"  }\n"
	"}\n";

static const char expected[] =
	"{\n"
	"  \"model_version\": 1,\n"
	"  \"profile\": \"prod\",\n"
	"  \"entities\": [\n"
	"    {\n"
	"      \"kind\": \"stack\",\n"
	"      \"name\": \"shop\",\n"
	"      \"at\": \"shop.orch:2:1\",\n"
	"      \"doc\": \"Example shop.\",\n"
	"      \"fields\": {},\n"
	"      \"children\": [\n"
	"        {\n"
	"          \"kind\": \"pod\",\n"
	"          \"name\": \"backend\",\n"
	"          \"at\": \"shop.orch:3:3\",\n"
	"          \"fields\": {},\n"
	"          \"children\": [\n"
	"            {\n"
	"              \"kind\": \"service\",\n"
	"              \"name\": \"db\",\n"
	"              \"at\": \"shop.orch:6:5\",\n"
	"              \"doc\": \"The primary database.\\n  Backed up nightly.\",\n"
	"              \"fields\": {\n"
	"                \"image\": \"postgres:16\"\n"
	"              }\n"
	"            }\n"
	"          ]\n"
	"        },\n"
	"        {\n"
	"          \"kind\": \"service\",\n"
	"          \"name\": \"web\",\n"
	"          \"at\": \"shop.orch:8:3\",\n"
	"          \"fields\": {\n"
	"            \"replicas\": 3,\n"
	"            \"enabled\": true,\n"
	"            \"debug\": false,\n"
	"            \"cpu\": 0.5,\n"
	"            \"timeout\": {\n"
	"              \"ms\": 1500\n"
	"            },\n"
	"            \"memory\": {\n"
	"              \"bytes\": 268435456\n"
	"            },\n"
	"            \"image\": \"nginx:1.25\",\n"
	"            \"motto\": \"caf\xEF\xBF\xBD \\\"ol\xC3\xA9\\\"\\n\",\n"
	"            \"command\": null,\n"
	"            \"restart\": \"always\",\n"
	"            \"ports\": [\n"
	"              80,\n"
	"              443\n"
	"            ],\n"
	"            \"volumes\": [],\n"
	"            \"labels\": {\n"
	"              \"tier\": \"front\",\n"
	"              \"team\": \"web\"\n"
	"            },\n"
	"            \"db\": {\n"
	"              \"ref\": \"service shop.backend.db\"\n"
	"            },\n"
	"            \"url\": {\n"
	"              \"text\": [\n"
	"                \"postgres://\",\n"
	"                {\n"
	"                  \"ref\": \"service shop.backend.db\",\n"
	"                  \"attr\": \"host\"\n"
	"                },\n"
	"                \":\",\n"
	"                {\n"
	"                  \"ref\": \"service shop.backend.db\",\n"
	"                  \"attr\": \"port\"\n"
	"                }\n"
	"              ]\n"
	"            },\n"
	"            \"publish\": [\n"
	"              {\n"
	"                \"from\": 8080,\n"
	"                \"to\": 80\n"
	"              }\n"
	"            ],\n"
	"            \"after\": [\n"
	"              {\n"
	"                \"value\": {\n"
	"                  \"ref\": \"service shop.backend.db\"\n"
	"                },\n"
	"                \"tag\": \"healthy\"\n"
	"              }\n"
	"            ],\n"
	"            \"password\": {\n"
	"              \"call\": \"env\",\n"
	"              \"args\": [\n"
	"                \"DB_PASSWORD\"\n"
	"              ]\n"
	"            },\n"
	"            \"stack\": {\n"
	"              \"ref\": \"stack shop\"\n"
	"            }\n"
	"          }\n"
	"        }\n"
	"      ]\n"
	"    }\n"
	"  ]\n"
	"}\n";

static void renders_every_value_kind(void **state)
{
	struct fixture *f = *state;
	f->text = source;
	f->file = source_add(&f->src, "shop.orch", source, sizeof source - 1);

	/* The file itself: a KIND_TOP parent contributes nothing to names. */
	struct m_entity *top = entity(f, KIND_TOP, NULL, NULL, NULL);
	struct m_entity *shop = entity(f, KIND_STACK, "shop", top, "stack shop");
	shop->doc = at(f, "## Example shop.");
	struct m_entity *pod = entity(f, KIND_POD, "backend", shop, "pod backend");
	struct m_entity *db = entity(f, KIND_SERVICE, "db", pod, "service db");
	db->doc = at(f, "## The primary database.\n    ##   Backed up nightly.");
	fields(f, db, 2);
	field(f, db, "image", str_val(f, "postgres:16"));
	field(f, db, "healthcheck", val(f, V_UNSET));

	struct m_entity *web = entity(f, KIND_SERVICE, "web", shop, "service web");
	fields(f, web, 20);
	field(f, web, "replicas", int_val(f, V_INT, 3));
	struct m_value *yes = val(f, V_BOOL), *no = val(f, V_BOOL);
	yes->u.b = true;
	field(f, web, "enabled", yes);
	field(f, web, "debug", no);
	struct m_value *cpu = val(f, V_FLOAT);
	cpu->u.f = 0.5;
	field(f, web, "cpu", cpu);
	field(f, web, "timeout", int_val(f, V_DURATION, 1500));
	field(f, web, "memory", int_val(f, V_SIZE, 256 << 20));
	field(f, web, "image", str_val(f, "nginx:1.25"));
	field(f, web, "motto", str_val(f, "caf\xE9 \"ol\xC3\xA9\"\n"));
	field(f, web, "command", val(f, V_NONE));
	field(f, web, "restart", sym_val(f, V_ENUM, "always"));
	field(f, web, "ports", list_val(f, V_LIST, NULL, 2, int_val(f, V_INT, 80),
					int_val(f, V_INT, 443)));
	field(f, web, "volumes", list_val(f, V_LIST, NULL, 0));
	struct m_value *labels = val(f, V_MAP);
	labels->u.map.len = 2;
	labels->u.map.entries = arena_alloc(&f->arena, 2 * sizeof *labels->u.map.entries);
	labels->u.map.entries[0] = (struct m_entry){ intern_cstr(&f->names, "tier"),
						     str_val(f, "front") };
	labels->u.map.entries[1] = (struct m_entry){ intern_cstr(&f->names, "team"),
						     str_val(f, "web") };
	field(f, web, "labels", labels);
	field(f, web, "healthcheck", val(f, V_UNSET));
	field(f, web, "db", ref_val(f, db, NULL));
	struct m_value *url = list_val(f, V_TEXT, NULL, 4, str_val(f, "postgres://"),
				       ref_val(f, db, "host"), str_val(f, ":"),
				       ref_val(f, db, "port"));
	url->secret = true;
	field(f, web, "url", url);
	field(f, web, "publish", list_val(f, V_LIST, NULL, 1,
					  list_val(f, V_PAIR, NULL, 2, int_val(f, V_INT, 8080),
						   int_val(f, V_INT, 80))));
	field(f, web, "after", list_val(f, V_LIST, NULL, 1,
					list_val(f, V_TAGGED, "healthy", 1, ref_val(f, db, NULL))));
	struct m_value *password = list_val(f, V_CALL, "env", 1, str_val(f, "DB_PASSWORD"));
	password->secret = true; /* printed as its structure all the same */
	field(f, web, "password", password);
	field(f, web, "stack", ref_val(f, shop, NULL));
	assert_int_equal(web->nfields, 20);

	struct m_program prog = { &shop, 1, intern_cstr(&f->names, "prod") };
	struct strbuf out;
	strbuf_init(&out);
	strbuf_addstr(&out, "kept: ");
	model_json(&prog, &f->src, &out);
	assert_string_equal(out.buf + 6, expected);
	assert_memory_equal(out.buf, "kept: ", 6);

	/* Deterministic: a second rendering is byte for byte the same. */
	struct strbuf again;
	strbuf_init(&again);
	model_json(&prog, &f->src, &again);
	assert_string_equal(again.buf, expected);
	strbuf_release(&again);
	strbuf_release(&out);
}

static void renders_an_empty_program(void **state)
{
	(void)state;
	struct m_program prog = { NULL, 0, NULL };
	struct source_set src;
	source_set_init(&src);
	struct strbuf out;
	strbuf_init(&out);
	model_json(&prog, &src, &out);
	assert_string_equal(out.buf, "{\n"
				     "  \"model_version\": 1,\n"
				     "  \"profile\": null,\n"
				     "  \"entities\": []\n"
				     "}\n");
	strbuf_release(&out);
	source_set_release(&src);
}

/* An entity whose span is not in the source set (synthesized without an
 * origin, which lowering should never do) still renders, at null. */
static void unknown_file_is_null(void **state)
{
	struct fixture *f = *state;
	struct m_entity *e = arena_zalloc(&f->arena, sizeof *e);
	e->kind = KIND_CATALOG;
	e->name = intern_cstr(&f->names, "c");
	e->span = (struct span){ 7, 0, 0 };
	e->doc = (struct span){ 7, 0, 3 };
	struct m_program prog = { &e, 1, NULL };
	struct strbuf out;
	strbuf_init(&out);
	model_json(&prog, &f->src, &out);
	assert_string_equal(out.buf, "{\n"
				     "  \"model_version\": 1,\n"
				     "  \"profile\": null,\n"
				     "  \"entities\": [\n"
				     "    {\n"
				     "      \"kind\": \"catalog\",\n"
				     "      \"name\": \"c\",\n"
				     "      \"at\": null,\n"
				     "      \"fields\": {}\n"
				     "    }\n"
				     "  ]\n"
				     "}\n");
	strbuf_release(&out);
}

/* Renders one service whose field `r` lists `vals` (its span is in no file). */
static void render_reals(struct fixture *f, const double *vals, uint32_t n, struct strbuf *out)
{
	struct m_entity *e = arena_zalloc(&f->arena, sizeof *e);
	e->kind = KIND_SERVICE;
	e->name = intern_cstr(&f->names, "s");
	e->span = (struct span){ 9, 0, 0 };
	fields(f, e, 1);
	struct m_value *list = list_val(f, V_LIST, NULL, 0);
	list->u.list.items = arena_alloc(&f->arena, n * sizeof *list->u.list.items);
	for (uint32_t i = 0; i < n; i++) {
		struct m_value *v = val(f, V_FLOAT);
		v->u.f = vals[i];
		list->u.list.items[list->u.list.len++] = v;
	}
	field(f, e, "r", list);
	struct m_program prog = { &e, 1, NULL };
	model_json(&prog, &f->src, out);
}

static const char reals_head[] =
	"{\n"
	"  \"model_version\": 1,\n"
	"  \"profile\": null,\n"
	"  \"entities\": [\n"
	"    {\n"
	"      \"kind\": \"service\",\n"
	"      \"name\": \"s\",\n"
	"      \"at\": null,\n"
	"      \"fields\": {\n"
	"        \"r\": [\n";
static const char reals_tail[] =
	"        ]\n"
	"      }\n"
	"    }\n"
	"  ]\n"
	"}\n";

/* Checks that `out` holds the reals document with list items `body`. */
static void expect_reals(const struct strbuf *out, const char *body)
{
	struct strbuf want;
	strbuf_init(&want);
	strbuf_addstr(&want, reals_head);
	strbuf_addstr(&want, body);
	strbuf_addstr(&want, reals_tail);
	assert_string_equal(out->buf, want.buf);
	strbuf_release(&want);
}

/* Reals print as short as the document allows and always read back. */
static void reals_are_short_and_exact(void **state)
{
	struct fixture *f = *state;
	static const double short_ones[] = { 0.1, 1.0, -2.5, 1e300, 0.25 };
	struct strbuf out;
	strbuf_init(&out);
	render_reals(f, short_ones, 5, &out);
	expect_reals(&out,
		     "          0.1,\n"
		     "          1.0,\n"
		     "          -2.5,\n"
		     "          1e300,\n"
		     "          0.25\n");
	strbuf_reset(&out);

	/* 0.1 + 0.2 needs all 17 digits, and so the whole document has them. */
	static const double long_ones[] = { 0.1, 0.1 + 0.2, 1.0 / 3 };
	render_reals(f, long_ones, 3, &out);
	expect_reals(&out,
		     "          0.10000000000000001,\n"
		     "          0.30000000000000004,\n"
		     "          0.33333333333333331\n");
	strbuf_reset(&out);

	static const double odd[] = { 0.5, INFINITY, -INFINITY, NAN };
	render_reals(f, odd, 4, &out);
	expect_reals(&out,
		     "          0.5,\n"
		     "          \"inf\",\n"
		     "          \"-inf\",\n"
		     "          \"nan\"\n");
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(renders_every_value_kind, setup, teardown),
		cmocka_unit_test(renders_an_empty_program),
		cmocka_unit_test_setup_teardown(unknown_file_is_null, setup, teardown),
		cmocka_unit_test_setup_teardown(reals_are_short_and_exact, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

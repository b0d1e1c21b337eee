/*
 * test_sema.c - the resolver and the type checker: what a program means
 * (references resolved to entities, defaults, merges, profiles) and which
 * mistakes it reports, checked on the model rather than on message text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "model.h"
#include "sema.h"

static struct m_program *build(struct orchc_ctx *ctx, const char *src, const char *profile)
{
	int id = orchc_load_buffer(ctx, "t.orch", src, strlen(src));
	struct sema_opts opts = { profile };
	return sema_build_file(ctx, (uint32_t)id, &opts);
}

static const struct m_entity *child(const struct m_entity *e, const char *name)
{
	for (uint32_t i = 0; i < e->nchildren; i++) {
		if (e->children[i]->name && strcmp(e->children[i]->name->name, name) == 0)
			return e->children[i];
		const struct m_entity *below = child(e->children[i], name);
		if (below)
			return below;
	}
	return NULL;
}

static const char *text(const struct m_value *v)
{
	assert_int_equal(v->kind, V_STRING);
	return v->u.s.ptr;
}

static void references_resolve_to_entities(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct m_program *p = build(ctx,
		"stack s {\n"
		"  repo src = \"github.com/org/app@v1\"\n"
		"  image app { tag = \"org/app:local\", repo = src }\n"
		"  secret pw { from = env(\"PW\") }\n"
		"  service db { image = \"postgres:16\", ports = [5432],\n"
		"               healthcheck { test = [\"CMD\", \"pg_isready\"] } }\n"
		"  service api {\n"
		"    image = image.app\n"
		"    env { URL = \"postgres://${db.host}:${db.port}/x\", PASSWORD = secret.pw }\n"
		"    after = [db healthy]\n"
		"  }\n"
		"}\n", NULL);
	assert_non_null(p);
	const struct m_entity *stack = p->entities[0];
	const struct m_entity *api = child(stack, "api"), *db = child(stack, "db");
	const struct m_value *image = m_get(api, "image");
	assert_int_equal(image->kind, V_REF);
	assert_ptr_equal(image->u.ref.ref, child(stack, "app"));
	assert_ptr_equal(m_get(child(stack, "app"), "repo")->u.ref.ref, child(stack, "src"));
	const struct m_value *env = m_get(api, "env");
	assert_int_equal(env->u.map.entries[0].value->kind, V_TEXT);
	const struct m_value *url = env->u.map.entries[0].value;
	assert_int_equal(url->u.list.items[1]->kind, V_ATTR);
	assert_ptr_equal(url->u.list.items[1]->u.ref.ref, db);
	assert_true(env->u.map.entries[1].value->secret);
	assert_true(env->secret);
	const struct m_value *after = m_get(api, "after");
	assert_string_equal(after->u.list.items[0]->u.list.sym->name, "healthy");
	assert_ptr_equal(after->u.list.items[0]->u.list.items[0]->u.ref.ref, db);
	/* Defaults are filled in: replicas, restart, the health check's interval. */
	assert_int_equal(m_get(api, "replicas")->u.i, 1);
	assert_string_equal(m_get(api, "restart")->u.sym->name, "unless-stopped");
	const struct m_value *hc = m_get(db, "healthcheck");
	assert_int_equal(m_map_get(hc, "interval")->kind, V_DURATION);
	assert_int_equal(m_map_get(hc, "interval")->u.i, 30000);
}

static void templates_bind_and_amend(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct m_program *p = build(ctx,
		"template web(version: string = \"1.0\", port: port = 8080) service {\n"
		"  image = \"org/web:${version}\"\n"
		"  ports = [port]\n"
		"  env { MODE = \"prod\", PORT = port }\n"
		"  volume cache = \"/var/cache\"\n"
		"}\n"
		"stack s {\n"
		"  service a = web()\n"
		"  service b = web(version: \"2.1\", port: 9090) {\n"
		"    env { MODE = \"debug\" }\n"
		"    volume cache { read_only = true }\n"
		"  }\n"
		"}\n", NULL);
	assert_non_null(p);
	const struct m_entity *a = child(p->entities[0], "a"), *b = child(p->entities[0], "b");
	assert_string_equal(text(m_get(a, "image")), "org/web:1.0");
	assert_string_equal(text(m_get(b, "image")), "org/web:2.1");
	assert_int_equal(m_get(b, "ports")->u.list.items[0]->u.i, 9090);
	/* The amendment's env merges key by key; the template's PORT stays. */
	const struct m_value *env = m_get(b, "env");
	assert_int_equal(env->u.map.len, 2);
	assert_string_equal(text(env->u.map.entries[0].value), "debug");
	assert_string_equal(text(env->u.map.entries[1].value), "9090");
	/* The amendment of the template's volume changes that volume. */
	assert_int_equal(b->nchildren, 1);
	assert_true(m_get(b->children[0], "read_only")->u.b);
	assert_false(m_get(a->children[0], "read_only")->u.b);
}

static void template_arguments_may_name_later_blocks(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct m_program *p = build(ctx,
		"template db(password: secret) service {\n"
		"  image = \"postgres:16\"\n"
		"  env { POSTGRES_PASSWORD = password }\n"
		"}\n"
		"stack s {\n"
		"  service database = db(password: secret.pw)\n"
		"  secret pw { from = env(\"PW\") }\n"
		"}\n", NULL);
	assert_non_null(p);
	const struct m_value *env = m_get(child(p->entities[0], "database"), "env");
	assert_ptr_equal(env->u.map.entries[0].value->u.ref.ref, child(p->entities[0], "pw"));
}

static void amendments_values_and_forwarded_enums(void **state)
{
	struct orchc_ctx *ctx = *state;
	struct m_program *p = build(ctx,
		"template w(mode: no | always = no, path: string) service {\n"
		"  image = \"x\"\n"
		"  restart = mode\n"
		"  volume data = path\n"
		"}\n"
		"stack s {\n"
		"  secret pw = env(\"PW\")\n"
		"  service a = w(mode: always, path: \"/a\") {\n"
		"    volume data = \"/b\"\n"
		"    env { N = 1_000, F = 0.1 }\n"
		"  }\n"
		"}\n", NULL);
	assert_non_null(p);
	const struct m_entity *a = child(p->entities[0], "a");
	assert_string_equal(m_get(a, "restart")->u.sym->name, "always");
	assert_string_equal(text(m_get(a->children[0], "path")), "/b");
	assert_string_equal(text(m_get(a, "env")->u.map.entries[0].value), "1000");
	assert_string_equal(text(m_get(a, "env")->u.map.entries[1].value), "0.1");
	assert_int_equal(m_get(child(p->entities[0], "pw"), "from")->kind, V_CALL);
}

static void profiles_overlay_paths(void **state)
{
	struct orchc_ctx *ctx = *state;
	const char *src =
		"stack s {\n"
		"  pod p { service api { image = \"x\", env { LOG = \"info\" } } }\n"
		"}\n"
		"target kubernetes { namespace = \"dev\" }\n"
		"profile prod {\n"
		"  s.api.replicas = 4\n"
		"  s.api.env.LOG = \"warn\"\n"
		"  kubernetes.namespace = \"prod\"\n"
		"}\n";
	struct m_program *p = build(ctx, src, "prod");
	assert_non_null(p);
	const struct m_entity *api = child(p->entities[0], "api");
	assert_int_equal(m_get(api, "replicas")->u.i, 4);
	assert_string_equal(text(m_get(api, "env")->u.map.entries[0].value), "warn");
	assert_string_equal(text(m_get(p->entities[1], "namespace")), "prod");
	assert_string_equal(p->profile->name, "prod");
}

static void types_constrain_values(void **state)
{
	struct orchc_ctx *ctx = *state;
	build(ctx,
		"type Tag = string(/^[A-Z]{1,4}$/)\n"
		"record Limits { cpu: float(0.1..8.0) = 1, memory: size }\n"
		"template t(tag: Tag, limits: Limits, mode: fast | safe = safe) job { image = \"x\" }\n"
		"stack s {\n"
		"  job ok = t(tag: \"ABC\", limits: { memory = 1Gi })\n"
		"  job bad-tag = t(tag: \"abc\", limits: { memory = 1Gi })\n"
		"  job bad-cpu = t(tag: \"ABC\", limits: { cpu = 9, memory = 1Gi })\n"
		"  job no-memory = t(tag: \"ABC\", limits: { cpu = 1 })\n"
		"  job bad-mode = t(tag: \"ABC\", limits: { memory = 1Gi }, mode: quick)\n"
		"}\n", NULL);
	assert_int_equal(count_code(ctx, E0306), 1);
	assert_int_equal(count_code(ctx, E0305), 1);
	assert_int_equal(count_code(ctx, E0303), 1);
	assert_int_equal(count_code(ctx, E0313), 1);
	assert_int_equal(ctx->diags.errors, 4);
}

static void secrets_stay_out_of_plain_places(void **state)
{
	struct orchc_ctx *ctx = *state;
	build(ctx,
		"stack s {\n"
		"  secret t { from = env(\"T\") }\n"
		"  service a {\n"
		"    image = \"x\"\n"
		"    labels { owner = \"${secret.t}\" }\n"
		"    working_dir = \"/srv/${secret.t}\"\n"
		"    env { TOKEN = secret.t, URL = \"https://u:${secret.t}@host\" }\n"
		"    command = [\"run\", \"--token=${secret.t}\"]\n"
		"  }\n"
		"}\n", NULL);
	assert_int_equal(count_code(ctx, E0310), 2); /* the label and the path */
	assert_int_equal(ctx->diags.errors, 2);
}

static void names_are_scoped_per_kind(void **state)
{
	struct orchc_ctx *ctx = *state;
	/* A repo and an image may share a name; a service and a job may not. */
	assert_non_null(build(ctx,
		"stack s {\n"
		"  repo app = \"github.com/org/app\"\n"
		"  image app { tag = \"org/app:1\", repo = app }\n"
		"  service api { image = image.app }\n"
		"}\n", NULL));
	build(ctx, "stack t {\n  service x { image = \"a\" }\n  pod p { job x { image = \"b\" } }\n}\n", NULL);
	assert_int_equal(count_code(ctx, E0204), 1);
}

static void graphs_are_checked(void **state)
{
	struct orchc_ctx *ctx = *state;
	build(ctx,
		"stack s {\n"
		"  service a { image = \"x\", after = [b] }\n"
		"  service b { image = \"x\", after = [a] }\n"
		"  job m { image = \"x\" }\n"
		"  service c { image = \"x\", after = [m completed, a completed] }\n"
		"}\n"
		"catalog c {\n"
		"  block X { tag = \"X\", description = \"x\", depends_on = [Y] }\n"
		"  block Y { tag = \"Y\", description = \"y\", depends_on = [X] }\n"
		"}\n", NULL);
	assert_int_equal(count_code(ctx, E0401), 1);
	assert_int_equal(count_code(ctx, E0402), 1);
	assert_int_equal(count_code(ctx, E0407), 1);
}

/* A module exporting shot and convert, both () -> i32, written to a
 * temporary directory; returns its path. */
static const char *write_module(char *dir)
{
	static const unsigned char bin[] = {
		0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
		0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,             /* type () -> i32 */
		0x03, 0x03, 0x02, 0x00, 0x00,                         /* two functions */
		0x07, 0x12, 0x02, 0x04, 's', 'h', 'o', 't', 0x00, 0x00,
		0x07, 'c', 'o', 'n', 'v', 'e', 'r', 't', 0x00, 0x01,  /* exports */
		0x0a, 0x0b, 0x02, 0x04, 0x00, 0x41, 0x00, 0x0b, 0x04, 0x00, 0x41, 0x00, 0x0b,
	};
	static char path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/m.wasm", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bin, 1, sizeof bin, f), sizeof bin);
	fclose(f);
	return path;
}

static void fleets_chain_typed_steps(void **state)
{
	struct orchc_ctx *ctx = *state;
	char dir[] = "/tmp/orchc-sema-XXXXXX";
	const char *wasm = write_module(dir);
	char src[2048];
	snprintf(src, sizeof src,
		"fleet f {\n"
		"  package_url = \"http://orchestrator/files/f\"\n"
		"  module cam { wasm = \"%s\", export shot() -> file(\"image/jpeg\") {\n"
		"    mount pic { stage = output, path = \"a.jpeg\", media_type = \"image/jpeg\" } } }\n"
		"  module gray { wasm = \"%s\", export convert(img: file(\"image/jpeg\")) -> file(\"image/png\") {\n"
		"    mount in { stage = execution, path = \"in.jpeg\", media_type = \"image/jpeg\" }\n"
		"    mount out { stage = output, path = \"out.png\", media_type = \"image/png\" } } }\n"
		"  device pi { address = \"10.0.0.2:5000\", interfaces = [takeImage] }\n"
		"  device spare { address = \"10.0.0.3:5000\" }\n"
		"  deployment d { cam.shot on pi else spare -> gray.convert on any }\n"
		"}\n", wasm, wasm);
	struct m_program *p = build(ctx, src, NULL);
	remove(wasm);
	rmdir(dir);
	assert_non_null(p);
	const struct m_entity *d = child(p->entities[0], "d");
	assert_int_equal(d->nchildren, 2);
	const struct m_entity *first = d->children[0], *second = d->children[1];
	assert_int_equal(m_get(first, "devices")->u.list.len, 2);
	assert_false(m_get(first, "any")->u.b);
	assert_true(m_get(second, "any")->u.b);
	assert_string_equal(m_get(second, "function")->u.sym->name, "convert");
	/* `on any`: the first device that fits, in declaration order. */
	assert_int_equal(m_get(second, "devices")->u.list.len, 1);
	assert_string_equal(m_get(second, "devices")->u.list.items[0]->u.ref.ref->name->name, "pi");
	const struct m_entity *convert = child(p->entities[0], "convert");
	assert_string_equal(text(m_get(convert, "result")), "file(\"image/png\")");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(references_resolve_to_entities),
		T(templates_bind_and_amend),
		T(template_arguments_may_name_later_blocks),
		T(amendments_values_and_forwarded_enums),
		T(profiles_overlay_paths),
		T(types_constrain_values),
		T(secrets_stay_out_of_plain_places),
		T(names_are_scoped_per_kind),
		T(graphs_are_checked),
		T(fleets_chain_typed_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

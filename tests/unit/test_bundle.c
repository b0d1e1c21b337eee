/*
 * test_bundle.c - orch-apply's bundle reader: what it accepts, each thing
 * it refuses (with the message a user sees), and the lookups the plan
 * relies on.  The tests start from one small valid bundle of each kind and
 * break one thing at a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "arena.h"
#include "bundle.h"
#include "str.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define SHA_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static const char catalog[] =
	"{\"bundle_version\": 1, \"unit\": \"catalog-shop\", \"kind\": \"catalog\", "
	"\"name\": \"shop\", \"compiler\": \"orchc test\", \"files\": ["
	" {\"path\": \"deploy/schema/base.sqlite.sql\", \"sha256\": \"" SHA_C "\", \"size\": 7, \"mode\": \"0644\"},"
	" {\"path\": \"migrations/shop/sqlite/0001_a.down.sql\", \"sha256\": \"" SHA_B "\", \"size\": 4, \"mode\": \"0644\"},"
	" {\"path\": \"migrations/shop/sqlite/0001_a.up.sql\", \"sha256\": \"" SHA_A "\", \"size\": 10, \"mode\": \"0644\"}],"
	" \"compose\": [], \"wasm_modules\": [], \"device_deployments\": [],"
	" \"migrations\": [{\"database\": \"shop\", \"dialect\": \"sqlite\", \"connection_env\": \"ORCH_DB_SHOP\","
	"  \"base_schema\": {\"path\": \"deploy/schema/base.sqlite.sql\", \"sha256\": \"" SHA_C "\", \"unless_table\": \"products\"},"
	"  \"steps\": [{\"id\": \"0001_a\","
	"   \"up\": {\"path\": \"migrations/shop/sqlite/0001_a.up.sql\", \"sha256\": \"" SHA_A "\"},"
	"   \"down\": {\"path\": \"migrations/shop/sqlite/0001_a.down.sql\", \"sha256\": \"" SHA_B "\"}}]}]}";

static const char stack[] =
	"{\"bundle_version\": 1, \"unit\": \"stack-web\", \"kind\": \"stack\", \"name\": \"web\","
	" \"compiler\": \"orchc test\", \"files\": ["
	" {\"path\": \"compose/web/docker-compose-db.yml\", \"sha256\": \"" SHA_A "\", \"size\": 1, \"mode\": \"0644\"}],"
	" \"compose\": [{\"project\": \"web\", \"directory\": \"compose/web\","
	"  \"files\": [\"compose/web/docker-compose-db.yml\"], \"variables\": [\"DB_PASSWORD\"]}],"
	" \"migrations\": [], \"wasm_modules\": [], \"device_deployments\": []}";

static const char device[] =
	"{\"bundle_version\": 1, \"unit\": \"device-lab.cam\", \"kind\": \"device\", \"name\": \"lab.cam\","
	" \"compiler\": \"orchc test\", \"files\": ["
	" {\"path\": \"wasm/lab/deployments/d.json\", \"sha256\": \"" SHA_B "\", \"size\": 2, \"mode\": \"0644\"},"
	" {\"path\": \"wasm/lab/modules/m.wasm\", \"sha256\": \"" SHA_A "\", \"size\": 8, \"mode\": \"0644\"}],"
	" \"compose\": [], \"migrations\": [],"
	" \"wasm_modules\": [{\"name\": \"m\", \"path\": \"wasm/lab/modules/m.wasm\", \"sha256\": \"" SHA_A "\"}],"
	" \"device_deployments\": [{\"deployment\": \"d\", \"id\": \"0b5c\", \"supervisor\": \"http://cam:8080/deploy\","
	"  \"body\": {\"path\": \"wasm/lab/deployments/d.json\", \"sha256\": \"" SHA_B "\"}}]}";

struct read {
	struct arena a;
	struct bundle b;
	struct strbuf err;
	bool ok;
};

/* Reads `text`, after replacing the first `from` in it with `to` (if any). */
static void read_edited(struct read *r, const char *text, const char *from, const char *to)
{
	arena_init(&r->a);
	strbuf_init(&r->err);
	struct strbuf doc;
	strbuf_init(&doc);
	const char *at = from ? strstr(text, from) : NULL;
	if (from)
		assert_non_null(at); /* the edit must apply, or the test tests nothing */
	if (at) {
		strbuf_add(&doc, text, (size_t)(at - text));
		strbuf_addstr(&doc, to);
		strbuf_addstr(&doc, at + strlen(from));
	} else {
		strbuf_addstr(&doc, text);
	}
	json_error_t je;
	json_t *j = json_loads(doc.buf, JSON_REJECT_DUPLICATES, &je);
	assert_non_null(j);
	r->ok = bundle_from_json(&r->b, j, "b.json", &r->a, &r->err);
	json_decref(j);
	strbuf_release(&doc);
}

static void done(struct read *r)
{
	bundle_release(&r->b);
	strbuf_release(&r->err);
	arena_release(&r->a);
}

/* Editing `text` makes the reader refuse it with exactly `message`. */
static void refused(const char *text, const char *from, const char *to, const char *message)
{
	struct read r;
	read_edited(&r, text, from, to);
	assert_false(r.ok);
	assert_string_equal(r.err.buf, message);
	done(&r);
}

static void reads_a_catalog(void **state)
{
	(void)state;
	struct read r;
	read_edited(&r, catalog, NULL, NULL);
	assert_true(r.ok || (print_error("%s\n", r.err.buf), 0));
	assert_string_equal(r.b.unit, "catalog-shop");
	assert_int_equal(r.b.nfiles, 3);
	/* Sorted by path, so lookups can bisect. */
	assert_string_equal(r.b.files[0].path, "deploy/schema/base.sqlite.sql");
	assert_int_equal(r.b.files[1].mode, 0644);
	assert_int_equal(r.b.files[1].size, 4);
	assert_string_equal(r.b.files[2].path, "migrations/shop/sqlite/0001_a.up.sql");
	const struct b_migrations *m = bundle_migrations(&r.b, "shop", "sqlite");
	assert_non_null(m);
	assert_null(bundle_migrations(&r.b, "shop", "postgres"));
	assert_true(m->has_base);
	assert_string_equal(m->unless_table, "products");
	assert_int_equal(m->nsteps, 1);
	assert_string_equal(m->steps[0].down.sha256, SHA_B);
	assert_non_null(bundle_file(&r.b, "migrations/shop/sqlite/0001_a.up.sql"));
	assert_null(bundle_file(&r.b, "migrations/shop/sqlite/0001_a.up"));
	assert_null(bundle_file(&r.b, "zzz"));
	done(&r);
}

static void reads_a_stack_and_a_device(void **state)
{
	(void)state;
	struct read r;
	read_edited(&r, stack, NULL, NULL);
	assert_true(r.ok || (print_error("%s\n", r.err.buf), 0));
	const struct b_compose *c = bundle_project(&r.b, "web");
	assert_non_null(c);
	assert_null(bundle_project(&r.b, "db"));
	assert_int_equal(c->nvariables, 1);
	assert_string_equal(c->files[0], "compose/web/docker-compose-db.yml");
	done(&r);

	read_edited(&r, device, NULL, NULL);
	assert_true(r.ok || (print_error("%s\n", r.err.buf), 0));
	const struct b_deployment *d = bundle_deployment(&r.b, "d");
	assert_non_null(d);
	assert_string_equal(d->supervisor, "http://cam:8080/deploy");
	assert_null(bundle_deployment(&r.b, "e"));
	assert_int_equal(r.b.nmodules, 1);
	done(&r);
	/* Lookups in no bundle (nothing applied before) find nothing. */
	assert_null(bundle_project(NULL, "web"));
	assert_null(bundle_deployment(NULL, "d"));
	assert_null(bundle_migrations(NULL, "shop", "sqlite"));
}

static void refuses_versions_and_unknown_keys(void **state)
{
	(void)state;
	refused(catalog, "\"bundle_version\": 1", "\"bundle_version\": 2",
		"b.json: /bundle_version: bundle version 2 is not supported (this orch-apply reads "
		"version 1); use the orch-apply of the orchc that built it");
	refused(catalog, "\"bundle_version\": 1", "\"bundle_version\": \"1\"",
		"b.json: /: not a bundle: no integer 'bundle_version'");
	refused(catalog, "\"compiler\"", "\"hooks\": [], \"compiler\"",
		"b.json: /: unknown key 'hooks'");
	refused(catalog, "\"kind\": \"catalog\"", "\"kind\": \"cluster\"",
		"b.json: /kind: unknown kind 'cluster' (stack, catalog or device)");
	refused(catalog, "\"unit\": \"catalog-shop\"", "\"unit\": \"a/b\"",
		"b.json: /unit: 'a/b' is not a unit name");
	refused(stack, "\"compose\": [", "\"compose\": {\"x\": 1}, \"y\": [",
		"b.json: /: unknown key 'y'");
}

static void refuses_unsafe_paths(void **state)
{
	(void)state;
	static const char *const unsafe[] = { "../etc/passwd", "/etc/passwd", "a//b", "a/./b",
					      "a/../../b", "a/", "", ".", "a\\\\b", "a\\tb" };
	for (size_t i = 0; i < sizeof unsafe / sizeof *unsafe; i++) {
		struct read r;
		char to[64];
		snprintf(to, sizeof to, "\"path\": \"%s\"", unsafe[i]);
		read_edited(&r, stack, "\"path\": \"compose/web/docker-compose-db.yml\"", to);
		assert_false(r.ok);
		assert_non_null(strstr(r.err.buf, *unsafe[i] ? "is not inside the root"
							     : "must be a non-empty string"));
		done(&r);
	}
	assert_true(bundle_path_safe("a"));
	assert_true(bundle_path_safe("a/b.c/..d/.e"));
	assert_false(bundle_path_safe("a/.."));
	assert_false(bundle_path_safe("a\x01"));
}

static void refuses_broken_files(void **state)
{
	(void)state;
	refused(stack, "\"sha256\": \"" SHA_A "\"", "\"sha256\": \"" SHA_A "0\"",
		"b.json: /files/0: 'sha256' must be 64 lowercase hexadecimal digits");
	refused(stack, "\"mode\": \"0644\"", "\"mode\": \"0999\"",
		"b.json: /files/0: 'mode' must be \"0644\" or \"0755\"");
	refused(stack, "\"size\": 1", "\"size\": -1",
		"b.json: /files/0: 'size' must be a non-negative integer");
	refused(catalog, "\"path\": \"migrations/shop/sqlite/0001_a.down.sql\", \"sha256\"",
		"\"path\": \"migrations/shop/sqlite/0001_a.up.sql\", \"sha256\"",
		"b.json: /files/2: files must be sorted by path, each once "
		"('migrations/shop/sqlite/0001_a.up.sql')");
}

static void refuses_dangling_references(void **state)
{
	(void)state;
	/* A step whose file the bundle does not list, or lists with another digest. */
	refused(catalog, "\"up\": {\"path\": \"migrations/shop/sqlite/0001_a.up.sql\"",
		"\"up\": {\"path\": \"migrations/shop/sqlite/0001_b.up.sql\"",
		"b.json: /migrations/0/steps/0/up: 'migrations/shop/sqlite/0001_b.up.sql' is not "
		"in the bundle's files");
	refused(catalog, "\"sha256\": \"" SHA_B "\"}}]", "\"sha256\": \"" SHA_A "\"}}]",
		"b.json: /migrations/0/steps/0/down: the sha256 of "
		"'migrations/shop/sqlite/0001_a.down.sql' differs from its entry in files");
	refused(stack, "\"files\": [\"compose/web/docker-compose-db.yml\"]",
		"\"files\": [\"compose/web/docker-compose-x.yml\"]",
		"b.json: /compose/0/files/0: 'compose/web/docker-compose-x.yml' is not in the bundle's files");
	refused(device, "\"supervisor\": \"http://cam:8080/deploy\"", "\"supervisor\": \"file:///etc/passwd\"",
		"b.json: /device_deployments/0: 'supervisor' must be an http:// or https:// URL");
	refused(catalog, "\"dialect\": \"sqlite\"", "\"dialect\": \"mysql\"",
		"b.json: /migrations/0: unknown dialect 'mysql' (sqlite or postgres)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_a_catalog),
		cmocka_unit_test(reads_a_stack_and_a_device),
		cmocka_unit_test(refuses_versions_and_unknown_keys),
		cmocka_unit_test(refuses_unsafe_paths),
		cmocka_unit_test(refuses_broken_files),
		cmocka_unit_test(refuses_dangling_references),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

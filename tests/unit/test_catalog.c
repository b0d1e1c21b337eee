/*
 * test_catalog.c - the pieces of the migrations target that need no
 * catalogue: UUIDv5 (against the vectors of Python's uuid.uuid5), the
 * lock file's round trip and its refusals, and the diff's statement order
 * and exact inverse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "catalog_diff.h"
#include "catalog_lock.h"
#include "str.h"
#include "uuid5.h"

static void check_uuid(const char *ns, const char *name, size_t len, const char *want)
{
	char out[37];
	assert_int_equal(uuid5(ns, name, len, out), 0);
	assert_string_equal(out, want);
}

static void uuid5_vectors(void **state)
{
	(void)state;
	char long_name[201], boundary[56];
	memset(long_name, 'x', 200);
	long_name[200] = '\0';
	memset(boundary, 'a', 55);
	boundary[55] = '\0';
	check_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org", 10,
		   "886313e1-3b8a-5372-9b90-0c9aee199e5d");
	check_uuid(UUID_NAMESPACE_URL, "orch:orchestrator-core", 22, CAT_UUID_NAMESPACE);
	check_uuid(UUID_NAMESPACE_URL, "", 0, "1b4db7eb-4057-5ddf-91e0-36dec72071f5");
	check_uuid(UUID_NAMESPACE_URL, long_name, 200, "cd3580b9-d244-586a-8077-74317319b48d");
	check_uuid(UUID_NAMESPACE_URL, boundary, 55, "216292ab-33d5-55d9-9441-e27c6d581a9d");
}

static void uuid5_bad_namespace(void **state)
{
	(void)state;
	char out[37];
	assert_int_equal(uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c", "x", 1, out), -1);
	assert_int_equal(uuid5("6ba7b810x9dad-11d1-80b4-00c04fd430c8", "x", 1, out), -1);
	assert_int_equal(uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430cg", "x", 1, out), -1);
	assert_true(cat_is_uuid("886313e1-3b8a-5372-9b90-0c9aee199e5d"));
	assert_false(cat_is_uuid("886313E1-3b8a-5372-9b90-0c9aee199e5d"));
	assert_false(cat_is_uuid("modify_note"));
}

/* A small catalogue: a resource type, a product and a link to a workflow
 * found by name. */
static void fill(struct cat_state *s, const char *description)
{
	memset(s, 0, sizeof *s);
	struct cat_row rt = { { "11111111-1111-5111-8111-111111111111", "sku", description } };
	struct cat_row p = { { "22222222-2222-5222-8222-222222222222", "hat", "A hat", "Item", "ITEM", "active" } };
	struct cat_row link = { { "22222222-2222-5222-8222-222222222222", "modify_note" } };
	vec_push(&s->rows[T_RESOURCE_TYPES], rt);
	vec_push(&s->rows[T_PRODUCTS], p);
	vec_push(&s->rows[T_PRODUCTS_WORKFLOWS], link);
}

static void lock_round_trip(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct cat_lock lock = { "shop", 3, OUT_POSTGRES | OUT_ALEMBIC, "0123456789ab", { { VEC_INIT } } };
	fill(&lock.state, NULL);
	struct strbuf first, second, err;
	strbuf_init(&first);
	strbuf_init(&second);
	strbuf_init(&err);
	cat_lock_write(&lock, &first);
	struct cat_lock back;
	assert_true(cat_lock_read(first.buf, first.len, &back, &a, &err));
	assert_string_equal(back.catalog, "shop");
	assert_int_equal(back.migrations, 3);
	assert_int_equal(back.outputs, OUT_POSTGRES | OUT_ALEMBIC);
	assert_string_equal(back.alembic_head, "0123456789ab");
	assert_null(back.state.rows[T_RESOURCE_TYPES].items[0].v[2]);
	cat_lock_write(&back, &second);
	assert_string_equal(first.buf, second.buf);
	cat_state_release(&back.state);
	cat_state_release(&lock.state);
	strbuf_release(&first);
	strbuf_release(&second);
	strbuf_release(&err);
	arena_release(&a);
}

static void lock_refused(const char *text, const char *why)
{
	struct arena a;
	arena_init(&a);
	struct strbuf err;
	strbuf_init(&err);
	struct cat_lock lock;
	assert_false(cat_lock_read(text, strlen(text), &lock, &a, &err));
	if (!strstr(err.buf, why))
		fail_msg("'%s' does not say '%s'", err.buf, why);
	strbuf_release(&err);
	arena_release(&a);
}

static void lock_malformed(void **state)
{
	(void)state;
	lock_refused("{", "line 1");
	lock_refused("{\"orchc_lock\": 2}", "written by another version");
	lock_refused("{\"orchc_lock\": 1, \"catalog\": \"c\", \"migrations\": 0, \"outputs\": [], \"tables\": {}}",
		     "1 to 9999");
	lock_refused("{\"orchc_lock\": 1, \"catalog\": \"c\", \"migrations\": 1, \"outputs\": [\"mysql\"], \"tables\": {}}",
		     "other than postgres");
	lock_refused("{\"orchc_lock\": 1, \"catalog\": \"c\", \"migrations\": 1, \"outputs\": [], \"tables\": {}}",
		     "tables.resource_types is missing");
	lock_refused("{\"orchc_lock\": 1, \"catalog\": \"c\", \"migrations\": 1, \"outputs\": [], \"tables\": "
		     "{\"resource_types\": [{\"resource_type_id\": \"x\", \"resource_type\": \"a\", \"description\": null}]}}",
		     "resource_type_id is not a UUID");
	lock_refused("{\"orchc_lock\": 1, \"catalog\": \"c\", \"migrations\": 1, \"outputs\": [], \"tables\": "
		     "{\"resource_types\": [{\"resource_type_id\": \"11111111-1111-5111-8111-111111111111\", "
		     "\"resource_type\": 5, \"description\": null}]}}",
		     "column resource_type has the wrong type");
}

static void diff_order_and_inverse(void **state)
{
	(void)state;
	struct cat_state before, after;
	fill(&before, "old");
	fill(&after, "new: 'quoted'");
	/* Drop the product (and its link) from the new state. */
	after.rows[T_PRODUCTS].len = 0;
	after.rows[T_PRODUCTS_WORKFLOWS].len = 0;
	struct cat_diff d;
	cat_diff(&d, &before, &after);
	assert_int_equal(d.changes.len, 3);
	/* Children are deleted before parents; updates come after deletes. */
	assert_int_equal(d.changes.items[0].table, T_PRODUCTS_WORKFLOWS);
	assert_int_equal(d.changes.items[1].table, T_PRODUCTS);
	assert_int_equal(d.changes.items[2].op, CH_UPDATE);
	struct strbuf sb;
	strbuf_init(&sb);
	cat_change_sql(&d, 0, false, &sb);
	assert_string_equal(sb.buf, "DELETE FROM products_workflows WHERE product_id = "
				    "'22222222-2222-5222-8222-222222222222' AND workflow_id = "
				    "(SELECT workflow_id FROM workflows WHERE name = 'modify_note')");
	strbuf_reset(&sb);
	cat_change_sql(&d, 2, false, &sb);
	assert_string_equal(sb.buf, "UPDATE resource_types SET description = 'new: ''quoted''' "
				    "WHERE resource_type_id = '11111111-1111-5111-8111-111111111111'");
	strbuf_reset(&sb);
	cat_change_sql(&d, 2, true, &sb);
	assert_string_equal(sb.buf, "UPDATE resource_types SET description = 'old' "
				    "WHERE resource_type_id = '11111111-1111-5111-8111-111111111111'");
	strbuf_reset(&sb);
	cat_change_sql(&d, 1, true, &sb);
	assert_string_equal(sb.buf, "INSERT INTO products (product_id, name, description, product_type, tag, status)\n"
				    "VALUES ('22222222-2222-5222-8222-222222222222', 'hat', 'A hat', 'Item', 'ITEM', 'active')");
	strbuf_reset(&sb);
	cat_change_what(&d, 1, false, &sb);
	assert_string_equal(sb.buf, "remove product \"hat\"");
	strbuf_reset(&sb);
	cat_change_what(&d, 0, true, &sb);
	assert_string_equal(sb.buf, "link product \"hat\" to workflow \"modify_note\"");
	strbuf_release(&sb);
	cat_diff_release(&d);
	cat_state_release(&before);
	cat_state_release(&after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid5_vectors),
		cmocka_unit_test(uuid5_bad_namespace),
		cmocka_unit_test(lock_round_trip),
		cmocka_unit_test(lock_malformed),
		cmocka_unit_test(diff_order_and_inverse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

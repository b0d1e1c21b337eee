/*
 * test_base.c - the base layer: arena, strbuf, UTF-8, edit distance,
 * interning, and the span -> line:col mapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "intern.h"
#include "sha256.h"
#include "source.h"
#include "str.h"

static void arena_aligns_and_keeps_big_blocks(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char *small = arena_alloc(&a, 3);
	double *d = arena_alloc(&a, sizeof *d);
	assert_int_equal((uintptr_t)d % _Alignof(max_align_t), 0);
	*d = 1.5;
	memcpy(small, "ab", 3);
	char *big = arena_zalloc(&a, 1 << 20);
	assert_int_equal(big[12345], 0);
	char *after = arena_alloc(&a, 16);
	memcpy(after, "still usable", 13);
	assert_string_equal(small, "ab");
	assert_true(*d == 1.5);
	assert_string_equal(arena_printf(&a, "%s-%d", "x", 42), "x-42");
	arena_release(&a);
	assert_null(a.cur);
}

/* Past the first 2 MiB chunk, chunks come ready from the arena's thread:
 * every byte of 40 MiB stays what was written, and releasing stops the
 * thread (the sanitizers see a leak or a late write). */
static void prefaulted_chunks_hold_their_bytes(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	arena_prefault(&a);
	enum { N = 40 * 1024 };
	unsigned char *blocks[N];
	for (size_t i = 0; i < N; i++) {
		blocks[i] = arena_alloc(&a, 1000);
		memset(blocks[i], (int)(i % 251), 1000);
	}
	for (size_t i = 0; i < N; i++)
		assert_true(blocks[i][0] == i % 251 && blocks[i][999] == i % 251);
	assert_int_equal(a.total, (size_t)N * 1008);
	arena_release(&a);
	assert_null(a.spare);
}

static void strbuf_invariants(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i % 10);
	assert_int_equal(sb.len, 2000);
	assert_int_equal(sb.buf[sb.len], '\0');
	strbuf_add_utf8(&sb, 0x1F600);
	assert_memory_equal(sb.buf + 2000, "\xF0\x9F\x98\x80", 4);
	size_t len;
	char *owned = strbuf_detach(&sb, &len);
	assert_int_equal(len, 2004);
	assert_string_equal(sb.buf, "");
	free(owned);
	strbuf_release(&sb);
}

/* The manifest's strings are written by hand; jansson is the reference. */
static void json_strings_match_jansson(void **state)
{
	(void)state;
	const char *cases[] = { "", "plain/path-1.yaml", "quote\" back\\slash /slash",
				"\x01\x1f\x7f\t\n\b\f\r", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 end",
				"\xEF\xBF\xBF\xE0\xA0\x80", "${VAR}: x # y" };
	struct strbuf sb;
	strbuf_init(&sb);
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *s = json_string(cases[i]);
		assert_non_null(s);
		char *want = json_dumps(s, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
		strbuf_reset(&sb);
		strbuf_add_json_string(&sb, cases[i]);
		assert_string_equal(sb.buf, want);
		free(want);
		json_decref(s);
	}
	/* Not UTF-8 (jansson refuses it): the replacement character. */
	strbuf_reset(&sb);
	strbuf_add_json_string(&sb, "a\xFF" "b\xC3");
	assert_string_equal(sb.buf, "\"a\\uFFFDb\\uFFFD\"");
	strbuf_release(&sb);
}

static void utf8_rejects_malformed(void **state)
{
	(void)state;
	unsigned cp;
	assert_int_equal(utf8_decode((const unsigned char *)"\xC3\xA9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(utf8_decode((const unsigned char *)"\xC0\xAF", 2, &cp), 0); /* overlong */
	assert_int_equal(utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &cp), 0); /* surrogate */
	assert_int_equal(utf8_decode((const unsigned char *)"\xE2\x82", 2, &cp), 0); /* truncated */
	assert_int_equal(utf8_decode((const unsigned char *)"\x80", 1, &cp), 0); /* stray */
	assert_int_equal(utf8_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp), 0);
}

static void edit_distance_is_capped(void **state)
{
	(void)state;
	assert_int_equal(edit_distance(STR_LIT("service"), STR_LIT("servce"), 2), 1);
	assert_int_equal(edit_distance(STR_LIT("stack"), STR_LIT("stak"), 2), 1);
	assert_int_equal(name_distance(STR_LIT("health"), STR_LIT("healthcheck")), 2);
	assert_int_equal(name_distance(STR_LIT("env"), STR_LIT("env_files")), 3);
	assert_int_equal(edit_distance(STR_LIT("kitten"), STR_LIT("sitting"), 5), 3);
	assert_int_equal(edit_distance(STR_LIT("a"), STR_LIT("abcdef"), 2), 3);
	assert_int_equal(edit_distance(STR_LIT(""), STR_LIT(""), 0), 0);
}

static void interning_gives_one_pointer(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct interner in;
	intern_init(&in, &a);
	char name[32];
	const struct sym *first = intern_cstr(&in, "ipld-eth-db");
	for (int i = 0; i < 5000; i++) { /* forces several rehashes */
		snprintf(name, sizeof name, "svc-%d", i);
		intern_cstr(&in, name);
	}
	assert_ptr_equal(intern(&in, STR_LIT("ipld-eth-db")), first);
	assert_ptr_not_equal(intern_cstr(&in, "ipld-eth-dB"), first);
	assert_int_equal(intern_keyword(&in, "true", 9)->keyword, 9);
	assert_int_equal(intern_cstr(&in, "true")->keyword, 9);
	intern_release(&in);
	arena_release(&a);
}

static void spans_map_to_code_point_columns(void **state)
{
	(void)state;
	struct source_set set;
	source_set_init(&set);
	const char *text = "ab\ncaf\xC3\xA9 x\r\n\nlast";
	uint32_t f = source_add(&set, "t.orch", text, strlen(text));
	struct source_pos p = source_locate(&set, f, 0);
	assert_int_equal(p.line, 1);
	assert_int_equal(p.col, 1);
	p = source_locate(&set, f, 9); /* the x after "café " */
	assert_int_equal(p.line, 2);
	assert_int_equal(p.col, 6);
	size_t len;
	const char *line = source_line(&set, f, 2, &len);
	assert_int_equal(len, 7); /* the \r is not part of the line */
	assert_memory_equal(line, "caf\xC3\xA9 x", 7);
	p = source_locate(&set, f, (uint32_t)strlen(text));
	assert_int_equal(p.line, 4);
	assert_int_equal(p.col, 5);
	line = source_line(&set, f, 9, &len);
	assert_int_equal(len, 0);
	source_set_release(&set);
}

/* Digests on threads of their own are the digests; a file of a set that
 * hashes nothing is hashed when asked; releasing waits for the threads. */
static void source_digests(void **state)
{
	(void)state;
	struct source_set set;
	source_set_init(&set);
	uint32_t plain = source_add(&set, "a.orch", "abc", 3);
	source_set_digest_all(&set);
	struct strbuf big;
	strbuf_init(&big);
	for (int i = 0; i < 100000; i++)
		strbuf_addstr(&big, "service web { image = \"nginx\" }\n");
	uint32_t ids[9];
	for (int i = 0; i < 9; i++) /* the table grows under the threads */
		ids[i] = source_add(&set, "big.orch", big.buf, big.len);
	char want[65];
	sha256_hex(big.buf, big.len, want);
	for (int i = 0; i < 9; i++)
		assert_string_equal(source_digest(&set, ids[i]), want);
	assert_string_equal(source_digest(&set, plain),
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	uint32_t last = source_add(&set, "c.orch", "", 0);
	(void)last; /* released unasked: its thread is joined */
	source_set_release(&set);
	strbuf_release(&big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_aligns_and_keeps_big_blocks),
		cmocka_unit_test(prefaulted_chunks_hold_their_bytes),
		cmocka_unit_test(strbuf_invariants),
		cmocka_unit_test(json_strings_match_jansson),
		cmocka_unit_test(utf8_rejects_malformed),
		cmocka_unit_test(edit_distance_is_capped),
		cmocka_unit_test(interning_gives_one_pointer),
		cmocka_unit_test(spans_map_to_code_point_columns),
		cmocka_unit_test(source_digests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

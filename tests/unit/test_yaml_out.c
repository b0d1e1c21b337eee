/*
 * test_yaml_out.c - the direct YAML writer against libyaml's emitter.
 *
 * yaml_direct.c promises libyaml's bytes for every document it accepts and
 * must accept every document of printable ASCII.  Each string below, and
 * several thousand random ones over an alphabet of YAML indicators, is put
 * in every position a target uses: a value under a key, a key, an item of
 * a sequence, a value in a map inside a sequence, a sequence in a sequence,
 * and deeper, next to empty collections, numbers and booleans.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "output.h"
#include "str.h"
#include "yaml_out.h"
#include "yaml_tree.h"

static const char *const tricky[] = {
	"no", "No", "yes", "on", "OFF", "y", "n", "true", "False", "~", "null", "", " ", "  ",
	"0755", "1e3", "0x1F", "12:30", ".5", "+1", "-1", "-", "--", "---", "--- x", "...", "....",
	": x", "x: y", "x:y", "x:", "# x", "x #y", "x#y", "#", "- x", "-x", "? x", "?x", "?",
	":", "[x]", "x[0]", "{x}", "x, y", "*x", "&x", "!x", "|", ">", "%x", "@x", "`x", ",x",
	"'quoted'", "it's", "\"double\"", "say \"hi\"", " leading", "trailing ", " both ",
	"line\nbreak", "trailing newline\n", "\nleading newline", "two\n\nblank", "\n",
	"a\n\n", "x\n ", "x \ny", "x\n y", " x\ny", "  indented\nblock\n", "${VAR}", "$$",
	"back\\slash", "<<", "=", "==", "http://h:80/p?q=1#f", "CMD-SHELL", "a b  c",
};

/* Strings the direct writer leaves to libyaml. */
static const char *const declined[] = {
	"tab\there", "caf\xc3\xa9", "bell\a", "cr\r", "a\n\n", "\n",
};

static const char alphabet[] = " \n:#-?'\"\\,[]{}!|>%@`&*.~01aZ";

static uint32_t rng = 12345;

static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static char *random_string(struct arena *a)
{
	size_t len = next_random() % 9;
	char *s = arena_alloc(a, len + 1);
	for (size_t i = 0; i < len; i++)
		s[i] = alphabet[next_random() % (sizeof alphabet - 1)];
	s[len] = '\0';
	return s;
}

/* A document with `s` in every position, as a string and as a key. */
static struct ynode *document_with(struct arena *a, const char *s)
{
	struct ynode *root = y_map(a);
	y_put(root, "value", y_str(a, s));
	y_put(root, "empty", y_map(a));

	struct ynode *seq = y_seq(a);
	y_push(seq, y_str(a, s));
	y_push(seq, y_int(a, -42));
	struct ynode *item = y_map(a);
	y_put(item, "first", y_str(a, s));
	y_put(item, "then", y_bool(a, false));
	y_push(seq, item);
	struct ynode *inner = y_seq(a);
	y_push(inner, y_str(a, s));
	y_push(inner, y_seq(a));
	y_push(seq, inner);
	y_push(seq, y_map(a));
	y_put(root, "items", seq);

	struct ynode *deep = y_map(a), *deeper = y_map(a);
	y_put(deeper, "text", y_str(a, s));
	y_put(deeper, "list", y_seq(a));
	y_put(deep, "in", deeper);
	y_put(root, "nested", deep);

	if (!strchr(s, '\n')) {
		struct ynode *keys = y_map(a);
		y_put(keys, s, y_str(a, "v"));
		y_put(keys, "after", y_int(a, 1));
		y_put(root, "keys", keys);
		struct ynode *keyed = y_seq(a), *m = y_map(a);
		y_put(m, s, y_str(a, s));
		y_push(keyed, m);
		y_put(root, "keyed", keyed);
	}
	return root;
}

/* Both writers on one tree: returns whether the direct one accepted it. */
static bool same_as_libyaml(const struct ynode *root, const char *what)
{
	struct strbuf direct, reference;
	strbuf_init(&direct);
	strbuf_init(&reference);
	strbuf_addstr(&direct, "# header\n");
	bool accepted = y_write_direct(root, &direct);
	assert_true(y_write_libyaml(root, &reference));
	if (accepted && strcmp(direct.buf + 9, reference.buf) != 0) {
		fprintf(stderr, "writers differ for %s:\n--- direct\n%s--- libyaml\n%s", what,
			direct.buf + 9, reference.buf);
		fail();
	}
	if (!accepted)
		assert_string_equal(direct.buf, "# header\n");
	strbuf_release(&direct);
	strbuf_release(&reference);
	return accepted;
}

static void tricky_strings_everywhere(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++) {
		bool keep = strcmp(tricky[i], "a\n\n") == 0 || strcmp(tricky[i], "\n") == 0;
		bool accepted = same_as_libyaml(document_with(&a, tricky[i]), tricky[i]);
		assert_true(accepted != keep);
	}
	arena_release(&a);
}

static void declined_strings_fall_back_to_libyaml(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	for (size_t i = 0; i < sizeof declined / sizeof *declined; i++) {
		struct ynode *root = document_with(&a, declined[i]);
		assert_false(same_as_libyaml(root, declined[i]));

		struct strbuf via_y_write, reference;
		strbuf_init(&via_y_write);
		strbuf_init(&reference);
		assert_true(y_write(root, NULL, &via_y_write));
		assert_true(y_write_libyaml(root, &reference));
		assert_string_equal(via_y_write.buf, reference.buf);
		strbuf_release(&via_y_write);
		strbuf_release(&reference);
	}
	/* A key longer than libyaml's simple-key limit, or with a break. */
	char long_key[130];
	memset(long_key, 'k', sizeof long_key - 1);
	long_key[sizeof long_key - 1] = '\0';
	struct ynode *root = y_map(&a);
	y_put(root, long_key, y_int(&a, 1));
	assert_false(same_as_libyaml(root, "long key"));
	long_key[128] = '\0';
	assert_true(same_as_libyaml(root, "128-byte key"));
	arena_release(&a);
}

static void random_strings_everywhere(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	size_t accepted = 0, n = 20000;
	for (size_t i = 0; i < n; i++) {
		const char *s = random_string(&a);
		accepted += same_as_libyaml(document_with(&a, s), s);
		if (i % 1000 == 999) {
			arena_release(&a);
			arena_init(&a);
		}
	}
	/* Only blocks ending in two breaks are declined: a few percent. */
	assert_true(accepted > n * 9 / 10);
	arena_release(&a);
}

static void empty_and_top_level_sequences(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	assert_true(same_as_libyaml(y_map(&a), "empty map"));
	assert_true(same_as_libyaml(y_seq(&a), "empty sequence"));
	struct ynode *seq = y_seq(&a), *inner = y_seq(&a);
	y_push(inner, y_str(&a, "a"));
	y_push(inner, y_str(&a, "b\nc"));
	y_push(seq, inner);
	y_push(seq, y_str(&a, "no"));
	assert_true(same_as_libyaml(seq, "top-level sequence"));
	arena_release(&a);
}

/* A document added to an output set is written out once, by whoever comes
 * first; resolving gives every file its bytes, as y_write writes them. */
static void output_documents_resolve_to_their_text(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct ynode *doc = y_map(&a);
	y_put(doc, "image", y_str(&a, "nginx:1.25"));
	y_put(doc, "restart", y_str(&a, "no"));
	struct strbuf want;
	strbuf_init(&want);
	assert_true(y_write(doc, "# header\n", &want));
	struct output_set set;
	output_init(&set, &a);
	output_add_yaml(&set, "a.yml", doc, "# header\n", 0644);
	output_add(&set, "b.txt", "b", 1, 0644);
	output_add_yaml(&set, "c.yml", doc, "# header\n", 0644);
	assert_null(set.files.items[0].data);
	struct out_file copy = set.files.items[2]; /* the writer's own copy */
	output_render_yaml(&copy);
	assert_memory_equal(copy.data, want.buf, want.len);
	assert_null(set.files.items[2].data);
	output_resolve(&set);
	assert_ptr_equal(set.files.items[2].data, copy.data); /* not written twice */
	assert_int_equal(set.files.items[0].len, want.len);
	assert_memory_equal(set.files.items[0].data, want.buf, want.len);
	assert_memory_equal(set.files.items[1].data, "b", 1);
	output_release(&set);
	strbuf_release(&want);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tricky_strings_everywhere),
		cmocka_unit_test(declined_strings_fall_back_to_libyaml),
		cmocka_unit_test(random_strings_everywhere),
		cmocka_unit_test(empty_and_top_level_sequences),
		cmocka_unit_test(output_documents_resolve_to_their_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

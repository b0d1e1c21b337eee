/*
 * test_sha256.c - SHA-256, portable and hardware: the FIPS 180-4 / NIST example vectors, and that
 * splitting the input at any boundary does not change the digest.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "sha256_impl.h"

static void check_hex(const char *msg, const char *want)
{
	char out[65];

	sha256_hex(msg, strlen(msg), out);
	assert_string_equal(out, want);
}

static void empty_string(void **state)
{
	(void)state;
	check_hex("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	char out[65];
	sha256_hex(NULL, 0, out);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void abc(void **state)
{
	(void)state;
	check_hex("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void two_block_448_bits(void **state)
{
	(void)state;
	check_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void two_block_896_bits(void **state)
{
	(void)state;
	check_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void one_million_a(void **state)
{
	(void)state;
	static const char want[] =
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	enum { N = 1000000 };
	char *msg = malloc(N);
	assert_non_null(msg);
	memset(msg, 'a', N);
	char out[65];
	sha256_hex(msg, N, out);
	assert_string_equal(out, want);
	free(msg);

	/* Streamed in odd-sized pieces, the state crossing block edges. */
	char piece[1000];
	memset(piece, 'a', sizeof piece);
	struct sha256 s;
	sha256_init(&s);
	for (size_t done = 0; done < N;) {
		size_t n = N - done < 997 ? N - done : 997;
		sha256_update(&s, piece, n);
		done += n;
	}
	unsigned char digest[32];
	sha256_final(&s, digest);
	static const unsigned char want_bin[32] = {
		0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92,
		0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67,
		0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e,
		0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0,
	};
	assert_memory_equal(digest, want_bin, 32);
}

static void digest_of_chunks(const unsigned char *msg, size_t len,
			     size_t chunk, unsigned char out[32])
{
	struct sha256 s;

	sha256_init(&s);
	for (size_t off = 0; off < len; off += chunk)
		sha256_update(&s, msg + off, len - off < chunk ? len - off : chunk);
	sha256_final(&s, out);
}

static void every_split_gives_the_same_digest(void **state)
{
	(void)state;
	static const size_t chunks[] = { 1, 2, 3, 55, 56, 57, 63, 64, 65, 127, 128, 129 };
	unsigned char msg[700];
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 131 + 7);

	/* Every length around the padding boundaries and a few blocks past. */
	for (size_t len = 0; len <= sizeof msg; len++) {
		unsigned char one[32];
		struct sha256 s;
		sha256_init(&s);
		sha256_update(&s, msg, len);
		sha256_final(&s, one);

		for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
			unsigned char split[32];
			digest_of_chunks(msg, len, chunks[c], split);
			assert_memory_equal(one, split, 32);
		}

		/* An uneven two-way split at every point. */
		if (len <= 200) {
			for (size_t cut = 0; cut <= len; cut++) {
				unsigned char two[32];
				sha256_init(&s);
				sha256_update(&s, msg, cut);
				sha256_update(&s, NULL, 0);
				sha256_update(&s, msg + cut, len - cut);
				sha256_final(&s, two);
				assert_memory_equal(one, two, 32);
			}
		}
	}
}

static void final_reinitialises(void **state)
{
	(void)state;
	struct sha256 s;
	unsigned char a[32], b[32];
	sha256_init(&s);
	sha256_update(&s, "abc", 3);
	sha256_final(&s, a);
	sha256_update(&s, "abc", 3);
	sha256_final(&s, b);
	assert_memory_equal(a, b, 32);
}

/* The hardware and the portable block functions agree on every length. */
static void hardware_matches_portable(void **state)
{
	(void)state;
	if (!sha256_use_hardware(true))
		skip();
	enum { N = 4096 };
	unsigned char *msg = malloc(N);
	assert_non_null(msg);
	for (size_t i = 0; i < N; i++)
		msg[i] = (unsigned char)(i * 2654435761u >> 13);
	for (size_t len = 0; len <= N; len += len < 300 ? 1 : 61) {
		char hw[65], sw[65];
		sha256_use_hardware(true);
		sha256_hex(msg, len, hw);
		sha256_use_hardware(false);
		sha256_hex(msg, len, sw);
		assert_string_equal(hw, sw);
	}
	free(msg);
	sha256_use_hardware(true);
}

static int portable(void **state)
{
	(void)state;
	sha256_use_hardware(false);
	return 0;
}

static int fastest(void **state)
{
	(void)state;
	sha256_use_hardware(true);
	return 0;
}

#define BOTH(t) cmocka_unit_test_setup(t, fastest), cmocka_unit_test_setup(t, portable)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(empty_string),
		BOTH(abc),
		BOTH(two_block_448_bits),
		BOTH(two_block_896_bits),
		BOTH(one_million_a),
		BOTH(every_split_gives_the_same_digest),
		BOTH(final_reinitialises),
		cmocka_unit_test(hardware_matches_portable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

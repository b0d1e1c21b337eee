/*
 * sha256.h - SHA-256 message digests (FIPS 180-4).
 *
 * A small streaming implementation: sha256_init(), any number of
 * sha256_update() calls, then sha256_final().  It allocates nothing and makes
 * no assumption about the host's byte order.
 */
#ifndef ORCHC_SHA256_H
#define ORCHC_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * Invariants: `h` is the chaining state; `len` counts the bytes fed so far;
 * `buf` holds the `nbuf` (< 64) bytes of a partial block not yet compressed.
 */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
};

/** Starts a new digest. */
void sha256_init(struct sha256 *s);

/** Feeds `len` bytes of `data` (which may be NULL when `len` is 0). */
void sha256_update(struct sha256 *s, const void *data, size_t len);

/** Pads, stores the 32-byte digest in `out` and leaves `s` re-initialised. */
void sha256_final(struct sha256 *s, unsigned char out[32]);

/** One-shot: the lowercase hex digest (64 characters and a NUL) of `len` bytes. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif

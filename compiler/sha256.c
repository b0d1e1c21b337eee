/*
 * sha256.c - SHA-256 (FIPS 180-4, section 6.2).
 *
 * Whole 64-byte blocks are compressed straight from the caller's buffer; only
 * a partial block at either end is copied into `buf`.  Words are loaded and
 * stored big-endian byte by byte, so the code is independent of host byte
 * order and alignment.
 */
#include "sha256.h"

#include <stdatomic.h>
#include <string.h>

#include "sha256_impl.h"

const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline void store_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

#define CH(x, y, z)  ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define BSIG0(x) (ror(x, 2) ^ ror(x, 13) ^ ror(x, 22))
#define BSIG1(x) (ror(x, 6) ^ ror(x, 11) ^ ror(x, 25))
#define SSIG0(x) (ror(x, 7) ^ ror(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ror(x, 17) ^ ror(x, 19) ^ ((x) >> 10))

/*
 * One round with the working variables renamed rather than shifted: the
 * caller rotates the argument order, so each round touches only d and h.
 */
#define ROUND(a, b, c, d, e, f, g, h, i)				\
	do {								\
		uint32_t t1_ = (h) + BSIG1(e) + CH(e, f, g) + sha256_k[i] + w[i]; \
		uint32_t t2_ = BSIG0(a) + MAJ(a, b, c);			\
		(d) += t1_;						\
		(h) = t1_ + t2_;					\
	} while (0)

/* Compresses `nblocks` consecutive 64-byte blocks at `p` into `h`. */
static void blocks_portable(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	uint32_t w[64];

	while (nblocks--) {
		uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
		uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
		int i;

		for (i = 0; i < 16; i++)
			w[i] = load_be32(p + 4 * i);
		for (; i < 64; i++)
			w[i] = SSIG1(w[i - 2]) + w[i - 7] +
			       SSIG0(w[i - 15]) + w[i - 16];

		for (i = 0; i < 64; i += 8) {
			ROUND(a, b, c, d, e, f, g, hh, i);
			ROUND(hh, a, b, c, d, e, f, g, i + 1);
			ROUND(g, hh, a, b, c, d, e, f, i + 2);
			ROUND(f, g, hh, a, b, c, d, e, i + 3);
			ROUND(e, f, g, hh, a, b, c, d, i + 4);
			ROUND(d, e, f, g, hh, a, b, c, i + 5);
			ROUND(c, d, e, f, g, hh, a, b, i + 6);
			ROUND(b, c, d, e, f, g, hh, a, i + 7);
		}

		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += hh;
		p += 64;
	}
}

typedef void blocks_fn(uint32_t h[8], const unsigned char *p, size_t nblocks);

static void blocks_first(uint32_t h[8], const unsigned char *p, size_t nblocks);

/* Chosen on the first block.  Threads hash at once (the writer, the
 * sources), and may all choose: they choose alike. */
static blocks_fn *_Atomic chosen_blocks = blocks_first;

static void sha256_blocks(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	atomic_load_explicit(&chosen_blocks, memory_order_relaxed)(h, p, nblocks);
}

bool sha256_use_hardware(bool hardware)
{
	blocks_fn *fn = blocks_portable;
#if SHA256_HAVE_X86
	if (hardware && sha256_x86_available())
		fn = sha256_blocks_x86;
#endif
	atomic_store_explicit(&chosen_blocks, fn, memory_order_relaxed);
	return fn != blocks_portable;
}

static void blocks_first(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	sha256_use_hardware(true);
	sha256_blocks(h, p, nblocks);
}

void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof iv);
	s->len = 0;
	s->nbuf = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (!len)
		return;
	s->len += len;

	if (s->nbuf) {
		size_t take = sizeof s->buf - s->nbuf;

		if (take > len)
			take = len;
		memcpy(s->buf + s->nbuf, p, take);
		s->nbuf += take;
		p += take;
		len -= take;
		if (s->nbuf < sizeof s->buf)
			return;
		sha256_blocks(s->h, s->buf, 1);
		s->nbuf = 0;
	}

	if (len >= 64) {
		size_t n = len / 64;

		sha256_blocks(s->h, p, n);
		p += n * 64;
		len -= n * 64;
	}

	if (len) {
		memcpy(s->buf, p, len);
		s->nbuf = len;
	}
}

void sha256_final(struct sha256 *s, unsigned char out[32])
{
	uint64_t bits = s->len * 8;
	size_t n = s->nbuf;
	int i;

	s->buf[n++] = 0x80;
	if (n > 56) {
		memset(s->buf + n, 0, 64 - n);
		sha256_blocks(s->h, s->buf, 1);
		n = 0;
	}
	memset(s->buf + n, 0, 56 - n);
	store_be32(s->buf + 56, (uint32_t)(bits >> 32));
	store_be32(s->buf + 60, (uint32_t)bits);
	sha256_blocks(s->h, s->buf, 1);

	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, s->h[i]);
	sha256_init(s);
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char digest[32];
	struct sha256 s;
	int i;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, digest);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[64] = '\0';
}

/*
 * sha256_x86.c - SHA-256 block compression with the x86 SHA extensions.
 *
 * Hashing every generated file and every source is a sixth of a large
 * build with the portable code; the SHA instructions are several times
 * faster.  The function is compiled for those instructions only (target
 * attribute), and sha256.c calls it only when CPUID says the processor has
 * them, so the binary still runs on any x86-64.  The digest is the same by
 * construction; test_sha256 compares both paths on every length.
 *
 * State layout: the instructions want the working variables as ABEF and
 * CDGH (most significant lane first), so the eight words are shuffled in
 * on entry and back on exit.
 */
#include "sha256_impl.h"

#if SHA256_HAVE_X86

#include <cpuid.h>
#include <immintrin.h>

bool sha256_x86_available(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return false;
	bool ssse3 = c & bit_SSSE3, sse41 = c & bit_SSE4_1;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return ssse3 && sse41 && (b & bit_SHA);
}

__attribute__((target("sha,ssse3,sse4.1")))
void sha256_blocks_x86(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	/* Big-endian words to lanes. */
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i dcba = _mm_loadu_si128((const __m128i *)&h[0]);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)&h[4]);
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

	while (nblocks--) {
		__m128i abef_in = abef, cdgh_in = cdgh;
		__m128i w[4];

		/* Sixteen groups of four rounds; from the fifth group on, each
		 * group's message words come from the four groups before it. */
		for (int g = 0; g < 16; g++) {
			__m128i *wg = &w[g & 3];
			if (g < 4) {
				*wg = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)),
						       bswap);
			} else {
				__m128i prev = w[(g - 1) & 3], prev2 = w[(g - 2) & 3];
				__m128i t = _mm_sha256msg1_epu32(*wg, w[(g - 3) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(prev, prev2, 4));
				*wg = _mm_sha256msg2_epu32(t, prev);
			}
			__m128i msg = _mm_add_epi32(
				*wg, _mm_loadu_si128((const __m128i *)&sha256_k[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(msg, 0x0E));
		}
		abef = _mm_add_epi32(abef, abef_in);
		cdgh = _mm_add_epi32(cdgh, cdgh_in);
		p += 64;
	}

	__m128i feba = _mm_shuffle_epi32(abef, 0x1B);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
	_mm_storeu_si128((__m128i *)&h[0], _mm_blend_epi16(feba, dchg, 0xF0));
	_mm_storeu_si128((__m128i *)&h[4], _mm_alignr_epi8(dchg, feba, 8));
}

#endif

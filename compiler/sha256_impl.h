/*
 * sha256_impl.h - what sha256.c shares with its hardware block function,
 * and the switch the unit test uses to run both.
 */
#ifndef ORCHC_SHA256_IMPL_H
#define ORCHC_SHA256_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The round constants (FIPS 180-4, 4.2.2). */
extern const uint32_t sha256_k[64];

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHA256_HAVE_X86 1
/** True when this processor has the SHA, SSSE3 and SSE4.1 instructions. */
bool sha256_x86_available(void);
/** Compresses `nblocks` 64-byte blocks with the SHA instructions. */
void sha256_blocks_x86(uint32_t h[8], const unsigned char *p, size_t nblocks);
#else
#define SHA256_HAVE_X86 0
#endif

/**
 * Chooses the block function: the hardware one when `hardware` is true and
 * the processor has it, else the portable one.  Returns whether the
 * hardware one is now in use.  By default the fastest available is used.
 */
bool sha256_use_hardware(bool hardware);

#endif

/*
 * uuid5.h - name-based UUIDs (RFC 9562 version 5: SHA-1 of namespace and
 * name), the identities of catalogue rows.
 *
 * A product's id is the same in every database it is migrated into because
 * it is computed from its qualified name, never drawn at random.
 */
#ifndef ORCHC_UUID5_H
#define ORCHC_UUID5_H

#include <stddef.h>

/** The UUID namespace of name-based URL identifiers (RFC 9562, appendix A). */
#define UUID_NAMESPACE_URL "6ba7b811-9dad-11d1-80b4-00c04fd430c8"

/**
 * Writes the version 5 UUID of `len` bytes of `name` in the namespace
 * `ns` (canonical text form, which must be valid) to `out` as 36 lowercase
 * characters and a NUL.  Returns 0, or -1 when `ns` is not a UUID.
 */
int uuid5(const char *ns, const void *name, size_t len, char out[37]);

#endif

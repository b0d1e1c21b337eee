/*
 * str.h - byte slices and growable byte buffers.
 *
 * `struct str` borrows bytes it does not own (a window into a source file or
 * an arena string).  `struct strbuf` owns its bytes.
 */
#ifndef ORCHC_STR_H
#define ORCHC_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A non-owning slice; `ptr` need not be NUL-terminated. */
struct str {
	const char *ptr;
	size_t len;
};

#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })

/** Slice of a NUL-terminated C string. */
struct str str_from(const char *s);

/** True when the two slices hold the same bytes. */
bool str_eq(struct str a, struct str b);

/** True when `a` holds exactly the bytes of the C string `s`. */
bool str_eq_cstr(struct str a, const char *s);

/*
 * Invariants: `buf` is never NULL and always NUL-terminated at `len`;
 * `cap` > `len`.  A freshly initialised strbuf points at a shared empty
 * string and owns nothing until the first append.  strbuf_detach() hands the
 * bytes to the caller (free() them) and leaves the buffer empty.
 */
struct strbuf {
	char *buf;
	size_t len, cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_reset(struct strbuf *sb);
/** Truncates to `len` bytes (at most the current length). */
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *p, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addchars(struct strbuf *sb, char c, size_t n);
/** Appends `v` in decimal (what "%" PRId64 prints, without printf). */
void strbuf_addint(struct strbuf *sb, int64_t v);
/** Appends the whole file at `path`; returns 0, or the errno that stopped it. */
int strbuf_read_file(struct strbuf *sb, const char *path);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/** Appends `cp` encoded as UTF-8 (caller guarantees a valid scalar value). */
void strbuf_add_utf8(struct strbuf *sb, unsigned cp);

/**
 * Appends `s` as a JSON string, exactly as jansson's json_dumps with
 * JSON_ENSURE_ASCII writes it: \uXXXX (upper case, surrogate pairs) for
 * control and non-ASCII characters; a byte that is not UTF-8 becomes U+FFFD.
 */
void strbuf_add_json_string(struct strbuf *sb, const char *s);

/**
 * Decodes one UTF-8 sequence at `p` (at most `n` bytes).  Returns its length
 * and stores the code point in `*cp`, or returns 0 for an invalid, overlong,
 * surrogate or truncated sequence.
 */
size_t utf8_decode(const unsigned char *p, size_t n, unsigned *cp);

/** The value of hexadecimal digit `c` (either case), or -1. */
int hex_digit_value(int c);

/** Levenshtein distance, capped: returns `cap` + 1 once it is exceeded. */
size_t edit_distance(struct str a, struct str b, size_t cap);

/**
 * How far a mistyped name is from a candidate, for "did you mean": the edit
 * distance up to 2, or 2 when one is a prefix of the other of at least four
 * characters (health for healthcheck).  3 means "not a suggestion".
 */
size_t name_distance(struct str typed, struct str candidate);

#endif

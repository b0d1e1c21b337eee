/*
 * str.c - slices, buffers, UTF-8 decoding and the edit distance behind every
 * "did you mean" hint.
 */
#include "str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

static char empty_buf[1];

struct str str_from(const char *s)
{
	return (struct str){ s, strlen(s) };
}

bool str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool str_eq_cstr(struct str a, const char *s)
{
	return str_eq(a, str_from(s));
}

void strbuf_init(struct strbuf *sb)
{
	sb->buf = empty_buf;
	sb->len = 0;
	sb->cap = 0;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	if (!sb->cap)
		strbuf_grow(sb, 0);
	char *p = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb);
	return p;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->cap)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (sb->cap >= need)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	if (sb->cap) {
		sb->buf = xrealloc(sb->buf, cap);
	} else {
		sb->buf = xmalloc(cap);
		sb->buf[0] = '\0';
	}
	sb->cap = cap;
}

void strbuf_add(struct strbuf *sb, const void *p, size_t n)
{
	if (!n)
		return;
	strbuf_grow(sb, n);
	memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addchars(struct strbuf *sb, char c, size_t n)
{
	strbuf_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

/* Formats into the free space first; only text longer than it is formatted
 * a second time, after growing. */
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	strbuf_grow(sb, 64);
	va_copy(copy, ap);
	int n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, copy);
	va_end(copy);
	if (n <= 0) {
		sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n >= sb->cap - sb->len) {
		strbuf_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addint(struct strbuf *sb, int64_t v)
{
	char digits[24], *p = digits + sizeof digits;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	strbuf_add(sb, p, (size_t)(digits + sizeof digits - p));
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_add_utf8(struct strbuf *sb, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	strbuf_add(sb, b, n);
}

void strbuf_add_json_string(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	strbuf_addch(sb, '"');
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	while (*p) {
		const unsigned char *run = p;
		while (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		strbuf_add(sb, run, (size_t)(p - run));
		if (!*p)
			break;
		unsigned cp = *p;
		size_t n = 1;
		if (cp >= 0x80 && (n = utf8_decode(p, (size_t)(end - p), &cp)) == 0) {
			cp = 0xFFFD; /* not UTF-8: the replacement character */
			n = 1;
		}
		p += n;
		const char *short_form = cp == '"' ? "\\\"" : cp == '\\' ? "\\\\" : cp == '\b' ? "\\b"
				       : cp == '\f' ? "\\f" : cp == '\n' ? "\\n" : cp == '\r' ? "\\r"
				       : cp == '\t' ? "\\t" : NULL;
		if (short_form) {
			strbuf_addstr(sb, short_form);
			continue;
		}
		unsigned units[2] = { cp, 0 };
		if (cp >= 0x10000) {
			units[0] = 0xD800 + ((cp - 0x10000) >> 10);
			units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
		}
		for (size_t u = 0; u < 2 && units[u]; u++) {
			char esc[6] = { '\\', 'u', hex[units[u] >> 12], hex[(units[u] >> 8) & 15],
					hex[(units[u] >> 4) & 15], hex[units[u] & 15] };
			strbuf_add(sb, esc, sizeof esc);
		}
	}
	strbuf_addch(sb, '"');
}

size_t utf8_decode(const unsigned char *p, size_t n, unsigned *cp)
{
	if (n == 0)
		return 0;
	unsigned c = p[0];
	size_t len;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, min = 0x80, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, min = 0x800, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

size_t edit_distance(struct str a, struct str b, size_t cap)
{
	/* Names are short; longer inputs are simply "too far". */
	enum { MAX = 64 };
	if (a.len > MAX || b.len > MAX)
		return cap + 1;
	size_t diff = a.len > b.len ? a.len - b.len : b.len - a.len;
	if (diff > cap)
		return cap + 1;
	size_t row[MAX + 1];
	for (size_t j = 0; j <= b.len; j++)
		row[j] = j;
	for (size_t i = 1; i <= a.len; i++) {
		size_t diag = row[0], best = i;
		row[0] = i;
		for (size_t j = 1; j <= b.len; j++) {
			size_t up = row[j];
			size_t cost = a.ptr[i - 1] == b.ptr[j - 1] ? 0 : 1;
			size_t v = diag + cost;
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[b.len] > cap ? cap + 1 : row[b.len];
}

size_t name_distance(struct str typed, struct str candidate)
{
	size_t d = edit_distance(typed, candidate, 2);
	size_t shorter = typed.len < candidate.len ? typed.len : candidate.len;
	if (d > 2 && shorter >= 4 && memcmp(typed.ptr, candidate.ptr, shorter) == 0)
		d = 2;
	return d;
}

int strbuf_read_file(struct strbuf *sb, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno;
	for (;;) {
		strbuf_grow(sb, 65536);
		size_t n = fread(sb->buf + sb->len, 1, sb->cap - sb->len - 1, f);
		if (n == 0)
			break;
		sb->len += n;
		sb->buf[sb->len] = '\0';
	}
	int err = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	return err;
}

int hex_digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

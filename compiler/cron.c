/*
 * cron.c - the checker behind the `cron` type: five fields or a macro.
 *
 * Each field is parsed into a bit set of the values it selects, which is
 * all the "never fires" check needs.  Reasons are formatted by hand into
 * the caller's buffer (report() below) so the result cannot depend on the
 * locale and nothing is allocated.
 */
#include "cron.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "str.h"

struct cron_field {
	const char *name;  /* as shown in reasons */
	unsigned min, max; /* accepted values */
	const char *names; /* three-letter names back to back, or NULL */
	unsigned first;    /* value of the first name */
	const char *what;  /* "a month (...)": what a bad name should have been */
};

enum { NFIELDS = 5, DOM = 2, MONTH = 3, DOW = 4 };

/* ORDER: the fields of an expression. */
static const struct cron_field fields[NFIELDS] = {
	{ "minute", 0, 59, NULL, 0, NULL },
	{ "hour", 0, 23, NULL, 0, NULL },
	{ "day-of-month", 1, 31, NULL, 0, NULL },
	{ "month", 1, 12, "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC", 1,
	  "a month (1-12 or JAN-DEC)" },
	{ "day-of-week", 0, 7, "SUNMONTUEWEDTHUFRISAT", 0,
	  "a day (0-7 or SUN-SAT)" },
};

static const char *const macros[] = {
	"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly",
};

/* The caller's buffer: `left` counts the bytes still free, NUL included. */
struct out {
	char *p;
	size_t left;
};

static void add(struct out *o, const char *s, size_t n)
{
	if (o->left == 0)
		return;
	if (n > o->left - 1)
		n = o->left - 1;
	memcpy(o->p, s, n);
	o->p += n;
	o->left -= n;
	*o->p = '\0';
}

static void add_uint(struct out *o, unsigned v)
{
	char buf[16];
	size_t i = sizeof buf;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	add(o, buf + i, sizeof buf - i);
}

/* Appends user text so the reason stays one line of valid UTF-8: valid
 * multi-byte sequences pass, control and invalid bytes become \xNN. */
static void add_shown(struct out *o, struct str s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s.ptr;
	size_t i = 0;
	while (i < s.len) {
		unsigned cp;
		size_t n = utf8_decode(p + i, s.len - i, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7F) {
			char esc[4] = { '\\', 'x', hex[p[i] >> 4], hex[p[i] & 15] };
			add(o, esc, sizeof esc);
			i++;
		} else {
			add(o, s.ptr + i, n);
			i += n;
		}
	}
}

/*
 * Writes a reason and returns false, so failures read `return report(...)`.
 * Not printf: %s is a C string, %u an unsigned, %v a struct str shown with
 * add_shown().  Each field reason starts with "<field> field: ".
 */
static bool report(struct out *o, const struct cron_field *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (f) {
		add(o, f->name, strlen(f->name));
		add(o, " field: ", 8);
	}
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			add(o, p, 1);
			continue;
		}
		switch (*++p) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			add(o, s, strlen(s));
			break;
		}
		case 'u':
			add_uint(o, va_arg(ap, unsigned));
			break;
		case 'v':
			add_shown(o, va_arg(ap, struct str));
			break;
		default: /* a bad directive is a bug here; print it as is */
			add(o, p - 1, 2);
			break;
		}
	}
	va_end(ap);
	return false;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII only: a locale must not change what a schedule means. */
static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char to_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static struct str slice(const char *lo, const char *hi)
{
	return (struct str){ lo, (size_t)(hi - lo) };
}

/* The value of a three-letter name of `f`, or -1. */
static int name_value(const struct cron_field *f, struct str w)
{
	if (!f->names || w.len != 3)
		return -1;
	for (unsigned i = 0; f->names[3 * i]; i++) {
		const char *n = f->names + 3 * i;
		if (to_upper(w.ptr[0]) == n[0] && to_upper(w.ptr[1]) == n[1] &&
		    to_upper(w.ptr[2]) == n[2])
			return (int)(f->first + i);
	}
	return -1;
}

/* Reports the byte at `p` (one whole character if it is valid UTF-8). */
static bool unexpected(struct out *o, const struct cron_field *f, const char *p,
		       const char *end, struct str item)
{
	unsigned cp;
	size_t n = utf8_decode((const unsigned char *)p, (size_t)(end - p), &cp);
	return report(o, f, "unexpected '%v' in '%v'", slice(p, p + (n ? n : 1)), item);
}

/*
 * value -> NUMBER | NAME
 * Reads one value at *pp, stores it in *v and advances *pp.  Numbers keep
 * their written form in reasons ("024 is out of range"), so a huge number
 * only needs to saturate, not to be exact.
 */
static bool parse_value(struct out *o, const struct cron_field *f, const char **pp,
			const char *end, struct str item, unsigned *v)
{
	const char *p = *pp, *q = p;
	bool digits = true;
	while (q < end && (is_digit(*q) || is_alpha(*q))) {
		digits = digits && is_digit(*q);
		q++;
	}
	if (q == p) {
		if (p == end || *p == '-' || *p == '/' || *p == ',')
			return report(o, f, "missing value in '%v'", item);
		return unexpected(o, f, p, end, item);
	}
	struct str w = slice(p, q);
	if (digits) {
		unsigned n = 0;
		for (const char *d = p; d < q; d++)
			n = n >= 100000 ? n : n * 10 + (unsigned)(*d - '0');
		if (n < f->min || n > f->max)
			return report(o, f, "%v is out of range %u-%u", w, f->min, f->max);
		*v = n;
	} else {
		int n = name_value(f, w);
		if (n < 0)
			return f->names ? report(o, f, "'%v' is not %s", w, f->what)
					: report(o, f, "'%v' is not a number", w);
		*v = (unsigned)n;
	}
	*pp = q;
	return true;
}

/*
 * item -> ('*' | value ['-' value]) ['/' NUMBER]
 * A step is allowed only after '*' or a range: Vixie cron rejects `5/10`
 * and Kubernetes reads it as `5-59/10`, so neither meaning is safe.
 */
static bool parse_item(struct out *o, const struct cron_field *f, struct str item,
		       uint64_t *mask)
{
	const char *p = item.ptr, *end = item.ptr + item.len;
	unsigned lo, hi, step = 1;
	bool range = true;
	if (p < end && *p == '*') {
		lo = f->min;
		hi = f->max;
		p++;
	} else {
		if (!parse_value(o, f, &p, end, item, &lo))
			return false;
		hi = lo;
		range = p < end && *p == '-';
		if (range) {
			p++;
			if (!parse_value(o, f, &p, end, item, &hi))
				return false;
			if (lo > hi)
				return report(o, f, "range %v ends before it starts",
					      slice(item.ptr, p));
		}
	}
	if (p < end && *p == '/') {
		if (!range)
			return report(o, f, "'%v' has a step but no range (write */n or a-b/n)",
				      item);
		const char *s = ++p;
		bool digits = true;
		while (p < end && (is_digit(*p) || is_alpha(*p))) {
			digits = digits && is_digit(*p);
			p++;
		}
		struct str w = slice(s, p);
		if (w.len == 0 && (p == end || *p == '-' || *p == '/'))
			return report(o, f, "missing step after '/' in '%v'", item);
		if (w.len == 0)
			return unexpected(o, f, p, end, item);
		if (!digits)
			return report(o, f, "step '%v' is not a number", w);
		step = 0;
		for (const char *d = s; d < p; d++)
			step = step >= 100000 ? step : step * 10 + (unsigned)(*d - '0');
		if (step < 1 || step > f->max - f->min)
			return report(o, f, "step %v is out of range 1-%u", w, f->max - f->min);
	}
	if (p < end)
		return unexpected(o, f, p, end, item);
	for (unsigned v = lo; v <= hi; v += step)
		*mask |= (uint64_t)1 << v;
	return true;
}

/* field -> item (',' item)* */
static bool parse_field(struct out *o, const struct cron_field *f, struct str text,
			uint64_t *mask)
{
	const char *p = text.ptr, *end = text.ptr + text.len;
	*mask = 0;
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end;
		if (e == p)
			return report(o, f, "empty list item in '%v'", text);
		if (!parse_item(o, f, slice(p, e), mask))
			return false;
		if (!comma)
			return true;
		p = comma + 1;
	}
}

/*
 * With day-of-week `*`, both Vixie cron and Kubernetes fire on the chosen
 * days of the month only, so days no chosen month has mean "never".
 * February counts 29 days: `0 0 29 2 *` fires in leap years.
 */
static bool fires(uint64_t dom, uint64_t months)
{
	static const unsigned mdays[13] = { 0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	for (unsigned m = 1; m <= 12; m++)
		if ((months >> m & 1) && (dom & (((uint64_t)2 << mdays[m]) - 1)))
			return true;
	return false;
}

static bool check_macro(struct out *o, struct str s)
{
	const char *end = s.ptr + s.len, *e = s.ptr;
	while (e < end && !is_blank(*e))
		e++;
	struct str word = slice(s.ptr, e);
	for (size_t i = 0; i < sizeof macros / sizeof macros[0]; i++) {
		if (!str_eq_cstr(word, macros[i]))
			continue;
		if (e == end)
			return true;
		while (e < end && is_blank(*e))
			e++;
		return report(o, NULL, "unexpected '%v' after %s", slice(e, end), macros[i]);
	}
	return report(o, NULL, "unknown macro '%v' (expected @yearly, @annually, @monthly, "
			       "@weekly, @daily, @midnight or @hourly)", word);
}

bool cron_check(const char *expr, size_t len, char *why, size_t whylen)
{
	struct out o = { why, whylen };
	const char *p = expr, *end = expr + len;
	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	if (p == end)
		return report(&o, NULL, "empty expression");
	if (*p == '@')
		return check_macro(&o, slice(p, end));

	struct str text[NFIELDS];
	unsigned n = 0;
	while (p < end) {
		const char *e = p;
		while (e < end && !is_blank(*e))
			e++;
		if (n < NFIELDS)
			text[n] = slice(p, e);
		n++;
		p = e;
		while (p < end && is_blank(*p))
			p++;
	}
	if (n != NFIELDS)
		return report(&o, NULL, "expected 5 fields, found %u", n);

	uint64_t mask[NFIELDS];
	for (unsigned i = 0; i < NFIELDS; i++)
		if (!parse_field(&o, &fields[i], text[i], &mask[i]))
			return false;
	if (str_eq_cstr(text[DOW], "*") && !fires(mask[DOM], mask[MONTH]))
		return report(&o, &fields[DOM], "'%v' never occurs in month '%v'", text[DOM],
			      text[MONTH]);
	return true;
}

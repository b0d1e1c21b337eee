/*
 * lex.c - the tokenizer.
 *
 * Reads UTF-8 bytes and produces tokens on demand.  Every lexical problem is
 * reported once, at its bytes, and lexing goes on: a run of invalid
 * characters is one diagnostic, an unterminated string ends at its line.
 * Newlines are tokens (they separate items); runs of them collapse into one.
 */
#include "lex.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "intern.h"
#include "vec.h"

static const char *const tok_names[TOK_COUNT] = {
	[TOK_EOF] = "end of file",
	[TOK_NEWLINE] = "newline",
	[TOK_IDENT] = "identifier",
	[TOK_INT] = "integer",
	[TOK_FLOAT] = "number",
	[TOK_DURATION] = "duration",
	[TOK_SIZE] = "size",
	[TOK_STRING] = "string",
	[TOK_REGEX] = "pattern",
	[TOK_TRUE] = "'true'",
	[TOK_FALSE] = "'false'",
	[TOK_NONE] = "'none'",
	[TOK_LBRACE] = "'{'",
	[TOK_RBRACE] = "'}'",
	[TOK_LBRACKET] = "'['",
	[TOK_RBRACKET] = "']'",
	[TOK_LPAREN] = "'('",
	[TOK_RPAREN] = "')'",
	[TOK_COMMA] = "','",
	[TOK_ASSIGN] = "'='",
	[TOK_COLON] = "':'",
	[TOK_DOT] = "'.'",
	[TOK_DOTDOT] = "'..'",
	[TOK_ARROW] = "'->'",
	[TOK_QUESTION] = "'?'",
	[TOK_PIPE] = "'|'",
	[TOK_PLUS] = "'+'",
	[TOK_MINUS] = "'-'",
	[TOK_STAR] = "'*'",
	[TOK_SLASH] = "'/'",
	[TOK_ERROR] = "invalid characters",
};

const char *tok_name(enum tok_kind k)
{
	return k < TOK_COUNT ? tok_names[k] : "token";
}

void lex_init(struct lexer *lx, const char *text, uint32_t file, uint32_t lo,
	      uint32_t hi, struct diag_list *diags, struct interner *names)
{
	memset(lx, 0, sizeof *lx);
	lx->text = text;
	lx->pos = lo;
	lx->end = hi;
	lx->file = file;
	lx->diags = diags;
	lx->names = names;
	lx->prev = lx->prev2 = TOK_NEWLINE;
	lx->pending_doc = (struct span){ file, lo, lo };
	lx->sym_string = intern_cstr(names, "string");
	intern_keyword(names, "true", TOK_TRUE);
	intern_keyword(names, "false", TOK_FALSE);
	intern_keyword(names, "none", TOK_NONE);
}

/* Character classes, so the hot loops test one table entry per byte. */
enum {
	CC_SPACE = 1,  /* space, tab, carriage return */
	CC_ALPHA = 2,  /* A-Z a-z _ */
	CC_DIGIT = 4,
	CC_PLAIN = 8,  /* needs no attention inside a string */
};

static const unsigned char cclass[256] = {
#define R8(c) c, c, c, c, c, c, c, c
	/* 0x00-0x1f: control characters; only \t and \r are spaces */
	0, 8, 8, 8, 8, 8, 8, 8, 8, 9, 0, 8, 8, 9, 8, 8,
	R8(8), R8(8),
	/* 0x20 ' ' ! " # $ % & ' ( ) * + , - . / */
	9, 8, 0, 8, 0, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	/* 0-9 : ; < = > ? */
	12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 8, 8, 8, 8, 8, 8,
	/* @ A-O */
	8, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
	/* P-Z [ \ ] ^ _ */
	10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 8, 0, 8, 8, 10,
	/* ` a-o */
	8, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
	/* p-z { | } ~ DEL */
	10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 8, 8, 8, 8, 8,
	/* 0x80-0xff: UTF-8, checked on the slow path */
#undef R8
};

static struct span span_at(const struct lexer *lx, uint32_t lo, uint32_t hi);

void lex_init_sub(struct lexer *sub, const struct lexer *parent, uint32_t lo, uint32_t hi)
{
	*sub = *parent;
	sub->pos = lo;
	sub->end = hi;
	sub->prev = sub->prev2 = TOK_NEWLINE;
	sub->prev_sym = sub->prev2_sym = NULL;
	sub->pending_doc = span_at(parent, lo, lo);
}

static struct span span_at(const struct lexer *lx, uint32_t lo, uint32_t hi)
{
	return (struct span){ lx->file, lo, hi };
}

/* Returns the first position from `pos` whose byte is not in `cls`.  Local
 * copies keep the loop in registers: stores through the lexer could alias
 * the text otherwise. */
static uint32_t skip_class(const unsigned char *text, uint32_t pos, uint32_t end, unsigned cls)
{
	while (pos < end && (cclass[text[pos]] & cls))
		pos++;
	return pos;
}

/* skip_class for name characters without a bounds check: the byte at a
 * lexer's end is never a name character (the file's terminating NUL, or the
 * '}' closing an interpolation), so the loop stops there by itself. */
static uint32_t skip_word(const unsigned char *text, uint32_t pos)
{
	while (cclass[text[pos]] & (CC_ALPHA | CC_DIGIT))
		pos++;
	return pos;
}

/* skip_class for whitespace, eight spaces at a time through indentation. */
static uint32_t skip_spaces(const unsigned char *text, uint32_t pos, uint32_t end)
{
	static const unsigned char eight[8] = "        ";
	while (end - pos >= 8 && memcmp(text + pos, eight, 8) == 0)
		pos += 8;
	return skip_class(text, pos, end, CC_SPACE);
}

static bool is_ident_start(int c)
{
	return cclass[c & 0xFF] & CC_ALPHA;
}

static bool is_digit(int c)
{
	return cclass[c & 0xFF] & CC_DIGIT;
}

static bool is_ident_char(int c)
{
	return cclass[c & 0xFF] & (CC_ALPHA | CC_DIGIT);
}

static unsigned char at(const struct lexer *lx, uint32_t i)
{
	return i < lx->end ? (unsigned char)lx->text[i] : 0;
}

/*
 * Checks the byte at lx->pos inside a string or comment: reports a NUL or
 * invalid UTF-8 when `report`, and returns how many bytes to step over.
 */
static uint32_t checked_char_len(struct lexer *lx, bool report)
{
	uint32_t i = lx->pos;
	unsigned char c = at(lx, i);
	if (c == 0 && i < lx->end) {
		while (i < lx->end && at(lx, i) == 0)
			i++;
		if (report)
			diag_report(lx->diags, E0005, span_at(lx, lx->pos, i), "NUL byte in source");
		return i - lx->pos;
	}
	if (c < 0x80)
		return 1;
	unsigned cp;
	size_t n = utf8_decode((const unsigned char *)lx->text + i, lx->end - i, &cp);
	if (n)
		return (uint32_t)n;
	/* One diagnostic for a whole run of bad bytes. */
	while (i < lx->end && at(lx, i) >= 0x80 &&
	       !utf8_decode((const unsigned char *)lx->text + i, lx->end - i, &cp))
		i++;
	if (report)
		diag_report(lx->diags, E0004, span_at(lx, lx->pos, i),
			    "invalid UTF-8 byte 0x%02X", c);
	return i - lx->pos;
}

/* How scanning a string or an interpolation ended. */
enum scan_result {
	SCAN_OK,
	SCAN_OPEN,     /* not terminated, nothing reported yet */
	SCAN_REPORTED, /* a problem was reported (or would have been, quietly) */
};

static enum scan_result scan_string(struct lexer *lx, bool report, int depth, bool *plain);

/*
 * Steps over `${ ... }` starting at lx->pos.  Nested strings are skipped
 * whole, so `${f("}")}` ends at the right brace.  Interpolations never span
 * lines.  An empty `${}` is reported but scanning goes on past it.
 */
static enum scan_result scan_interpolation(struct lexer *lx, bool report, int depth)
{
	uint32_t open = lx->pos;
	lx->pos += 2;
	int braces = 0;
	bool empty = true;
	while (lx->pos < lx->end) {
		unsigned char c = at(lx, lx->pos);
		if (c == '\n')
			break;
		if (c == '}' && braces == 0) {
			lx->pos++;
			if (empty && report)
				diag_report(lx->diags, E0008, span_at(lx, open, lx->pos),
					    "empty interpolation '${}'");
			return SCAN_OK;
		}
		if (c != ' ' && c != '\t')
			empty = false;
		if (c == '{') {
			braces++;
		} else if (c == '}') {
			braces--;
		} else if (c == '"') {
			if (depth >= LEX_MAX_STRING_DEPTH) {
				if (report)
					diag_report(lx->diags, E0105, span_at(lx, lx->pos, lx->pos + 1),
						    "strings nested in interpolations more than %d deep",
						    LEX_MAX_STRING_DEPTH);
				while (lx->pos < lx->end && at(lx, lx->pos) != '\n')
					lx->pos++;
				return SCAN_REPORTED;
			}
			enum scan_result r = scan_string(lx, report, depth + 1, NULL);
			if (r == SCAN_REPORTED)
				return r;
			/* A quote left open inside ${...} almost always means
			 * the '}' is missing: report that, not the string. */
			if (r == SCAN_OPEN)
				break;
			continue;
		}
		lx->pos += checked_char_len(lx, false);
	}
	if (report) {
		struct diag *d = diag_report(lx->diags, E0008, span_at(lx, open, open + 2),
					     "'${' is not closed before the end of the line");
		diag_help(lx->diags, d, "write \\${ for a literal '${'");
	}
	return SCAN_REPORTED;
}

static bool starts_triple_quote(const struct lexer *lx, uint32_t i)
{
	return at(lx, i) == '"' && at(lx, i + 1) == '"' && at(lx, i + 2) == '"' &&
	       i + 2 < lx->end;
}

/*
 * Steps over a string literal starting at its opening quote.  An
 * unterminated string is reported (when `report`) only at depth 0; a nested
 * one is left to the interpolation holding it.  `*plain` (if given) tells
 * whether the literal's bytes are its value.
 */
static enum scan_result scan_string(struct lexer *lx, bool report, int depth, bool *plain)
{
	uint32_t open = lx->pos;
	bool multi = starts_triple_quote(lx, open);
	bool failed = false;
	bool simple = !multi;
	lx->pos += multi ? 3 : 1;
	const unsigned char *text = (const unsigned char *)lx->text;
	while (lx->pos < lx->end) {
		lx->pos = skip_class(text, lx->pos, lx->end, CC_PLAIN);
		if (lx->pos >= lx->end)
			break;
		unsigned char c = text[lx->pos];
		if (c == '"') {
			if (!multi) {
				lx->pos++;
				if (plain)
					*plain = simple && !failed;
				return failed ? SCAN_REPORTED : SCAN_OK;
			}
			if (starts_triple_quote(lx, lx->pos)) {
				lx->pos += 3;
				return failed ? SCAN_REPORTED : SCAN_OK;
			}
		}
		if (c == '\n' && !multi)
			break;
		if (c == '\\') {
			simple = false;
			lx->pos++;
			if (lx->pos < lx->end && at(lx, lx->pos) != '\n')
				lx->pos += checked_char_len(lx, report);
			continue;
		}
		if (c == '$' && at(lx, lx->pos + 1) == '{') {
			simple = false;
			if (scan_interpolation(lx, report, depth) != SCAN_OK) {
				failed = true;
				if (!multi)
					break;
				/* Resume after the line: the rest is still string text. */
				while (lx->pos < lx->end && at(lx, lx->pos) != '\n')
					lx->pos++;
			}
			continue;
		}
		lx->pos += checked_char_len(lx, report);
	}
	if (depth > 0)
		return failed ? SCAN_REPORTED : SCAN_OPEN;
	if (report)
		lx->swallowed_closers = true;
	if (report && !failed) {
		struct diag *d = diag_report(
			lx->diags, E0002, span_at(lx, open, open + (multi ? 3 : 1)),
			multi ? "unterminated multi-line string" : "unterminated string");
		diag_help(lx->diags, d,
			  multi ? "close it with \"\"\" on a line of its own"
				: "close it with '\"' on the same line, or use a \"\"\" multi-line string");
	}
	return SCAN_REPORTED;
}

/* ---- numbers ------------------------------------------------------------- */

struct unit {
	const char *name;
	enum tok_kind kind;
	int64_t scale;
};

static const struct unit units[] = {
	{ "ms", TOK_DURATION, 1 },
	{ "s", TOK_DURATION, 1000 },
	{ "m", TOK_DURATION, 60 * 1000 },
	{ "h", TOK_DURATION, 3600 * 1000 },
	{ "d", TOK_DURATION, 86400 * 1000 },
	{ "B", TOK_SIZE, 1 },
	{ "K", TOK_SIZE, 1000 },
	{ "M", TOK_SIZE, 1000 * 1000 },
	{ "G", TOK_SIZE, 1000 * 1000 * 1000 },
	{ "T", TOK_SIZE, 1000LL * 1000 * 1000 * 1000 },
	{ "Ki", TOK_SIZE, 1024 },
	{ "Mi", TOK_SIZE, 1024 * 1024 },
	{ "Gi", TOK_SIZE, 1024 * 1024 * 1024 },
	{ "Ti", TOK_SIZE, 1024LL * 1024 * 1024 * 1024 },
};

static const struct unit *find_unit(struct str name, bool fold_case)
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		struct str u = str_from(units[i].name);
		if (u.len != name.len)
			continue;
		size_t k = 0;
		while (k < u.len && (u.ptr[k] == name.ptr[k] ||
				     (fold_case && (u.ptr[k] | 0x20) == (name.ptr[k] | 0x20))))
			k++;
		if (k == u.len)
			return &units[i];
	}
	return NULL;
}

static void unknown_unit(struct lexer *lx, struct span sp, struct str suffix)
{
	struct diag *d = diag_report(lx->diags, E0006, sp, "unknown unit suffix '%.*s'",
				     (int)suffix.len, suffix.ptr);
	/* The usual slips: 10MB for 10M, 512MiB for 512Mi, 512mi for 512Mi. */
	const struct unit *guess = NULL;
	if (suffix.len >= 2 && suffix.ptr[suffix.len - 1] == 'B')
		guess = find_unit((struct str){ suffix.ptr, suffix.len - 1 }, false);
	if (guess && guess->kind == TOK_SIZE) {
		if (guess->name[1] == 'i' || guess->scale == 1)
			diag_help(lx->diags, d, "sizes drop the 'B': write %s", guess->name);
		else
			diag_help(lx->diags, d, "sizes drop the 'B': write %s (powers of 1000) or %si (powers of 1024)",
				  guess->name, guess->name);
		return;
	}
	guess = find_unit(suffix, true);
	if (!guess) {
		size_t best_dist = 2;
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
			size_t dist = edit_distance(suffix, str_from(units[i].name), 1);
			if (dist < best_dist) {
				guess = &units[i];
				best_dist = dist;
			}
		}
	}
	if (guess)
		diag_help(lx->diags, d, "did you mean '%s'?", guess->name);
	else
		diag_help(lx->diags, d,
			  "durations take ms, s, m, h, d; sizes take B, K, M, G, T, Ki, Mi, Gi, Ti");
}

/* Lexes an integer or decimal, with an optional unit suffix. */
static void lex_number(struct lexer *lx, struct token *t)
{
	uint32_t start = lx->pos;
	int64_t ival = 0;
	bool overflow = false;
	char digits[64];
	size_t nd = 0;
	while (is_digit(at(lx, lx->pos)) ||
	       (at(lx, lx->pos) == '_' && is_digit(at(lx, lx->pos + 1)))) {
		unsigned char c = at(lx, lx->pos++);
		if (c == '_')
			continue;
		if (nd < sizeof digits - 1)
			digits[nd++] = (char)c;
		if (ival > (INT64_MAX - (c - '0')) / 10)
			overflow = true;
		else
			ival = ival * 10 + (c - '0');
	}
	bool is_float = false;
	if (at(lx, lx->pos) == '.' && is_digit(at(lx, lx->pos + 1))) {
		is_float = true;
		if (nd < sizeof digits - 1)
			digits[nd++] = '.';
		lx->pos++;
		while (is_digit(at(lx, lx->pos))) {
			if (nd < sizeof digits - 1)
				digits[nd++] = lx->text[lx->pos];
			lx->pos++;
		}
	}
	digits[nd] = '\0';
	double fval = is_float ? strtod(digits, NULL) : (double)ival;

	uint32_t num_end = lx->pos;
	if (is_ident_start(at(lx, lx->pos))) {
		while (is_ident_char(at(lx, lx->pos)))
			lx->pos++;
	}
	t->span = span_at(lx, start, lx->pos);
	struct str suffix = { lx->text + num_end, lx->pos - num_end };

	if (suffix.len == 0) {
		if (overflow && !is_float)
			diag_report(lx->diags, E0007, t->span,
				    "integer literal does not fit in 64 bits");
		t->kind = is_float ? TOK_FLOAT : TOK_INT;
		if (is_float)
			t->v.f = fval;
		else
			t->v.i = overflow ? 0 : ival;
		return;
	}
	const struct unit *u = find_unit(suffix, false);
	if (!u) {
		unknown_unit(lx, span_at(lx, num_end, lx->pos), suffix);
		t->kind = is_float ? TOK_FLOAT : TOK_INT;
		t->v.i = 0;
		if (is_float)
			t->v.f = 0;
		return;
	}
	t->kind = u->kind;
	t->v.i = 0;
	if (is_float) {
		double v = fval * (double)u->scale;
		if (v >= 9.2e18) {
			diag_report(lx->diags, E0007, t->span, "'%.*s' is too large",
				    (int)(lx->pos - start), lx->text + start);
		} else if (v != (double)(int64_t)v) {
			diag_report(lx->diags, E0007, t->span,
				    "'%.*s' is not a whole number of %s",
				    (int)(lx->pos - start), lx->text + start,
				    u->kind == TOK_DURATION ? "milliseconds" : "bytes");
		} else {
			t->v.i = (int64_t)v;
		}
	} else if (overflow || ival > INT64_MAX / u->scale) {
		diag_report(lx->diags, E0007, t->span, "'%.*s' is too large",
			    (int)(lx->pos - start), lx->text + start);
	} else {
		t->v.i = ival * u->scale;
	}
	return;
}

/* ---- invalid input -------------------------------------------------------- */

static bool starts_token(unsigned char c)
{
	return is_ident_char(c) || strchr(" \t\r\n#\"{}[](),=:.?|+-*/", c) != NULL;
}

/* Reports one run of characters that cannot start a token. */
static void report_invalid(struct lexer *lx)
{
	uint32_t start = lx->pos;
	unsigned char first = at(lx, start);
	if (first == 0) {
		while (lx->pos < lx->end && at(lx, lx->pos) == 0)
			lx->pos++;
		diag_report(lx->diags, E0005, span_at(lx, start, lx->pos), "NUL byte in source");
		return;
	}
	unsigned cp;
	if (first >= 0x80 &&
	    !utf8_decode((const unsigned char *)lx->text + start, lx->end - start, &cp)) {
		while (lx->pos < lx->end && at(lx, lx->pos) >= 0x80 &&
		       !utf8_decode((const unsigned char *)lx->text + lx->pos,
				    lx->end - lx->pos, &cp))
			lx->pos++;
		diag_report(lx->diags, E0004, span_at(lx, start, lx->pos),
			    "invalid UTF-8 byte 0x%02X", first);
		return;
	}
	/* A run of valid but unusable characters. */
	while (lx->pos < lx->end) {
		unsigned char c = at(lx, lx->pos);
		if (c == 0 || starts_token(c))
			break;
		size_t n = 1;
		if (c >= 0x80) {
			n = utf8_decode((const unsigned char *)lx->text + lx->pos,
					lx->end - lx->pos, &cp);
			if (!n)
				break;
		}
		lx->pos += (uint32_t)n;
	}
	struct diag *d;
	if (first < 0x20 || first == 0x7F)
		d = diag_report(lx->diags, E0001, span_at(lx, start, lx->pos),
				"invalid control character U+%04X", first);
	else if (first < 0x80)
		d = diag_report(lx->diags, E0001, span_at(lx, start, lx->pos),
				"invalid character '%c'", first);
	else
		d = diag_report(lx->diags, E0001, span_at(lx, start, lx->pos),
				"invalid character '%.*s'", (int)(lx->pos - start),
				lx->text + start);
	switch (first) {
	case '\'':
		diag_help(lx->diags, d, "strings are written with double quotes: \"...\"");
		break;
	case ';':
		diag_help(lx->diags, d, "items are separated by a newline or ','");
		break;
	default:
		if (first >= 0x80)
			diag_help(lx->diags, d,
				  "names are ASCII letters, digits, '_' and '-'; other text goes in a string");
	}
}

/* ---- the token loop ------------------------------------------------------- */

static void finish(struct lexer *lx, struct token *t)
{
	if (t->kind != TOK_NEWLINE) {
		t->doc = lx->pending_doc;
		lx->pending_doc = span_at(lx, lx->pos, lx->pos);
	} else {
		t->doc = span_at(lx, t->span.lo, t->span.lo);
	}
	lx->prev2 = lx->prev;
	lx->prev2_sym = lx->prev_sym;
	lx->prev = t->kind;
	lx->prev_sym = t->kind == TOK_IDENT ? t->v.sym : NULL;
}

/* True when only spaces and tabs precede byte `i` on its line. */
static bool starts_line(const struct lexer *lx, uint32_t i)
{
	while (i > 0 && (lx->text[i - 1] == ' ' || lx->text[i - 1] == '\t'))
		i--;
	return i == 0 || lx->text[i - 1] == '\n';
}

static void skip_comment(struct lexer *lx)
{
	uint32_t start = lx->pos;
	/* A ## comment documents what follows only on a line of its own; a
	 * plain comment ends a doc comment block. */
	bool doc = at(lx, start + 1) == '#' && starts_line(lx, start);
	while (lx->pos < lx->end && at(lx, lx->pos) != '\n')
		lx->pos += checked_char_len(lx, true);
	if (!doc) {
		lx->pending_doc.lo = lx->pending_doc.hi = lx->pos;
		return;
	}
	/* Consecutive ## lines form one doc comment. */
	if (lx->pending_doc.hi == lx->pending_doc.lo)
		lx->pending_doc.lo = start;
	lx->pending_doc.hi = lx->pos;
}

static void punct(struct lexer *lx, struct token *t, enum tok_kind k, uint32_t n)
{
	t->kind = k;
	t->span = span_at(lx, lx->pos, lx->pos + n);
	lx->pos += n;
}

void lex_next(struct lexer *lx, struct token *t)
{
	t->flags = 0;
	t->v.i = 0;
	const unsigned char *text = (const unsigned char *)lx->text;
	for (;;) {
		lx->pos = skip_spaces(text, lx->pos, lx->end);
		if (lx->pos >= lx->end) {
			t->kind = TOK_EOF;
			t->span = span_at(lx, lx->end, lx->end);
			goto done;
		}
		unsigned char c = at(lx, lx->pos);
		if (c == '#') {
			skip_comment(lx);
			continue;
		}
		if (c == '\n') {
			lx->pos++;
			if (lx->prev == TOK_NEWLINE)
				continue;
			t->kind = TOK_NEWLINE;
			t->span = span_at(lx, lx->pos - 1, lx->pos);
			goto done;
		}
		if (is_ident_start(c)) {
			uint32_t start = lx->pos;
			for (;;) {
				lx->pos = skip_word(text, lx->pos);
				if (at(lx, lx->pos) != '-' || !is_ident_char(at(lx, lx->pos + 1)))
					break;
				lx->pos++;
			}
			t->span = span_at(lx, start, lx->pos);
			t->v.sym = intern(lx->names, (struct str){ lx->text + start, lx->pos - start });
			t->kind = t->v.sym->keyword ? (enum tok_kind)t->v.sym->keyword : TOK_IDENT;
			goto done;
		}
		if (is_digit(c))
			{
			lex_number(lx, t);
			goto done;
		}
		if (c == '"') {
			uint32_t start = lx->pos;
			bool plain = false;
			if (scan_string(lx, true, 0, &plain) == SCAN_OK)
				t->flags = (uint8_t)(TOKF_CLOSED | (plain ? TOKF_PLAIN : 0));
			t->kind = TOK_STRING;
			t->span = span_at(lx, start, lx->pos);
			goto done;
		}
		if (c == '/' && lx->prev == TOK_LPAREN && lx->prev2 == TOK_IDENT &&
		    lx->prev2_sym == lx->sym_string) {
			uint32_t start = lx->pos++;
			while (lx->pos < lx->end && at(lx, lx->pos) != '/' && at(lx, lx->pos) != '\n') {
				if (at(lx, lx->pos) == '\\' && at(lx, lx->pos + 1) != '\n')
					lx->pos++;
				lx->pos += checked_char_len(lx, true);
			}
			t->kind = TOK_REGEX;
			if (at(lx, lx->pos) == '/' && lx->pos < lx->end) {
				lx->pos++;
			} else {
				struct diag *d = diag_report(lx->diags, E0009,
							     span_at(lx, start, start + 1),
							     "unterminated pattern");
				diag_help(lx->diags, d, "close the pattern with '/' on the same line");
				t->kind = TOK_ERROR;
			}
			t->span = span_at(lx, start, lx->pos);
			goto done;
		}
		switch (c) {
		case '{': punct(lx, t, TOK_LBRACE, 1);
			goto done;
		case '}': punct(lx, t, TOK_RBRACE, 1);
			goto done;
		case '[': punct(lx, t, TOK_LBRACKET, 1);
			goto done;
		case ']': punct(lx, t, TOK_RBRACKET, 1);
			goto done;
		case '(': punct(lx, t, TOK_LPAREN, 1);
			goto done;
		case ')': punct(lx, t, TOK_RPAREN, 1);
			goto done;
		case ',': punct(lx, t, TOK_COMMA, 1);
			goto done;
		case '=': punct(lx, t, TOK_ASSIGN, 1);
			goto done;
		case ':': punct(lx, t, TOK_COLON, 1);
			goto done;
		case '?': punct(lx, t, TOK_QUESTION, 1);
			goto done;
		case '|': punct(lx, t, TOK_PIPE, 1);
			goto done;
		case '+': punct(lx, t, TOK_PLUS, 1);
			goto done;
		case '*': punct(lx, t, TOK_STAR, 1);
			goto done;
		case '/': punct(lx, t, TOK_SLASH, 1);
			goto done;
		case '.':
			if (at(lx, lx->pos + 1) == '.') {
				punct(lx, t, TOK_DOTDOT, 2);
				goto done;
			}
			punct(lx, t, TOK_DOT, 1);
			goto done;
		case '-':
			if (at(lx, lx->pos + 1) == '>') {
				punct(lx, t, TOK_ARROW, 2);
				goto done;
			}
			punct(lx, t, TOK_MINUS, 1);
			goto done;
		default: {
			uint32_t start = lx->pos;
			report_invalid(lx);
			t->kind = TOK_ERROR;
			t->span = span_at(lx, start, lx->pos);
			goto done;
		}
		}
	}
done:
	finish(lx, t);
}

/* ---- decoding string literals --------------------------------------------- */

struct decoder {
	struct lexer *lx;
	struct arena *arena;
	struct strbuf text;
	VEC(struct string_part) parts;
};

static void flush_text(struct decoder *d)
{
	if (!d->text.len)
		return;
	struct string_part p = { false, { 0, 0, 0 }, NULL, d->text.len };
	p.text = arena_strndup(d->arena, d->text.buf, d->text.len);
	vec_push(&d->parts, p);
	strbuf_reset(&d->text);
}

/* Decodes one escape starting at the backslash; returns the bytes consumed. */
static uint32_t decode_escape(struct decoder *d, uint32_t i, uint32_t end)
{
	struct lexer *lx = d->lx;
	unsigned char c = i + 1 < end ? (unsigned char)lx->text[i + 1] : 0;
	switch (c) {
	case 'n': strbuf_addch(&d->text, '\n'); return 2;
	case 't': strbuf_addch(&d->text, '\t'); return 2;
	case 'r': strbuf_addch(&d->text, '\r'); return 2;
	case '"': strbuf_addch(&d->text, '"'); return 2;
	case '\\': strbuf_addch(&d->text, '\\'); return 2;
	case '$': strbuf_addch(&d->text, '$'); return 2;
	case 'u':
		if (i + 2 < end && lx->text[i + 2] == '{') {
			uint32_t j = i + 3;
			unsigned cp = 0;
			int n = 0;
			while (j < end && hex_digit_value((unsigned char)lx->text[j]) >= 0 && n < 7) {
				cp = cp * 16 + (unsigned)hex_digit_value((unsigned char)lx->text[j]);
				j++, n++;
			}
			if (j < end && lx->text[j] == '}' && n >= 1 && n <= 6) {
				if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
					diag_report(lx->diags, E0003, span_at(lx, i, j + 1),
						    "\\u{%X} is not a Unicode scalar value", cp);
				} else if (cp == 0) {
					/* Every artifact is text: a NUL would end it there. */
					diag_report(lx->diags, E0003, span_at(lx, i, j + 1),
						    "\\u{0} is NUL, which no generated file can hold");
				} else {
					strbuf_add_utf8(&d->text, cp);
				}
				return j + 1 - i;
			}
		}
		diag_report(lx->diags, E0003, span_at(lx, i, i + 2),
			    "malformed unicode escape; write \\u{1F600} with 1 to 6 hex digits");
		return 2;
	default: {
		uint32_t n = 1;
		if (i + 1 < end && c >= 0x80) {
			unsigned cp;
			size_t k = utf8_decode((const unsigned char *)lx->text + i + 1, end - i - 1, &cp);
			n = k ? (uint32_t)k : 1;
		}
		struct diag *dg = diag_report(lx->diags, E0003, span_at(lx, i, i + 1 + n),
					      "invalid escape sequence '\\%.*s'", (int)n,
					      lx->text + i + 1);
		diag_help(lx->diags, dg, "valid escapes are \\n \\t \\r \\\" \\\\ \\$ and \\u{HEX}");
		return i + 1 < end ? 1 + n : 1;
	}
	}
}

static bool is_blank(const char *p, uint32_t n);

/* Decodes bytes [i, end) of one line or one-line string into parts. */
static void decode_run(struct decoder *d, uint32_t i, uint32_t end)
{
	struct lexer *lx = d->lx;
	while (i < end) {
		unsigned char c = (unsigned char)lx->text[i];
		if (c == '\\') {
			i += decode_escape(d, i, end);
			continue;
		}
		if (c == '$' && i + 1 < end && lx->text[i + 1] == '{') {
			/* Find the end again, silently: scanning reported problems. */
			struct lexer probe = *lx;
			probe.pos = i;
			probe.end = end;
			bool ok = scan_interpolation(&probe, false, 0) == SCAN_OK;
			/* ${} was reported while scanning; it contributes nothing. */
			if (ok && !is_blank(lx->text + i + 2, probe.pos - 1 - (i + 2))) {
				flush_text(d);
				struct string_part p = { true, span_at(lx, i + 2, probe.pos - 1), NULL, 0 };
				vec_push(&d->parts, p);
			}
			i = probe.pos > i ? probe.pos : end;
			continue;
		}
		uint32_t run = i + 1;
		while (run < end && lx->text[run] != '\\' && lx->text[run] != '$')
			run++;
		strbuf_add(&d->text, lx->text + i, run - i);
		i = run;
	}
}

static bool is_blank(const char *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

static uint32_t line_end(const struct lexer *lx, uint32_t i, uint32_t end)
{
	while (i < end && lx->text[i] != '\n')
		i++;
	return i;
}

/*
 * A multi-line string: text after the opening quotes must be blank, the
 * closing quotes stand alone on their line, and their indentation (the
 * margin) is removed from every line.  Each line keeps its newline.
 */
static void decode_multiline(struct decoder *d, uint32_t lo, uint32_t hi, bool closed)
{
	struct lexer *lx = d->lx;
	uint32_t first_nl = line_end(lx, lo, hi);
	if (!is_blank(lx->text + lo, first_nl - lo)) {
		struct diag *dg = diag_report(lx->diags, E0011, span_at(lx, lo, first_nl),
					      "text after the opening \"\"\"");
		diag_help(lx->diags, dg, "start the text on the next line, or use a \"...\" string");
		return;
	}
	if (first_nl >= hi) {
		if (closed) {
			struct diag *dg = diag_report(lx->diags, E0011, span_at(lx, lo - 3, hi + 3),
						      "a multi-line string needs a line break after the opening \"\"\"");
			diag_help(lx->diags, dg, "write \"\" for an empty string");
		}
		return;
	}
	uint32_t last_nl = hi;
	while (last_nl > first_nl && lx->text[last_nl - 1] != '\n')
		last_nl--;
	last_nl--; /* index of the newline before the closing line */
	uint32_t margin_lo = last_nl + 1, margin_len = hi - margin_lo;
	if (closed && !is_blank(lx->text + margin_lo, margin_len)) {
		struct diag *dg = diag_report(lx->diags, E0011, span_at(lx, hi, hi + 3),
					      "closing \"\"\" must be on a line of its own");
		diag_help(lx->diags, dg, "put a line break before the closing \"\"\"");
		return;
	}
	if (!closed)
		margin_len = 0;
	const char *margin = lx->text + margin_lo;
	for (uint32_t ls = first_nl + 1; ls <= last_nl && ls < hi;) {
		uint32_t le = line_end(lx, ls, last_nl);
		uint32_t n = le - ls;
		if (is_blank(lx->text + ls, n)) {
			strbuf_addch(&d->text, '\n');
		} else if (n < margin_len || memcmp(lx->text + ls, margin, margin_len) != 0) {
			uint32_t text_lo = ls;
			while (text_lo < le && (lx->text[text_lo] == ' ' || lx->text[text_lo] == '\t'))
				text_lo++;
			struct diag *dg = diag_report(lx->diags, E0011, span_at(lx, text_lo, le),
						      "line is indented less than the closing \"\"\"");
			diag_note(lx->diags, dg, span_at(lx, hi, hi + 3),
				  "the closing delimiter's indentation is removed from every line");
			return;
		} else {
			/* CRLF files: the \r belongs to the line ending, not the text. */
			uint32_t text_end = le > ls && lx->text[le - 1] == '\r' ? le - 1 : le;
			decode_run(d, ls + margin_len, text_end);
			strbuf_addch(&d->text, '\n');
		}
		ls = le + 1;
	}
}

void lex_decode_string(struct lexer *lx, const struct token *tok, struct arena *arena,
		       struct string_part **parts, size_t *nparts)
{
	struct decoder d = { lx, arena, { NULL, 0, 0 }, VEC_INIT };
	strbuf_init(&d.text);
	uint32_t lo = tok->span.lo, hi = tok->span.hi;
	struct lexer probe = *lx;
	bool multi = starts_triple_quote(&probe, lo);
	uint32_t q = multi ? 3 : 1;
	bool closed = tok->flags & TOKF_CLOSED;
	uint32_t clo = lo + q, chi = closed ? hi - q : hi;
	if (multi)
		decode_multiline(&d, clo, chi, closed);
	else
		decode_run(&d, clo, chi);
	flush_text(&d);
	strbuf_release(&d.text);
	*parts = d.parts.items;
	*nparts = d.parts.len;
}

void lex_doc_text(const char *text, struct span doc, struct strbuf *out)
{
	bool first = true;
	uint32_t i = doc.lo;
	while (i < doc.hi) {
		while (i < doc.hi && (text[i] == ' ' || text[i] == '\t'))
			i++;
		uint32_t e = i;
		while (e < doc.hi && text[e] != '\n')
			e++;
		if (e > i && text[i] == '#') {
			uint32_t s = i;
			while (s < e && text[s] == '#')
				s++;
			if (s < e && text[s] == ' ')
				s++;
			if (!first)
				strbuf_addch(out, '\n');
			strbuf_add(out, text + s, e - s);
			first = false;
		}
		i = e + 1;
	}
}

/*
 * diag.c - the diagnostic list and its two renderers.
 *
 * Text follows the compiler convention `file:line:col: error[CODE]: msg`,
 * then the source line with the whole span underlined, then located notes
 * and a help line.  JSON carries the same facts for programs.
 */
#include "diag.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "str.h"

const struct diag_info diag_table[DIAG_CODE_COUNT] = {
#define X(code, sev, title, explain) { #code, SEV_##sev, title, explain },
#include "diag_codes.def"
#undef X
};

const struct diag_info *diag_lookup(const char *name)
{
	for (size_t i = 0; i < DIAG_CODE_COUNT; i++)
		if (strcasecmp(diag_table[i].name, name) == 0)
			return &diag_table[i];
	return NULL;
}

void diag_list_init(struct diag_list *l, struct arena *arena)
{
	l->arena = arena;
	l->items.items = NULL;
	l->items.len = l->items.cap = 0;
	l->errors = l->warnings = 0;
}

void diag_list_release(struct diag_list *l)
{
	vec_free(&l->items);
	l->errors = l->warnings = 0;
}

/* A message or note quotes the program's text, which may hold a newline
 * or an escape sequence: each control byte is shown as its escape, so the
 * line stays one line and cannot drive the terminal.  (A help is ours and
 * may span lines.) */
__attribute__((format(printf, 2, 0))) static char *message(struct arena *a, const char *fmt,
							   va_list ap)
{
	char *text = arena_vprintf(a, fmt, ap);
	const char *p = text;
	while (*p && (unsigned char)*p >= 0x20 && *p != 0x7f)
		p++;
	if (!*p)
		return text;
	struct strbuf sb;
	strbuf_init(&sb);
	for (p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\n')
			strbuf_addstr(&sb, "\\n");
		else if (c == '\r')
			strbuf_addstr(&sb, "\\r");
		else if (c == '\t')
			strbuf_addstr(&sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(&sb, "\\x%02x", c);
		else
			strbuf_addch(&sb, (char)c);
	}
	text = arena_strndup(a, sb.buf, sb.len);
	strbuf_release(&sb);
	return text;
}

__attribute__((format(printf, 5, 0))) static struct diag *new_diag(struct diag_list *l, enum diag_code code, bool has_span,
			     struct span span, const char *fmt, va_list ap)
{
	struct diag *d = arena_zalloc(l->arena, sizeof *d);
	d->code = code;
	d->severity = diag_table[code].severity;
	d->has_span = has_span;
	d->span = span;
	d->msg = message(l->arena, fmt, ap);
	d->notes_tail = &d->notes;
	d->seq = (uint32_t)l->items.len;
	vec_push(&l->items, d);
	if (d->severity == SEV_ERROR)
		l->errors++;
	else
		l->warnings++;
	return d;
}

struct diag *diag_report(struct diag_list *l, enum diag_code code, struct span span,
			 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diag *d = new_diag(l, code, true, span, fmt, ap);
	va_end(ap);
	return d;
}

struct diag *diag_report_nospan(struct diag_list *l, enum diag_code code,
				const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct diag *d = new_diag(l, code, false, (struct span){ 0, 0, 0 }, fmt, ap);
	va_end(ap);
	return d;
}

__attribute__((format(printf, 5, 0))) static void add_note(struct diag_list *l, struct diag *d, bool has_span,
		     struct span span, const char *fmt, va_list ap)
{
	struct diag_note *n = arena_zalloc(l->arena, sizeof *n);
	n->has_span = has_span;
	n->span = span;
	n->msg = message(l->arena, fmt, ap);
	*d->notes_tail = n;
	d->notes_tail = &n->next;
}

void diag_note(struct diag_list *l, struct diag *d, struct span span, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_note(l, d, true, span, fmt, ap);
	va_end(ap);
}

void diag_note_text(struct diag_list *l, struct diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_note(l, d, false, (struct span){ 0, 0, 0 }, fmt, ap);
	va_end(ap);
}

void diag_help(struct diag_list *l, struct diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	d->help = arena_vprintf(l->arena, fmt, ap);
	va_end(ap);
}

static int compare_diags(const void *pa, const void *pb)
{
	const struct diag *a = *(struct diag *const *)pa, *b = *(struct diag *const *)pb;
	/* Diagnostics without a span (I/O errors) come first. */
	if (a->has_span != b->has_span)
		return a->has_span ? 1 : -1;
	if (a->has_span) {
		if (a->span.file != b->span.file)
			return a->span.file < b->span.file ? -1 : 1;
		if (a->span.lo != b->span.lo)
			return a->span.lo < b->span.lo ? -1 : 1;
	}
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Sorts, then drops repeats: a template used twice, or a program checked
 * once per profile, must not report the same mistake twice. */
void diag_sort(struct diag_list *l)
{
	if (l->items.len < 2)
		return;
	qsort(l->items.items, l->items.len, sizeof *l->items.items, compare_diags);
	size_t kept = 1;
	for (size_t i = 1; i < l->items.len; i++) {
		const struct diag *a = l->items.items[kept - 1], *b = l->items.items[i];
		bool same = a->code == b->code && a->has_span == b->has_span &&
			    a->span.file == b->span.file && a->span.lo == b->span.lo &&
			    a->span.hi == b->span.hi && strcmp(a->msg, b->msg) == 0;
		if (!same) {
			l->items.items[kept++] = l->items.items[i];
		} else if (b->severity == SEV_ERROR) {
			l->errors--;
		} else {
			l->warnings--;
		}
	}
	l->items.len = kept;
}

/* ---- text ---------------------------------------------------------------- */

enum { TAB_WIDTH = 4 };

struct painter {
	struct strbuf *out;
	bool color;
};

static void paint(struct painter *p, const char *esc, const char *text)
{
	if (p->color)
		strbuf_addstr(p->out, esc);
	strbuf_addstr(p->out, text);
	if (p->color)
		strbuf_addstr(p->out, "\033[0m");
}

#define BOLD "\033[1m"
#define RED "\033[1;31m"
#define YELLOW "\033[1;33m"
#define CYAN "\033[1;36m"
#define GREEN "\033[1;32m"
#define BLUE "\033[1;34m"

static const char *severity_name(enum diag_severity s)
{
	return s == SEV_ERROR ? "error" : "warning";
}

static unsigned digits(uint32_t n)
{
	unsigned d = 1;
	while (n >= 10)
		n /= 10, d++;
	return d;
}

/*
 * Appends the line with tabs expanded and unprintable bytes replaced, and
 * returns the display columns at which byte offsets `lo` and `hi` (relative
 * to the line) fall.
 */
static void show_line(struct strbuf *out, const char *line, size_t len, size_t lo,
		      size_t hi, size_t *dlo, size_t *dhi)
{
	size_t col = 0;
	*dlo = *dhi = (size_t)-1;
	size_t i = 0;
	while (i < len) {
		if (i >= lo && *dlo == (size_t)-1)
			*dlo = col;
		if (i >= hi && *dhi == (size_t)-1)
			*dhi = col;
		unsigned char c = (unsigned char)line[i];
		unsigned cp;
		size_t n;
		if (c == '\t') {
			size_t w = TAB_WIDTH - col % TAB_WIDTH;
			strbuf_addchars(out, ' ', w);
			col += w;
			i++;
			continue;
		}
		if (c < 0x80) {
			strbuf_addch(out, c < 0x20 || c == 0x7F ? '?' : (char)c);
			n = 1;
		} else if ((n = utf8_decode((const unsigned char *)line + i, len - i, &cp))) {
			strbuf_add(out, line + i, n);
		} else {
			strbuf_addstr(out, "\xEF\xBF\xBD"); /* U+FFFD */
			n = 1;
		}
		col++;
		i += n;
	}
	if (*dlo == (size_t)-1)
		*dlo = col;
	if (*dhi == (size_t)-1)
		*dhi = col;
}

/* Lines longer than this are shown as a window around the span. */
enum { SNIPPET_MAX = 120, SNIPPET_BEFORE = 40 };

static void render_snippet(struct painter *p, struct source_set *src, struct span span,
			   struct source_pos pos, const char *caret_color)
{
	size_t len;
	const char *line = source_line(src, span.file, pos.line, &len);
	size_t line_off = (size_t)(line - src->files[span.file].text);
	size_t lo = span.lo - line_off;
	size_t hi = span.hi > span.lo ? span.hi - line_off : lo;
	if (hi > len)
		hi = len; /* a span over several lines is underlined to the line end */
	size_t ws = 0, we = len;
	if (len > SNIPPET_MAX) {
		ws = lo > SNIPPET_BEFORE ? lo - SNIPPET_BEFORE : 0;
		while (ws > 0 && ((unsigned char)line[ws] & 0xC0) == 0x80)
			ws--;
		we = ws + SNIPPET_MAX < len ? ws + SNIPPET_MAX : len;
		while (we < len && ((unsigned char)line[we] & 0xC0) == 0x80)
			we++;
		if (hi > we)
			hi = we;
	}
	unsigned w = digits(pos.line);
	char num[16];
	snprintf(num, sizeof num, " %u |", pos.line);
	paint(p, BLUE, num);
	if (len)
		strbuf_addch(p->out, ' ');
	size_t shift = 0;
	if (ws > 0) {
		strbuf_addstr(p->out, "...");
		shift = 3;
	}
	size_t dlo, dhi;
	show_line(p->out, line + ws, we - ws, lo - ws, hi - ws, &dlo, &dhi);
	if (we < len)
		strbuf_addstr(p->out, "...");
	strbuf_addch(p->out, '\n');
	strbuf_addchars(p->out, ' ', w + 1);
	paint(p, BLUE, " |");
	strbuf_addchars(p->out, ' ', dlo + shift + 1);
	struct strbuf marks;
	strbuf_init(&marks);
	strbuf_addch(&marks, '^');
	if (dhi > dlo + 1)
		strbuf_addchars(&marks, '~', dhi - dlo - 1);
	paint(p, caret_color, marks.buf);
	strbuf_release(&marks);
	strbuf_addch(p->out, '\n');
}

static void render_location(struct painter *p, struct source_set *src, bool has_span,
			    struct span span, struct source_pos *pos)
{
	char buf[64];
	if (!has_span)
		return;
	*pos = source_locate(src, span.file, span.lo);
	paint(p, BOLD, src->files[span.file].path);
	snprintf(buf, sizeof buf, ":%u:%u: ", pos->line, pos->col);
	paint(p, BOLD, buf);
}

static void render_one(struct painter *p, struct source_set *src, const struct diag *d)
{
	struct source_pos pos = { 0, 0 };
	const char *sevcolor = d->severity == SEV_ERROR ? RED : YELLOW;
	if (d->has_span)
		render_location(p, src, true, d->span, &pos);
	else
		paint(p, BOLD, "orchc: ");
	char head[64];
	snprintf(head, sizeof head, "%s[%s]", severity_name(d->severity),
		 diag_table[d->code].name);
	paint(p, sevcolor, head);
	strbuf_addstr(p->out, ": ");
	paint(p, BOLD, d->msg);
	strbuf_addch(p->out, '\n');
	if (d->has_span)
		render_snippet(p, src, d->span, pos, sevcolor);
	for (const struct diag_note *n = d->notes; n; n = n->next) {
		if (n->has_span)
			render_location(p, src, true, n->span, &pos);
		paint(p, CYAN, "note");
		strbuf_addstr(p->out, ": ");
		strbuf_addstr(p->out, n->msg);
		strbuf_addch(p->out, '\n');
		if (n->has_span)
			render_snippet(p, src, n->span, pos, CYAN);
	}
	if (d->help) {
		paint(p, GREEN, "help");
		strbuf_addstr(p->out, ": ");
		strbuf_addstr(p->out, d->help);
		strbuf_addch(p->out, '\n');
	}
}

static void plural(struct strbuf *out, uint32_t n, const char *word)
{
	strbuf_addf(out, "%u %s%s", n, word, n == 1 ? "" : "s");
}

void diag_render_text(struct diag_list *l, struct source_set *src,
		      const struct diag_render_opts *opts, struct strbuf *out)
{
	struct painter p = { out, opts->color };
	size_t shown = 0;
	for (size_t i = 0; i < l->items.len; i++) {
		if (opts->limit && shown == opts->limit)
			break;
		render_one(&p, src, l->items.items[i]);
		shown++;
	}
	if (!l->items.len)
		return;
	if (shown < l->items.len)
		strbuf_addf(out, "orchc: %zu more not shown (raise --error-limit to see them)\n",
			    l->items.len - shown);
	strbuf_addstr(out, "orchc: ");
	if (l->errors)
		plural(out, l->errors, "error");
	if (l->errors && l->warnings)
		strbuf_addstr(out, ", ");
	if (l->warnings)
		plural(out, l->warnings, "warning");
	strbuf_addch(out, '\n');
}

/* ---- JSON ---------------------------------------------------------------- */

/* Messages quote source text and paths, which need not be valid UTF-8. */
static json_t *json_text(const char *s)
{
	json_t *j = json_string(s);
	if (j)
		return j;
	struct strbuf sb;
	strbuf_init(&sb);
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n) {
			strbuf_add(&sb, s + i, n);
			i += n;
		} else {
			strbuf_addstr(&sb, "\xEF\xBF\xBD");
			i++;
		}
	}
	j = json_string(sb.buf);
	strbuf_release(&sb);
	return j;
}

static void set_location(json_t *o, struct source_set *src, bool has_span, struct span s)
{
	if (!has_span) {
		json_object_set_new(o, "file", json_null());
		return;
	}
	struct source_pos a = source_locate(src, s.file, s.lo);
	struct source_pos b = source_locate(src, s.file, s.hi);
	json_object_set_new(o, "file", json_text(src->files[s.file].path));
	json_object_set_new(o, "line", json_integer(a.line));
	json_object_set_new(o, "col", json_integer(a.col));
	json_object_set_new(o, "end_line", json_integer(b.line));
	json_object_set_new(o, "end_col", json_integer(b.col));
	json_object_set_new(o, "byte_start", json_integer(s.lo));
	json_object_set_new(o, "byte_end", json_integer(s.hi));
}

void diag_render_json(struct diag_list *l, struct source_set *src,
		      const struct diag_render_opts *opts, struct strbuf *out)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->items.len; i++) {
		if (opts->limit && i == opts->limit)
			break;
		const struct diag *d = l->items.items[i];
		json_t *o = json_object();
		json_object_set_new(o, "severity", json_string(severity_name(d->severity)));
		json_object_set_new(o, "code", json_string(diag_table[d->code].name));
		json_object_set_new(o, "message", json_text(d->msg));
		set_location(o, src, d->has_span, d->span);
		json_t *notes = json_array();
		for (const struct diag_note *n = d->notes; n; n = n->next) {
			json_t *no = json_object();
			json_object_set_new(no, "message", json_text(n->msg));
			set_location(no, src, n->has_span, n->span);
			json_array_append_new(notes, no);
		}
		json_object_set_new(o, "notes", notes);
		json_object_set_new(o, "help", d->help ? json_text(d->help) : json_null());
		json_array_append_new(arr, o);
	}
	char *s = json_dumps(arr, JSON_INDENT(2));
	strbuf_addstr(out, s);
	strbuf_addch(out, '\n');
	free(s);
	json_decref(arr);
}

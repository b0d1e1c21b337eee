/*
 * ast.c - printing and verifying syntax trees.
 *
 * `orchc parse --dump-ast` prints the S-expression form used by the parse
 * tests: declarations one per line and indented, expressions inline.
 */
#include "ast.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "intern.h"
#include "lex.h"
#include "str.h"

static const char *const kind_names[AST_KIND_COUNT] = {
	[AST_ERROR] = "error",
	[AST_FILE] = "file",
	[AST_IMPORT] = "import",
	[AST_TYPEDEF] = "type",
	[AST_RECORD] = "record",
	[AST_ENUM] = "enum",
	[AST_TEMPLATE] = "template",
	[AST_BLOCK] = "block",
	[AST_PROFILE] = "profile",
	[AST_FIELD] = "field",
	[AST_PARAM] = "param",
	[AST_EXPORT] = "export",
	[AST_CHAIN] = "chain",
	[AST_STEP] = "step",
	[AST_INT] = "int",
	[AST_FLOAT] = "float",
	[AST_BOOL] = "bool",
	[AST_NONE] = "none",
	[AST_DURATION] = "duration",
	[AST_SIZE] = "size",
	[AST_STRING] = "string",
	[AST_INTERP] = "interp",
	[AST_NAME] = "name",
	[AST_MEMBER] = ".",
	[AST_CALL] = "call",
	[AST_ARG] = "arg",
	[AST_LIST] = "list",
	[AST_MAP] = "map",
	[AST_ARROW] = "->",
	[AST_TAGGED] = "tagged",
	[AST_BINARY] = "binary",
	[AST_NEG] = "neg",
	[AST_TYPE_NAME] = "type-name",
	[AST_TYPE_LIST] = "list-of",
	[AST_TYPE_MAP] = "map-of",
	[AST_TYPE_OPTIONAL] = "optional",
	[AST_TYPE_RANGE] = "range",
	[AST_TYPE_PATTERN] = "pattern",
	[AST_TYPE_UNION] = "one-of",
	[AST_TYPE_ARG] = "type-arg",
};

const char *ast_kind_name(enum ast_kind k)
{
	return k < AST_KIND_COUNT ? kind_names[k] : "?";
}

struct dumper {
	const struct source_set *src;
	struct strbuf *out;
};

static void dump_quoted(struct strbuf *out, const char *p, size_t n)
{
	strbuf_addch(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		switch (c) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7F)
				strbuf_addf(out, "\\u{%X}", c);
			else
				strbuf_addch(out, (char)c);
		}
	}
	strbuf_addch(out, '"');
}

/* Shortest form that reads back to the same double; locale-independent
 * because orchc never calls setlocale(). */
static void dump_float(struct strbuf *out, double f)
{
	char buf[32];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, f);
		if (strtod(buf, NULL) == f)
			break;
	}
	strbuf_addstr(out, buf);
	bool has_point = false;
	for (char *p = buf; *p; p++)
		has_point |= *p == '.' || *p == 'e' || *p == 'n' || *p == 'i';
	if (!has_point)
		strbuf_addstr(out, ".0");
}

static const char *op_text(int op)
{
	switch (op) {
	case TOK_PLUS: return "+";
	case TOK_MINUS: return "-";
	case TOK_STAR: return "*";
	case TOK_SLASH: return "/";
	default: return "?";
	}
}

static void newline(struct dumper *d, int indent)
{
	strbuf_addch(d->out, '\n');
	strbuf_addchars(d->out, ' ', (size_t)indent);
}

static void dump(struct dumper *d, const struct ast_node *n, int indent);

static void dump_name(struct dumper *d, const struct sym *s)
{
	strbuf_add(d->out, s->name, s->len);
}

/* Map keys written as strings may hold any text; quote those that are not
 * plain names so the dump stays unambiguous. */
static void dump_key(struct dumper *d, const struct sym *s)
{
	bool plain = s->len > 0;
	for (uint32_t i = 0; i < s->len && plain; i++) {
		char c = s->name[i];
		plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
			(i > 0 && ((c >= '0' && c <= '9') || c == '-'));
	}
	if (plain)
		dump_name(d, s);
	else
		dump_quoted(d->out, s->name, s->len);
}

static void dump_list_inline(struct dumper *d, const struct ast_list *l, int indent)
{
	for (uint32_t i = 0; i < l->len; i++) {
		strbuf_addch(d->out, ' ');
		dump(d, l->items[i], indent);
	}
}

static void dump_list_lines(struct dumper *d, const struct ast_list *l, int indent)
{
	for (uint32_t i = 0; i < l->len; i++) {
		newline(d, indent);
		dump(d, l->items[i], indent);
	}
}

static void dump_doc(struct dumper *d, const struct ast_node *n, int indent)
{
	struct span doc = ast_doc(n);
	if (doc.hi == doc.lo)
		return;
	struct strbuf text;
	strbuf_init(&text);
	lex_doc_text(d->src->files[doc.file].text, doc, &text);
	newline(d, indent);
	strbuf_addstr(d->out, "(doc ");
	dump_quoted(d->out, text.buf, text.len);
	strbuf_addch(d->out, ')');
	strbuf_release(&text);
}

/* A list prints on several lines when it holds maps (whose fields do). */
static bool list_is_tall(const struct ast_list *l)
{
	for (uint32_t i = 0; i < l->len; i++)
		if (l->items[i]->kind == AST_MAP || l->items[i]->kind == AST_LIST)
			if (l->items[i]->list.len && (l->items[i]->kind == AST_MAP ||
						      list_is_tall(&l->items[i]->list)))
				return true;
	return false;
}

static void dump_body(struct dumper *d, const struct ast_node *n, int indent)
{
	struct ast_list body = ast_body(n);
	dump_list_lines(d, &body, indent);
}

static void dump_opt(struct dumper *d, const struct ast_node *n, int indent)
{
	if (n)
		dump(d, n, indent);
	else
		strbuf_addch(d->out, '_');
}

static void dump(struct dumper *d, const struct ast_node *n, int indent)
{
	struct strbuf *out = d->out;
	int in = indent + 2;
	switch ((enum ast_kind)n->kind) {
	case AST_FILE:
		strbuf_addstr(out, "(file");
		dump_list_lines(d, &n->list, in);
		break;
	case AST_IMPORT:
		strbuf_addstr(out, "(import ");
		dump(d, n->a, in);
		if (n->name) {
			strbuf_addstr(out, " as ");
			dump_name(d, n->name);
		}
		dump_doc(d, n, in);
		break;
	case AST_TYPEDEF:
		strbuf_addstr(out, "(type ");
		dump_name(d, n->name);
		strbuf_addch(out, ' ');
		dump(d, n->a, in);
		dump_doc(d, n, in);
		break;
	case AST_RECORD:
	case AST_ENUM:
	case AST_PROFILE:
		strbuf_addf(out, "(%s ", ast_kind_name(n->kind));
		dump_name(d, n->name);
		dump_doc(d, n, in);
		if (n->kind == AST_PROFILE) {
			struct ast_list body = ast_body(n);
			dump_list_lines(d, &body, in);
		} else {
			dump_list_lines(d, &n->list, in);
		}
		break;
	case AST_TEMPLATE:
		strbuf_addstr(out, "(template ");
		dump_name(d, n->name);
		strbuf_addch(out, ' ');
		/* A template cut short by a syntax error has no kind yet. */
		if (n->decl && n->decl->kw)
			dump_name(d, n->decl->kw);
		else
			strbuf_addch(out, '_');
		dump_doc(d, n, in);
		dump_list_lines(d, &n->list, in);
		dump_body(d, n, in);
		break;
	case AST_BLOCK:
		strbuf_addch(out, '(');
		dump_name(d, n->decl->kw);
		if (n->name) {
			strbuf_addch(out, ' ');
			dump_name(d, n->name);
		}
		if (n->a) {
			strbuf_addstr(out, " = ");
			dump(d, n->a, in);
		}
		dump_doc(d, n, in);
		dump_body(d, n, in);
		break;
	case AST_FIELD:
		strbuf_addstr(out, "(field ");
		if (n->list.len) {
			for (uint32_t i = 0; i < n->list.len; i++) {
				if (i)
					strbuf_addch(out, '.');
				dump_name(d, n->list.items[i]->name);
			}
		} else {
			dump_key(d, n->name);
		}
		strbuf_addch(out, ' ');
		dump(d, n->a, indent);
		break;
	case AST_PARAM:
		strbuf_addstr(out, "(param ");
		dump_name(d, n->name);
		strbuf_addch(out, ' ');
		dump(d, n->a, in);
		if (n->b) {
			strbuf_addstr(out, " = ");
			dump(d, n->b, in);
		}
		break;
	case AST_EXPORT:
		strbuf_addstr(out, "(export ");
		dump_name(d, n->name);
		if (n->a) {
			strbuf_addstr(out, " -> ");
			dump(d, n->a, in);
		}
		dump_doc(d, n, in);
		dump_list_lines(d, &n->list, in);
		dump_body(d, n, in);
		break;
	case AST_CHAIN:
		strbuf_addstr(out, "(chain");
		dump_list_lines(d, &n->list, in);
		break;
	case AST_STEP:
		strbuf_addstr(out, "(step ");
		dump(d, n->a, in);
		strbuf_addstr(out, " on");
		if (n->flags & AST_ON_ANY)
			strbuf_addstr(out, " any");
		for (uint32_t i = 0; i < n->list.len; i++) {
			strbuf_addstr(out, i || (n->flags & AST_ON_ANY) ? " else " : " ");
			dump_name(d, n->list.items[i]->name);
		}
		break;
	case AST_INT:
		strbuf_addf(out, "%lld", (long long)n->v.i);
		return;
	case AST_FLOAT:
		dump_float(out, n->v.f);
		return;
	case AST_BOOL:
		strbuf_addstr(out, n->v.i ? "true" : "false");
		return;
	case AST_NONE:
		strbuf_addstr(out, "none");
		return;
	case AST_DURATION:
		strbuf_addf(out, "(duration %lldms)", (long long)n->v.i);
		return;
	case AST_SIZE:
		strbuf_addf(out, "(size %lldB)", (long long)n->v.i);
		return;
	case AST_STRING:
		dump_quoted(out, n->v.s.ptr, n->v.s.len);
		return;
	case AST_NAME:
		dump_name(d, n->name);
		return;
	case AST_INTERP:
		strbuf_addstr(out, "(interp");
		dump_list_inline(d, &n->list, in);
		break;
	case AST_MEMBER:
		strbuf_addstr(out, "(. ");
		dump(d, n->a, in);
		strbuf_addch(out, ' ');
		dump_name(d, n->name);
		break;
	case AST_CALL:
		strbuf_addstr(out, "(call ");
		dump(d, n->a, in);
		dump_list_inline(d, &n->list, in);
		break;
	case AST_ARG:
		if (!n->name) {
			dump(d, n->a, indent);
			return;
		}
		strbuf_addstr(out, "(arg ");
		dump_name(d, n->name);
		strbuf_addch(out, ' ');
		dump(d, n->a, indent);
		break;
	case AST_LIST:
		strbuf_addstr(out, "(list");
		if (list_is_tall(&n->list))
			dump_list_lines(d, &n->list, in);
		else
			dump_list_inline(d, &n->list, in);
		break;
	case AST_MAP:
		strbuf_addstr(out, "(map");
		dump_list_lines(d, &n->list, in);
		break;
	case AST_ARROW:
	case AST_BINARY:
		strbuf_addch(out, '(');
		strbuf_addstr(out, n->kind == AST_ARROW ? "->" : op_text(n->op));
		strbuf_addch(out, ' ');
		dump(d, n->a, in);
		strbuf_addch(out, ' ');
		dump(d, n->b, in);
		break;
	case AST_TAGGED:
		strbuf_addstr(out, "(tagged ");
		dump(d, n->a, in);
		strbuf_addch(out, ' ');
		dump_name(d, n->name);
		break;
	case AST_NEG:
		strbuf_addstr(out, "(neg ");
		dump(d, n->a, in);
		break;
	case AST_TYPE_NAME:
		if (n->a) {
			dump_name(d, n->a->name);
			strbuf_addch(out, '.');
		}
		dump_name(d, n->name);
		return;
	case AST_TYPE_LIST:
	case AST_TYPE_OPTIONAL:
		strbuf_addf(out, "(%s ", ast_kind_name(n->kind));
		dump(d, n->a, in);
		break;
	case AST_TYPE_MAP:
	case AST_TYPE_ARG:
		strbuf_addf(out, "(%s ", ast_kind_name(n->kind));
		dump(d, n->a, in);
		strbuf_addch(out, ' ');
		dump(d, n->b, in);
		break;
	case AST_TYPE_RANGE:
		strbuf_addstr(out, "(range ");
		dump(d, n->a, in);
		strbuf_addch(out, ' ');
		dump_opt(d, n->list.items[0], in);
		strbuf_addch(out, ' ');
		dump_opt(d, n->list.items[1], in);
		break;
	case AST_TYPE_PATTERN:
		strbuf_addstr(out, "(pattern ");
		dump(d, n->a, in);
		strbuf_addch(out, ' ');
		dump(d, n->b, in);
		break;
	case AST_TYPE_UNION:
		strbuf_addstr(out, "(one-of");
		dump_list_inline(d, &n->list, in);
		break;
	case AST_ERROR:
		strbuf_addstr(out, "(error");
		break;
	case AST_KIND_COUNT:
		abort();
	}
	strbuf_addch(out, ')');
}

void ast_dump(const struct ast_node *n, const struct source_set *src, struct strbuf *out)
{
	struct dumper d = { src, out };
	dump(&d, n, 0);
	strbuf_addch(out, '\n');
}

/* Kinds whose a/b storage holds a value instead of children. */
static bool has_children(const struct ast_node *n)
{
	switch ((enum ast_kind)n->kind) {
	case AST_INT:
	case AST_FLOAT:
	case AST_BOOL:
	case AST_DURATION:
	case AST_SIZE:
	case AST_STRING:
		return false;
	default:
		return true;
	}
}

static void verify_list(const struct ast_list *l, const struct source_set *src)
{
	assert(l->len == 0 || l->items);
	for (uint32_t i = 0; i < l->len; i++)
		ast_verify(l->items[i], src);
}

void ast_verify(const struct ast_node *n, const struct source_set *src)
{
	if (!n)
		return;
	assert(n->kind < AST_KIND_COUNT);
	assert(n->span.file < src->count);
	assert(n->span.lo <= n->span.hi && n->span.hi <= src->files[n->span.file].len);
	switch ((enum ast_kind)n->kind) {
	case AST_TYPEDEF:
	case AST_RECORD:
	case AST_ENUM:
	case AST_PROFILE:
	case AST_EXPORT:
	case AST_PARAM:
	case AST_TEMPLATE:
		assert(n->name);
		break;
	case AST_BLOCK:
		assert(n->decl && n->decl->kw);
		break;
	case AST_FIELD:
	case AST_ARG:
	case AST_TAGGED:
	case AST_NEG:
		assert(n->a);
		break;
	case AST_MEMBER:
		assert(n->a && n->name);
		break;
	case AST_ARROW:
	case AST_BINARY:
	case AST_TYPE_MAP:
	case AST_TYPE_ARG:
	case AST_TYPE_PATTERN:
		assert(n->a && n->b);
		break;
	case AST_TYPE_RANGE:
		assert(n->a && n->list.len == 2);
		break;
	default:
		break;
	}
	if (has_children(n)) {
		if (n->a)
			ast_verify(n->a, src);
		if (n->b)
			ast_verify(n->b, src);
	}
	if (n->kind != AST_TYPE_RANGE)
		verify_list(&n->list, src);
	struct ast_list body = ast_body(n);
	verify_list(&body, src);
}

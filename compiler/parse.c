/*
 * parse.c - recursive descent from tokens to the AST (grammar/orch.ebnf).
 *
 * Error handling follows the panic-mode scheme: the first error in an item
 * sets `panic`, which silences follow-on errors; the loop that owns the item
 * then skips to the item's end (a newline or ',' at the same bracket depth,
 * or the closing '}') and carries on.  So three independent mistakes give
 * three diagnostics.  A top-level keyword at column 1 inside a block means a
 * '}' is missing: the parser says which block is unclosed and unwinds to the
 * top level instead of reading the rest of the file as the block's body.
 */
#include "parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "diag.h"
#include "kinds.h"
#include "lex.h"
#include "orchc.h"
#include "vec.h"

typedef VEC(struct ast_node *) node_vec;

struct parser {
	struct orchc_ctx *ctx;
	struct lexer *lx;
	struct token tok, ahead;
	struct span prev;      /* the last consumed token */
	struct span last_real; /* the last consumed token that was not a newline */
	bool has_ahead;
	bool doc_taken;    /* tok.doc was attached to a node */
	bool panic;        /* an error was reported; silent until resync */
	bool eof_reported; /* an unclosed block at EOF was reported */
	bool unwinding;    /* a missing '}' was found: return to the top level */
	int depth;
	uint32_t open;    /* brackets consumed and not yet closed, for synchronize */
	node_vec scratch; /* items of the lists being parsed (take_list) */
	const struct sym *w_import, *w_as, *w_type, *w_record, *w_enum, *w_template,
		*w_profile, *w_export, *w_on, *w_any, *w_else;
};

/* ---- tokens --------------------------------------------------------------- */

static void warn_dangling_doc(struct parser *p)
{
	if (p->tok.doc.hi > p->tok.doc.lo && !p->doc_taken) {
		struct diag *d = diag_report(&p->ctx->diags, W0101, p->tok.doc,
					     "doc comment documents nothing");
		diag_help(&p->ctx->diags, d,
			  "put it right above a declaration or a field, or use '#' for a plain comment");
	}
}

static void next(struct parser *p)
{
	warn_dangling_doc(p);
	p->prev = p->tok.span;
	switch (p->tok.kind) {
	case TOK_LBRACE:
	case TOK_LBRACKET:
	case TOK_LPAREN:
		p->open++;
		break;
	case TOK_RBRACE:
	case TOK_RBRACKET:
	case TOK_RPAREN:
		if (p->open)
			p->open--;
		break;
	default:
		break;
	}
	if (p->tok.kind != TOK_NEWLINE)
		p->last_real = p->tok.span;
	if (p->has_ahead) {
		p->tok = p->ahead;
		p->has_ahead = false;
	} else {
		lex_next(p->lx, &p->tok);
	}
	p->doc_taken = false;
}

static const struct token *peek(struct parser *p)
{
	if (!p->has_ahead) {
		lex_next(p->lx, &p->ahead);
		p->has_ahead = true;
	}
	return &p->ahead;
}

static bool at(const struct parser *p, enum tok_kind k)
{
	return p->tok.kind == k;
}

static bool at_word(const struct parser *p, const struct sym *w)
{
	return p->tok.kind == TOK_IDENT && p->tok.v.sym == w;
}

static bool accept(struct parser *p, enum tok_kind k)
{
	if (!at(p, k))
		return false;
	next(p);
	return true;
}

static void skip_newlines(struct parser *p)
{
	while (at(p, TOK_NEWLINE))
		next(p);
}

static struct span take_doc(struct parser *p)
{
	p->doc_taken = true;
	return p->tok.doc;
}

/* Where to point at the current token: end of file errors point just past
 * the last real token rather than at an empty last line. */
static struct span here(const struct parser *p)
{
	if (at(p, TOK_EOF))
		return (struct span){ p->last_real.file, p->last_real.hi, p->last_real.hi };
	return p->tok.span;
}

static const char *describe(const struct parser *p, const struct token *t)
{
	static char buf[96];
	if (t->kind == TOK_IDENT) {
		snprintf(buf, sizeof buf, "'%.60s'", t->v.sym->name);
		return buf;
	}
	if (t->kind == TOK_STRING || t->kind == TOK_INT || t->kind == TOK_FLOAT) {
		uint32_t n = t->span.hi - t->span.lo;
		const char *text = p->ctx->sources.files[t->span.file].text + t->span.lo;
		const char *kind = tok_name(t->kind);
		if (n > 24 || memchr(text, '\n', n))
			return kind;
		snprintf(buf, sizeof buf, "%s %.*s", kind, (int)n, text);
		return buf;
	}
	return tok_name(t->kind);
}

/* ---- diagnostics ----------------------------------------------------------- */

/* Reports a syntax error and enters panic mode; NULL while already panicking. */
__attribute__((format(printf, 4, 5))) static struct diag *
syntax_error(struct parser *p, enum diag_code code, struct span sp, const char *fmt, ...)
{
	if (p->panic)
		return NULL;
	p->panic = true;
	if (p->tok.kind == TOK_ERROR)
		return NULL; /* the lexer has reported these characters */
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(&p->ctx->arena, fmt, ap);
	va_end(ap);
	return diag_report(&p->ctx->diags, code, sp, "%s", msg);
}

/* Reports an error that does not derail parsing (no panic mode). */
__attribute__((format(printf, 4, 5))) static struct diag *
report(struct parser *p, enum diag_code code, struct span sp, const char *fmt, ...)
{
	if (p->panic)
		return NULL;
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(&p->ctx->arena, fmt, ap);
	va_end(ap);
	return diag_report(&p->ctx->diags, code, sp, "%s", msg);
}

static struct diag *expected(struct parser *p, const char *what)
{
	return syntax_error(p, E0101, here(p), "expected %s, found %s", what,
			    describe(p, &p->tok));
}

static bool expect(struct parser *p, enum tok_kind k, const char *context)
{
	if (accept(p, k))
		return true;
	if (context)
		syntax_error(p, E0101, here(p), "expected %s %s, found %s", tok_name(k),
			     context, describe(p, &p->tok));
	else
		expected(p, tok_name(k));
	return false;
}

static struct source_pos position(struct parser *p, struct span sp)
{
	return source_locate(&p->ctx->sources, sp.file, sp.lo);
}

/*
 * Skips to the end of the current item: a separator, or the '}' closing the
 * enclosing block, once every bracket opened since the item began (`base`
 * is the count at its start) is closed again.  Brackets the failed item
 * left open are thereby skipped whole.  Clears panic mode.
 */
static void synchronize(struct parser *p, uint32_t base)
{
	while (!at(p, TOK_EOF)) {
		if (p->open <= base && (at(p, TOK_NEWLINE) || at(p, TOK_COMMA) || at(p, TOK_RBRACE)))
			break;
		bool stray = p->open <= base && (at(p, TOK_RBRACKET) || at(p, TOK_RPAREN));
		next(p);
		if (stray || p->open < base)
			p->open = base; /* a closer the item never opened */
	}
	p->panic = false;
}

/* Skips the rest of a block whose '{' was consumed, through its '}'. */
static void skip_to_closer(struct parser *p)
{
	int depth = 0;
	for (; !at(p, TOK_EOF); next(p)) {
		if (at(p, TOK_LBRACE) || at(p, TOK_LBRACKET) || at(p, TOK_LPAREN)) {
			depth++;
		} else if (at(p, TOK_RBRACE) && depth == 0) {
			next(p);
			break;
		} else if ((at(p, TOK_RBRACE) || at(p, TOK_RBRACKET) || at(p, TOK_RPAREN)) && depth) {
			depth--;
		}
	}
	p->panic = false;
}

static bool enter(struct parser *p)
{
	if (++p->depth <= PARSE_MAX_DEPTH)
		return true;
	struct diag *d = syntax_error(p, E0105, here(p), "nesting deeper than %d levels",
				      PARSE_MAX_DEPTH);
	if (d)
		diag_help(&p->ctx->diags, d, "split the value into named declarations");
	return false;
}

static void leave(struct parser *p)
{
	p->depth--;
}

/* ---- nodes ---------------------------------------------------------------- */

static struct ast_node *node(struct parser *p, enum ast_kind kind, struct span sp)
{
	struct ast_node *n = arena_alloc(&p->ctx->arena, sizeof *n);
	*n = (struct ast_node){ .kind = (uint8_t)kind, .span = sp }; /* fixed size: inlined */
	return n;
}

/* The declaration part of a block, template, profile or export. */
static struct ast_decl *decl_of(struct parser *p, struct ast_node *n)
{
	if (!n->decl)
		n->decl = arena_zalloc(&p->ctx->arena, sizeof *n->decl);
	return n->decl;
}

/* Attaches a doc comment; nodes without one stay without a decl. */
static void set_doc(struct parser *p, struct ast_node *n, struct span doc)
{
	if (doc.hi > doc.lo)
		decl_of(p, n)->doc = doc;
}

static struct ast_node *error_node(struct parser *p)
{
	return node(p, AST_ERROR, here(p));
}

/* Pushes a list item on the scratch stack.  A function, not vec_push
 * directly: `n` is often a parse call that pushes (and may move) the stack
 * itself, and must be evaluated before the stack is touched. */
static void push(struct parser *p, struct ast_node *n)
{
	vec_push(&p->scratch, n);
}

/* Moves the nodes pushed on the scratch stack since `base` into the arena.
 * Nested lists push above their parent's items and pop back before the
 * parent continues, so one stack serves every list of the file. */
static struct ast_list take_list(struct parser *p, size_t base)
{
	size_t n = p->scratch.len - base;
	if (n == 0)
		return (struct ast_list){ NULL, 0 };
	struct ast_list l = { vec_copy_to_arena(&p->ctx->arena, p->scratch.items + base, n,
						sizeof *p->scratch.items),
			      (uint32_t)n };
	p->scratch.len = base;
	return l;
}

/* Extends `n`'s span to the end of the last consumed token. */
static struct ast_node *close_span(struct parser *p, struct ast_node *n)
{
	if (p->prev.hi > n->span.hi && p->prev.file == n->span.file)
		n->span.hi = p->prev.hi;
	return n;
}

static struct ast_node *name_node(struct parser *p)
{
	struct ast_node *n = node(p, AST_NAME, p->tok.span);
	n->name = p->tok.v.sym;
	next(p);
	return n;
}

/* ---- expressions ---------------------------------------------------------- */

/* What an opener belongs to, for "expected '}' to close 'pod db'": kept as
 * two words and formatted only when an error is reported. */
struct owner {
	const char *word;
	const char *name; /* NULL: just the word */
};

static struct owner owner_of(const char *word, const struct sym *name)
{
	return (struct owner){ word, name ? name->name : NULL };
}

static const char *label(struct parser *p, struct owner o)
{
	if (!o.name)
		return arena_printf(&p->ctx->arena, "'%s'", o.word);
	return arena_printf(&p->ctx->arena, "'%s %s'", o.word, o.name);
}

static struct ast_node *parse_expr(struct parser *p);
static struct ast_node *parse_type(struct parser *p);
static struct ast_list parse_map_body(struct parser *p, struct token open, struct owner owner);

/* Reports an opener that the end of the file left open (once per file). */
static void unclosed_at_eof(struct parser *p, char closer, struct span open, struct owner o)
{
	if (p->eof_reported || p->lx->swallowed_closers)
		return;
	p->eof_reported = true;
	const char *owner = label(p, o);
	struct source_pos pos = position(p, open);
	struct diag *d = syntax_error(p, E0103, here(p),
				      "expected '%c' to close %s opened at %u:%u", closer,
				      owner, pos.line, pos.col);
	if (d)
		diag_note(&p->ctx->diags, d, open, "%s opened here", owner);
}

/* Called when a list or call finds neither a separator nor its closer. */
static void bad_separator(struct parser *p, char closer, struct span open, struct owner o)
{
	if (at(p, TOK_EOF)) {
		unclosed_at_eof(p, closer, open, o);
		return;
	}
	const char *owner = label(p, o);
	char what[32];
	snprintf(what, sizeof what, "',' or '%c'", closer);
	struct diag *d = expected(p, what);
	if (d) {
		struct source_pos pos = position(p, open);
		diag_note(&p->ctx->diags, d, open, "to close %s opened at %u:%u", owner,
			  pos.line, pos.col);
	}
}

/* string -> STRING ;  the parts of an interpolated string are parsed with a
 * sub-lexer bounded to the bytes between ${ and }. */
static struct ast_node *parse_string(struct parser *p)
{
	struct token t = p->tok;
	next(p);
	if (t.flags & TOKF_PLAIN) {
		struct ast_node *n = node(p, AST_STRING, t.span);
		uint32_t len = t.span.hi - t.span.lo - 2;
		n->v.s.ptr = arena_strndup(&p->ctx->arena, p->lx->text + t.span.lo + 1, len);
		n->v.s.len = len;
		return n;
	}
	struct string_part *parts;
	size_t nparts;
	lex_decode_string(p->lx, &t, &p->ctx->arena, &parts, &nparts);
	bool interp = false;
	for (size_t i = 0; i < nparts; i++)
		interp |= parts[i].is_expr;
	if (!interp) {
		struct ast_node *n = node(p, AST_STRING, t.span);
		n->v.s.ptr = nparts ? parts[0].text : "";
		n->v.s.len = nparts ? (uint32_t)parts[0].len : 0;
		free(parts);
		return n;
	}
	struct ast_node *n = node(p, AST_INTERP, t.span);
	size_t items = p->scratch.len;
	for (size_t i = 0; i < nparts; i++) {
		if (!parts[i].is_expr) {
			struct ast_node *s = node(p, AST_STRING, t.span);
			s->v.s.ptr = parts[i].text;
			s->v.s.len = (uint32_t)parts[i].len;
			push(p, s);
			continue;
		}
		/* Parse the interpolation with its own lexer, then resume. */
		struct lexer sub, *outer = p->lx;
		struct token saved_tok = p->tok, saved_ahead = p->ahead;
		struct span saved_prev = p->prev;
		struct span saved_last = p->last_real;
		bool saved_has_ahead = p->has_ahead, saved_doc_taken = p->doc_taken;
		bool saved_eof_reported = p->eof_reported;
		uint32_t saved_open = p->open;
		lex_init_sub(&sub, outer, parts[i].span.lo, parts[i].span.hi);
		p->lx = &sub;
		p->has_ahead = false;
		lex_next(&sub, &p->tok);
		struct ast_node *e = parse_expr(p);
		if (!at(p, TOK_EOF))
			syntax_error(p, E0101, p->tok.span,
				     "unexpected %s in interpolation; expected '}'",
				     describe(p, &p->tok));
		p->panic = false;
		p->lx = outer;
		p->tok = saved_tok;
		p->ahead = saved_ahead;
		p->prev = saved_prev;
		p->last_real = saved_last;
		p->has_ahead = saved_has_ahead;
		p->doc_taken = saved_doc_taken;
		p->eof_reported = saved_eof_reported;
		p->open = saved_open;
		push(p, e);
	}
	free(parts);
	n->list = take_list(p, items);
	return n;
}

/* list -> '[' { NL } [ element { sep { NL } element } [ sep ] ] { NL } ']'
 * element -> expr [ IDENT ] */
static struct ast_node *parse_list(struct parser *p)
{
	struct token open = p->tok;
	struct ast_node *n = node(p, AST_LIST, open.span);
	next(p);
	size_t items = p->scratch.len;
	for (;;) {
		skip_newlines(p);
		if (accept(p, TOK_RBRACKET))
			break;
		if (at(p, TOK_EOF)) {
			unclosed_at_eof(p, ']', open.span, owner_of("[", NULL));
			break;
		}
		struct ast_node *e = parse_expr(p);
		if (!p->panic && at(p, TOK_IDENT)) {
			struct ast_node *t = node(p, AST_TAGGED, span_join(e->span, p->tok.span));
			t->a = e;
			t->name = p->tok.v.sym;
			next(p);
			e = t;
		}
		push(p, e);
		if (p->panic)
			break;
		if (accept(p, TOK_COMMA) || accept(p, TOK_NEWLINE))
			continue;
		if (accept(p, TOK_RBRACKET))
			break;
		bad_separator(p, ']', open.span, owner_of("[", NULL));
		break;
	}
	n->list = take_list(p, items);
	return close_span(p, n);
}

/* args -> '(' { NL } [ arg { ',' { NL } arg } [ ',' ] ] { NL } ')'
 * arg  -> [ IDENT ':' ] expr */
static struct ast_list parse_args(struct parser *p)
{
	struct token open = p->tok;
	next(p);
	size_t args = p->scratch.len;
	bool named_seen = false;
	for (;;) {
		skip_newlines(p);
		if (accept(p, TOK_RPAREN))
			break;
		if (at(p, TOK_EOF)) {
			unclosed_at_eof(p, ')', open.span, owner_of("(", NULL));
			break;
		}
		struct ast_node *arg = node(p, AST_ARG, p->tok.span);
		if (at(p, TOK_IDENT) && peek(p)->kind == TOK_COLON) {
			arg->name = p->tok.v.sym;
			next(p);
			next(p);
			skip_newlines(p);
			named_seen = true;
		} else if (named_seen) {
			struct diag *d = report(p, E0112, p->tok.span,
						"positional argument after a named argument");
			if (d)
				diag_help(&p->ctx->diags, d,
					  "write it as name: value, or move it before the named ones");
		}
		arg->a = parse_expr(p);
		close_span(p, arg);
		push(p, arg);
		if (p->panic)
			break;
		skip_newlines(p);
		if (accept(p, TOK_COMMA))
			continue;
		if (accept(p, TOK_RPAREN))
			break;
		bad_separator(p, ')', open.span, owner_of("(", NULL));
		break;
	}
	return take_list(p, args);
}

/* primary -> INT | FLOAT | DURATION | SIZE | string | 'true' | 'false'
 *          | 'none' | IDENT | list | map | '(' expr ')' */
static struct ast_node *parse_primary(struct parser *p)
{
	struct ast_node *n;
	switch (p->tok.kind) {
	case TOK_INT:
	case TOK_DURATION:
	case TOK_SIZE:
		n = node(p, p->tok.kind == TOK_INT	  ? AST_INT
			    : p->tok.kind == TOK_DURATION ? AST_DURATION
							  : AST_SIZE,
			 p->tok.span);
		n->v.i = p->tok.v.i;
		next(p);
		return n;
	case TOK_FLOAT:
		n = node(p, AST_FLOAT, p->tok.span);
		n->v.f = p->tok.v.f;
		next(p);
		return n;
	case TOK_TRUE:
	case TOK_FALSE:
		n = node(p, AST_BOOL, p->tok.span);
		n->v.i = p->tok.kind == TOK_TRUE;
		next(p);
		return n;
	case TOK_NONE:
		n = node(p, AST_NONE, p->tok.span);
		next(p);
		return n;
	case TOK_STRING:
		return parse_string(p);
	case TOK_IDENT:
		return name_node(p);
	case TOK_LBRACKET:
		return parse_list(p);
	case TOK_LBRACE: {
		struct token open = p->tok;
		n = node(p, AST_MAP, open.span);
		n->list = parse_map_body(p, open, owner_of("{", NULL));
		return close_span(p, n);
	}
	case TOK_LPAREN: {
		struct token open = p->tok;
		next(p);
		skip_newlines(p);
		n = parse_expr(p);
		skip_newlines(p);
		if (!p->panic && !accept(p, TOK_RPAREN))
			bad_separator(p, ')', open.span, owner_of("(", NULL));
		return n;
	}
	default: {
		struct diag *d = syntax_error(p, E0106, here(p), "expected a value, found %s",
					      describe(p, &p->tok));
		if (d && at(p, TOK_NEWLINE))
			diag_help(&p->ctx->diags, d, "the value must start on the same line");
		return error_node(p);
	}
	}
}

/* postfix -> primary { '.' IDENT | args } */
static struct ast_node *parse_postfix(struct parser *p)
{
	struct ast_node *n = parse_primary(p);
	int links = 0;
	while (!p->panic) {
		/* Each link nests the chain a level deeper, and every pass over
		 * it recurses: a chain is as deep as it is long. */
		if ((at(p, TOK_DOT) || at(p, TOK_LPAREN)) && (links++, !enter(p)))
			break;
		if (at(p, TOK_DOT)) {
			next(p);
			if (!at(p, TOK_IDENT)) {
				expected(p, "a name after '.'");
				break;
			}
			struct ast_node *m = node(p, AST_MEMBER, span_join(n->span, p->tok.span));
			m->a = n;
			m->name = p->tok.v.sym;
			next(p);
			n = m;
		} else if (at(p, TOK_LPAREN)) {
			struct ast_node *c = node(p, AST_CALL, n->span);
			c->a = n;
			if (!enter(p)) {
				leave(p);
				break;
			}
			c->list = parse_args(p);
			leave(p);
			n = close_span(p, c);
		} else {
			break;
		}
	}
	p->depth -= links;
	return n;
}

/* unary -> '-' unary | postfix */
static struct ast_node *parse_unary(struct parser *p)
{
	if (!at(p, TOK_MINUS))
		return parse_postfix(p);
	struct span sp = p->tok.span;
	next(p);
	if (!enter(p))
		return error_node(p);
	struct ast_node *operand = parse_unary(p);
	leave(p);
	/* Fold negative literals so ranges and defaults stay literals. */
	if (operand->kind == AST_INT || operand->kind == AST_DURATION || operand->kind == AST_SIZE) {
		operand->v.i = -operand->v.i;
		operand->span = span_join(sp, operand->span);
		return operand;
	}
	if (operand->kind == AST_FLOAT) {
		operand->v.f = -operand->v.f;
		operand->span = span_join(sp, operand->span);
		return operand;
	}
	struct ast_node *n = node(p, AST_NEG, span_join(sp, operand->span));
	n->a = operand;
	return n;
}

static struct ast_node *binary(struct parser *p, enum tok_kind op, struct ast_node *a,
			       struct ast_node *b)
{
	struct ast_node *n = node(p, AST_BINARY, span_join(a->span, b->span));
	n->op = (uint8_t)op;
	n->a = a;
	n->b = b;
	return n;
}

/* mul -> unary { ('*' | '/') unary } */
static struct ast_node *parse_mul(struct parser *p)
{
	struct ast_node *n = parse_unary(p);
	int links = 0;
	while (!p->panic && (at(p, TOK_STAR) || at(p, TOK_SLASH))) {
		if (links++, !enter(p))
			break; /* a chain is as deep as it is long (parse_postfix) */
		enum tok_kind op = p->tok.kind;
		next(p);
		skip_newlines(p); /* an operator at a line's end continues it */
		n = binary(p, op, n, parse_unary(p));
	}
	p->depth -= links;
	return n;
}

/* add -> mul { ('+' | '-') mul } */
static struct ast_node *parse_add(struct parser *p)
{
	struct ast_node *n = parse_mul(p);
	int links = 0;
	while (!p->panic && (at(p, TOK_PLUS) || at(p, TOK_MINUS))) {
		if (links++, !enter(p))
			break; /* a chain is as deep as it is long (parse_postfix) */
		enum tok_kind op = p->tok.kind;
		next(p);
		skip_newlines(p);
		n = binary(p, op, n, parse_mul(p));
	}
	p->depth -= links;
	return n;
}

/* expr -> add [ '->' add ] */
static struct ast_node *parse_expr(struct parser *p)
{
	if (!enter(p)) {
		leave(p);
		return error_node(p);
	}
	struct ast_node *n = parse_add(p);
	if (!p->panic && at(p, TOK_ARROW)) {
		next(p);
		skip_newlines(p);
		struct ast_node *rhs = parse_add(p);
		struct ast_node *a = node(p, AST_ARROW, span_join(n->span, rhs->span));
		a->a = n;
		a->b = rhs;
		n = a;
	}
	leave(p);
	return n;
}

/* ---- types ---------------------------------------------------------------- */

/* bound -> [ '-' ] ( INT | FLOAT | DURATION | SIZE ) */
static struct ast_node *parse_bound(struct parser *p)
{
	if (at(p, TOK_DOTDOT) || at(p, TOK_RPAREN))
		return NULL;
	struct ast_node *n = parse_unary(p);
	if (n->kind != AST_INT && n->kind != AST_FLOAT && n->kind != AST_DURATION &&
	    n->kind != AST_SIZE && n->kind != AST_ERROR)
		syntax_error(p, E0107, n->span, "a range bound must be a number, duration or size");
	return n;
}

/* type_primary -> path [ '(' constraint ')' ] | '[' type ']' | '{' type ':' type '}'
 * constraint   -> [ bound ] '..' [ bound ] | PATTERN | STRING */
static struct ast_node *parse_type_primary(struct parser *p)
{
	struct span start = p->tok.span;
	if (accept(p, TOK_LBRACKET)) {
		struct ast_node *n = node(p, AST_TYPE_LIST, start);
		n->a = parse_type(p);
		if (!p->panic)
			expect(p, TOK_RBRACKET, "to close the list type");
		return close_span(p, n);
	}
	if (accept(p, TOK_LBRACE)) {
		struct ast_node *n = node(p, AST_TYPE_MAP, start);
		n->a = parse_type(p);
		if (!p->panic && expect(p, TOK_COLON, "between key and value types"))
			n->b = parse_type(p);
		if (!n->b)
			n->b = error_node(p);
		if (!p->panic)
			expect(p, TOK_RBRACE, "to close the map type");
		return close_span(p, n);
	}
	if (!at(p, TOK_IDENT)) {
		syntax_error(p, E0107, here(p), "expected a type, found %s", describe(p, &p->tok));
		return error_node(p);
	}
	struct ast_node *n = node(p, AST_TYPE_NAME, p->tok.span);
	n->name = p->tok.v.sym;
	next(p);
	if (at(p, TOK_DOT)) {
		next(p);
		if (!at(p, TOK_IDENT)) {
			expected(p, "a type name after '.'");
			return n;
		}
		struct ast_node *q = node(p, AST_NAME, n->span);
		q->name = n->name;
		n->a = q;
		n->name = p->tok.v.sym;
		n->span = span_join(n->span, p->tok.span);
		next(p);
	}
	if (!at(p, TOK_LPAREN))
		return n;
	next(p);
	struct ast_node *c;
	if (at(p, TOK_REGEX)) {
		c = node(p, AST_TYPE_PATTERN, n->span);
		uint32_t lo = p->tok.span.lo + 1, hi = p->tok.span.hi;
		const char *text = p->ctx->sources.files[p->tok.span.file].text;
		if (hi > lo && text[hi - 1] == '/')
			hi--;
		c->b = node(p, AST_STRING, (struct span){ p->tok.span.file, lo, hi });
		c->b->v.s.ptr = arena_strndup(&p->ctx->arena, text + lo, hi - lo);
		c->b->v.s.len = hi - lo;
		next(p);
	} else if (at(p, TOK_STRING)) {
		c = node(p, AST_TYPE_ARG, n->span);
		c->b = parse_string(p);
	} else {
		c = node(p, AST_TYPE_RANGE, n->span);
		struct ast_node **bounds = arena_zalloc(&p->ctx->arena, 2 * sizeof *bounds);
		bounds[0] = parse_bound(p);
		if (!p->panic && expect(p, TOK_DOTDOT, "in a range constraint (like 1..100)"))
			bounds[1] = parse_bound(p);
		c->list = (struct ast_list){ bounds, 2 };
	}
	c->a = n;
	if (!p->panic)
		expect(p, TOK_RPAREN, "to close the constraint");
	return close_span(p, c);
}

/* type_opt -> type_primary { '?' } */
static struct ast_node *parse_type_opt(struct parser *p)
{
	struct ast_node *n = parse_type_primary(p);
	int links = 0;
	while (!p->panic && at(p, TOK_QUESTION)) {
		if (links++, !enter(p))
			break; /* a chain is as deep as it is long (parse_postfix) */
		struct ast_node *o = node(p, AST_TYPE_OPTIONAL, span_join(n->span, p->tok.span));
		o->a = n;
		next(p);
		n = o;
	}
	p->depth -= links;
	return n;
}

/* type -> type_opt { [ NL ] '|' { NL } type_opt }
 * Two or more alternatives make a union; when every alternative is a bare
 * name that names no type, the checker reads it as an enum (a | b | c). */
static struct ast_node *parse_type(struct parser *p)
{
	if (!enter(p)) {
		leave(p);
		return error_node(p);
	}
	struct ast_node *first = parse_type_opt(p);
	if (!p->panic && at(p, TOK_NEWLINE) && peek(p)->kind == TOK_PIPE)
		next(p);
	if (p->panic || !at(p, TOK_PIPE)) {
		leave(p);
		return first;
	}
	struct ast_node *n = node(p, AST_TYPE_UNION, first->span);
	size_t members = p->scratch.len;
	push(p, first);
	while (accept(p, TOK_PIPE)) {
		skip_newlines(p);
		push(p, parse_type_opt(p));
		if (p->panic)
			break;
		if (at(p, TOK_NEWLINE) && peek(p)->kind == TOK_PIPE)
			next(p); /* a line may start with '|' */
	}
	n->list = take_list(p, members);
	leave(p);
	return close_span(p, n);
}

/* param -> IDENT ':' type [ '=' expr ] */
static struct ast_node *parse_param(struct parser *p)
{
	struct ast_node *n = node(p, AST_PARAM, p->tok.span);
	set_doc(p, n, take_doc(p));
	if (!at(p, TOK_IDENT)) {
		expected(p, "a parameter name");
		n->kind = AST_ERROR;
		return n;
	}
	n->name = p->tok.v.sym;
	next(p);
	if (!expect(p, TOK_COLON, "and a type after the name")) {
		n->a = error_node(p);
		return n;
	}
	n->a = parse_type(p);
	if (!p->panic && accept(p, TOK_ASSIGN))
		n->b = parse_expr(p);
	return close_span(p, n);
}

/* ---- items ---------------------------------------------------------------- */

static struct ast_node *parse_item(struct parser *p, enum block_kind parent);

static bool is_top_keyword(const struct parser *p, const struct sym *s)
{
	return s == p->w_import || s == p->w_type || s == p->w_record || s == p->w_enum ||
	       s == p->w_template || s == p->w_profile ||
	       (kind_of(s) != KIND_COUNT && kind_allows(KIND_TOP, kind_of(s)));
}

/* A declaration word at column 1, followed by a name, inside a block: the
 * block's '}' is missing. */
static bool looks_like_new_declaration(struct parser *p)
{
	uint32_t lo = p->tok.span.lo;
	if (!at(p, TOK_IDENT) || (lo > 0 && p->lx->text[lo - 1] != '\n') ||
	    !is_top_keyword(p, p->tok.v.sym))
		return false;
	enum tok_kind k = peek(p)->kind;
	return k == TOK_IDENT || k == TOK_STRING;
}

/*
 * body -> '{' { sep } [ item { sep { sep } item } ] { sep } '}'
 * sep  -> NL | ','
 * Parses the items of a block of kind `kind` (KIND_COUNT: unknown kind,
 * children unchecked) after its opening brace token `open`.
 */
static struct ast_list parse_body(struct parser *p, enum block_kind kind, struct token open,
				  struct owner o)
{
	size_t items = p->scratch.len;
	next(p); /* '{' */
	if (!enter(p)) {
		leave(p);
		skip_to_closer(p);
		return take_list(p, items);
	}
	for (;;) {
		while (at(p, TOK_NEWLINE) || at(p, TOK_COMMA))
			next(p);
		uint32_t base = p->open;
		if (p->unwinding)
			break;
		if (accept(p, TOK_RBRACE))
			break;
		if (at(p, TOK_EOF)) {
			unclosed_at_eof(p, '}', open.span, o);
			break;
		}
		if (looks_like_new_declaration(p)) {
			const char *owner = label(p, o);
			struct source_pos pos = position(p, open.span);
			struct diag *d = syntax_error(p, E0103, here(p),
						      "expected '}' to close %s opened at %u:%u",
						      owner, pos.line, pos.col);
			if (d) {
				diag_note(&p->ctx->diags, d, open.span, "%s opened here", owner);
				diag_help(&p->ctx->diags, d,
					  "'%s' at the start of a line begins a new declaration; "
					  "add the missing '}' before it",
					  p->tok.v.sym->name);
			}
			p->panic = false;
			p->unwinding = true;
			break;
		}
		struct ast_node *item = parse_item(p, kind);
		push(p, item);
		if (p->unwinding)
			break;
		if (p->panic) {
			synchronize(p, base);
			continue;
		}
		if (at(p, TOK_NEWLINE) || at(p, TOK_COMMA) || at(p, TOK_RBRACE) || at(p, TOK_EOF))
			continue;
		struct diag *d = syntax_error(p, E0111, here(p),
					      "expected a newline or ',' after the item, found %s",
					      describe(p, &p->tok));
		if (d)
			diag_help(&p->ctx->diags, d, "put each item on its own line or separate them with ','");
		synchronize(p, base);
	}
	leave(p);
	return take_list(p, items);
}

/* map_body -> '{' { sep } [ entry { sep { sep } entry } ] { sep } '}'
 * entry    -> ( IDENT | STRING ) ( '=' expr | map_body ) */
static struct ast_list parse_map_body(struct parser *p, struct token open, struct owner o)
{
	size_t items = p->scratch.len;
	next(p); /* '{' */
	if (!enter(p)) {
		leave(p);
		skip_to_closer(p);
		return take_list(p, items);
	}
	for (;;) {
		while (at(p, TOK_NEWLINE) || at(p, TOK_COMMA))
			next(p);
		uint32_t base = p->open;
		if (p->unwinding || accept(p, TOK_RBRACE))
			break;
		if (at(p, TOK_EOF)) {
			unclosed_at_eof(p, '}', open.span, o);
			break;
		}
		struct ast_node *f = node(p, AST_FIELD, p->tok.span);
		set_doc(p, f, take_doc(p));
		if (at(p, TOK_IDENT)) {
			f->name = p->tok.v.sym;
			next(p);
		} else if (at(p, TOK_STRING)) {
			struct ast_node *key = parse_string(p);
			if (key->kind != AST_STRING) {
				syntax_error(p, E0101, key->span, "a map key cannot be interpolated");
			} else {
				f->name = intern(&p->ctx->names,
						 (struct str){ key->v.s.ptr, key->v.s.len });
			}
		} else {
			expected(p, "a key (a name or a \"string\")");
		}
		if (!p->panic) {
			if (accept(p, TOK_ASSIGN)) {
				f->a = parse_expr(p);
			} else if (at(p, TOK_LBRACE)) {
				struct token inner = p->tok;
				struct ast_node *m = node(p, AST_MAP, inner.span);
				m->list = parse_map_body(p, inner, owner_of(f->name->name, NULL));
				f->a = close_span(p, m);
			} else {
				expected(p, "'=' or '{' after the key");
			}
		}
		if (!f->a)
			f->a = error_node(p);
		if (!f->name)
			f->kind = AST_ERROR;
		push(p, close_span(p, f));
		if (p->unwinding)
			break;
		if (p->panic) {
			synchronize(p, base);
			continue;
		}
		if (at(p, TOK_NEWLINE) || at(p, TOK_COMMA) || at(p, TOK_RBRACE) || at(p, TOK_EOF))
			continue;
		struct diag *d = syntax_error(p, E0111, here(p),
					      "expected a newline or ',' after the entry, found %s",
					      describe(p, &p->tok));
		if (d)
			diag_help(&p->ctx->diags, d, "put each entry on its own line or separate them with ','");
		synchronize(p, base);
	}
	leave(p);
	return take_list(p, items);
}

/* Checks that `kind_tok` names a kind that `parent` may hold; reports E0104
 * otherwise.  Returns the kind, or KIND_COUNT when unknown or misplaced. */
static enum block_kind check_kind(struct parser *p, enum block_kind parent, struct token kind_tok)
{
	struct str word = sym_str(kind_tok.v.sym);
	enum block_kind k = kind_of(kind_tok.v.sym);
	if (parent == KIND_COUNT)
		return k; /* inside an unknown block: nothing to check against */
	if (k != KIND_COUNT && kind_allows(parent, k))
		return k;
	const char *where = parent == KIND_TOP ? "the top level" : kind_word(parent);
	struct diag *d;
	if (k == KIND_COUNT)
		d = report(p, E0104, kind_tok.span, "unknown block kind '%s' in %s%s",
			   kind_tok.v.sym->name, parent == KIND_TOP ? "" : "a ", where);
	else
		d = report(p, E0104, kind_tok.span, "a '%s' block cannot appear in %s%s",
			   kind_tok.v.sym->name, parent == KIND_TOP ? "" : "a ", where);
	if (d) {
		const char *guess = kind_suggest(parent, word);
		struct strbuf kinds;
		strbuf_init(&kinds);
		kind_list_children(parent, &kinds);
		if (guess && k == KIND_COUNT)
			diag_help(&p->ctx->diags, d, "did you mean '%s'?", guess);
		else if (kinds.len)
			diag_help(&p->ctx->diags, d, "%s%s holds: %s",
				  parent == KIND_TOP ? "" : "a ",
				  parent == KIND_TOP ? "the top level" : where, kinds.buf);
		else
			diag_help(&p->ctx->diags, d, "a %s holds fields only", where);
		strbuf_release(&kinds);
	}
	return KIND_COUNT;
}

/* export -> 'export' IDENT '(' [ param { ',' param } ] ')' [ '->' type ] [ body ] */
static struct ast_node *parse_export(struct parser *p, struct ast_node *n)
{
	n->kind = AST_EXPORT;
	if (!at(p, TOK_IDENT)) {
		expected(p, "the exported function's name");
		return n;
	}
	n->name = p->tok.v.sym;
	next(p);
	struct token open = p->tok;
	if (!expect(p, TOK_LPAREN, "and its parameters after the function name"))
		return n;
	size_t params = p->scratch.len;
	for (;;) {
		skip_newlines(p);
		if (accept(p, TOK_RPAREN))
			break;
		push(p, parse_param(p));
		if (p->panic)
			break;
		skip_newlines(p);
		if (accept(p, TOK_COMMA))
			continue;
		if (accept(p, TOK_RPAREN))
			break;
		bad_separator(p, ')', open.span, owner_of("(", NULL));
		break;
	}
	n->list = take_list(p, params);
	if (!p->panic && accept(p, TOK_ARROW))
		n->a = parse_type(p);
	if (!p->panic && at(p, TOK_LBRACE))
		decl_of(p, n)->body = parse_body(p, KIND_EXPORT, p->tok, owner_of("export", n->name));
	return close_span(p, n);
}

/* The 'on' of a step, allowing one typo ("onn") for a better message. */
static bool at_on(struct parser *p)
{
	if (at_word(p, p->w_on))
		return true;
	if (at(p, TOK_IDENT) && edit_distance(sym_str(p->tok.v.sym), STR_LIT("on"), 1) <= 1 &&
	    p->tok.v.sym->len <= 3) {
		struct diag *d = syntax_error(p, E0108, p->tok.span,
					      "expected 'on' after the step, found '%s'",
					      p->tok.v.sym->name);
		if (d)
			diag_help(&p->ctx->diags, d, "did you mean 'on'?");
	}
	return false;
}

/* step -> IDENT '.' IDENT 'on' ( 'any' | IDENT ) { 'else' IDENT }
 * `target` is the already-parsed module.function path. */
static struct ast_node *parse_step(struct parser *p, struct ast_node *target)
{
	struct ast_node *step = node(p, AST_STEP, target->span);
	step->a = target;
	if (target->kind != AST_MEMBER || target->a->kind != AST_NAME) {
		syntax_error(p, E0108, target->span,
			     "a deployment step names one module function: module.function");
		return step;
	}
	if (!at_on(p)) {
		struct diag *d = syntax_error(p, E0108, here(p),
					      "expected 'on DEVICE' or 'on any' after '%s.%s', found %s",
					      target->a->name->name, target->name->name,
					      describe(p, &p->tok));
		if (d)
			diag_help(&p->ctx->diags, d, "place the step: %s.%s on any",
				  target->a->name->name, target->name->name);
		return step;
	}
	next(p);
	size_t devices = p->scratch.len;
	if (at_word(p, p->w_any)) {
		step->flags |= AST_ON_ANY;
		next(p);
	} else if (at(p, TOK_IDENT)) {
		push(p, name_node(p));
	} else {
		syntax_error(p, E0108, here(p), "expected a device name or 'any' after 'on', found %s",
			     describe(p, &p->tok));
	}
	while (!p->panic && at_word(p, p->w_else)) {
		next(p);
		if (!at(p, TOK_IDENT)) {
			syntax_error(p, E0108, here(p), "expected a failover device after 'else', found %s",
				     describe(p, &p->tok));
			break;
		}
		push(p, name_node(p));
	}
	step->list = take_list(p, devices);
	return close_span(p, step);
}

/* path -> IDENT { '.' IDENT }    (returns AST_NAME or nested AST_MEMBER) */
static struct ast_node *parse_path(struct parser *p)
{
	struct ast_node *n = name_node(p);
	while (at(p, TOK_DOT)) {
		next(p);
		if (!at(p, TOK_IDENT)) {
			expected(p, "a name after '.'");
			break;
		}
		struct ast_node *m = node(p, AST_MEMBER, span_join(n->span, p->tok.span));
		m->a = n;
		m->name = p->tok.v.sym;
		next(p);
		n = m;
	}
	return n;
}

/* chain -> step { [ NL ] '->' step } */
static struct ast_node *parse_chain(struct parser *p, struct ast_node *first)
{
	struct ast_node *chain = node(p, AST_CHAIN, first->span);
	size_t steps = p->scratch.len;
	push(p, parse_step(p, first));
	while (!p->panic) {
		if (at(p, TOK_NEWLINE) && peek(p)->kind == TOK_ARROW)
			next(p);
		if (!accept(p, TOK_ARROW))
			break;
		skip_newlines(p);
		if (!at(p, TOK_IDENT)) {
			syntax_error(p, E0108, here(p), "expected module.function after '->', found %s",
				     describe(p, &p->tok));
			break;
		}
		push(p, parse_step(p, parse_path(p)));
	}
	chain->list = take_list(p, steps);
	return close_span(p, chain);
}

/* Flattens a dotted path into its AST_NAME segments. */
static struct ast_list path_segments(struct parser *p, struct ast_node *path)
{
	uint32_t n = 1;
	for (struct ast_node *m = path; m->kind == AST_MEMBER; m = m->a)
		n++;
	struct ast_node **segs = arena_alloc(&p->ctx->arena, n * sizeof *segs);
	uint32_t i = n;
	struct ast_node *m = path;
	while (m->kind == AST_MEMBER) {
		struct ast_node *s = node(p, AST_NAME, m->span);
		s->span.lo = m->span.hi - m->name->len;
		s->name = m->name;
		segs[--i] = s;
		m = m->a;
	}
	segs[--i] = m;
	return (struct ast_list){ segs, n };
}

/* A named block after its kind word: `kind name ( body | '=' expr [ body ] )`. */
static struct ast_node *parse_block_rest(struct parser *p, struct ast_node *n,
					 enum block_kind kind, struct token kind_tok)
{
	n->name = p->tok.v.sym;
	next(p);
	struct owner o = owner_of(kind_tok.v.sym->name, n->name);
	if (accept(p, TOK_ASSIGN)) {
		n->a = parse_expr(p);
		if (!p->panic && at(p, TOK_LBRACE)) {
			n->flags |= AST_HAS_BODY;
			decl_of(p, n)->body = parse_body(p, kind, p->tok, o);
		}
	} else if (at(p, TOK_LBRACE)) {
		n->flags |= AST_HAS_BODY;
		decl_of(p, n)->body = parse_body(p, kind, p->tok, o);
	} else {
		syntax_error(p, E0101, here(p), "expected '{' or '=' after %s, found %s", label(p, o),
			     describe(p, &p->tok));
	}
	return close_span(p, n);
}

/*
 * item  -> field | block | export | chain
 * field -> path ( '=' expr | map_body )
 * block -> IDENT IDENT ( body | '=' expr [ body ] )
 */
static struct ast_node *parse_item(struct parser *p, enum block_kind parent)
{
	struct span doc = take_doc(p);
	if (!at(p, TOK_IDENT)) {
		expected(p, parent == KIND_PROFILE ? "an overlay (path = value) or '}'"
						    : "a field, a block or '}'");
		return error_node(p);
	}
	struct token first = p->tok;
	enum tok_kind after = peek(p)->kind;

	if (after == TOK_IDENT) {
		struct ast_node *n = node(p, AST_BLOCK, first.span);
		set_doc(p, n, doc);
		decl_of(p, n)->kw = first.v.sym;
		next(p);
		if (first.v.sym == p->w_export && parent != KIND_COUNT && kind_allows(parent, KIND_EXPORT))
			return parse_export(p, n);
		enum block_kind kind = check_kind(p, parent, first);
		return parse_block_rest(p, n, kind, first);
	}

	struct ast_node *path = parse_path(p);
	if (p->panic)
		return path;
	/* In a deployment a dotted path starts a step; elsewhere only a
	 * following 'on' or '->' makes it one. */
	if (path->kind == AST_MEMBER &&
	    ((parent == KIND_DEPLOYMENT && !at(p, TOK_ASSIGN) && !at(p, TOK_LBRACE)) ||
	     at_word(p, p->w_on) || at(p, TOK_ARROW) || at_on(p)))
		return parse_chain(p, path);
	if (p->panic)
		return path;

	struct ast_node *f = node(p, AST_FIELD, first.span);
	set_doc(p, f, doc);
	f->name = path->name;
	if (path->kind == AST_MEMBER) {
		f->list = path_segments(p, path);
		if (parent != KIND_PROFILE) {
			struct diag *d = report(p, E0110, path->span,
						"a dotted field name is only allowed in a profile");
			if (d)
				diag_help(&p->ctx->diags, d,
					  "set '%s' inside its own block, or move this line into a profile",
					  f->name->name);
		}
	}
	if (accept(p, TOK_ASSIGN)) {
		f->a = parse_expr(p);
	} else if (at(p, TOK_LBRACE)) {
		struct token open = p->tok;
		struct ast_node *m = node(p, AST_MAP, open.span);
		m->list = parse_map_body(p, open, owner_of(f->name->name, NULL));
		f->a = close_span(p, m);
	} else {
		struct diag *d = syntax_error(p, E0101, here(p),
					      "expected '=' or '{' after '%s', found %s",
					      f->name->name, describe(p, &p->tok));
		if (d && at(p, TOK_NEWLINE) && path->kind == AST_MEMBER)
			diag_help(&p->ctx->diags, d,
				  "a deployment step needs a placement: %s on any", f->name->name);
		f->a = error_node(p);
	}
	return close_span(p, f);
}

/* ---- declarations ---------------------------------------------------------- */

/* import -> 'import' STRING [ 'as' IDENT ] */
static struct ast_node *parse_import(struct parser *p, struct span doc)
{
	struct ast_node *n = node(p, AST_IMPORT, p->tok.span);
	set_doc(p, n, doc);
	next(p);
	if (!at(p, TOK_STRING)) {
		expected(p, "a module path string after 'import'");
		n->a = error_node(p);
		return n;
	}
	n->a = parse_string(p);
	if (n->a->kind != AST_STRING) {
		syntax_error(p, E0101, n->a->span, "an import path cannot be interpolated");
		n->a->kind = AST_ERROR;
	}
	if (at_word(p, p->w_as)) {
		next(p);
		if (at(p, TOK_IDENT))
			n->name = name_node(p)->name;
		else
			expected(p, "a name after 'as'");
	}
	return close_span(p, n);
}

/* type_decl -> 'type' IDENT '=' type */
static struct ast_node *parse_typedef(struct parser *p, struct ast_node *n)
{
	n->kind = AST_TYPEDEF;
	n->name = p->tok.v.sym;
	next(p);
	if (expect(p, TOK_ASSIGN, "after the type's name"))
		n->a = parse_type(p);
	else
		n->a = error_node(p);
	return close_span(p, n);
}

/* record_decl -> 'record' IDENT '{' { sep } [ param { sep { sep } param } ] { sep } '}'
 * enum_decl   -> 'enum' IDENT '{' { sep } [ IDENT { sep { sep } IDENT } ] { sep } '}' */
static struct ast_node *parse_members(struct parser *p, struct ast_node *n, bool is_record)
{
	n->kind = is_record ? AST_RECORD : AST_ENUM;
	n->name = p->tok.v.sym;
	next(p);
	struct token open = p->tok;
	if (!expect(p, TOK_LBRACE, is_record ? "to start the record's fields" : "to start the enum's members"))
		return n;
	struct owner owner = owner_of(is_record ? "record" : "enum", n->name);
	size_t items = p->scratch.len;
	for (;;) {
		while (at(p, TOK_NEWLINE) || at(p, TOK_COMMA))
			next(p);
		uint32_t base = p->open;
		if (accept(p, TOK_RBRACE))
			break;
		if (at(p, TOK_EOF)) {
			unclosed_at_eof(p, '}', open.span, owner);
			break;
		}
		if (is_record) {
			push(p, parse_param(p));
		} else if (at(p, TOK_IDENT)) {
			struct span doc = take_doc(p);
			struct ast_node *m = name_node(p);
			set_doc(p, m, doc);
			push(p, m);
		} else {
			expected(p, "an enum member name");
		}
		if (p->panic) {
			synchronize(p, base);
			continue;
		}
		if (!at(p, TOK_NEWLINE) && !at(p, TOK_COMMA) && !at(p, TOK_RBRACE) && !at(p, TOK_EOF)) {
			syntax_error(p, E0111, here(p), "expected a newline or ',' after the %s, found %s",
				     is_record ? "field" : "member", describe(p, &p->tok));
			synchronize(p, base);
		}
	}
	n->list = take_list(p, items);
	return close_span(p, n);
}

/* template_decl -> 'template' IDENT '(' [ param { ',' param } ] ')' IDENT body */
static struct ast_node *parse_template(struct parser *p, struct ast_node *n)
{
	n->kind = AST_TEMPLATE;
	n->name = p->tok.v.sym;
	next(p);
	struct token open = p->tok;
	if (!expect(p, TOK_LPAREN, "and its parameters after the template's name"))
		return n;
	size_t params = p->scratch.len;
	for (;;) {
		skip_newlines(p);
		if (accept(p, TOK_RPAREN))
			break;
		push(p, parse_param(p));
		if (p->panic)
			break;
		skip_newlines(p);
		if (accept(p, TOK_COMMA))
			continue;
		if (accept(p, TOK_RPAREN))
			break;
		bad_separator(p, ')', open.span, owner_of("(", NULL));
		break;
	}
	n->list = take_list(p, params);
	if (p->panic)
		return n;
	if (!at(p, TOK_IDENT)) {
		struct diag *d = expected(p, "the kind of block the template makes (service, job, ...)");
		if (d)
			diag_help(&p->ctx->diags, d, "write: template %s(...) service { ... }",
				  n->name->name);
		return n;
	}
	struct token kind_tok = p->tok;
	decl_of(p, n)->kw = kind_tok.v.sym;
	next(p);
	enum block_kind kind = kind_of(kind_tok.v.sym);
	if (kind == KIND_COUNT || kind == KIND_PROFILE) {
		struct diag *d = report(p, E0104, kind_tok.span, "unknown block kind '%s' for a template",
					kind_tok.v.sym->name);
		const char *guess = NULL;
		size_t best = 3;
		for (int k = 1; k < KIND_COUNT; k++) {
			size_t dist = edit_distance(sym_str(kind_tok.v.sym), str_from(kind_word(k)), 2);
			if (dist < best)
				best = dist, guess = kind_word(k);
		}
		if (d && guess)
			diag_help(&p->ctx->diags, d, "did you mean '%s'?", guess);
		kind = KIND_COUNT;
	}
	if (!at(p, TOK_LBRACE)) {
		expected(p, "'{' to start the template's body");
		return n;
	}
	n->flags |= AST_HAS_BODY;
	decl_of(p, n)->body = parse_body(p, kind, p->tok, owner_of("template", n->name));
	return close_span(p, n);
}

static const char *const top_words[] = {
	"import", "type", "record", "enum", "template", "profile",
	"stack", "catalog", "fleet", "target",
};

/* decl -> import | type_decl | record_decl | enum_decl | template_decl
 *       | profile_decl | block */
static struct ast_node *parse_decl(struct parser *p, bool *seen_decl)
{
	struct span doc = take_doc(p);
	if (!at(p, TOK_IDENT)) {
		struct diag *d = syntax_error(p, E0102, here(p), "expected a declaration, found %s",
					      describe(p, &p->tok));
		if (d && at(p, TOK_RBRACE))
			diag_help(&p->ctx->diags, d, "this '}' closes nothing; remove it");
		return error_node(p);
	}
	const struct sym *w = p->tok.v.sym;
	if (w == p->w_import) {
		if (*seen_decl)
			report(p, E0109, p->tok.span, "imports must come before every declaration");
		return parse_import(p, doc);
	}
	*seen_decl = true;
	enum tok_kind after = peek(p)->kind;
	struct ast_node *n = node(p, AST_BLOCK, p->tok.span);
	set_doc(p, n, doc);
	struct token kw = p->tok;
	if (after == TOK_IDENT) {
		next(p);
		if (w == p->w_type)
			return parse_typedef(p, n);
		if (w == p->w_record || w == p->w_enum)
			return parse_members(p, n, w == p->w_record);
		if (w == p->w_template)
			return parse_template(p, n);
		if (w == p->w_profile) {
			n->kind = AST_PROFILE;
			n->name = p->tok.v.sym;
			next(p);
			struct token open = p->tok;
			if (!at(p, TOK_LBRACE)) {
				expected(p, "'{' to start the profile");
				return n;
			}
			decl_of(p, n)->body = parse_body(p, KIND_PROFILE, open, owner_of("profile", n->name));
			return close_span(p, n);
		}
		decl_of(p, n)->kw = w;
		enum block_kind kind = kind_of(w);
		if (kind == KIND_COUNT || !kind_allows(KIND_TOP, kind)) {
			struct diag *d = report(p, E0102, kw.span, "unknown declaration '%s'", w->name);
			const char *guess = NULL;
			size_t best = 3;
			for (size_t i = 0; i < sizeof top_words / sizeof top_words[0]; i++) {
				size_t dist = edit_distance(sym_str(w), str_from(top_words[i]), 2);
				if (dist < best)
					best = dist, guess = top_words[i];
			}
			if (d && guess)
				diag_help(&p->ctx->diags, d, "did you mean '%s'?", guess);
			else if (d)
				diag_help(&p->ctx->diags, d,
					  "a file holds import, type, record, enum, template, "
					  "stack, catalog, fleet, target and profile declarations");
			kind = KIND_COUNT;
		}
		return parse_block_rest(p, n, kind, kw);
	}
	struct diag *d = syntax_error(p, E0102, kw.span, "expected a declaration, found %s",
				      describe(p, &p->tok));
	if (d && (after == TOK_ASSIGN || after == TOK_LBRACE))
		diag_help(&p->ctx->diags, d,
			  "fields belong inside a block such as 'stack NAME { ... }'");
	else if (d && is_top_keyword(p, w))
		diag_help(&p->ctx->diags, d, "'%s' needs a name: %s NAME { ... }", w->name, w->name);
	return error_node(p);
}

/* program -> { sep } [ decl { sep { sep } decl } ] { sep } EOF */
struct ast_node *parse_file(struct orchc_ctx *ctx, uint32_t file)
{
	struct source_file *f = &ctx->sources.files[file];
	struct lexer lx;
	lex_init(&lx, f->text, file, 0, f->len, &ctx->diags, &ctx->names);
	struct parser p = { 0 };
	p.ctx = ctx;
	p.lx = &lx;
	struct interner *in = &ctx->names;
	p.w_import = intern_cstr(in, "import");
	p.w_as = intern_cstr(in, "as");
	p.w_type = intern_cstr(in, "type");
	p.w_record = intern_cstr(in, "record");
	p.w_enum = intern_cstr(in, "enum");
	p.w_template = intern_cstr(in, "template");
	p.w_profile = intern_cstr(in, "profile");
	p.w_export = intern_cstr(in, "export");
	p.w_on = intern_cstr(in, "on");
	p.w_any = intern_cstr(in, "any");
	p.w_else = intern_cstr(in, "else");
	kinds_intern(in);
	lex_next(&lx, &p.tok);
	p.prev = (struct span){ file, 0, 0 };
	p.last_real = p.prev;

	struct ast_node *root = node(&p, AST_FILE, (struct span){ file, 0, f->len });
	size_t decls = p.scratch.len;
	bool seen_decl = false;
	for (;;) {
		while (at(&p, TOK_NEWLINE) || at(&p, TOK_COMMA))
			next(&p);
		p.unwinding = false;
		p.open = 0; /* every top-level declaration starts afresh */
		if (at(&p, TOK_EOF))
			break;
		struct ast_node *d = parse_decl(&p, &seen_decl);
		push(&p, d);
		if (p.unwinding)
			continue;
		if (p.panic) {
			synchronize(&p, 0);
			if (at(&p, TOK_RBRACE))
				next(&p); /* a stray closer at the top level */
			continue;
		}
		if (!at(&p, TOK_NEWLINE) && !at(&p, TOK_COMMA) && !at(&p, TOK_EOF)) {
			syntax_error(&p, E0111, here(&p),
				     "expected a newline after the declaration, found %s",
				     describe(&p, &p.tok));
			synchronize(&p, 0);
			if (at(&p, TOK_RBRACE))
				next(&p);
		}
	}
	warn_dangling_doc(&p);
	root->list = take_list(&p, decls);
	vec_free(&p.scratch);
	return root;
}

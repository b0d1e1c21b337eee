/*
 * lex.h - the tokenizer: source bytes -> tokens, on demand.
 *
 * The parser pulls one token at a time (with one token of lookahead), so the
 * token stream of a large program is never held in memory.  String literals
 * come out whole; lex_decode_string() later splits them into literal text
 * and ${...} interpolations, each of which the parser lexes again with a
 * sub-lexer bounded to its bytes.
 */
#ifndef ORCHC_LEX_H
#define ORCHC_LEX_H

#include <stdbool.h>
#include <stdint.h>

#include "source.h"
#include "str.h"

struct diag_list;
struct interner;
struct arena;
struct sym;

enum tok_kind {
	TOK_EOF,
	TOK_NEWLINE,
	TOK_IDENT,
	TOK_INT,
	TOK_FLOAT,
	TOK_DURATION, /* value in milliseconds */
	TOK_SIZE,     /* value in bytes */
	TOK_STRING,   /* "..." or """...""", undecoded */
	TOK_REGEX,    /* /.../ right after `string(` */
	TOK_TRUE,
	TOK_FALSE,
	TOK_NONE,
	TOK_LBRACE,
	TOK_RBRACE,
	TOK_LBRACKET,
	TOK_RBRACKET,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_COMMA,
	TOK_ASSIGN,
	TOK_COLON,
	TOK_DOT,
	TOK_DOTDOT,
	TOK_ARROW,
	TOK_QUESTION,
	TOK_PIPE,
	TOK_PLUS,
	TOK_MINUS,
	TOK_STAR,
	TOK_SLASH,
	TOK_ERROR, /* characters already reported as invalid */
	TOK_COUNT
};

/* Facts about a TOK_STRING found while scanning it. */
enum token_flag {
	TOKF_CLOSED = 1, /* the closing quote is there */
	TOKF_PLAIN = 2,  /* one line, no escapes, no ${}: the bytes are the value */
};

struct token {
	enum tok_kind kind;
	uint8_t flags; /* enum token_flag */
	struct span span;
	struct span doc; /* ## comment lines right before this token; lo == hi if none */
	union {
		int64_t i;
		double f;
		const struct sym *sym;
	} v;
};

struct lexer {
	const char *text; /* whole file */
	uint32_t pos, end;
	uint32_t file;
	struct diag_list *diags;
	struct interner *names;
	struct span pending_doc;
	/* The two previous tokens decide whether '/' opens a pattern. */
	enum tok_kind prev, prev2;
	const struct sym *prev_sym, *prev2_sym;
	const struct sym *sym_string;
	/* A string was left open: it swallowed the rest of its line, closers
	 * included, so an unclosed block at EOF is a consequence, not news. */
	bool swallowed_closers;
};

/** A readable name for a token kind, for "expected X, found Y" messages. */
const char *tok_name(enum tok_kind k);

/**
 * Prepares to lex bytes [lo, hi) of `file`, whose whole text is `text`.
 * The byte at `hi` must exist and not be a name character (source text is
 * NUL-terminated), which lets the name loop run without a bounds check.
 * Reserved words are interned on first use.
 */
void lex_init(struct lexer *lx, const char *text, uint32_t file, uint32_t lo,
	      uint32_t hi, struct diag_list *diags, struct interner *names);

/** Prepares `sub` to lex bytes [lo, hi) of the file `parent` is lexing
 * (an interpolation); cheaper than lex_init. */
void lex_init_sub(struct lexer *sub, const struct lexer *parent, uint32_t lo, uint32_t hi);

/** Stores the next token in `*t`; reports lexical errors and keeps going. */
void lex_next(struct lexer *lx, struct token *t);

/** One piece of a string literal: decoded text, or an interpolation. */
struct string_part {
	bool is_expr;
	struct span span; /* for an interpolation, the bytes between ${ and } */
	const char *text; /* decoded text (arena), for literal parts */
	size_t len;
};

/**
 * Decodes the string token `tok`: escapes resolved, multi-line indentation
 * removed.  Appends the parts to `*parts` (a heap array the caller frees)
 * and reports bad escapes and indentation.  Text lives in `arena`.
 */
void lex_decode_string(struct lexer *lx, const struct token *tok, struct arena *arena,
		       struct string_part **parts, size_t *nparts);

/** Appends the text of a doc comment span, `##` markers removed, lines joined by \n. */
void lex_doc_text(const char *text, struct span doc, struct strbuf *out);

/** Maximum nesting of strings inside interpolations inside strings. */
enum { LEX_MAX_STRING_DEPTH = 64 };

#endif

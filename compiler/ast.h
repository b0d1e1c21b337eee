/*
 * ast.h - the syntax tree the parser builds and later stages read.
 *
 * One node shape for every kind, in the spirit of chibicc's Node: the table
 * below says which members each kind uses.  Nodes live in the compilation
 * arena and are never freed one by one.  Every node has the span of the
 * source it came from.
 *
 *   kind            members used
 *   AST_FILE        list = imports and declarations in source order
 *   AST_IMPORT      a = path (AST_STRING), name = alias (NULL: last path segment)
 *   AST_TYPEDEF     name, a = type
 *   AST_RECORD      name, list = AST_PARAM fields
 *   AST_ENUM        name, list = AST_NAME members
 *   AST_TEMPLATE    name, decl->kw = kind of the body, list = AST_PARAM,
 *                   decl->body = items
 *   AST_BLOCK       decl->kw = kind word, name, a = value of `= expr` (or NULL),
 *                   decl->body = items (flag AST_HAS_BODY when braces were written)
 *   AST_PROFILE     name, decl->body = AST_FIELD overlays
 *   AST_FIELD       name = last path segment, list = AST_NAME path when dotted
 *                   (two or more segments, else empty), a = value
 *   AST_PARAM       name, a = type, b = default (or NULL)
 *   AST_EXPORT      name, list = AST_PARAM, a = result type (or NULL), decl->body = items
 *   AST_CHAIN       list = AST_STEP
 *   AST_STEP        a = AST_MEMBER module.function, list = AST_NAME devices
 *                   (primary, then failovers); flag AST_ON_ANY for `on any`
 *   AST_INT AST_BOOL  v.i        AST_FLOAT  v.f
 *   AST_DURATION    v.i = milliseconds      AST_SIZE  v.i = bytes
 *   AST_NONE        -
 *   AST_STRING      v.s = decoded text (no interpolation)
 *   AST_INTERP      list = AST_STRING pieces and expressions, in order
 *   AST_NAME        name
 *   AST_MEMBER      a = object, name = member
 *   AST_CALL        a = callee, list = AST_ARG
 *   AST_ARG         name = argument name (NULL if positional), a = value
 *   AST_LIST        list = elements
 *   AST_MAP         list = AST_FIELD entries
 *   AST_ARROW       a -> b   (published ports, 8077 -> 5432)
 *   AST_TAGGED      a = value, name = tag   (`db healthy` in after = [...])
 *   AST_BINARY      op = TOK_PLUS/MINUS/STAR/SLASH, a, b
 *   AST_NEG         a
 *   AST_TYPE_NAME   name, a = qualifier AST_NAME (postgres.Type) or NULL
 *   AST_TYPE_LIST   a = element type
 *   AST_TYPE_MAP    a = key type, b = value type
 *   AST_TYPE_OPTIONAL a = inner type
 *   AST_TYPE_RANGE  a = base type, list = [low, high] (either may be NULL)
 *   AST_TYPE_PATTERN a = base type, b = AST_STRING pattern source (between the slashes)
 *   AST_TYPE_UNION  list = alternative types (a | b | c: an enum when all are
 *                   bare names that name no type)
 *   AST_TYPE_ARG    a = base type, b = AST_STRING argument (file("image/jpeg"))
 *   AST_ERROR       - (stands for input already reported; later stages skip it)
 *
 * Blocks, templates, profiles and exports have a `decl` with their kind word
 * and body; any node that carries a ## doc comment (declarations, fields,
 * parameters, enum members) has one too.  ast_body() and ast_doc() read them
 * safely when `decl` is NULL.
 *
 * A node is 64 bytes: a and b share storage with v, which no kind uses
 * together with them.
 */
#ifndef ORCHC_AST_H
#define ORCHC_AST_H

#include <stdint.h>

#include "source.h"

struct sym;
struct strbuf;
struct source_set;

enum ast_kind {
	AST_ERROR,
	AST_FILE,
	AST_IMPORT,
	AST_TYPEDEF,
	AST_RECORD,
	AST_ENUM,
	AST_TEMPLATE,
	AST_BLOCK,
	AST_PROFILE,
	AST_FIELD,
	AST_PARAM,
	AST_EXPORT,
	AST_CHAIN,
	AST_STEP,
	AST_INT,
	AST_FLOAT,
	AST_BOOL,
	AST_NONE,
	AST_DURATION,
	AST_SIZE,
	AST_STRING,
	AST_INTERP,
	AST_NAME,
	AST_MEMBER,
	AST_CALL,
	AST_ARG,
	AST_LIST,
	AST_MAP,
	AST_ARROW,
	AST_TAGGED,
	AST_BINARY,
	AST_NEG,
	AST_TYPE_NAME,
	AST_TYPE_LIST,
	AST_TYPE_MAP,
	AST_TYPE_OPTIONAL,
	AST_TYPE_RANGE,
	AST_TYPE_PATTERN,
	AST_TYPE_UNION,
	AST_TYPE_ARG,
	AST_KIND_COUNT
};

enum ast_flag {
	AST_HAS_BODY = 1 << 0,
	AST_ON_ANY = 1 << 1,
};

struct ast_node;

struct ast_list {
	struct ast_node **items;
	uint32_t len;
};

struct ast_str {
	const char *ptr; /* NUL-terminated, arena */
	uint32_t len;
};

struct ast_decl {
	const struct sym *kw; /* AST_BLOCK: kind word; AST_TEMPLATE: kind it makes */
	struct ast_list body;
	struct span doc; /* ## comment; lo == hi if none */
};

struct ast_node {
	uint8_t kind; /* enum ast_kind */
	uint8_t op;   /* enum tok_kind of AST_BINARY */
	uint16_t flags;
	struct span span;
	const struct sym *name;
	union {
		struct {
			struct ast_node *a, *b;
		};
		union {
			int64_t i;
			double f;
			struct ast_str s;
		} v;
	};
	struct ast_list list;
	struct ast_decl *decl;
};

static inline struct ast_list ast_body(const struct ast_node *n)
{
	return n->decl ? n->decl->body : (struct ast_list){ 0, 0 };
}

static inline struct span ast_doc(const struct ast_node *n)
{
	return n->decl ? n->decl->doc : (struct span){ n->span.file, 0, 0 };
}

/** The kind's name as printed by --dump-ast ("block", "field", ...). */
const char *ast_kind_name(enum ast_kind k);

/**
 * Appends the S-expression form of `n` (see tests/parse/) to `out`.
 * `src` supplies doc comment text.
 */
void ast_dump(const struct ast_node *n, const struct source_set *src, struct strbuf *out);

/**
 * Checks structural invariants (spans inside their file, required children
 * present) and aborts on a violation.  Debug builds run it after parsing.
 */
void ast_verify(const struct ast_node *n, const struct source_set *src);

#endif

/*
 * parse.h - the recursive-descent parser: tokens -> AST.
 *
 * The grammar is grammar/orch.ebnf; each parse function carries its rule.
 * The parser recovers at item boundaries, so independent mistakes are each
 * reported once.
 */
#ifndef ORCHC_PARSE_H
#define ORCHC_PARSE_H

#include <stdint.h>

struct orchc_ctx;
struct ast_node;

/** Deepest nesting of blocks, lists, maps, calls, types and expressions. */
enum { PARSE_MAX_DEPTH = 256 };

/** Parses file number `file` of `ctx` into an AST_FILE node (never NULL). */
struct ast_node *parse_file(struct orchc_ctx *ctx, uint32_t file);

#endif

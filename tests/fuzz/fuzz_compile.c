/*
 * fuzz_compile.c - the libFuzzer target of the front end: any bytes are
 * loaded as a source file, parsed, dumped and their diagnostics rendered in
 * both formats.  Crashes, leaks, undefined behaviour and broken invariants
 * (ast_verify aborts) are findings.  As the compiler grows, later stages
 * join here so the whole pipeline is fuzzed in memory.
 */
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "orchc.h"
#include "str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct orchc_ctx ctx;
	orchc_ctx_init(&ctx);
	int id = orchc_load_buffer(&ctx, "fuzz.orch", (const char *)data, size);
	if (id >= 0) {
		struct ast_node *root = orchc_parse(&ctx, (uint32_t)id);
		ast_verify(root, &ctx.sources);
		struct strbuf out;
		strbuf_init(&out);
		ast_dump(root, &ctx.sources, &out);
		diag_sort(&ctx.diags);
		struct diag_render_opts ro = { true, 0 };
		diag_render_text(&ctx.diags, &ctx.sources, &ro, &out);
		diag_render_json(&ctx.diags, &ctx.sources, &ro, &out);
		strbuf_release(&out);
	}
	orchc_ctx_release(&ctx);
	return 0;
}

/*
 * fuzz_compile.c - the libFuzzer target of the front end: any bytes are
 * loaded as a source file, parsed, dumped and their diagnostics rendered in
 * both formats.  Crashes, leaks, undefined behaviour and broken invariants
 * (ast_verify aborts) are findings.  The same bytes then go through the
 * semantic stages, the model writer and the targets (into an in-memory
 * output set: the fuzzer never writes files), so the whole pipeline is
 * fuzzed.
 */
#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "model_json.h"
#include "orchc.h"
#include "output.h"
#include "sema.h"
#include "str.h"
#include "target.h"

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
		/* The whole pipeline, on the same bytes: names, types, model. */
		struct orchc_ctx sema_ctx;
		orchc_ctx_init(&sema_ctx);
		int root_file = orchc_load_buffer(&sema_ctx, "fuzz.orch", (const char *)data, size);
		struct m_program *prog = sema_build_file(&sema_ctx, (uint32_t)root_file, NULL);
		if (prog) {
			model_json(prog, &sema_ctx.sources, &out);
			struct output_set set;
			output_init(&set, &sema_ctx.arena);
			struct target_ctx tc = { .ctx = &sema_ctx, .prog = prog, .out = &set,
						 .out_dir = "/fuzz/out", .source = "fuzz.orch" };
			target_compose.emit(&tc);
			target_kubernetes.emit(&tc);
			target_wasm.emit(&tc);
			output_release(&set);
		}
		diag_sort(&sema_ctx.diags);
		struct diag_render_opts sro = { false, 0 };
		diag_render_text(&sema_ctx.diags, &sema_ctx.sources, &sro, &out);
		orchc_ctx_release(&sema_ctx);
		diag_sort(&ctx.diags);
		struct diag_render_opts ro = { true, 0 };
		diag_render_text(&ctx.diags, &ctx.sources, &ro, &out);
		diag_render_json(&ctx.diags, &ctx.sources, &ro, &out);
		strbuf_release(&out);
	}
	orchc_ctx_release(&ctx);
	return 0;
}

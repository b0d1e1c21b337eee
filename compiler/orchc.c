/*
 * orchc.c - the compilation context and the driver of the stages.
 *
 * Reading files happens here and only here on the way in (the writer of
 * later stages is the only way out), so every I/O failure becomes one
 * diagnostic with the operating system's reason.
 */
#include "orchc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ast.h"
#include "parse.h"
#include "types.h"
#include "str.h"

void orchc_ctx_init(struct orchc_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	arena_init(&ctx->arena);
	arena_prefault(&ctx->arena);
	intern_init(&ctx->names, &ctx->arena);
	source_set_init(&ctx->sources);
	diag_list_init(&ctx->diags, &ctx->arena);
}

void orchc_ctx_release(struct orchc_ctx *ctx)
{
	types_release(ctx);
	diag_list_release(&ctx->diags);
	source_set_release(&ctx->sources);
	intern_release(&ctx->names);
	arena_release(&ctx->arena);
}

int orchc_load_buffer(struct orchc_ctx *ctx, const char *name, const char *text, size_t len)
{
	if (len > SOURCE_MAX_LEN) {
		diag_report_nospan(&ctx->diags, E0010, "%s: source file too large (%zu bytes; the limit is 4 GiB)",
				   name, len);
		return -1;
	}
	return (int)source_add(&ctx->sources, name, text, len);
}

int orchc_load_file(struct orchc_ctx *ctx, const char *path)
{
	return orchc_load_file_as(ctx, path, path);
}

int orchc_load_file_as(struct orchc_ctx *ctx, const char *path, const char *shown)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_report_nospan(&ctx->diags, E0012, "cannot read '%s': %s", shown, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0)
		st.st_mode = 0;
	if (S_ISDIR(st.st_mode)) {
		fclose(f);
		diag_report_nospan(&ctx->diags, E0012, "cannot read '%s': %s", shown, strerror(EISDIR));
		return -1;
	}
	/* Refuse an oversized file from its size, before reading any of it. */
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > SOURCE_MAX_LEN) {
		fclose(f);
		return orchc_load_buffer(ctx, shown, NULL, (size_t)st.st_size);
	}
	struct strbuf sb;
	strbuf_init(&sb);
	/* One allocation of the right size for regular files; pipes grow. */
	strbuf_grow(&sb, S_ISREG(st.st_mode) ? (size_t)st.st_size : 65536);
	for (;;) {
		if (sb.cap - sb.len < 4096)
			strbuf_grow(&sb, 65536);
		size_t n = fread(sb.buf + sb.len, 1, sb.cap - sb.len - 1, f);
		if (n == 0)
			break;
		sb.len += n;
		sb.buf[sb.len] = '\0';
	}
	int err = ferror(f) ? errno : 0;
	fclose(f);
	if (err) {
		strbuf_release(&sb);
		diag_report_nospan(&ctx->diags, E0012, "cannot read '%s': %s", shown, strerror(err));
		return -1;
	}
	if (sb.len > SOURCE_MAX_LEN) { /* a pipe or a file that grew */
		size_t len = sb.len;
		strbuf_release(&sb);
		return orchc_load_buffer(ctx, shown, NULL, len);
	}
	size_t len;
	char *text = strbuf_detach(&sb, &len);
	return (int)source_adopt(&ctx->sources, shown, text, len);
}

struct ast_node *orchc_parse(struct orchc_ctx *ctx, uint32_t file)
{
	struct ast_node *root = parse_file(ctx, file);
#ifndef NDEBUG
	ast_verify(root, &ctx->sources);
#endif
	return root;
}

struct ast_node *orchc_parse_path(struct orchc_ctx *ctx, const char *path)
{
	int id = orchc_load_file(ctx, path);
	return id < 0 ? NULL : orchc_parse(ctx, (uint32_t)id);
}

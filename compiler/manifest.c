/*
 * manifest.c - writing and reading orch-manifest.json (jansson).
 */
#include "manifest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "arena.h"
#include "orchc.h"
#include "output.h"
#include "paths.h"
#include "sha256.h"
#include "str.h"
#include "writer.h"

/*
 * A source's name in the manifest must not depend on the working
 * directory: the root file by its base name, files beside or below it
 * relative to it, stdlib modules as std/NAME.orch.
 */
static const char *source_name(const char *path, const char *root)
{
	const char *slash = strrchr(root, '/');
	size_t dir = slash ? (size_t)(slash - root) + 1 : 0;
	if (strncmp(path, root, dir) == 0)
		return path + dir;
	return path;
}

static json_t *sources_json(const struct source_set *sources, const char *root)
{
	json_t *list = json_array();
	char hex[65];
	for (uint32_t i = 0; i < sources->count; i++) {
		const struct source_file *f = &sources->files[i];
		if (f->path[0] == '<') /* the embedded schema: part of the compiler version */
			continue;
		sha256_hex(f->text, f->len, hex);
		json_array_append_new(list, json_pack("{s:s, s:s}", "path", source_name(f->path, root),
						      "sha256", hex));
	}
	return list;
}

void manifest_add(struct output_set *set, const struct source_set *sources,
		  const struct manifest_info *info)
{
	json_t *files = json_array();
	char hex[65];
	for (size_t i = 0; i < set->files.len; i++) {
		const struct out_file *f = &set->files.items[i];
		sha256_hex(f->data, f->len, hex);
		json_array_append_new(files, json_pack("{s:s, s:s, s:I}", "path", f->path, "sha256",
						       hex, "size", (json_int_t)f->len));
	}
	json_t *targets = json_array();
	for (unsigned i = 0; i < info->ntargets; i++)
		json_array_append_new(targets, json_string(info->targets[i]));
	json_t *doc = json_pack("{s:i, s:s, s:o, s:o, s:o, s:o}", "manifest_version", 1, "compiler",
				"orchc " ORCHC_VERSION, "profile",
				info->profile ? json_string(info->profile) : json_null(), "targets",
				targets, "sources", sources_json(sources, info->root_path), "files",
				files);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(doc);
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addstr(&sb, text);
	strbuf_addch(&sb, '\n');
	free(text);
	output_add_buf(set, MANIFEST_NAME, &sb, 0644);
	strbuf_release(&sb);
	output_sort(set);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool manifest_read(const char *dir, struct arena *arena, struct previous_build *prev,
		   struct strbuf *err)
{
	prev->paths = NULL;
	prev->len = 0;
	struct strbuf path;
	strbuf_init(&path);
	strbuf_addf(&path, "%s/%s", dir, MANIFEST_NAME);
	json_error_t jerr;
	json_t *doc = json_load_file(path.buf, 0, &jerr);
	bool ok = true;
	if (!doc) {
		FILE *probe = fopen(path.buf, "rb");
		if (probe) {
			fclose(probe);
			strbuf_addf(err, "%s:%d: malformed manifest: %s", path.buf, jerr.line, jerr.text);
			ok = false;
		}
		strbuf_release(&path);
		return ok;
	}
	json_t *files = json_object_get(doc, "files");
	if (!json_is_array(files)) {
		strbuf_addf(err, "%s: malformed manifest: no \"files\" list", path.buf);
		ok = false;
	}
	size_t n = ok ? json_array_size(files) : 0;
	prev->paths = arena_alloc(arena, (n + 1) * sizeof *prev->paths);
	prev->paths[prev->len++] = MANIFEST_NAME; /* generated, though not listed in itself */
	for (size_t i = 0; ok && i < n; i++) {
		const char *p = json_string_value(json_object_get(json_array_get(files, i), "path"));
		if (!p || !path_stays_inside(p)) {
			strbuf_addf(err, "%s: malformed manifest: file %zu has no valid relative path",
				    path.buf, i + 1);
			ok = false;
			break;
		}
		prev->paths[prev->len++] = arena_strndup(arena, p, strlen(p));
	}
	if (prev->len > 1)
		qsort(prev->paths, prev->len, sizeof *prev->paths, by_string);
	json_decref(doc);
	strbuf_release(&path);
	return ok;
}

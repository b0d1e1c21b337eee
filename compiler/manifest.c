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

/* One "path"/"sha256"(/"size") object of a list, indented as jansson's
 * JSON_INDENT(2) would. */
static void put_file_entry(struct strbuf *sb, bool first, const char *path, const char *data,
			   size_t len, const char *digest, bool with_size)
{
	char hex[65];
	if (!digest)
		sha256_hex(data, len, hex);
	strbuf_addstr(sb, first ? "\n    {\n      \"path\": " : ",\n    {\n      \"path\": ");
	strbuf_add_json_string(sb, path);
	strbuf_addf(sb, ",\n      \"sha256\": \"%s\"", digest ? digest : hex);
	if (with_size)
		strbuf_addf(sb, ",\n      \"size\": %zu", len);
	strbuf_addstr(sb, "\n    }");
}

/*
 * The manifest is written as text rather than built with jansson: for tens
 * of thousands of files, building and dumping the objects cost more than
 * hashing the files.  The text is byte for byte what json_dumps with
 * JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII writes (the
 * manifest reader and the goldens hold it to that).
 */
void manifest_add(struct output_set *set, struct source_set *sources,
		  const struct manifest_info *info, const char *const *digests)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addstr(&sb, "{\n  \"manifest_version\": 1,\n  \"compiler\": \"orchc " ORCHC_VERSION
			   "\",\n  \"profile\": ");
	if (info->profile)
		strbuf_add_json_string(&sb, info->profile);
	else
		strbuf_addstr(&sb, "null");
	strbuf_addstr(&sb, ",\n  \"targets\": [");
	for (unsigned i = 0; i < info->ntargets; i++) {
		strbuf_addstr(&sb, i ? ",\n    " : "\n    ");
		strbuf_add_json_string(&sb, info->targets[i]);
	}
	strbuf_addstr(&sb, info->ntargets ? "\n  ],\n  \"sources\": [" : "],\n  \"sources\": [");
	bool first = true;
	for (uint32_t i = 0; i < sources->count; i++) {
		const struct source_file *f = &sources->files[i];
		if (f->path[0] == '<') /* the embedded schema: part of the compiler version */
			continue;
		put_file_entry(&sb, first, source_name(f->path, info->root_path), f->text, f->len,
			       source_digest(sources, i), false);
		first = false;
	}
	strbuf_addstr(&sb, first ? "],\n  \"files\": [" : "\n  ],\n  \"files\": [");
	for (size_t i = 0; i < set->files.len; i++) {
		const struct out_file *f = &set->files.items[i];
		put_file_entry(&sb, i == 0, f->path, f->data, f->len, digests ? digests[i] : NULL, true);
	}
	strbuf_addstr(&sb, set->files.len ? "\n  ]\n}\n" : "]\n}\n");
	output_add_buf(set, MANIFEST_NAME, &sb, 0644);
	strbuf_release(&sb);
	output_sort_last(set);
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
	prev->targets = NULL;
	prev->ntargets = 0;
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
	/* An older manifest without the list, or a name this version does not
	 * know, is no target it holds. */
	json_t *targets = json_object_get(doc, "targets");
	size_t nt = json_is_array(targets) ? json_array_size(targets) : 0;
	prev->targets = arena_alloc(arena, (nt + 1) * sizeof *prev->targets);
	for (size_t i = 0; i < nt; i++) {
		const char *t = json_string_value(json_array_get(targets, i));
		if (t)
			prev->targets[prev->ntargets++] = arena_strndup(arena, t, strlen(t));
	}
	json_decref(doc);
	strbuf_release(&path);
	return ok;
}

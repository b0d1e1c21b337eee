/*
 * build.c - `orchc build`: runs the targets, adds the manifest, writes.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "manifest.h"
#include "model.h"
#include "orchc.h"
#include "output.h"
#include "paths.h"
#include "pods.h"
#include "str.h"
#include "target.h"
#include "writer.h"

static const struct target *const targets[] = { &target_compose, &target_kubernetes, &target_migrations,
							 &target_wasm, &target_deploy };
enum { NTARGETS = sizeof targets / sizeof *targets };

const struct target *build_find_target(const char *name)
{
	for (size_t i = 0; i < NTARGETS; i++)
		if (strcmp(targets[i]->name, name) == 0)
			return targets[i];
	return NULL;
}

void build_target_names(struct strbuf *out)
{
	for (size_t i = 0; i < NTARGETS; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", targets[i]->name);
}

/* Without --target: the targets the program configures with a `target`
 * block, or every target when it configures none; and the targets that
 * read the others' output (bundles describe whatever was built). */
static bool selected(const struct target *t, const struct build_opts *o,
		     const struct m_program *prog)
{
	if (o->ntargets) {
		for (unsigned i = 0; i < o->ntargets; i++)
			if (strcmp(o->targets[i], t->name) == 0)
				return true;
		return false;
	}
	return t->reads_output || target_settings_of(prog, t->name) ||
	       !target_settings_of(prog, NULL);
}

/* Whether `path` of the output is a file of target `t`. */
static bool under_root(const char *path, const struct target *t)
{
	size_t n = strlen(t->root);
	return strncmp(path, t->root, n) == 0 && path[n] == '/';
}

/* Whether an earlier build wrote files of `t`.  The bundles of such a
 * build are rebuilt with the files they name, even when --target leaves
 * them out: kept as they were, they would name the old files' digests. */
static bool wrote_before(const struct previous_build *prev, const struct target *t)
{
	for (size_t i = 0; i < prev->len; i++)
		if (under_root(prev->paths[i], t))
			return true;
	return false;
}

/* Whether the manifest of an earlier build lists `t`. */
static bool held_before(const struct previous_build *prev, const struct target *t)
{
	for (size_t i = 0; i < prev->ntargets; i++)
		if (strcmp(prev->targets[i], t->name) == 0)
			return true;
	return false;
}

/* A generated file of an earlier build that belongs to a target not built
 * now stays as it is (`--target compose` leaves k8s/ alone). */
static void carry_unbuilt(struct output_set *set, const char *dir, const struct previous_build *prev,
			  const struct target **built, unsigned nbuilt)
{
	struct strbuf path, data;
	strbuf_init(&path);
	strbuf_init(&data);
	for (size_t i = 0; i < prev->len; i++) {
		const char *p = prev->paths[i];
		bool ours = strcmp(p, MANIFEST_NAME) == 0;
		for (unsigned k = 0; !ours && k < nbuilt; k++)
			ours = under_root(p, built[k]);
		if (ours)
			continue;
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir, p);
		struct stat st;
		strbuf_reset(&data);
		if (stat(path.buf, &st) != 0 || strbuf_read_file(&data, path.buf) != 0)
			continue;
		output_add_buf(set, p, &data, (unsigned)st.st_mode & 07777);
	}
	strbuf_release(&path);
	strbuf_release(&data);
}

static void run_target(struct target_ctx *tc, const struct target *t)
{
	tc->settings = target_settings_of(tc->prog, t->name);
	t->emit(tc);
}

static void sort_once(struct output_set *set)
{
	const char *twice = output_sort(set);
	if (twice) {
		fprintf(stderr, "orchc: internal error: two targets wrote '%s'\n", twice);
		abort();
	}
}

bool build_run(struct orchc_ctx *ctx, const struct m_program *prog, const char *root_path,
	       const struct build_opts *opts, struct strbuf *report)
{
	struct output_set set;
	output_init(&set, &ctx->arena);
	const char *slash = strrchr(root_path, '/');
	struct target_ctx tc = { ctx, prog, &set, path_absolute(&ctx->arena, opts->out_dir),
				 slash ? slash + 1 : root_path, opts->include, opts->ninclude, opts->exclude, opts->nexclude, NULL };
	const struct target *built[NTARGETS];
	const char *names[NTARGETS];
	unsigned nbuilt = 0;
	/* A misspelt --include or --exclude is one error, before any target. */
	bool names_ok = pod_names_exist(&tc);
	/* The previous manifest says which files of DIR are generated; the
	 * writer starts before the targets and writes their files as they come. */
	struct previous_build prev;
	struct strbuf err;
	strbuf_init(&err);
	bool prev_ok = names_ok && manifest_read(opts->out_dir, &ctx->arena, &prev, &err);
	/* The manifest lists every target whose output DIR holds: those built
	 * now, and those of an earlier build whose files are kept. */
	unsigned nheld = 0;
	for (size_t i = 0; i < NTARGETS && names_ok; i++) {
		bool build = selected(targets[i], opts, prog) ||
			     (prev_ok && targets[i]->reads_output && wrote_before(&prev, targets[i]));
		if (build)
			built[nbuilt++] = targets[i];
		if (build || (prev_ok && held_before(&prev, targets[i])))
			names[nheld++] = targets[i]->name;
	}
	struct writer *w = prev_ok && !opts->check ? writer_start(opts->out_dir, &prev, &err) : NULL;
	if (w) {
		set.added = writer_put;
		set.added_ctx = w;
	}
	for (unsigned i = 0; i < nbuilt && names_ok; i++)
		if (!built[i]->reads_output)
			run_target(&tc, built[i]);
	bool ok = names_ok && !orchc_failed(ctx);
	if (ok && (!prev_ok || (!w && !opts->check))) {
		diag_report_nospan(&ctx->diags, E0901, "%s", err.buf);
		ok = false;
	}
	if (ok) {
		carry_unbuilt(&set, opts->out_dir, &prev, built, nbuilt);
		sort_once(&set);
		output_resolve(&set); /* bundles, the manifest and --check read bytes */
		for (unsigned i = 0; i < nbuilt; i++)
			if (built[i]->reads_output)
				run_target(&tc, built[i]);
		sort_once(&set);
		output_resolve(&set); /* what those targets added */
		struct manifest_info info = { root_path, opts->profile, names, nheld };
		const char **digests = w ? writer_digests(w, &set) : NULL;
		manifest_add(&set, &ctx->sources, &info, digests);
		free(digests);
	}
	if (ok && opts->check) {
		ok = writer_check(&set, opts->out_dir, &prev, report) == 0;
	} else if (ok) {
		enum write_result r = writer_finish(w, &set, &err);
		w = NULL;
		if (r != WRITE_OK) {
			diag_report_nospan(&ctx->diags, r == WRITE_WOULD_REPLACE ? E0902 : E0901, "%s",
					   err.buf);
			ok = false;
		}
	}
	writer_abandon(w);
	strbuf_release(&err);
	output_release(&set);
	return ok;
}

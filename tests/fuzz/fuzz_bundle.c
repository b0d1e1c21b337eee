/*
 * fuzz_bundle.c - the libFuzzer target of orch-apply's bundle reader: any
 * bytes are parsed as JSON and read as a bundle.  What the reader promises
 * everything after it is checked on every bundle it accepts: paths are
 * inside the root, every reference names a listed file with the same
 * sha256, and the lookups find each entry by its own name.  A refusal must
 * say why.  Crashes, leaks, undefined behaviour and broken promises
 * (abort) are findings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bundle.h"
#include "str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must(bool promise)
{
	if (!promise)
		abort();
}

static void check_ref(const struct bundle *b, const struct b_ref *r)
{
	const struct b_file *f = bundle_file(b, r->path);
	must(bundle_path_safe(r->path) && f && strcmp(f->sha256, r->sha256) == 0);
}

static void check(const struct bundle *b)
{
	for (size_t i = 0; i < b->nfiles; i++) {
		must(bundle_path_safe(b->files[i].path) && strlen(b->files[i].sha256) == 64);
		must(i == 0 || strcmp(b->files[i - 1].path, b->files[i].path) < 0);
		must(bundle_file(b, b->files[i].path) == &b->files[i]);
		must(b->files[i].mode <= 07777);
	}
	for (size_t i = 0; i < b->ncompose; i++) {
		const struct b_compose *c = &b->compose[i];
		must(bundle_path_safe(c->directory) && bundle_project(b, c->project) != NULL);
		for (size_t k = 0; k < c->nfiles; k++)
			must(bundle_path_safe(c->files[k]));
	}
	for (size_t i = 0; i < b->nmigrations; i++) {
		const struct b_migrations *m = &b->migrations[i];
		must(bundle_migrations(b, m->database, m->dialect) != NULL);
		if (m->has_base)
			check_ref(b, &m->base);
		for (size_t k = 0; k < m->nsteps; k++) {
			check_ref(b, &m->steps[k].up);
			check_ref(b, &m->steps[k].down);
		}
	}
	for (size_t i = 0; i < b->nmodules; i++)
		check_ref(b, &b->modules[i].file);
	for (size_t i = 0; i < b->ndeployments; i++) {
		check_ref(b, &b->deployments[i].body);
		must(bundle_deployment(b, b->deployments[i].deployment) != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t je;
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return 0;
	struct arena a;
	struct bundle b;
	struct strbuf err;
	arena_init(&a);
	strbuf_init(&err);
	if (bundle_from_json(&b, doc, "fuzz.json", &a, &err))
		check(&b);
	else
		must(err.len > 0);
	bundle_release(&b);
	json_decref(doc);
	strbuf_release(&err);
	arena_release(&a);
	return 0;
}

/*
 * migrations.c - catalogues to orchestrator-core data migrations, as
 * history.
 *
 * DIR/migrations/<catalog>/ holds, for each change of the catalogue, one
 * numbered migration per output: postgres/NNNN_<slug>.up.sql and
 * .down.sql, the same under sqlite/, and an Alembic revision on the `data`
 * branch under alembic/.  model.lock.json records the catalogue as of the
 * newest migration; migrations.sum the sha256 of every file of the
 * history.  A build checks the history against migrations.sum, carries it
 * over byte for byte, diffs the catalogue against the lock and, when they
 * differ, appends the next migration.  It never rewrites one.  registry.py
 * (registry_py.c) is not history: it is written anew each build.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "catalog_diff.h"
#include "catalog_lock.h"
#include "diag.h"
#include "migration_files.h"
#include "model.h"
#include "orchc.h"
#include "output.h"
#include "paths.h"
#include "registry_py.h"
#include "sha256.h"
#include "str.h"
#include "target.h"

struct history {
	struct target_ctx *t;
	const struct m_entity *cat;
	const char *dir;     /* migrations/<catalog> */
	const char *abs;     /* DIR/migrations/<catalog> */
	struct cat_lock lock; /* migrations == 0: no history yet */
	char lock_sha[65];     /* the lock's line of migrations.sum ("": none) */
	const char *lock_text; /* model.lock.json as read, carried when nothing changed */
	size_t lock_len;
	VEC(struct sum_entry { const char *path; char sha[65]; }) files; /* not the lock */
};

static struct arena *arena_of(const struct history *h)
{
	return &h->t->ctx->arena;
}

/* A diagnostic about the history, at the catalog's declaration. */
#define fail(h, code, ...) diag_report(&(h)->t->ctx->diags, code, (h)->cat->span, __VA_ARGS__)

static unsigned wanted_outputs(const struct target_ctx *t)
{
	const struct m_value *dialects = target_setting(t, "dialects");
	const struct m_value *alembic = target_setting(t, "alembic");
	unsigned out = 0;
	if (!m_is_set(dialects))
		out = OUT_POSTGRES | OUT_SQLITE;
	for (uint32_t i = 0; m_is_set(dialects) && i < dialects->u.list.len; i++)
		out |= strcmp(dialects->u.list.items[i]->u.sym->name, "postgres") == 0 ? OUT_POSTGRES : OUT_SQLITE;
	if (!m_is_set(alembic) || alembic->u.b)
		out |= OUT_ALEMBIC;
	return out;
}

static void outputs_text(struct strbuf *sb, unsigned outputs)
{
	static const char *const names[] = { "postgres", "sqlite", "alembic" };
	for (unsigned i = 0; i < 3; i++)
		if (outputs & (1u << i))
			strbuf_addf(sb, "%s%s", sb->len ? ", " : "", names[i]);
}

/* ---- reading the history back ---- */

/* One line of migrations.sum; the lock's digest is kept apart (it is
 * verified first). */
static bool parse_sum_line(struct history *h, const char *line, size_t len)
{
	struct sum_entry e;
	e.path = cat_sum_line(line, len, e.sha, arena_of(h));
	if (!e.path)
		return false;
	if (strcmp(e.path, LOCK_NAME) == 0)
		memcpy(h->lock_sha, e.sha, sizeof e.sha);
	else
		vec_push(&h->files, e);
	return true;
}

/* Verifies `rel` against its sum and returns its bytes (NULL: reported). */
static bool read_checked(struct history *h, const char *rel, const char *sha, struct strbuf *data)
{
	strbuf_reset(data);
	int err = strbuf_read_file(data, arena_printf(arena_of(h), "%s/%s", h->abs, rel));
	const char *shown = arena_printf(arena_of(h), "%s/%s", h->dir, rel);
	if (err) {
		struct diag *d = fail(h, E0907, "%s, listed in migrations.sum, cannot be read: %s", shown,
				      strerror(err));
		diag_help(&h->t->ctx->diags, d, "restore the history of %s from version control", h->dir);
		return false;
	}
	char got[65];
	sha256_hex(data->buf, data->len, got);
	if (strcmp(got, sha) != 0) {
		struct diag *d = fail(h, E0906, "%s was changed after orchc wrote it (its sha256 is not the one in %s)",
				      shown, SUM_NAME);
		diag_help(&h->t->ctx->diags, d,
			  "a migration may already have run somewhere: restore the file from version control "
			  "and change the catalogue instead; the next build adds a migration for the change");
		return false;
	}
	return true;
}

/* Loads the lock and carries every file of the history into the output
 * set; false (reported) when the history is damaged. */
static bool load_history(struct history *h)
{
	struct strbuf data, sum;
	strbuf_init(&data);
	strbuf_init(&sum);
	bool ok = false;
	int err = strbuf_read_file(&sum, arena_printf(arena_of(h), "%s/%s", h->abs, SUM_NAME));
	int lock_err = strbuf_read_file(&data, arena_printf(arena_of(h), "%s/%s", h->abs, LOCK_NAME));
	if (err == ENOENT && lock_err == ENOENT) {
		ok = true; /* no history yet */
		goto out;
	}
	if (err || lock_err) {
		struct diag *d = fail(h, E0907, "the migration history in %s is incomplete: %s",
				      h->dir, err ? "migrations.sum cannot be read" : "model.lock.json cannot be read");
		diag_help(&h->t->ctx->diags, d, "restore both files from version control; orchc writes them together");
		goto out;
	}
	for (size_t at = 0; at < sum.len;) {
		const char *nl = memchr(sum.buf + at, '\n', sum.len - at);
		size_t end = nl ? (size_t)(nl - sum.buf) : sum.len;
		if (!parse_sum_line(h, sum.buf + at, end - at)) {
			fail(h, E0907, "%s/migrations.sum: line '%s' is not '<sha256>  <path>'", h->dir,
			     arena_strndup(arena_of(h), sum.buf + at, end - at));
			goto out;
		}
		at = end + 1;
	}
	if (!h->lock_sha[0]) {
		fail(h, E0907, "%s/migrations.sum does not list model.lock.json", h->dir);
		goto out;
	}
	if (!read_checked(h, LOCK_NAME, h->lock_sha, &data))
		goto out;
	h->lock_text = arena_strndup(arena_of(h), data.buf, data.len);
	h->lock_len = data.len;
	struct strbuf why;
	strbuf_init(&why);
	if (!cat_lock_read(data.buf, data.len, &h->lock, arena_of(h), &why)) {
		fail(h, E0907, "%s/model.lock.json is malformed: %s", h->dir, why.buf);
		strbuf_release(&why);
		goto out;
	}
	strbuf_release(&why);
	if (strcmp(h->lock.catalog, h->cat->name->name) != 0) {
		fail(h, E0907, "%s/model.lock.json belongs to catalog '%s'", h->dir, h->lock.catalog);
		goto out;
	}
	unsigned want = wanted_outputs(h->t);
	if (h->lock.outputs != want) {
		struct strbuf was, now;
		strbuf_init(&was);
		strbuf_init(&now);
		outputs_text(&was, h->lock.outputs);
		outputs_text(&now, want);
		struct diag *d = fail(h, E0907, "the history of this catalogue is written for %s; the target now asks for %s",
				      was.buf, now.buf);
		diag_help(&h->t->ctx->diags, d,
			  "a history cannot gain or lose an output after its first migration: set "
			  "`target migrations { dialects, alembic }` back as they were");
		strbuf_release(&was);
		strbuf_release(&now);
		goto out;
	}
	ok = true;
	for (size_t i = 0; i < h->files.len && ok; i++) {
		ok = read_checked(h, h->files.items[i].path, h->files.items[i].sha, &data);
		if (ok)
			output_add_buf(h->t->out, arena_printf(arena_of(h), "%s/%s", h->dir, h->files.items[i].path),
				       &data, 0644);
	}
out:
	strbuf_release(&data);
	strbuf_release(&sum);
	return ok;
}

/* ---- writing ---- */

static void add_history_file(struct history *h, const char *rel, struct strbuf *sb)
{
	struct sum_entry e;
	e.path = arena_strndup(arena_of(h), rel, strlen(rel));
	sha256_hex(sb->buf, sb->len, e.sha);
	vec_push(&h->files, e);
	output_add_buf(h->t->out, arena_printf(arena_of(h), "%s/%s", h->dir, rel), sb, 0644);
	strbuf_release(sb);
}

static int compare_entries(const void *pa, const void *pb)
{
	return strcmp(((const struct sum_entry *)pa)->path, ((const struct sum_entry *)pb)->path);
}

/* migrations.sum: `sha256sum -c migrations.sum` checks it too. */
static void write_sum(struct history *h, const char *lock_sha)
{
	struct sum_entry lock;
	lock.path = LOCK_NAME;
	memcpy(lock.sha, lock_sha, 65);
	vec_push(&h->files, lock);
	qsort(h->files.items, h->files.len, sizeof *h->files.items, compare_entries);
	struct strbuf sb;
	strbuf_init(&sb);
	for (size_t i = 0; i < h->files.len; i++)
		strbuf_addf(&sb, "%s  %s\n", h->files.items[i].sha, h->files.items[i].path);
	output_add_buf(h->t->out, arena_printf(arena_of(h), "%s/%s", h->dir, SUM_NAME), &sb, 0644);
	strbuf_release(&sb);
}

static bool valid_depends_on(struct history *h)
{
	const struct m_value *v = m_get(h->cat, "depends_on");
	if (!m_is_set(v) || v->kind != V_STRING || !strchr(v->u.s.ptr, '@'))
		return true;
	struct diag *d = diag_report(&h->t->ctx->diags, E0903, v->span,
				     "depends_on \"%s\" cannot be written in an Alembic revision", v->u.s.ptr);
	diag_help(&h->t->ctx->diags, d,
		  "Alembic's depends_on names a revision id or a branch label: \"schema\", not \"schema@head\"");
	return false;
}

static void emit_catalog(struct target_ctx *t, const struct m_entity *cat)
{
	struct history h = { 0 };
	h.t = t;
	h.cat = cat;
	h.dir = arena_printf(&t->ctx->arena, "migrations/%s", cat->name->name);
	h.abs = arena_printf(&t->ctx->arena, "%s/%s", t->out_dir, h.dir);
	if (!valid_depends_on(&h) || !load_history(&h)) {
		cat_state_release(&h.lock.state);
		vec_free(&h.files);
		return;
	}
	struct cat_state now;
	cat_state_from_model(&now, cat, &h.lock.state, &t->ctx->arena);
	struct cat_diff diff;
	cat_diff(&diff, &h.lock.state, &now);
	struct strbuf lock;
	strbuf_init(&lock);
	if (diff.changes.len) {
		struct migration m = { cat, t->source, h.lock.migrations + 1, wanted_outputs(t),
				       h.lock.alembic_head, NULL, &diff };
		struct migration_file files[5];
		unsigned n = migration_render(&m, &t->ctx->arena, files);
		for (unsigned i = 0; i < n; i++)
			add_history_file(&h, files[i].path, &files[i].data);
		struct cat_lock next = { cat->name->name, m.number, m.outputs, m.revision, now };
		cat_lock_write(&next, &lock);
	} else if (h.lock.migrations) {
		strbuf_add(&lock, h.lock_text, h.lock_len);
	}
	if (lock.len) {
		char sha[65];
		sha256_hex(lock.buf, lock.len, sha);
		output_add_buf(t->out, arena_printf(&t->ctx->arena, "%s/%s", h.dir, LOCK_NAME), &lock, 0644);
		write_sum(&h, sha);
	}
	strbuf_release(&lock);
	registry_py(t, cat, h.dir);
	cat_diff_release(&diff);
	cat_state_release(&now);
	cat_state_release(&h.lock.state);
	vec_free(&h.files);
}

static void emit(struct target_ctx *t)
{
	for (uint32_t i = 0; i < t->prog->nentities; i++)
		if (t->prog->entities[i]->kind == KIND_CATALOG && t->prog->entities[i]->fields)
			emit_catalog(t, t->prog->entities[i]);
}

const struct target target_migrations = { "migrations", "migrations", emit, false };

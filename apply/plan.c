/*
 * plan.c - comparing a bundle with the last apply and with reality.
 */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "rootfs.h"
#include "sha256.h"
#include "state.h"

#define BASE_SCHEMA_ID "0000_base_schema"

static const char *const verbs[] = {
	[ACT_WRITE] = "write", [ACT_REMOVE] = "remove", [ACT_SCHEMA] = "create base schema",
	[ACT_MIGRATE] = "migrate", [ACT_UNMIGRATE] = "migrate down", [ACT_COMPOSE_DOWN] = "compose down",
	[ACT_COMPOSE_UP] = "compose up", [ACT_UNDEPLOY] = "undeploy", [ACT_DEPLOY] = "deploy",
};

const char *action_verb(enum action_kind k) { return verbs[k]; }

static struct action *add(struct plan *p, enum action_kind kind, const char *subject, const char *why)
{
	struct action a = { .kind = kind, .subject = subject, .why = why };
	strbuf_init(&a.old);
	vec_push(&p->actions, a);
	return &p->actions.items[p->actions.len - 1];
}

bool plan_load_contents(struct plan *p, const char *source_dir, struct strbuf *err)
{
	const struct bundle *b = p->want;
	p->contents = arena_zalloc(p->a, (b->nfiles + 1) * sizeof *p->contents);
	for (size_t i = 0; i < b->nfiles; i++) {
		const struct b_file *f = &b->files[i];
		struct strbuf *c = &p->contents[i];
		strbuf_init(c);
		if (source_dir) {
			const char *path = arena_printf(p->a, "%s/%s", source_dir, f->path);
			if (!read_whole_file(path, c, err))
				return false;
		} else if (state_get_object(p->state, f->sha256, c, err) != ROOTFS_OK) {
			if (!err->len)
				strbuf_addf(err, "the content of %s (%s) is missing from the state's "
					    "objects", f->path, f->sha256);
			return false;
		}
		char hex[65];
		sha256_hex(c->buf, c->len, hex);
		if (c->len != f->size || strcmp(hex, f->sha256) != 0) {
			strbuf_addf(err, "%s: its sha256 is %s, the bundle says %s: the file was changed "
				    "after orchc wrote the bundle; nothing was applied",
				    f->path, hex, f->sha256);
			return false;
		}
	}
	return true;
}

/* ---- files ------------------------------------------------------------------- */

/* A file the last apply of another unit wrote. */
struct owned {
	const char *path, *sha256, *unit;
};

struct others {
	struct owned *items; /* sorted by path */
	size_t n;
};

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct owned *)a)->path, ((const struct owned *)b)->path);
}

/*
 * Every file of the other units' last applies, read once per plan so that
 * each path is a search, not a scan of every unit.  Units may share a file
 * (a fleet's devices share its modules) as long as they agree on it.
 */
static struct others other_units_files(struct plan *p)
{
	struct others o = { NULL, 0 };
	VEC(struct owned) list = VEC_INIT;
	size_t n;
	char **units = state_units(p->state, &n);
	struct strbuf ignored;
	strbuf_init(&ignored);
	for (size_t i = 0; i < n; i++) {
		json_t *doc = NULL;
		if (strcmp(units[i], p->want->unit) != 0 && state_read_unit(p->state, units[i], &doc, &ignored)) {
			const char *unit = arena_printf(p->a, "%s", units[i]);
			json_t *f;
			size_t k;
			json_array_foreach(json_object_get(json_object_get(doc, "current"), "files"), k, f) {
				struct owned w = {
					arena_printf(p->a, "%s", json_string_value(json_object_get(f, "path"))),
					arena_printf(p->a, "%s", json_string_value(json_object_get(f, "sha256"))),
					unit,
				};
				vec_push(&list, w);
			}
		}
		json_decref(doc);
		free(units[i]);
	}
	free(units);
	strbuf_release(&ignored);
	if (list.len) {
		o.items = arena_alloc(p->a, list.len * sizeof *o.items);
		memcpy(o.items, list.items, list.len * sizeof *o.items);
		o.n = list.len;
		qsort(o.items, o.n, sizeof *o.items, by_path);
	}
	vec_free(&list);
	return o;
}

static const struct owned *owner_of(const struct others *o, const char *path)
{
	struct owned key = { path, NULL, NULL };
	return o->n ? bsearch(&key, o->items, o->n, sizeof *o->items, by_path) : NULL;
}

static bool plan_files(struct plan *p, struct strbuf *err)
{
	struct strbuf disk;
	strbuf_init(&disk);
	const struct others others = other_units_files(p);
	bool ok = true;
	for (size_t i = 0; ok && i < p->want->nfiles; i++) {
		const struct b_file *f = &p->want->files[i];
		unsigned mode = 0;
		enum rootfs_read r = rootfs_read(p->root, f->path, &disk, &mode, err);
		char hex[65] = "";
		if (r == ROOTFS_OK)
			sha256_hex(disk.buf, disk.len, hex);
		const struct b_file *before = p->have ? bundle_file(p->have, f->path) : NULL;
		const char *why = r == ROOTFS_MISSING ? "new"
				  : r == ROOTFS_ERROR ? NULL
				  : strcmp(hex, f->sha256) != 0
				      ? (before && strcmp(before->sha256, f->sha256) == 0 ? "changed on the host"
											  : "changed")
				  : mode != f->mode ? arena_printf(p->a, "mode %04o, want %04o", mode, f->mode)
						    : "";
		const struct owned *owner = why ? owner_of(&others, f->path) : NULL;
		if (owner && strcmp(owner->sha256, f->sha256) != 0) {
			strbuf_addf(err, "%s is also written by unit %s, with other content: two units "
				    "cannot own one file; give it another path in one of them, or "
				    "apply them to different roots", f->path, owner->unit);
			ok = false;
		} else if (!why)
			ok = false;
		else if (*why)
			add(p, ACT_WRITE, f->path, why)->file = f;
	}
	for (size_t i = 0; ok && p->have && i < p->have->nfiles; i++) {
		const struct b_file *f = &p->have->files[i];
		if (bundle_file(p->want, f->path))
			continue;
		enum rootfs_read r = rootfs_read(p->root, f->path, &disk, NULL, err);
		char hex[65];
		if (r == ROOTFS_ERROR)
			ok = false;
		if (r != ROOTFS_OK || owner_of(&others, f->path))
			continue;
		sha256_hex(disk.buf, disk.len, hex);
		if (strcmp(hex, f->sha256) == 0)
			add(p, ACT_REMOVE, f->path, "no longer in the bundle")->file = f;
		else
			vec_push(&p->warnings, arena_printf(p->a, "%s is no longer in the bundle but was "
							  "changed on the host: left in place",
							  f->path));
	}
	strbuf_release(&disk);
	return ok;
}

/* ---- migrations -------------------------------------------------------------- */

static const struct b_step *find_step(const struct b_migrations *m, const char *id)
{
	for (size_t i = 0; m && i < m->nsteps; i++)
		if (strcmp(m->steps[i].id, id) == 0)
			return &m->steps[i];
	return NULL;
}

static bool plan_database(struct plan *p, size_t k, struct strbuf *err)
{
	struct plan_db *d = &p->dbs[k];
	if (!db_choose(p->want, d->database, p->state->dir, p->a, &d->target, err))
		return false;
	d->conn = db_open(&d->target, p->read_only, err);
	if (!d->conn && err->len)
		return false;
	const struct b_migrations *m = d->target.m;
	struct db_record *rec = NULL;
	size_t nrec = 0;
	if (d->conn && !db_records(d->conn, m->database, p->a, &rec, &nrec, err))
		return false;
	bool based = false;
	for (size_t i = 0; i < nrec; i++)
		based |= strcmp(rec[i].id, BASE_SCHEMA_ID) == 0;
	if (m->has_base && !based) {
		bool exists = false;
		if (d->conn && !db_has_table(d->conn, m->unless_table, &exists, err))
			return false;
		if (!exists) {
			struct action *a = add(p, ACT_SCHEMA, BASE_SCHEMA_ID, d->target.label);
			a->migrations = m;
			a->db = k;
		}
	}
	/* Recorded migrations the bundle lacks: newer than the bundle. */
	const struct b_migrations *had = bundle_migrations(p->have, m->database, m->dialect);
	for (size_t i = nrec; i-- > 0;) {
		if (strcmp(rec[i].id, BASE_SCHEMA_ID) == 0 || find_step(m, rec[i].id))
			continue;
		const struct b_step *down = find_step(had, rec[i].id);
		if (!p->down_migrations || !down) {
			strbuf_addf(err, "%s has migration %s of %s, which this bundle lacks: %s",
				    d->target.label, rec[i].id, m->database,
				    p->down_migrations ? "its down migration is unknown (it was not applied by this unit)"
						       : "apply a newer bundle, or roll back with "
							 "`orch-apply rollback --down-migrations`");
			return false;
		}
		struct action *a = add(p, ACT_UNMIGRATE, rec[i].id, d->target.label);
		a->migrations = had;
		a->step = down;
		a->db = k;
	}
	for (size_t i = 0; i < m->nsteps; i++) {
		const struct b_step *s = &m->steps[i];
		const struct db_record *r = NULL;
		for (size_t j = 0; j < nrec && !r; j++)
			if (strcmp(rec[j].id, s->id) == 0)
				r = &rec[j];
		if (r && strcmp(r->checksum, s->up.sha256) != 0) {
			strbuf_addf(err, "%s: migration %s of %s was applied with checksum %s, but the "
				    "bundle's has %s: an applied migration was edited; restore it and "
				    "add the change as a new migration",
				    d->target.label, s->id, m->database, r->checksum, s->up.sha256);
			return false;
		}
		if (!r) {
			struct action *a = add(p, ACT_MIGRATE, s->id, d->target.label);
			a->migrations = m;
			a->step = s;
			a->db = k;
		}
	}
	return true;
}

static bool plan_migrations(struct plan *p, struct strbuf *err)
{
	p->dbs = arena_zalloc(p->a, (p->want->nmigrations + 1) * sizeof *p->dbs);
	for (size_t i = 0; i < p->want->nmigrations; i++) {
		const char *name = p->want->migrations[i].database;
		bool seen = false;
		for (size_t k = 0; k < p->ndbs; k++)
			seen |= strcmp(p->dbs[k].database, name) == 0;
		if (seen)
			continue;
		p->dbs[p->ndbs].database = name;
		if (!plan_database(p, p->ndbs++, err))
			return false;
	}
	return true;
}

/* ---- compose and devices ----------------------------------------------------- */

static void digest_add(struct sha256 *s, const char *text)
{
	sha256_update(s, text, strlen(text) + 1);
}

static void digest_hex(struct sha256 *s, char hex[65])
{
	unsigned char raw[32];
	sha256_final(s, raw);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
}

/* What a project runs: its command line and the files of its directory. */
static void compose_digest(const struct bundle *b, const struct b_compose *c, char hex[65])
{
	struct sha256 s;
	sha256_init(&s);
	digest_add(&s, c->project);
	digest_add(&s, c->directory);
	for (size_t i = 0; i < c->nfiles; i++)
		digest_add(&s, c->files[i]);
	size_t n = strlen(c->directory);
	for (size_t i = 0; i < b->nfiles; i++)
		if (strncmp(b->files[i].path, c->directory, n) == 0 && b->files[i].path[n] == '/') {
			digest_add(&s, b->files[i].path);
			digest_add(&s, b->files[i].sha256);
		}
	digest_hex(&s, hex);
}

/* What a device runs: the body and every module it fetches. */
static void deployment_digest(const struct bundle *b, const struct b_deployment *d, char hex[65])
{
	struct sha256 s;
	sha256_init(&s);
	digest_add(&s, d->id);
	digest_add(&s, d->supervisor);
	digest_add(&s, d->body.sha256);
	for (size_t i = 0; i < b->nfiles; i++)
		digest_add(&s, b->files[i].sha256);
	digest_hex(&s, hex);
}

/* The variables a project needs must be set on this host before anything
 * changes (in the environment or the project's .env); values never read. */
static bool variables_set(struct plan *p, const struct b_compose *c, struct strbuf *err)
{
	struct strbuf env, missing, ignored;
	strbuf_init(&env);
	strbuf_init(&missing);
	strbuf_init(&ignored);
	rootfs_read(p->root, arena_printf(p->a, "%s/.env", c->directory), &env, NULL, &ignored);
	for (size_t i = 0; i < c->nvariables; i++) {
		const char *v = c->variables[i];
		size_t n = strlen(v);
		bool in_file = false;
		for (const char *line = env.buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
			in_file |= strncmp(line, v, n) == 0 && line[n] == '=';
		if (!getenv(v) && !in_file)
			strbuf_addf(&missing, "%s%s", missing.len ? ", " : "", v);
	}
	if (missing.len)
		strbuf_addf(err, "compose project %s needs %s: set %s in the environment or in "
			    "%s/%s/.env",
			    c->project, missing.buf, strchr(missing.buf, ',') ? "them" : "it",
			    p->root_dir, c->directory);
	bool ok = !missing.len;
	strbuf_release(&env);
	strbuf_release(&missing);
	strbuf_release(&ignored);
	return ok;
}

/* Projects and deployments the bundle drops go first, while their files
 * are still in place. */
static void plan_removals(struct plan *p)
{
	const struct bundle *w = p->want, *h = p->have;
	for (size_t i = 0; h && i < h->ncompose; i++)
		if (!bundle_project(w, h->compose[i].project))
			add(p, ACT_COMPOSE_DOWN, h->compose[i].project, "no longer in the bundle")
				->compose = &h->compose[i];
	for (size_t i = 0; h && i < h->ndeployments; i++) {
		const struct b_deployment *d = &h->deployments[i], *now_d = bundle_deployment(w, d->deployment);
		if (!now_d || strcmp(now_d->id, d->id) != 0 || strcmp(now_d->supervisor, d->supervisor) != 0)
			add(p, ACT_UNDEPLOY, d->deployment, now_d ? "moved" : "no longer in the bundle")
				->deployment = d;
	}
}

static bool plan_services(struct plan *p, struct strbuf *err)
{
	char now[65], before[65];
	const struct bundle *w = p->want, *h = p->have;
	for (size_t i = 0; i < w->ncompose; i++) {
		const struct b_compose *c = &w->compose[i], *old = bundle_project(h, c->project);
		if (!variables_set(p, c, err))
			return false;
		compose_digest(w, c, now);
		if (old)
			compose_digest(h, old, before);
		if (!old || strcmp(now, before) != 0)
			add(p, ACT_COMPOSE_UP, c->project, old ? "changed" : "new")->compose = c;
	}
	for (size_t i = 0; i < w->ndeployments; i++) {
		const struct b_deployment *d = &w->deployments[i], *old = bundle_deployment(h, d->deployment);
		deployment_digest(w, d, now);
		if (old)
			deployment_digest(h, old, before);
		if (!old || strcmp(now, before) != 0)
			add(p, ACT_DEPLOY, d->deployment, old ? "changed" : "new")->deployment = d;
	}
	return true;
}

bool plan_build(struct plan *p, struct strbuf *err)
{
	plan_removals(p);
	return plan_files(p, err) && (p->skip_migrations || plan_migrations(p, err)) &&
	       plan_services(p, err);
}

void plan_print(const struct plan *p, bool json)
{
	if (json) {
		json_t *list = json_array(), *warnings = json_array();
		for (size_t i = 0; i < p->actions.len; i++) {
			const struct action *a = &p->actions.items[i];
			json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "action", verbs[a->kind],
							      "subject", a->subject, "why", a->why));
		}
		for (size_t i = 0; i < p->warnings.len; i++)
			json_array_append_new(warnings, json_string(p->warnings.items[i]));
		json_t *doc = json_pack("{s:s, s:b, s:o, s:o}", "unit", p->want->unit, "changes",
					p->actions.len > 0, "actions", list, "warnings", warnings);
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(doc);
		return;
	}
	for (size_t i = 0; i < p->warnings.len; i++)
		printf("warning: %s\n", p->warnings.items[i]);
	if (!p->actions.len) {
		printf("%s: no changes\n", p->want->unit);
		return;
	}
	printf("%s: %zu change%s\n", p->want->unit, p->actions.len, p->actions.len == 1 ? "" : "s");
	for (size_t i = 0; i < p->actions.len; i++) {
		const struct action *a = &p->actions.items[i];
		printf("  %-18s %s%s%s%s\n", verbs[a->kind], a->subject, *a->why ? " (" : "", a->why,
		       *a->why ? ")" : "");
	}
}

void plan_release(struct plan *p)
{
	for (size_t i = 0; p->contents && i < p->want->nfiles; i++)
		strbuf_release(&p->contents[i]);
	for (size_t i = 0; i < p->actions.len; i++)
		strbuf_release(&p->actions.items[i].old);
	for (size_t i = 0; i < p->ndbs; i++)
		db_close(p->dbs[i].conn);
	vec_free(&p->actions);
	vec_free(&p->warnings);
}

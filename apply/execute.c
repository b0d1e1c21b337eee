/*
 * execute.c - performing a plan's actions, and undoing them on failure.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "effects.h"
#include "plan.h"
#include "rootfs.h"
#include "sha256.h"
#include "state.h"

static struct strbuf *content_of(struct plan *p, const struct b_file *f)
{
	return &p->contents[f - p->want->files];
}

/* A file of an earlier bundle, from the object store, verified. */
static bool stored(struct plan *p, const struct b_ref *ref, struct strbuf *out, struct strbuf *err)
{
	if (state_get_object(p->state, ref->sha256, out, err) != ROOTFS_OK) {
		if (!err->len)
			strbuf_addf(err, "the content of %s is missing from the state's objects",
				    ref->path);
		return false;
	}
	char hex[65];
	sha256_hex(out->buf, out->len, hex);
	if (strcmp(hex, ref->sha256) != 0) {
		strbuf_addf(err, "the state's copy of %s is damaged (sha256 %s)", ref->path, hex);
		return false;
	}
	return true;
}

/* The text of a file of `want` (verified at load) or, failing that, of the store. */
static bool text_of(struct plan *p, const struct b_ref *ref, struct strbuf *out, struct strbuf *err)
{
	const struct b_file *f = bundle_file(p->want, ref->path);
	if (f && strcmp(f->sha256, ref->sha256) == 0) {
		strbuf_reset(out);
		strbuf_add(out, content_of(p, f)->buf, content_of(p, f)->len);
		return true;
	}
	return stored(p, ref, out, err);
}

static bool compose(struct plan *p, const struct run_opts *o, const struct b_compose *c, bool up,
		    struct strbuf *err)
{
	size_t words = 0;
	while (o->compose[words])
		words++;
	/* The command, the project, two per file, the verb and its flags, NULL. */
	const char **argv = arena_alloc(p->a, (words + 2 + 2 * c->nfiles + 4) * sizeof *argv);
	size_t n = 0;
	for (size_t i = 0; o->compose[i]; i++)
		argv[n++] = o->compose[i];
	/* No --project-directory (podman-compose lacks it): compose runs in
	 * the project's directory, where the first file is. */
	const char *dir = arena_printf(p->a, "%s/%s", p->root_dir, c->directory);
	argv[n++] = "--project-name";
	argv[n++] = c->project;
	for (size_t i = 0; i < c->nfiles; i++) {
		argv[n++] = "--file";
		argv[n++] = arena_printf(p->a, "%s/%s", p->root_dir, c->files[i]);
	}
	if (up) {
		argv[n++] = "up";
		argv[n++] = "--detach";
		argv[n++] = "--remove-orphans";
	} else {
		argv[n++] = "down";
	}
	argv[n] = NULL;
	if (o->verbose) {
		fputs("  $", stdout);
		for (size_t i = 0; i < n; i++)
			printf(" %s", argv[i]);
		putchar('\n');
	}
	return run_command(argv, dir, o->quiet, err);
}

static bool deploy(struct plan *p, const struct b_deployment *d, struct strbuf *err)
{
	struct strbuf body;
	strbuf_init(&body);
	bool ok = text_of(p, &d->body, &body, err) &&
		  http_send("POST", d->supervisor, body.buf, body.len, false, err);
	strbuf_release(&body);
	return ok;
}

static bool undeploy(struct plan *p, const struct b_deployment *d, struct strbuf *err)
{
	return http_send("DELETE", arena_printf(p->a, "%s/%s", d->supervisor, d->id), NULL, 0, true, err);
}

static bool migrate(struct plan *p, struct action *a, const struct b_ref *script, bool record,
		    struct strbuf *err)
{
	struct plan_db *d = &p->dbs[a->db];
	if (!d->conn && !(d->conn = db_open(&d->target, false, err)))
		return false;
	struct strbuf sql;
	strbuf_init(&sql);
	bool ok = text_of(p, script, &sql, err) &&
		  db_run(d->conn, sql.buf, a->migrations->database, a->subject,
			 record ? script->sha256 : NULL, err);
	strbuf_release(&sql);
	return ok;
}

static bool perform(struct plan *p, const struct run_opts *o, struct action *a, struct strbuf *err)
{
	switch (a->kind) {
	case ACT_WRITE:
	case ACT_REMOVE: {
		enum rootfs_read r = rootfs_read(p->root, a->subject, &a->old, &a->old_mode, err);
		if (r == ROOTFS_ERROR)
			return false;
		a->had_old = r == ROOTFS_OK;
		if (a->kind == ACT_REMOVE)
			return rootfs_remove(p->root, a->subject, err);
		const struct strbuf *c = content_of(p, a->file);
		return rootfs_write(p->root, a->subject, c->buf, c->len, a->file->mode, err);
	}
	case ACT_SCHEMA:
		return migrate(p, a, &a->migrations->base, true, err);
	case ACT_MIGRATE:
		return migrate(p, a, &a->step->up, true, err);
	case ACT_UNMIGRATE:
		return migrate(p, a, &a->step->down, false, err);
	case ACT_COMPOSE_DOWN:
	case ACT_COMPOSE_UP:
		return compose(p, o, a->compose, a->kind == ACT_COMPOSE_UP, err);
	case ACT_UNDEPLOY:
		return undeploy(p, a->deployment, err);
	case ACT_DEPLOY:
		return deploy(p, a->deployment, err);
	}
	return false;
}

/* Undoes one done action; projects are brought back after the files. */
static bool undo(struct plan *p, const struct run_opts *o, struct action *a, struct strbuf *err)
{
	const struct b_deployment *d;
	const struct b_compose *c;
	switch (a->kind) {
	case ACT_WRITE:
	case ACT_REMOVE:
		return a->had_old ? rootfs_write(p->root, a->subject, a->old.buf, a->old.len,
						 a->old_mode, err)
				  : rootfs_remove(p->root, a->subject, err);
	case ACT_SCHEMA:
		strbuf_addstr(err, "a base schema is never dropped");
		return false;
	case ACT_MIGRATE:
		return migrate(p, a, &a->step->down, false, err);
	case ACT_UNMIGRATE:
		return migrate(p, a, &a->step->up, true, err);
	case ACT_COMPOSE_DOWN:
		return compose(p, o, a->compose, true, err);
	case ACT_COMPOSE_UP:
		c = bundle_project(p->have, a->subject);
		return compose(p, o, c ? c : a->compose, c != NULL, err);
	case ACT_UNDEPLOY:
		return deploy(p, a->deployment, err);
	case ACT_DEPLOY:
		d = bundle_deployment(p->have, a->subject);
		return d ? deploy(p, d, err) : undeploy(p, a->deployment, err);
	}
	return false;
}

static bool is_service(enum action_kind k)
{
	return k == ACT_COMPOSE_DOWN || k == ACT_COMPOSE_UP;
}

static void rollback(struct plan *p, const struct run_opts *o, size_t failed, struct strbuf *err)
{
	struct strbuf undone, kept, why;
	strbuf_init(&undone);
	strbuf_init(&kept);
	strbuf_init(&why);
	/* Compose projects last: they read the files being restored. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = failed; i-- > 0;) {
			struct action *a = &p->actions.items[i];
			if (is_service(a->kind) != (pass == 1))
				continue;
			strbuf_reset(&why);
			bool ok = undo(p, o, a, &why);
			struct strbuf *list = ok ? &undone : &kept;
			strbuf_addf(list, "\n  %s %s%s%s", action_verb(a->kind), a->subject,
				    ok ? "" : ": ", ok ? "" : why.buf);
		}
	strbuf_addf(err, "\nnothing else was applied; the unit's state is still its last successful apply");
	if (undone.len)
		strbuf_addf(err, "\nundone:%s", undone.buf);
	if (kept.len)
		strbuf_addf(err, "\napplied and NOT undone (a re-run after the fix converges):%s", kept.buf);
	strbuf_addf(err, "\nnot applied:");
	for (size_t i = failed; i < p->actions.len; i++)
		strbuf_addf(err, "\n  %s %s", action_verb(p->actions.items[i].kind),
			    p->actions.items[i].subject);
	strbuf_release(&undone);
	strbuf_release(&kept);
	strbuf_release(&why);
}

bool plan_execute(struct plan *p, const struct run_opts *o, struct strbuf *err)
{
	size_t n = p->actions.len;
	bool tty = isatty(STDOUT_FILENO);
	for (size_t i = 0; i < n; i++) {
		struct action *a = &p->actions.items[i];
		if (!o->quiet) {
			printf("%s[%zu/%zu] %s %s", tty ? "\r\033[K" : "", i + 1, n, action_verb(a->kind),
			       a->subject);
			if (o->verbose && *a->why)
				printf(" (%s)", a->why);
			fputs(tty && !o->verbose ? "" : "\n", stdout);
			fflush(stdout);
		}
		struct strbuf why;
		strbuf_init(&why);
		if (!perform(p, o, a, &why)) {
			if (tty && !o->quiet)
				putchar('\n');
			strbuf_addf(err, "%s %s failed: %s", action_verb(a->kind), a->subject, why.buf);
			strbuf_release(&why);
			rollback(p, o, i, err);
			return false;
		}
		strbuf_release(&why);
		a->done = true;
		if (o->fault_after && (long)(i + 1) == o->fault_after)
			kill(getpid(), SIGKILL); /* the crash-safety tests' fault hook */
	}
	if (tty && !o->quiet && n)
		putchar('\n');
	return true;
}

/*
 * plan.h - what a run would change, and doing it.
 *
 * A plan compares the desired bundle (`want`) with the unit's last
 * successful apply (`have`) and with reality where reality can be read:
 * files are compared with what is on disk, migrations with what the
 * database recorded.  Compose projects and device deployments cannot be
 * read back, so they are compared with `have`: a run interrupted before
 * it committed the new state does them again, and both are idempotent.
 *
 * Actions run in this order: compose projects down and device deployments
 * deleted (while their files are still there), files written, files
 * removed, base schema, migrations, compose projects up, device
 * deployments posted.
 */
#ifndef ORCH_APPLY_PLAN_H
#define ORCH_APPLY_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle.h"
#include "db.h"
#include "str.h"
#include "vec.h"

struct arena;
struct state;

enum action_kind {
	ACT_WRITE,
	ACT_REMOVE,
	ACT_SCHEMA,
	ACT_MIGRATE,
	ACT_UNMIGRATE,
	ACT_COMPOSE_DOWN,
	ACT_COMPOSE_UP,
	ACT_UNDEPLOY,
	ACT_DEPLOY,
};

struct action {
	enum action_kind kind;
	const char *subject; /* the path, migration, project or deployment */
	const char *why;     /* "new", "changed", "changed on the host"... */
	const struct b_file *file;
	const struct b_migrations *migrations;
	size_t db;           /* index in plan.dbs */
	const struct b_step *step;
	const struct b_compose *compose;
	const struct b_deployment *deployment;
	bool done;
	bool had_old;        /* undo: the file that was there */
	struct strbuf old;
	unsigned old_mode;
};

struct plan_db {
	const char *database;
	struct db_target target;
	struct db *conn; /* NULL: not opened, or a SQLite file not created yet */
};

struct plan {
	struct arena *a;
	struct state *state;
	int root;                    /* the root directory */
	const char *root_dir;
	const struct bundle *want;
	const struct bundle *have;   /* NULL: never applied */
	struct strbuf *contents;     /* want's files, verified, parallel to want->files */
	VEC(struct action) actions;
	VEC(const char *) warnings;  /* what the plan leaves alone, and why */
	struct plan_db *dbs;
	size_t ndbs;
	bool down_migrations;        /* rollback: run down migrations want lacks */
	bool skip_migrations;        /* rollback without them: databases untouched */
	bool read_only;              /* plan, --dry-run: open nothing for writing */
};

/**
 * Reads every file of `want` from `source_dir` (a build's output
 * directory), or from the state's object store when `source_dir` is NULL,
 * and verifies each against its size and sha256.
 */
bool plan_load_contents(struct plan *p, const char *source_dir, struct strbuf *err);

/** Fills p->actions; false (with why) when the unit cannot be brought there. */
bool plan_build(struct plan *p, struct strbuf *err);

/** Prints the actions, for people or (json) for programs. */
void plan_print(const struct plan *p, bool json);

struct run_opts {
	bool quiet, verbose;
	const char *const *compose; /* the compose command, NULL-terminated */
	long fault_after;           /* test hook: SIGKILL after this many actions (0: never) */
};

/**
 * Performs the actions in order.  On a failure, undoes what was done where
 * it can, in reverse, and says in `err` what was applied, undone and not
 * applied.
 */
bool plan_execute(struct plan *p, const struct run_opts *o, struct strbuf *err);

void plan_release(struct plan *p);

/** What an action does, for people: "write", "migrate"... */
const char *action_verb(enum action_kind k);

#endif

/*
 * migration_files.h - one migration of a catalogue's history as files:
 * the SQL of each dialect, up and down, and the Alembic revision.
 *
 * The header of each file lists what the migration changes; every
 * statement is preceded by a comment saying what it does.  The Alembic
 * revision runs the PostgreSQL statements through op.execute, one per
 * call, importing nothing from orchestrator-core, so replaying it never
 * depends on the core version installed.  Its id is derived from its
 * parent and its SQL, so the same history gives the same ids everywhere.
 */
#ifndef ORCHC_MIGRATION_FILES_H
#define ORCHC_MIGRATION_FILES_H

#include "str.h"

struct arena;
struct cat_diff;
struct m_entity;

struct migration {
	const struct m_entity *cat;
	const char *source;         /* the root file, named in headers */
	unsigned number;            /* 1 for the first */
	unsigned outputs;           /* OUT_* (catalog_lock.h) */
	const char *parent;         /* the previous Alembic revision, NULL for the first */
	const char *revision;       /* set by migration_render: the new one (NULL without alembic) */
	const struct cat_diff *diff;
};

struct migration_file {
	const char *path; /* relative to migrations/<catalog>/ */
	struct strbuf data;
};

/** Renders `m` into up to five files; returns how many. */
unsigned migration_render(struct migration *m, struct arena *a, struct migration_file out[5]);

#endif

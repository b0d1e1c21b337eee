/*
 * db.h - the databases migrations run against: SQLite (libsqlite3), the
 * default that needs no server, or PostgreSQL (libpq).
 *
 * Which one a catalog's migrations go to is the host's choice, made in the
 * environment variable the bundle names (connection_env): unset, the
 * SQLite database STATE/db/<database>.sqlite3; "sqlite:PATH", that file;
 * anything else, a libpq connection string or URI.  The connection string
 * is never printed or stored: messages name the variable.
 *
 * Each migration runs in its own transaction together with its record in
 * orch_migrations (catalog, id, checksum, applied_at), so a migration is
 * either applied and recorded or neither, whatever happens to the process.
 */
#ifndef ORCH_APPLY_DB_H
#define ORCH_APPLY_DB_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct b_migrations;
struct bundle;
struct strbuf;

struct db_target {
	const struct b_migrations *m; /* the entry of the chosen dialect */
	const char *sqlite_path;      /* SQLite: the file */
	const char *conninfo;         /* PostgreSQL: from the environment */
	const char *label;            /* for messages: the file, or "$VAR (PostgreSQL)" */
};

/** Chooses the database and dialect for `database` of bundle `b`. */
bool db_choose(const struct bundle *b, const char *database, const char *state_dir,
	       struct arena *a, struct db_target *t, struct strbuf *err);

struct db;

/**
 * Connects.  With `read_only`, a SQLite file that does not exist yet is
 * no database (NULL, no error): everything is still to be applied.
 */
struct db *db_open(const struct db_target *t, bool read_only, struct strbuf *err);
void db_close(struct db *d);

bool db_has_table(struct db *d, const char *table, bool *yes, struct strbuf *err);

struct db_record {
	const char *id;
	const char *checksum;
};

/** The migrations recorded for `catalog`, by id (arena). */
bool db_records(struct db *d, const char *catalog, struct arena *a, struct db_record **out,
		size_t *n, struct strbuf *err);

/**
 * Runs `sql` in one transaction with its record: inserted with `checksum`,
 * or deleted when `checksum` is NULL (a down migration).
 */
bool db_run(struct db *d, const char *sql, const char *catalog, const char *id,
	    const char *checksum, struct strbuf *err);

/* The backends. */
struct db_ops {
	struct db *(*open)(const struct db_target *t, bool read_only, struct strbuf *err);
	void (*close)(struct db *d);
	bool (*has_table)(struct db *d, const char *table, bool *yes, struct strbuf *err);
	bool (*records)(struct db *d, const char *catalog, struct arena *a, struct db_record **out,
			size_t *n, struct strbuf *err);
	bool (*run)(struct db *d, const char *sql, const char *catalog, const char *id,
		    const char *checksum, struct strbuf *err);
};

struct db {
	const struct db_ops *ops;
};

extern const struct db_ops db_sqlite_ops, db_postgres_ops;

#endif

/*
 * db_sqlite.c - migrations against SQLite (libsqlite3).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "db.h"
#include "str.h"

struct db_sqlite {
	struct db base;
	sqlite3 *conn;
	const char *path;
};

static const char *const records_table =
	"CREATE TABLE IF NOT EXISTS orch_migrations (catalog TEXT NOT NULL, id TEXT NOT NULL, "
	"checksum TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, "
	"PRIMARY KEY (catalog, id))";

static bool failed(struct db_sqlite *d, struct strbuf *err, const char *doing)
{
	strbuf_addf(err, "%s: %s: %s", d->path, doing, sqlite3_errmsg(d->conn));
	return false;
}

static void sq_close(struct db *base)
{
	struct db_sqlite *d = (struct db_sqlite *)base;
	sqlite3_close(d->conn);
	free(d);
}

static struct db *sq_open(const struct db_target *t, bool read_only, struct strbuf *err)
{
	struct stat st;
	if (read_only && stat(t->sqlite_path, &st) != 0)
		return NULL;
	struct db_sqlite *d = xmalloc(sizeof *d);
	d->base.ops = &db_sqlite_ops;
	d->path = t->sqlite_path;
	int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(t->sqlite_path, &d->conn, flags, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(d->conn, 30000) != SQLITE_OK ||
	    sqlite3_exec(d->conn, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK) {
		failed(d, err, "cannot open");
		sq_close(&d->base);
		return NULL;
	}
	return &d->base;
}

static bool sq_has_table(struct db *base, const char *table, bool *yes, struct strbuf *err)
{
	struct db_sqlite *d = (struct db_sqlite *)base;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(d->conn,
			       "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return failed(d, err, "cannot read the schema");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*yes = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? true : failed(d, err, "cannot read the schema");
}

static bool sq_records(struct db *base, const char *catalog, struct arena *a,
		       struct db_record **out, size_t *n, struct strbuf *err)
{
	struct db_sqlite *d = (struct db_sqlite *)base;
	bool exists;
	*out = NULL;
	*n = 0;
	if (!sq_has_table(base, "orch_migrations", &exists, err))
		return false;
	if (!exists)
		return true;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(d->conn,
			       "SELECT id, checksum FROM orch_migrations WHERE catalog = ?1 ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return failed(d, err, "cannot read orch_migrations");
	sqlite3_bind_text(st, 1, catalog, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct db_record *bigger = arena_alloc(a, (cap = cap ? 2 * cap : 16) * sizeof *bigger);
			if (*n)
				memcpy(bigger, *out, *n * sizeof *bigger);
			*out = bigger;
		}
		(*out)[*n].id = arena_printf(a, "%s", (const char *)sqlite3_column_text(st, 0));
		(*out)[(*n)++].checksum = arena_printf(a, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? true : failed(d, err, "cannot read orch_migrations");
}

static bool sq_run(struct db *base, const char *sql, const char *catalog, const char *id,
		   const char *checksum, struct strbuf *err)
{
	struct db_sqlite *d = (struct db_sqlite *)base;
	char *msg = NULL;
	if (sqlite3_exec(d->conn, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(d->conn, records_table, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(d->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		strbuf_addf(err, "%s: %s: %s", d->path, id, msg ? msg : sqlite3_errmsg(d->conn));
		sqlite3_free(msg);
		sqlite3_exec(d->conn, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	sqlite3_stmt *st;
	const char *record = checksum ? "INSERT INTO orch_migrations (catalog, id, checksum) "
					"VALUES (?1, ?2, ?3)"
				      : "DELETE FROM orch_migrations WHERE catalog = ?1 AND id = ?2";
	bool ok = sqlite3_prepare_v2(d->conn, record, -1, &st, NULL) == SQLITE_OK;
	if (ok) {
		sqlite3_bind_text(st, 1, catalog, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		if (checksum)
			sqlite3_bind_text(st, 3, checksum, -1, SQLITE_STATIC);
		ok = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_finalize(st);
	}
	if (!ok || sqlite3_exec(d->conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		failed(d, err, "cannot record the migration");
		sqlite3_exec(d->conn, "ROLLBACK", NULL, NULL, NULL);
		return false;
	}
	return true;
}

const struct db_ops db_sqlite_ops = { sq_open, sq_close, sq_has_table, sq_records, sq_run };

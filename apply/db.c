/*
 * db.c - choosing a catalog's database, and the calls every backend answers.
 */
#include "db.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bundle.h"
#include "str.h"

bool db_choose(const struct bundle *b, const char *database, const char *state_dir,
	       struct arena *a, struct db_target *t, struct strbuf *err)
{
	memset(t, 0, sizeof *t);
	const struct b_migrations *any = bundle_migrations(b, database, "sqlite");
	if (!any)
		any = bundle_migrations(b, database, "postgres");
	const char *var = any->connection_env;
	const char *value = getenv(var);
	bool sqlite = !value || !*value || strncmp(value, "sqlite:", 7) == 0;
	t->m = bundle_migrations(b, database, sqlite ? "sqlite" : "postgres");
	if (!t->m) {
		strbuf_addf(err, "database '%s' has migrations only for %s, and %s %s", database,
			    any->dialect, var,
			    sqlite ? "is unset or names a SQLite file: set it to a PostgreSQL "
				     "connection string"
				   : "names a PostgreSQL server: build the catalog with "
				     "dialects = [sqlite] too, or unset it");
		return false;
	}
	if (sqlite && value && *value && (!value[7] || strcmp(value + 7, ":memory:") == 0)) {
		/* Migrations into a database that ends with the process would be
		 * reported applied, and run again on every apply. */
		strbuf_addf(err, "%s is '%s', which names no database file: migrations there "
			    "would be lost when orch-apply ends; write sqlite:PATH, or unset it "
			    "for the state's own database", var, value);
		return false;
	}
	if (sqlite) {
		t->sqlite_path = value && *value ? value + 7
						 : arena_printf(a, "%s/db/%s.sqlite3", state_dir, database);
		t->label = t->sqlite_path;
	} else {
		t->conninfo = value;
		t->label = arena_printf(a, "$%s (PostgreSQL)", var);
	}
	return true;
}

struct db *db_open(const struct db_target *t, bool read_only, struct strbuf *err)
{
	return (t->conninfo ? &db_postgres_ops : &db_sqlite_ops)->open(t, read_only, err);
}

void db_close(struct db *d)
{
	if (d)
		d->ops->close(d);
}

bool db_has_table(struct db *d, const char *table, bool *yes, struct strbuf *err)
{
	return d->ops->has_table(d, table, yes, err);
}

bool db_records(struct db *d, const char *catalog, struct arena *a, struct db_record **out,
		size_t *n, struct strbuf *err)
{
	return d->ops->records(d, catalog, a, out, n, err);
}

bool db_run(struct db *d, const char *sql, const char *catalog, const char *id,
	    const char *checksum, struct strbuf *err)
{
	return d->ops->run(d, sql, catalog, id, checksum, err);
}

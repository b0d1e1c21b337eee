/*
 * db_postgres.c - migrations against PostgreSQL (libpq).
 *
 * A migration file is sent as one simple query: PostgreSQL runs its
 * statements in order, inside the transaction opened before it.
 */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "db.h"
#include "str.h"

struct db_pg {
	struct db base;
	PGconn *conn;
	const char *label;
};

static const char *const records_table =
	"CREATE TABLE IF NOT EXISTS orch_migrations (catalog text NOT NULL, id text NOT NULL, "
	"checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
	"PRIMARY KEY (catalog, id))";

static void pg_close(struct db *base)
{
	struct db_pg *d = (struct db_pg *)base;
	PQfinish(d->conn);
	free(d);
}

/* Runs `sql`; false with the server's message when it did not succeed. */
static bool exec(struct db_pg *d, const char *sql, int nparams, const char *const *params,
		 PGresult **out, const char *doing, struct strbuf *err)
{
	PGresult *r = nparams ? PQexecParams(d->conn, sql, nparams, NULL, params, NULL, NULL, 0)
			      : PQexec(d->conn, sql);
	ExecStatusType s = PQresultStatus(r);
	bool ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
	if (!ok) {
		const char *msg = PQresultErrorMessage(r);
		strbuf_addf(err, "%s: %s: %.*s", d->label, doing, (int)strcspn(msg, "\n"), msg);
	}
	if (ok && out)
		*out = r;
	else
		PQclear(r);
	return ok;
}

/* Appends the first line of libpq's `msg` with every copy of `secret` (the
 * password, or the whole connection string) hidden: libpq quotes them. */
static void add_hiding(struct strbuf *err, const char *msg, const char *secret)
{
	size_t len = strcspn(msg, "\n"), n = secret ? strlen(secret) : 0;
	for (size_t i = 0; i < len;) {
		if (n && i + n <= len && memcmp(msg + i, secret, n) == 0) {
			strbuf_addstr(err, "***");
			i += n;
		} else {
			strbuf_addch(err, msg[i++]);
		}
	}
}

static struct db *pg_open(const struct db_target *t, bool read_only, struct strbuf *err)
{
	(void)read_only;
	char *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(t->conninfo, &why);
	if (!opts) {
		/* libpq's reason quotes the string, password and all. */
		strbuf_addf(err, "%s: cannot connect: ", t->label);
		add_hiding(err, why ? why : "out of memory", t->conninfo);
		PQfreemem(why);
		return NULL;
	}
	const char *password = NULL;
	for (PQconninfoOption *o = opts; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val && *o->val)
			password = o->val;
	struct db_pg *d = xmalloc(sizeof *d);
	d->base.ops = &db_postgres_ops;
	d->label = t->label;
	d->conn = PQconnectdb(t->conninfo);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		strbuf_addf(err, "%s: cannot connect: ", d->label);
		add_hiding(err, PQerrorMessage(d->conn), password);
		PQconninfoFree(opts);
		pg_close(&d->base);
		return NULL;
	}
	PQconninfoFree(opts);
	PGresult *r = PQexec(d->conn, "SET client_min_messages = warning");
	PQclear(r);
	return &d->base;
}

static bool pg_has_table(struct db *base, const char *table, bool *yes, struct strbuf *err)
{
	struct db_pg *d = (struct db_pg *)base;
	PGresult *r;
	const char *params[] = { table };
	if (!exec(d, "SELECT to_regclass($1) IS NOT NULL", 1, params, &r, "cannot read the schema",
		  err))
		return false;
	*yes = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return true;
}

static bool pg_records(struct db *base, const char *catalog, struct arena *a,
		       struct db_record **out, size_t *n, struct strbuf *err)
{
	struct db_pg *d = (struct db_pg *)base;
	bool exists;
	*out = NULL;
	*n = 0;
	if (!pg_has_table(base, "orch_migrations", &exists, err))
		return false;
	if (!exists)
		return true;
	PGresult *r;
	const char *params[] = { catalog };
	if (!exec(d, "SELECT id, checksum FROM orch_migrations WHERE catalog = $1 ORDER BY id", 1,
		  params, &r, "cannot read orch_migrations", err))
		return false;
	*n = (size_t)PQntuples(r);
	*out = arena_alloc(a, (*n + 1) * sizeof **out);
	for (size_t i = 0; i < *n; i++) {
		(*out)[i].id = arena_printf(a, "%s", PQgetvalue(r, (int)i, 0));
		(*out)[i].checksum = arena_printf(a, "%s", PQgetvalue(r, (int)i, 1));
	}
	PQclear(r);
	return true;
}

static bool pg_run(struct db *base, const char *sql, const char *catalog, const char *id,
		   const char *checksum, struct strbuf *err)
{
	struct db_pg *d = (struct db_pg *)base;
	const char *params[] = { catalog, id, checksum };
	bool ok = exec(d, "BEGIN", 0, NULL, NULL, id, err) &&
		  exec(d, records_table, 0, NULL, NULL, id, err) && exec(d, sql, 0, NULL, NULL, id, err) &&
		  exec(d,
		       checksum ? "INSERT INTO orch_migrations (catalog, id, checksum) VALUES ($1, $2, $3)"
				: "DELETE FROM orch_migrations WHERE catalog = $1 AND id = $2",
		       checksum ? 3 : 2, params, NULL, "cannot record the migration", err) &&
		  exec(d, "COMMIT", 0, NULL, NULL, id, err);
	if (!ok)
		PQclear(PQexec(d->conn, "ROLLBACK"));
	return ok;
}

const struct db_ops db_postgres_ops = { pg_open, pg_close, pg_has_table, pg_records, pg_run };

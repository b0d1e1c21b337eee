# tests/migrations.sh - `orchc build --target migrations` against the real
# consumers: sourced by tests/run.sh (ok, bad, TMP, TOP, ORCHC, UPDATE).
#
# Histories: tests/migrations/history/N/shop.orch (every kind of change)
# and the examples' history/N/ directories are built one version after the
# other into one output directory, as a repository would over time.  Then
# for SQLite, PostgreSQL (a throwaway cluster on 127.0.0.1) and Alembic:
# the base schema (stdlib/orchestrator-core), every migration up, the rows
# compared with those of a fresh single migration of the last version
# (history replay = fresh build), every migration down in reverse order,
# each step back to the rows the previous up left, ending at the base.

PY=/usr/bin/python3
DUMP=$TOP/tests/migrations/dump.sql
PG_DIR=

migration_tools() {
	if ! command -v sqlite3 > /dev/null 2>&1; then
		bad "migration tests need sqlite3 (make test-deps)"
		return 1
	fi
}

# replay OUT SOURCE...: builds each version of a catalogue in turn into OUT.
replay() {
	out=$1
	shift
	for v in "$@"; do
		"$ORCHC" build --target migrations -o "$out" "$v" > "$TMP/replay.out" 2>&1 ||
			{ bad "build $v:"; head -n 20 "$TMP/replay.out"; return 1; }
	done
}

# ---- SQLite -------------------------------------------------------------------
sqlite_base() {
	rm -f "$1"
	sqlite3 -bail "$1" < stdlib/orchestrator-core/schema.sqlite.sql
}

sqlite_run() { # DB FILE
	{ echo 'PRAGMA foreign_keys = ON; BEGIN;'; cat "$2"; echo 'COMMIT;'; } |
		sqlite3 -bail "$1" > "$TMP/sql.out" 2>&1
}

sqlite_dump() { sqlite3 "$1" < "$DUMP"; }

# ---- PostgreSQL ---------------------------------------------------------------
pg_up() {
	[ -n "$PG_DIR" ] && return 0
	sh tests/migrations/pg.sh available || return 1
	PG_DIR=$(mktemp -d /tmp/orchc-pg.XXXXXX)
	PGPORT=$(sh tests/migrations/pg.sh start "$PG_DIR" | sed -n 's/^PGPORT=//p')
	[ -n "$PGPORT" ] || { rm -rf "$PG_DIR"; PG_DIR=; return 1; }
	export PGPORT PGHOST=127.0.0.1 PGUSER=postgres
}

pg_down() {
	[ -n "$PG_DIR" ] || return 0
	sh tests/migrations/pg.sh stop "$PG_DIR"
	rm -rf "$PG_DIR"
	PG_DIR=
}

PG_DB_N=0
pg_base() { # sets DB to a new database holding the base schema
	PG_DB_N=$((PG_DB_N + 1))
	DB=t$PG_DB_N
	psql -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB" postgres > /dev/null &&
		psql -q -v ON_ERROR_STOP=1 -f stdlib/orchestrator-core/schema.postgres.sql "$DB" > /dev/null
}

pg_run() { psql -q -1 -v ON_ERROR_STOP=1 -f "$2" "$1" > "$TMP/sql.out" 2>&1; }

pg_dump_rows() { psql -q -At -f "$DUMP" "$1"; }

# check_engine ENGINE OUT FRESH NAME: ups, rows = fresh, downs step by step.
check_engine() {
	engine=$1 dir=$2/$1 fresh=$3/$1 what="$4 ($1)"
	${engine}_base "$TMP/h.db" || { bad "$what: base schema"; return; }
	[ "$engine" = postgres ] && hist=$DB || hist=$TMP/h.db
	${engine}_dump "$hist" > "$TMP/dump.0"
	n=0 failed=
	for up in "$dir"/*.up.sql; do
		n=$((n + 1))
		${engine}_run "$hist" "$up" || { failed=$up; break; }
		${engine}_dump "$hist" > "$TMP/dump.$n"
	done
	if [ -n "$failed" ]; then
		bad "$what: $failed failed:"; head -n 10 "$TMP/sql.out"; return
	fi
	ok
	${engine}_base "$TMP/f.db"
	[ "$engine" = postgres ] && single=$DB || single=$TMP/f.db
	${engine}_run "$single" "$fresh"/0001_*.up.sql
	${engine}_dump "$single" > "$TMP/dump.fresh"
	if diff -u "$TMP/dump.fresh" "$TMP/dump.$n" > "$TMP/diff"; then ok; else
		bad "$what: migrations 1..$n give other rows than one fresh migration:"; head -n 20 "$TMP/diff"
	fi
	cp "$TMP/dump.$n" "$TMP/dump.$engine"
	for down in $(ls "$dir"/*.down.sql | sort -r); do
		n=$((n - 1))
		${engine}_run "$hist" "$down" || { failed=$down; break; }
		${engine}_dump "$hist" > "$TMP/dump.now"
		diff -u "$TMP/dump.$n" "$TMP/dump.now" > "$TMP/diff" || { failed="$down (rows differ)"; break; }
	done
	if [ -n "$failed" ]; then
		bad "$what: $failed:"; head -n 20 "$TMP/sql.out" "$TMP/diff"
	else
		ok
	fi
}

postgres_base() { pg_base; }
postgres_run() { pg_run "$@"; }
postgres_dump() { pg_dump_rows "$1"; }

# check_alembic OUT NAME: upgrade heads gives the rows psql gave; downgrade
# back to the base, then base.
check_alembic() {
	[ -d "$1/alembic" ] || return 0
	if [ ! -x /usr/bin/alembic ] || ! "$PY" -c 'import sqlalchemy, psycopg2' 2> /dev/null; then
		bad "Alembic checks need alembic, python3-sqlalchemy, python3-psycopg2 (make test-deps)"
		return
	fi
	A=$TMP/alembic
	rm -rf "$A" && cp -R tests/migrations/alembic "$A" && cp "$1"/alembic/*.py "$A/versions/"
	# The data head depends on a core schema revision (or the branch label):
	# the test's schema revision takes its id.
	dep=$(sed -n 's/^depends_on = "\(.*\)"$/\1/p' "$1"/alembic/*.py | head -n 1)
	[ -n "$dep" ] && [ "$dep" != schema ] &&
		sed -i "s/^revision = \"schema_base\"/revision = \"$dep\"/" "$A/versions/schema_base.py"
	PG_DB_N=$((PG_DB_N + 1))
	psql -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE t$PG_DB_N" postgres > /dev/null
	export ORCHC_TEST_DATABASE_URL="postgresql+psycopg2://postgres@127.0.0.1:$PGPORT/t$PG_DB_N"
	export ORCHC_TEST_SCHEMA=$TOP/stdlib/orchestrator-core/schema.postgres.sql
	if /usr/bin/alembic -c "$A/alembic.ini" upgrade heads > "$TMP/al.out" 2>&1 &&
	   pg_dump_rows "t$PG_DB_N" > "$TMP/dump.al" && diff -u "$TMP/dump.postgres" "$TMP/dump.al" > "$TMP/diff"; then
		ok
	else
		bad "$2: alembic upgrade heads:"; tail -n 5 "$TMP/al.out"; head -n 20 "$TMP/diff"
	fi
	/usr/bin/alembic -c "$A/alembic.ini" heads > "$TMP/al.heads" 2>&1
	grep -q '(data) (head)' "$TMP/al.heads" && grep -q '(schema) (effective head)' "$TMP/al.heads" &&
		ok || { bad "$2: alembic heads:"; cat "$TMP/al.heads"; }
	if /usr/bin/alembic -c "$A/alembic.ini" downgrade data@base > "$TMP/al.out" 2>&1 &&
	   pg_dump_rows "t$PG_DB_N" > "$TMP/dump.al" && diff -u "$TMP/dump.0" "$TMP/dump.al" > "$TMP/diff" &&
	   /usr/bin/alembic -c "$A/alembic.ini" downgrade base >> "$TMP/al.out" 2>&1; then
		ok
	else
		bad "$2: alembic downgrade:"; tail -n 5 "$TMP/al.out"; head -n 20 "$TMP/diff"
	fi
}

# check_history NAME OUT FRESH: every engine the output has.
check_history() {
	[ -d "$2/sqlite" ] && check_engine sqlite "$2" "$3" "$1"
	if [ -d "$2/postgres" ]; then
		if pg_up; then
			check_engine postgres "$2" "$3" "$1"
			check_alembic "$2" "$1"
			[ -d "$2/sqlite" ] && { diff -u "$TMP/dump.sqlite" "$TMP/dump.postgres" > "$TMP/diff" && ok ||
				{ bad "$1: SQLite and PostgreSQL rows differ"; head -n 20 "$TMP/diff"; }; }
		else
			bad "$1: PostgreSQL checks need postgresql (make test-deps)"
		fi
	fi
}

if migration_tools; then
	H=$TMP/history
	rm -rf "$H" "$TMP/fresh"
	replay "$H" tests/migrations/history/*/shop.orch &&
		replay "$TMP/fresh" tests/migrations/history/8/shop.orch &&
		check_history "history of tests/migrations/history" "$H/migrations/shop" "$TMP/fresh/migrations/shop"
	# Variants: version 5 adds four products, version 6 renames them in place.
	v5=$(ls "$H"/migrations/shop/sqlite/0005_*.up.sql) v6=$(ls "$H"/migrations/shop/sqlite/0006_*.up.sql)
	same_count() { [ "$(grep -c "$2" "$3")" = "$1" ] && ok || bad "$3: expected $1 lines like '$2'"; }
	same_count 4 "^INSERT INTO products " "$v5"
	same_count 12 "^INSERT INTO fixed_inputs " "$v5" # material, colour and size of each
	same_count 4 "^UPDATE products SET name = 'shawl " "$v6"
	same_count 0 "^INSERT INTO products \|^DELETE" "$v6"
	grep -q '"shawl blue L": "Item"' "$H/migrations/shop/registry.py" && ok || bad "registry.py lacks the variants"
	# Relations: version 7 adds one bounded below, version 8 bounds it above.
	v7=$(ls "$H"/migrations/shop/sqlite/0007_*.up.sql) v8=$(ls "$H"/migrations/shop/sqlite/0008_*.up.sql)
	same_count 1 "^INSERT INTO product_block_relations (in_use_by_id, depends_on_id, min)$" "$v7"
	same_count 1 "^UPDATE product_block_relations SET max = 6 WHERE " "$v8"
	same_count 0 "^INSERT INTO product\|^DELETE" "$v8"
	for ex in examples/*/history; do
		[ -d "$ex" ] || continue
		ex=${ex%/history}
		src=$(ls "$ex"/*.orch)
		cat=$(sed -n 's/^catalog \([a-z0-9-]*\).*/\1/p' "$src")
		rm -rf "$TMP/ex" "$TMP/fresh"
		replay "$TMP/ex" "$ex"/history/*/*.orch "$src" && replay "$TMP/fresh" "$src" || continue
		# The committed history is what the replay writes.
		if diff -r "$ex/expected/out/migrations" "$TMP/ex/migrations" > "$TMP/diff"; then ok; else
			bad "$ex/expected/out/migrations is not the replay of $ex/history:"; head -n 20 "$TMP/diff"
		fi
		check_history "$src" "$TMP/ex/migrations/$cat" "$TMP/fresh/migrations/$cat"
	done
	# Drift: a row removed by hand makes the next migration fail, not skip.
	D=$TMP/drift/migrations/esnet
	replay "$TMP/drift" examples/esnet-nes/history/0001/catalog.orch examples/esnet-nes/catalog.orch
	drift_sql="DELETE FROM products_workflows WHERE workflow_id =
		(SELECT workflow_id FROM workflows WHERE name = 'sync_node_enrollment');"
	sqlite_base "$TMP/d.db" && sqlite_run "$TMP/d.db" "$D"/sqlite/0001_*.up.sql &&
		sqlite3 "$TMP/d.db" "$drift_sql"
	sqlite_dump "$TMP/d.db" > "$TMP/dump.before"
	if sqlite_run "$TMP/d.db" "$D"/sqlite/0002_*.up.sql; then bad "sqlite: a migration ran over a missing row"
	elif grep -q "CHECK constraint failed: orchc: an UPDATE or DELETE of this migration found no row" "$TMP/sql.out"
	then ok; else bad "sqlite drift: $(head -n 3 "$TMP/sql.out")"; fi
	sqlite_dump "$TMP/d.db" | cmp -s - "$TMP/dump.before" && ok || bad "sqlite drift: a failed migration changed rows"
	if pg_up && pg_base; then
		pg_run "$DB" "$D"/postgres/0001_*.up.sql && psql -q -c "$drift_sql" "$DB"
		if pg_run "$DB" "$D"/postgres/0002_*.up.sql; then bad "postgres: a migration ran over a missing row"
		elif grep -q 'unlink product "Node Enrollment Service" from workflow "sync_node_enrollment": no such row; the database differs from the migration history' "$TMP/sql.out"
		then ok; else bad "postgres drift: $(head -n 3 "$TMP/sql.out")"; fi
	fi
	pg_down
fi

# tests/apply.sh - bundles and orch-apply against real consumers: sourced by
# tests/run.sh (ok, bad, TMP, TOP, ORCHC, BUILD; pg_up/pg_down from
# tests/migrations.sh).
#
# Bundles: every committed bundle against the published JSON Schema.
# orch-apply: the esnet catalog's history on SQLite and on a throwaway
# PostgreSQL (apply, re-apply, one more migration, rollback with and
# without down migrations); a SIGKILL after each action in turn, then a
# re-run, converging to one final state; two applies at once; tampered
# files, traversal paths, symbolic links and unknown versions refused
# before any change; a stack's compose commands recorded by a stand-in
# `docker`; device deployments against a fake supervisor on 127.0.0.1.

APPLY=$(dirname "$ORCHC")/orch-apply
ESNET=$TOP/examples/esnet-nes

# apply_expect CODE NAME ARGS...: runs orch-apply, expecting exit CODE;
# output in $TMP/apply.out.
apply_expect() {
	want=$1 name=$2
	shift 2
	"$APPLY" "$@" > "$TMP/apply.out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		bad "orch-apply $name: exit $rc, expected $want"
		head -n 30 "$TMP/apply.out"
	fi
}

# apply_says TEXT NAME: the last output contains TEXT.
apply_says() {
	if grep -qF -- "$1" "$TMP/apply.out"; then ok; else
		bad "orch-apply $2: no '$1' in:"
		head -n 30 "$TMP/apply.out"
	fi
}

# tree_digest DIR: every file below DIR but the state, with its sha256.
tree_digest() {
	(cd "$1" && find . -path ./.orch-apply -prune -o -type f -print | LC_ALL=C sort |
		xargs -r sha256sum)
}

same() { # NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok; else bad "$1: expected [$2], got [$3]"; fi
}

# ---- bundles against the schema ----------------------------------------------
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	if /usr/bin/python3 tests/deploy/validate.py examples/*/expected/out*/deploy/*.json > "$TMP/bv" 2>&1
	then ok; else bad "bundles against orch-bundle.schema.json:"; head -n 20 "$TMP/bv"; fi
fi

# ---- SQLite: apply, re-apply, one more migration, rollback ---------------------
A=$TMP/apply
mkdir -p "$A"
"$ORCHC" build -o "$A/v1" "$ESNET/history/0001/catalog.orch" > /dev/null 2>&1 &&
	cp -R "$A/v1" "$A/v2" &&
	"$ORCHC" build -o "$A/v2" "$ESNET/catalog.orch" > /dev/null 2>&1 ||
	bad "build the esnet history for orch-apply"
V1=$A/v1/deploy/catalog-esnet.json
V2=$A/v2/deploy/catalog-esnet.json
R=$A/root
DB=$R/.orch-apply/db/esnet.sqlite3
rows() { sqlite3 "$1" < "$TOP/tests/migrations/dump.sql"; }
recorded() { sqlite3 "$1" "SELECT id FROM orch_migrations ORDER BY id" | tr '\n' ' '; }

apply_expect 2 "plan (nothing applied)" plan "$V1" --root "$R"
apply_says "migrate            0001_create_catalog_esnet" "plan lists the migration"
[ ! -e "$R" ] && ok || bad "orch-apply plan created $R"
apply_expect 0 "apply v1" apply "$V1" --root "$R"
apply_says "catalog-esnet: generation 1 applied" "apply v1"
same "v1 recorded" "0000_base_schema 0001_create_catalog_esnet " "$(recorded "$DB")"
rows "$DB" > "$A/rows.v1"
apply_expect 0 "plan after apply" plan "$V1" --root "$R"
apply_says "catalog-esnet: no changes" "plan after apply"
apply_expect 0 "re-apply v1" apply "$V1" --root "$R"
apply_says "catalog-esnet: no changes" "re-apply v1"
apply_expect 2 "plan v2" plan "$V2" --root "$R" --format json
/usr/bin/python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
acts = [(a["action"], a["subject"]) for a in doc["actions"]]
assert doc["changes"] and ("migrate", "0002_update_catalog_esnet") in acts, acts
assert all(a != "migrate" or s != "0001_create_catalog_esnet" for a, s in acts), acts
' "$TMP/apply.out" && ok || bad "plan --format json of v2"
apply_expect 0 "apply v2" apply "$V2" --root "$R" --quiet
[ -s "$TMP/apply.out" ] && bad "apply --quiet printed: $(head -n 3 "$TMP/apply.out")" || ok
same "v2 recorded" "0000_base_schema 0001_create_catalog_esnet 0002_update_catalog_esnet " \
	"$(recorded "$DB")"
rows "$DB" > "$A/rows.v2"
# A fresh database given v2 at once has the rows of v1 then v2.
apply_expect 0 "apply v2 fresh" apply "$V2" --root "$A/fresh"
rows "$A/fresh/.orch-apply/db/esnet.sqlite3" > "$A/rows.fresh"
cmp -s "$A/rows.v2" "$A/rows.fresh" && ok || bad "v1 then v2 differs from v2 at once"
cmp -s "$A/rows.v1" "$A/rows.v2" && bad "v2 changed no row" || ok
apply_expect 0 "status" status --root "$R"
apply_says "catalog-esnet" "status"
apply_says "generation 2" "status"
# Rollback: files of v1, the database untouched without --down-migrations.
apply_expect 0 "rollback" rollback catalog-esnet --root "$R"
same "rollback keeps migrations" "0000_base_schema 0001_create_catalog_esnet 0002_update_catalog_esnet " \
	"$(recorded "$DB")"
[ ! -e "$R/migrations/esnet/sqlite/0002_update_catalog_esnet.up.sql" ] && ok ||
	bad "rollback left v2's migration file"
apply_expect 1 "plan v1 over a newer database" plan "$V1" --root "$R"
apply_says "which this bundle lacks" "plan v1 over a newer database"
apply_expect 0 "apply v2 again" apply "$V2" --root "$R"
apply_expect 0 "rollback --down-migrations" rollback "$V2" --root "$R" --down-migrations
same "rolled back down" "0000_base_schema 0001_create_catalog_esnet " "$(recorded "$DB")"
rows "$DB" > "$A/rows.back"
cmp -s "$A/rows.v1" "$A/rows.back" && ok || bad "rollback --down-migrations: rows differ from v1"
"$APPLY" apply "$V1" --root "$A/fresh1" > /dev/null 2>&1
same "rolled back files" "$(tree_digest "$A/fresh1")" "$(tree_digest "$R")"

# ---- an applied migration edited is refused ------------------------------------
cp -R "$A/v2" "$A/edited"
f=$A/edited/migrations/esnet/sqlite/0001_create_catalog_esnet.up.sql
echo "-- edited" >> "$f"
/usr/bin/python3 - "$A/edited/deploy/catalog-esnet.json" "$f" <<'PY'
import hashlib, json, sys
path, edited = sys.argv[1], sys.argv[2]
doc = json.load(open(path))
data = open(edited, "rb").read()
digest = hashlib.sha256(data).hexdigest()
rel = edited.split("/edited/", 1)[1]
for f in doc["files"]:
    if f["path"] == rel:
        f["sha256"], f["size"] = digest, len(data)
for m in doc["migrations"]:
    for s in m["steps"]:
        if s["up"]["path"] == rel:
            s["up"]["sha256"] = digest
json.dump(doc, open(path, "w"), indent=2)
PY
apply_expect 1 "edited migration" apply "$A/edited/deploy/catalog-esnet.json" --root "$R"
apply_says "was applied with checksum" "edited migration"

# ---- tampering: refused before any change --------------------------------------
T=$A/tamper
cp -R "$A/v2" "$T"
echo "DROP TABLE products;" >> "$T/migrations/esnet/sqlite/0002_update_catalog_esnet.up.sql"
apply_expect 1 "tampered file" apply "$T/deploy/catalog-esnet.json" --root "$A/troot"
apply_says "the file was changed after orchc wrote the bundle" "tampered file"
[ ! -e "$A/troot/migrations" ] && ok || bad "a tampered bundle changed the root"
bundle_edit() { # NAME PYTHON-EXPR-ON-doc: writes $A/edit/deploy/catalog-esnet.json
	rm -rf "$A/edit" && cp -R "$A/v2" "$A/edit"
	/usr/bin/python3 -c "
import json, sys
p = sys.argv[1]; doc = json.load(open(p)); $2; json.dump(doc, open(p, 'w'))
" "$A/edit/deploy/catalog-esnet.json"
}
refused() { # NAME EDIT MESSAGE
	bundle_edit "$1" "$2"
	apply_expect 1 "$1" apply "$A/edit/deploy/catalog-esnet.json" --root "$A/troot"
	apply_says "$3" "$1"
}
refused "traversal path" 'doc["files"][0]["path"] = "../../etc/orch-test"' "is not inside the root"
refused "absolute path" 'doc["files"][0]["path"] = "/tmp/orch-test"' "is not inside the root"
refused "unknown version" 'doc["bundle_version"] = 2' "bundle version 2 is not supported"
refused "unknown key" 'doc["hooks"] = ["rm -rf /"]' "unknown key 'hooks'"
[ ! -e "$A/troot/migrations" ] && ok || bad "a refused bundle changed the root"

# A database that ends with the process is refused before anything runs.
for db in sqlite: sqlite::memory:; do
	export ORCH_DB_ESNET="$db"
	apply_expect 1 "ORCH_DB_ESNET=$db" apply "$V1" --root "$A/memroot"
	unset ORCH_DB_ESNET
	apply_says "names no database file" "ORCH_DB_ESNET=$db"
done
[ ! -e "$A/memroot/migrations" ] && ok || bad "a database that ends with the process changed the root"
# libpq quotes a malformed URI in its reason: the password is hidden.
export ORCH_DB_ESNET='postgresql://orch:s3cret-pw@[::1'
apply_expect 1 "a malformed connection string" plan "$V1" --root "$A/memroot"
unset ORCH_DB_ESNET
apply_says "cannot connect" "a malformed connection string"
grep -q 's3cret-pw' "$TMP/apply.out" && bad "a connection error printed the password" || ok

# ---- ownership, modes, options -----------------------------------------------------
O=$A/own
apply_expect 0 "apply v1 (ownership)" apply "$V1" --root "$O"
bundle_edit "other unit" 'doc["unit"] = "catalog-copy"; doc["migrations"] = []'
apply_expect 1 "a file of another unit" apply "$A/edit/deploy/catalog-esnet.json" --root "$O"
apply_says "migrations/esnet/migrations.sum is also written by unit catalog-esnet, with other content" \
	"a file of another unit"
bundle_edit "shared file" 'doc["unit"] = "catalog-shared"; doc["migrations"] = []
doc["files"] = [f for f in doc["files"] if f["path"].startswith("deploy/schema/")]'
apply_expect 0 "a file two units agree on" apply "$A/edit/deploy/catalog-esnet.json" --root "$O"
# A unit that owned a file with another may not change it under the other.
bundle_edit "shared file changed" 'doc["unit"] = "catalog-shared"; doc["migrations"] = []
doc["files"] = [f for f in doc["files"] if f["path"].startswith("deploy/schema/")]
import hashlib, os
f = doc["files"][0]; q = os.path.join(os.path.dirname(p), "..", f["path"])
open(q, "a").write("-- changed\n"); d = open(q, "rb").read()
f["sha256"] = hashlib.sha256(d).hexdigest(); f["size"] = len(d)'
apply_expect 1 "a shared file changed by one unit" apply "$A/edit/deploy/catalog-esnet.json" --root "$O"
apply_says "is also written by unit catalog-esnet, with other content" "a shared file changed by one unit"
chmod 0600 "$O/migrations/esnet/registry.py"
apply_expect 2 "plan a mode change" plan "$V1" --root "$O"
apply_says "write              migrations/esnet/registry.py (mode 0600, want 0644)" "plan a mode change"
apply_expect 0 "apply a mode change" apply "$V1" --root "$O"
same "mode restored" 644 "$(stat -c %a "$O/migrations/esnet/registry.py")"
apply_expect 1 "an option of another command" status --dry-run --root "$O"
apply_says "status does not take --dry-run" "an option of another command"
# The options orch-apply(1) gives each command are taken.
apply_expect 0 "plan --wait --down-migrations" plan "$V1" --root "$O" --wait --down-migrations
apply_expect 0 "status --wait" status --root "$O" --wait
apply_expect 0 "apply --dry-run --format json" apply "$V2" --root "$O" --dry-run --format json
"$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/apply.out" && ok ||
	bad "apply --dry-run --format json prints JSON"
apply_expect 1 "apply --format without --dry-run" apply "$V2" --root "$O" --format json
apply_says "apply takes --format only with --dry-run" "apply --format without --dry-run"
apply_expect 1 "a missing bundle" plan "$A/none.json" --root "$O"
apply_says "cannot read the bundle $A/none.json: No such file or directory" "a missing bundle"
mkdir -p "$A/elsewhere" "$A/sroot"
ln -s "$A/elsewhere" "$A/sroot/migrations"
apply_expect 1 "symbolic link in the root" apply "$V2" --root "$A/sroot"
apply_says "symbolic link" "symbolic link in the root"
[ -z "$(ls -A "$A/elsewhere")" ] && ok || bad "orch-apply wrote through a symbolic link"

# ---- crash safety: SIGKILL after each action, then a re-run ---------------------
# crash_converges NAME BUNDLE SNAPSHOT: for each action k of a first apply
# of BUNDLE, a SIGKILL right after action k and then a re-run must leave
# what `SNAPSHOT ROOT` prints after an apply without a crash, commit no
# state before the last action and leave no temporary file.  `crash_reset`
# (a no-op unless redefined) runs before each first apply.
crash_reset() { :; }
crash_converges() {
	cname=$1 cbundle=$2 csnap=$3
	crash_reset
	"$APPLY" plan "$cbundle" --root "$A/$cname-ref" --format json > "$TMP/plan.json" 2>&1
	n=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["actions"]))' "$TMP/plan.json")
	unit=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["unit"])' "$cbundle")
	"$APPLY" apply "$cbundle" --root "$A/$cname-ref" > /dev/null 2>&1 || bad "$cname: apply without a crash"
	ref=$("$csnap" "$A/$cname-ref")
	k=1
	while [ "$k" -le "${n:-0}" ]; do
		C=$A/$cname-crash-$k
		crash_reset
		ORCH_APPLY_FAULT_AFTER=$k "$APPLY" apply "$cbundle" --root "$C" > /dev/null 2>&1
		rc=$?
		[ "$rc" -eq 137 ] || bad "$cname: fault after action $k: exit $rc, expected 137 (SIGKILL)"
		if [ $k -lt "$n" ] && [ -e "$C/.orch-apply/units/$unit.json" ]; then
			bad "$cname: crash after action $k committed the state"
		fi
		"$APPLY" apply "$cbundle" --root "$C" > "$TMP/apply.out" 2>&1 ||
			{ bad "$cname: re-run after a crash after action $k:"; head -n 20 "$TMP/apply.out"; }
		same "$cname after crash $k" "$ref" "$("$csnap" "$C")"
		[ -z "$(find "$C" -name '*.orch-apply-tmp')" ] && ok || bad "$cname: crash $k left a temporary file"
		k=$((k + 1))
	done
	[ "${n:-0}" -ge "$4" ] && ok || bad "$cname crash test: only ${n:-0} actions"
}
catalog_snapshot() {
	tree_digest "$1"
	rows "$1/.orch-apply/db/esnet.sqlite3"
	recorded "$1/.orch-apply/db/esnet.sqlite3"
}
crash_converges catalog "$V2" catalog_snapshot 10

# ---- concurrency: one apply at a time ---------------------------------------------
S=$TOP/examples/laconic-ipld/expected/out/deploy/stack-ipld-eth.json
export ORCH_TEST_COMPOSE_LOG=$A/compose.log
export CERC_IPLD_ETH_DB_PASSWORD=orch-test-secret-1 IPLD_ETH_GRAFANA_ADMIN_PASSWORD=orch-test-secret-2
PATH_WITH_DOCKER=$TOP/tests/apply:$PATH
ORCH_TEST_COMPOSE_SLEEP=2 PATH=$PATH_WITH_DOCKER "$APPLY" apply "$S" --root "$A/busy" > "$A/first.out" 2>&1 &
first=$!
i=0
while [ ! -s "$ORCH_TEST_COMPOSE_LOG" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PATH=$PATH_WITH_DOCKER apply_expect 1 "concurrent apply" apply "$S" --root "$A/busy"
apply_says "is locked by another orch-apply (pid $first)" "concurrent apply"
PATH=$PATH_WITH_DOCKER apply_expect 0 "concurrent apply --wait" apply "$S" --root "$A/busy" --wait
apply_says "no changes" "concurrent apply --wait"
wait $first && ok || { bad "the first of two applies:"; cat "$A/first.out"; }

# ---- compose: the exact argument vectors ------------------------------------------
rm -f "$ORCH_TEST_COMPOSE_LOG"
C=$A/stack
(unset CERC_IPLD_ETH_DB_PASSWORD; PATH=$PATH_WITH_DOCKER apply_expect 1 "missing variable" apply "$S" --root "$C"
 apply_says "needs CERC_IPLD_ETH_DB_PASSWORD: set it in the environment or in $C/compose/ipld-eth/.env" "missing variable")
[ ! -e "$ORCH_TEST_COMPOSE_LOG" ] && [ ! -e "$C/compose" ] && ok || bad "a missing variable did not stop the apply"
PATH=$PATH_WITH_DOCKER apply_expect 0 "stack apply" apply "$S" --root "$C"
D=$C/compose/ipld-eth
printf '%s\n' compose --project-name laconic-ipld-eth \
	--file "$D/docker-compose-db.yml" --file "$D/docker-compose-migrations.yml" \
	--file "$D/docker-compose-server.yml" --file "$D/docker-compose-monitoring.yml" \
	up --detach --remove-orphans '' > "$A/compose.want"
cmp -s "$A/compose.want" "$ORCH_TEST_COMPOSE_LOG" && ok ||
	{ bad "compose up argument vector:"; diff "$A/compose.want" "$ORCH_TEST_COMPOSE_LOG" | head -20; }
grep -rq "orch-test-secret" "$C/.orch-apply" "$TMP/apply.out" && bad "a secret's value reached the state or the log" || ok
rm -f "$ORCH_TEST_COMPOSE_LOG"
PATH=$PATH_WITH_DOCKER apply_expect 0 "podman-compose" apply "$S" --root "$A/podman" --compose "docker compose --ansi never"
head -n 3 "$ORCH_TEST_COMPOSE_LOG" | tr '\n' ' ' | grep -q '^compose --ansi never ' && ok || bad "--compose is not the command run"
# A crash after each action: the re-run brings the project up once more.
stack_snapshot() {
	tree_digest "$1"
	# The last compose command run for this root, the root's name removed.
	awk -v RS= 'END { print }' "$ORCH_TEST_COMPOSE_LOG" | sed "s|$1|ROOT|g"
}
crash_reset() { rm -f "$ORCH_TEST_COMPOSE_LOG"; }
PATH=$PATH_WITH_DOCKER crash_converges stack "$S" stack_snapshot 5
crash_reset() { :; }
# compose fails: the files are undone, the state unchanged.
rm -f "$ORCH_TEST_COMPOSE_LOG"
ORCH_TEST_COMPOSE_EXIT=1 PATH=$PATH_WITH_DOCKER apply_expect 1 "compose fails" apply "$S" --root "$A/cfail"
apply_says "docker exited with status 1" "compose fails"
apply_says "undone:" "compose fails"
[ -z "$(find "$A/cfail" -path "$A/cfail/.orch-apply" -prune -o -type f -print)" ] && ok ||
	bad "a failed compose up left files in the root"
[ ! -e "$A/cfail/.orch-apply/units/stack-ipld-eth.json" ] && ok || bad "a failed apply committed its state"
unset ORCH_TEST_COMPOSE_LOG CERC_IPLD_ETH_DB_PASSWORD IPLD_ETH_GRAFANA_ADMIN_PASSWORD

# ---- devices: a supervisor on 127.0.0.1 ---------------------------------------------
W=$TOP/examples/wasmiot-camera/expected/out
dev=device-camera-lab.adequate-webcam-laptop
cp -R "$W" "$A/w"
LOG=$A/supervisor.log
/usr/bin/python3 tests/apply/supervisor.py "$LOG" "$A/port" 43ee6696-c403-50d7-97c5-00000000fail &
sup=$!
i=0
while [ ! -s "$A/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$A/port" 2>/dev/null)
/usr/bin/python3 -c "
import json, sys
p = sys.argv[1]; doc = json.load(open(p))
for d in doc['device_deployments']:
    d['supervisor'] = 'http://127.0.0.1:$port/deploy'
json.dump(doc, open(p, 'w'), indent=2)
" "$A/w/deploy/$dev.json"
apply_expect 0 "device apply" apply "$A/w/deploy/$dev.json" --root "$A/dev"
/usr/bin/python3 - "$LOG" "$A/w/deploy/$dev.json" "$A/w" <<'PY' && ok || bad "device apply: the supervisor did not receive each body"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
bundle = json.load(open(sys.argv[2]))
sent = [(r["method"], r["path"], r["body"]) for r in log]
want = [("POST", "/deploy", json.load(open(sys.argv[3] + "/" + d["body"]["path"])))
        for d in bundle["device_deployments"]]
assert sent == want, (len(sent), len(want))
PY
apply_expect 0 "device re-apply" apply "$A/w/deploy/$dev.json" --root "$A/dev"
same "device re-apply sends nothing" 3 "$(wc -l < "$LOG")"
# The next generation drops a deployment: DELETE; rollback posts it again.
/usr/bin/python3 -c "
import json, sys
p = sys.argv[1]; doc = json.load(open(p)); doc['device_deployments'].pop(0)
json.dump(doc, open(p, 'w'), indent=2)
" "$A/w/deploy/$dev.json"
gone=$(/usr/bin/python3 -c "import json; print(json.load(open('$W/deploy/$dev.json'))['device_deployments'][0]['id'])")
apply_expect 0 "device apply without a deployment" apply "$A/w/deploy/$dev.json" --root "$A/dev"
same "undeploy" "DELETE /deploy/$gone" "$(tail -n 1 "$LOG" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["method"], r["path"])')"
apply_expect 0 "device rollback" rollback "$dev" --root "$A/dev"
same "rollback redeploys" "POST $gone" "$(tail -n 1 "$LOG" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["method"], r["body"]["deploymentId"])')"
# Undeploying what the supervisor no longer holds (404) is done, not failed.
supervisor() { # METHOD: a test-only request to the fake supervisor
	/usr/bin/python3 -c "
import json, sys, urllib.request
r = urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:$port/deploy', method=sys.argv[1]))
print(json.dumps(json.load(r), sort_keys=True))" "$1"
}
supervisor DELETE > /dev/null
apply_expect 0 "undeploy of a deployment already gone" apply "$A/w/deploy/$dev.json" --root "$A/dev"
same "undeploy already gone" "DELETE /deploy/$gone" "$(tail -n 1 "$LOG" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["method"], r["path"])')"
# A crash after each action: every deployment held once the re-run ends.
device_snapshot() {
	tree_digest "$1"
	supervisor GET
}
crash_reset() { supervisor DELETE > /dev/null; }
crash_converges device "$A/w/deploy/$dev.json" device_snapshot 3
crash_reset() { :; }
kill "$sup" 2>/dev/null
wait "$sup" 2>/dev/null

# ---- PostgreSQL: the same history through libpq ----------------------------------------
if pg_up; then
	psql -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE orch_apply" postgres > /dev/null
	export ORCH_DB_ESNET="host=127.0.0.1 port=$PGPORT user=postgres dbname=orch_apply"
	pgrec() { psql -q -At -c "SELECT id FROM orch_migrations ORDER BY id" orch_apply | tr '\n' ' '; }
	apply_expect 2 "postgres plan v1" plan "$V1" --root "$A/pg"
	apply_says '$ORCH_DB_ESNET (PostgreSQL)' "postgres plan v1"
	grep -q "dbname=orch_apply" "$TMP/apply.out" && bad "the connection string was printed" || ok
	apply_expect 0 "postgres apply v1" apply "$V1" --root "$A/pg"
	same "postgres v1" "0000_base_schema 0001_create_catalog_esnet " "$(pgrec)"
	apply_expect 0 "postgres re-apply" apply "$V1" --root "$A/pg"
	apply_says "no changes" "postgres re-apply"
	apply_expect 0 "postgres apply v2" apply "$V2" --root "$A/pg"
	same "postgres v2" "0000_base_schema 0001_create_catalog_esnet 0002_update_catalog_esnet " "$(pgrec)"
	apply_expect 0 "postgres rollback" rollback catalog-esnet --root "$A/pg" --down-migrations
	same "postgres rolled back" "0000_base_schema 0001_create_catalog_esnet " "$(pgrec)"
	ORCH_DB_ESNET="host=127.0.0.1 port=1 user=postgres dbname=none connect_timeout=2" \
		apply_expect 1 "postgres unreachable" apply "$V2" --root "$A/pg"
	apply_says "cannot connect" "postgres unreachable"
	unset ORCH_DB_ESNET
	pg_down
fi

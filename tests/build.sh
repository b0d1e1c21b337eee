# tests/build.sh - `orchc build`: sourced by tests/run.sh (ok, bad, golden,
# TMP, TOP, ORCHC and UPDATE come from there).
#
# Examples: each profile's output is committed under
# examples/NAME/expected/out[.PROFILE]/ and `orchc build --check` must find
# it current; every compose file set passes docker-compose and the compose
# schema (tests/compose/validate.py).  Then the writer's promises: the same
# tree from any working directory, user files kept, nothing touched by a
# failed build, --check naming stale, missing and extra files.

PY=/usr/bin/python3
need_tools() {
	if ! command -v docker-compose > /dev/null 2>&1 ||
	   ! "$PY" -c 'import yaml, jsonschema, ruamel.yaml' 2> /dev/null; then
		bad "compose validation needs docker-compose, python3-yaml, python3-jsonschema, python3-ruamel.yaml (make test-deps)"
		return 1
	fi
}

need_k8s_tools() {
	if [ ! -d tests/k8s/node_modules/kubernetes-models ] || ! command -v node > /dev/null 2>&1 ||
	   ! "$PY" -c 'import kubernetes' 2> /dev/null; then
		bad "Kubernetes validation needs node, tests/k8s/node_modules and python3-kubernetes (make test-deps)"
		return 1
	fi
}

# check_k8s DIR WHAT: every object passes the Kubernetes schema
# (tests/k8s/validate.js) and has no unknown field (tests/k8s/fields.py);
# kubectl, where installed, builds the kustomization once secret.env and
# secrets/ are filled as the operator would.
check_k8s() {
	if node tests/k8s/validate.js "$1"*.yaml > "$TMP/out" 2>&1 &&
	   "$PY" tests/k8s/fields.py "$1"*.yaml >> "$TMP/out" 2>&1; then ok; else
		bad "Kubernetes output of $2 rejected:"
		grep -v ' 0 failed' "$TMP/out" | head -n 20
	fi
	command -v kubectl > /dev/null 2>&1 || return 0
	rm -rf "$TMP/kz" && cp -R "$1" "$TMP/kz"
	if [ -f "$TMP/kz/secret.env.example" ]; then
		sed -n 's/^\([a-z0-9-]*\)=$/\1=not-a-secret/p' "$TMP/kz/secret.env.example" > "$TMP/kz/secret.env"
		mkdir -p "$TMP/kz/secrets"
		for f in $(sed -n 's/.* to secrets\/\([a-z0-9-]*\)$/\1/p' "$TMP/kz/secret.env.example"); do
			echo "not a certificate" > "$TMP/kz/secrets/$f"
		done
	fi
	# Every object listed, and the generated Secret.
	want=$(grep -h '^kind:' "$1"*.yaml | grep -vc '^kind: Kustomization')
	grep -q '^secretGenerator:' "$1kustomization.yaml" && want=$((want + 1))
	if kubectl kustomize "$TMP/kz" > "$TMP/kz.out" 2>&1 &&
	   [ "$(grep -c '^kind:' "$TMP/kz.out")" -eq "$want" ]; then
		ok
	else
		bad "kubectl kustomize $2:"
		head -n 20 "$TMP/kz.out"
	fi
}

# ---- examples: committed output is current and valid --------------------------
# A catalogue's migrations are history: rewriting an example's output
# replays the versions under history/ first (tests/migrations.sh checks
# that the committed history is that replay).
for src in examples/*/*.orch; do
	grep -q '^\(stack\|catalog\) ' "$src" || continue
	ex=$(dirname "$src")
	for p in "" $(sed -n 's/^profile \([a-z0-9-]*\).*/\1/p' "$src"); do
		out=$ex/expected/out${p:+.$p}
		if [ -n "$UPDATE" ]; then
			rm -rf "$out"
			for v in "$ex"/history/*/*.orch; do
				[ -f "$v" ] && "$ORCHC" build --target migrations -o "$out" "$v" 2> /dev/null
			done
			"$ORCHC" build ${p:+--profile "$p"} -o "$out" "$src" 2> /dev/null && ok ||
				bad "build $src ${p:+--profile $p}"
		elif "$ORCHC" build --check ${p:+--profile "$p"} -o "$out" "$src" > "$TMP/out" 2>&1; then
			ok
		else
			bad "$out is stale (UPDATE_GOLDEN=1 make test rewrites it):"
			grep -v '^ \|warning\|^orchc: [0-9]* warning' "$TMP/out" | head -n 20
		fi
		if [ -d "$out/compose" ] && need_tools; then
			if "$PY" tests/compose/validate.py "$out"/compose/*/ > "$TMP/out" 2>&1; then ok; else
				bad "compose output of $src ${p:+--profile $p} rejected:"
				head -n 20 "$TMP/out"
			fi
		fi
		for k in "$out"/k8s/*/; do
			[ -d "$k" ] && need_k8s_tools && check_k8s "$k" "$src ${p:+--profile $p}"
		done
	done
done

# ---- YAML: tricky strings read back exactly by YAML 1.1 and 1.2 readers -------
if need_tools; then
	if "$PY" tests/compose/yaml_roundtrip.py "$ORCHC" > "$TMP/out" 2>&1; then ok; else
		bad "YAML round trip:"
		head -n 20 "$TMP/out"
	fi
fi

# ---- deterministic: the same tree from any working directory ------------------
mkdir -p "$TMP/d1" "$TMP/d2/x/y"
cp -R examples/substra "$TMP/d1/substra"
cp -R examples/substra "$TMP/d2/x/y/substra"
(cd "$TMP/d1" && "$ORCHC" build -o substra/out substra/stack.orch 2> /dev/null)
(cd "$TMP/d2/x/y/substra" && "$ORCHC" build -o "$TMP/d2/x/y/substra/out" stack.orch 2> /dev/null)
diff -r "$TMP/d1/substra/out" "$TMP/d2/x/y/substra/out" > "$TMP/diff" && ok ||
	{ bad "two builds from different directories differ"; head -n 20 "$TMP/diff"; }

# The manifest's digests are the files' sha256.
(cd "$TMP/d1/substra/out" &&
	"$PY" -c 'import json; [print(f["sha256"] + "  " + f["path"]) for f in json.load(open("orch-manifest.json"))["files"][:-1]]' |
	sha256sum -c --quiet -) > "$TMP/out" 2>&1 && ok || { bad "orch-manifest.json digests"; cat "$TMP/out"; }

# ---- the writer ---------------------------------------------------------------
W=$TMP/w
cat > "$TMP/shop.orch" << 'ORCH'
stack shop {
  pod db {
    service postgres { image = "postgres:16", ports = [5432] }
  }
  pod web {
    service api { image = "registry.example.org/shop/api:1.4", after = [postgres started] }
  }
  pod tools {
    job backup { image = "registry.example.org/shop/backup:1.0" }
  }
}
ORCH
"$ORCHC" build -o "$W" "$TMP/shop.orch" && ok || bad "build shop"
[ -f "$W/compose/shop/docker-compose-db.yml" ] && [ -f "$W/compose/shop/docker-compose-tools.yml" ] &&
	[ -f "$W/orch-manifest.json" ] && ok || bad "per-pod files and manifest written"
"$ORCHC" build --check -o "$W" "$TMP/shop.orch" > "$TMP/out" 2>&1 && ok || bad "--check right after build"

# The stack's own services share a file with a pod named like the stack,
# wherever they are declared, and the bundle lists the files in the order
# their pods first appear.
cat > "$TMP/web.orch" << 'ORCH'
stack web {
  pod x { service c { image = "nginx:1.27" } }
  pod web { service b { image = "nginx:1.27" } }
  service a { image = "nginx:1.27" }
  pod y { service d { image = "nginx:1.27" } }
  service e { image = "nginx:1.27" }
}
ORCH
"$ORCHC" build --target compose,deploy -o "$TMP/web" "$TMP/web.orch" 2> /dev/null
[ "$(grep -c '^  [a-e]:$' "$TMP/web/compose/web/docker-compose-web.yml")" = 3 ] &&
	[ "$("$PY" -c 'import json, sys; print(" ".join(f.split("-")[-1] for f in json.load(open(sys.argv[1]))["compose"][0]["files"]))' \
		"$TMP/web/deploy/stack-web.json")" = "x.yml web.yml y.yml" ] && ok ||
	bad "the stack's services and its namesake pod share one compose file, in first-seen order"

# User files beside generated ones survive rebuilds; dropped output goes.
echo "notes" > "$W/README.md"
mkdir -p "$W/compose/shop/local" && echo "x" > "$W/compose/shop/local/override.yml"
"$ORCHC" build --exclude tools -o "$W" "$TMP/shop.orch" && ok || bad "build --exclude tools"
[ -f "$W/README.md" ] && [ -f "$W/compose/shop/local/override.yml" ] && ok || bad "user files kept"
[ ! -e "$W/compose/shop/docker-compose-tools.yml" ] && ok || bad "a file no longer generated is removed"
"$ORCHC" build --include web -o "$W" "$TMP/shop.orch" > "$TMP/out" 2>&1
[ $? -eq 1 ] && grep -q 'E0904' "$TMP/out" && ok || bad "--include web without db is E0904"

# --check lists what differs and exits 1.
"$ORCHC" build -o "$W" "$TMP/shop.orch" 2> /dev/null
echo "# edited" >> "$W/compose/shop/docker-compose-db.yml"
rm "$W/compose/shop/docker-compose-web.yml"
"$ORCHC" build --check --exclude tools -o "$W" "$TMP/shop.orch" > "$TMP/out" 2>&1
[ $? -eq 1 ] && grep -q "^stale $W/compose/shop/docker-compose-db.yml" "$TMP/out" &&
	grep -q "^missing $W/compose/shop/docker-compose-web.yml" "$TMP/out" &&
	grep -q "^extra $W/compose/shop/docker-compose-tools.yml" "$TMP/out" && ok ||
	{ bad "--check lists stale, missing and extra files"; cat "$TMP/out"; }

# A failed build changes nothing.
"$ORCHC" build -o "$W" "$TMP/shop.orch" 2> /dev/null
cp -R "$W" "$TMP/w.before"
sed 's/postgres started/postgress started/' "$TMP/shop.orch" > "$TMP/broken.orch"
"$ORCHC" build -o "$W" "$TMP/broken.orch" > /dev/null 2>&1
[ $? -eq 1 ] && diff -r "$TMP/w.before" "$W" > /dev/null && ok || bad "a build with errors left the output alone"
# ...and so does an error a target finds once the writer has started...
cp -R "$W" "$TMP/w.before2"
"$ORCHC" build --include web -o "$W" "$TMP/shop.orch" > /dev/null 2>&1
[ $? -eq 1 ] && diff -r "$TMP/w.before2" "$W" > /dev/null && ok || bad "E0904 left the output alone"
# ...and a write that fails halfway, once hundreds of files are written (a
# file size limit: a write past it fails with EFBIG).
sh bench/gen-stack.sh 200 > "$TMP/many.orch"
(trap '' XFSZ; ulimit -f 8; exec "$ORCHC" build -o "$W" "$TMP/many.orch") > "$TMP/out" 2>&1
[ $? -eq 2 ] && grep -q "E0901.*cannot write .*: File too large" "$TMP/out" &&
	diff -r "$TMP/w.before2" "$W" > /dev/null && ok || { bad "a failed write left the output alone"; cat "$TMP/out"; }
echo "mine" > "$W/compose/shop/docker-compose-new.yml"
sed 's/pod tools/pod new/' "$TMP/shop.orch" > "$TMP/new.orch"
"$ORCHC" build -o "$W" "$TMP/new.orch" > "$TMP/out" 2>&1
[ $? -eq 1 ] && grep -q E0902 "$TMP/out" && [ "$(cat "$W/compose/shop/docker-compose-new.yml")" = mine ] &&
	[ -f "$W/compose/shop/docker-compose-tools.yml" ] && ok || bad "E0902 keeps both the user's file and the old output"
rm "$W/compose/shop/docker-compose-new.yml"
ls -a "$TMP" | grep -q 'orchc-new' && bad "a temporary directory was left behind" || ok

# Output of targets not built now stays, and stays listed.
"$ORCHC" build -o "$W" "$TMP/shop.orch" 2> /dev/null
mkdir -p "$W/k8s/shop" && echo "kind: Namespace" > "$W/k8s/shop/namespace-shop.yaml"
"$PY" - "$W/orch-manifest.json" << 'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["files"].append({"path": "k8s/shop/namespace-shop.yaml", "sha256": "0" * 64, "size": 16})
json.dump(m, open(sys.argv[1], "w"))
PYEOF
"$ORCHC" build --target compose -o "$W" "$TMP/shop.orch" 2> /dev/null
[ -f "$W/k8s/shop/namespace-shop.yaml" ] && grep -q '"k8s/shop/namespace-shop.yaml"' "$W/orch-manifest.json" &&
	ok || bad "--target compose keeps the output of other targets"
"$ORCHC" build --target helm -o "$W" "$TMP/shop.orch" > "$TMP/out" 2>&1
[ $? -eq 2 ] && grep -q "unknown target 'helm'" "$TMP/out" && ok || bad "--target helm is a usage error"

# A stack named in capitals is the project of its name in lower case, the
# only case docker compose takes, in the compose files and the bundle alike.
sed 's/^stack shop {/stack Shop {/' "$TMP/shop.orch" > "$TMP/Shop.orch"
rm -rf "$TMP/upper"
"$ORCHC" build --target compose,deploy -o "$TMP/upper" "$TMP/Shop.orch" 2> /dev/null
grep -q -- '-p shop ' "$TMP/upper/compose/Shop/docker-compose-web.yml" &&
	grep -q '"project": *"shop"' "$TMP/upper/deploy/stack-Shop.json" &&
	ok || bad "a stack named in capitals is the project of its name in lower case"

# A '$' in a build context is the program's, not compose's: written '$$'.
cat > "$TMP/dollar.orch" << 'ORCH'
stack d {
  image tool { context = "./we$ird", tag = "registry.example.org/d/tool:1" }
  service tool { image = image.tool }
}
ORCH
rm -rf "$TMP/dollar"
"$ORCHC" build --target compose -o "$TMP/dollar" "$TMP/dollar.orch" 2> /dev/null
grep -q 'context: "../../../we\$\$ird"' "$TMP/dollar/compose/d/docker-compose-d.yml" &&
	ok || bad "a '\$' in a build context is written '\$\$'"

# The trees of a killed build beside DIR go with the next build; those of a
# running one stay.
dead=$(sh -c 'echo $$')
mkdir -p "$TMP/.held.orchc-new-$dead/compose" "$TMP/.held.orchc-old-$dead" "$TMP/.held.orchc-new-$$"
"$ORCHC" build -o "$TMP/held" "$TMP/shop.orch" 2> /dev/null
[ ! -e "$TMP/.held.orchc-new-$dead" ] && [ ! -e "$TMP/.held.orchc-old-$dead" ] && [ -d "$TMP/.held.orchc-new-$$" ] &&
	ok || bad "a build removes the trees of killed builds beside DIR, and only those"
rmdir "$TMP/.held.orchc-new-$$"

# The manifest lists the targets whose output the directory holds, so a
# check or build of one target agrees with a full build.
rm -rf "$TMP/held"
"$ORCHC" build -o "$TMP/held" "$TMP/shop.orch" 2> /dev/null
"$ORCHC" build --check --target compose -o "$TMP/held" "$TMP/shop.orch" > /dev/null 2>&1 &&
	ok || bad "--check --target compose agrees with a full build"
"$ORCHC" build --target compose -o "$TMP/held" "$TMP/shop.orch" 2> /dev/null
"$ORCHC" build --check -o "$TMP/held" "$TMP/shop.orch" > /dev/null 2>&1 &&
	ok || bad "--check agrees with a build of one target into a full build"

# Bundles an earlier build wrote are rebuilt with the files they name, even
# when --target leaves deploy out: kept, they would name the old digests.
sed 's/api:1.4/api:1.5/' "$TMP/shop.orch" > "$TMP/shop15.orch"
"$ORCHC" build --target compose -o "$W" "$TMP/shop15.orch" 2> /dev/null
"$PY" - "$W" << 'PYEOF' && ok || bad "--target compose rebuilds the bundles of an earlier build"
import hashlib, json, os, sys
out = sys.argv[1]
bundle = json.load(open(os.path.join(out, "deploy", "stack-shop.json")))
assert bundle["files"], "the bundle names no files"
for f in bundle["files"]:
    data = open(os.path.join(out, f["path"]), "rb").read()
    assert hashlib.sha256(data).hexdigest() == f["sha256"], f["path"]
PYEOF
grep -q 'api:1.5' "$W/compose/shop/docker-compose-web.yml" && ok || bad "--target compose rewrote the compose files"
# With no earlier bundles, --target compose writes none.
rm -rf "$TMP/fresh"
"$ORCHC" build --target compose -o "$TMP/fresh" "$TMP/shop.orch" 2> /dev/null
[ ! -e "$TMP/fresh/deploy" ] && ok || bad "--target compose into a new directory writes no bundles"
"$ORCHC" build --target deploy -o "$TMP/fresh" "$TMP/shop.orch" 2> /dev/null && [ -f "$TMP/fresh/deploy/stack-shop.json" ] &&
	ok || bad "--target deploy bundles the files of an earlier build"

# A secret from the environment mounted as a file: compose reads it from
# secrets/NAME, and .env.example says so.
cat > "$TMP/keys.orch" << 'ORCH'
stack keys {
  secret api-key { from = env("API_KEY") }
  service api {
    image = "registry.example.org/keys/api:1.0"
    secret api-key = "/run/secrets/api-key"
  }
}
ORCH
"$ORCHC" build -o "$TMP/keys" "$TMP/keys.orch" 2> /dev/null
grep -q '^API_KEY=$' "$TMP/keys/compose/keys/.env.example" &&
	grep -q 'write the value to secrets/api-key' "$TMP/keys/compose/keys/.env.example" &&
	grep -q 'file: "./secrets/api-key"' "$TMP/keys/compose/keys/docker-compose-keys.yml" && ok ||
	bad "an env secret mounted as a file is listed in .env.example and read from secrets/"

# ---- Kubernetes: what the examples do not show --------------------------------
cat > "$TMP/kube.orch" << 'ORCH'
stack kube {
  secret token { from = env("KUBE_TOKEN") }
  volume media { host_path = "/srv/media", size = 20Gi }
  service web {
    image = "registry.example.org/kube/web:2.0"
    ports = [8080]
    publish = [30080 -> 8080, 80 -> 8080]
    command = ["serve", "--token=${secret.token}", "--home=$(HOME)", "--price=$$5"]
    user = "1000:1000"
    volume media = "/srv/media"
    healthcheck { test = ["CMD-SHELL", "wget -q -O- localhost:8080/health"], interval = 1500ms }
    expose site { host = "kube.example.org", port = 8080, tls = true }
  }
  service cache {
    image = "redis:7"
    ports = [6379]
    healthcheck { tcp = 6379 }
  }
  service search {
    image = "registry.example.org/kube/search:0.9"
    ports = [9200]
    healthcheck { http = "/_cluster/health", retries = 10 }
  }
  job report {
    image = "registry.example.org/kube/report:1.1"
    schedule = "0 3 * * *"
    restart = on-failure
    after = [web healthy]
  }
}
target kubernetes { namespace = "kube", service_type = NodePort, tls_secret = "kube-tls" }
ORCH
"$ORCHC" build -o "$TMP/kube" "$TMP/kube.orch" 2> "$TMP/err"
K=$TMP/kube/k8s/kube
[ -f "$K/cronjob-report.yaml" ] && [ -f "$K/service-web-public.yaml" ] && [ ! -e "$TMP/kube/compose" ] &&
	ok || { bad "Kubernetes build of kube.orch"; cat "$TMP/err"; }
need_k8s_tools && check_k8s "$K/" kube.orch
# A secret in a command is a variable from the Secret; $( and $$ survive expansion.
grep -q -- '- "--token=$(ORCHC_SECRET_TOKEN)"' "$K/deployment-web.yaml" &&
	grep -q -- '- "--home=$$(HOME)"' "$K/deployment-web.yaml" &&
	grep -q -- '- "--price=$$$5"' "$K/deployment-web.yaml" &&
	grep -q 'key: token' "$K/deployment-web.yaml" && ok || bad "secrets and \$( in Kubernetes commands"
# A NodePort keeps a host port in the node port range, and only there.
[ "$(grep -c 'nodePort: 30080' "$K/service-web-public.yaml")" -eq 1 ] &&
	[ "$(grep -c 'nodePort' "$K/service-web-public.yaml")" -eq 1 ] && ok || bad "node ports"
grep -q 'secretName: kube-tls' "$K/ingress-web-site.yaml" && grep -q 'schedule: "0 3 \* \* \*"' "$K/cronjob-report.yaml" &&
	grep -q 'path: /srv/media' "$K/deployment-web.yaml" && grep -q 'runAsGroup: 1000' "$K/deployment-web.yaml" &&
	grep -q 'periodSeconds: 2' "$K/deployment-web.yaml" && grep -q 'until nc -z web 8080' "$K/cronjob-report.yaml" &&
	ok || bad "ingress TLS, CronJob, hostPath, ids, probe period, waiting for a service"
# No secret value reaches the output: secret.env.example lists the key only.
grep -q 'tcpSocket' "$K/deployment-cache.yaml" && grep -A2 'httpGet' "$K/deployment-search.yaml" | grep -q 'port: 9200' &&
	ok || bad "http and tcp health checks as probes"
grep -q '^token=$' "$K/secret.env.example" && grep -qx 'secret.env' "$K/.gitignore" && ok ||
	bad "secret.env.example and .gitignore"

#!/bin/sh
# bench/run.sh ORCHC - times `orchc parse` (the front end) and `orchc check`
# (front end and semantics) on synthetic stacks of 1 000, 10 000 and 100 000
# services, then on a stack, catalogue and fleet together, and reports the
# best wall time of several runs (virtual machines are noisy; the best run
# is the repeatable one), throughput and peak memory.  Not a test: the
# numbers go into issue notes.
set -eu
orchc=$1
case $orchc in /*) ;; *) orchc=$(pwd)/$orchc ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/orchc-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
here=$(dirname "$0")

# shellcheck source=bench/lib.sh
. "$here/lib.sh"

printf '%-9s %8s %10s %8s %10s %8s\n' services "MB" "parse ms" "MB/s" "check ms" "peak MB"
for n in 1000 10000 100000; do
	f=$dir/stack-$n.orch
	sh "$here/gen-stack.sh" "$n" > "$f"
	bytes=$(wc -c < "$f")
	runs=15
	[ "$n" -ge 100000 ] && runs=3
	parse_ms=$(best_ms $runs "$orchc" parse "$f")
	check_ms=$(best_ms $runs "$orchc" check "$f")
	peak=$(peak_mb "$orchc" check "$f")
	awk -v n="$n" -v b="$bytes" -v p="$parse_ms" -v c="$check_ms" -v m="$peak" 'BEGIN {
		printf "%-9d %8.1f %10.1f %8.0f %10.1f %8.1f\n", n, b / 1e6, p, b / 1e6 / (p / 1000), c, m
	}'
done

echo
echo "semantics: 10 000 services + 1 000 products + 1 000 devices"
f=$dir/world.orch
sh "$here/gen-world.sh" 10000 1000 1000 > "$f"
cp "$here"/../examples/wasmiot-camera/modules/*.wasm "$dir/"
printf '%-9s %8s %10s %10s %8s\n' "" "MB" "parse ms" "check ms" "peak MB"
awk -v b="$(wc -c < "$f")" -v p="$(best_ms 15 "$orchc" parse "$f")" \
    -v c="$(best_ms 15 "$orchc" check "$f")" -v m="$(peak_mb "$orchc" check "$f")" \
    'BEGIN { printf "%-9s %8.1f %10.1f %10.1f %8.1f\n", "world", b / 1e6, p, c, m }'
before_run() { rm -rf "$dir/out-world"; }
printf '%-9s %-8s %10.1f %8.1f   1 000 devices, 100 deployments, binaries read\n' world wasm \
	"$(best_ms 5 "$orchc" build --target wasm -o "$dir/out-world" "$f")" \
	"$(peak_mb "$orchc" build --target wasm -o "$dir/out-world" "$f")"
before_run() { :; }

# peers MODE ORCHC_MS WHAT: a line per peer of bench/peers/run.sh N MODE,
# with how many times faster orchc's ORCHC_MS is; each peer's output is
# checked against orchc's full build in $dir/out-$n.
peers() {
	lines=$(ORCHC_OUT=$dir/out-$n sh "$here/peers/run.sh" "$n" "$1") || exit 1
	echo "$lines" | while read -r peer _ pms ppeak; do
		case $pms in
		*[!0-9.]*|'') echo "          $peer $pms $ppeak" ;;
		*) awk -v n="$n" -v p="$peer" -v m="$pms" -v k="$ppeak" -v o="$2" -v w="$3" \
			'BEGIN { printf "%-9d %-8s %10.1f %8.1f   %s orchc is %.0fx faster\n", n, p, m, k, w, m / o }' ;;
		esac
	done
}

echo
echo "orchc build to compose (per-pod files, manifest, atomic write) vs. peers"
echo "writing the same files (bench/peers/): peers that make the services up"
echo "in a loop (orchc reads every one declared), then peers reading the"
echo "services declared one by one as orchc does"
printf '%-9s %-8s %10s %8s\n' services tool "ms" "peak MB"
for n in 1000 10000; do
	f=$dir/stack-$n.orch
	[ -f "$f" ] || sh "$here/gen-stack.sh" "$n" > "$f"
	# Like the peers, each run starts from an empty output directory...
	before_run() { rm -rf "$dir/out-$n"; }
	ms=$(best_ms 5 "$orchc" build --target compose -o "$dir/out-$n" "$f")
	peak=$(peak_mb "$orchc" build --target compose -o "$dir/out-$n" "$f")
	printf '%-9d %-8s %10.1f %8.1f\n' "$n" orchc "$ms" "$peak"
	# ...and a rebuild with nothing changed links every file it would rewrite.
	before_run() { :; }
	printf '%-9d %-8s %10.1f\n' "$n" rebuild "$(best_ms 5 "$orchc" build --target compose -o "$dir/out-$n" "$f")"
	# Both targets from the one source...
	before_run() { rm -rf "$dir/out-$n"; }
	both=$(best_ms 5 "$orchc" build -o "$dir/out-$n" "$f")
	printf '%-9d %-8s %10.1f %8.1f   compose and kubernetes\n' "$n" orchc \
		"$both" "$(peak_mb "$orchc" build -o "$dir/out-$n" "$f")"
	peers compose "$ms" 'from a loop,'
	peers declared "$ms" 'every service declared,'
	# ...and the peers writing both too.
	peers compose+k8s "$both" 'compose and kubernetes,'
done

echo
echo "catalogue of 1 000 products to migrations (PostgreSQL, SQLite, Alembic, registry),"
echo "then the next build after a rename appends migration 0002 (the diff)"
f=$dir/catalog.orch
sh "$here/gen-world.sh" 0 1000 0 | sed '/^fleet bench/,$d' > "$f"
sed 's/^  product P0 {/  product P0x {\n    renamed_from = "P0"/; s/product = P0\([,} ]\)/product = P0x\1/g' "$f" > "$dir/catalog2.orch"
printf '%-9s %-9s %10s %8s %10s\n' "" "" "ms" "peak MB" "output MB"
before_run() { rm -rf "$dir/out-cat"; }
ms=$(best_ms 5 "$orchc" build --target migrations -o "$dir/out-cat" "$f")
peak=$(peak_mb "$orchc" build --target migrations -o "$dir/out-cat" "$f")
printf '%-9s %-9s %10.1f %8.1f %10.1f\n' catalogue first "$ms" "$peak" "$(du -sm "$dir/out-cat" | cut -f1)"
# The rename builds on a copy of the first output, as a CI job builds on the committed tree.
before_run() { rm -rf "$dir/out-cat2"; cp -R "$dir/out-cat" "$dir/out-cat2"; }
printf '%-9s %-9s %10.1f %8.1f\n' catalogue rename \
	"$(best_ms 5 "$orchc" build --target migrations -o "$dir/out-cat2" "$dir/catalog2.orch")" \
	"$(peak_mb "$orchc" build --target migrations -o "$dir/out-cat2" "$dir/catalog2.orch")"
before_run() { :; }
[ -f "$dir/out-cat2/migrations/bench/sqlite/0002_rename_product_p0_to_p0x.up.sql" ] ||
	{ echo "bench: the rename wrote no migration 0002" >&2; exit 1; }

apply=$(dirname "$orchc")/orch-apply
[ -x "$apply" ] || exit 0
echo
echo "orch-apply: the catalogue into SQLite, and the 10 000-service stack's"
echo "1 000 compose files (compose run as \`true\`: no containers)"
printf '%-9s %-9s %10s %8s\n' unit step "ms" "peak MB"
"$orchc" build --target migrations,deploy -o "$dir/out-cat" "$f" > /dev/null
before_run() { rm -rf "$dir/host-cat"; }
printf '%-9s %-9s %10.1f %8.1f\n' catalogue apply \
	"$(best_ms 5 "$apply" apply "$dir/out-cat/deploy/catalog-bench.json" --root "$dir/host-cat")" \
	"$(peak_mb "$apply" apply "$dir/out-cat/deploy/catalog-bench.json" --root "$dir/host-cat")"
before_run() { :; }
"$apply" apply "$dir/out-cat/deploy/catalog-bench.json" --root "$dir/host-cat" > /dev/null
printf '%-9s %-9s %10.1f\n' catalogue re-plan \
	"$(best_ms 5 "$apply" plan "$dir/out-cat/deploy/catalog-bench.json" --root "$dir/host-cat")"
"$orchc" build --target compose,deploy -o "$dir/out-10000" "$dir/stack-10000.orch" > /dev/null
s=$dir/out-10000/deploy/stack-bench.json
before_run() { rm -rf "$dir/host-stack"; }
printf '%-9s %-9s %10.1f %8.1f\n' stack apply \
	"$(DB_PASSWORD=x best_ms 5 "$apply" apply "$s" --root "$dir/host-stack" --compose true)" \
	"$(DB_PASSWORD=x peak_mb "$apply" apply "$s" --root "$dir/host-stack" --compose true)"
before_run() { :; }
DB_PASSWORD=x "$apply" apply "$s" --root "$dir/host-stack" --compose true > /dev/null
printf '%-9s %-9s %10.1f\n' stack re-plan "$(DB_PASSWORD=x best_ms 5 "$apply" plan "$s" --root "$dir/host-stack")"

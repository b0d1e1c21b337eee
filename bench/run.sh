#!/bin/sh
# bench/run.sh ORCHC - times `orchc check` and `orchc parse` on synthetic
# stacks of 1 000, 10 000 and 100 000 services and reports wall time (best
# of three), front-end throughput and peak memory.  Not a test: numbers go
# into issue notes.
set -eu
orchc=$1
case $orchc in /*) ;; *) orchc=$(pwd)/$orchc ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/orchc-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
here=$(dirname "$0")

# best_of CMD...: prints the best wall time in seconds and the peak RSS in KB.
best_of() {
	best=
	peak=0
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$dir/time" "$@" > /dev/null 2> "$dir/err" || {
			cat "$dir/err" >&2
			exit 1
		}
		read -r t m < "$dir/time"
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
		[ "$m" -gt "$peak" ] && peak=$m
	done
	echo "$best $peak"
}

printf '%-9s %9s %10s %10s %10s %10s\n' services "size MB" "parse s" "MB/s" "check s" "peak MB"
for n in 1000 10000 100000; do
	f=$dir/stack-$n.orch
	sh "$here/gen-stack.sh" "$n" > "$f"
	bytes=$(wc -c < "$f")
	set -- $(best_of "$orchc" parse "$f")
	parse_s=$1
	set -- $(best_of "$orchc" check "$f")
	check_s=$1 peak_kb=$2
	awk -v n="$n" -v b="$bytes" -v p="$parse_s" -v c="$check_s" -v m="$peak_kb" 'BEGIN {
		mb = b / 1e6
		rate = p > 0 ? sprintf("%10.0f", mb / p) : "     >1000"
		printf "%-9d %9.1f %10.3f %s %10.3f %10.1f\n", n, mb, p, rate, c, m / 1024
	}'
done
echo "(GNU time reports 10 ms resolution; 0.00 s means under 5 ms.)"

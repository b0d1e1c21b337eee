# shellcheck shell=sh disable=SC2154 # $dir is set by the caller
# bench/lib.sh - timing helpers sourced by bench/run.sh and bench/peers/run.sh.
# The caller sets $dir (a scratch directory); it may redefine before_run and
# after_run, which run around every measured run (to empty an output
# directory, to check what a run wrote).

before_run() { :; }
after_run() { :; }

# best_ms RUNS CMD...: the fastest of RUNS runs, in milliseconds (virtual
# machines are noisy; the best run is the repeatable one).
best_ms() {
	runs=$1
	shift
	best=
	i=0
	while [ $i -lt "$runs" ]; do
		before_run
		t0=$(date +%s%N)
		"$@" > /dev/null 2> "$dir/err" || { echo "bench: '$*' failed:" >&2; cat "$dir/err" >&2; exit 1; }
		t1=$(date +%s%N)
		after_run "$@"
		t=$(( (t1 - t0) / 1000 ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
		i=$((i + 1))
	done
	awk -v us="$best" 'BEGIN { printf "%.1f", us / 1000 }'
}

# peak_mb CMD...: peak resident memory of one run, in MB.
peak_mb() {
	before_run
	/usr/bin/time -f '%M' -o "$dir/mem" "$@" > /dev/null 2>&1
	awk '{ printf "%.1f", $1 / 1024 }' "$dir/mem"
}

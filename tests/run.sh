#!/bin/sh
# tests/run.sh - the whole test suite (run by `make test`).
#
#   ORCHC=bin/orchc BUILD=build/release sh tests/run.sh
#   UPDATE_GOLDEN=1 ... rewrites expected outputs so the diff gets reviewed.
#
# Sections: unit tests (cmocka), parse goldens, one error case per
# diagnostic code, CLI behaviour, pathological inputs, examples and stdlib,
# fuzz regressions, generated man page.  Prints one line per failure and a
# summary; exits 1 if anything failed.

set -u
ORCHC=${ORCHC:-bin/orchc}
BUILD=${BUILD:-build/release}
UPDATE=${UPDATE_GOLDEN:-}
case $ORCHC in /*) ;; *) ORCHC=$(pwd)/$ORCHC ;; esac
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
TOP=$(pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/orchc-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
export NO_COLOR=1

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# Compares file $2 (actual) with golden $1, or rewrites it under UPDATE_GOLDEN.
golden() {
	if [ -n "$UPDATE" ]; then
		cp "$2" "$1"
		ok
	elif diff -u "$1" "$2" > "$TMP/diff"; then
		ok
	else
		bad "$1 differs:"
		head -n 40 "$TMP/diff"
	fi
}

# ---- unit tests -------------------------------------------------------------
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	if "$t" > "$TMP/unit.out" 2>&1 && grep -q 'PASSED' "$TMP/unit.out" &&
	   ! grep -q 'FAILED' "$TMP/unit.out"; then
		ok
	else
		bad "unit test $(basename "$t")"
		cat "$TMP/unit.out"
	fi
done

# ---- parse goldens: tests/parse/NAME.orch -> NAME.ast -------------------------
cd "$TOP/tests/parse" || exit 2
for src in *.orch; do
	name=${src%.orch}
	"$ORCHC" parse --dump-ast "$src" > "$TMP/ast" 2> "$TMP/err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$TMP/err" ]; then
		bad "parse $src: exit $rc"
		cat "$TMP/err"
		continue
	fi
	golden "$name.ast" "$TMP/ast"
done

# ---- error cases: tests/errors/CODE-what.orch -> .err (text) or .json ---------
# Helper modules that cases import live in tests/errors/modules/.
# A CODE-what.gen case makes its input at run time (a 5 GiB sparse file, a
# missing file, an output directory); it defines make_input and EXPECT_EXIT,
# and may set COMMAND (default check) and CHECK_ARGS.
expect_code() {
	src=$1 rc=$2 want=$3
	code=${src%%-*}
	[ "$rc" -eq "$want" ] && ok || bad "$src: exit $rc, expected $want"
	grep -q "$code" "$TMP/out" && ok || bad "$src: does not report $code"
}
cd "$TOP/tests/errors" || exit 2
for src in *.orch; do
	name=${src%.orch}
	if [ -f "$name.json" ]; then
		"$ORCHC" check --format json "$src" > "$TMP/out" 2>&1
		rc=$?
		golden "$name.json" "$TMP/out"
	else
		# A first line "# args: ..." adds options (--all-profiles); a
		# first line "# build: ..." builds instead of checking.
		args=$(sed -n '1s/^# args: //p' "$src")
		build=$(sed -n '1s/^# build: *//p' "$src")
		if head -n 1 "$src" | grep -q '^# build:'; then
			rm -rf "$TMP/build"
			# shellcheck disable=SC2086 # several options
			"$ORCHC" build $build -o "$TMP/build" "$src" > "$TMP/out" 2>&1
		else
			# shellcheck disable=SC2086 # several options
			"$ORCHC" check $args "$src" > "$TMP/out" 2>&1
		fi
		rc=$?
		golden "$name.err" "$TMP/out"
	fi
	case $name in W*) want=0 ;; *) want=1 ;; esac
	expect_code "$src" $rc $want
done
for gen in *.gen; do
	[ -f "$gen" ] || continue
	name=${gen%.gen}
	EXPECT_EXIT=1
	COMMAND=check
	CHECK_ARGS=
	. "./$gen"
	rm -rf "$TMP/gen"
	mkdir -p "$TMP/gen"
	(cd "$TMP/gen" && make_input "$name.orch")
	# shellcheck disable=SC2086 # CHECK_ARGS holds several words
	(cd "$TMP/gen" && "$ORCHC" $COMMAND $CHECK_ARGS "$name.orch") > "$TMP/out" 2>&1
	rc=$?
	rm -rf "$TMP/gen"
	golden "$name.err" "$TMP/out"
	expect_code "$gen" $rc "$EXPECT_EXIT"
done
# Every code in the table has a case.
"$ORCHC" explain --list | cut -d ' ' -f 1 > "$TMP/codes"
while read -r code; do
	set -- "$code"-*.orch "$code"-*.gen
	[ -f "$1" ] || [ -f "$2" ] && ok || bad "diagnostic $code has no test in tests/errors/"
done < "$TMP/codes"
cd "$TOP" || exit 2

# ---- command line -------------------------------------------------------------
expect_exit() {
	want=$1
	shift
	"$@" > "$TMP/cli.out" 2>&1
	rc=$?
	[ $rc -eq "$want" ] && ok || { bad "'$*' exited $rc, expected $want"; cat "$TMP/cli.out"; }
}
expect_exit 0 "$ORCHC" --version
grep -q '^orchc [0-9]' "$TMP/cli.out" || bad "--version prints 'orchc VERSION'"
expect_exit 0 "$ORCHC" help
expect_exit 0 "$ORCHC" check --help
grep -q 'usage: orchc check' "$TMP/cli.out" || bad "check --help shows usage"
expect_exit 0 "$ORCHC" help parse
expect_exit 2 "$ORCHC"
expect_exit 2 "$ORCHC" frobnicate
expect_exit 2 "$ORCHC" check
expect_exit 2 "$ORCHC" check --format yaml x.orch
expect_exit 2 "$ORCHC" check --error-limit -3 x.orch
expect_exit 2 "$ORCHC" check --bogus x.orch
expect_exit 2 "$ORCHC" parse --profile prod x.orch
expect_exit 2 "$ORCHC" check "$TMP/does-not-exist.orch"
grep -q 'error\[E0012\]: cannot read .*No such file or directory' "$TMP/cli.out" ||
	bad "missing file reports E0012 with the reason"
expect_exit 2 "$ORCHC" check "$TMP"
expect_exit 0 "$ORCHC" explain E0103
grep -q 'unclosed delimiter' "$TMP/cli.out" || bad "explain E0103 shows its title"
expect_exit 0 "$ORCHC" explain e0103
expect_exit 2 "$ORCHC" explain E9999
expect_exit 0 "$ORCHC" parse --dump-ast tests/parse/language-stack.orch
# --error-limit caps the shown diagnostics and says how many were hidden.
printf 'stack a {\n  x = =\n  y = =\n  z = =\n}\n' > "$TMP/three.orch"
expect_exit 1 "$ORCHC" check --error-limit 2 "$TMP/three.orch"
[ "$(grep -c 'error\[' "$TMP/cli.out")" -eq 2 ] || bad "--error-limit 2 shows two errors"
grep -q '1 more not shown' "$TMP/cli.out" || bad "--error-limit reports hidden diagnostics"
# Colour only when asked (or on a terminal without NO_COLOR).
"$ORCHC" check --color always "$TMP/three.orch" 2>&1 | grep -q "$(printf '\033')\[" ||
	bad "--color always colours"
"$ORCHC" check --color never "$TMP/three.orch" 2>&1 | grep -q "$(printf '\033')" &&
	bad "--color never does not colour"
NO_COLOR=1 "$ORCHC" check "$TMP/three.orch" 2>&1 | grep -q "$(printf '\033')" &&
	bad "NO_COLOR disables colour"
# JSON goes to stdout, and is one array even when clean.
printf 'stack a {}\n' > "$TMP/clean.orch"
[ "$("$ORCHC" check --format json "$TMP/clean.orch")" = "[]" ] || bad "clean JSON is []"
# Same input, byte-identical output.
"$ORCHC" parse --dump-ast tests/parse/language-stack.orch > "$TMP/a1"
(cd "$TMP" && "$ORCHC" parse --dump-ast "$TOP/tests/parse/language-stack.orch") > "$TMP/a2"
cmp -s "$TMP/a1" "$TMP/a2" && ok || bad "dump-ast is not deterministic"

# ---- modules: -I, ORCHC_PATH, relative imports, aliases, parse-once ----------
mkdir -p "$TMP/lib" "$TMP/prog/common"
printf 'template worker(image: string) job {\n  image = image\n}\n' > "$TMP/lib/tools.orch"
printf 'import "std/tools" as t\nimport "./common/base.orch"\nimport "./common/base.orch" as again\n\nstack s {\n  job a = t.worker(image: "x")\n  job b = base.web(image: "y")\n  job c = again.web(image: "z")\n}\n' > "$TMP/prog/app.orch"
printf 'template web(image: string) job {\n  image = image\n}\n' > "$TMP/prog/common/base.orch"
expect_exit 1 "$ORCHC" check "$TMP/prog/app.orch"
grep -q "module 'std/tools' not found" "$TMP/cli.out" || bad "a missing std module is reported"
expect_exit 0 "$ORCHC" check -I "$TMP/lib" "$TMP/prog/app.orch"
ORCHC_PATH="$TMP/nowhere:$TMP/lib" expect_exit 0 "$ORCHC" check "$TMP/prog/app.orch"
expect_exit 0 "$ORCHC" build -I"$TMP/lib" "$TMP/prog/app.orch" --emit model
grep -q '"image": "z"' "$TMP/cli.out" || bad "the aliased import instantiates"
# base.orch is imported twice but loaded once: its file appears once.
printf 'template web(image: strin) job {\n  image = image\n}\n' > "$TMP/prog/common/base.orch"
expect_exit 1 "$ORCHC" check -I "$TMP/lib" "$TMP/prog/app.orch"
[ "$(grep -c 'error\[E0205\]' "$TMP/cli.out")" -eq 1 ] || bad "a module imported twice is checked once"
grep -q "prog/common/base.orch:1:21" "$TMP/cli.out" || bad "relative imports are shown relative to the importer"
expect_exit 2 "$ORCHC" check --profile a --all-profiles "$TMP/prog/app.orch"
# Each file of `check a b` is checked, even after errors in a.
printf 'stack a { service x { image = 1 } }\n' > "$TMP/a.orch"
printf 'stack b { service y { image = 2 } }\n' > "$TMP/b.orch"
expect_exit 1 "$ORCHC" check "$TMP/a.orch" "$TMP/b.orch"
[ "$(grep -c 'error\[E0304\]' "$TMP/cli.out")" -eq 2 ] || bad "a second file is checked after errors in the first"
# build --format json keeps stdout one JSON document: diagnostics go to stderr.
"$ORCHC" build --format json "$TMP/b.orch" --emit model > "$TMP/build.out" 2> "$TMP/build.err"
[ ! -s "$TMP/build.out" ] && grep -q '"code": "E0304"' "$TMP/build.err" && ok ||
	bad "build --format json writes diagnostics to stderr"
"$ORCHC" build --format json tests/golden/stdlib.orch --emit model > "$TMP/build.out" 2> "$TMP/build.err"
if command -v python3 > /dev/null 2>&1; then
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/build.out" && ok ||
		bad "build --emit model prints one JSON document"
fi

# ---- pathological inputs: a clear diagnostic or success, never a crash -------
# Each case: the file, the allowed exit status, and a code that must appear
# (or '-' for none).
patho() {
	file=$1 want=$2 code=$3
	# The front end must survive these; `parse` runs it without semantics.
	timeout 20 "$ORCHC" parse --error-limit 5 "$file" > "$TMP/p.out" 2>&1
	rc=$?
	if [ $rc -ne "$want" ]; then
		bad "pathological $(basename "$file"): exit $rc, expected $want"
		head -n 5 "$TMP/p.out"
	elif [ "$code" != - ] && ! grep -q "$code" "$TMP/p.out"; then
		bad "pathological $(basename "$file"): no $code"
		head -n 5 "$TMP/p.out"
	else
		ok
	fi
}
sh "$TOP/tests/pathological/generate.sh" "$TMP/patho"
while read -r file want code; do
	patho "$TMP/patho/$file" "$want" "$code"
done < "$TOP/tests/pathological/expect.txt"

# ---- examples and stdlib check without a single diagnostic, every profile ----
for f in examples/*/*.orch stdlib/*.orch; do
	[ -f "$f" ] || continue
	"$ORCHC" check --all-profiles "$f" > "$TMP/ex.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$TMP/ex.out" ]; then ok; else
		bad "$f: exit $rc"
		head -n 20 "$TMP/ex.out"
	fi
done

# ---- golden models: examples/NAME/expected/model[.PROFILE].json, tests/golden --
# The model is what every target reads; its JSON is compared byte for byte,
# once without a profile and once per profile the program declares.
model_golden() {
	src=$1 dir=$2
	mkdir -p "$dir"
	"$ORCHC" build "$src" --emit model > "$TMP/model.json" 2> "$TMP/model.err" ||
		{ bad "build --emit model $src"; cat "$TMP/model.err"; return; }
	golden "$dir/model.json" "$TMP/model.json"
	for profile in $(sed -n 's/^profile \([A-Za-z0-9_-]*\).*/\1/p' "$src"); do
		"$ORCHC" build "$src" --emit model --profile "$profile" > "$TMP/model.json" 2> "$TMP/model.err" ||
			{ bad "build --emit model --profile $profile $src"; cat "$TMP/model.err"; continue; }
		golden "$dir/model.$profile.json" "$TMP/model.json"
	done
}
for f in examples/*/*.orch; do
	[ -f "$f" ] && model_golden "$f" "$(dirname "$f")/expected"
done
for f in tests/golden/*.orch; do
	[ -f "$f" ] && model_golden "$f" "tests/golden/expected/$(basename "$f" .orch)"
done

# ---- fuzz regressions and seeds are replayed (under ASan in check-asan) ------
# fuzz_replay NAME REGRESSIONS FILE...: the fuzz target NAME, without
# libFuzzer ($BUILD/tests/fuzz_NAME_replay), over every saved crasher in
# REGRESSIONS and the seed files.
fuzz_replay() {
	name=$1 regressions=$2
	shift 2
	bin=$BUILD/tests/fuzz_${name}_replay
	[ -x "$bin" ] || return 0
	find "$regressions" -type f ! -name '.keep' > "$TMP/replay-$name.list"
	# shellcheck disable=SC2046 # file names are ours and have no spaces
	if "$bin" $(cat "$TMP/replay-$name.list") "$@" > "$TMP/replay-$name.out" 2>&1; then
		ok
	else
		bad "fuzz replay ($name)"
		tail -n 30 "$TMP/replay-$name.out"
	fi
}
fuzz_replay compile tests/fuzz/regressions tests/parse/*.orch tests/errors/*.orch examples/*/*.orch \
	stdlib/*.orch "$TMP"/patho/*.orch
fuzz_replay wasm tests/fuzz/wasm-regressions examples/*/modules/*.wasm tests/errors/modules/*.wasm
fuzz_replay bundle tests/fuzz/bundle-regressions examples/*/expected/out*/deploy/*.json
fuzz_replay lock tests/fuzz/lock-regressions examples/*/expected/out*/migrations/*/model.lock.json \
	examples/*/expected/out*/migrations/*/migrations.sum

# ---- memory: no leaks or invalid accesses outside ASan builds ------------------
case $BUILD in
*asan*) ;; # ASan's leak checker covers this build
*)
	if command -v valgrind > /dev/null 2>&1; then
		for args in "check examples/laconic-ipld/stack.orch" "check tests/errors/E0103-unclosed-block.orch" \
			"parse --dump-ast tests/parse/syntax-strings.orch" "check --format json tests/errors/E0108-malformed-step.orch"; do
			# shellcheck disable=SC2086 # the arguments are split on purpose
			if valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
				--error-exitcode=99 "$ORCHC" $args > /dev/null 2> "$TMP/vg"; then ok
			elif [ $? -eq 99 ]; then
				bad "valgrind: orchc $args"
				head -n 30 "$TMP/vg"
			else ok; fi
		done
	fi
	;;
esac

# ---- orchc build: examples' output, compose validation, the writer ------------
. "$TOP/tests/build.sh"
. "$TOP/tests/migrations.sh"
. "$TOP/tests/wasm.sh"
. "$TOP/tests/apply.sh"

# ---- the generated man page matches the code table ---------------------------
"$ORCHC" explain --man > "$TMP/diag.7"
golden man/orchc-diagnostics.7 "$TMP/diag.7"
if command -v mandoc > /dev/null 2>&1; then
	for m in man/*.[157]; do
		if mandoc -T lint -W warning "$m" > "$TMP/lint" 2>&1; then ok; else
			bad "mandoc lint $m"
			cat "$TMP/lint"
		fi
	done
fi

echo "tests: $pass passed, $fail failed"
[ $fail -eq 0 ]

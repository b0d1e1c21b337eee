# tests/wasm.sh - fleets and the wasm target: sourced by tests/run.sh (ok,
# bad, TMP, TOP and ORCHC come from there).  The example's output is
# compared with expected/ by tests/build.sh; here it meets its consumers.
#
# - Every WAT source (the example's modules, the error cases' fixtures)
#   compiles with wabt's wat2wasm to the committed binary.
# - Every /deploy body and manifest validates against the published JSON
#   Schemas (targets/schemas/), every module description against OpenAPI
#   3.0 (swagger-parser); both validators are first shown to reject a
#   wrong document.
# - The example's modules run under WASI (node) as a supervisor runs them:
#   fibo's results, take_image's file, strip_metadata's output.
# - A truncated or corrupted copy of each example binary gives a
#   diagnostic and never a crash.

PY=/usr/bin/python3
WASM_EX=examples/wasmiot-camera
if ! command -v wat2wasm > /dev/null 2>&1 || ! command -v node > /dev/null 2>&1 ||
   [ ! -d tests/wasm/node_modules/@apidevtools/swagger-parser ]; then
	bad "wasm tests need wabt, node and tests/wasm/node_modules (make test-deps)"
else
	for wat in "$WASM_EX"/modules/*.wat tests/errors/modules/*.wat; do
		if wat2wasm "$wat" -o "$TMP/m.wasm" 2> "$TMP/out" && cmp -s "$TMP/m.wasm" "${wat%.wat}.wasm"; then
			ok
		else
			bad "${wat%.wat}.wasm is not what wat2wasm makes of $wat (wat2wasm $wat -o ${wat%.wat}.wasm)"
			head -n 5 "$TMP/out"
		fi
	done

	find examples/*/expected -path '*/wasm/*.json' ! -name '*.openapi.json' | sort > "$TMP/docs"
	# shellcheck disable=SC2046 # our file names have no spaces
	if "$PY" tests/wasm/validate.py $(cat "$TMP/docs") > "$TMP/out" 2>&1; then ok; else
		bad "deployment documents rejected by targets/schemas/:"
		head -n 20 "$TMP/out"
	fi
	# shellcheck disable=SC2046
	if node tests/wasm/openapi.js $(find examples/*/expected -name '*.openapi.json' | sort) > "$TMP/out" 2>&1; then
		ok
	else
		bad "module descriptions rejected as OpenAPI 3.0:"
		head -n 20 "$TMP/out"
	fi

	rm -rf "$TMP/wasi" && mkdir -p "$TMP/wasi"
	if node --no-warnings tests/wasm/run.js "$WASM_EX/modules" "$TMP/wasi" > "$TMP/out" 2>&1; then ok; else
		bad "the example's modules do not run as expected under WASI:"
		head -n 20 "$TMP/out"
	fi
fi

# Damaged binaries: every prefix of the first 64 bytes and one in 11 after,
# and one byte in 5 flipped.  A prefix is an error (a binary without its
# code, or without the export); a flipped byte may still be a valid module.
rm -rf "$TMP/wc" && cp -R "$WASM_EX" "$TMP/wc" && rm -rf "$TMP/wc/expected"
"$PY" - "$TMP/wc/modules" "$TMP/damaged" << 'PY'
import os, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for name in sorted(os.listdir(src)):
    if not name.endswith(".wasm"):
        continue
    data = open(os.path.join(src, name), "rb").read()
    for n in sorted(set(list(range(min(64, len(data)))) + list(range(64, len(data), 11)))):
        open(os.path.join(out, f"{name}.cut{n}"), "wb").write(data[:n])
    for i in range(0, len(data), 5):
        open(os.path.join(out, f"{name}.flip{i}"), "wb").write(data[:i] + bytes([data[i] ^ 0xff]) + data[i + 1:])
PY
damaged_ok=0
for f in "$TMP"/damaged/*; do
	name=$(basename "$f")
	mod=${name%%.wasm.*}
	cp "$TMP/wc/modules/$mod.wasm" "$TMP/wc/modules/$mod.wasm.orig"
	cp "$f" "$TMP/wc/modules/$mod.wasm"
	"$ORCHC" check "$TMP/wc/fleet.orch" > "$TMP/out" 2>&1
	rc=$?
	mv "$TMP/wc/modules/$mod.wasm.orig" "$TMP/wc/modules/$mod.wasm"
	case $name in
	*.cut*) [ $rc -eq 1 ] && grep -q 'error\[E04' "$TMP/out" ;;
	*) [ $rc -le 1 ] && ! grep -q 'AddressSanitizer\|runtime error' "$TMP/out" ;;
	esac || { bad "damaged binary $name: exit $rc"; head -n 5 "$TMP/out"; damaged_ok=1; }
done
[ $damaged_ok -eq 0 ] && ok

#!/bin/sh
# Generates the pathological inputs listed in expect.txt into directory $1.
# Sizes are those the foundation promises to survive: 10 000-deep nesting,
# 100 000-item lists, 1 MB strings, NUL bytes and invalid UTF-8.
set -eu
d=$1
mkdir -p "$d"
rep() { awk -v s="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }

{ printf 'stack a {\n  x = '; rep '[' 10000; rep ']' 10000; printf '\n}\n'; } > "$d/deep-lists.orch"
{ printf 'stack a {\n  x '; rep '{ y ' 10000; rep '}' 10000; printf '\n}\n'; } > "$d/deep-maps.orch"
{ printf 'stack a {\n  x = '; rep '(' 10000; printf '1'; rep ')' 10000; printf '\n}\n'; } > "$d/deep-parens.orch"
{ printf 'stack a {\n  x = '; rep 'f(' 10000; printf '1'; rep ')' 10000; printf '\n}\n'; } > "$d/deep-calls.orch"
{ printf 'stack a {\n  x = '; rep '- ' 10000; printf 'y\n}\n'; } > "$d/deep-negation.orch"
{ printf 'type T = '; rep '[' 10000; printf 'int'; rep ']' 10000; printf '\n'; } > "$d/deep-types.orch"
{ printf 'stack a {\n  x = '; rep '"${' 10000; printf 'y'; rep '}"' 10000; printf '\n}\n'; } > "$d/deep-interpolation.orch"
# Left-deep chains: as deep as they are long, for every pass that recurses.
{ printf 'stack a {\n  x = 1'; rep ' + 1' 120000; printf '\n}\n'; } > "$d/long-sum.orch"
{ printf 'stack a {\n  x = 1'; rep ' * 2' 200000; printf '\n}\n'; } > "$d/long-product.orch"
{ printf 'stack a {\n  x = b'; rep '.b' 100000; printf '\n}\n'; } > "$d/long-member-chain.orch"
{ printf 'stack a {\n  x = b'; rep '()' 100000; printf '\n}\n'; } > "$d/long-call-chain.orch"
{ printf 'type A = int'; rep '?' 100000; printf '\n'; } > "$d/long-optional-chain.orch"
{ rep 'stack a {\n' 10000; } > "$d/deep-unclosed.orch"
{ printf 'stack a {\n  x = ['; awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%d, ", i }'; printf ']\n}\n'; } > "$d/wide-list.orch"
{ printf 'stack a {\n'; awk 'BEGIN { for (i = 0; i < 100000; i++) printf "  s%d = %d\n", i, i }'; printf '}\n'; } > "$d/wide-block.orch"
{ printf 'stack a {\n  x = "'; rep 'abcdefghij' 104858; printf '"\n}\n'; } > "$d/big-string.orch"
{ printf 'stack a {\n  x = """\n'; awk 'BEGIN { for (i = 0; i < 20000; i++) printf "    line %d of a long embedded file ${y}\\n\n", i }'; printf '    """\n}\n'; } > "$d/big-multiline.orch"
{ printf 'stack a {\n  '; rep 'n' 1048576; printf ' = 1\n}\n'; } > "$d/big-name.orch"
{ printf 'stack a {\n'; awk 'BEGIN { for (i = 0; i < 100000; i++) print "  x = = 1" }'; printf '}\n'; } > "$d/many-errors.orch"
printf 'stack a {\000\000\n  x = "a\000b"\n}\n' > "$d/nul-bytes.orch"
printf 'stack a {\n  x = "caf\351"\n  \377\376 = 1\n}\n' > "$d/invalid-utf8.orch"
awk 'BEGIN { for (r = 0; r < 64; r++) for (i = 1; i < 256; i++) printf "%c", i }' > "$d/all-bytes.orch"
: > "$d/empty.orch"
printf '\n\n# only a comment\n' > "$d/only-comment.orch"

#!/usr/bin/python3
"""yaml_roundtrip.py ORCHC - tricky strings survive compose YAML exactly.

Writes a program whose environment values, labels and command arguments
are strings YAML readers like to misread (no, on, ~, 0755, 1e3, 12:30,
": x", "# x", edge spaces, tabs, newlines, ${VAR}, unicode, 10 kB), builds
it, and reads the compose file back with a YAML 1.1 reader (PyYAML) and a
YAML 1.2 reader (ruamel.yaml).  Each must give the original string, after
compose's own `$$` -> `$` unescaping.  Exits 1 on the first mismatch class.
"""
import os
import subprocess
import sys
import tempfile

import yaml
from ruamel.yaml import YAML

TRICKY = [
    "no", "No", "NO", "yes", "Yes", "on", "On", "off", "OFF", "y", "n", "true", "False",
    "~", "null", "Null", "", " ", "0755", "0o17", "1e3", "1E3", "0x1F", "0b101", "12:30",
    "12:30:45", "1_000", ".5", "+1", "-1", "-.inf", ".NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
    ": x", "x: y", "# x", "x #y", "- x", "? x", "[x]", "{x}", "*x", "&x", "!x", "|", ">", "%x", "@x", "`x",
    "'quoted'", '"double"', " leading", "trailing ", "\ttab", "a\tb", "line\nbreak", "trailing newline\n",
    "\nleading newline", "two\n\nblank", "${VAR}", "$VAR", "$$", "pa$$word", "${VAR:-default}",
    "üñíçødé ✓ 日本", "emoji 🚀", "back\\slash", "<<", "=", "x" * 10000,
]


def orch_string(s):
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "$":
            out.append("\\$")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def main(orchc):
    work = tempfile.mkdtemp()
    src = os.path.join(work, "tricky.orch")
    with open(src, "w") as f:
        f.write("stack tricky {\n  service probe {\n    image = \"busybox:1.36\"\n")
        f.write("    command = [" + ", ".join(orch_string(s) for s in TRICKY) + "]\n")
        f.write("    env {\n")
        for i, s in enumerate(TRICKY):
            f.write(f"      V{i} = {orch_string(s)}\n")
        f.write("    }\n    labels {\n")
        for i, s in enumerate(TRICKY):
            f.write(f"      \"org.example.l{i}\" = {orch_string(s)}\n")
        f.write("    }\n  }\n}\n\ntarget compose { layout = single }\n")
    r = subprocess.run([orchc, "build", "-o", os.path.join(work, "out"), src], capture_output=True, text=True)
    if r.returncode != 0:
        print("orchc build failed:", r.stderr)
        return 1
    path = os.path.join(work, "out/compose/tricky/compose.yaml")
    text = open(path, encoding="utf-8").read()
    readers = {"YAML 1.1 (PyYAML)": yaml.safe_load(text), "YAML 1.2 (ruamel.yaml)": YAML(typ="safe").load(text)}
    bad = 0
    for reader, doc in readers.items():
        svc = doc["services"]["probe"]
        got = {
            "command": list(svc["command"]),
            "environment": [svc["environment"][f"V{i}"] for i in range(len(TRICKY))],
            "labels": [svc["labels"][f"org.example.l{i}"] for i in range(len(TRICKY))],
        }
        for where, values in got.items():
            for want, value in zip(TRICKY, values):
                if not isinstance(value, str) or value.replace("$$", "$") != want:
                    print(f"{reader}: {where}: {want[:40]!r} read back as {value!r:.60}")
                    bad += 1
    print(f"yaml round trip: {len(TRICKY)} strings x 3 places x {len(readers)} readers, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

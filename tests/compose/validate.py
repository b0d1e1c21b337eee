#!/usr/bin/python3
"""validate.py DIR... - checks compose file sets with their real consumers.

Each DIR is an output directory compose/<stack>/ of `orchc build`.  A copy
of it gets a .env made from .env.example (dummy values, REPO_BASE_DIR in a
scratch directory holding every build context), then:
  - every file validates against the compose specification's JSON schema
    (Debian docker-compose's compose_spec.json, python3-jsonschema);
  - `docker-compose -p STACK -f a -f b ... config -q` accepts the files together;
  - each pod file whose depends_on stays inside it is accepted alone.
Prints one line per problem; exits 1 if there was any.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import yaml

SCHEMA = "/usr/lib/python3/dist-packages/compose/config/compose_spec.json"


def dot_env(src, dst, repos):
    lines = []
    with open(os.path.join(src, ".env.example")) as f:
        for line in f:
            m = re.match(r"^#? ?([A-Z_][A-Z0-9_]*)=", line)
            if m and m.group(1) == "REPO_BASE_DIR":
                lines.append(f"REPO_BASE_DIR={repos}\n")
            elif m and not line.startswith("#"):
                lines.append(f"{m.group(1)}=dummy-value\n")
    with open(os.path.join(dst, ".env"), "w") as f:
        f.writelines(lines)


def main(dirs):
    validator = jsonschema.Draft201909Validator(json.load(open(SCHEMA)))
    problems = 0
    for d in dirs:
        work = tempfile.mkdtemp()
        try:
            stack = os.path.basename(os.path.normpath(d))
            copy = os.path.join(work, stack)
            shutil.copytree(d, copy)
            repos = os.path.join(work, "repos")
            dot_env(d, copy, repos)
            files = sorted(os.path.basename(f) for f in glob.glob(os.path.join(copy, "*.y*ml")))
            if not files:
                print(f"{d}: no compose files")
                problems += 1
                continue
            docs = {}
            for name in files:
                doc = yaml.safe_load(open(os.path.join(copy, name)))
                docs[name] = doc
                for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
                    print(f"{d}/{name}: schema: /{'/'.join(map(str, e.absolute_path))}: {e.message}")
                    problems += 1
                for svc in (doc.get("services") or {}).values():
                    build = svc.get("build")
                    if isinstance(build, dict):
                        ctx = re.sub(r"\$\{REPO_BASE_DIR[^}]*\}", repos, build["context"])
                        os.makedirs(os.path.join(copy, ctx), exist_ok=True)
            sets = [files]
            for name in files:
                services = set(docs[name].get("services") or {})
                deps = {dep for svc in services for dep in (docs[name]["services"][svc].get("depends_on") or {})}
                if len(files) > 1 and deps <= services:
                    sets.append([name])
            for group in sets:
                cmd = ["docker-compose", "-p", stack]
                for name in group:
                    cmd += ["-f", name]
                r = subprocess.run(cmd + ["config", "-q"], cwd=copy, capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"{d}: docker-compose {' '.join(cmd[3:])} config -q: {r.stderr.strip()}")
                    problems += 1
        finally:
            shutil.rmtree(work)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

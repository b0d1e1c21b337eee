#!/usr/bin/python3
"""tests/deploy/validate.py BUNDLE... - every bundle orchc writes for
orch-apply (DIR/deploy/<unit>.json) against the published JSON Schema
targets/schemas/orch-bundle.schema.json, and then what a schema cannot
say: every path that compose, migrations, wasm_modules and
device_deployments name is in `files` (with the same sha256, but for
compose files); `files` is sorted by path and names each path once; and
each file exists beside the bundle, at DIR/<path> where DIR is the parent
of deploy/, with the recorded sha256 and size.

Last, the schema must be able to fail: mutations of the first bundle it
accepts (bundle_version 2, a `..` path, an absolute path, an unknown key,
a bad sha256, ...) must each be rejected, so a schema that accepts
anything fails here.  Prints one line per problem, `BUNDLE: POINTER: MESSAGE`;
exits 1 if there was any."""
import copy
import hashlib
import json
import os
import sys

import jsonschema

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = os.path.join(TOP, "targets", "schemas", "orch-bundle.schema.json")


def load_schema():
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def pointer(parts):
    return "/".join(map(str, parts))


def message(err, doc):
    if err.validator == "maxItems" and err.validator_value == 0:
        return f"must be empty in a bundle of kind {doc.get('kind')!r}"
    return err.message[:200]


def control_characters(value, where=()):
    """Python's re lets `$` match before a final newline, so the schema's
    patterns alone would accept "NAME\\n"; no string of a bundle may hold
    a control character."""
    if isinstance(value, str):
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
            yield where, f"{value!r} holds a control character"
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from control_characters(k, where)
            yield from control_characters(v, where + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from control_characters(v, where + (i,))


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def consistency(bundle, doc):
    """The rules the schema cannot express; doc is valid against it."""
    files = doc["files"]
    paths = [f["path"] for f in files]
    for i in range(1, len(paths)):
        if paths[i] == paths[i - 1]:
            yield ("files", i, "path"), f"{paths[i]!r} is listed twice"
        elif paths[i] < paths[i - 1]:
            yield ("files", i, "path"), f"{paths[i]!r} comes after {paths[i - 1]!r}: files are not sorted by path"
    by_path = {f["path"]: f for f in files}

    expected = doc["kind"] + "-" + doc["name"].replace("/", ".")
    if doc["unit"] != expected:
        yield ("unit",), f"{doc['unit']!r} is not {expected!r}, the unit of {doc['kind']} {doc['name']!r}"
    if os.path.basename(bundle) != doc["unit"] + ".json":
        yield ("unit",), f"the bundle of unit {doc['unit']!r} is not named {doc['unit']}.json"

    def ref(where, path, sha256=None):
        f = by_path.get(path)
        if f is None:
            yield where, f"{path!r} is not in files"
        elif sha256 is not None and f["sha256"] != sha256:
            yield where, f"the sha256 of {path!r} is not the one in files"

    projects = set()
    for i, c in enumerate(doc["compose"]):
        if c["project"] in projects:
            yield ("compose", i, "project"), f"project {c['project']!r} appears twice"
        projects.add(c["project"])
        for j, path in enumerate(c["files"]):
            yield from ref(("compose", i, "files", j), path)

    dialects = set()
    for i, m in enumerate(doc["migrations"]):
        key = (m["database"], m["dialect"])
        if key in dialects:
            yield ("migrations", i), f"database {m['database']!r} has two {m['dialect']} entries"
        dialects.add(key)
        if "base_schema" in m:
            b = m["base_schema"]
            yield from ref(("migrations", i, "base_schema"), b["path"], b["sha256"])
        last = None
        for j, s in enumerate(m["steps"]):
            number = int(s["id"].split("_", 1)[0])
            if number == 0:
                yield ("migrations", i, "steps", j, "id"), f"{s['id']!r}: step numbers start at 1 (0000_base_schema is the base schema's)"
            if last is not None and number <= last:
                yield ("migrations", i, "steps", j, "id"), f"{s['id']!r} does not come after step {last:04d}: steps are not in order"
            last = number
            for d in ("up", "down"):
                yield from ref(("migrations", i, "steps", j, d), s[d]["path"], s[d]["sha256"])

    names = set()
    for i, w in enumerate(doc["wasm_modules"]):
        if w["name"] in names:
            yield ("wasm_modules", i, "name"), f"module {w['name']!r} appears twice"
        names.add(w["name"])
        yield from ref(("wasm_modules", i), w["path"], w["sha256"])

    deployments, ids = set(), set()
    for i, d in enumerate(doc["device_deployments"]):
        if d["deployment"] in deployments:
            yield ("device_deployments", i, "deployment"), f"deployment {d['deployment']!r} appears twice"
        if d["id"] in ids:
            yield ("device_deployments", i, "id"), f"id {d['id']} appears twice"
        deployments.add(d["deployment"])
        ids.add(d["id"])
        yield from ref(("device_deployments", i, "body"), d["body"]["path"], d["body"]["sha256"])

    # The files themselves, beside the bundle.
    root = os.path.dirname(os.path.dirname(os.path.abspath(bundle)))
    for i, f in enumerate(files):
        where = ("files", i)
        full = os.path.join(root, f["path"])
        if not os.path.isfile(full):
            yield where, f"{f['path']!r} does not exist beside the bundle (at {full})"
            continue
        size = os.path.getsize(full)
        if size != f["size"]:
            yield where, f"{f['path']!r} is {size} bytes, not {f['size']}"
        digest = sha256_of(full)
        if digest != f["sha256"]:
            yield where, f"the sha256 of {f['path']!r} is {digest}, not {f['sha256']}"

    # A deployment's id is the deploymentId of the body it POSTs.
    for i, d in enumerate(doc["device_deployments"]):
        full = os.path.join(root, d["body"]["path"])
        try:
            with open(full) as fp:
                body = json.load(fp)
        except (OSError, ValueError):
            continue  # a missing file is reported above; the body's own schema judges it
        if isinstance(body, dict) and body.get("deploymentId") not in (None, d["id"]):
            yield ("device_deployments", i, "id"), f"{d['id']} is not the deploymentId of the body, {body['deploymentId']}"


def mutations(good):
    """(what, document) pairs the schema must reject."""
    def mutate(what, change):
        doc = copy.deepcopy(good)
        if not doc["files"]:
            doc["files"].append({"path": "a", "sha256": "0" * 64, "size": 0, "mode": "0644"})
        change(doc)
        return what, doc

    def setf(key, value):
        return lambda doc: doc["files"][0].__setitem__(key, value)

    def setk(key, value):
        return lambda doc: doc.__setitem__(key, value)

    other_kind = {"stack": "catalog", "catalog": "device", "device": "stack"}[good["kind"]]
    return [
        mutate("bundle_version 2", setk("bundle_version", 2)),
        mutate("bundle_version \"1\"", setk("bundle_version", "1")),
        mutate("a path ../etc/passwd", setf("path", "../etc/passwd")),
        mutate("an absolute path /etc/passwd", setf("path", "/etc/passwd")),
        mutate("a path a/./b", setf("path", "a/./b")),
        mutate("a path a//b", setf("path", "a//b")),
        mutate("a path with a backslash", setf("path", "a\\b")),
        mutate("an unknown top-level key", setk("extra", True)),
        mutate("an unknown key in a file", setf("owner", "root")),
        mutate("a sha256 in upper case", setf("sha256", "A" * 64)),
        mutate("a sha256 of 63 digits", setf("sha256", "0" * 63)),
        mutate("mode 0777", setf("mode", "0777")),
        mutate("a negative size", setf("size", -1)),
        mutate("kind " + other_kind + " for unit " + good["unit"], setk("kind", other_kind)),
        mutate("an unknown kind", setk("kind", "pod")),
        mutate("a bundle without files", lambda doc: doc.pop("files")),
    ]


def main():
    if len(sys.argv) < 2:
        print("usage: validate.py BUNDLE...", file=sys.stderr)
        return 2
    validator = load_schema()
    failed = 0
    first = None
    for bundle in sys.argv[1:]:
        try:
            with open(bundle) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{bundle}: : {e}")
            failed += 1
            continue
        problems = [(err.absolute_path, message(err, doc)) for err in validator.iter_errors(doc)]
        if not problems and first is None:
            first = doc
        problems += list(control_characters(doc))
        if not problems:
            problems = list(consistency(bundle, doc))
        for where, text in problems:
            print(f"{bundle}: {pointer(where)}: {text}")
        failed += len(problems)
    # The schema must be able to fail: mutations of the first bundle it
    # accepts must each be rejected.
    if first is None:
        print("validate.py: no bundle is valid against the schema, so none shows that it can fail")
        return 1
    for what, doc in mutations(first):
        if validator.is_valid(doc):
            print(f"validate.py: the schema accepts {what}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

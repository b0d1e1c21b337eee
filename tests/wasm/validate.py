#!/usr/bin/python3
"""tests/wasm/validate.py FILE... - every document the wasm target writes
against the published JSON Schemas (targets/schemas/): manifest.json
against wasm-manifest, every other <device>.json against wasm-deploy.

First the schemas themselves must reject a document known to be wrong
(the `float` type the original system writes, a step without a device),
so a schema that accepts anything fails here.  Prints one line per
problem; exits 1 if there was any."""
import copy
import json
import os
import sys

import jsonschema

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_schema(name):
    with open(os.path.join(TOP, "targets", "schemas", name + ".schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def main():
    deploy, manifest = load_schema("wasm-deploy"), load_schema("wasm-manifest")
    failed = 0
    checked = {"deploy": None, "manifest": None}
    for path in sys.argv[1:]:
        with open(path) as f:
            doc = json.load(f)
        kind = "manifest" if os.path.basename(path) == "manifest.json" else "deploy"
        validator = manifest if kind == "manifest" else deploy
        for err in validator.iter_errors(doc):
            print(f"{path}: {'/'.join(map(str, err.absolute_path))}: {err.message[:200]}")
            failed += 1
        checked[kind] = doc
    # The schemas must be able to fail.
    body, man = checked["deploy"], checked["manifest"]
    if body is None or man is None:
        print("validate.py: needs at least one body and one manifest")
        return 1
    bad = copy.deepcopy(body)
    endpoint = next(iter(next(iter(bad["endpoints"].values())).values()))
    endpoint["response"]["schema"] = {"type": "float"}
    bad_man = copy.deepcopy(man)
    del bad_man["sequence"][0]["device"]
    for validator, doc, what in ((deploy, bad, "a float schema"), (manifest, bad_man, "a step without a device")):
        if validator.is_valid(doc):
            print(f"validate.py: the schema accepts {what}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

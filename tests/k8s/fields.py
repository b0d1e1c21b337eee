#!/usr/bin/python3
"""tests/k8s/fields.py FILE.yaml... - no unknown or misspelt field.

The Kubernetes JSON schema accepts any extra field, so a typo (`replica`,
`containerport`) would pass the schema check and be dropped by the API
server.  This walks every object along the field maps of the official
Python client's models (Debian python3-kubernetes: attribute_map and
openapi_types of V1Deployment, V1PodSpec, ...) and reports any key the
model does not have.  Exits 1 on the first file with a problem, after
printing every problem of it.
"""
import os
import re
import sys

import yaml
from kubernetes import client

# apiVersion/kind -> model class name.
MODELS = {
    ("v1", "Namespace"): "V1Namespace",
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "Service"): "V1Service",
    ("v1", "ServiceAccount"): "V1ServiceAccount",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
    ("apps/v1", "Deployment"): "V1Deployment",
    ("apps/v1", "StatefulSet"): "V1StatefulSet",
    ("batch/v1", "Job"): "V1Job",
    ("batch/v1", "CronJob"): "V1CronJob",
    ("networking.k8s.io/v1", "Ingress"): "V1Ingress",
    ("rbac.authorization.k8s.io/v1", "Role"): "V1Role",
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): "V1RoleBinding",
}

PRIMITIVE = {"str", "int", "bool", "float", "object", "datetime", "date"}


def walk(value, type_name, where, problems):
    if value is None or type_name in PRIMITIVE:
        return
    m = re.fullmatch(r"list\[(.+)\]", type_name)
    if m:
        for i, item in enumerate(value):
            walk(item, m.group(1), f"{where}[{i}]", problems)
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if m:
        for key, item in value.items():
            walk(item, m.group(1), f"{where}.{key}", problems)
        return
    model = getattr(client, type_name, None)
    if model is None:
        problems.append(f"{where}: no model {type_name}")
        return
    if not isinstance(value, dict):
        problems.append(f"{where}: a {type_name} must be a map")
        return
    by_json = {json_key: attr for attr, json_key in model.attribute_map.items()}
    for key, item in value.items():
        if key not in by_json:
            problems.append(f"{where}: unknown field '{key}' of {type_name}")
            continue
        walk(item, model.openapi_types[by_json[key]], f"{where}.{key}", problems)


def main(files):
    checked = 0
    for path in files:
        if os.path.basename(path) == "kustomization.yaml":
            continue
        with open(path) as f:
            for obj in yaml.safe_load_all(f):
                checked += 1
                problems = []
                name = MODELS.get((obj.get("apiVersion"), obj.get("kind")))
                if name is None:
                    problems.append(f"no field map for {obj.get('apiVersion')} {obj.get('kind')}")
                else:
                    walk(obj, name, obj["kind"], problems)
                for p in problems:
                    print(f"{path}: {p}")
                if problems:
                    return 1
    print(f"{checked} objects, every field known")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

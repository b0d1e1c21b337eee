#!/usr/bin/env node
// tests/k8s/validate.js FILE.yaml... - every Kubernetes object in the files
// against the JSON schema of its apiVersion and kind (the precompiled
// validators of the npm package kubernetes-models, from the Kubernetes
// OpenAPI schema): types, required fields, enum values.  A kind it does not
// know is a failure.  Prints one line per problem and "N objects, M failed";
// exits 1 when any object fails.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

function modelFor(apiVersion, kind) {
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind)) return null;
  try {
    return require(`kubernetes-models/${apiVersion}/${kind}`)[kind] || null;
  } catch (e) {
    return null;
  }
}

let total = 0, failed = 0;
for (const file of process.argv.slice(2)) {
  if (path.basename(file) === 'kustomization.yaml') continue; // not an object of the API
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  for (const doc of docs) {
    total++;
    if (doc.errors.length) {
      failed++;
      console.log(`${file}: YAML: ${doc.errors[0].message}`);
      continue;
    }
    const obj = doc.toJS();
    const Model = modelFor(String(obj.apiVersion), String(obj.kind));
    if (!Model) {
      failed++;
      console.log(`${file}: unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      failed++;
      for (const er of e.errors || [{ instancePath: '', message: e.message }])
        console.log(`${file}: ${er.instancePath || '/'} ${er.message}` +
                    (er.params && er.params.allowedValues ? ` ${JSON.stringify(er.params.allowedValues)}` : ''));
    }
  }
}
console.log(`${total} objects, ${failed} failed`);
process.exit(failed ? 1 : 0);

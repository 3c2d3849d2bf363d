import { readFileSync, statSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './types.js';

/** Parsed files by path, size and mtime: the upjet CRDs are 600 KB each and worlds restart servers often. */
const parsed = new Map<string, { stamp: string; crds: KubeObject[] }>();

function parseCrdFile(file: string): KubeObject[] {
  const stat = statSync(file);
  const stamp = `${stat.size}:${stat.mtimeMs}`;
  const cached = parsed.get(file);
  if (cached?.stamp === stamp) return cached.crds;
  const crds: KubeObject[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const value = doc.toJS({ maxAliasCount: -1 }) as unknown;
    if (value && typeof value === 'object' && (value as KubeObject).kind === 'CustomResourceDefinition' && String((value as KubeObject).apiVersion).startsWith('apiextensions.k8s.io/')) {
      crds.push(value as KubeObject);
    }
  }
  parsed.set(file, { stamp, crds });
  return crds;
}

/**
 * The CustomResourceDefinitions of multi-document YAML files; other documents are skipped. The
 * returned objects are shared between calls: the store copies what it keeps, callers must not mutate.
 */
export function readCrdFiles(files: string[]): KubeObject[] {
  return files.flatMap(parseCrdFile);
}

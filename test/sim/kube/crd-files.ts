import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './types.js';

/** The CustomResourceDefinitions of multi-document YAML files; other documents are skipped. */
export function readCrdFiles(files: string[]): KubeObject[] {
  const crds: KubeObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = doc.toJS({ maxAliasCount: -1 }) as unknown;
      if (value && typeof value === 'object' && (value as KubeObject).kind === 'CustomResourceDefinition' && String((value as KubeObject).apiVersion).startsWith('apiextensions.k8s.io/')) {
        crds.push(value as KubeObject);
      }
    }
  }
  return crds;
}

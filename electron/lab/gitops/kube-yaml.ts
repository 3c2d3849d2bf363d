/**
 * Manifests read as Kubernetes reads them. kubectl, the API server and Flux decode YAML with
 * sigs.k8s.io/yaml (go-yaml v2, YAML 1.1): `deletionProtection: no` is the boolean false there,
 * not the string "no", and a plain scalar Go cannot parse as a float (`0123e4567890`) stays a
 * string. A guard that read YAML 1.2 would refuse files Kubernetes accepts, and the reverse.
 */
import { parseAllDocuments, visit, type Document } from 'yaml';

const INFINITY = /^[-+]?\.inf$/i;

export function parseKubeYaml(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, { schema: 'yaml-1.1' });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    visit(doc, {
      Scalar(_key, node) {
        if (node.type === 'PLAIN' && typeof node.value === 'number' && !Number.isFinite(node.value) && node.source && !INFINITY.test(node.source)) node.value = node.source;
      },
    });
  }
  return list as Document.Parsed[];
}

/**
 * YAML as Kubernetes reads it: kubectl, the API server and Flux's controllers decode manifests
 * with sigs.k8s.io/yaml, which is go-yaml v2, a YAML 1.1 reader (`yes` is true, `012` is 10).
 * One more difference from the `yaml` library: go-yaml takes a plain scalar for a float only when
 * Go's ParseFloat accepts it, so one that overflows (`0123e4567890`, a session id in hex) stays
 * a string, where JavaScript would make it Infinity and JSON would make that null.
 */
import { parseAllDocuments, visit } from 'yaml';

const INFINITY = /^[-+]?\.inf$/i;

/** The documents of a multi-document YAML text, empty ones left out. */
export function parseGoYamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text, { schema: 'yaml-1.1' })
    .map((doc) => {
      visit(doc, {
        Scalar(_key, node) {
          if (node.type === 'PLAIN' && typeof node.value === 'number' && !Number.isFinite(node.value) && node.source && !INFINITY.test(node.source)) node.value = node.source;
        },
      });
      return doc.toJS({ maxAliasCount: -1 }) as unknown;
    })
    .filter((value) => value !== null && value !== undefined);
}

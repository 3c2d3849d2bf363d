/**
 * Writes manifests the way the scaffold commits them: one leading comment saying what the file
 * is for, documents separated by `---`, and YAML 1.1 quoting so values such as `yes`, `no`,
 * `on`, `off`, `y`, `n` stay strings for kubectl's YAML 1.1 reader.
 */
import { Document } from 'yaml';

export function yamlFile(comment: string, ...documents: object[]): string {
  if (documents.length === 0) throw new Error('a manifest file needs at least one document');
  return documents
    .map((value, index) => {
      const doc = new Document(value, { version: '1.1' });
      if (index === 0 && doc.contents) doc.contents.commentBefore = ` ${comment}`;
      return (index === 0 ? '' : '---\n') + doc.toString({ lineWidth: 0 });
    })
    .join('');
}

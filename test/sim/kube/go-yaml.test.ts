import { describe, expect, it } from 'vitest';
import { parseGoYamlDocuments } from './go-yaml';

describe('parseGoYamlDocuments', () => {
  it('reads YAML 1.1 as go-yaml v2 does, keeping a plain scalar that overflows a float as a string', () => {
    const [doc] = parseGoYamlDocuments('labels:\n  lab: 0123e4567890\n  exp: 1e5\n  quoted: "0123e4567890"\nflag: yes\noctal: 012\ninf: .inf\n');
    expect(doc).toEqual({ labels: { lab: '0123e4567890', exp: 100000, quoted: '0123e4567890' }, flag: true, octal: 10, inf: Infinity });
  });

  it('leaves out empty documents', () => {
    expect(parseGoYamlDocuments('---\n---\na: 1\n---\n')).toEqual([{ a: 1 }]);
  });
});

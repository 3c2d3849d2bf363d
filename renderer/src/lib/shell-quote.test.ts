import { describe, expect, it } from 'vitest';
import { formatCommand, quoteArg } from './shell-quote';

describe('quoteArg', () => {
  it('leaves plain words, flags and paths alone', () => {
    expect(quoteArg('--context=k3d-crossplane')).toBe('--context=k3d-crossplane');
    expect(quoteArg('clusters/k3d-crossplane')).toBe('clusters/k3d-crossplane');
  });

  it('single-quotes arguments with shell syntax, escaping single quotes', () => {
    expect(quoteArg('jsonpath={.status.loadBalancer.ingress[0].ip}')).toBe("'jsonpath={.status.loadBalancer.ingress[0].ip}'");
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg('')).toBe("''");
  });

  it('keeps $NAME placeholders expandable', () => {
    expect(quoteArg('--owner=$GITHUB_USER')).toBe('--owner=$GITHUB_USER');
    expect(quoteArg('Authorization: Bearer $GITHUB_TOKEN')).toBe('"Authorization: Bearer $GITHUB_TOKEN"');
    expect(quoteArg('a "b" $X `c` \\')).toBe('"a \\"b\\" $X \\`c\\` \\\\"');
  });

  it('escapes a lone dollar inside double quotes', () => {
    expect(quoteArg('cost $5 for $USER')).toBe('"cost \\$5 for $USER"');
  });
});

describe('formatCommand', () => {
  it('shows a pipeline and a redirect as the tutorial writes them', () => {
    const text = formatCommand({
      pipeFrom: ['kubectl', 'create', 'secret', 'generic', 'foobar', '--dry-run=client', '-o', 'yaml'],
      argv: ['kubeseal', '--format', 'yaml'],
      outputFile: 'infra/sealed secret.yaml',
    });
    expect(text).toBe("kubectl create secret generic foobar --dry-run=client -o yaml | kubeseal --format yaml > 'infra/sealed secret.yaml'");
  });
});

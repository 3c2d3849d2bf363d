import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { setListEntryCommented, setListEntryCommentedInText } from './kustomization-edit';
import { customResourcesKustomization, scaffoldFiles } from './scaffold';
import { tempDir, testInputs } from './test-helpers';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((remove) => remove()));

const edited = `# GCP resources Crossplane manages.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  # the network comes first
  - network.yaml
  # the cluster itself
  - cluster.yaml # this one costs money
  - nodepool.yaml
`;

describe('setListEntryCommented', () => {
  it('comments out - cluster.yaml keeping the other comments and the order', () => {
    const out = setListEntryCommentedInText(edited, 'cluster.yaml', true);
    expect(out).toBe(`# GCP resources Crossplane manages.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  # the network comes first
  - network.yaml
  # the cluster itself
  # - cluster.yaml # this one costs money
  - nodepool.yaml
`);
    expect(parseDocument(out).toJS().resources).toEqual(['network.yaml', 'nodepool.yaml']);
  });

  it('comments the last entry out and back in', () => {
    const out = setListEntryCommentedInText(edited, 'nodepool.yaml', true);
    expect(out).toContain('  # - nodepool.yaml\n');
    expect(parseDocument(out).toJS().resources).toEqual(['network.yaml', 'cluster.yaml']);
    expect(setListEntryCommentedInText(out, 'nodepool.yaml', false)).toBe(edited);
  });

  it('restores the entry where it was, with its comments', () => {
    const out = setListEntryCommentedInText(edited, 'cluster.yaml', true);
    expect(setListEntryCommentedInText(out, 'cluster.yaml', false)).toBe(edited);
  });

  it('is a no-op when the entry is already as asked, and refuses an unknown entry', () => {
    expect(setListEntryCommentedInText(edited, 'cluster.yaml', false)).toBe(edited);
    const out = setListEntryCommentedInText(edited, 'cluster.yaml', true);
    expect(setListEntryCommentedInText(out, 'cluster.yaml', true)).toBe(out);
    expect(() => setListEntryCommentedInText(edited, 'firewall.yaml', true)).toThrow('resources has no entry firewall.yaml');
  });

  it('edits the scaffold file on disk: the file comment stays, only the entry changes', async () => {
    const tmp = tempDir('kedit-');
    cleanups.push(tmp.remove);
    const inputs = testInputs();
    const file = path.join(tmp.dir, 'kustomization.yaml');
    const original = scaffoldFiles(inputs).get(customResourcesKustomization(inputs))!;
    writeFileSync(file, original);
    expect(await setListEntryCommented(file, 'cluster.yaml', true)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(original.split('\n')[0]);
    expect(text).toContain('  # - cluster.yaml\n  - nodepool.yaml\n');
    expect(await setListEntryCommented(file, 'cluster.yaml', false)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(original);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunner } from '../run/runner';
import { customResourcesKustomization, sealedSecretPaths, scaffoldFiles } from './scaffold';
import { setListEntryCommented } from './kustomization-edit';
import { tempDir, testInputs } from './test-helpers';
import { unifiedDiff } from './unified-diff';
import { SCAFFOLD_RECORD, ScaffoldConflictError, UncommittedChangesError, writeScaffold } from './write';

const runner = createRunner({ loginShell: false });
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((remove) => remove()));

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' };

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
}

function clone(): string {
  const tmp = tempDir('scaffold-write-');
  cleanups.push(tmp.remove);
  git(tmp.dir, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(tmp.dir, 'README.md'), '# devflux\n');
  git(tmp.dir, 'add', '.');
  git(tmp.dir, 'commit', '-q', '-m', 'initial');
  return tmp.dir;
}

function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

const inputs = testInputs();
const clusterFile = 'infrastructure/k3d-crossplane/custom-resources/crossplane/cluster.yaml';

describe('writeScaffold', () => {
  it('writes every file and records their hashes; a rerun writes nothing', async () => {
    const dir = clone();
    const first = await writeScaffold(dir, inputs, { runner });
    const expected = scaffoldFiles(inputs);
    expect(first.written.sort()).toEqual([...expected.keys()].sort());
    expect(first.conflicts).toEqual([]);
    expect(readFileSync(path.join(dir, clusterFile), 'utf8')).toBe(expected.get(clusterFile));
    const record = JSON.parse(readFileSync(path.join(dir, SCAFFOLD_RECORD), 'utf8'));
    expect(Object.keys(record.files).sort()).toEqual([...expected.keys()].sort());
    commitAll(dir, 'scaffold');

    const second = await writeScaffold(dir, inputs, { runner });
    expect(second.written).toEqual([]);
    expect(second.unchanged).toHaveLength(expected.size);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('updates files the app wrote when the inputs change', async () => {
    const dir = clone();
    await writeScaffold(dir, inputs, { runner });
    commitAll(dir, 'scaffold');
    const result = await writeScaffold(dir, testInputs({ dataplaneV2: true }), { runner });
    expect(result.written).toEqual([clusterFile]);
    expect(readFileSync(path.join(dir, clusterFile), 'utf8')).toContain('datapathProvider: ADVANCED_DATAPATH');
  });

  it('never overwrites a file the person edited: the conflict carries a diff, nothing is written', async () => {
    const dir = clone();
    await writeScaffold(dir, inputs, { runner });
    commitAll(dir, 'scaffold');
    const edited = readFileSync(path.join(dir, clusterFile), 'utf8').replace('location: europe-west9-a', 'location: europe-west1-b');
    writeFileSync(path.join(dir, clusterFile), edited);
    commitAll(dir, 'my own zone');

    const result = await writeScaffold(dir, testInputs({ dataplaneV2: true }), { runner });
    expect(result.written).toEqual([]);
    expect(result.conflicts).toHaveLength(1);
    expect(result.conflicts[0]).toMatchObject({ file: clusterFile, reason: 'edited' });
    expect(result.conflicts[0]!.diff).toContain(`--- a/${clusterFile}`);
    expect(result.conflicts[0]!.diff).toContain('-    location: europe-west1-b');
    expect(result.conflicts[0]!.diff).toContain('+    location: europe-west9-a');
    expect(result.conflicts[0]!.diff).toContain('+    datapathProvider: ADVANCED_DATAPATH');
    expect(readFileSync(path.join(dir, clusterFile), 'utf8')).toBe(edited);

    await expect(writeScaffold(dir, inputs, { runner, headless: true })).rejects.toThrow(new RegExp(`refusing to overwrite files changed outside the app: ${clusterFile}`));
    await expect(writeScaffold(dir, inputs, { runner, headless: true })).rejects.toBeInstanceOf(ScaffoldConflictError);

    const kept = await writeScaffold(dir, inputs, { runner, keep: [clusterFile] });
    expect(kept.kept).toEqual([clusterFile]);
    expect(readFileSync(path.join(dir, clusterFile), 'utf8')).toBe(edited);
    const replaced = await writeScaffold(dir, inputs, { runner, overwrite: [clusterFile] });
    expect(replaced.written).toEqual([clusterFile]);
    expect(readFileSync(path.join(dir, clusterFile), 'utf8')).toBe(scaffoldFiles(inputs).get(clusterFile));
  });

  it('treats a deleted file and a file it never wrote as conflicts', async () => {
    const dir = clone();
    const theirs = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';
    writeFileSync(path.join(dir, 'README.md'), '# devflux\n');
    const security = 'security/k3d-crossplane/kustomization.yaml';
    execFileSync('mkdir', ['-p', path.join(dir, 'security/k3d-crossplane')]);
    writeFileSync(path.join(dir, security), theirs);
    commitAll(dir, 'my own security overlay');
    const first = await writeScaffold(dir, inputs, { runner });
    expect(first.conflicts.map((c) => [c.file, c.reason])).toEqual([[security, 'not-written-by-the-app']]);
    expect(existsSync(path.join(dir, clusterFile))).toBe(false);

    await writeScaffold(dir, inputs, { runner, overwrite: [security] });
    commitAll(dir, 'scaffold');
    rmSync(path.join(dir, clusterFile));
    commitAll(dir, 'no cluster');
    const second = await writeScaffold(dir, inputs, { runner });
    expect(second.conflicts.map((c) => [c.file, c.reason])).toEqual([[clusterFile, 'deleted']]);
    expect(second.conflicts[0]!.diff).toMatch(/^--- \/dev\/null\n\+\+\+ b\//);
  });

  it('refuses to write over uncommitted changes, but not over its own uncommitted writes', async () => {
    const dir = clone();
    await writeScaffold(dir, inputs, { runner });
    // Not committed yet (the push step failed, say): the rerun still works.
    expect((await writeScaffold(dir, inputs, { runner })).conflicts).toEqual([]);
    commitAll(dir, 'scaffold');
    writeFileSync(path.join(dir, clusterFile), '# half-edited\n');
    const attempt = writeScaffold(dir, inputs, { runner });
    await expect(attempt).rejects.toBeInstanceOf(UncommittedChangesError);
    await expect(writeScaffold(dir, inputs, { runner })).rejects.toThrow(`uncommitted changes to files the scaffold writes: ${clusterFile}`);
  });

  it('lists a sealed file in its kustomization once the sealing step wrote it', async () => {
    const dir = clone();
    await writeScaffold(dir, inputs, { runner });
    commitAll(dir, 'scaffold');
    const sealed = sealedSecretPaths(inputs).gcpCreds;
    writeFileSync(path.join(dir, sealed), 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: gcp-creds\n');
    const result = await writeScaffold(dir, inputs, { runner });
    expect(result.written).toEqual([path.posix.join(path.posix.dirname(sealed), 'kustomization.yaml')]);
    expect(readFileSync(path.join(dir, path.dirname(sealed), 'kustomization.yaml'), 'utf8')).toContain('- sealedsecret.yaml');
  });

  it('keeps the cleanup edit (commented-out cluster.yaml) as a change the app will not undo', async () => {
    const dir = clone();
    await writeScaffold(dir, inputs, { runner });
    commitAll(dir, 'scaffold');
    const file = path.join(dir, customResourcesKustomization(inputs));
    expect(await setListEntryCommented(file, 'cluster.yaml', true)).toBe(true);
    commitAll(dir, 'delete the GKE cluster');
    await expect(writeScaffold(dir, inputs, { runner, headless: true })).rejects.toThrow(customResourcesKustomization(inputs));
  });
});

describe('unifiedDiff', () => {
  it('shows changed lines with context and correct hunk ranges', () => {
    const before = 'abcdefghijkl'.split('').join('\n') + '\n';
    const after = 'abcDefghijklm'.split('').join('\n') + '\n';
    expect(unifiedDiff('f.txt', before, after)).toBe(
      ['--- a/f.txt', '+++ b/f.txt', '@@ -1,7 +1,7 @@', ' a', ' b', ' c', '-d', '+D', ' e', ' f', ' g', '@@ -10,3 +10,4 @@', ' j', ' k', ' l', '+m', ''].join('\n'),
    );
    // Changes six lines apart share one hunk, as diff -U3 prints them.
    expect(unifiedDiff('f.txt', 'abcdefghij'.split('').join('\n'), 'abcDefghiJ'.split('').join('\n')).split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,10 +1,10 @@']);
    expect(unifiedDiff('f.txt', before, before)).toBe('');
  });
});

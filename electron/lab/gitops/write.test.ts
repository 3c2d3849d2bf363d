import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunner } from '../run/runner';
import { customResourcesKustomization, sealedSecretPaths, scaffoldFiles } from './scaffold';
import { setListEntryCommented } from './kustomization-edit';
import { tempDir, testInputs } from './test-helpers';
import { unifiedDiff } from './unified-diff';
import { SCAFFOLD_RECORD, ScaffoldConflictError, UncommittedChangesError, versionHash, writeScaffold } from './write';

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

    const answer = { file: clusterFile, sha256: versionHash(edited) };
    const kept = await writeScaffold(dir, inputs, { runner, keep: [answer] });
    expect(kept.kept).toEqual([clusterFile]);
    expect(readFileSync(path.join(dir, clusterFile), 'utf8')).toBe(edited);
    const replaced = await writeScaffold(dir, inputs, { runner, replace: [answer] });
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

    await writeScaffold(dir, inputs, { runner, replace: [{ file: security, sha256: versionHash(theirs) }] });
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

describe('writeScaffold with the person\'s answers', () => {
  const security = 'security/base/sealed-secrets/helmrelease.yaml';

  /** A scaffolded, committed clone in which the person edited two files and committed them. */
  async function editedClone(): Promise<{ dir: string; mine: Record<string, string> }> {
    const dir = clone();
    await writeScaffold(dir, inputs, { runner });
    commitAll(dir, 'scaffold');
    const mine: Record<string, string> = {};
    for (const file of [clusterFile, security]) {
      mine[file] = readFileSync(path.join(dir, file), 'utf8') + '# tuned by hand\n';
      writeFileSync(path.join(dir, file), mine[file]);
    }
    commitAll(dir, 'my tuning');
    return { dir, mine };
  }

  it('offers each file with the hash of the person\'s version and where it would be kept', async () => {
    const { dir, mine } = await editedClone();
    const result = await writeScaffold(dir, inputs, { runner });
    const byFile = Object.fromEntries(result.conflicts.map((c) => [c.file, [c.sha256, c.backup]]));
    expect(byFile).toEqual({
      [security]: [versionHash(mine[security]), `${security}.mine`],
      [clusterFile]: [versionHash(mine[clusterFile]), `${clusterFile}.mine`],
    });
    expect(result.conflicts.find((c) => c.file === security)!.diff).toContain('-# tuned by hand');
  });

  it('keeps one file and replaces the other, backing the person\'s version up beside it', async () => {
    const { dir, mine } = await editedClone();
    const result = await writeScaffold(dir, inputs, {
      runner,
      keep: [{ file: clusterFile, sha256: versionHash(mine[clusterFile]) }],
      replace: [{ file: security, sha256: versionHash(mine[security]) }],
    });
    expect(result.conflicts).toEqual([]);
    expect(result.kept).toEqual([clusterFile]);
    expect(result.replaced).toEqual([{ file: security, backup: `${security}.mine` }]);
    expect(readFileSync(path.join(dir, clusterFile), 'utf8')).toBe(mine[clusterFile]);
    expect(readFileSync(path.join(dir, security), 'utf8')).toBe(scaffoldFiles(inputs).get(security));
    // Nothing lost: the replaced version is in the backup file and in the clone's history.
    expect(readFileSync(path.join(dir, `${security}.mine`), 'utf8')).toBe(mine[security]);
    expect(git(dir, 'show', `HEAD:${security}`)).toBe(mine[security]);
    // The replaced file is the app's again (a later input change updates it); the kept one is not.
    commitAll(dir, 'answers');
    const again = await writeScaffold(dir, inputs, { runner, keep: [{ file: clusterFile, sha256: versionHash(mine[clusterFile]) }] });
    expect(again.conflicts).toEqual([]);
    expect(again.kept).toEqual([clusterFile]);
    expect(again.written).toEqual([]);
  });

  it('asks again when the file changed after the answer, and writes nothing meanwhile', async () => {
    const { dir, mine } = await editedClone();
    const stale = { file: security, sha256: versionHash(mine[security]) };
    const changedAgain = mine[security] + '# and again\n';
    writeFileSync(path.join(dir, security), changedAgain);
    commitAll(dir, 'more tuning');
    for (const answer of [{ keep: [stale] }, { replace: [stale] }]) {
      const result = await writeScaffold(dir, inputs, { runner, ...answer, keep: [...(answer.keep ?? []), { file: clusterFile, sha256: versionHash(mine[clusterFile]) }] });
      expect(result.conflicts.map((c) => [c.file, c.sha256])).toEqual([[security, versionHash(changedAgain)]]);
      expect(result.written).toEqual([]);
      expect(readFileSync(path.join(dir, security), 'utf8')).toBe(changedAgain);
      expect(existsSync(path.join(dir, `${security}.mine`))).toBe(false);
    }
    // Two contradicting answers for one version are no answer.
    const both = { file: security, sha256: versionHash(changedAgain) };
    expect((await writeScaffold(dir, inputs, { runner, keep: [both], replace: [both] })).conflicts.map((c) => c.file)).toContain(security);
  });

  it('never writes a backup over an earlier one with other content', async () => {
    const { dir, mine } = await editedClone();
    writeFileSync(path.join(dir, `${security}.mine`), 'an older backup\n');
    const offered = await writeScaffold(dir, inputs, { runner });
    expect(offered.conflicts.find((c) => c.file === security)!.backup).toBe(`${security}.mine-2`);
    await writeScaffold(dir, inputs, {
      runner,
      keep: [{ file: clusterFile, sha256: versionHash(mine[clusterFile]) }],
      replace: [{ file: security, sha256: versionHash(mine[security]) }],
    });
    expect(readFileSync(path.join(dir, `${security}.mine`), 'utf8')).toBe('an older backup\n');
    expect(readFileSync(path.join(dir, `${security}.mine-2`), 'utf8')).toBe(mine[security]);
  });

  it('answers for a deleted file: keep leaves it deleted, replace restores it without a backup', async () => {
    const dir = clone();
    await writeScaffold(dir, inputs, { runner });
    commitAll(dir, 'scaffold');
    rmSync(path.join(dir, clusterFile));
    commitAll(dir, 'no cluster');
    const [conflict] = (await writeScaffold(dir, inputs, { runner })).conflicts;
    expect(conflict).toMatchObject({ file: clusterFile, reason: 'deleted', sha256: 'absent' });
    expect(conflict!.backup).toBeUndefined();
    const kept = await writeScaffold(dir, inputs, { runner, keep: [{ file: clusterFile, sha256: 'absent' }] });
    expect(kept.kept).toEqual([clusterFile]);
    expect(existsSync(path.join(dir, clusterFile))).toBe(false);
    const restored = await writeScaffold(dir, inputs, { runner, replace: [{ file: clusterFile, sha256: 'absent' }] });
    expect(restored.replaced).toEqual([{ file: clusterFile }]);
    expect(readFileSync(path.join(dir, clusterFile), 'utf8')).toBe(scaffoldFiles(inputs).get(clusterFile));
  });

  it('headless: the error names the files and gives the lab.yaml entries to paste', async () => {
    const { dir, mine } = await editedClone();
    const refusal = await writeScaffold(dir, inputs, { runner, headless: true }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ScaffoldConflictError);
    const error = refusal as ScaffoldConflictError;
    expect(error.message).toContain(clusterFile);
    expect(error.message).toContain(security);
    expect(error.hint).toContain('scaffold.keep');
    expect(error.hint).toContain('scaffold.replace');
    expect(error.hint).toContain(`    - file: ${security}\n      sha256: ${versionHash(mine[security])}`);
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

/**
 * The scaffold step run by the real engine against a temporary git remote (a bare repository on
 * disk) with the real git and kubectl: a person edits two scaffold files elsewhere and pushes;
 * the step fails with each file's diff, the person answers per file through the inputs, the retry
 * keeps one, replaces the other (theirs backed up), pushes, and counts as done. Only `flux
 * reconcile` is answered by the test's runner, since there is no cluster here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepState } from '../../api/contract';
import type { PartialLabInputs } from '../../api/inputs';
import { openLedger } from '../cleanup/ledger';
import { createEngine, type Engine } from '../engine/index';
import { scaffoldFiles } from '../gitops/scaffold';
import { tempDir, testInputs } from '../gitops/test-helpers';
import { versionHash } from '../gitops/write';
import { steps as catalogue } from '../plan/catalogue';
import { createRunner } from '../run/runner';
import type { CommandRunner } from '../engine/ports';
import { scaffoldStep } from './scaffold';

const CLUSTER = 'infrastructure/k3d-crossplane/custom-resources/crossplane/cluster.yaml';
const RELEASE = 'security/base/sealed-secrets/helmrelease.yaml';

const tmp = tempDir('scaffold-step-');
const origin = path.join(tmp.dir, 'origin.git');
const workspace = path.join(tmp.dir, 'devflux');
const elsewhere = path.join(tmp.dir, 'elsewhere');
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${process.env.LAB_KUBE_TOOLS ?? ''}:${process.env.PATH ?? ''}`,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.test',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.test',
};
const SECRET_LOOKALIKE = 'not-really-a-password-4711';
const engines: Engine[] = [];
let dataDirs = 0;
/** One lab session across the fresh data folders: its id labels the cloud resources in the scaffold. */
const ledger = openLedger(path.join(tmp.dir, 'session'));

function git(...args: string[]): string {
  return execFileSync('git', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The real runner, except that `flux reconcile` (there is no cluster) succeeds at once. */
function testRunner(): CommandRunner {
  const real = createRunner({ baseEnv: env, loginShell: false });
  return {
    run: (spec, listener) =>
      spec.argv[0] === 'flux' ? Promise.resolve({ exitCode: 0, stdout: '', stderr: '', executable: 'flux', durationMs: 0 }) : real.run(spec, listener),
  };
}

const base = testInputs();
const inputs: PartialLabInputs = { github: base.github, gcp: base.gcp, clusters: base.clusters, workspaceDir: workspace };

async function engineWith(scaffold: PartialLabInputs['scaffold'] = {}): Promise<Engine> {
  const info = catalogue.find((s) => s.id === 'scaffold')!;
  const step = { ...scaffoldStep(info, {}), dependsOn: [] };
  const engine = createEngine({ dataDir: path.join(tmp.dir, `data-${++dataDirs}`), env, steps: [step], runner: testRunner(), logWindowMs: 1, ledger });
  engines.push(engine);
  await engine.start();
  expect((await engine.setInputs({ inputs: { ...inputs, scaffold } })).ok).toBe(true);
  return engine;
}

async function runScaffold(engine: Engine): Promise<StepState> {
  await engine.runStep({ stepId: 'scaffold' });
  await engine.whenIdle();
  return (await engine.getSnapshot({})).steps.scaffold!;
}

/** Edits files in another clone and pushes, as a person working on GitHub would; the lab's clone pulls. */
function pushEdits(edits: Record<string, (text: string) => string>): Record<string, string> {
  git('-C', elsewhere, 'pull', '-q', '--ff-only');
  const out: Record<string, string> = {};
  for (const [file, edit] of Object.entries(edits)) {
    out[file] = edit(readFileSync(path.join(elsewhere, file), 'utf8'));
    writeFileSync(path.join(elsewhere, file), out[file]);
  }
  git('-C', elsewhere, 'commit', '-qam', 'Tuned by hand');
  git('-C', elsewhere, 'push', '-q', 'origin', 'main');
  git('-C', workspace, 'pull', '-q', '--ff-only');
  return out;
}

/** The step's check finds its outcome: it succeeds without writing, committing or pushing. */
async function expectAlreadyDone(engine: Engine): Promise<void> {
  expect(await runScaffold(engine)).toMatchObject({ status: 'succeeded' });
  expect((await engine.readLog({ stepId: 'scaffold', offset: 0, maxBytes: 1_000_000 })).text).toContain('Already done');
  const ran = (await engine.getJournal({})).entries.map((e) => e.argv.join(' '));
  expect(ran.filter((argv) => / (commit|push) /.test(argv))).toEqual([]);
}

const onRemote = (file: string): string => git('-C', workspace, 'show', `origin/main:${file}`);
const remoteHead = (): string => git('ls-remote', origin, 'refs/heads/main');

beforeAll(() => {
  git('init', '-q', '--bare', '-b', 'main', origin);
  git('clone', '-q', origin, workspace);
  writeFileSync(path.join(workspace, 'README.md'), '# devflux\n');
  git('-C', workspace, 'add', 'README.md');
  git('-C', workspace, 'commit', '-qm', 'initial');
  git('-C', workspace, 'push', '-q', 'origin', 'main');
  git('clone', '-q', origin, elsewhere);
});

afterAll(async () => {
  for (const engine of engines) await engine.close();
  tmp.remove();
});

describe('the scaffold step when the person changed scaffold files', () => {
  let mine: Record<string, string>;

  it('scaffolds and pushes; then a rerun finds it done', async () => {
    expect(await runScaffold(await engineWith())).toMatchObject({ status: 'succeeded' });
    expect(onRemote(CLUSTER)).toBe(scaffoldFiles(base, { session: ledger.sessionId }).get(CLUSTER));
    await expectAlreadyDone(await engineWith());
  });

  it('fails with each changed file, its diff and the hash of the person\'s version; pushes nothing', async () => {
    mine = pushEdits({
      [CLUSTER]: (text) => text.replace('location: europe-west9-a', 'location: europe-west1-b'),
      [RELEASE]: (text) => `${text}# tuned by hand, see ${SECRET_LOOKALIKE}\n`,
    });
    const before = remoteHead();
    const engine = await engineWith();
    // A value the person gave as a secret is masked in the diff like in any error.
    await engine.setSecret({ name: 'GRAFANA_ADMIN_PASSWORD', value: SECRET_LOOKALIKE });
    const state = await runScaffold(engine);
    expect(state.status).toBe('failed');
    expect(state.error?.message).toMatch(/^refusing to overwrite files changed outside the app: /);
    const conflicts = Object.fromEntries((state.error?.conflicts ?? []).map((c) => [c.file, c]));
    expect(Object.keys(conflicts).sort()).toEqual([CLUSTER, RELEASE].sort());
    expect(conflicts[CLUSTER]).toMatchObject({ reason: 'edited', sha256: versionHash(mine[CLUSTER]), backup: `${CLUSTER}.mine` });
    expect(conflicts[CLUSTER]!.diff).toContain('-    location: europe-west1-b\n+    location: europe-west9-a');
    expect(conflicts[RELEASE]!.diff).toContain('-# tuned by hand, see ***');
    expect(JSON.stringify(state.error)).not.toContain(SECRET_LOOKALIKE);
    // For `lab up`: the keys to set, with the entries to paste, and the diffs in the step's log.
    expect(state.error?.hint).toContain(`    - file: ${RELEASE}\n      sha256: ${versionHash(mine[RELEASE])}`);
    const log = (await engine.readLog({ stepId: 'scaffold', offset: 0, maxBytes: 1_000_000 })).text;
    expect(log).toContain('+    location: europe-west9-a');
    expect(remoteHead()).toBe(before);
    expect(readFileSync(path.join(workspace, CLUSTER), 'utf8')).toBe(mine[CLUSTER]);
  });

  it('keeps one and replaces the other on retry; the replaced version stays beside it; then done', async () => {
    const engine = await engineWith({
      keep: [{ file: CLUSTER, sha256: versionHash(mine[CLUSTER]) }],
      replace: [{ file: RELEASE, sha256: versionHash(mine[RELEASE]) }],
    });
    const state = await runScaffold(engine);
    expect(state, JSON.stringify(state.error)).toMatchObject({ status: 'succeeded' });
    expect(onRemote(CLUSTER)).toBe(mine[CLUSTER]);
    expect(onRemote(RELEASE)).toBe(scaffoldFiles(base).get(RELEASE));
    expect(readFileSync(path.join(workspace, `${RELEASE}.mine`), 'utf8')).toBe(mine[RELEASE]);
    // The backup is the person's file in their clone, not something the lab commits.
    expect(git('-C', workspace, 'ls-tree', '-r', '--name-only', 'origin/main')).not.toContain('.mine');
    expect(git('-C', workspace, 'log', '--format=%s', '-1', 'origin/main').trim()).toBe('Scaffold the GitOps repository (GitOps Lab)');

    await expectAlreadyDone(await engineWith({ keep: [{ file: CLUSTER, sha256: versionHash(mine[CLUSTER]) }] }));
  });

  it('asks again about a kept file that changed after the answer', async () => {
    const answer = { file: CLUSTER, sha256: versionHash(mine[CLUSTER]) };
    const again = pushEdits({ [CLUSTER]: (text) => `${text}# and once more\n` });
    const engine = await engineWith({ keep: [answer] });
    const state = await runScaffold(engine);
    expect(state.status).toBe('failed');
    expect(state.error?.conflicts?.map((c) => [c.file, c.sha256])).toEqual([[CLUSTER, versionHash(again[CLUSTER])]]);
    expect(existsSync(path.join(workspace, `${CLUSTER}.mine`))).toBe(false);
  });
});

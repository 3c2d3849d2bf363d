import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliDeps } from '../../electron/hosts/cli/program';
import { scaffoldFiles } from '../../electron/lab/gitops/scaffold';
import { testInputs } from '../../electron/lab/gitops/test-helpers';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function repo(files: Map<string, string> | Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-validate-'));
  dirs.push(dir);
  for (const [file, content] of files instanceof Map ? files : Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

async function validate(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const unused = (): never => {
    throw new Error('not used by validate');
  };
  const deps: CliDeps = {
    version: '1.2.3',
    createEngine: unused,
    startWebHost: unused,
    staticDir: '/nonexistent',
    // The real kubectl (test/global-setup.ts) first on PATH, as the person's own would be.
    env: { ...process.env, PATH: `${process.env.LAB_KUBE_TOOLS}${path.delimiter}${process.env.PATH ?? ''}` },
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    openBrowser: unused,
    waitForShutdown: unused,
  };
  const code = await runCli(deps, ['validate', ...args]);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('lab validate DIR', () => {
  it('exits 0 and prints nothing for the scaffold', async () => {
    const result = await validate(repo(scaffoldFiles(testInputs())));
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('prints one line per problem and exits 1', async () => {
    const dir = repo({
      'clusters/k3d-a/apps.yaml':
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  prunee: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
      'infra/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: gcp-creds\nstringData:\n  creds: "{}"\n',
      'infra/kustomization.yaml': 'resources:\n  - secret.yaml\n  - missing.yaml\n',
    });
    const result = await validate(dir);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    // The typo also leaves the required `prune` missing: both are reported.
    expect(lines).toHaveLength(4);
    expect(lines).toContain('clusters/k3d-a/apps.yaml: Kustomization/apps: spec.prune: required field is missing');
    expect(lines).toContain('clusters/k3d-a/apps.yaml: Kustomization/apps: spec.prunee: unknown field (not in the CRD schema)');
    expect(lines).toContain('infra/secret.yaml: Secret/gcp-creds: a plain Secret with data (base64 is not encryption); seal it with kubeseal instead');
    expect(lines.find((l) => l.startsWith('infra: kubectl kustomize failed:'))).toMatch(/missing\.yaml/);
    expect(result.stderr).toBe(`lab: 4 problems found in ${dir}\n`);
  });

  it('exits 1 for a missing folder and 2 without one', async () => {
    expect(await validate('/nonexistent/devflux')).toMatchObject({ code: 1, stderr: 'lab: no such folder: /nonexistent/devflux\n' });
    expect((await validate()).code).toBe(2);
  });
});

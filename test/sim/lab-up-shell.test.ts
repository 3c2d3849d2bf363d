/**
 * The lab as a user runs it from a shell: `. DIR/env.sh && npx lab up --config lab.yaml --yes`
 * through the real `bin/lab.js` process (the package's bin, its argument parsing, exit code and
 * output), then `lab status --json`, then the world asked through its own command-line tools.
 * The other lab-up tests drive the same CLI in-process; this one proves the shipped entry point.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './world/repo-root.js';
import { startTestWorld, type RunResult, type TestWorld } from './world/test-world.js';

const root = repoRoot();
const GKE = 'gke_gitops-lab-sim_europe-west9-a_dev-cluster';
const lab = (args: string): string => `${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'bin', 'lab.js'))} ${args}`;

describe('lab up from a shell, against the simulated world', () => {
  let t: TestWorld;
  let config: string;
  let dataDir: string;
  let up: RunResult;

  beforeAll(async () => {
    t = await startTestWorld({ timeScale: 0.01 });
    const folder = join(t.workDir, 'workshop');
    mkdirSync(folder, { recursive: true });
    config = join(folder, 'lab.yaml');
    copyFileSync(join(root, 'test', 'fixtures', 'lab.yaml'), config);
    dataDir = join(t.workDir, 'lab-data');
    up = await t.sh(`${lab(`up --config ${JSON.stringify(config)} --yes`)}`, { LAB_DATA_DIR: dataDir });
  }, 600_000);

  afterAll(async () => {
    await t?.dispose();
  });

  it('completes every step and prints the shop address', () => {
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout + up.stderr).toMatch(/The shop is at http:\/\/\d+\.\d+\.\d+\.\d+/);
  });

  it('lab status --json reports every step succeeded, and the live resources of both clusters', async () => {
    const status = await t.sh(lab('status --json'), { LAB_DATA_DIR: dataDir });
    expect(status.code, status.stderr).toBe(0);
    const printed = JSON.parse(status.stdout) as {
      steps: Record<string, { status: string }>;
      resources: Array<{ cluster: string; kind: string; name: string; ready: boolean | null }>;
      unreachable: unknown[];
    };
    expect(Object.keys(printed.steps)).toHaveLength(18);
    expect(Object.entries(printed.steps).filter(([, s]) => s.status !== 'succeeded')).toEqual([]);
    // Read from both clusters as the command runs, not from what an earlier process saw.
    const ready = printed.resources.filter((r) => r.ready === true).map((r) => `${r.cluster} ${r.kind} ${r.name}`);
    expect(ready).toEqual(
      expect.arrayContaining([
        'k3d-crossplane Cluster dev-cluster',
        'k3d-crossplane NodePool main-np',
        'k3d-crossplane Provider provider-gcp-container',
        'k3d-crossplane HelmRelease sealed-secrets',
        `${GKE} Kustomization apps`,
        `${GKE} HelmRelease kube-prometheus-stack`,
      ]),
    );
    expect(printed.resources.filter((r) => r.ready !== true)).toEqual([]);
    expect(printed.unreachable).toEqual([]);
  });

  it('leaves the k3d cluster, Flux on both clusters and a RUNNING GKE cluster in the world', async () => {
    const k3d = await t.sh('k3d cluster list -o json');
    expect((JSON.parse(k3d.stdout) as Array<{ name: string }>).map((c) => c.name)).toContain('crossplane');

    const gke = await t.sh('gcloud container clusters list --project=gitops-lab-sim --format=json');
    expect((JSON.parse(gke.stdout) as Array<{ name: string; status: string }>).map((c) => `${c.name} ${c.status}`)).toEqual(['dev-cluster RUNNING']);

    for (const context of ['k3d-crossplane', GKE]) {
      const flux = await t.sh(`kubectl get deployments -n flux-system -o name --context=${context}`);
      expect(flux.code, flux.stderr).toBe(0);
      expect(flux.stdout.split('\n').filter(Boolean).sort()).toEqual(
        expect.arrayContaining(['deployment.apps/helm-controller', 'deployment.apps/kustomize-controller', 'deployment.apps/source-controller']),
      );
    }

    const address = await t.sh(`kubectl get svc -n demo frontend-external -o jsonpath='{.status.loadBalancer.ingress[0].ip}' --context=${GKE}`);
    expect(up.stdout + up.stderr).toContain(`http://${address.stdout.trim()}`);
  });
});

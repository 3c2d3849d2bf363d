import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../world/test-world.js';

/**
 * The fake flux CLI as a user runs it: real processes through the world's shims, a k3d cluster
 * made by the fake k3d, the simulated GitHub, and the world's Flux controllers doing the work.
 */

let t: TestWorld;
let user: string;
const bootstrap = 'flux bootstrap github --context=k3d-lab --token-auth --owner="$GITHUB_USER" --repository=devflux --personal --path=clusters/k3d-lab';

async function gitLog(): Promise<string[]> {
  const cloned = await t.sh('rm -rf check && git clone -q "https://github.com/$GITHUB_USER/devflux.git" check && git -C check log --format=%s');
  expect(cloned.stderr).toBe('');
  return cloned.stdout.trim().split('\n');
}

async function pushFiles(files: Record<string, string | null>, message: string): Promise<string> {
  const steps = Object.entries(files).map(([path, content]) => (content === null ? `git rm -q ${path}` : `mkdir -p $(dirname ${path}) && printf '%s' '${content}' > ${path} && git add ${path}`));
  const result = await t.sh(`rm -rf edit && git clone -q "https://github.com/$GITHUB_USER/devflux.git" edit && cd edit && ${steps.join(' && ')} && git commit -qm '${message}' && git push -q origin main && git rev-parse HEAD`);
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

beforeAll(async () => {
  t = await startTestWorld({ timeScale: 0.01 });
  user = t.world.env().GITHUB_USER as string;
  const created = await t.exec('k3d', ['cluster', 'create', 'lab']);
  expect(created.code).toBe(0);
});

afterAll(async () => {
  await t?.dispose();
});

describe('fake flux CLI', () => {
  it('prints its version and passes the pre-flight check against the k3d cluster', async () => {
    expect((await t.exec('flux', ['--version'])).stdout).toBe('flux version 2.9.4\n');
    const pre = await t.exec('flux', ['check', '--pre']);
    expect(pre).toMatchObject({ code: 0, stdout: '' });
    expect(pre.stderr).toMatch(/^► checking prerequisites\n✔ Kubernetes 1\.\d+\.\d+\+k3s1 >=1\.33\.0-0\n✔ prerequisites checks passed\n$/);
  });

  it('refuses a bad token with GitHub\'s 401', async () => {
    const refused = await t.sh(`GITHUB_TOKEN=ghp_not_a_valid_token ${bootstrap}`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('► connecting to github.com\n✗ failed to get Git repository "https://github.com/');
    expect(refused.stderr).toContain(': 401 Bad credentials []');
  });

  it('fails with GitHub\'s answer when the token lacks the scopes to create a repository', async () => {
    await t.control('/faults', { enable: ['github-token-scopes'] });
    try {
      const refused = await t.sh('flux bootstrap github --context=k3d-lab --token-auth --owner="$GITHUB_USER" --repository=other --personal --path=clusters/other');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^► connecting to github\.com\n✗ failed to create new Git repository "https:\/\/github\.com\/[^/]+\/other": POST http:\/\/127\.0\.0\.1:\d+\/user\/repos: 404 Not Found \[\]\n$/);
    } finally {
      await t.control('/faults', { disable: ['github-token-scopes'] });
    }
  });

  it('bootstraps: creates the repository, pushes the flux-system commits, and waits for the Kustomization', async () => {
    const result = await t.sh(bootstrap);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '► connecting to github.com',
      `✔ repository "https://github.com/${user}/devflux" created`,
      `► cloning branch "main" from Git repository "https://github.com/${user}/devflux.git"`,
      '✔ cloned repository',
      '► generating component manifests',
    ]);
    expect(lines).toContain('◎ waiting for Kustomization "flux-system/flux-system" to be reconciled');
    expect(lines.slice(-6)).toEqual([
      '► confirming components are healthy',
      '✔ helm-controller: deployment ready',
      '✔ kustomize-controller: deployment ready',
      '✔ notification-controller: deployment ready',
      '✔ source-controller: deployment ready',
      '✔ all components are healthy',
    ]);
    const commits = await gitLog();
    expect(commits.slice(0, 2)).toEqual(['Add Flux sync manifests', 'Add Flux v2.9.4 component manifests']);
    const files = await t.sh('ls check/clusters/k3d-lab/flux-system && grep -c "kind: CustomResourceDefinition" check/clusters/k3d-lab/flux-system/gotk-components.yaml && grep "path:" check/clusters/k3d-lab/flux-system/gotk-sync.yaml');
    expect(files.stdout).toBe('gotk-components.yaml\ngotk-sync.yaml\nkustomization.yaml\n11\n  path: ./clusters/k3d-lab\n');
  });

  it('lists the Ready Kustomization as a tab-separated table', async () => {
    const head = (await t.sh('git -C check rev-parse HEAD')).stdout.trim();
    const short = `main@sha1:${head.slice(0, 8)}`;
    const got = await t.exec('flux', ['get', 'kustomizations']);
    expect(got.code).toBe(0);
    expect(got.stdout).toBe(
      `NAME       \tREVISION          \tSUSPENDED\tREADY\tMESSAGE                              \nflux-system\t${short}\tFalse    \tTrue \tApplied revision: ${short}\t\n`,
    );
    const none = await t.exec('flux', ['get', 'kustomizations', '-n', 'default']);
    expect(none).toMatchObject({ code: 1, stdout: '', stderr: '✗ no Kustomization objects found in "default" namespace\n' });
  });

  it('re-running bootstrap is idempotent: clones, changes nothing, adds no commit', async () => {
    const before = await gitLog();
    const again = await t.sh(bootstrap);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('created');
    expect(again.stderr).toContain('✔ component manifests are up to date\n');
    expect(again.stderr).toContain('✔ source secret up to date\n');
    expect(again.stderr).toContain('✔ sync manifests are up to date\n');
    expect(again.stderr.trim().endsWith('✔ all components are healthy')).toBe(true);
    expect(await gitLog()).toEqual(before);
  });

  it('reconcile --with-source applies a new commit at once, shows a held dependency, and prunes', async () => {
    // A long source interval: only the requested reconcile can pick up the commit in time.
    expect((await t.sh('kubectl -n flux-system patch gitrepository flux-system --type merge -p \'{"spec":{"interval":"10h"}}\'')).code).toBe(0);
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hello\n  namespace: default\ndata:\n  a: b\n';
    const infra = [
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: crossplane-provider\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./not-there\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: crossplane-configuration\n  namespace: flux-system\nspec:\n  dependsOn:\n  - name: crossplane-provider\n  interval: 10m\n  path: ./not-there-either\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
    ].join('---\n');
    const head = await pushFiles({ 'clusters/k3d-lab/hello.yaml': configMap, 'clusters/k3d-lab/infrastructure.yaml': infra }, 'add hello and infrastructure');
    const reconciled = await t.exec('flux', ['reconcile', 'kustomization', 'flux-system', '--with-source']);
    expect(reconciled.code).toBe(0);
    expect(reconciled.stderr).toBe(
      [
        '► annotating GitRepository flux-system in flux-system namespace',
        '✔ GitRepository annotated',
        '◎ waiting for GitRepository reconciliation',
        `✔ fetched revision main@sha1:${head}`,
        '► annotating Kustomization flux-system in flux-system namespace',
        '✔ Kustomization annotated',
        '◎ waiting for Kustomization reconciliation',
        `✔ applied revision main@sha1:${head}`,
        '',
      ].join('\n'),
    );
    expect((await t.sh('kubectl get configmap hello -o jsonpath={.data.a}')).stdout).toBe('b');

    let table = '';
    for (let i = 0; i < 100 && !table.includes("dependency 'flux-system/crossplane-provider' is not ready"); i++) {
      table = (await t.exec('flux', ['get', 'kustomizations', '--status-selector', 'ready=false'])).stdout;
    }
    expect(table).toMatch(/^NAME {20}\tREVISION\tSUSPENDED\tREADY\tMESSAGE +\n/);
    expect(table).toMatch(/^crossplane-configuration\t {8}\tFalse    \tFalse\tdependency 'flux-system\/crossplane-provider' is not ready\t$/m);
    expect(table).not.toMatch(/^flux-system/m);

    const removed = await pushFiles({ 'clusters/k3d-lab/hello.yaml': null }, 'remove hello');
    const again = await t.exec('flux', ['reconcile', 'kustomization', 'flux-system', '--with-source']);
    expect(again.stderr).toContain(`✔ applied revision main@sha1:${removed}\n`);
    const gone = await t.sh('kubectl get configmap hello');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('configmaps "hello" not found');
  });

  it('installs a HelmRelease from Git and reconciles it with its source', async () => {
    const release = [
      'apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: boutique\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://example.github.io/charts\n',
      'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: onlineboutique\n  namespace: flux-system\nspec:\n  interval: 10m\n  targetNamespace: demo\n  releaseName: onlineboutique\n  install:\n    createNamespace: true\n  chart:\n    spec:\n      chart: onlineboutique\n      version: 0.10.3\n      sourceRef:\n        kind: HelmRepository\n        name: boutique\n',
    ].join('---\n');
    await pushFiles({ 'clusters/k3d-lab/boutique.yaml': release }, 'add the boutique');
    expect((await t.exec('flux', ['reconcile', 'ks', 'flux-system', '--with-source'])).code).toBe(0);
    const reconciled = await t.exec('flux', ['reconcile', 'helmrelease', 'onlineboutique', '--with-source']);
    expect(reconciled.code).toBe(0);
    expect(reconciled.stderr).toMatch(/^► annotating HelmRepository boutique in flux-system namespace\n✔ HelmRepository annotated\n◎ waiting for HelmRepository reconciliation\n✔ fetched revision sha256:[0-9a-f]{64}\n► annotating HelmRelease onlineboutique in flux-system namespace\n✔ HelmRelease annotated\n◎ waiting for HelmRelease reconciliation\n✔ applied revision 0\.10\.3\n$/);
    const listed = await t.exec('flux', ['get', 'helmreleases', '--no-header']);
    expect(listed.stdout).toBe('onlineboutique\t0.10.3\tFalse\tTrue\tHelm install succeeded for release demo/onlineboutique.v1 with chart onlineboutique@0.10.3\t\n');
    const svc = await t.sh('kubectl -n demo get service frontend-external -o jsonpath={.spec.type}');
    expect(svc.stdout).toBe('LoadBalancer');
  });

  it('traces a Flux-managed object back to its Kustomization and GitRepository', async () => {
    const traced = await t.exec('flux', ['trace', 'deployment', 'source-controller', '-n', 'flux-system']);
    expect(traced.code).toBe(0);
    expect(traced.stdout).toMatch(/^\nObject: {10}Deployment\/source-controller\nNamespace: {7}flux-system\nStatus: {10}Managed by Flux\n---\nKustomization: {3}flux-system\n/);
    expect(traced.stdout).toContain('Path:            ./clusters/k3d-lab\n');
    expect(traced.stdout).toContain(`---\nGitRepository:   flux-system\nNamespace:       flux-system\nURL:             https://github.com/${user}/devflux.git\nBranch:          main\n`);
    expect(traced.stdout).toMatch(/Status: {10}Last reconciled at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC\n/);
    const unmanaged = await t.exec('flux', ['trace', 'service', 'kubernetes', '-n', 'default']);
    expect(unmanaged).toMatchObject({ code: 1, stderr: '✗ object not managed by Flux\n' });
  });

  it('suspends and resumes a Kustomization; get all lists every kind in sections', async () => {
    const suspended = await t.exec('flux', ['suspend', 'kustomization', 'crossplane-provider']);
    expect(suspended).toMatchObject({ code: 0, stderr: '► suspending kustomization crossplane-provider in flux-system namespace\n✔ kustomization suspended\n' });
    expect((await t.exec('flux', ['get', 'ks', 'crossplane-provider', '--no-header'])).stdout).toMatch(/^crossplane-provider\t\tTrue\tFalse\t/);
    expect(await t.exec('flux', ['reconcile', 'ks', 'crossplane-provider'])).toMatchObject({ code: 1, stderr: '✗ resource is suspended\n' });
    const resumed = await t.exec('flux', ['resume', 'kustomization', 'crossplane-provider']);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toMatch(/^► resuming kustomization crossplane-provider in flux-system namespace\n✔ kustomization resumed\n◎ waiting for Kustomization reconciliation\n✗ kustomization path not found: /);
    const all = await t.exec('flux', ['get', 'all']);
    expect(all.code).toBe(0);
    const sections = all.stdout.split('\n\n').filter((s) => s.trim());
    expect(sections.map((s) => s.split('\n')[1]?.split('/')[0])).toEqual(['gitrepository', 'helmrepository', 'helmrelease', 'kustomization']);
  });

  it('diffs a local folder against the cluster (best effort) and exits 1 on changes', async () => {
    await t.sh("mkdir -p local && printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: fresh\\n  namespace: default\\ndata:\\n  a: b\\n' > local/cm.yaml");
    const diff = await t.exec('flux', ['diff', 'kustomization', 'crossplane-configuration', '--path', './local']);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toBe('► ConfigMap/default/fresh created\n');
    expect(diff.stderr).toBe('⚠️ identified at least one change, exiting with non-zero exit code\n');
    const bad = await t.exec('flux', ['diff', 'kustomization', 'crossplane-configuration', '--path', './nowhere']);
    expect(bad).toMatchObject({ code: 2, stderr: '✗ invalid resource path "./nowhere"\n' });
  });

  it('shows the controllers\' log lines for one Kustomization', async () => {
    const logs = await t.exec('flux', ['logs', '--kind', 'Kustomization', '--name', 'flux-system']);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/^\S+Z info Kustomization\/flux-system\.flux-system - server-side apply completed $/m);
    expect(logs.stdout).not.toContain('crossplane-provider');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createRunner } from '../run/runner';
import { SecretMasker } from '../run/mask';
import { loadCrdBundle } from './crd-bundle';
import { runGuards, formatProblem, type GuardOptions } from './guards';
import { kubectlPath, tempDir, writeTree } from './test-helpers';

const runner = createRunner({ loginShell: false });
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((remove) => remove()));

async function guard(files: Record<string, string>, options: Partial<GuardOptions> = {}) {
  const tmp = tempDir('guards-');
  cleanups.push(tmp.remove);
  writeTree(tmp.dir, files);
  const result = await runGuards(tmp.dir, { runner, kubectl: kubectlPath(), ...options });
  return { ...result, lines: result.problems.map(formatProblem) };
}

const fluxKustomization = (apiVersion: string, extra = ''): string =>
  `apiVersion: ${apiVersion}\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;

describe('schema guard', () => {
  it('accepts a valid Flux Kustomization', async () => {
    expect((await guard({ 'clusters/a/apps.yaml': fluxKustomization('kustomize.toolkit.fluxcd.io/v1') })).lines).toEqual([]);
  });

  it('reports an unknown field with file, kind/name and the field path', async () => {
    const result = await guard({ 'clusters/a/apps.yaml': fluxKustomization('kustomize.toolkit.fluxcd.io/v1', '  prunee: true\n') });
    expect(result.ok).toBe(false);
    expect(result.lines).toEqual(['clusters/a/apps.yaml: Kustomization/apps: spec.prunee: unknown field (not in the CRD schema)']);
    expect(result.problems[0]!.kind).toBe('schema');
  });

  it('reports a removed API version and names the served one', async () => {
    const result = await guard({ 'clusters/a/apps.yaml': fluxKustomization('kustomize.toolkit.fluxcd.io/v1beta2') });
    expect(result.lines).toEqual([
      'clusters/a/apps.yaml: Kustomization/apps: kustomize.toolkit.fluxcd.io/v1beta2 is not served (a removed API version); use kustomize.toolkit.fluxcd.io/v1',
    ]);
  });

  it('reports a kind no installed CRD defines (the legacy GCP provider)', async () => {
    const result = await guard({ 'x/cluster.yaml': 'apiVersion: container.gcp.crossplane.io/v1beta2\nkind: Cluster\nmetadata:\n  name: dev\nspec: {}\n' });
    expect(result.lines).toEqual(['x/cluster.yaml: Cluster/dev: unknown apiVersion/kind container.gcp.crossplane.io/v1beta2 Cluster (no CRD the lab installs defines it)']);
  });

  it('accepts int-or-string both ways and free-form Helm values, rejects wrong types', async () => {
    const release = (extra: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: r\n  namespace: x\nspec:\n  interval: 5m\n  chart:\n    spec:\n      chart: c\n      sourceRef:\n        kind: HelmRepository\n        name: s\n  values:\n    anything: { goes: [1, 2] }\n${extra}`;
    expect((await guard({ 'r.yaml': release('  maxHistory: 3\n') })).lines).toEqual([]);
    expect((await guard({ 'r.yaml': release('  maxHistory: three\n') })).lines).toEqual(['r.yaml: HelmRelease/r: spec.maxHistory: must be integer']);
    const provider = (maxUnavailable: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: r\nspec:\n  interval: 5m\n  chartRef:\n    kind: OCIRepository\n    name: o\n  postRenderers:\n    - kustomize:\n        patches:\n          - patch: "x"\n            target:\n              kind: Deployment\n  driftDetection:\n    mode: ${maxUnavailable}\n`;
    expect((await guard({ 'r.yaml': provider('enabled') })).lines).toEqual([]);
    expect((await guard({ 'r.yaml': provider('sometimes') })).lines).toEqual(['r.yaml: HelmRelease/r: spec.driftDetection.mode: must be one of "enabled", "warn", "disabled"']);
  });

  it('judges every GKE Cluster by its own fields, whatever was checked before', async () => {
    const cluster = (name: string, forProvider: string) =>
      `apiVersion: container.gcp.upbound.io/v1beta2\nkind: Cluster\nmetadata:\n  name: ${name}\nspec:\n  forProvider:\n    location: europe-west9-a\n${forProvider}`;
    const result = await guard({
      'a.yaml': cluster('a', '    deletionProtection: false\n'),
      'b.yaml': cluster('b', '    deletionProtection: "no"\n'),
      'c.yaml': cluster('c', '    deletionProtectio: false\n'),
      'd.yaml': cluster('d', '    deletionProtection: false\n    initialNodeCount: many\n'),
      // Kubernetes reads YAML 1.1: a plain `no` is a boolean, and a label that overflows a float a string.
      'e.yaml': cluster('e', '    deletionProtection: no\n    resourceLabels:\n      lab: 0123e4567890\n'),
    });
    expect(result.lines).toEqual([
      'b.yaml: Cluster/b: spec.forProvider.deletionProtection: must be boolean',
      'c.yaml: Cluster/c: spec.forProvider.deletionProtectio: unknown field (not in the CRD schema)',
      'd.yaml: Cluster/d: spec.forProvider.initialNodeCount: must be number',
    ]);
  });

  it('gives built-in kinds a light structural check', async () => {
    const result = await guard({
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n  labels:\n    enabled: true\n',
      'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: http\n',
    });
    expect(result.lines).toEqual(['ns.yaml: Namespace/demo: metadata.labels.enabled: must be a string (quote it)', 'svc.yaml: Service/web: spec.ports[0].port: must be a number']);
  });

  it('reports bases: in a kustomization', async () => {
    const result = await guard({
      'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ns.yaml\n',
      'base/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
      'overlay/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nbases:\n  - ../base\n',
    });
    expect(result.lines).toContain('overlay/kustomization.yaml: Kustomization: bases: deprecated in kustomize; list the folders under resources instead');
  });

  it('ships a bundle without the v2.6.0 duplicates and keeps properties named description', () => {
    const { schemas } = loadCrdBundle();
    expect(schemas['container.gcp.upbound.io/v1beta1 Cluster']).toBeUndefined();
    expect(schemas['container.gcp.crossplane.io/v1beta2 Cluster']).toBeUndefined();
    const network = schemas['compute.gcp.upbound.io/v1beta1 Network']!.schema as any;
    expect(network.properties.spec.properties.forProvider.properties.description).toEqual({ type: 'string' });
    expect(JSON.stringify(network)).not.toContain('"description":"');
  });
});

describe('kustomize guard', () => {
  it('names the folder and shows kustomize\'s error when a listed file is missing', async () => {
    const result = await guard({
      'infra/k3d-a/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - sealedsecret.yaml\n',
    });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file: 'infra/k3d-a', kind: 'kustomize' });
    expect(result.problems[0]!.message).toMatch(/^kubectl kustomize failed: .*sealedsecret\.yaml/);
  });

  it('reports a missing kubectl instead of passing silently', async () => {
    const result = await guard({ 'a/kustomization.yaml': 'resources: []\n' }, { kubectl: '/nonexistent/kubectl' });
    expect(result.problems).toEqual([{ file: 'a', kind: 'kustomize', message: expect.stringContaining('kubectl was not found') }]);
  });
});

describe('kustomize guard across pushes', () => {
  /** The real runner, counting the folders kubectl kustomize was run on. */
  function countingRunner(): { runner: GuardOptions['runner']; built: string[] } {
    const built: string[] = [];
    return { built, runner: { run: (spec, listener) => (built.push(spec.argv[2]!), runner.run(spec, listener)) } };
  }
  const base = {
    'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ns.yaml\n',
    'base/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n',
    'one/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n',
    'two/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n',
    'two/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: a\n',
  };

  it('builds again only the overlays whose inputs changed, including a base outside the folder', async () => {
    const tmp = tempDir('guards-cache-');
    cleanups.push(tmp.remove);
    writeTree(tmp.dir, base);
    const first = countingRunner();
    expect((await runGuards(tmp.dir, { runner: first.runner, kubectl: kubectlPath() })).ok).toBe(true);
    expect(first.built.sort()).toEqual(['one', 'two']);

    const unchanged = countingRunner();
    expect((await runGuards(tmp.dir, { runner: unchanged.runner, kubectl: kubectlPath() })).ok).toBe(true);
    expect(unchanged.built).toEqual([]);

    writeTree(tmp.dir, { 'base/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n' });
    const baseChanged = countingRunner();
    expect((await runGuards(tmp.dir, { runner: baseChanged.runner, kubectl: kubectlPath() })).ok).toBe(true);
    expect(baseChanged.built).toEqual(['one']);
  });

  it('builds a folder that failed again, and reports it again', async () => {
    const tmp = tempDir('guards-cache-');
    cleanups.push(tmp.remove);
    writeTree(tmp.dir, { 'bad/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - missing.yaml\n' });
    for (let push = 0; push < 2; push++) {
      const counted = countingRunner();
      const result = await runGuards(tmp.dir, { runner: counted.runner, kubectl: kubectlPath() });
      expect(counted.built).toEqual(['bad']);
      expect(result.problems.map((p) => p.file)).toEqual(['bad']);
    }
  });
});

describe('secret guard', () => {
  const plainSecret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: gcp-creds\n  namespace: crossplane-system\ndata:\n  creds: e30=\n';
  const keyJson = JSON.stringify({ type: 'service_account', project_id: 'p', private_key_id: 'abc', private_key: '(redacted in this test)', client_email: 'x@p.iam.gserviceaccount.com' });
  const pem = ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIEow\n-----END RSA', 'PRIVATE KEY-----\n'].join(' ');
  const token = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';

  it.each([
    ['a plain Secret with data', 'infra/secret.yaml', plainSecret, 'Secret/gcp-creds: a plain Secret with data'],
    ['a service-account key JSON', 'crossplane.json', keyJson, 'service-account key JSON'],
    ['a PEM private key', 'notes/key.pem', pem, 'PEM private key'],
    ['a GitHub token', 'README.md', `token: ${token}\n`, 'GitHub token'],
  ])('refuses %s', async (_what, file, content, expected) => {
    const result = await guard({ [file]: content });
    expect(result.ok).toBe(false);
    const secrets = result.problems.filter((p) => p.kind === 'secret');
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.file).toBe(file);
    expect(secrets[0]!.message).toContain(expected);
    expect(secrets[0]!.message).not.toContain(token);
  });

  it('refuses a registered secret value, also base64-encoded, given a masker or a list', async () => {
    const masker = new SecretMasker();
    masker.register('grafana-Pa55word!');
    const encoded = Buffer.from('grafana-Pa55word!').toString('base64');
    expect((await guard({ 'values.txt': `password: ${encoded}\n` }, { secrets: masker })).lines).toEqual(['values.txt: contains one of your secret values (a password or token you entered)']);
    expect((await guard({ 'values.txt': 'password: grafana-Pa55word!\n' }, { secrets: ['grafana-Pa55word!'] })).ok).toBe(false);
    expect((await guard({ 'values.txt': 'password: something-else\n' }, { secrets: masker })).ok).toBe(true);
  });

  it('checks an unchanged file again against newly registered secret values', async () => {
    const tmp = tempDir('guards-secrets-');
    cleanups.push(tmp.remove);
    writeTree(tmp.dir, { 'values.txt': 'password: sesame-0pen-Sesame\n' });
    const run = (secrets: string[]) => runGuards(tmp.dir, { runner, kubectl: kubectlPath(), secrets });
    expect((await run([])).ok).toBe(true);
    expect((await run(['sesame-0pen-Sesame'])).problems.map(formatProblem)).toEqual(['values.txt: contains one of your secret values (a password or token you entered)']);
    expect((await run(['sesame-0pen-Sesame'])).ok).toBe(false);
    expect((await run(['another-value'])).ok).toBe(true);
  });

  it('refuses a kustomize secretGenerator', async () => {
    const result = await guard({ 'a/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n  - name: grafana\n    literals:\n      - admin-password=hunter22\n' });
    expect(result.problems.filter((p) => p.kind === 'secret').map(formatProblem)).toEqual([
      'a/kustomization.yaml: secretGenerator: generated Secrets keep their values in the repository in clear; commit a SealedSecret instead',
    ]);
  });

  it('lets a SealedSecret and an empty Secret through', async () => {
    const result = await guard({
      'sealed.yaml': 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n  namespace: demo\nspec:\n  encryptedData:\n    creds: AgBy3i4OJSWK\n',
      'empty.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: e\n',
    });
    expect(result.lines).toEqual([]);
  });

  it('reads YAML as kubectl does: a plain `n` is a boolean, not a namespace', async () => {
    // kubectl create --dry-run=client --validate=false -f: "cannot unmarshal bool into Go struct field ObjectMeta.metadata.namespace of type string"
    const result = await guard({ 'sealed.yaml': 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n  namespace: n\nspec:\n  encryptedData:\n    creds: AgBy3i4OJSWK\n' });
    expect(result.lines).toEqual(['sealed.yaml: SealedSecret/s: metadata.namespace: must be string']);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createRunner } from '../run/runner';
import { runGuards, formatProblem } from './guards';
import { GCP_FAMILY_PROVIDER, scaffoldFiles, sealedSecretPaths, PROVIDER_HEALTHY_EXPR } from './scaffold';
import { FAMILY_PROVIDER_NAME } from '../../../test/sim/crossplane/packages';
import { kubectlPath, tempDir, testInputs, writeTree } from './test-helpers';

const runner = createRunner({ loginShell: false });
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((remove) => remove()));

function docs(files: Map<string, string>, file: string): Array<Record<string, any>> {
  const text = files.get(file);
  if (text === undefined) throw new Error(`${file} is not in the scaffold`);
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);
}

describe('scaffoldFiles', () => {
  it.each([
    ['default inputs', testInputs()],
    ['Dataplane V2 and other names', testInputs({ dataplaneV2: true, k3dName: 'control', gkeName: 'shop-cluster' })],
  ])('passes every guard (schemas, real kubectl kustomize, secret scan) for %s', async (_name, inputs) => {
    const tmp = tempDir('scaffold-');
    cleanups.push(tmp.remove);
    writeTree(tmp.dir, scaffoldFiles(inputs));
    const result = await runGuards(tmp.dir, { runner, kubectl: kubectlPath(), secrets: ['never-in-the-tree-1234'] });
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('passes the guards with the sealed files listed once they exist', async () => {
    const inputs = testInputs();
    const tmp = tempDir('scaffold-sealed-');
    cleanups.push(tmp.remove);
    const sealed = sealedSecretPaths(inputs);
    const files = scaffoldFiles(inputs, { sealed: { gcpCreds: true, grafana: true } });
    // The shape kubeseal 0.18 wrote in the tutorial's repository (transcripts/kubeseal.md), ciphertext shortened.
    const sealedSecret = (name: string, ns: string): string =>
      `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  creationTimestamp: null\n  name: ${name}\n  namespace: ${ns}\nspec:\n  encryptedData:\n    creds: AgBy3i4OJSWK+PiTySYZZA==\n  template:\n    data: null\n    metadata:\n      creationTimestamp: null\n      name: ${name}\n      namespace: ${ns}\n`;
    writeTree(tmp.dir, files);
    writeTree(tmp.dir, { [sealed.gcpCreds]: sealedSecret('gcp-creds', 'crossplane-system'), [sealed.grafana]: sealedSecret('kube-prometheus-stack-grafana', 'observability') });
    const result = await runGuards(tmp.dir, { runner, kubectl: kubectlPath() });
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(docs(files, 'infrastructure/k3d-crossplane/crossplane/configuration/kustomization.yaml')[0]!.resources).toContain('sealedsecret.yaml');
  });

  it('lists no sealed file before the sealing steps wrote them', () => {
    const files = scaffoldFiles(testInputs());
    expect(docs(files, 'infrastructure/k3d-crossplane/crossplane/configuration/kustomization.yaml')[0]!.resources).toEqual(['providerconfig.yaml']);
    expect(docs(files, 'observability/dev-cluster/kube-prometheus-stack/kustomization.yaml')[0]!.resources).toEqual(['../../base/kube-prometheus-stack']);
  });

  it('has the five areas, each with base/ and one overlay per cluster, and never uses bases:', () => {
    const files = scaffoldFiles(testInputs({ k3dName: 'cp', gkeName: 'dev' }));
    for (const area of ['apps', 'infrastructure', 'observability', 'security']) {
      for (const sub of ['base', 'k3d-cp', 'dev']) expect([...files.keys()].some((f) => f.startsWith(`${area}/${sub}/`)), `${area}/${sub}`).toBe(true);
    }
    expect([...files.keys()].filter((f) => f.startsWith('clusters/')).sort()).toEqual([
      'clusters/dev/apps.yaml', 'clusters/dev/observability.yaml', 'clusters/dev/security.yaml', 'clusters/k3d-cp/infrastructure.yaml', 'clusters/k3d-cp/security.yaml',
    ]);
    for (const [file, text] of files) {
      expect(text, file).not.toMatch(/^\s*bases:/m);
      expect(text.startsWith('# '), `${file} starts with a comment`).toBe(true);
    }
  });

  it('chains the Crossplane Kustomizations and gates the configuration on security and a Healthy provider', () => {
    const chain = docs(scaffoldFiles(testInputs()), 'clusters/k3d-crossplane/infrastructure.yaml');
    const byName = Object.fromEntries(chain.map((k) => [k.metadata.name, k.spec]));
    expect(chain.map((k) => k.metadata.name)).toEqual(['crossplane-core', 'crossplane-provider', 'crossplane-configuration', 'infrastructure-custom-resources']);
    expect(chain.every((k) => k.apiVersion === 'kustomize.toolkit.fluxcd.io/v1' && k.spec.sourceRef.name === 'flux-system')).toBe(true);
    expect(byName['crossplane-provider'].dependsOn).toEqual([{ name: 'crossplane-core' }]);
    expect(byName['crossplane-provider'].healthCheckExprs).toEqual([{ apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider', current: PROVIDER_HEALTHY_EXPR }]);
    // wait: true checks what the Kustomization applies and ignores healthChecks (the CRD says so).
    expect(byName['crossplane-provider'].wait).toBe(true);
    expect(byName['crossplane-provider'].healthChecks).toBeUndefined();
    // ProviderConfig is the family provider's kind: the repository applies that provider too,
    // under the name Crossplane's package manager would give it.
    const providers = docs(scaffoldFiles(testInputs()), 'infrastructure/base/crossplane/provider/providers.yaml');
    expect(providers.map((p) => `${p.kind} ${p.metadata.name} ${p.spec.package}`)).toEqual([
      `Provider ${GCP_FAMILY_PROVIDER} xpkg.upbound.io/upbound/provider-family-gcp:v3.0.0`,
      'Provider provider-gcp-container xpkg.upbound.io/upbound/provider-gcp-container:v3.0.0',
      'Provider provider-gcp-compute xpkg.upbound.io/upbound/provider-gcp-compute:v3.0.0',
    ]);
    expect(GCP_FAMILY_PROVIDER).toBe(FAMILY_PROVIDER_NAME);
    expect(byName['crossplane-configuration'].dependsOn).toEqual([{ name: 'crossplane-provider' }, { name: 'security' }]);
    expect(byName['infrastructure-custom-resources'].dependsOn).toEqual([{ name: 'crossplane-configuration' }]);
    const security = docs(scaffoldFiles(testInputs()), 'clusters/k3d-crossplane/security.yaml')[0]!;
    expect(security.spec).toMatchObject({ path: './security/k3d-crossplane', prune: true, wait: true });
  });

  it('orders the dev cluster: observability after security, the shop beside them', () => {
    const files = scaffoldFiles(testInputs());
    expect(docs(files, 'clusters/dev-cluster/observability.yaml')[0]!.spec.dependsOn).toEqual([{ name: 'security' }]);
    expect(docs(files, 'clusters/dev-cluster/apps.yaml')[0]!.spec).toMatchObject({ path: './apps/dev-cluster', wait: true });
    expect(docs(files, 'clusters/dev-cluster/apps.yaml')[0]!.spec.dependsOn).toBeUndefined();
    const grafana = docs(files, 'observability/base/kube-prometheus-stack/helmrelease.yaml')[0]!;
    expect(grafana.spec.values.grafana.admin.existingSecret).toBe('kube-prometheus-stack-grafana');
  });

  it('takes the project from the inputs and sets Dataplane V2 only when asked', () => {
    const plain = scaffoldFiles(testInputs());
    const v2 = scaffoldFiles(testInputs({ dataplaneV2: true }));
    expect(docs(plain, 'infrastructure/k3d-crossplane/crossplane/configuration/providerconfig.yaml')[0]!.spec.projectID).toBe('lab-project-4711');
    const cluster = (files: Map<string, string>) => docs(files, 'infrastructure/k3d-crossplane/custom-resources/crossplane/cluster.yaml')[0]!.spec.forProvider;
    expect(cluster(plain).datapathProvider).toBeUndefined();
    expect(cluster(v2).datapathProvider).toBe('ADVANCED_DATAPATH');
    expect(cluster(plain)).toMatchObject({ deletionProtection: false, location: 'europe-west9-a', networkRef: { name: 'dev-network' }, resourceLabels: { lab: 'gitops-lab' } });
    expect(cluster(plain).initialClusterVersion).toBeUndefined();
    const pool = docs(plain, 'infrastructure/k3d-crossplane/custom-resources/crossplane/nodepool.yaml')[0]!.spec.forProvider;
    expect(pool).toMatchObject({ clusterRef: { name: 'dev-cluster' }, autoscaling: { minNodeCount: 1, maxNodeCount: 3 }, nodeConfig: { machineType: 'e2-standard-2', preemptible: true } });
  });

  it('quotes values YAML 1.1 would read as booleans', () => {
    const text = scaffoldFiles(testInputs(), { session: 'n' }).get('infrastructure/k3d-crossplane/custom-resources/crossplane/network.yaml')!;
    expect(text).toContain('lab: "n"');
  });
});

import { describe, expect, it } from 'vitest';
import { steps } from '../plan/catalogue';
import { fluxArgv, parseGetRows } from './flux';

describe('flux adapter', () => {
  it('builds bootstrap argv with token auth, --personal only when personal, and no token', () => {
    const personal = fluxArgv.bootstrapGithub({ context: 'k3d-crossplane', owner: 'ada', repository: 'devflux', personal: true, path: 'clusters/k3d-crossplane' });
    expect(personal).toEqual([
      'flux', 'bootstrap', 'github', '--context=k3d-crossplane', '--token-auth', '--owner=ada', '--repository=devflux', '--branch=main', '--personal', '--private', '--path=clusters/k3d-crossplane',
    ]);
    const org = fluxArgv.bootstrapGithub({ context: 'k3d-crossplane', owner: 'acme', repository: 'devflux', personal: false, path: 'clusters/k3d-crossplane' });
    expect(org).not.toContain('--personal');
    expect(org).toContain('--owner=acme');
  });

  it('matches what the catalogue shows for flux-bootstrap and flux-preflight', () => {
    const inputs = { github: { owner: 'ada', repository: 'lab', personal: false }, clusters: { k3dName: 'cp' } } as Parameters<(typeof steps)[number]['commands']>[0];
    const shown = (id: string) => steps.find((s) => s.id === id)!.commands(inputs)[0]!.argv;
    expect(shown('flux-bootstrap')).toEqual(fluxArgv.bootstrapGithub({ context: 'k3d-cp', owner: 'ada', repository: 'lab', personal: false, path: 'clusters/k3d-cp' }));
    expect(shown('flux-preflight')).toEqual(fluxArgv.checkPre('k3d-cp'));
  });

  it('parses `flux get --no-header` rows: tab-separated, message with spaces, -A adds the namespace', () => {
    const rows = parseGetRows("flux-system\tmain@sha1:696f056d\tFalse    \tTrue \tApplied revision: main@sha1:696f056d\t\ncrossplane-provider\t\tFalse\tFalse\tdependency 'flux-system/crossplane-core' is not ready\t\n");
    expect(rows).toEqual([
      { name: 'flux-system', revision: 'main@sha1:696f056d', suspended: false, ready: 'True', message: 'Applied revision: main@sha1:696f056d' },
      { name: 'crossplane-provider', revision: '', suspended: false, ready: 'False', message: "dependency 'flux-system/crossplane-core' is not ready" },
    ]);
    expect(parseGetRows('kube-system\tsealed-secrets\t2.18.5\tTrue\tTrue\tHelm install succeeded\n', true)).toEqual([
      { namespace: 'kube-system', name: 'sealed-secrets', revision: '2.18.5', suspended: true, ready: 'True', message: 'Helm install succeeded' },
    ]);
  });

  it('reconciles with the source and an explicit context', () => {
    expect(fluxArgv.reconcileKustomization('flux-system', 'k3d-crossplane')).toEqual(['flux', 'reconcile', 'kustomization', 'flux-system', '--with-source', '--context=k3d-crossplane']);
  });
});

import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../api/contract';
import { findLeftovers, leftoverFixes, removalCommands } from './leftovers';

const NOW = new Date('2026-11-26T12:00:00Z');

function entry(kind: LedgerEntry['kind'], name: string, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  const zone = kind === 'gcp-load-balancer' ? 'europe-west9' : kind.startsWith('gke') ? 'europe-west9-a' : undefined;
  return { id: `${kind}/${name}`, kind, name, ...(kind === 'k3d-cluster' || kind === 'github-repository' ? {} : { project: 'p' }), ...(zone ? { zone } : {}), createdAt: '2026-11-26T10:30:00Z', state: 'present', ...extra };
}

const k3d = entry('k3d-cluster', 'crossplane', { cluster: 'k3d-crossplane' });
const gke = entry('gke-cluster', 'dev-cluster', { cluster: 'k3d-crossplane' });
const pool = entry('gke-node-pool', 'dev-cluster/main-np', { cluster: 'k3d-crossplane' });
const network = entry('gcp-network', 'dev-network', { cluster: 'k3d-crossplane' });
const lb = entry('gcp-load-balancer', 'a1b2c3', { cluster: 'gke_p_europe-west9-a_dev-cluster' });
const account = entry('gcp-service-account', 'crossplane@p.iam.gserviceaccount.com');
const repo = entry('github-repository', 'octo/devflux');
const lab = [k3d, gke, pool, network, lb, account, repo];

const ids = (entries: LedgerEntry[], options: Parameters<typeof findLeftovers>[1]) => findLeftovers(entries, { now: NOW, ...options }).map((l) => l.entry.id);

describe('findLeftovers', () => {
  it('finds none in a running lab', () => {
    expect(ids(lab, {})).toEqual([]);
  });

  it('when the lab is meant to be down, flags what a teardown always removes, not the account or repository', () => {
    expect(ids(lab, { labDown: true })).toEqual([k3d.id, gke.id, pool.id, network.id, lb.id]);
    const gone = lab.map((e) => (e === gke || e === k3d ? { ...e, state: 'gone' as const } : e));
    expect(ids(gone, { labDown: true })).toEqual([pool.id, network.id, lb.id]);
  });

  it('flags cloud resources whose k3d cluster is gone, and the load balancer whose GKE cluster is gone', () => {
    const noK3d = lab.map((e) => (e === k3d ? { ...e, state: 'gone' as const } : e));
    const found = findLeftovers(noK3d, { now: NOW });
    expect(found.map((l) => l.entry.id)).toEqual([gke.id, pool.id, network.id]);
    expect(found[0]).toMatchObject({ ageMinutes: 90, reason: expect.stringContaining('Crossplane on k3d-crossplane') });
    const noGke = lab.map((e) => (e === gke ? { ...e, state: 'gone' as const } : e));
    expect(ids(noGke, {})).toEqual([lb.id]);
  });

  it('judges entries that name no managing context by the lab\'s own clusters in the ledger', () => {
    const bare = [k3d, { ...gke, cluster: undefined }, { ...network, cluster: undefined }, { ...lb, cluster: undefined }].map(({ cluster, ...e }) => (cluster ? { ...e, cluster } : e));
    expect(ids(bare, {})).toEqual([]);
    expect(ids(bare.map((e) => (e.id === k3d.id ? { ...e, state: 'gone' as const } : e)), {})).toEqual([gke.id, network.id]);
    expect(ids(bare.map((e) => (e.id === gke.id ? { ...e, state: 'gone' as const } : e)), {})).toEqual([lb.id]);
    // A k3d cluster recorded again after the old one went is the control plane again.
    expect(ids([...bare.map((e) => (e.id === k3d.id ? { ...e, state: 'gone' as const } : e)), { ...k3d, id: 'k3d-cluster/second', name: 'second', cluster: 'k3d-second' }], {})).toEqual([]);
  });

  it('flags them when the caller knows Crossplane was removed although the k3d cluster runs', () => {
    expect(ids(lab, { goneControlPlanes: ['k3d-crossplane'] })).toEqual([gke.id, pool.id, network.id]);
  });

  it('never flags what it could not check', () => {
    const unknown = lab.map((e) => ({ ...e, state: 'unknown' as const }));
    expect(ids(unknown, { labDown: true })).toEqual([]);
  });
});

describe('removal commands', () => {
  it('are exact gcloud and k3d commands', () => {
    expect(removalCommands(gke)).toEqual(['gcloud container clusters delete dev-cluster --zone=europe-west9-a --project=p --quiet']);
    expect(removalCommands(pool)).toEqual(['gcloud container node-pools delete main-np --cluster=dev-cluster --zone=europe-west9-a --project=p --quiet']);
    expect(removalCommands(lb)).toEqual(['gcloud compute forwarding-rules delete a1b2c3 --region=europe-west9 --project=p --quiet']);
    expect(removalCommands(entry('gcp-service-account-key', 'sa@p.iam.gserviceaccount.com/keys/abc'))).toEqual([
      'gcloud iam service-accounts keys delete abc --iam-account=sa@p.iam.gserviceaccount.com --project=p --quiet',
    ]);
  });

  it('put lab down --force first, then load balancers before clusters before the network, without pools of deleted clusters', () => {
    const found = findLeftovers([network, pool, gke, lb], { labDown: true, now: NOW });
    expect(leftoverFixes(found)).toEqual([
      'lab down --force',
      'gcloud compute forwarding-rules delete a1b2c3 --region=europe-west9 --project=p --quiet',
      'gcloud container clusters delete dev-cluster --zone=europe-west9-a --project=p --quiet',
      'gcloud compute networks delete dev-network --project=p --quiet',
    ]);
    expect(leftoverFixes([])).toEqual([]);
  });
});

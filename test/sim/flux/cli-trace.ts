import type { ToolIo } from '../bin/tool-io.js';
import type { KubeObject } from '../kube/types.js';
import { CliError } from './cli-output.js';
import type { KubeClient } from './kube-client.js';
import { GIT_REPOSITORY, HELM_RELEASE, KUSTOMIZATION, readyCondition } from './meta.js';

/** `flux trace`: which Flux objects manage an object, in the fixed-column report of cmd/flux/trace.go. */

const KINDS: Record<string, { apiVersion: string; kind: string }> = {
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  service: { apiVersion: 'v1', kind: 'Service' },
  configmap: { apiVersion: 'v1', kind: 'ConfigMap' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
  serviceaccount: { apiVersion: 'v1', kind: 'ServiceAccount' },
  helmrelease: HELM_RELEASE,
  kustomization: KUSTOMIZATION,
  gitrepository: GIT_REPOSITORY,
  helmrepository: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository' },
  sealedsecret: { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret' },
};

const field = (label: string, value: string): string => `${`${label}:`.padEnd(17)}${value}\n`;

/** Go's default `time.Time` format, in UTC. */
function goTime(iso: string | undefined): string {
  if (!iso) return 'Unknown';
  const d = new Date(iso);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

function statusLine(object: KubeObject): string {
  const ready = readyCondition(object);
  return ready ? `Last reconciled at ${goTime(ready.lastTransitionTime)}` : 'Unknown';
}

export async function trace(io: ToolIo, client: KubeClient, args: string[], namespace: string): Promise<void> {
  const [first = '', second] = args;
  const [kindWord, name] = second ? [first, second] : first.split('/');
  const kind = KINDS[(kindWord ?? '').toLowerCase().replace(/s$/, '')];
  if (!kind || !name) throw new CliError('object name and kind are required, e.g. flux trace deployment podinfo -n default');
  const object = await client.get(kind.apiVersion, kind.kind, namespace, name);
  if (!object) throw new CliError(`failed to find object: ${kind.kind.toLowerCase()}s "${name}" not found`);
  const labels = object.metadata.labels ?? {};
  const ksName = labels['kustomize.toolkit.fluxcd.io/name'];
  const hrName = labels['helm.toolkit.fluxcd.io/name'];
  if (!ksName && !hrName) throw new CliError('object not managed by Flux');
  let out = '\n';
  out += field('Object', `${kind.kind}/${name}`);
  if (object.metadata.namespace) out += field('Namespace', object.metadata.namespace);
  out += field('Status', 'Managed by Flux');
  let owner: KubeObject | undefined;
  if (hrName) {
    const hr = await client.get(HELM_RELEASE.apiVersion, HELM_RELEASE.kind, labels['helm.toolkit.fluxcd.io/namespace'], hrName);
    if (hr) {
      const spec = (hr.spec ?? {}) as { chart?: { spec?: { chart?: string; version?: string } } };
      out += '---\n' + field('HelmRelease', hrName) + field('Namespace', hr.metadata.namespace ?? '');
      out += field('Revision', String(((hr.status ?? {}) as { history?: Array<{ chartVersion?: string }> }).history?.[0]?.chartVersion ?? ''));
      out += field('Status', statusLine(hr)) + field('Message', readyCondition(hr)?.message ?? '');
      out += field('Chart', `${spec.chart?.spec?.chart ?? ''}`) + field('Version', spec.chart?.spec?.version ?? '');
      owner = hr;
    }
  }
  const ks = ksName
    ? await client.get(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, labels['kustomize.toolkit.fluxcd.io/namespace'], ksName)
    : owner?.metadata.labels?.['kustomize.toolkit.fluxcd.io/name']
      ? await client.get(KUSTOMIZATION.apiVersion, KUSTOMIZATION.kind, owner.metadata.labels['kustomize.toolkit.fluxcd.io/namespace'], owner.metadata.labels['kustomize.toolkit.fluxcd.io/name'])
      : undefined;
  if (ks) {
    const spec = (ks.spec ?? {}) as { path?: string; targetNamespace?: string; sourceRef?: { kind: string; name: string; namespace?: string } };
    out += '---\n' + field('Kustomization', ks.metadata.name) + field('Namespace', ks.metadata.namespace ?? '');
    if (spec.targetNamespace) out += field('Target', spec.targetNamespace);
    out += field('Path', spec.path ?? '') + field('Revision', String(((ks.status ?? {}) as { lastAppliedRevision?: string }).lastAppliedRevision ?? ''));
    out += field('Status', statusLine(ks)) + field('Message', readyCondition(ks)?.message ?? '');
    if (spec.sourceRef?.kind === 'GitRepository') {
      const source = await client.get(GIT_REPOSITORY.apiVersion, GIT_REPOSITORY.kind, spec.sourceRef.namespace ?? ks.metadata.namespace, spec.sourceRef.name);
      if (source) {
        const sSpec = (source.spec ?? {}) as { url?: string; ref?: { branch?: string } };
        out += '---\n' + field('GitRepository', source.metadata.name) + field('Namespace', source.metadata.namespace ?? '');
        out += field('URL', sSpec.url ?? '') + field('Branch', sSpec.ref?.branch ?? '');
        out += field('Revision', String(((source.status ?? {}) as { artifact?: { revision?: string } }).artifact?.revision ?? ''));
        out += field('Status', statusLine(source)) + field('Message', readyCondition(source)?.message ?? '');
      }
    }
  }
  io.stdout.write(out);
}

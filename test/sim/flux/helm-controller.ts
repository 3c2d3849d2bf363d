import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/types.js';
import { realDurations } from '../world/durations.js';
import { installChart } from './charts.js';
import { conditionsOf, FORCE_AT, formatGoDuration, HELM_RELEASE, HELM_REPOSITORY, isReady, mergeConditions, nowIso, parseGoDuration, patchStatus, REQUESTED_AT, RESET_AT, safeGet, type Condition } from './meta.js';
import type { ControllerRuntime, ReconcileResult } from './runtime.js';

/** helm-controller: a HelmRelease installs its chart's simulated workloads after a scaled delay. */

interface HelmReleaseSpec {
  interval?: string;
  timeout?: string;
  suspend?: boolean;
  releaseName?: string;
  targetNamespace?: string;
  chart?: { spec?: { chart: string; version?: string; sourceRef: { kind: string; name: string; namespace?: string } } };
  /** A chart published as an OCI artifact, through an OCIRepository (instead of `chart.spec`). */
  chartRef?: { kind: string; name: string; namespace?: string };
  values?: Record<string, unknown>;
  dependsOn?: Array<{ name: string; namespace?: string }>;
}

interface Snapshot {
  chartName: string;
  chartVersion: string;
  version: number;
  status: string;
  name: string;
  namespace: string;
  firstDeployed: string;
  lastDeployed: string;
  configDigest: string;
  digest: string;
}

interface HelmReleaseStatus {
  history?: Snapshot[];
  installFailures?: number;
  upgradeFailures?: number;
  failures?: number;
  lastHandledForceAt?: string;
  lastHandledResetAt?: string;
}

/** Stalled after a failed install or upgrade of this generation: the default remediation retries none. */
function retriesExhausted(object: KubeObject, generation: number): boolean {
  return conditionsOf(object).some((c) => c.type === 'Stalled' && c.status === 'True' && c.reason === 'RetriesExceeded' && c.observedGeneration === generation);
}

/** Charts whose workloads this runtime has started (a restarted world starts them again). */
const started = new WeakMap<ControllerRuntime, Set<string>>();

export async function reconcileHelmRelease(rt: ControllerRuntime, object: KubeObject): Promise<ReconcileResult> {
  const spec = object.spec as HelmReleaseSpec;
  const { namespace = 'default', name } = object.metadata;
  const generation = object.metadata.generation ?? 1;
  const interval = parseGoDuration(spec.interval, 600);
  const timeout = parseGoDuration(spec.timeout, 300);
  if (spec.suspend) return {};
  const status = (object.status ?? {}) as HelmReleaseStatus;
  const requested = object.metadata.annotations?.[REQUESTED_AT];
  const forced = object.metadata.annotations?.[FORCE_AT];
  const reset = object.metadata.annotations?.[RESET_AT];
  const write = (updates: Array<Omit<Condition, 'lastTransitionTime'>>, extra: Record<string, unknown> = {}): void => {
    patchStatus(rt.store, HELM_RELEASE, namespace, name, (status, current) => ({
      ...status,
      ...extra,
      ...(requested ? { lastHandledReconcileAt: requested } : {}),
      ...(forced ? { lastHandledForceAt: forced } : {}),
      ...(reset ? { lastHandledResetAt: reset } : {}),
      observedGeneration: generation,
      // Any outcome but a failed install or upgrade ends a stall.
      conditions: mergeConditions(conditionsOf(current).filter((c) => c.type !== 'Stalled' || updates.some((u) => u.type === 'Stalled')), updates, generation),
    }));
  };
  if (retriesExhausted(object, generation) && !(forced && forced !== status.lastHandledForceAt) && !(reset && reset !== status.lastHandledResetAt)) {
    // helm-controller's default remediation is no retry: a failed install stays failed until the
    // desired state changes or someone asks (`flux reconcile helmrelease --force` or `--reset`).
    // A plain reconcile request is answered with the same failure.
    patchStatus(rt.store, HELM_RELEASE, namespace, name, (current) => ({ ...current, ...(requested ? { lastHandledReconcileAt: requested } : {}) }));
    return {};
  }

  for (const dep of spec.dependsOn ?? []) {
    const depNs = dep.namespace ?? namespace;
    if (!isReady(safeGet(rt.store, HELM_RELEASE.apiVersion, HELM_RELEASE.kind, depNs, dep.name))) {
      write([{ type: 'Ready', status: 'False', reason: 'DependencyNotReady', message: `dependency '${depNs}/${dep.name}' is not ready` }]);
      return { requeueAfter: realDurations.fluxRequeueDependency };
    }
  }
  let chartSpec = spec.chart?.spec;
  if (!chartSpec && spec.chartRef) {
    const resolved = resolveChartRef(rt, spec.chartRef, namespace);
    if ('message' in resolved) {
      write([{ type: 'Ready', status: 'False', reason: 'ArtifactFailed', message: resolved.message }]);
      return { requeueAfter: 5 };
    }
    chartSpec = resolved;
  }
  if (!chartSpec) {
    write([{ type: 'Ready', status: 'False', reason: 'InvalidChartReference', message: 'could not get chart reference: spec.chart.spec is empty' }]);
    return {};
  }
  const repoNs = chartSpec.sourceRef.namespace ?? namespace;
  const repo = chartSpec.sourceRef.kind === OCI_REPOSITORY.kind ? safeGet(rt.store, OCI_REPOSITORY.apiVersion, OCI_REPOSITORY.kind, repoNs, chartSpec.sourceRef.name) : safeGet(rt.store, HELM_REPOSITORY.apiVersion, chartSpec.sourceRef.kind, repoNs, chartSpec.sourceRef.name);
  if (!isReady(repo)) {
    write([{ type: 'Ready', status: 'Unknown', reason: 'Progressing', message: `HelmChart '${repoNs}/${repoNs}-${name}' is not ready: latest generation of object has not been reconciled` }]);
    return { requeueAfter: 5 };
  }
  const version = chartSpec.version && /^\d/.test(chartSpec.version) ? chartSpec.version : '1.0.0';
  const targetNamespace = spec.targetNamespace ?? namespace;
  const releaseName = spec.releaseName ?? (spec.targetNamespace ? `${spec.targetNamespace}-${name}` : name);
  const values = spec.values ?? {};
  const configDigest = `sha256:${createHash('sha256').update(JSON.stringify(values)).digest('hex')}`;
  const last = status.history?.[0];
  const key = `${namespace}/${name}`;
  const running = started.get(rt) ?? new Set<string>();
  started.set(rt, running);
  const chartContext = {
    store: rt.store,
    server: rt.server,
    clock: rt.clock,
    faults: rt.faults,
    clusterId: rt.clusterId,
    ...(rt.gcp ? { gcp: rt.gcp } : {}),
    ...(rt.sealingKeyBits ? { sealingKeyBits: rt.sealingKeyBits } : {}),
    takeSealingKeyPair: rt.takeSealingKeyPair,
    release: { name: releaseName, namespace, targetNamespace, chart: chartSpec.chart, version, values },
    ownerLabels: { 'app.kubernetes.io/managed-by': 'Helm', 'helm.toolkit.fluxcd.io/name': name, 'helm.toolkit.fluxcd.io/namespace': namespace },
    onStop: rt.onStop,
    onCrash: rt.onCrash,
  };

  if (last && last.status === 'deployed' && last.chartName === chartSpec.chart && last.chartVersion === version && last.configDigest === configDigest) {
    if (!running.has(key)) {
      await installChart(chartContext);
      running.add(key);
    }
    write([]);
    return { requeueAfter: interval };
  }

  const action = last ? 'upgrade' : 'install';
  const releaseId = `${targetNamespace}/${releaseName}`;
  write([{ type: 'Ready', status: 'Unknown', reason: 'Progressing', message: `Running '${action}' action with timeout of ${formatGoDuration(timeout)}` }]);
  if (rt.faults.has('helmrelease-never-ready')) {
    await rt.clock.after(timeout);
    const message = `Helm ${action} failed for release ${releaseId} with chart ${chartSpec.chart}@${version}: context deadline exceeded`;
    rt.log('helm-controller', 'error', object, 'Reconciler error', message);
    // A reset request starts the count again, as if this were the first attempt.
    const counted = reset && reset !== status.lastHandledResetAt ? {} : status;
    const failures = (action === 'install' ? counted.installFailures : counted.upgradeFailures) ?? 0;
    write(
      [
        { type: 'Ready', status: 'False', reason: action === 'install' ? 'InstallFailed' : 'UpgradeFailed', message },
        { type: 'Released', status: 'False', reason: action === 'install' ? 'InstallFailed' : 'UpgradeFailed', message },
        { type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: `Failed to ${action} after ${failures + 1} attempt(s)` },
      ],
      { [action === 'install' ? 'installFailures' : 'upgradeFailures']: failures + 1, failures: (counted.failures ?? 0) + 1 },
    );
    return {};
  }
  await rt.clock.wait('helmReleaseReady');
  // Marked only once installed: a chart whose install throws is tried again on the next reconcile
  // instead of being reported as deployed.
  if (!running.has(key)) {
    await installChart(chartContext);
    running.add(key);
  }
  const revisionNumber = (last?.version ?? 0) + 1;
  const message = `Helm ${action} succeeded for release ${releaseId}.v${revisionNumber} with chart ${chartSpec.chart}@${version}`;
  const at = nowIso();
  const snapshot: Snapshot = { chartName: chartSpec.chart, chartVersion: version, version: revisionNumber, status: 'deployed', name: releaseName, namespace: targetNamespace, firstDeployed: last?.firstDeployed ?? at, lastDeployed: at, configDigest, digest: `sha256:${createHash('sha256').update(`${releaseId}.v${revisionNumber}|${chartSpec.chart}@${version}|${configDigest}`).digest('hex')}` };
  rt.log('helm-controller', 'info', object, message);
  const reason = action === 'install' ? 'InstallSucceeded' : 'UpgradeSucceeded';
  write(
    [
      { type: 'Ready', status: 'True', reason, message },
      { type: 'Released', status: 'True', reason, message },
    ],
    { history: [snapshot, ...(status.history ?? []).map((h) => ({ ...h, status: 'superseded' }))].slice(0, 5), installFailures: 0, upgradeFailures: 0, failures: 0, lastAttemptedRevision: version, lastAttemptedConfigDigest: configDigest, lastAttemptedGeneration: generation, storageNamespace: targetNamespace, helmChart: `${repoNs}/${repoNs}-${name}` },
  );
  return { requeueAfter: interval };
}

const OCI_REPOSITORY = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository' } as const;

/**
 * `spec.chartRef` to an OCIRepository: the chart is the artifact itself, named after the last
 * segment of its URL, at the tag or semver the source pins. The world has no OCI registry, so
 * the source is judged stored once it exists, as source-controller would after pulling it.
 */
function resolveChartRef(rt: ControllerRuntime, ref: { kind: string; name: string; namespace?: string }, namespace: string): NonNullable<NonNullable<HelmReleaseSpec["chart"]>["spec"]> | { message: string } {
  const ns = ref.namespace ?? namespace;
  if (ref.kind !== OCI_REPOSITORY.kind) return { message: `could not get HelmChart object: unsupported chartRef kind '${ref.kind}'` };
  const source = safeGet(rt.store, OCI_REPOSITORY.apiVersion, OCI_REPOSITORY.kind, ns, ref.name);
  if (!source) return { message: `could not get HelmChart object: OCIRepository.source.toolkit.fluxcd.io "${ref.name}" not found` };
  const spec = (source.spec ?? {}) as { url?: string; ref?: { tag?: string; semver?: string } };
  const version = spec.ref?.tag ?? spec.ref?.semver?.replace(/^[^0-9]*/, '') ?? 'latest';
  if (!isReady(source)) {
    const digest = createHash('sha256').update(`${spec.url ?? ''}:${version}`).digest('hex');
    const message = `stored artifact for digest '${version}@sha256:${digest}'`;
    patchStatus(rt.store, OCI_REPOSITORY, ns, ref.name, (status, current) => ({
      ...status,
      observedGeneration: source.metadata.generation ?? 1,
      url: `http://source-controller.flux-system.svc.cluster.local./ocirepository/${ns}/${ref.name}/${digest}.tar.gz`,
      artifact: { digest: `sha256:${digest}`, lastUpdateTime: nowIso(), path: `ocirepository/${ns}/${ref.name}/${digest}.tar.gz`, revision: `${version}@sha256:${digest}`, size: 65536, url: `http://source-controller.flux-system.svc.cluster.local./ocirepository/${ns}/${ref.name}/${digest}.tar.gz` },
      conditions: mergeConditions(conditionsOf(current), [
        { type: 'Ready', status: 'True', reason: 'Succeeded', message },
        { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message },
      ], source.metadata.generation ?? 1),
    }));
  }
  const chart = (spec.url ?? ref.name).replace(/\/+$/, '').split('/').pop() ?? ref.name;
  return { chart, version, sourceRef: { kind: OCI_REPOSITORY.kind, name: ref.name, namespace: ns } };
}

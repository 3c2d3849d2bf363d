import { evaluateJsonPath } from './jsonpath.js';
import { isMap } from './patch.js';
import type { KubeObject, ServedType } from './types.js';

/** kubectl's relative age (apimachinery `HumanDuration`): `5s`, `3m2s`, `60m`, `7h5m`, `25h`, `3d4h`, `400d`, `2y3d`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

export function age(timestamp: unknown, nowMs = Date.now()): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  return humanDuration(nowMs - Date.parse(timestamp));
}

interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  cell: (o: KubeObject) => unknown;
}

const NAME_COLUMN: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const AGE_COLUMN: Column = { name: 'Age', type: 'string', cell: (o) => age(o.metadata.creationTimestamp) };

function get(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const seg of path) cur = isMap(cur) ? cur[seg] : undefined;
  return cur;
}

function list(o: unknown, ...path: string[]): unknown[] {
  const v = get(o, ...path);
  return Array.isArray(v) ? v : [];
}

function condition(o: KubeObject, type: string): Record<string, unknown> | undefined {
  return list(o, 'status', 'conditions').find((c) => isMap(c) && c.type === type) as Record<string, unknown> | undefined;
}

function podStatus(o: KubeObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  for (const cs of list(o, 'status', 'containerStatuses')) {
    const waiting = get(cs, 'state', 'waiting', 'reason');
    if (typeof waiting === 'string' && waiting !== '') return waiting;
    const terminated = get(cs, 'state', 'terminated', 'reason');
    if (typeof terminated === 'string' && terminated !== '') return terminated;
  }
  return String(get(o, 'status', 'reason') ?? get(o, 'status', 'phase') ?? 'Pending');
}

function servicePorts(o: KubeObject): string {
  const ports = list(o, 'spec', 'ports').map((p) => {
    const node = get(p, 'nodePort');
    return `${String(get(p, 'port'))}${node ? `:${String(node)}` : ''}/${String(get(p, 'protocol') ?? 'TCP')}`;
  });
  return ports.length ? ports.join(',') : '<none>';
}

function serviceExternalIp(o: KubeObject): string {
  const type = get(o, 'spec', 'type');
  const ingress = list(o, 'status', 'loadBalancer', 'ingress').map((i) => String(get(i, 'ip') ?? get(i, 'hostname') ?? ''));
  const external = list(o, 'spec', 'externalIPs').map(String);
  if (type === 'LoadBalancer') return [...ingress, ...external].join(',') || '<pending>';
  if (type === 'ExternalName') return String(get(o, 'spec', 'externalName') ?? '<none>');
  return external.join(',') || '<none>';
}

function nodeRoles(o: KubeObject): string {
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .sort();
  return roles.length ? roles.join(',') : '<none>';
}

/** The columns the real server's table convertor prints for the common built-in kinds. */
const BUILTIN_COLUMNS: Record<string, Column[]> = {
  Namespace: [NAME_COLUMN, { name: 'Status', type: 'string', cell: (o) => get(o, 'status', 'phase') ?? 'Active' }, AGE_COLUMN],
  Node: [
    NAME_COLUMN,
    { name: 'Status', type: 'string', cell: (o) => `${get(condition(o, 'Ready'), 'status') === 'True' ? 'Ready' : 'NotReady'}${get(o, 'spec', 'unschedulable') ? ',SchedulingDisabled' : ''}` },
    { name: 'Roles', type: 'string', cell: nodeRoles },
    AGE_COLUMN,
    { name: 'Version', type: 'string', cell: (o) => get(o, 'status', 'nodeInfo', 'kubeletVersion') ?? '' },
    { name: 'Internal-IP', type: 'string', priority: 1, cell: (o) => get(list(o, 'status', 'addresses').find((a) => get(a, 'type') === 'InternalIP'), 'address') ?? '<none>' },
    { name: 'External-IP', type: 'string', priority: 1, cell: (o) => get(list(o, 'status', 'addresses').find((a) => get(a, 'type') === 'ExternalIP'), 'address') ?? '<none>' },
    { name: 'OS-Image', type: 'string', priority: 1, cell: (o) => get(o, 'status', 'nodeInfo', 'osImage') ?? '<unknown>' },
    { name: 'Kernel-Version', type: 'string', priority: 1, cell: (o) => get(o, 'status', 'nodeInfo', 'kernelVersion') ?? '<unknown>' },
    { name: 'Container-Runtime', type: 'string', priority: 1, cell: (o) => get(o, 'status', 'nodeInfo', 'containerRuntimeVersion') ?? '<unknown>' },
  ],
  Pod: [
    NAME_COLUMN,
    { name: 'Ready', type: 'string', cell: (o) => `${list(o, 'status', 'containerStatuses').filter((c) => get(c, 'ready') === true).length}/${list(o, 'spec', 'containers').length}` },
    { name: 'Status', type: 'string', cell: podStatus },
    { name: 'Restarts', type: 'string', cell: (o) => String(list(o, 'status', 'containerStatuses').reduce((n: number, c) => n + Number(get(c, 'restartCount') ?? 0), 0)) },
    AGE_COLUMN,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => get(o, 'status', 'podIP') ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => get(o, 'spec', 'nodeName') ?? '<none>' },
  ],
  Service: [
    NAME_COLUMN,
    { name: 'Type', type: 'string', cell: (o) => get(o, 'spec', 'type') ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => get(o, 'spec', 'clusterIP') ?? '<none>' },
    { name: 'External-IP', type: 'string', cell: serviceExternalIp },
    { name: 'Port(s)', type: 'string', cell: servicePorts },
    AGE_COLUMN,
    { name: 'Selector', type: 'string', priority: 1, cell: (o) => Object.entries((get(o, 'spec', 'selector') as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>' },
  ],
  Deployment: [
    NAME_COLUMN,
    { name: 'Ready', type: 'string', cell: (o) => `${Number(get(o, 'status', 'readyReplicas') ?? 0)}/${Number(get(o, 'spec', 'replicas') ?? 1)}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => Number(get(o, 'status', 'updatedReplicas') ?? 0) },
    { name: 'Available', type: 'integer', cell: (o) => Number(get(o, 'status', 'availableReplicas') ?? 0) },
    AGE_COLUMN,
  ],
  StatefulSet: [NAME_COLUMN, { name: 'Ready', type: 'string', cell: (o) => `${Number(get(o, 'status', 'readyReplicas') ?? 0)}/${Number(get(o, 'spec', 'replicas') ?? 1)}` }, AGE_COLUMN],
  ReplicaSet: [
    NAME_COLUMN,
    { name: 'Desired', type: 'integer', cell: (o) => Number(get(o, 'spec', 'replicas') ?? 1) },
    { name: 'Current', type: 'integer', cell: (o) => Number(get(o, 'status', 'replicas') ?? 0) },
    { name: 'Ready', type: 'integer', cell: (o) => Number(get(o, 'status', 'readyReplicas') ?? 0) },
    AGE_COLUMN,
  ],
  DaemonSet: [
    NAME_COLUMN,
    { name: 'Desired', type: 'integer', cell: (o) => Number(get(o, 'status', 'desiredNumberScheduled') ?? 0) },
    { name: 'Current', type: 'integer', cell: (o) => Number(get(o, 'status', 'currentNumberScheduled') ?? 0) },
    { name: 'Ready', type: 'integer', cell: (o) => Number(get(o, 'status', 'numberReady') ?? 0) },
    { name: 'Up-to-date', type: 'integer', cell: (o) => Number(get(o, 'status', 'updatedNumberScheduled') ?? 0) },
    { name: 'Available', type: 'integer', cell: (o) => Number(get(o, 'status', 'numberAvailable') ?? 0) },
    { name: 'Node Selector', type: 'string', cell: (o) => Object.entries((get(o, 'spec', 'template', 'spec', 'nodeSelector') as Record<string, string> | undefined) ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>' },
    AGE_COLUMN,
  ],
  Secret: [NAME_COLUMN, { name: 'Type', type: 'string', cell: (o) => o.type ?? 'Opaque' }, { name: 'Data', type: 'integer', cell: (o) => Object.keys(isMap(o.data) ? o.data : {}).length }, AGE_COLUMN],
  ConfigMap: [NAME_COLUMN, { name: 'Data', type: 'integer', cell: (o) => Object.keys(isMap(o.data) ? o.data : {}).length + Object.keys(isMap(o.binaryData) ? o.binaryData : {}).length }, AGE_COLUMN],
  ServiceAccount: [NAME_COLUMN, { name: 'Secrets', type: 'integer', cell: (o) => (Array.isArray(o.secrets) ? o.secrets.length : 0) }, AGE_COLUMN],
  Endpoints: [
    NAME_COLUMN,
    { name: 'Endpoints', type: 'string', cell: (o) => list(o, 'subsets').flatMap((s) => list(s, 'addresses').flatMap((a) => list(s, 'ports').map((p) => `${String(get(a, 'ip'))}:${String(get(p, 'port'))}`))).join(',') || '<none>' },
    AGE_COLUMN,
  ],
  Event: [
    { name: 'Last Seen', type: 'string', cell: (o) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp) },
    { name: 'Type', type: 'string', cell: (o) => o.type ?? '' },
    { name: 'Reason', type: 'string', cell: (o) => o.reason ?? '' },
    { name: 'Object', type: 'string', cell: (o) => `${String(get(o, 'involvedObject', 'kind') ?? '').toLowerCase()}/${String(get(o, 'involvedObject', 'name') ?? '')}` },
    { name: 'Message', type: 'string', cell: (o) => o.message ?? '' },
  ],
  CustomResourceDefinition: [NAME_COLUMN, { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp }],
};

function printerColumnsOf(type: ServedType): Column[] {
  const declared = type.printerColumns ?? [];
  if (!type.crd) return BUILTIN_COLUMNS[type.kind] ?? [NAME_COLUMN, AGE_COLUMN];
  if (declared.length === 0) return [NAME_COLUMN, AGE_COLUMN];
  return [
    NAME_COLUMN,
    ...declared.map((c): Column => ({
      name: c.name,
      type: c.type,
      ...(c.format ? { format: c.format } : {}),
      priority: c.priority ?? 0,
      cell: (o) => {
        const values = evaluateJsonPath(o, c.jsonPath);
        if (values.length === 0) return null;
        if (c.type === 'date') return age(values[0]);
        return values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : v)).join(', ');
      },
    })),
  ];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** A `meta.k8s.io/v1` Table as kubectl asks for with `Accept: ...;as=Table;...`. */
export function toTable(type: ServedType, objects: KubeObject[], resourceVersion: string, include: IncludeObject = 'Metadata'): Record<string, unknown> {
  const columns = printerColumnsOf(type);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: '', priority: c.priority ?? 0 })),
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: columns.map((c) => c.cell(o) ?? null) };
      const object = rowObject(o, include);
      if (object) row.object = object;
      return row;
    }),
  };
}

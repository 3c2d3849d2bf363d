import type { ServedType } from './types.js';

/**
 * The built-in kinds the lab touches, with the short names real discovery declares (kubectl learns
 * short names only from discovery) and whether the kind has a status subresource.
 */
function t(group: string, version: string, kind: string, plural: string, namespaced: boolean, shortNames: string[], hasStatusSubresource: boolean, categories?: string[]): ServedType {
  return { group, version, kind, plural, namespaced, shortNames, hasStatusSubresource, ...(categories ? { categories } : {}) };
}

export const BUILTIN_TYPES: ServedType[] = [
  t('', 'v1', 'Namespace', 'namespaces', false, ['ns'], true),
  t('', 'v1', 'Node', 'nodes', false, ['no'], true),
  t('', 'v1', 'Pod', 'pods', true, ['po'], true, ['all']),
  t('', 'v1', 'Service', 'services', true, ['svc'], true, ['all']),
  t('', 'v1', 'Secret', 'secrets', true, [], false),
  t('', 'v1', 'ConfigMap', 'configmaps', true, ['cm'], false),
  t('', 'v1', 'ServiceAccount', 'serviceaccounts', true, ['sa'], false),
  t('', 'v1', 'Event', 'events', true, ['ev'], false),
  t('', 'v1', 'Endpoints', 'endpoints', true, ['ep'], false),
  t('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], true),
  t('apps', 'v1', 'Deployment', 'deployments', true, ['deploy'], true, ['all']),
  t('apps', 'v1', 'StatefulSet', 'statefulsets', true, ['sts'], true, ['all']),
  t('apps', 'v1', 'DaemonSet', 'daemonsets', true, ['ds'], true, ['all']),
  t('apps', 'v1', 'ReplicaSet', 'replicasets', true, ['rs'], true, ['all']),
  t('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds'], true),
  t('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false, [], false),
  t('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false, [], false),
  t('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true, [], false),
  t('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true, [], false),
  t('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, ['netpol'], false),
  t('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, ['ing'], true),
  t('coordination.k8s.io', 'v1', 'Lease', 'leases', true, [], false),
  t('batch', 'v1', 'Job', 'jobs', true, [], true, ['all']),
];

/** Built-in kinds take strategic merge patches; custom resources only JSON and merge patches. */
export function isBuiltinGroup(group: string): boolean {
  return BUILTIN_TYPES.some((b) => b.group === group);
}

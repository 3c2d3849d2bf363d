import { randomInt } from 'node:crypto';
import { isMap } from './patch.js';
import type { FieldCause } from './schema.js';
import type { KubeObject, ServedType } from './types.js';

/**
 * Loose, structural checks for built-in kinds: the required fields the real server insists on and
 * the type of values, not the full Kubernetes validation.
 */
export function validateBuiltin(type: ServedType, object: KubeObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const required = (field: string): void => { causes.push({ reason: 'FieldValueRequired', field, message: 'Required value' }); };
  const spec = isMap(object.spec) ? object.spec : undefined;
  switch (type.kind) {
    case 'Pod': {
      const containers = spec?.containers;
      if (!Array.isArray(containers) || containers.length === 0) required('spec.containers');
      else containers.forEach((c, i) => {
        if (!isMap(c) || typeof c.name !== 'string' || c.name === '') required(`spec.containers[${i}].name`);
        if (!isMap(c) || typeof c.image !== 'string' || c.image === '') required(`spec.containers[${i}].image`);
      });
      break;
    }
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet':
      if (!isMap(spec?.selector)) required('spec.selector');
      if (!isMap(spec?.template)) required('spec.template');
      break;
    case 'Service': {
      const ports = spec?.ports;
      if (Array.isArray(ports)) ports.forEach((p, i) => { if (!isMap(p) || typeof p.port !== 'number') required(`spec.ports[${i}].port`); });
      break;
    }
    case 'Secret': case 'ConfigMap': {
      const data = object.data;
      if (data !== undefined && !isMap(data)) causes.push({ reason: 'FieldValueTypeInvalid', field: 'data', message: 'Invalid value: must be a map of strings' });
      else for (const [k, v] of Object.entries(data ?? {})) {
        if (typeof v !== 'string') causes.push({ reason: 'FieldValueTypeInvalid', field: `data[${k}]`, message: 'Invalid value: must be a string' });
        else if (type.kind === 'Secret' && !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) causes.push({ reason: 'FieldValueInvalid', field: `data[${k}]`, message: 'Invalid value: illegal base64 data' });
      }
      break;
    }
  }
  return causes;
}

/** Server-side defaults of built-in kinds that kubectl output and the lab's checks rely on. */
export function defaultBuiltin(type: ServedType, object: KubeObject): void {
  const spec = isMap(object.spec) ? object.spec : undefined;
  switch (type.kind) {
    case 'Namespace':
      object.metadata.labels = { ...(object.metadata.labels ?? {}), 'kubernetes.io/metadata.name': object.metadata.name };
      object.spec = { finalizers: ['kubernetes'], ...(spec ?? {}) };
      if (!isMap(object.status)) object.status = { phase: 'Active' };
      break;
    case 'Secret':
      // stringData is write-only: the server folds it into base64 data.
      if (isMap(object.stringData)) {
        const data: Record<string, unknown> = isMap(object.data) ? { ...object.data } : {};
        for (const [k, v] of Object.entries(object.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
        object.data = data;
        delete object.stringData;
      }
      object.type ??= 'Opaque';
      break;
    case 'Service': {
      const s = spec ?? {};
      s.type ??= 'ClusterIP';
      if (s.type !== 'ExternalName' && s.clusterIP === undefined) {
        s.clusterIP = `10.43.${randomInt(1, 255)}.${randomInt(1, 255)}`;
        s.clusterIPs = [s.clusterIP];
      }
      if (Array.isArray(s.ports)) for (const p of s.ports) if (isMap(p)) { p.protocol ??= 'TCP'; p.targetPort ??= p.port; }
      object.spec = s;
      if (!isMap(object.status)) object.status = { loadBalancer: {} };
      break;
    }
    case 'Deployment': case 'StatefulSet': case 'ReplicaSet':
      if (spec) spec.replicas ??= 1;
      break;
    case 'Pod':
      if (!isMap(object.status)) object.status = { phase: 'Pending' };
      break;
  }
}

/** Values the server allocated (a service's cluster IP) survive an update that leaves them out. */
export function keepAllocatedFields(type: ServedType, current: KubeObject, next: KubeObject): void {
  if (type.kind !== 'Service' || !isMap(current.spec) || !isMap(next.spec)) return;
  if (next.spec.clusterIP === undefined && current.spec.clusterIP !== undefined) {
    next.spec.clusterIP = current.spec.clusterIP;
    next.spec.clusterIPs = current.spec.clusterIPs;
  }
}

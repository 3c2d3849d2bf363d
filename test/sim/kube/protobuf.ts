import { KubeError, type KubeObject } from './types.js';

/**
 * Decoder for the Kubernetes protobuf request bodies kubectl's typed clients send (`kubectl create
 * namespace|secret|configmap|serviceaccount` post `application/vnd.kubernetes.protobuf`, and client-go
 * does not fall back to JSON). Covers only those kinds' fields, from the k8s.io/api generated.proto
 * field numbers; any other protobuf body is answered 415 by the caller.
 */
type FieldType = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'map<string,string>' | 'map<string,bytes>' | Message;
interface FieldSpec { name: string; type: FieldType; repeated?: boolean }
interface Message { [field: number]: FieldSpec }

const OWNER_REFERENCE: Message = {
  1: { name: 'kind', type: 'string' }, 3: { name: 'name', type: 'string' }, 4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' }, 6: { name: 'controller', type: 'bool' }, 7: { name: 'blockOwnerDeletion', type: 'bool' },
};
const OBJECT_META: Message = {
  1: { name: 'name', type: 'string' }, 2: { name: 'generateName', type: 'string' }, 3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' }, 6: { name: 'resourceVersion', type: 'string' }, 7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' }, 9: { name: 'deletionTimestamp', type: 'time' }, 10: { name: 'deletionGracePeriodSeconds', type: 'int' },
  11: { name: 'labels', type: 'map<string,string>' }, 12: { name: 'annotations', type: 'map<string,string>' },
  13: { name: 'ownerReferences', type: OWNER_REFERENCE, repeated: true }, 14: { name: 'finalizers', type: 'string', repeated: true },
};
const OBJECT_REFERENCE: Message = {
  1: { name: 'kind', type: 'string' }, 2: { name: 'namespace', type: 'string' }, 3: { name: 'name', type: 'string' }, 4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' }, 6: { name: 'resourceVersion', type: 'string' }, 7: { name: 'fieldPath', type: 'string' },
};

const KINDS: Record<string, Message> = {
  Namespace: {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'spec', type: { 1: { name: 'finalizers', type: 'string', repeated: true } } },
    3: { name: 'status', type: { 1: { name: 'phase', type: 'string' } } },
  },
  Secret: {
    1: { name: 'metadata', type: OBJECT_META }, 2: { name: 'data', type: 'map<string,bytes>' }, 3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'map<string,string>' }, 5: { name: 'immutable', type: 'bool' },
  },
  ConfigMap: {
    1: { name: 'metadata', type: OBJECT_META }, 2: { name: 'data', type: 'map<string,string>' }, 3: { name: 'binaryData', type: 'map<string,bytes>' },
    4: { name: 'immutable', type: 'bool' },
  },
  ServiceAccount: {
    1: { name: 'metadata', type: OBJECT_META }, 2: { name: 'secrets', type: OBJECT_REFERENCE, repeated: true },
    3: { name: 'imagePullSecrets', type: { 1: { name: 'name', type: 'string' } }, repeated: true }, 4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
};

interface RawField { field: number; wire: number; value: bigint | Buffer }

function readFields(buf: Buffer): RawField[] {
  const out: RawField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const byte = buf[pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ field, wire, value: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 1) { out.push({ field, wire, value: buf.subarray(pos, pos + 8) }); pos += 8; }
    else if (wire === 5) { out.push({ field, wire, value: buf.subarray(pos, pos + 4) }); pos += 4; }
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

function decodeMapEntry(buf: Buffer, bytesValue: boolean): [string, string] {
  let key = '';
  let value = '';
  for (const f of readFields(buf)) {
    const b = f.value as Buffer;
    if (f.field === 1) key = b.toString('utf8');
    if (f.field === 2) value = bytesValue ? b.toString('base64') : b.toString('utf8');
  }
  return [key, value];
}

function decodeValue(spec: FieldSpec, raw: RawField): unknown {
  const t = spec.type;
  if (t === 'int') return Number(raw.value as bigint);
  if (t === 'bool') return (raw.value as bigint) !== 0n;
  const b = raw.value as Buffer;
  if (t === 'string') return b.toString('utf8');
  if (t === 'bytes') return b.toString('base64');
  if (t === 'time') {
    const seconds = readFields(b).find((f) => f.field === 1)?.value as bigint | undefined;
    return seconds === undefined ? undefined : new Date(Number(seconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  }
  if (typeof t === 'object') return decodeMessage(b, t);
  return undefined;
}

function decodeMessage(buf: Buffer, message: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const raw of readFields(buf)) {
    const spec = message[raw.field];
    if (!spec) continue;
    if (spec.type === 'map<string,string>' || spec.type === 'map<string,bytes>') {
      const [k, v] = decodeMapEntry(raw.value as Buffer, spec.type === 'map<string,bytes>');
      out[spec.name] = { ...((out[spec.name] as Record<string, string> | undefined) ?? {}), [k]: v };
      continue;
    }
    const value = decodeValue(spec, raw);
    // Go's JSON omits empty optional values; proto2 sends them explicitly.
    if (value === undefined || value === '' || (spec.type === 'int' && value === 0)) continue;
    if (spec.repeated) out[spec.name] = [...((out[spec.name] as unknown[] | undefined) ?? []), value];
    else out[spec.name] = value;
  }
  for (const [k, v] of Object.entries(out)) if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) delete out[k];
  return out;
}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** Decodes a `k8s\0` protobuf envelope into the JSON object the same request would have carried. */
export function decodeKubeProtobuf(body: Buffer): KubeObject {
  const unsupported = (why: string): KubeError =>
    new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${why})`);
  if (!body.subarray(0, 4).equals(MAGIC)) throw unsupported('no protobuf envelope');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer | undefined;
  for (const f of readFields(body.subarray(4))) {
    if (f.field === 1) {
      for (const t of readFields(f.value as Buffer)) {
        if (t.field === 1) apiVersion = (t.value as Buffer).toString('utf8');
        if (t.field === 2) kind = (t.value as Buffer).toString('utf8');
      }
    }
    if (f.field === 2) raw = f.value as Buffer;
  }
  const message = KINDS[kind];
  if (!message || apiVersion !== 'v1' || !raw) throw unsupported(`protobuf ${apiVersion} ${kind} is not supported by the simulator`);
  return { apiVersion, kind, ...decodeMessage(raw, message) } as KubeObject;
}

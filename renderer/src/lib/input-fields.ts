/**
 * The form fields behind the dotted input names a step lists (`github.owner` ...): a label a
 * newcomer understands, the control to use, and the same zod schema the engine applies, so a
 * value is judged identically while typing and when the step runs.
 */
import type { z } from 'zod';
import type { PartialLabInputs } from '../../../electron/api/inputs';
import { clusterInputsSchema, gcpInputsSchema, githubInputsSchema, labInputsSchema } from '../../../electron/api/inputs';

export type FieldKind = 'text' | 'number' | 'checkbox';

export interface FieldSpec {
  path: string;
  label: string;
  kind: FieldKind;
  schema: z.ZodType;
  /** Shown as the placeholder: the value used when the field is left empty, or an example. */
  placeholder?: string;
  help?: string;
}

export const fieldSpecs: Record<string, FieldSpec> = {
  'github.owner': { path: 'github.owner', label: 'GitHub owner', kind: 'text', schema: githubInputsSchema.shape.owner, placeholder: 'your GitHub user name', help: 'Your GitHub user, or the organisation that will own the repository.' },
  'github.repository': { path: 'github.repository', label: 'Repository', kind: 'text', schema: githubInputsSchema.shape.repository, placeholder: 'devflux' },
  'github.personal': { path: 'github.personal', label: 'Personal account (not an organisation)', kind: 'checkbox', schema: githubInputsSchema.shape.personal },
  'gcp.project': { path: 'gcp.project', label: 'GCP project id', kind: 'text', schema: gcpInputsSchema.shape.project, placeholder: 'my-project-123456' },
  'gcp.zone': { path: 'gcp.zone', label: 'Zone', kind: 'text', schema: gcpInputsSchema.shape.zone, placeholder: 'europe-west9-a' },
  'gcp.keyFile': { path: 'gcp.keyFile', label: 'Existing service-account key file (optional)', kind: 'text', schema: gcpInputsSchema.shape.keyFile, placeholder: 'leave empty to create one', help: 'Leave empty and the lab creates the service account and its key for you.' },
  'gcp.serviceAccountName': { path: 'gcp.serviceAccountName', label: 'Service account name', kind: 'text', schema: gcpInputsSchema.shape.serviceAccountName, placeholder: 'crossplane' },
  'clusters.k3dName': { path: 'clusters.k3dName', label: 'Local cluster name', kind: 'text', schema: clusterInputsSchema.shape.k3dName, placeholder: 'crossplane' },
  'clusters.gkeName': { path: 'clusters.gkeName', label: 'GKE cluster name', kind: 'text', schema: clusterInputsSchema.shape.gkeName, placeholder: 'dev-cluster' },
  'clusters.machineType': { path: 'clusters.machineType', label: 'Machine type', kind: 'text', schema: clusterInputsSchema.shape.machineType, placeholder: 'e2-standard-2' },
  'clusters.minNodes': { path: 'clusters.minNodes', label: 'Minimum nodes', kind: 'number', schema: clusterInputsSchema.shape.minNodes, placeholder: '1' },
  'clusters.maxNodes': { path: 'clusters.maxNodes', label: 'Maximum nodes', kind: 'number', schema: clusterInputsSchema.shape.maxNodes, placeholder: '3' },
  'clusters.preemptible': { path: 'clusters.preemptible', label: 'Preemptible nodes (cheaper, may be stopped)', kind: 'checkbox', schema: clusterInputsSchema.shape.preemptible },
  'clusters.dataplaneV2': { path: 'clusters.dataplaneV2', label: 'Dataplane V2 (Cilium)', kind: 'checkbox', schema: clusterInputsSchema.shape.dataplaneV2 },
  workspaceDir: { path: 'workspaceDir', label: 'Folder for the local clone', kind: 'text', schema: labInputsSchema.shape.workspaceDir, placeholder: '~/devflux' },
};

/** A field this table does not know is still shown, as plain text, rather than hidden. */
export function fieldSpec(path: string): FieldSpec {
  return fieldSpecs[path] ?? { path, label: path, kind: 'text', schema: labInputsSchema.shape.workspaceDir };
}

export type FieldValue = string | number | boolean | undefined;

export function getField(inputs: PartialLabInputs | undefined, path: string): FieldValue {
  let node: unknown = inputs;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean' ? node : undefined;
}

/** The partial inputs object that sets one field: `github.owner` -> `{github: {owner: v}}`. */
export function fieldPatch(path: string, value: FieldValue): PartialLabInputs {
  const keys = path.split('.');
  let patch: unknown = value;
  for (let i = keys.length - 1; i >= 0; i--) patch = { [keys[i]!]: patch };
  return patch as PartialLabInputs;
}

/** The value the engine uses when the field is left alone (the schema's default), if any. */
export function defaultValue(spec: FieldSpec): FieldValue {
  const result = spec.schema.safeParse(undefined);
  const value: unknown = result.success ? result.data : undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** Turns what the control holds into the value the schema expects (numbers from text boxes). */
export function parseControlValue(spec: FieldSpec, raw: string | boolean): FieldValue {
  if (spec.kind === 'checkbox') return Boolean(raw);
  if (spec.kind === 'number') return raw === '' ? undefined : Number(raw);
  const text = String(raw);
  // An emptied box means "no value" (the default applies), unless empty is itself a valid answer.
  if (text === '' && !spec.schema.safeParse('').success) return undefined;
  return text;
}

/** The field's message when the value is not acceptable, else null. */
export function validateField(spec: FieldSpec, value: FieldValue): string | null {
  const result = spec.schema.safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0];
  if (!issue) return `${spec.path}: not accepted`;
  if (value === undefined || value === '') return `${spec.path}: required`;
  if (spec.kind === 'number' && Number.isNaN(value)) return `${spec.path}: type a number`;
  return issue.message;
}

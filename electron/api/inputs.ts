/**
 * The lab's inputs: what a person types (or an instructor hands out in `lab.yaml`) before
 * anything runs. One schema serves the wizard (validation as you type), the CLI (`--config`)
 * and the engine, so a value is judged the same way everywhere.
 *
 * Messages name the field and say what to do, because they are shown to newcomers as is.
 */
import { z } from 'zod';

/** k3d cluster names become Docker container and network names and a DNS label (RFC 1123). */
const K3D_NAME = /^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/;
/** GKE: lower case, starts with a letter, at most 40 characters, no trailing hyphen. */
const GKE_NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** GitHub owner: alphanumerics and single hyphens, at most 39 characters. */
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;
/** GCP project ids: 6-30 characters, lower case letters, digits, hyphens, starting with a letter. */
const GCP_PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const GCP_ZONE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;

export const githubInputsSchema = z.object({
  owner: z
    .string()
    .regex(GITHUB_OWNER, 'github.owner: use your GitHub user or organisation name (letters, digits, single hyphens)'),
  repository: z
    .string()
    .regex(GITHUB_REPO, 'github.repository: use letters, digits, ".", "-" or "_" (for example devflux)')
    .refine((v) => v !== '.' && v !== '..', 'github.repository: "." and ".." are not repository names')
    .default('devflux'),
  personal: z.boolean().default(true),
});

export const gcpInputsSchema = z.object({
  project: z
    .string()
    .regex(GCP_PROJECT, 'gcp.project: a project id has 6-30 lower-case letters, digits or hyphens and starts with a letter'),
  zone: z.string().regex(GCP_ZONE, 'gcp.zone: use a zone such as europe-west9-a').default('europe-west9-a'),
  /** Path to an existing service-account key; empty means the app creates the account and key. */
  keyFile: z.string().default(''),
  serviceAccountName: z
    .string()
    .regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, 'gcp.serviceAccountName: 6-30 lower-case letters, digits or hyphens')
    .default('crossplane'),
});

export const clusterInputsSchema = z
  .object({
    k3dName: z
      .string()
      .regex(K3D_NAME, 'clusters.k3dName: lower-case letters, digits and hyphens, at most 32 characters')
      .default('crossplane'),
    gkeName: z
      .string()
      .regex(GKE_NAME, 'clusters.gkeName: lower-case letters, digits and hyphens, starting with a letter, at most 40')
      .default('dev-cluster'),
    machineType: z
      .string()
      .regex(/^[a-z0-9]+-[a-z0-9-]+$/, 'clusters.machineType: a Compute Engine machine type such as e2-standard-2')
      .default('e2-standard-2'),
    minNodes: z.number().int('clusters.minNodes: a whole number').min(1, 'clusters.minNodes: at least 1').max(10, 'clusters.minNodes: at most 10').default(1),
    maxNodes: z.number().int('clusters.maxNodes: a whole number').min(1, 'clusters.maxNodes: at least 1').max(10, 'clusters.maxNodes: at most 10').default(3),
    preemptible: z.boolean().default(true),
    dataplaneV2: z.boolean().default(false),
  })
  .refine((c) => c.minNodes <= c.maxNodes, {
    message: 'clusters.maxNodes: must be at least clusters.minNodes',
    path: ['maxNodes'],
  });

/**
 * A person's answer about one scaffold file they changed, valid only for the content it was
 * given for: `sha256` is the hash of their version as the app showed it (`absent` when they
 * deleted the file), so a file changed again after the answer is asked about again.
 */
export const scaffoldDecisionSchema = z.object({
  file: z
    .string()
    .min(1, 'scaffold: file is the repository path the app named, e.g. security/base/kustomization.yaml')
    .refine((v) => !v.startsWith('/') && !v.split('/').includes('..'), 'scaffold: file must be a path inside the repository (no leading / and no ..)'),
  sha256: z.string().regex(/^([0-9a-f]{64}|absent)$/, 'scaffold: sha256 is the hash the app showed for your version of the file (or "absent" for a deleted file)'),
});
export type ScaffoldDecision = z.infer<typeof scaffoldDecisionSchema>;

/** What to do with scaffold files the person changed: keep theirs, or take the lab's (theirs is backed up). */
export const scaffoldInputsSchema = z.object({
  keep: z.array(scaffoldDecisionSchema).default([]),
  replace: z.array(scaffoldDecisionSchema).default([]),
});

/**
 * Cost reminders and the workshop deadline. `deadline` is an ISO 8601 time with a zone, or
 * `HH:MM` local time (the first such moment after the cloud resources appeared).
 */
export const cleanupInputsSchema = z.object({
  remindAfterMinutes: z
    .number({ message: 'cleanup.remindAfterMinutes: a number of minutes, e.g. 60' })
    .int('cleanup.remindAfterMinutes: a whole number of minutes')
    .min(1, 'cleanup.remindAfterMinutes: at least 1')
    .max(10_080, 'cleanup.remindAfterMinutes: at most 10080 (a week)')
    .optional(),
  deadline: z
    .string({ message: 'cleanup.deadline: a time such as 17:30 or 2026-11-27T17:00:00+01:00' })
    .refine(
      (v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v) || (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v))),
      'cleanup.deadline: use HH:MM local time (e.g. 17:30) or an ISO 8601 time with a zone (e.g. 2026-11-27T17:00:00+01:00)',
    )
    .optional(),
});
export type CleanupInputs = z.infer<typeof cleanupInputsSchema>;

export const labInputsSchema = z.object({
  github: githubInputsSchema,
  gcp: gcpInputsSchema,
  clusters: clusterInputsSchema.default({
    k3dName: 'crossplane',
    gkeName: 'dev-cluster',
    machineType: 'e2-standard-2',
    minNodes: 1,
    maxNodes: 3,
    preemptible: true,
    dataplaneV2: false,
  }),
  /** Local folder the GitOps repository is cloned into. */
  workspaceDir: z.string().min(1, 'workspaceDir: choose a folder for the local clone of your repository'),
  scaffold: scaffoldInputsSchema.default({ keep: [], replace: [] }),
  cleanup: cleanupInputsSchema.optional(),
});

export type LabInputs = z.infer<typeof labInputsSchema>;

/** Inputs while a person is still typing: everything optional, each field checked on its own. */
export const partialLabInputsSchema = z.object({
  github: githubInputsSchema.partial().optional(),
  gcp: gcpInputsSchema.partial().optional(),
  clusters: z
    .object({
      k3dName: z.string(),
      gkeName: z.string(),
      machineType: z.string(),
      minNodes: z.number(),
      maxNodes: z.number(),
      preemptible: z.boolean(),
      dataplaneV2: z.boolean(),
    })
    .partial()
    .optional(),
  workspaceDir: z.string().optional(),
  scaffold: z.object({ keep: z.array(scaffoldDecisionSchema), replace: z.array(scaffoldDecisionSchema) }).partial().optional(),
  cleanup: cleanupInputsSchema.optional(),
});
export type PartialLabInputs = z.infer<typeof partialLabInputsSchema>;

/** Names of secret inputs: never part of LabInputs, never stored in plain text, never echoed. */
export const secretNames = ['GITHUB_TOKEN', 'GRAFANA_ADMIN_PASSWORD'] as const;
export type SecretName = (typeof secretNames)[number];

export interface FieldIssue {
  /** Dotted path of the field, e.g. `github.owner`. */
  field: string;
  message: string;
}

/** Flattens a zod error into one issue per field, with the field's dotted path. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.');
    const message = issue.code === 'invalid_type' && issue.input === undefined ? `${field}: required` : issue.message;
    return { field, message };
  });
}

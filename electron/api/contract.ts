/**
 * The LabApi contract: every request the UI can make and every event the engine emits,
 * declared once. Each host (Electron IPC, the web host's WebSocket, the CLI) validates what
 * crosses its boundary against these schemas, and the renderer's client is typed from them,
 * so a request the engine does not understand is refused at the door with a clear message.
 */
import { z } from 'zod';
import { partialLabInputsSchema } from './inputs';
import { labMethodNames, type LabMethodName } from './methods';

// ---------------------------------------------------------------------------------------------
// Shared shapes

export const stepStatusSchema = z.enum(['pending', 'blocked', 'running', 'succeeded', 'failed', 'skipped', 'cancelled']);
export type StepStatus = z.infer<typeof stepStatusSchema>;

const stepId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'stepId: lower-case letters, digits and hyphens');

/** A command as shown to people: argv (secrets already masked) plus optional stdin source. */
export const commandViewSchema = z.object({
  argv: z.array(z.string()).min(1),
  /** When the command reads stdin from a previous command (a pipeline), its argv. */
  pipeFrom: z.array(z.string()).optional(),
  /** Names (never values) of environment variables the command receives. */
  env: z.array(z.string()).optional(),
  /** File the output goes to, when the tutorial redirects it (`> file`). */
  outputFile: z.string().optional(),
  note: z.string().optional(),
});
export type CommandView = z.infer<typeof commandViewSchema>;

export const stepViewSchema = z.object({
  id: stepId,
  phase: z.string(),
  title: z.string(),
  /** Two or three sentences for newcomers: why this step exists. */
  why: z.string(),
  dependsOn: z.array(z.string()),
  commands: z.array(commandViewSchema),
  /** Typical real-world duration, for an estimate next to long steps. */
  estimateSeconds: z.number().nonnegative(),
  /** Dotted input fields this step reads, so the UI can show them on the step's card. */
  inputs: z.array(z.string()),
});
export type StepView = z.infer<typeof stepViewSchema>;

export const phaseViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  steps: z.array(stepViewSchema),
});
export type PhaseView = z.infer<typeof phaseViewSchema>;

/** A scaffold file that differs from what the app last wrote there, with the change the app would make. */
export const scaffoldConflictSchema = z.object({
  /** Path inside the repository. */
  file: z.string(),
  reason: z.enum(['edited', 'deleted', 'not-written-by-the-app']),
  /** Unified diff from the person's version to the lab's, masked. */
  diff: z.string(),
  /** Hash of the person's version (`absent` when deleted): an answer holds for this content only. */
  sha256: z.string(),
  /** Where the person's version is kept if they take the lab's; absent for a deleted file. */
  backup: z.string().optional(),
});
export type ScaffoldConflictView = z.infer<typeof scaffoldConflictSchema>;

export const stepErrorSchema = z.object({
  message: z.string(),
  hint: z.string().optional(),
  /** The failing command, masked, as one display string. */
  command: z.string().optional(),
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  /** Last lines of the command's stderr, masked. */
  stderrTail: z.string().optional(),
  /** Scaffold files the person changed: the step asks what to do with each before writing any. */
  conflicts: z.array(scaffoldConflictSchema).optional(),
});
export type StepError = z.infer<typeof stepErrorSchema>;

export const stepStateSchema = z.object({
  status: stepStatusSchema,
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  attempts: z.number().int().nonnegative(),
  error: stepErrorSchema.optional(),
  skipReason: z.string().optional(),
  /** Step output that later steps or people need, e.g. the shop's address. */
  outputs: z.record(z.string(), z.string()).optional(),
});
export type StepState = z.infer<typeof stepStateSchema>;

export const resourceStatusSchema = z.object({
  /** Kubernetes context or `gcp` for cloud resources. */
  cluster: z.string(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  ready: z.boolean().nullable(),
  message: z.string(),
  /** `namespace/name` of the objects this one waits for (Flux `dependsOn`). */
  dependsOn: z.array(z.string()).optional(),
  suspended: z.boolean().optional(),
  /** Set when the object is gone. */
  deleted: z.boolean().optional(),
  createdAt: z.string().optional(),
  /** Estimated running cost in US dollars per hour, for cloud resources. */
  costPerHour: z.number().optional(),
});
export type ResourceStatus = z.infer<typeof resourceStatusSchema>;

export const journalEntrySchema = z.object({
  seq: z.number().int(),
  stepId: z.string(),
  argv: z.array(z.string()),
  pipeFrom: z.array(z.string()).optional(),
  cwd: z.string(),
  envNames: z.array(z.string()),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  executable: z.string().optional(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

// ---------------------------------------------------------------------------------------------
// Cleanup: the ledger of what the lab created, the teardown plan, the cost clock

export const ledgerKindSchema = z.enum([
  'k3d-cluster',
  'gke-cluster',
  'gke-node-pool',
  'gcp-network',
  'gcp-load-balancer',
  'gcp-service-account',
  'gcp-service-account-key',
  'github-repository',
]);
export type LedgerKind = z.infer<typeof ledgerKindSchema>;

/** One resource the lab created (or found labelled for this lab), as the ledger records it. */
export const ledgerEntrySchema = z.object({
  /** Stable key, e.g. `gke-cluster/my-project/europe-west9-a/dev-cluster`. */
  id: z.string(),
  kind: ledgerKindSchema,
  name: z.string(),
  project: z.string().optional(),
  zone: z.string().optional(),
  /** Kubernetes context of the cluster that manages it (Crossplane) or that it is (k3d). */
  cluster: z.string().optional(),
  createdAt: z.string(),
  /** What the last look at the world found. */
  state: z.enum(['present', 'gone', 'unknown']),
  checkedAt: z.string().optional(),
  /** Why the state is unknown (a tool missing, credentials expired), or what the world said. */
  detail: z.string().optional(),
  /** Estimated running cost in US dollars per hour while present. */
  costPerHour: z.number().optional(),
  /** Labels the lab set on it (`lab=<session id>`), where the API allows labels. */
  labels: z.record(z.string(), z.string()).optional(),
  /** Present while the lab is meant to be down, or its control plane (Crossplane, the k3d cluster) is gone. */
  leftover: z.boolean().optional(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export const teardownOptionsSchema = z
  .object({
    /** Delete the remaining cloud resources directly with gcloud when Crossplane cannot (or must not) do it. */
    force: z.boolean().default(false),
    /** Also delete the service-account key and the service account the lab created. */
    deleteServiceAccount: z.boolean().default(false),
    /**
     * Also delete the GitHub repository: the person types `owner/repository` again to confirm;
     * anything else is refused.
     */
    deleteRepository: z.string().optional(),
  })
  .strict();
export type TeardownOptions = z.infer<typeof teardownOptionsSchema>;

/** What a teardown will remove, step by step, shown before anything runs. */
export const teardownPlanSchema = z.object({
  items: z.array(
    z.object({
      stepId,
      title: z.string(),
      /** Ledger ids this step removes. */
      resources: z.array(z.string()),
      commands: z.array(commandViewSchema),
      /** Set when the step would be refused as asked (e.g. k3d while cloud resources remain and no force). */
      refusal: z.string().optional(),
    }),
  ),
  /** Cost per hour of what is still running, in US dollars. */
  costPerHour: z.number(),
  warnings: z.array(z.string()),
});
export type TeardownPlan = z.infer<typeof teardownPlanSchema>;

export const costClockSchema = z.object({
  /** When the first billable cloud resource of this lab appeared. */
  since: z.string().optional(),
  costPerHour: z.number(),
  /** Estimated cost so far, in US dollars. */
  costSoFar: z.number(),
  pricesAsOf: z.string(),
  remindAfterMinutes: z.number().optional(),
  /** When cleanup starts by itself (workshops). */
  deadline: z.string().optional(),
});
export type CostClock = z.infer<typeof costClockSchema>;

export const cleanupViewSchema = z.object({
  /** The teardown steps, in order; their states are in `Snapshot.steps`. */
  steps: z.array(stepViewSchema),
  running: z.boolean(),
  /** Set when a teardown finished with nothing left: the lab is meant to be down. */
  completedAt: z.string().optional(),
  /** What remains after the last teardown, in sentences that say how to remove it. */
  remaining: z.array(z.string()),
  ledger: z.array(ledgerEntrySchema),
  cost: costClockSchema,
});
export type CleanupView = z.infer<typeof cleanupViewSchema>;

export const snapshotSchema = z.object({
  version: z.string(),
  /** True when the outside world is the simulator (a rehearsal); the UI shows a banner. */
  rehearsal: z.boolean(),
  phases: z.array(phaseViewSchema),
  steps: z.record(z.string(), stepStateSchema),
  inputs: partialLabInputsSchema,
  /** Which secrets are available (never their values). */
  secrets: z.record(z.string(), z.boolean()),
  resources: z.array(resourceStatusSchema),
  cleanup: cleanupViewSchema,
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const troubleshootSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('failing'), context: z.string() }),
  z.object({
    kind: z.literal('logs'),
    context: z.string(),
    objectKind: z.enum(['Kustomization', 'HelmRelease', 'GitRepository', 'HelmRepository']),
    name: z.string().min(1),
    namespace: z.string().default('flux-system'),
  }),
  z.object({
    kind: z.literal('trace'),
    context: z.string(),
    /** `kind/name`, e.g. `deployment/frontend`. */
    object: z.string().regex(/^[A-Za-z]+\/[a-z0-9.-]+$/, 'object: use kind/name, e.g. deployment/frontend'),
    namespace: z.string().min(1),
  }),
  z.object({
    kind: z.literal('diff'),
    context: z.string(),
    name: z.string().min(1),
    path: z.string().min(1),
  }),
]);
export type TroubleshootRequest = z.infer<typeof troubleshootSchema>;

// ---------------------------------------------------------------------------------------------
// Requests: name -> params and result schemas

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });
const byStep = z.object({ stepId }).strict();

export const labRequests = {
  getSnapshot: { params: empty, result: snapshotSchema },
  setInputs: {
    params: z.object({ inputs: partialLabInputsSchema }).strict(),
    result: z.object({
      ok: z.boolean(),
      issues: z.array(z.object({ field: z.string(), message: z.string() })),
    }),
  },
  setSecret: {
    params: z.object({ name: z.enum(['GITHUB_TOKEN', 'GRAFANA_ADMIN_PASSWORD']), value: z.string().min(1).max(4096) }).strict(),
    result: ok,
  },
  runStep: { params: byStep, result: ok },
  retryStep: { params: byStep, result: ok },
  skipStep: {
    params: z.object({ stepId, reason: z.string().trim().min(1, 'reason: say why the step is skipped').max(500) }).strict(),
    result: ok,
  },
  cancelStep: { params: byStep, result: ok },
  runAll: { params: empty, result: ok },
  cancelAll: { params: empty, result: ok },
  readLog: {
    params: z
      .object({
        stepId,
        /**
         * Byte offset to read from, counted over everything the step ever wrote (rotation never
         * shifts it); negative counts from the end (a tail). Bytes rotated away are skipped: the
         * answer's `offset` then says where the text really starts.
         */
        offset: z.number().int().default(0),
        maxBytes: z.number().int().positive().max(4 * 1024 * 1024).default(256 * 1024),
      })
      .strict(),
    result: z.object({ text: z.string(), offset: z.number().int(), size: z.number().int(), truncated: z.boolean() }),
  },
  getJournal: { params: empty, result: z.object({ entries: z.array(journalEntrySchema) }) },
  exportScript: { params: empty, result: z.object({ script: z.string() }) },
  troubleshoot: {
    params: z.object({ request: troubleshootSchema }).strict(),
    /** The output streams as `log` events under this id. */
    result: z.object({ runId: z.string() }),
  },
  /** What a teardown with these options would remove, checked against the world. */
  planTeardown: { params: teardownOptionsSchema, result: teardownPlanSchema },
  /** Starts the ordered teardown; progress arrives as `step` and `log` events of the teardown steps. */
  runTeardown: { params: teardownOptionsSchema, result: ok },
  cancelTeardown: { params: empty, result: ok },
  /** Deletes the given leftovers directly (gcloud, k3d), for the one-click removal. */
  removeLeftovers: { params: z.object({ ids: z.array(z.string().min(1)).min(1) }).strict(), result: ok },
  // `satisfies` refuses both a request missing from methods.ts and one methods.ts does not name.
} as const satisfies Record<LabMethodName, { params: z.ZodType; result: z.ZodType }>;

export type LabMethod = keyof typeof labRequests;
export const labMethods: LabMethod[] = [...labMethodNames];
export type LabParams<M extends LabMethod> = z.input<(typeof labRequests)[M]['params']>;
export type LabResult<M extends LabMethod> = z.infer<(typeof labRequests)[M]['result']>;

/** The API as the renderer sees it: one async function per request. */
export type LabApi = {
  [M in LabMethod]: (params: LabParams<M>) => Promise<LabResult<M>>;
} & {
  /** Subscribes to the event stream; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): () => void;
};

// ---------------------------------------------------------------------------------------------
// Events: one typed stream

export const labEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step'), stepId: z.string(), state: stepStateSchema }),
  z.object({
    type: z.literal('log'),
    /** A step id, or a troubleshooting run id. */
    stream: z.string(),
    source: z.enum(['stdout', 'stderr', 'info']),
    /** Raw output, ANSI colours kept, secrets masked. Coalesced: at most one message per ~16 ms. */
    data: z.string(),
  }),
  z.object({ type: z.literal('resource'), resource: resourceStatusSchema }),
  z.object({ type: z.literal('inputs'), inputs: partialLabInputsSchema, secrets: z.record(z.string(), z.boolean()) }),
  /** The cleanup view changed (ledger, teardown progress, cost clock). */
  z.object({ type: z.literal('cleanup'), cleanup: cleanupViewSchema }),
  /** Something the person should see now: the cost reminder, the deadline's automatic cleanup. */
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'warning']), message: z.string() }),
]);
export type LabEvent = z.infer<typeof labEventSchema>;

// ---------------------------------------------------------------------------------------------
// Errors that cross the boundary

export const apiErrorSchema = z.object({
  code: z.enum(['bad-request', 'unknown-method', 'not-found', 'conflict', 'internal']),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

export class LabApiError extends Error {
  constructor(
    readonly code: ApiErrorBody['code'],
    message: string,
    readonly issues?: ApiErrorBody['issues'],
  ) {
    super(message);
    this.name = 'LabApiError';
  }
  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

/**
 * The engine facade: the one object every host (Electron, web, CLI) talks to. It implements the
 * LabApi backend on top of the scheduler, the state store, the runner and the event stream.
 *
 * Plain Node: it never imports `electron`. Secrets live in memory only (the desktop host
 * persists them with safeStorage and hands them back through `setSecret`).
 */
import path from 'node:path';
import {
  LabApiError,
  type LabEvent,
  type LabResult,
  type ResourceStatus,
  type Snapshot,
  type StepState,
  type TroubleshootRequest,
  teardownOptionsSchema,
} from '../../api/contract';
import type { LabBackend } from '../../api/dispatch';
import { fieldIssues, partialLabInputsSchema, secretNames, type LabInputs, type PartialLabInputs, type SecretName } from '../../api/inputs';
import { createEventBus, type LabEventListener } from '../events/bus';
import { createLogCoalescer, type LogSource } from '../events/coalescer';
import { createStepLogs } from '../events/log-files';
import { createResourceBoard } from '../events/resources';
import { phases as cataloguePhases } from '../plan/catalogue';
import { labSteps } from '../plan/lab-steps';
import { Scheduler } from '../plan/scheduler';
import type { StepContext, StepDefinition, StepLedger } from '../plan/step';
import { openLedger, type Ledger } from '../cleanup/ledger';
import { createCleanupWatch, type CleanupWatch } from '../cleanup/world-check-watch';
import { createTeardownService, LEFTOVERS_STREAM, type TeardownService } from '../cleanup/teardown';
import type { TeardownDeps } from '../cleanup/teardown-deps';
import { teardownSteps, type TeardownStep } from '../cleanup/teardown-steps';
import { readLiveResources, type UnreachableCluster } from '../kube/session-read';
import { followLabSession, sessionContexts, type SessionWatch } from '../kube/session-watch';
import { SecretMasker } from '../run/mask';
import { exportScript, openJournal } from '../run/journal';
import { createRunner, describeCommand } from '../run/runner';
import type { CommandResult, CommandSpec, OutputListener } from '../run/types';
import { defaultDataDir } from '../state/data-dir';
import { createStateStore, type LabState } from '../state/store';
import type { CommandJournal, CommandRunner } from './ports';
import { troubleshootCommand } from './troubleshoot';

export type { CommandJournal, CommandRunner, JournalOutcome, JournalRecord, JournalStart } from './ports';

declare const __LAB_VERSION__: string | undefined;
const APP_VERSION = typeof __LAB_VERSION__ === 'string' ? __LAB_VERSION__ : '0.0.0-dev';

export interface EngineOptions {
  /** Where state, logs and the journal live; default: LAB_DATA_DIR or the OS's per-user app data folder. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  steps?: StepDefinition[];
  runner?: CommandRunner;
  /** How many steps may run at the same time (default 2). */
  concurrency?: number;
  masker?: SecretMasker;
  journal?: CommandJournal;
  /** Milliseconds per log coalescing window (default 16). */
  logWindowMs?: number;
  /** Per-step log file cap in bytes (default 20 MB). */
  logCapBytes?: number;
  /** What the lab created, for cleanup (default: `ledger.json` in the data directory). */
  ledger?: Ledger;
  /** The teardown steps (default: the real ones, `lab down`), and the bounds of their waits. */
  teardown?: {
    steps?(deps: TeardownDeps): TeardownStep[];
    pollMs?: number;
    timeouts?: TeardownDeps['timeouts'];
  };
}

export interface StartOptions {
  /**
   * Re-check the lab's steps against the world (default true). `lab down` says false: it runs
   * only the teardown, whose steps ask the world themselves, so re-checking eighteen lab steps
   * (dozens of commands) would be work thrown away.
   */
  labSteps?: boolean;
}

export interface Engine extends LabBackend {
  readonly dataDir: string;
  onEvent(listener: LabEventListener): () => void;
  /** Loads the saved state and re-checks every step against the world. Idempotent. */
  start(options?: StartOptions): Promise<{ notices: string[] }>;
  /** Resolves when no step runs and none can start (the rest done, held or not asked for). */
  whenIdle(): Promise<void>;
  /** Resolves when no teardown step runs and none can start. */
  whenTeardownIdle(): Promise<void>;
  /** Publishes a watched object's status (kube watchers, the cloud ledger): kept for snapshots, sent as a `resource` event when it changed. */
  reportResource(status: ResourceStatus): void;
  /**
   * Reads the live resources once on every cluster the lab knows and puts them on the board, for
   * a command that prints and exits (`lab status`) before any watch could; names the clusters
   * that did not answer.
   */
  refreshResources(): Promise<{ unreachable: UnreachableCluster[] }>;
  /** Cancels what runs, waits for it to stop, flushes logs. */
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions = {}): Engine {
  const env = options.env ?? process.env;
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir(env));
  const bus = createEventBus();
  const resources = createResourceBoard();
  /** Watched objects' statuses (steps' watches, the cloud ledger): kept for snapshots, sent when changed. */
  const reportResource = (status: ResourceStatus): void => {
    if (resources.update(status)) bus.emit({ type: 'resource', resource: status });
  };
  // The automated steps get the environment commands run with, so the Kubernetes client reads the
  // same KUBECONFIG as kubectl, and report what they watch to the live status board.
  const steps = options.steps ?? labSteps({ env, reportResource });
  const masker = options.masker ?? new SecretMasker();
  // The runner masks what it streams with the same masker, so a secret set later is hidden too.
  const runner = options.runner ?? createRunner({ masker, baseEnv: env });
  const journal = options.journal ?? openJournal(dataDir, { masker });
  const coalescer = createLogCoalescer((event) => bus.emit(event), options.logWindowMs);
  const logs = createStepLogs(path.join(dataDir, 'logs'), options.logCapBytes);
  const store = createStateStore(dataDir);
  const ledger = options.ledger ?? openLedger(dataDir);
  const stepLedger: StepLedger = { sessionId: ledger.sessionId, record: (resource) => void ledger.record(resource) };
  const secrets = new Map<SecretName, string>();
  const titles: Record<string, string> = Object.fromEntries(steps.map((step) => [step.id, step.title]));
  const stepPhases = new Set(steps.map((step) => step.phase));
  const phases = [
    ...cataloguePhases.filter((phase) => stepPhases.has(phase.id)),
    ...[...stepPhases].filter((id) => !cataloguePhases.some((phase) => phase.id === id)).map((id) => ({ id, title: id })),
  ];
  const troubleshootRuns = new Set<string>();
  /** Troubleshooting commands still running, so `close` can stop and await them. */
  const troubleshooting = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let troubleshootCount = 0;

  let state: LabState | undefined;
  let scheduler: Scheduler | undefined;
  let teardown: TeardownService | undefined;
  let cleanupWatch: CleanupWatch | undefined;
  let reconciling: Promise<void> | undefined;
  let loadNotice: string | undefined;
  let started: Promise<{ notices: string[] }> | undefined;
  let closed = false;
  /** Watches of every cluster the lab knows, so the live board stays current between and after steps. */
  let sessionWatch: SessionWatch | undefined;

  /** Streams whose last output did not end a line (e.g. `kubectl get -o jsonpath` prints no newline). */
  const openLines = new Set<string>();
  function output(stream: string, source: LogSource, text: string): void {
    if (text.length === 0) return;
    const masked = masker.mask(text);
    logs.append(stream, masked);
    coalescer.push(stream, source, masked);
    if (text.endsWith('\n')) openLines.delete(stream);
    else openLines.add(stream);
  }
  /** An explanation line of the app's own, always on a line of its own. */
  const info = (stream: string, message: string) => output(stream, 'info', `${openLines.has(stream) ? '\n' : ''}${message}\n`);

  function setSecret(name: SecretName, value: string): void {
    masker.register(value, { name });
    secrets.set(name, value);
  }
  if (env.GITHUB_TOKEN) setSecret('GITHUB_TOKEN', env.GITHUB_TOKEN);

  function secretFlags(): Record<string, boolean> {
    return Object.fromEntries(secretNames.map((name) => [name, secrets.has(name)]));
  }

  function runCommand(stepId: string, spec: CommandSpec, signal: AbortSignal, listener?: OutputListener): Promise<CommandResult> {
    info(stepId, `$ ${describeCommand(spec)}`);
    const seq = journal.start({ stepId, argv: spec.argv, pipeTo: spec.pipeTo, env: spec.env, cwd: spec.cwd ?? process.cwd(), outputFile: spec.outputFile });
    return runner
      .run(
        // Cancelling the step must stop the command even when the step passed its own signal.
        { ...spec, signal: spec.signal ? AbortSignal.any([spec.signal, signal]) : signal },
        {
          onChunk: (source, data) => {
            output(stepId, source, data);
            listener?.onChunk?.(source, data);
          },
          onLine: listener?.onLine ? (source, line) => listener.onLine!(source, line) : undefined,
        },
      )
      .then(
        (result) => {
          journal.finish(seq, { exitCode: result.exitCode, executable: result.executable });
          return result;
        },
        (error: unknown) => {
          const e = (error ?? {}) as { exitCode?: unknown; signal?: unknown; executable?: unknown };
          journal.finish(seq, {
            exitCode: typeof e.exitCode === 'number' ? e.exitCode : null,
            signal: typeof e.signal === 'string' ? e.signal : null,
            ...(typeof e.executable === 'string' ? { executable: e.executable } : {}),
          });
          throw error;
        },
      );
  }

  function context(step: StepDefinition, inputs: LabInputs, signal: AbortSignal): StepContext {
    return {
      inputs,
      signal,
      dataDir,
      secret: (name) => secrets.get(name as SecretName),
      registerSecret: (value) => masker.register(value),
      run: (spec, listener) => runCommand(step.id, spec, signal, listener),
      info: (message) => info(step.id, message),
      outputsOf: (id) => scheduler?.outputsOf(id),
      ledger: stepLedger,
    };
  }

  /** Loads the saved state once (lazily, so a snapshot can be served before `start`). */
  function load(): { state: LabState; scheduler: Scheduler } {
    if (state && scheduler) return { state, scheduler };
    const loaded = store.load();
    loadNotice = loaded.notice;
    // Logged when it happens (a snapshot may load the state without `start`), returned by `start`.
    if (loadNotice) info('lab', loadNotice);
    const current = loaded.state;
    state = current;
    // The lab's steps and the teardown's share one state record, one log and one event stream.
    const recordState = (stepId: string, stepState: StepState): void => {
      current.steps[stepId] = stepState;
      persist();
      bus.emit({ type: 'step', stepId, state: stepState });
    };
    const stepCallbacks = {
      info,
      mask: (text: string) => masker.mask(text),
      onSettled: (stepId: string) => {
        coalescer.flush(stepId);
        logs.release(stepId);
      },
    };
    scheduler = new Scheduler({
      steps,
      concurrency: options.concurrency,
      initial: current.steps,
      inputs: () => current.inputs,
      context,
      onState: (stepId, stepState) => {
        if (stepState.status === 'running') teardown?.labStepStarted();
        recordState(stepId, stepState);
      },
      ...stepCallbacks,
    });
    teardown = createTeardownService({
      steps: (teardownOptions) => {
        const deps: TeardownDeps = { env, reportResource, ledger, options: teardownOptions, ...(options.teardown?.pollMs ? { pollMs: options.teardown.pollMs } : {}), ...(options.teardown?.timeouts ? { timeouts: options.teardown.timeouts } : {}) };
        return options.teardown?.steps?.(deps) ?? teardownSteps(deps);
      },
      dataDir,
      ledger,
      states: () => current.steps,
      inputs: () => current.inputs,
      context,
      onState: recordState,
      ...stepCallbacks,
      onView: (cleanup) => bus.emit({ type: 'cleanup', cleanup }),
      costClock: () => cleanupWatch!.costClock(),
    });
    // Keeps the ledger honest about the world, flags leftovers, and runs the cost reminder and the
    // workshop deadline. Its checks are read-only lists, run quietly (not journaled: a replay
    // script has no use for them).
    cleanupWatch = createCleanupWatch({
      ledger,
      run: (spec) => runner.run(spec),
      inputs: () => current.inputs,
      env,
      githubToken: () => secrets.get('GITHUB_TOKEN'),
      labDown: () => Boolean(teardown?.view().completedAt),
      onNotice: (notice) => {
        info('lab', notice.message);
        bus.emit({ type: 'notice', ...notice });
      },
      startCleanup: () => {
        teardown?.run(teardownOptionsSchema.parse({})).catch((error: unknown) => info('lab', `The deadline's cleanup could not start: ${error instanceof Error ? error.message : String(error)}`));
      },
    });
    for (const step of teardown.steps) titles[step.id] = step.title;
    titles[LEFTOVERS_STREAM] = 'Remove leftovers';
    return { state: current, scheduler };
  }

  function cleanupPart(): TeardownService {
    if (closed) throw new LabApiError('conflict', 'The engine is closed');
    load();
    return teardown!;
  }

  function persist(): void {
    if (state) store.save(state);
  }

  function ready(): Scheduler {
    if (closed) throw new LabApiError('conflict', 'The engine is closed');
    return load().scheduler;
  }

  function snapshot(): Snapshot {
    const { state: current, scheduler: sched } = load();
    const stepStates: Record<string, StepState> = sched.allStates();
    return {
      version: APP_VERSION,
      rehearsal: env.LAB_REHEARSAL === '1',
      phases: phases.map((phase) => ({
        id: phase.id,
        title: phase.title,
        steps: steps
          .filter((step) => step.phase === phase.id)
          .map((step) => ({
            id: step.id,
            phase: step.phase,
            title: step.title,
            why: step.why,
            dependsOn: [...step.dependsOn],
            commands: step.commands(current.inputs as Partial<LabInputs>),
            estimateSeconds: step.estimateSeconds,
            inputs: [...step.inputs],
          })),
      })),
      steps: { ...stepStates, ...teardown!.allStates() },
      inputs: current.inputs,
      secrets: secretFlags(),
      resources: resources.list(),
      cleanup: teardown!.view(),
    };
  }

  function setInputs(inputs: PartialLabInputs): LabResult<'setInputs'> {
    const parsed = partialLabInputsSchema.safeParse(inputs);
    if (!parsed.success) return { ok: false, issues: fieldIssues(parsed.error) };
    const { state: current } = load();
    const next = onlyGiven(parsed.data, inputs);
    current.inputs = {
      ...current.inputs,
      ...next,
      ...(next.github ? { github: { ...current.inputs.github, ...next.github } } : {}),
      ...(next.gcp ? { gcp: { ...current.inputs.gcp, ...next.gcp } } : {}),
      ...(next.clusters ? { clusters: { ...current.inputs.clusters, ...next.clusters } } : {}),
    };
    persist();
    bus.emit({ type: 'inputs', inputs: current.inputs, secrets: secretFlags() });
    return { ok: true, issues: [] };
  }

  function troubleshoot(request: TroubleshootRequest): LabResult<'troubleshoot'> {
    ready();
    troubleshootCount += 1;
    const runId = `troubleshoot-${Date.now().toString(36)}-${troubleshootCount}`;
    troubleshootRuns.add(runId);
    const argv = troubleshootCommand(request);
    info(runId, `$ ${describeCommand({ argv })}`);
    const controller = new AbortController();
    const done = runner
      .run({ argv, signal: controller.signal }, { onChunk: (source, data) => output(runId, source, data) })
      .then(
        (result) => info(runId, `(exit code ${result.exitCode})`),
        (error: unknown) => info(runId, `Failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        troubleshooting.delete(runId);
        coalescer.flush(runId);
        logs.release(runId);
      });
    troubleshooting.set(runId, { controller, done });
    return { runId };
  }

  // Handlers are async so a refusal (unknown step, conflict) always arrives as a rejection.
  const engine: Engine = {
    dataDir,
    onEvent: (listener) => bus.on(listener),
    start(startOptions = {}) {
      started ??= (async () => {
        const sched = ready();
        const notices = loadNotice ? [loadNotice] : [];
        await teardown!.recheckIfBegun();
        if (startOptions.labSteps === false) return { notices };
        sessionWatch ??= followLabSession(engine, { env, notice: (message) => info('lab', message) });
        await sched.recheck();
        // Leftover detection: what the ledger says exists is asked of the world on every start.
        // In the background: a slow gcloud must not hold the wizard back.
        reconciling = cleanupWatch!.reconcile().catch((error: unknown) => info('lab', `Could not check the cloud resources the lab recorded: ${error instanceof Error ? error.message : String(error)}`));
        return { notices };
      })();
      return started;
    },
    whenIdle: () => ready().whenIdle(),
    whenTeardownIdle: () => cleanupPart().whenIdle(),
    reportResource,
    async refreshResources() {
      const snapshot = await engine.getSnapshot({});
      // A context the kubeconfig no longer has (its cluster was deleted) has nothing to list.
      const contexts = sessionContexts(snapshot, env, { onlyInKubeconfig: true });
      const live = await readLiveResources(contexts, { env });
      for (const status of live.resources) reportResource(status);
      return { unreachable: live.unreachable };
    },
    async close() {
      if (closed) return;
      sessionWatch?.close();
      cleanupWatch?.close();
      await reconciling;
      const pending = [...troubleshooting.values()];
      for (const run of pending) run.controller.abort();
      if (scheduler) {
        scheduler.cancelAll();
        await scheduler.whenIdle();
      }
      await teardown?.close();
      await Promise.all(pending.map((run) => run.done));
      closed = true;
      coalescer.close();
      logs.close();
    },
    getSnapshot: async () => snapshot(),
    setInputs: async ({ inputs }) => setInputs(inputs),
    setSecret: async ({ name, value }) => {
      setSecret(name, value);
      bus.emit({ type: 'inputs', inputs: load().state.inputs, secrets: secretFlags() });
      return { ok: true };
    },
    runStep: async ({ stepId }) => {
      ready().run(stepId);
      return { ok: true };
    },
    retryStep: async ({ stepId }) => {
      ready().retry(stepId);
      return { ok: true };
    },
    skipStep: async ({ stepId, reason }) => {
      ready().skip(stepId, reason);
      return { ok: true };
    },
    cancelStep: async ({ stepId }) => {
      ready().cancel(stepId);
      return { ok: true };
    },
    runAll: async () => {
      ready().runAll();
      return { ok: true };
    },
    cancelAll: async () => {
      ready().cancelAll();
      return { ok: true };
    },
    readLog: async ({ stepId, offset, maxBytes }) => {
      load();
      if (!titles[stepId] && !troubleshootRuns.has(stepId) && stepId !== 'lab') {
        throw new LabApiError('not-found', `No step "${stepId}" in this lab`);
      }
      return logs.read(stepId, offset, maxBytes);
    },
    getJournal: async () => ({ entries: journal.list() }),
    exportScript: async () => {
      // The teardown's titles are known once the state is loaded.
      load();
      return { script: exportScript(journal.list(), titles) };
    },
    troubleshoot: async ({ request }) => troubleshoot(request),
    planTeardown: async (teardownOptions) => cleanupPart().plan(teardownOptionsSchema.parse(teardownOptions)),
    runTeardown: async (teardownOptions) => {
      await cleanupPart().run(teardownOptionsSchema.parse(teardownOptions));
      return { ok: true };
    },
    cancelTeardown: async () => {
      cleanupPart().cancel();
      return { ok: true };
    },
    removeLeftovers: async ({ ids }) => {
      await cleanupPart().removeLeftovers(ids);
      return { ok: true };
    },
  };
  return engine;
}

/**
 * The parsed values of the fields a request actually sent: the partial schema fills defaults
 * (e.g. `github.repository`), which must not overwrite what the person typed earlier.
 */
function onlyGiven(parsed: PartialLabInputs, given: PartialLabInputs): PartialLabInputs {
  const out: Record<string, unknown> = {};
  const parsedRecord = parsed as Record<string, unknown>;
  for (const [key, value] of Object.entries(given as Record<string, unknown>)) {
    if (value === undefined) continue;
    const parsedValue = parsedRecord[key];
    if (isRecord(value) && isRecord(parsedValue)) {
      out[key] = Object.fromEntries(Object.keys(value).filter((k) => value[k] !== undefined).map((k) => [k, parsedValue[k]]));
    } else {
      out[key] = parsedValue;
    }
  }
  return out as PartialLabInputs;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type { LabEvent };

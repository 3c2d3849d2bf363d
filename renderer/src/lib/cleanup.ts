/**
 * Rules behind the cleanup UI: which steps tear the lab down, what the teardown plan will remove
 * and at what cost, when the confirm button may be pressed, and the texts of the cost clock and
 * the leftovers. Pure, so each rule is tested without a browser and the components stay thin.
 */
import type { CostClock, LedgerEntry, LedgerKind, Snapshot, StepView, TeardownOptions, TeardownPlan } from '../../../electron/api/contract';
import type { PartialLabInputs } from '../../../electron/api/inputs';
import { formatDollars } from './resources';

/** The teardown steps, in the order the engine runs them. */
export function teardownSteps(snapshot: Snapshot | null): StepView[] {
  return snapshot?.cleanup?.steps ?? [];
}

export function isTeardownStep(snapshot: Snapshot | null, stepId: string | null): boolean {
  return stepId !== null && teardownSteps(snapshot).some((s) => s.id === stepId);
}

const kindLabels: Record<LedgerKind, string> = {
  'k3d-cluster': 'k3d cluster',
  'gke-cluster': 'GKE cluster',
  'gke-node-pool': 'GKE node pool',
  'gcp-network': 'VPC network',
  'gcp-load-balancer': 'load balancer',
  'gcp-service-account': 'service account',
  'gcp-service-account-key': 'service-account key',
  'github-repository': 'GitHub repository',
};

export function kindLabel(kind: LedgerKind): string {
  return kindLabels[kind];
}

/** `GKE cluster dev-cluster (my-project, europe-west9-a)`: what a person would look for in the console. */
export function describeEntry(entry: Pick<LedgerEntry, 'kind' | 'name' | 'project' | 'zone'>): string {
  const where = [entry.project, entry.zone].filter(Boolean).join(', ');
  return `${kindLabel(entry.kind)} ${entry.name}${where ? ` (${where})` : ''}`;
}

/** `45 s`, `12 min`, `1 h 12 min`, `3 d 4 h`: coarse on purpose, an age is read at a glance. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** The age of something created at `iso`, or null when the time cannot be read. */
export function ageMs(iso: string | undefined, now: number): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : Math.max(0, now - at);
}

/** `$0.26/h`; below a cent the two decimals would read as free, so cheap things keep a third. */
export function formatRate(perHour: number): string {
  return perHour > 0 && perHour < 0.01 ? `$${perHour.toFixed(3)}/h` : `${formatDollars(perHour)}/h`;
}

// ---------------------------------------------------------------------------------------------
// Cost clock

/** Whether the clock has anything to say: something billable runs, or ran and cost money. */
export function clockRunning(cost: CostClock | undefined): boolean {
  return !!cost && (cost.costPerHour > 0 || cost.since !== undefined);
}

/**
 * The cost so far at `now`: the engine's figure when it was received, plus what the running
 * resources cost since. The engine sends a new figure only when something changes, and a clock
 * that stood still for an hour would hide exactly what it is there to show.
 */
export function liveCostSoFar(cost: CostClock, receivedAt: number, now: number): number {
  return cost.costSoFar + (cost.costPerHour * Math.max(0, now - receivedAt)) / 3_600_000;
}

/** `running 1 h 12 min · ≈ $0.31 so far · $0.26/h (prices as of 2026-11)`. */
export function costClockText(cost: CostClock, receivedAt: number, now: number): string {
  const running = ageMs(cost.since, now);
  const parts = [
    ...(running !== null ? [`running ${formatAge(running)}`] : []),
    `≈ ${formatDollars(liveCostSoFar(cost, receivedAt, now))} so far`,
    formatRate(cost.costPerHour),
  ];
  return `${parts.join(' · ')} (prices as of ${cost.pricesAsOf})`;
}

/** The reminder and the deadline, when set: `cleanup starts by itself in 25 min`. */
export function deadlineText(cost: CostClock, now: number): string | null {
  if (!cost.deadline) return null;
  const at = Date.parse(cost.deadline);
  if (Number.isNaN(at)) return null;
  return at > now ? `cleanup starts by itself in ${formatAge(at - now)}` : 'the cleanup deadline has passed';
}

// ---------------------------------------------------------------------------------------------
// Leftovers

export function leftovers(ledger: LedgerEntry[]): LedgerEntry[] {
  return ledger.filter((e) => e.leftover === true && e.state !== 'gone');
}

/** `GKE cluster dev-cluster (p, europe-west9-a) · 3 h 2 min old · $0.10/h`. */
export function leftoverLine(entry: LedgerEntry, now: number): string {
  const age = ageMs(entry.createdAt, now);
  return [describeEntry(entry), ...(age !== null ? [`${formatAge(age)} old`] : []), ...(entry.costPerHour !== undefined ? [formatRate(entry.costPerHour)] : [])].join(' · ');
}

export function leftoversCostPerHour(entries: LedgerEntry[]): number {
  return entries.reduce((sum, e) => sum + (e.costPerHour ?? 0), 0);
}

/**
 * Whether the engine's ledger speaks for the cloud: once it has recorded anything, its clock and
 * entries are the truth (the live resources may still list what a teardown deleted); before that
 * (a lab started before the ledger existed) the live resources are the only estimate there is.
 */
export function ledgerKnows(snapshot: Snapshot | null): boolean {
  return (snapshot?.cleanup?.ledger.length ?? 0) > 0 || clockRunning(snapshot?.cleanup?.cost);
}

/** Whether the header should offer the cleanup button: something that bills is running. */
export function hasBillable(snapshot: Snapshot | null): boolean {
  if (!snapshot) return false;
  if (ledgerKnows(snapshot)) {
    return (snapshot.cleanup.cost.costPerHour ?? 0) > 0 || snapshot.cleanup.ledger.some((e) => e.state === 'present' && (e.costPerHour ?? 0) > 0);
  }
  return snapshot.resources.some((r) => !r.deleted && r.costPerHour !== undefined);
}

// ---------------------------------------------------------------------------------------------
// The teardown dialog

export interface PlanLine {
  stepId: string;
  title: string;
  /** Each resource as a person reads it; an id the ledger does not know is shown as is. */
  resources: string[];
  costPerHour: number;
  refusal?: string;
}

/** The plan, step by step, with the ledger's names and each step's share of the hourly cost. */
export function planLines(plan: TeardownPlan, ledger: LedgerEntry[]): PlanLine[] {
  const byId = new Map(ledger.map((e) => [e.id, e]));
  return plan.items.map((item) => {
    const entries = item.resources.map((id) => byId.get(id));
    return {
      stepId: item.stepId,
      title: item.title,
      resources: item.resources.map((id, i) => {
        const entry = entries[i];
        return entry ? describeEntry(entry) : id;
      }),
      costPerHour: entries.reduce((sum, e) => sum + (e?.state === 'gone' ? 0 : (e?.costPerHour ?? 0)), 0),
      ...(item.refusal ? { refusal: item.refusal } : {}),
    };
  });
}

export function planHasRefusal(plan: TeardownPlan | null): boolean {
  return !!plan && plan.items.some((i) => i.refusal !== undefined);
}

/** `owner/repository` as the person must type it to delete the repository, or null when unknown. */
export function repositoryName(inputs: PartialLabInputs): string | null {
  const owner = inputs.github?.owner;
  if (!owner) return null;
  return `${owner}/${inputs.github?.repository ?? 'devflux'}`;
}

export interface TeardownChoices {
  force: boolean;
  deleteServiceAccount: boolean;
  deleteRepository: boolean;
  /** What the person typed to confirm the repository's deletion. */
  repositoryTyped: string;
}

export const noChoices: TeardownChoices = { force: false, deleteServiceAccount: false, deleteRepository: false, repositoryTyped: '' };

/**
 * The request's options. The repository goes only when its box is ticked and its name typed
 * exactly: until then the plan shown is the one without it, and the confirm button stays off.
 */
export function teardownOptions(choices: TeardownChoices, expectedRepository: string | null): TeardownOptions {
  const deleteRepository = choices.deleteRepository && expectedRepository !== null && choices.repositoryTyped === expectedRepository;
  return {
    force: choices.force,
    deleteServiceAccount: choices.deleteServiceAccount,
    ...(deleteRepository ? { deleteRepository: choices.repositoryTyped } : {}),
  };
}

export interface ConfirmState {
  enabled: boolean;
  /** Why the button is disabled, said next to it; empty when enabled. */
  reason: string;
}

/**
 * When "Clean up" may be pressed: once the plan for exactly these options is shown, nothing is
 * already running, and a repository deletion is confirmed by typing its full name exactly (a
 * repository cannot be restored, so a near miss or another repository's name is never enough).
 */
export function confirmState(args: {
  choices: TeardownChoices;
  expectedRepository: string | null;
  planReady: boolean;
  /** The engine refused to plan (its message is shown above the options). */
  planFailed?: boolean;
  running: boolean;
  busy: boolean;
  online: boolean;
}): ConfirmState {
  const { choices, expectedRepository, planReady, planFailed, running, busy, online } = args;
  if (!online) return { enabled: false, reason: 'Not connected to the lab.' };
  if (running) return { enabled: false, reason: 'A teardown is already running.' };
  // What the person can fix right now comes before what they can only wait for.
  if (choices.deleteRepository) {
    if (!expectedRepository) return { enabled: false, reason: 'The repository is unknown: set the GitHub owner first.' };
    if (choices.repositoryTyped !== expectedRepository) return { enabled: false, reason: `Type ${expectedRepository} to confirm deleting the repository.` };
  }
  if (busy) return { enabled: false, reason: 'Working…' };
  if (planFailed && !planReady) return { enabled: false, reason: 'The teardown could not be planned: see the message above.' };
  if (!planReady) return { enabled: false, reason: 'The plan for these options is not shown yet.' };
  return { enabled: true, reason: '' };
}

// ---------------------------------------------------------------------------------------------
// Progress and notices

export interface TeardownProgress {
  done: number;
  total: number;
  running: string | null;
  failed: string | null;
}

export function teardownProgress(snapshot: Snapshot | null): TeardownProgress {
  const steps = teardownSteps(snapshot);
  const status = (id: string) => snapshot?.steps[id]?.status ?? 'pending';
  return {
    done: steps.filter((s) => status(s.id) === 'succeeded' || status(s.id) === 'skipped').length,
    total: steps.length,
    running: steps.find((s) => status(s.id) === 'running')?.title ?? null,
    failed: steps.find((s) => status(s.id) === 'failed')?.title ?? null,
  };
}

export interface LabNotice {
  id: number;
  level: 'info' | 'warning';
  message: string;
  at: number;
}

/** How many notices stay on screen; older ones have been read or repeated by newer ones. */
export const MAX_NOTICES = 3;

/** The list after a new notice: the same message again moves to the end instead of piling up. */
export function addNotice(list: LabNotice[], notice: LabNotice, max = MAX_NOTICES): LabNotice[] {
  return [...list.filter((n) => n.message !== notice.message || n.level !== notice.level), notice].slice(-max);
}

/** A small snapshot with a teardown, shared by the cleanup tests (logic and markup). */
import type { CleanupView, Snapshot, StepView } from '../../../electron/api/contract';

export const teardownStepFixtures: StepView[] = [
  {
    id: 'teardown-apps',
    phase: 'cleanup',
    title: 'Remove the apps from the dev cluster',
    why: 'The load balancer of the shop bills by the hour; removing the apps first releases it.',
    dependsOn: [],
    commands: [{ argv: ['kubectl', '--context', 'dev', 'delete', 'namespace', 'demo'] }],
    estimateSeconds: 60,
    inputs: [],
  },
  {
    id: 'teardown-k3d',
    phase: 'cleanup',
    title: 'Delete the k3d cluster',
    why: 'The local control plane goes last, once nothing in the cloud depends on it.',
    dependsOn: ['teardown-apps'],
    commands: [{ argv: ['k3d', 'cluster', 'delete', 'crossplane'] }],
    estimateSeconds: 20,
    inputs: [],
  },
];

export function snapshotWith(cleanup: Partial<CleanupView> = {}, steps: Snapshot['steps'] = {}): Snapshot {
  return {
    version: '0.1.0',
    rehearsal: true,
    phases: [
      {
        id: 'prepare',
        title: 'Prepare',
        steps: [{ id: 'tools', phase: 'prepare', title: 'Tools (asdf)', why: 'Installs tools.', dependsOn: [], commands: [], estimateSeconds: 10, inputs: [] }],
      },
    ],
    steps,
    inputs: { github: { owner: 'lab-student' } },
    secrets: {},
    resources: [],
    cleanup: { steps: [], running: false, remaining: [], ledger: [], cost: { costPerHour: 0, costSoFar: 0, pricesAsOf: '2026-11' }, ...cleanup },
  };
}

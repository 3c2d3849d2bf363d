/**
 * Server-rendered markup of the wizard's parts, checked for what people and the end-to-end test
 * rely on: step buttons named exactly by their titles, status outside the name, the right
 * actions enabled, and a failure explained.
 */
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { CleanupView, LabApi, LedgerEntry, Snapshot } from '../../../electron/api/contract';
import { createLab, type Lab } from '../store';
import { LabContext } from './lab-context';
import { StepCard } from './StepCard';
import { StepNav } from './StepNav';
import { Header } from './Header';
import { CleanupNav } from './CleanupNav';
import { CleanupStepCard } from './CleanupStepCard';
import { CleanupRemaining } from './CleanupRemaining';
import { CleanupNotices } from './CleanupNotices';
import { CleanupDialog } from './CleanupDialog';
import { LeftoversBanner } from './LeftoversBanner';
import { snapshotWith, teardownStepFixtures } from '../lib/cleanup-fixtures';

const snapshot: Snapshot = {
  version: '0.1.0',
  rehearsal: true,
  phases: [
    {
      id: 'prepare',
      title: 'Prepare',
      steps: [
        { id: 'tools', phase: 'prepare', title: 'Tools (asdf)', why: 'Installs tools.', dependsOn: [], commands: [{ argv: ['asdf', 'install'] }], estimateSeconds: 120, inputs: [] },
        {
          id: 'github-access',
          phase: 'prepare',
          title: 'GitHub access',
          why: 'Checks the token.',
          dependsOn: [],
          commands: [{ argv: ['curl', '-H', 'Authorization: Bearer $GITHUB_TOKEN', 'https://api.github.com/user'], env: ['GITHUB_TOKEN'] }],
          estimateSeconds: 600,
          inputs: ['github.owner'],
        },
      ],
    },
  ],
  steps: {
    tools: { status: 'running', attempts: 1, startedAt: new Date(Date.now() - 41_000).toISOString() },
    'github-access': {
      status: 'failed',
      attempts: 2,
      error: { message: 'the token was refused', hint: 'Create a new token with the repo scope.', stderrTail: 'HTTP 401 Bad credentials' },
    },
  },
  inputs: { github: { owner: 'smana' } },
  secrets: { GITHUB_TOKEN: false },
  resources: [],
  cleanup: { steps: [], running: false, remaining: [], ledger: [], cost: { costPerHour: 0, costSoFar: 0, pricesAsOf: '2026-11' } },
};

function labWith(selected: string): Lab {
  const api = { onEvent: () => () => {}, getSnapshot: async () => snapshot } as unknown as LabApi;
  const lab = createLab({ api, onConnection: (l) => (l('open'), () => {}) });
  lab.store.setState({ snapshot, selectedStepId: selected, connection: 'open' });
  // Server rendering reads the store's initial state; make it the state the test set up.
  lab.store.getInitialState = lab.store.getState;
  return lab;
}

function render(lab: Lab, element: ReactElement): string {
  return renderToStaticMarkup(createElement(LabContext.Provider, { value: lab }, element));
}

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');

describe('step navigation markup', () => {
  const html = render(labWith('tools'), createElement(StepNav));

  it('is a navigation landmark with a heading per phase', () => {
    expect(html).toMatch(/^<nav aria-label="Lab steps"/);
    expect(html).toMatch(/<h2[^>]*>.*Prepare<\/h2>/);
  });

  it('names each step button exactly by its title and describes its status beside it', () => {
    const buttons = [...html.matchAll(/<button([^>]*)>(.*?)<\/button>/g)];
    expect(buttons.map((b) => text(b[2]!).replace(/^[^A-Za-z]+/, ''))).toEqual(['Tools (asdf)', 'GitHub access']);
    for (const [, attrs, inner] of buttons) {
      // The only non-title text inside is the status icon, hidden from the accessible name.
      expect(inner).toMatch(/^<span class="status-icon[^"]*" aria-hidden="true">[^<]*<\/span><span class="step-title">[^<]+<\/span>$/);
      const describedBy = /aria-describedby="([^"]+)"/.exec(attrs!)?.[1];
      expect(html).toContain(`id="${describedBy}"`);
    }
    expect(text(html)).toContain('Running');
    // A started step shows its time so far; one that never started shows its estimate.
    expect(text(html)).toMatch(/Running0:4\d/);
    expect(text(html)).not.toContain('~2 min');
    expect(text(html)).toContain('~10 min');
  });

  it('puts only the selected step in the tab order', () => {
    expect(html.match(/tabindex="0"/g)).toHaveLength(1);
    expect(html).toMatch(/data-step-id="tools" aria-current="step"[^>]*tabindex="0"/);
  });
});

describe('step card markup', () => {
  it('explains a failure and offers Retry and Skip, not Run or Cancel', () => {
    const html = render(labWith('github-access'), createElement(StepCard));
    const t = text(html);
    expect(t).toContain('the token was refused');
    expect(t).toContain('Create a new token with the repo scope.');
    expect(t).toContain('HTTP 401 Bad credentials');
    expect(t).toContain('attempt 2');
    const enabled = (name: string) => new RegExp(`<button[^>]*>${name}</button>`).exec(html)?.[0].includes('disabled') === false;
    expect(enabled('Retry')).toBe(true);
    expect(enabled('Skip…')).toBe(true);
    expect(enabled('Run')).toBe(false);
    expect(enabled('Cancel')).toBe(false);
  });

  it('asks for the token in a password box with no value, and shows the command with the placeholder', () => {
    const html = render(labWith('github-access'), createElement(StepCard));
    const password = /<input[^>]*type="password"[^>]*>/.exec(html)?.[0] ?? '';
    expect(password).not.toBe('');
    expect(password).toMatch(/value=""/);
    expect(text(html)).toContain('curl -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user');
    expect(text(html)).toContain('not set');
    expect(html).toMatch(/<input[^>]*value="smana"/);
  });

  it('shows a running step with Cancel only', () => {
    const html = render(labWith('tools'), createElement(StepCard));
    expect(/<button[^>]*>Cancel<\/button>/.exec(html)?.[0]).not.toContain('disabled');
    expect(/<button[^>]*>Run<\/button>/.exec(html)?.[0]).toContain('disabled');
  });
});

describe('header markup', () => {
  it('shows the rehearsal banner only in a rehearsal', () => {
    const lab = labWith('tools');
    expect(text(render(lab, createElement(Header)))).toContain('Rehearsal');
    lab.store.setState({ snapshot: { ...snapshot, rehearsal: false } });
    expect(text(render(lab, createElement(Header)))).not.toContain('Rehearsal');
  });
});

describe('cleanup markup', () => {
  const hour = 3_600_000;
  const createdAt = new Date(Date.now() - 2 * hour - 5 * 60_000).toISOString();
  const ledger: LedgerEntry[] = [
    { id: 'gke-cluster/p/z/dev-cluster', kind: 'gke-cluster', name: 'dev-cluster', project: 'gitops-lab-sim', zone: 'europe-west9-a', createdAt, state: 'present', costPerHour: 0.1, leftover: true },
    { id: 'k3d-cluster/crossplane', kind: 'k3d-cluster', name: 'crossplane', createdAt, state: 'present' },
  ];
  const cost = { since: createdAt, costPerHour: 0.26, costSoFar: 0.54, pricesAsOf: '2026-11' };

  function cleanupLab(cleanup: Partial<CleanupView>, steps: Snapshot['steps'] = {}, selected = 'tools'): Lab {
    const snap = snapshotWith(cleanup, steps);
    const api = { onEvent: () => () => {}, getSnapshot: async () => snap } as unknown as LabApi;
    const lab = createLab({ api, onConnection: (l) => (l('open'), () => {}) });
    lab.store.setState({ snapshot: snap, selectedStepId: selected, connection: 'open' });
    lab.store.getInitialState = lab.store.getState;
    return lab;
  }

  it('lists the teardown steps after the phases, named by title, with the one cleanup button', () => {
    const lab = cleanupLab({ steps: teardownStepFixtures, running: true }, { 'teardown-apps': { status: 'succeeded', attempts: 1 }, 'teardown-k3d': { status: 'running', attempts: 1, startedAt: new Date().toISOString() } });
    const html = render(lab, createElement(CleanupNav));
    expect(html).toMatch(/^<nav aria-label="Clean up"/);
    const steps = [...html.matchAll(/<button[^>]*class="step[^"]*"[^>]*>(.*?)<\/button>/g)].map((b) => text(b[1]!).replace(/^[^A-Za-z]+/, ''));
    expect(steps).toEqual(['Remove the apps from the dev cluster', 'Delete the k3d cluster']);
    expect(text(html)).toContain('Clean up everything…');
    expect(text(html)).toContain('1 of 2 steps done; now: Delete the k3d cluster');
    expect(/<button[^>]*>Cancel teardown<\/button>/.exec(html)?.[0]).not.toContain('disabled');
    expect(html).toMatch(/aria-haspopup="dialog"/);
  });

  it('shows a teardown step card with why, commands and Cancel while it runs', () => {
    const lab = cleanupLab({ steps: teardownStepFixtures, running: true }, { 'teardown-k3d': { status: 'running', attempts: 1 } }, 'teardown-k3d');
    const t = text(render(lab, createElement(CleanupStepCard)));
    expect(t).toContain('Delete the k3d cluster');
    expect(t).toContain('The local control plane goes last');
    expect(t).toContain('k3d cluster delete crossplane');
    expect(t).toContain('Cancel teardown');
    expect(t).not.toContain('Clean up everything…');
  });

  it('puts the cost clock and the cleanup button in the header only while something bills', () => {
    const billing = text(render(cleanupLab({ ledger, cost }), createElement(Header)));
    expect(billing).toMatch(/Cloud running 2 h 5 min · ≈ \$0\.54 so far · \$0\.26\/h \(prices as of 2026-11\)/);
    expect(billing).toContain('Clean up everything…');
    const idle = text(render(cleanupLab({ ledger: [ledger[1]!] }), createElement(Header)));
    expect(idle).not.toContain('Clean up everything…');
    expect(idle).not.toContain('prices as of');
  });

  it('announces leftovers with age, cost and one Remove button, and nothing without them', () => {
    const html = render(cleanupLab({ ledger }), createElement(LeftoversBanner));
    expect(html).toMatch(/^<section class="leftovers" role="alert"/);
    expect(text(html)).toContain('GKE cluster dev-cluster (gitops-lab-sim, europe-west9-a) · 2 h 5 min old · $0.10/h');
    expect(text(html)).not.toContain('crossplane');
    expect(text(html)).toContain('Remove leftovers');
    expect(render(cleanupLab({ ledger: [ledger[1]!] }), createElement(LeftoversBanner))).toBe('');
  });

  it('keeps what a teardown left behind on screen, with no way to dismiss it', () => {
    const html = render(cleanupLab({ remaining: ['Network dev-vpc still exists: gcloud compute networks delete dev-vpc --project=p'] }), createElement(CleanupRemaining));
    expect(text(html)).toContain('Still there after the teardown');
    expect(text(html)).toContain('gcloud compute networks delete dev-vpc');
    expect(html).not.toContain('<button');
    expect(text(render(cleanupLab({ completedAt: new Date().toISOString() }), createElement(CleanupRemaining)))).toContain('Everything the lab created is gone');
  });

  it('shows a warning notice as an alert and information as a status', () => {
    const lab = cleanupLab({});
    lab.store.setState({
      notices: [
        { id: 1, level: 'warning', message: 'Cleanup starts by itself in 5 min.', at: 0 },
        { id: 2, level: 'info', message: 'Reminder: the lab has run for 2 h.', at: 0 },
      ],
    });
    const html = render(lab, createElement(CleanupNotices));
    expect(html).toMatch(/role="alert"><p>Cleanup starts by itself in 5 min\.<\/p>/);
    expect(html).toMatch(/role="status"><p>Reminder: the lab has run for 2 h\.<\/p>/);
  });

  it('opens the dialog with its options and the confirm off until the plan is shown', () => {
    const html = render(cleanupLab({ ledger }), createElement(CleanupDialog, { onClose: () => {} }));
    expect(html).toMatch(/^<dialog class="cleanup-dialog" aria-labelledby="[^"]+"/);
    expect(text(html)).toContain('Also delete the service account and its key');
    expect(text(html)).toContain('Also delete the GitHub repository');
    // The force option appears only once the plan says a step would be refused.
    expect(text(html)).not.toContain('(force)');
    expect(/<button[^>]*>Clean up<\/button>/.exec(html)?.[0]).toContain('disabled');
    expect(text(html)).toContain('The plan for these options is not shown yet.');
  });
});

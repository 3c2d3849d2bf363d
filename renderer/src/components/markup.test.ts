/**
 * Server-rendered markup of the wizard's parts, checked for what people and the end-to-end test
 * rely on: step buttons named exactly by their titles, status outside the name, the right
 * actions enabled, and a failure explained.
 */
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { LabApi, Snapshot } from '../../../electron/api/contract';
import { createLab, type Lab } from '../store';
import { LabContext } from './lab-context';
import { StepCard } from './StepCard';
import { StepNav } from './StepNav';
import { Header } from './Header';

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

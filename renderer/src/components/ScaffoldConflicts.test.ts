/**
 * Markup of the scaffold's changed files on a failed step's card: a named list, one named region
 * per file with its diff coloured by line, the two choices by name, and the retry held until
 * every file has an answer.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { LabApi, Snapshot } from '../../../electron/api/contract';
import { createLab } from '../store';
import { LabContext } from './lab-context';
import { StepCard } from './StepCard';

const CLUSTER = 'infrastructure/k3d-crossplane/custom-resources/crossplane/cluster.yaml';
const DELETED = 'security/k3d-crossplane/kustomization.yaml';
const diff = [`--- a/${CLUSTER}`, `+++ b/${CLUSTER}`, '@@ -1,3 +1,3 @@', ' spec:', '-  location: <europe-west1-b>', '+  location: europe-west9-a', ''].join('\n');

const snapshot: Snapshot = {
  version: '0.1.0',
  rehearsal: true,
  phases: [
    {
      id: 'repository',
      title: 'Repository',
      steps: [{ id: 'scaffold', phase: 'repository', title: 'Scaffold the repository', why: 'Folders.', dependsOn: [], commands: [], estimateSeconds: 5, inputs: [] }],
    },
  ],
  steps: {
    scaffold: {
      status: 'failed',
      attempts: 1,
      error: {
        message: `refusing to overwrite files changed outside the app: ${CLUSTER}, ${DELETED}.`,
        conflicts: [
          { file: CLUSTER, reason: 'edited', diff, sha256: 'a'.repeat(64), backup: `${CLUSTER}.mine` },
          { file: DELETED, reason: 'deleted', diff: `--- /dev/null\n+++ b/${DELETED}\n@@ -0,0 +1,1 @@\n+kind: Kustomization\n`, sha256: 'absent' },
        ],
      },
    },
  },
  inputs: {},
  secrets: {},
  resources: [],
  cleanup: { steps: [], running: false, remaining: [], ledger: [], cost: { costPerHour: 0, costSoFar: 0, pricesAsOf: '2026-11' } },
};

function renderCard(snap: Snapshot): string {
  const api = { onEvent: () => () => {}, getSnapshot: async () => snap } as unknown as LabApi;
  const lab = createLab({ api, onConnection: (l) => (l('open'), () => {}) });
  lab.store.setState({ snapshot: snap, selectedStepId: 'scaffold', connection: 'open' });
  lab.store.getInitialState = lab.store.getState;
  return renderToStaticMarkup(createElement(LabContext.Provider, { value: lab }, createElement(StepCard)));
}

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

describe('scaffold conflicts on the step card', () => {
  const html = renderCard(snapshot);

  it('lists the files, each a region named by its path', () => {
    expect(html).toMatch(/<ul class="conflict-list" aria-label="Changed files">/);
    const regions = [...html.matchAll(/<section class="conflict" aria-labelledby="([^"]+)">/g)].map((m) => m[1]!);
    expect(regions).toHaveLength(2);
    const names = regions.map((id) => text(new RegExp(`<h4 id="${id}">(.*?)</h4>`).exec(html)?.[1] ?? ''));
    expect(names).toEqual([CLUSTER, DELETED]);
  });

  it('shows the diff in a focusable block, each line classed by kind, text escaped', () => {
    expect(html).toMatch(new RegExp(`<pre class="conflict-diff" tabindex="0" aria-label="Changes the lab would make to ${CLUSTER}">`));
    expect(html).toContain('<span class="diff-line diff-del">-  location: &lt;europe-west1-b&gt;');
    expect(html).toContain('<span class="diff-line diff-add">+  location: europe-west9-a');
    expect(html).toContain('<span class="diff-line diff-hunk">@@ -1,3 +1,3 @@');
  });

  it('offers both choices per file by name, nothing chosen yet, and holds the retry', () => {
    const buttons = [...html.matchAll(/<button([^>]*)>(.*?)<\/button>/g)].map((m) => ({ attrs: m[1]!, name: text(m[2]!) }));
    expect(buttons.filter((b) => b.name === 'Keep my version')).toHaveLength(2);
    expect(buttons.map((b) => b.name)).toContain(`Use the lab's version (mine is kept as ${CLUSTER}.mine)`);
    expect(buttons.map((b) => b.name)).toContain("Use the lab's version (restores the file)");
    for (const b of buttons.filter((x) => x.name.startsWith('Keep') || x.name.startsWith('Use'))) expect(b.attrs).toContain('aria-pressed="false"');
    expect(buttons.find((b) => b.name === 'Retry with these choices')?.attrs).toContain('disabled');
    expect(text(html)).toContain('0 of 2 chosen');
  });

  it('is not shown for a failure without conflicts', () => {
    const plain = renderCard({ ...snapshot, steps: { scaffold: { status: 'failed', attempts: 1, error: { message: 'push refused' } } } });
    expect(plain).not.toContain('Files you changed');
    expect(plain).not.toContain('Keep my version');
  });
});

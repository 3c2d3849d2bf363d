import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { journalEntrySchema } from '../../api/contract';
import { exportScript, JOURNAL_FILE, openJournal, readJournal, type JournalRecord } from './journal';
import { SecretMasker } from './mask';

const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'lab-journal-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => path.join(root, `j${++dirs}`);

const fixedClock = (): (() => Date) => {
  let tick = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 12, 0, tick++));
};

describe('openJournal', () => {
  it('appends a start and a completion record and merges them on read', () => {
    const dir = freshDir();
    const journal = openJournal(dir, { now: fixedClock() });
    const seq = journal.start({ stepId: 'create-cluster', argv: ['k3d', 'cluster', 'create', 'dev'], cwd: dir });
    expect(journal.list()).toEqual([
      { seq: 1, stepId: 'create-cluster', argv: ['k3d', 'cluster', 'create', 'dev'], cwd: dir, envNames: [], startedAt: '2026-01-01T12:00:00.000Z' },
    ]);
    journal.finish(seq, { exitCode: 0, signal: null, executable: '/usr/local/bin/k3d' });
    const [entry] = journal.list();
    expect(entry).toMatchObject({ seq: 1, endedAt: '2026-01-01T12:00:01.000Z', exitCode: 0, signal: null, executable: '/usr/local/bin/k3d' });
    expect(journalEntrySchema.parse(entry)).toEqual(entry);
    expect(readFileSync(path.join(dir, JOURNAL_FILE), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(statSync(path.join(dir, JOURNAL_FILE)).mode & 0o777).toBe(0o600);
  });

  it('continues numbering after a restart', () => {
    const dir = freshDir();
    const first = openJournal(dir);
    first.start({ stepId: 'a', argv: ['true'] });
    first.start({ stepId: 'a', argv: ['true'] });
    const second = openJournal(dir);
    expect(second.start({ stepId: 'b', argv: ['true'] })).toBe(3);
    expect(second.list().map((entry) => entry.seq)).toEqual([1, 2, 3]);
  });

  it('ignores a line torn by a crash and keeps appending cleanly', () => {
    const dir = freshDir();
    const journal = openJournal(dir);
    journal.finish(journal.start({ stepId: 'a', argv: ['echo', 'one'] }), { exitCode: 0 });
    appendFileSync(path.join(dir, JOURNAL_FILE), '{"type":"start","seq":2,"stepId":"a","argv":["ec');
    expect(journal.list().map((entry) => entry.seq)).toEqual([1]);

    const reopened = openJournal(dir);
    const seq = reopened.start({ stepId: 'b', argv: ['echo', 'two'] });
    reopened.finish(seq, { exitCode: 0 });
    expect(reopened.list().map((entry) => [entry.seq, entry.argv[1], entry.exitCode])).toEqual([
      [1, 'one', 0],
      [2, 'two', 0],
    ]);
  });

  it('records env var names, never their values, and masks argv with placeholders', () => {
    const dir = freshDir();
    const masker = new SecretMasker();
    masker.register('ghp_TopSecretValue42', { name: 'GITHUB_TOKEN' });
    masker.register('admin-password-9');
    const journal = openJournal(dir, { masker });
    journal.start({
      stepId: 'bootstrap',
      argv: ['flux', 'bootstrap', 'github', '--password=admin-password-9', '--token=ghp_TopSecretValue42'],
      env: { GITHUB_TOKEN: 'ghp_TopSecretValue42', KUBECONFIG: '/tmp/kubeconfig' },
    });
    const text = readFileSync(path.join(dir, JOURNAL_FILE), 'utf8');
    expect(text).not.toContain('ghp_TopSecretValue42');
    expect(text).not.toContain('admin-password-9');
    expect(text).not.toContain('/tmp/kubeconfig');
    const [entry] = journal.list();
    expect(entry!.envNames).toEqual(['GITHUB_TOKEN', 'KUBECONFIG']);
    expect(entry!.argv.slice(3)).toEqual(['--password=***', '--token=${GITHUB_TOKEN}']);
  });

  it('records a pipeline as argv + pipeFrom and the full stage list', () => {
    const dir = freshDir();
    const journal = openJournal(dir);
    journal.start({
      stepId: 'test-seal',
      argv: ['kubectl', 'create', 'secret', 'generic', 'foobar'],
      pipeTo: [{ argv: ['kubeseal', '--format', 'yaml'], env: { SEAL_ENV: 'x' } }, { argv: ['kubectl', 'apply', '-f', '-'] }],
    });
    const [entry] = journal.list();
    expect(entry!.argv).toEqual(['kubectl', 'apply', '-f', '-']);
    expect(entry!.pipeFrom).toEqual(['kubeseal', '--format', 'yaml']);
    expect(entry!.pipeline).toHaveLength(3);
    expect(entry!.envNames).toEqual(['SEAL_ENV']);
  });

  it('reads a missing journal as empty', () => {
    expect(readJournal(path.join(freshDir(), JOURNAL_FILE))).toEqual([]);
  });
});

describe('exportScript', () => {
  const tricky = ['with space', "it's", '"double"', '$HOME', '`uname`', 'back\\slash', 'new\nline', 'tab\there', '*', '', '!bang', '-n', 'ünïcödé'];

  function entry(fields: Partial<JournalRecord> & Pick<JournalRecord, 'seq' | 'stepId' | 'argv'>): JournalRecord {
    return { cwd: root, envNames: [], startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.000Z', exitCode: 0, ...fields };
  }

  it('produces a script that bash runs to the same argv, pipelines and output files', () => {
    const work = freshDir();
    execFileSync('mkdir', ['-p', work]);
    const entries: JournalRecord[] = [
      entry({ seq: 1, stepId: 'args', argv: ['printf', '%s\\0', ...tricky], cwd: work }),
      entry({ seq: 2, stepId: 'pipe', pipeline: [['printf', 'b\\na\\n'], ['sort'], ['tr', 'a-z', 'A-Z']], pipeFrom: ['sort'], argv: ['tr', 'a-z', 'A-Z'], outputFile: 'sorted out.txt', cwd: work }),
      entry({ seq: 3, stepId: 'pipe', argv: ['false'], exitCode: 1 }),
      entry({ seq: 4, stepId: 'secret', argv: ['printf', '%s\\0', '--token=${GITHUB_TOKEN}', '${GITHUB_TOKEN}$literal'], envNames: ['GITHUB_TOKEN'], cwd: work }),
    ];
    const script = exportScript(entries, { args: 'Tricky arguments', pipe: 'A pipeline' });
    expect(script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(script).toContain('set -euo pipefail');
    expect(script).toContain('# Step: Tricky arguments (args)');
    expect(script).toContain('# Step: secret (secret)');
    expect(script).toContain('# failed (exit code 1): false');
    const file = path.join(work, 'replay.sh');
    writeFileSync(file, script);

    const run = spawnSync('bash', [file], { env: { PATH: process.env.PATH, GITHUB_TOKEN: 'tok "$x" en' }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const printed = run.stdout.split('\0').slice(0, -1);
    expect(printed.slice(0, tricky.length)).toEqual(tricky);
    expect(printed.slice(tricky.length)).toEqual(['--token=tok "$x" en', 'tok "$x" en$literal']);
    expect(readFileSync(path.join(work, 'sorted out.txt'), 'utf8')).toBe('A\nB\n');
  });

  it('stops with a clear message when a required secret is not set', () => {
    const work = freshDir();
    execFileSync('mkdir', ['-p', work]);
    const script = exportScript([entry({ seq: 1, stepId: 's', argv: ['echo', '${GITHUB_TOKEN}'], cwd: work })], {});
    expect(script).toContain(': "${GITHUB_TOKEN:?set GITHUB_TOKEN first}"');
    const file = path.join(work, 'replay.sh');
    writeFileSync(file, script);
    const run = spawnSync('bash', [file], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('set GITHUB_TOKEN first');
    expect(run.stdout).toBe('');
  });

  it('comments out commands that did not finish and changes directory only when needed', () => {
    const script = exportScript(
      [
        entry({ seq: 1, stepId: 's', argv: ['echo', 'one'], cwd: '/a' }),
        entry({ seq: 2, stepId: 's', argv: ['echo', 'two'], cwd: '/a' }),
        entry({ seq: 3, stepId: 's', argv: ['sleep', '9'], cwd: '/b', endedAt: undefined, exitCode: undefined }),
        entry({ seq: 4, stepId: 's', argv: ['echo', 'three'], cwd: '/b', signal: 'SIGTERM', exitCode: null }),
      ],
      new Map([['s', 'Step S']]),
    );
    expect(script.split('\n').filter((line) => line && !line.startsWith('#') && !line.startsWith('set '))).toEqual(['cd /a', 'echo one', 'echo two']);
    expect(script).toContain('# did not finish: sleep 9');
    expect(script).toContain('# failed (killed by SIGTERM): echo three');
  });
});

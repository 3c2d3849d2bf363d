import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomicSync } from '../../electron/lab/state/atomic-write';
import { defaultDataDir } from '../../electron/lab/state/data-dir';
import { createStateStore, STATE_SCHEMA_VERSION } from '../../electron/lab/state/store';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-store-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('atomic write', () => {
  it('writes a temp file in the same directory, fsyncs it, renames it, then fsyncs the directory', () => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, 'old');
    const calls: string[] = [];
    const opened = new Map<number, string>();
    const realOpen = fs.openSync;
    vi.spyOn(fs, 'openSync').mockImplementation(((p: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
      const fd = realOpen(p, flags ?? 'r', mode);
      opened.set(fd, String(p));
      return fd;
    }) as typeof fs.openSync);
    const realFsync = fs.fsyncSync;
    vi.spyOn(fs, 'fsyncSync').mockImplementation((fd: number) => {
      calls.push(`fsync ${opened.get(fd) === dir ? 'dir' : path.dirname(opened.get(fd)!) === dir ? 'temp' : '?'}`);
      realFsync(fd);
    });
    const realRename = fs.renameSync;
    vi.spyOn(fs, 'renameSync').mockImplementation((from: fs.PathLike, to: fs.PathLike) => {
      calls.push(`rename ${path.dirname(String(from)) === dir ? 'same-dir' : 'other-dir'} -> ${path.basename(String(to))}`);
      // The target still holds the old content until the rename.
      expect(fs.readFileSync(file, 'utf8')).toBe('old');
      realRename(from, to);
    });
    writeFileAtomicSync(file, 'new');
    expect(calls).toEqual(['fsync temp', 'rename same-dir -> state.json', 'fsync dir']);
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });

  it('leaves the old content and no temp file when the rename fails', () => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, 'old');
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
    });
    expect(() => writeFileAtomicSync(file, 'new')).toThrow('EXDEV');
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });
});

describe('state store', () => {
  it('starts fresh without a file and round-trips inputs and step states', () => {
    const store = createStateStore(dir);
    const { state, notice } = store.load();
    expect(notice).toBeUndefined();
    expect(state.schemaVersion).toBe(STATE_SCHEMA_VERSION);
    state.inputs = { github: { owner: 'smana' } };
    state.steps.docker = { status: 'succeeded', attempts: 1, outputs: { version: '27' } };
    store.save(state);
    const again = createStateStore(dir).load();
    expect(again.state.inputs.github?.owner).toBe('smana');
    expect(again.state.steps.docker).toEqual({ status: 'succeeded', attempts: 1, outputs: { version: '27' } });
  });

  it('removes a temp file left by a process killed before its rename, keeping the saved state', () => {
    const store = createStateStore(dir);
    const { state } = store.load();
    state.steps.docker = { status: 'succeeded', attempts: 1 };
    store.save(state);
    fs.writeFileSync(path.join(dir, '.state.json.4242.1700000000000.tmp'), '{"half":');
    const again = createStateStore(dir).load();
    expect(again.state.steps.docker?.status).toBe('succeeded');
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });

  it('drops anything that is not an input, so a secret slipped into inputs is never written', () => {
    const store = createStateStore(dir);
    const { state } = store.load();
    (state.inputs as Record<string, unknown>).GITHUB_TOKEN = 'ghp_supersecretvalue';
    store.save(state);
    // Loading validates against the inputs schema, which has no such field.
    expect(createStateStore(dir).load().state.inputs).toEqual({});
  });

  it('migrates a v1 file to v2 and says so', () => {
    const v1 = {
      schemaVersion: 1,
      savedAt: '2026-01-02T03:04:05.000Z',
      inputs: { github: { owner: 'smana' } },
      steps: {
        docker: { status: 'done', attempts: 1 },
        'k3d-cluster': { status: 'failed', attempts: 2, error: 'cluster exists' },
      },
    };
    fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify(v1));
    const { state, notice } = createStateStore(dir).load();
    expect(notice).toMatch(/from schema 1 to 2/);
    expect(state).toMatchObject({
      schemaVersion: 2,
      createdAt: '2026-01-02T03:04:05.000Z',
      updatedAt: '2026-01-02T03:04:05.000Z',
      inputs: { github: { owner: 'smana' } },
      steps: {
        docker: { status: 'succeeded', attempts: 1 },
        'k3d-cluster': { status: 'failed', attempts: 2, error: { message: 'cluster exists' } },
      },
    });
  });

  it('moves a corrupt file aside and starts fresh, saying where it went', () => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, '{"schemaVersion": 2, "inpu');
    const { state, notice } = createStateStore(dir, () => new Date('2026-11-26T10:00:00.000Z')).load();
    expect(state.steps).toEqual({});
    const aside = path.join(dir, 'state.json.corrupt-2026-11-26T10-00-00-000Z');
    expect(notice).toContain(aside);
    expect(fs.readFileSync(aside, 'utf8')).toBe('{"schemaVersion": 2, "inpu');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('treats a well-formed file with a damaged shape as corrupt too', () => {
    fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ schemaVersion: 2, steps: { a: { status: 'flying' } } }));
    const { notice } = createStateStore(dir).load();
    expect(notice).toMatch(/damaged/);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('state.json.corrupt-'))).toBe(true);
  });

  it('does not overwrite a file from a newer app version', () => {
    fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ schemaVersion: 99 }));
    const { notice } = createStateStore(dir).load();
    expect(notice).toMatch(/newer version/);
    expect(fs.readdirSync(dir).some((f) => f.startsWith('state.json.newer-'))).toBe(true);
  });
});

describe('data directory', () => {
  it('honours LAB_DATA_DIR, then the platform convention', () => {
    expect(defaultDataDir({ LAB_DATA_DIR: '/tmp/lab' }, 'linux', '/home/u')).toBe('/tmp/lab');
    expect(defaultDataDir({}, 'linux', '/home/u')).toBe('/home/u/.config/gitops-lab');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/gitops-lab');
    expect(defaultDataDir({ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/u')).toBe('/home/u/.config/gitops-lab');
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/GitOps Lab');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\GitOps Lab');
  });
});

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import { createRunner } from '../run/runner';
import { asdfVersion, current, install, parseCurrent, pluginAdd, pluginList, setVersion } from './asdf';
import { toolVersion } from './versions';

let t: TestWorld;
beforeAll(async () => {
  t = await startTestWorld();
});
afterAll(async () => {
  await t?.dispose();
});

const run = () => createRunner({ baseEnv: { ...t.world.env(), HOME: t.workDir, LANG: 'C' }, loginShell: false }).run;

describe('asdf adapter against the simulated asdf', () => {
  it('reads the version and accepts the Go rewrite (>= 0.16)', async () => {
    const { version, modern } = await asdfVersion(run(), { cwd: t.workDir });
    expect(version).toMatch(/^0\.\d+\.\d+$/);
    expect(modern).toBe(true);
  });

  it('adds a plugin, lists it, and adding it again is harmless', async () => {
    expect(await pluginList(run(), { cwd: t.workDir })).toEqual([]);
    expect(await pluginAdd(run(), 'k3d', { cwd: t.workDir })).toEqual({ alreadyAdded: false });
    expect(await pluginAdd(run(), 'k3d', { cwd: t.workDir })).toEqual({ alreadyAdded: true });
    expect(await pluginList(run(), { cwd: t.workDir })).toEqual(['k3d']);
  });

  it('current shows "not set", then set but not installed, then installed', async () => {
    const pinned = toolVersion('k3d').pinned;
    expect(await current(run(), { cwd: t.workDir })).toEqual([{ name: 'k3d', installed: false }]);

    await setVersion(run(), 'k3d', pinned, { cwd: t.workDir });
    expect(readFileSync(path.join(t.workDir, '.tool-versions'), 'utf8')).toContain(`k3d ${pinned}`);
    expect(await current(run(), { cwd: t.workDir })).toEqual([{ name: 'k3d', version: pinned, source: path.join(t.workDir, '.tool-versions'), installed: false }]);

    expect(await install(run(), { plugin: 'k3d', version: pinned }, { cwd: t.workDir })).toEqual({ alreadyInstalled: false });
    expect(await install(run(), { plugin: 'k3d', version: pinned }, { cwd: t.workDir })).toEqual({ alreadyInstalled: true });
    expect(await current(run(), { cwd: t.workDir })).toEqual([{ name: 'k3d', version: pinned, source: path.join(t.workDir, '.tool-versions'), installed: true }]);
  });

  it('set --home writes HOME/.tool-versions', async () => {
    await pluginAdd(run(), 'flux2', { cwd: t.workDir });
    const sub = path.join(t.workDir, 'elsewhere');
    mkdirSync(sub, { recursive: true });
    await setVersion(run(), 'flux2', '2.9.1', { cwd: sub, home: true });
    expect(readFileSync(path.join(t.workDir, '.tool-versions'), 'utf8')).toContain('flux2 2.9.1');
  });
});

describe('asdf current parsing (transcripts/asdf.md)', () => {
  it('parses installed, not installed and not set rows', () => {
    const stdout = [
      'Name            Version                  Source                                          Installed',
      'java            temurin-21.0.11+10.0.LTS /Users/sigma/work/dev/ant-server/.tool-versions false - Run `asdf install java temurin-21.0.11+10.0.LTS`',
      'nodejs          lts             /xxx/tech_academy/test_app/.tool-versions true',
      'ruby            ______          ______          ',
      '',
    ].join('\n');
    expect(parseCurrent(stdout)).toEqual([
      { name: 'java', version: 'temurin-21.0.11+10.0.LTS', source: '/Users/sigma/work/dev/ant-server/.tool-versions', installed: false },
      { name: 'nodejs', version: 'lts', source: '/xxx/tech_academy/test_app/.tool-versions', installed: true },
      { name: 'ruby', installed: false },
    ]);
  });

  it('keeps several versions joined by a space, and a version set by env var', () => {
    expect(parseCurrent('python          3.12.1 3.11.7   ASDF_PYTHON_VERSION true\n')).toEqual([
      { name: 'python', version: '3.12.1 3.11.7', source: 'ASDF_PYTHON_VERSION', installed: true },
    ]);
  });

  it('no plugins: nothing', () => {
    expect(parseCurrent('No plugins installed\n')).toEqual([]);
  });
});

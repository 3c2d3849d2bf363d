import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedToolVersions } from '../world/tool-versions.js';
import { startTestWorld, type TestWorld } from '../world/test-world.js';

let t: TestWorld;
beforeAll(async () => {
  t = await startTestWorld();
});
afterAll(async () => {
  await t?.dispose();
});

describe('fake asdf (Go asdf >= 0.16)', () => {
  it('prints its version', async () => {
    expect(await t.exec('asdf', ['--version'])).toEqual({ code: 0, stdout: 'asdf version 0.20.0\n', stderr: '' });
  });

  it('adds plugins silently, says so on stderr when already added, refuses unknown ones', async () => {
    for (const name of ['k3d', 'kubectl', 'flux2']) expect(await t.exec('asdf', ['plugin', 'add', name])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await t.exec('asdf', ['plugin', 'add', 'k3d'])).toEqual({ code: 0, stdout: '', stderr: 'Plugin named k3d already added\n' });
    const unknown = await t.exec('asdf', ['plugin', 'add', 'nosuchtool']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('error fetching plugin URL: plugin nosuchtool not found in repository\n');
    expect((await t.exec('asdf', ['plugin', 'list'])).stdout).toBe('flux2\nk3d\nkubectl\n');
  });

  it('asdf current shows 4 columns, with "false - Run ..." before install', async () => {
    writeFileSync(join(t.workDir, '.tool-versions'), `k3d ${pinnedToolVersions.k3d}\nkubectl ${pinnedToolVersions.kubectl}\n`);
    const before = await t.exec('asdf', ['current']);
    expect(before.code).toBe(0);
    const lines = before.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Name {12}Version {9}Source {10,}Installed$/);
    expect(lines[2]).toBe(`k3d             ${pinnedToolVersions.k3d.padEnd(16)}${join(t.workDir, '.tool-versions')} false - Run \`asdf install k3d ${pinnedToolVersions.k3d}\``);
    // flux2 has a plugin but no version set here.
    expect(lines[1]).toMatch(/^flux2 {11}______ {10}______ {10,}$/);
  });

  it('asdf install reads .tool-versions; current then says true; which resolves the executable', async () => {
    const install = await t.exec('asdf', ['install']);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toContain(`k3d ${pinnedToolVersions.k3d} installation was successful!`);
    const again = await t.exec('asdf', ['install']);
    expect(again.stderr).toContain(`version ${pinnedToolVersions.k3d} of k3d is already installed`);
    const current = await t.exec('asdf', ['current', 'k3d']);
    expect(current.code).toBe(0);
    expect(current.stdout.split('\n')[1]).toMatch(/ true$/);
    const which = await t.exec('asdf', ['which', 'k3d']);
    expect(which.stdout.trim()).toBe(join(t.world.env().ASDF_DATA_DIR!, 'installs', 'k3d', pinnedToolVersions.k3d, 'bin', 'k3d'));
    expect(existsSync(which.stdout.trim())).toBe(true);
    const viaInstall = await t.exec(which.stdout.trim(), ['version']);
    expect(viaInstall.stdout).toContain(`k3d version v${pinnedToolVersions.k3d}`);
  });

  it('asdf set --home writes HOME/.tool-versions; a missing plugin is reported by current', async () => {
    expect((await t.exec('asdf', ['set', '--home', 'flux2', pinnedToolVersions.flux2])).code).toBe(0);
    expect(readFileSync(join(t.workDir, '.tool-versions'), 'utf8')).toContain(`flux2 ${pinnedToolVersions.flux2}\n`);
    const missing = await t.exec('asdf', ['current', 'helm']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/No such plugin: helm\n$/);
  });
});

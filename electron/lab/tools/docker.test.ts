import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../../../test/sim/world/test-world';
import { createResolver } from '../run/resolve';
import { createRunner } from '../run/runner';
import { classifyFailure, dockerInfo } from './docker';

let t: TestWorld;
beforeAll(async () => {
  t = await startTestWorld();
});
afterAll(async () => {
  await t?.dispose();
});

const runner = () => createRunner({ baseEnv: { ...t.world.env(), HOME: t.workDir, LANG: 'C' }, loginShell: false }).run;

describe('docker adapter against the simulated docker', () => {
  it('reports a running daemon with its server version', async () => {
    expect(await dockerInfo(runner())).toEqual({ running: true, serverVersion: '28.5.1' });
  });

  it('recognises the daemon-down wording (docker-down fault)', async () => {
    await t.control('/faults', { enable: ['docker-down'] });
    try {
      expect(await dockerInfo(runner())).toEqual({
        running: false,
        reason: 'daemon-down',
        message: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      });
    } finally {
      await t.control('/faults', { disable: ['docker-down'] });
    }
  });

  it('says docker is not installed when nothing answers to the name', async () => {
    // A resolver that finds nothing: no docker anywhere, whatever this host has installed.
    const run = createRunner({ baseEnv: { PATH: '/nonexistent' }, resolve: createResolver({ isExecutable: () => false }) }).run;
    expect(await dockerInfo(run)).toMatchObject({ running: false, reason: 'not-installed' });
  });
});

describe('docker failure wordings (transcripts/docker.md)', () => {
  it('docker 29 with the socket missing', () => {
    const line = 'failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such file or directory';
    expect(classifyFailure(`${line}\n`)).toEqual({ running: false, reason: 'daemon-down', message: line });
  });

  it('docker <= 28.0 prints ERROR: and "errors pretty printing info"', () => {
    expect(classifyFailure('ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\nerrors pretty printing info\n')).toMatchObject({ reason: 'daemon-down' });
  });

  it('permission denied, old and new wording', () => {
    expect(classifyFailure('permission denied while trying to connect to the docker API at unix:///var/run/docker.sock\n')).toMatchObject({ reason: 'permission-denied' });
    expect(classifyFailure('ERROR: Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://x": dial unix /var/run/docker.sock: connect: permission denied\nerrors pretty printing info\n')).toMatchObject({ reason: 'permission-denied' });
  });

  it('anything else is kept as the message', () => {
    expect(classifyFailure('ERROR: something odd\nerrors pretty printing info\n')).toEqual({ running: false, reason: 'error', message: 'something odd' });
  });
});

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLoginShellPath } from './loginShellEnv';
import { createDefaultResolver, createResolver, knownToolDirs } from './resolve';

const root = mkdtempSync(path.join(tmpdir(), 'lab-resolve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dir(name: string): string {
  const full = path.join(root, name);
  mkdirSync(full, { recursive: true });
  return full;
}

function tool(directory: string, name: string, mode = 0o755, body = '#!/bin/sh\necho hi\n'): string {
  const file = path.join(directory, name);
  writeFileSync(file, body);
  chmodSync(file, mode);
  return file;
}

describe('createResolver', () => {
  const first = dir('first');
  const second = dir('second');
  const home = dir('home');
  const shims = dir('home/.asdf/shims');
  const extra = dir('extra');
  const login = dir('login');
  tool(first, 'kubectl');
  tool(second, 'kubectl');
  tool(second, 'helm');
  tool(first, 'notexec', 0o644);
  tool(shims, 'k3d');
  tool(extra, 'kubeseal');
  tool(login, 'gcloud');

  const env = { PATH: `${first}:${second}`, HOME: home };

  it('takes the first match on PATH', () => {
    const resolve = createResolver({ home });
    expect(resolve('kubectl', env)).toBe(path.join(first, 'kubectl'));
    expect(resolve('helm', env)).toBe(path.join(second, 'helm'));
  });

  it('skips files without the execute bit', () => {
    expect(createResolver({ home })('notexec', env)).toBeUndefined();
  });

  it('finds asdf shims under the default data dir and under ASDF_DATA_DIR', () => {
    expect(createResolver({ home })('k3d', env)).toBe(path.join(shims, 'k3d'));
    const custom = dir('custom-asdf/shims');
    tool(custom, 'flux');
    expect(createResolver({ home })('flux', { ...env, ASDF_DATA_DIR: path.dirname(custom) })).toBe(path.join(custom, 'flux'));
    expect(createResolver({ home })('flux', env)).toBeUndefined();
  });

  it('searches the login shell PATH and extra directories after PATH', () => {
    const resolve = createResolver({ home, loginShellPath: `${login}:/nonexistent`, extraDirs: [extra] });
    expect(resolve('gcloud', env)).toBe(path.join(login, 'gcloud'));
    expect(resolve('kubeseal', env)).toBe(path.join(extra, 'kubeseal'));
    expect(createResolver({ home })('gcloud', env)).toBeUndefined();
  });

  it('returns undefined for an unknown command', () => {
    expect(createResolver({ home })('no-such-tool-xyz', env)).toBeUndefined();
  });

  it('accepts a path to an executable', () => {
    const resolve = createResolver({ home });
    expect(resolve(path.join(second, 'helm'), {})).toBe(path.join(second, 'helm'));
    expect(resolve(path.join(first, 'notexec'), {})).toBeUndefined();
  });

  it('uses PATHEXT and the Path spelling on Windows', () => {
    // Windows file names are case-insensitive, so the fake file system compares lower case.
    const files = new Set(['c:\\tools\\kubectl.exe', 'c:\\bin\\flux.cmd', 'c:\\bin\\helm']);
    const resolve = createResolver({ platform: 'win32', home: 'C:\\Users\\me', isExecutable: (file) => files.has(file.toLowerCase()) });
    const winEnv = { Path: 'C:\\tools;C:\\bin', PATHEXT: '.EXE;.CMD' };
    expect(resolve('kubectl', winEnv)).toBe('C:\\tools\\kubectl.EXE');
    expect(resolve('flux', winEnv)).toBe('C:\\bin\\flux.CMD');
    expect(resolve('kubectl.EXE', winEnv)).toBe('C:\\tools\\kubectl.EXE');
    // Without an executable extension a file is not a command on Windows.
    expect(resolve('helm', winEnv)).toBeUndefined();
  });

  it('lists the usual install locations', () => {
    expect(knownToolDirs({}, 'darwin', '/Users/me')).toEqual([
      '/Users/me/.asdf/shims',
      '/opt/homebrew/bin',
      '/usr/local/bin',
      '/Users/me/.local/bin',
      '/Users/me/google-cloud-sdk/bin',
    ]);
  });
});

describe('readLoginShellPath', () => {
  const shells = dir('shells');

  it('reads PATH between markers, ignoring rc-file noise', async () => {
    // A fake login shell: prints a banner (as an rc file might), then runs the command it was given.
    const shell = tool(shells, 'fake-zsh', 0o755, '#!/bin/sh\necho "Welcome banner"\nPATH=/from/login:/opt/homebrew/bin\nexport PATH\nshift\nexec /bin/sh -c "$1"\n');
    await expect(readLoginShellPath({ shell, platform: 'linux', env: { PATH: '/usr/bin:/bin' } })).resolves.toBe('/from/login:/opt/homebrew/bin');
  });

  it('passes -i -l -c to the shell', async () => {
    const shell = tool(shells, 'args-shell', 0o755, '#!/bin/sh\nprintf "__GITOPS_LAB_PATH__%s__GITOPS_LAB_PATH__" "$1"\n');
    await expect(readLoginShellPath({ shell, platform: 'linux' })).resolves.toBe('-ilc');
  });

  it('gives up on a shell that hangs', async () => {
    const shell = tool(shells, 'hang-shell', 0o755, '#!/bin/sh\nexec sleep 30\n');
    await expect(readLoginShellPath({ shell, platform: 'linux', timeoutMs: 300 })).resolves.toBeUndefined();
  });

  it('feeds the login shell PATH into the default resolver', async () => {
    const loginBin = dir('login-bin');
    tool(loginBin, 'flux');
    const shell = tool(shells, 'path-shell', 0o755, `#!/bin/sh\nPATH=${loginBin}\nexport PATH\nshift\nexec /bin/sh -c "$1"\n`);
    const resolve = await createDefaultResolver({ home: dir('empty-home'), loginShell: { shell, platform: 'linux' } });
    expect(resolve('flux', { PATH: '/nonexistent' })).toBe(path.join(loginBin, 'flux'));
  });

  it('returns undefined when the shell does not exist or on Windows', async () => {
    await expect(readLoginShellPath({ shell: path.join(shells, 'missing'), platform: 'linux' })).resolves.toBeUndefined();
    await expect(readLoginShellPath({ shell: '/bin/sh', platform: 'win32' })).resolves.toBeUndefined();
  });
});

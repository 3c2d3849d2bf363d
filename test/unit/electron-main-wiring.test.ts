/**
 * Runs the bundled main process against a recording stand-in for the `electron` module, in a
 * child Node process, to prove the glue connects every guard: the real Electron binary cannot be
 * installed here (test/electron covers it in CI). The stand-in is resolved the way Electron's own
 * module is, through `require('electron')`, so the bundle under test is the one that ships.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentSecurityPolicy } from '../../electron/main/security';

/** The stand-in: records what the main process asks of Electron and lets the harness drive it. */
const fakeElectron = String.raw`
const record = { calls: [], windows: [], contentsHandlers: {}, openedExternally: [], sent: [] };
globalThis.__electron = record;
const listeners = {};
let resolveReady;
const ready = new Promise((r) => { resolveReady = r; });
const app = {
  isPackaged: false,
  getAppPath: () => process.env.FAKE_APP_PATH,
  getPath: (name) => { record.calls.push('getPath:' + name); return process.env.FAKE_USER_DATA; },
  requestSingleInstanceLock: () => { record.calls.push('requestSingleInstanceLock'); return process.env.FAKE_LOCK !== 'taken'; },
  enableSandbox: () => record.calls.push('enableSandbox'),
  whenReady: () => ready,
  quit: () => record.calls.push('quit'),
  exit: (code) => record.calls.push('exit:' + code),
  on: (event, listener) => { (listeners[event] ??= []).push(listener); return app; },
  emit: (event, ...args) => (listeners[event] ?? []).forEach((l) => l(...args)),
  becomeReady: () => resolveReady(),
};
class BrowserWindow {
  constructor(options) {
    this.options = options;
    this.handlers = {};
    this.webContents = { send: (channel, payload) => record.sent.push({ channel, payload }) };
    record.windows.push(this);
    // Electron emits web-contents-created for every window's contents.
    const contents = {
      on: (event, handler) => { record.contentsHandlers[event] = handler; return contents; },
      setWindowOpenHandler: (handler) => { record.contentsHandlers.windowOpen = handler; },
    };
    app.emit('web-contents-created', {}, contents);
  }
  isDestroyed() { return false; }
  isMinimized() { return false; }
  restore() {}
  focus() {}
  show() { this.shown = true; }
  once(event, handler) { this.handlers[event] = handler; }
  on(event, handler) { this.handlers[event] = handler; }
  loadFile(path) { this.loaded = { file: path }; return Promise.resolve(); }
  loadURL(url) { this.loaded = { url }; return Promise.resolve(); }
  static getAllWindows() { return record.windows; }
}
const session = { defaultSession: {
  webRequest: { onHeadersReceived: (l) => { record.onHeadersReceived = l; } },
  setPermissionRequestHandler: (h) => { record.permissionRequest = h; },
  setPermissionCheckHandler: (h) => { record.permissionCheck = h; },
} };
const ipcMain = { handle: (channel, handler) => { record.ipc = { channel, handler }; } };
const protocol = {
  registerSchemesAsPrivileged: (schemes) => { record.calls.push('registerSchemesAsPrivileged'); record.schemes = schemes; },
  handle: (scheme, handler) => { record.protocolHandler = { scheme, handler }; },
};
const shell = { openExternal: async (url) => { record.openedExternally.push(url); } };
const safeStorage = {
  isEncryptionAvailable: () => false,
  encryptString: () => { throw new Error('unavailable'); },
  decryptString: () => { throw new Error('unavailable'); },
};
module.exports = { app, BrowserWindow, session, ipcMain, protocol, shell, safeStorage };
`;

/** Drives the app through start-up, the guards and an IPC round trip, then prints what happened. */
const harness = String.raw`
const electron = require('electron');
const record = globalThis.__electron;
require(process.env.FAKE_MAIN);
(async () => {
  electron.app.becomeReady();
  for (let i = 0; i < 100 && record.windows.length === 0 && !record.calls.includes('quit'); i++) await new Promise((r) => setTimeout(r, 10));
  const win = record.windows[0];
  const report = { calls: record.calls, windowCount: record.windows.length };
  if (win) {
    win.handlers['ready-to-show']?.();
    report.window = { options: win.options, loaded: win.loaded, shown: !!win.shown };
    const page = win.loaded.url;
    const served = await record.protocolHandler.handler(new Request('app://gitops-lab/index.html'));
    report.protocol = { scheme: record.protocolHandler.scheme, schemes: record.schemes, status: served.status, csp: served.headers.get('content-security-policy'), body: await served.text() };
    const h = record.contentsHandlers;
    const prevented = (handler, ...args) => { let p = false; handler({ preventDefault: () => { p = true; } }, ...args); return p; };
    report.navigation = {
      away: prevented(h['will-navigate'], 'https://evil.example/'),
      redirectAway: prevented(h['will-redirect'], 'file:///etc/passwd'),
      self: prevented(h['will-navigate'], page),
      pageAsFile: prevented(h['will-navigate'], require('node:url').pathToFileURL(process.env.FAKE_APP_PATH + '/out/renderer/index.html').href),
      webview: prevented(h['will-attach-webview'], {}, {}),
    };
    report.windowOpen = [h.windowOpen({ url: 'https://github.com/' }), h.windowOpen({ url: 'file:///etc/passwd' })];
    let headers;
    record.onHeadersReceived({ responseHeaders: { 'Content-Security-Policy': ["script-src *"] } }, (r) => { headers = r.responseHeaders; });
    report.headers = headers;
    let granted;
    record.permissionRequest({}, 'media', (g) => { granted = g; });
    report.permission = { granted, check: record.permissionCheck({}, 'media', 'file://', {}) };
    report.ipcChannel = record.ipc.channel;
    report.trusted = await record.ipc.handler({ senderFrame: { url: page, parent: null } }, { method: 'getJournal', params: {} });
    report.untrusted = await record.ipc.handler({ senderFrame: { url: 'https://evil.example/', parent: null } }, { method: 'getJournal', params: {} });
    report.secret = await record.ipc.handler({ senderFrame: { url: page, parent: null } }, { method: 'setSecret', params: { name: 'GITHUB_TOKEN', value: 'ghp_wiringtesttoken0001' } });
    await new Promise((r) => setTimeout(r, 50));
    report.openedExternally = record.openedExternally;
    let quitPrevented = false;
    electron.app.emit('will-quit', { preventDefault: () => { quitPrevented = true; } });
    for (let i = 0; i < 200 && !record.calls.includes('quit'); i++) await new Promise((r) => setTimeout(r, 10));
    report.quit = { prevented: quitPrevented, quitAfterClose: record.calls.includes('quit') };
  }
  process.stdout.write(JSON.stringify(report));
  process.exit(0);
})();
`;

let root: string;

function runHarness(env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.ELECTRON_RENDERER_URL;
  delete childEnv.GITHUB_TOKEN;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(root, 'harness.cjs')], { cwd: root, env: childEnv, timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lab-main-wiring-'));
  await build({
    entryPoints: [join(__dirname, '../../electron/main/index.ts')],
    outfile: join(root, 'out/main/index.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'silent',
  });
  await mkdir(join(root, 'node_modules/electron'), { recursive: true });
  await writeFile(join(root, 'node_modules/electron/index.js'), fakeElectron);
  await writeFile(join(root, 'harness.cjs'), harness);
  await mkdir(join(root, 'user-data'));
  await mkdir(join(root, 'out/renderer'), { recursive: true });
  await writeFile(join(root, 'out/renderer/index.html'), '<!doctype html><title>GitOps Lab</title>');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the main process wiring', () => {
  it('connects every guard, the engine and the IPC channel', async () => {
    const { stdout, stderr } = await runHarness({
      FAKE_MAIN: join(root, 'out/main/index.cjs'),
      FAKE_APP_PATH: root,
      FAKE_USER_DATA: join(root, 'user-data'),
    });
    const report = JSON.parse(stdout);
    expect(report.calls.slice(0, 3)).toEqual(['enableSandbox', 'registerSchemesAsPrivileged', 'requestSingleInstanceLock']);
    expect(report.calls).toContain('getPath:userData');
    expect(report.windowCount).toBe(1);

    const { options, loaded, shown } = report.window;
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(options.webPreferences.preload).toBe(join(root, 'out/preload/index.cjs'));
    expect(loaded).toEqual({ url: 'app://gitops-lab/index.html' });
    expect(report.protocol).toEqual({
      scheme: 'app',
      schemes: [{ scheme: 'app', privileges: { standard: true, secure: true } }],
      status: 200,
      csp: contentSecurityPolicy(),
      body: '<!doctype html><title>GitOps Lab</title>',
    });
    expect(shown).toBe(true);

    expect(report.navigation).toEqual({ away: true, redirectAway: true, self: false, pageAsFile: true, webview: true });
    expect(report.windowOpen).toEqual([{ action: 'deny' }, { action: 'deny' }]);
    expect(report.openedExternally).toEqual(['https://github.com/']);
    expect(report.headers['Content-Security-Policy']).toEqual([contentSecurityPolicy()]);
    expect(report.permission).toEqual({ granted: false, check: false });

    expect(report.ipcChannel).toBe('lab:request');
    // The engine's start-up checks may already have journaled commands: only the shape matters here.
    expect(report.trusted).toMatchObject({ result: { entries: expect.any(Array) } });
    expect(report.untrusted.error.message).toMatch(/refused/);
    // No OS encryption in the stand-in: the token is accepted for the session, not written down.
    expect(report.secret).toEqual({ result: { ok: true } });
    expect(stderr).toMatch(/not saving GITHUB_TOKEN/);
    expect(stderr).not.toContain('ghp_wiringtesttoken0001');

    expect(report.quit).toEqual({ prevented: true, quitAfterClose: true });
  });

  it('quits at once, without an engine or a window, when another instance holds the lock', async () => {
    const { stdout } = await runHarness({
      FAKE_MAIN: join(root, 'out/main/index.cjs'),
      FAKE_APP_PATH: root,
      FAKE_USER_DATA: join(root, 'user-data'),
      FAKE_LOCK: 'taken',
    });
    const report = JSON.parse(stdout);
    expect(report.calls).toEqual(['enableSandbox', 'registerSchemesAsPrivileged', 'requestSingleInstanceLock', 'quit']);
    expect(report.windowCount).toBe(0);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import {
  appEntryUrl,
  appLocation,
  contentSecurityPolicy,
  isAppUrl,
  isTrustedSender,
  navigationGuard,
  permissionCheckHandler,
  permissionRequestHandler,
  windowOpenHandler,
  withCspHeader,
  windowOptions,
  type AppLocation,
} from '../../electron/main/security';

const rendererDir = resolve('/opt/gitops-lab/resources/app.asar/out/renderer');
const bundleApp: AppLocation = { kind: 'bundle', rendererDir };
const indexUrl = appEntryUrl;
const devApp: AppLocation = { kind: 'dev', origin: 'http://localhost:5173' };

describe('windowOptions', () => {
  const prefs = windowOptions('/app/out/preload/index.cjs').webPreferences;

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['spellcheck', false],
    ['navigateOnDragDrop', false],
  ] as const)('sets webPreferences.%s to exactly %s', (key, value) => {
    expect(Object.prototype.hasOwnProperty.call(prefs, key)).toBe(true);
    expect(prefs[key]).toBe(value);
  });

  it('passes the preload path through and sets nothing else in webPreferences', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
  });

  it('creates the window hidden until its page is ready and titles it', () => {
    const options = windowOptions('/p.cjs', '/icon.png');
    expect(options.show).toBe(false);
    expect(options.title).toBe('GitOps Lab');
    expect(options.icon).toBe('/icon.png');
    expect('icon' in windowOptions('/p.cjs')).toBe(false);
  });
});

function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(map.has(name), `directive ${name} appears twice`).toBe(false);
    map.set(name, sources);
  }
  return map;
}

describe('contentSecurityPolicy', () => {
  const csp = directives(contentSecurityPolicy());

  it.each([
    ['default-src', ["'none'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', ["'self'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['object-src', ["'none'"]],
  ])('%s is exactly %j', (name, sources) => {
    expect(csp.get(name)).toEqual(sources);
  });

  it('has no other directives, so nothing widens the policy', () => {
    expect([...csp.keys()].sort()).toEqual(
      ['base-uri', 'connect-src', 'default-src', 'font-src', 'form-action', 'frame-ancestors', 'img-src', 'object-src', 'script-src', 'style-src'].sort(),
    );
  });

  it('never allows eval, inline scripts or wildcards anywhere', () => {
    const text = contentSecurityPolicy();
    expect(text).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-hashes|\*/);
    for (const [name, sources] of csp) {
      if (name !== 'style-src') expect(sources, name).not.toContain("'unsafe-inline'");
    }
  });

  it('replaces any policy a response brings, whatever its header case', () => {
    const headers = withCspHeader({ 'content-security-policy': ["script-src *"], 'Content-Type': 'text/html', 'X-A': ['1', '2'] });
    expect(headers['Content-Security-Policy']).toEqual([contentSecurityPolicy()]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(headers['X-A']).toEqual(['1', '2']);
    expect(withCspHeader(undefined)).toEqual({ 'Content-Security-Policy': [contentSecurityPolicy()] });
  });
});

describe('isAppUrl and appLocation', () => {
  it('accepts the app page and files beside it, with query and hash', () => {
    expect(indexUrl).toBe('app://gitops-lab/index.html');
    expect(isAppUrl(indexUrl, bundleApp)).toBe(true);
    expect(isAppUrl(`${indexUrl}?x=1#/phase/2`, bundleApp)).toBe(true);
    expect(isAppUrl('app://gitops-lab/assets/a.js', bundleApp)).toBe(true);
  });

  it.each([
    ['the same page as a file URL', pathToFileURL(join(rendererDir, 'index.html')).href],
    ['a file outside the renderer dir', 'file:///etc/passwd'],
    ['another host on the app scheme', 'app://evil/index.html'],
    ['the app host with a port', 'app://gitops-lab:99/index.html'],
    ['the app host with credentials', 'app://user:pw@gitops-lab/index.html'],
    ['another scheme with the app host', 'https://gitops-lab/index.html'],
    ['a web page', 'https://example.com/index.html'],
    ['javascript', 'javascript:alert(1)'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_what, url) => {
    expect(isAppUrl(url, bundleApp)).toBe(false);
  });

  it('in development accepts only the dev server origin', () => {
    expect(isAppUrl('http://localhost:5173/', devApp)).toBe(true);
    expect(isAppUrl('http://localhost:5173/src/main.tsx?t=1', devApp)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', devApp)).toBe(false);
    expect(isAppUrl('https://localhost:5173/', devApp)).toBe(false);
    expect(isAppUrl(indexUrl, devApp)).toBe(false);
  });

  it('uses the dev server only when unpackaged and on loopback', () => {
    expect(appLocation('/r', 'http://localhost:5173/', false)).toEqual({ kind: 'dev', origin: 'http://localhost:5173' });
    expect(appLocation('/r', 'http://127.0.0.1:5173', false)).toEqual({ kind: 'dev', origin: 'http://127.0.0.1:5173' });
    expect(appLocation('/r', 'http://localhost:5173/', true)).toEqual({ kind: 'bundle', rendererDir: resolve('/r') });
    expect(appLocation('/r', undefined, false)).toEqual({ kind: 'bundle', rendererDir: resolve('/r') });
    expect(() => appLocation('/r', 'http://example.com:5173/', false)).toThrow(/on this machine/);
    expect(() => appLocation('/r', 'file:///tmp/index.html', false)).toThrow(/on this machine/);
  });
});

describe('navigationGuard', () => {
  it('prevents and logs every navigation away from the app page', () => {
    const log = vi.fn();
    const guard = navigationGuard(bundleApp, log);
    for (const url of ['https://github.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'http://localhost:5173/']) {
      const event = { preventDefault: vi.fn() };
      guard(event, url);
      expect(event.preventDefault, url).toHaveBeenCalledTimes(1);
    }
    expect(log).toHaveBeenCalledTimes(4);
    expect(log.mock.calls[0]?.[0]).toContain('https://github.com/');
  });

  it('lets the app page reload itself', () => {
    const event = { preventDefault: vi.fn() };
    navigationGuard(bundleApp)(event, indexUrl);
    expect(event.preventDefault).not.toHaveBeenCalled();
  });
});

describe('windowOpenHandler', () => {
  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'smb://x', 'vscode://file/etc', 'data:text/html,<b>x</b>', 'not a url', ''])(
    'denies %j without opening anything',
    (url) => {
      const openExternal = vi.fn();
      expect(windowOpenHandler(url, openExternal)).toEqual({ action: 'deny' });
      expect(openExternal).not.toHaveBeenCalled();
    },
  );

  it.each([
    ['https://github.com/settings/tokens', 'https://github.com/settings/tokens'],
    ['http://localhost:8080/', 'http://localhost:8080/'],
    ['HTTPS://Console.Cloud.Google.com', 'https://console.cloud.google.com/'],
  ])('opens %s in the system browser and still denies the window', (url, opened) => {
    const openExternal = vi.fn(() => Promise.reject(new Error('no browser')));
    expect(windowOpenHandler(url, openExternal)).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledExactlyOnceWith(opened);
  });
});

describe('permissions', () => {
  it.each(['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen'])('denies the %s request', (permission) => {
    const callback = vi.fn();
    permissionRequestHandler({}, permission, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
  });

  it('answers every permission check with false', () => {
    expect(permissionCheckHandler()).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts only the top frame of the app page', () => {
    expect(isTrustedSender({ url: indexUrl, parent: null }, bundleApp)).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, devApp)).toBe(true);
  });

  it.each([
    ['a sub-frame of the app page', { url: indexUrl, parent: { url: indexUrl, parent: null } }],
    ['a foreign page in the top frame', { url: 'https://example.com/', parent: null }],
    ['a local file', { url: 'file:///tmp/evil.html', parent: null }],
    ['the app page loaded as a file', { url: pathToFileURL(join(rendererDir, 'index.html')).href, parent: null }],
    ['a destroyed frame', null],
    ['a missing frame', undefined],
  ])('refuses %s', (_what, frame) => {
    expect(isTrustedSender(frame, bundleApp)).toBe(false);
  });
});

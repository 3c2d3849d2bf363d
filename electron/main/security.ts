/**
 * The window's security settings and guards, as plain functions so every one of them is
 * unit-tested without Electron. The rule behind all of them: the only code that ever runs with
 * access to the LabApi is the app's own page, loaded from the app's own files (or, in
 * development, from the local dev server); everything else is denied by default.
 */
import { resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../api/content-security-policy';

/** The app's own scheme and host: its page is `app://gitops-lab/index.html` (see app-protocol.ts). */
export const appScheme = 'app';
export const appHost = 'gitops-lab';
export const appEntryUrl = `${appScheme}://${appHost}/index.html`;

/** Where the app's page comes from: its bundled files, or the dev server in development. */
export type AppLocation = { kind: 'bundle'; rendererDir: string } | { kind: 'dev'; origin: string };

/** Hosts a development server may run on; a remote "dev server" would hand the page to someone else. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Decides where the page is loaded from. The dev server URL counts only when the app is not
 * packaged, so an environment variable can never point an installed app at another origin.
 */
export function appLocation(rendererDir: string, devServerUrl: string | undefined, isPackaged: boolean): AppLocation {
  if (!devServerUrl || isPackaged) return { kind: 'bundle', rendererDir: resolve(rendererDir) };
  const url = new URL(devServerUrl);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new Error(`ELECTRON_RENDERER_URL must be an http(s) address on this machine, not ${url.origin}`);
  }
  return { kind: 'dev', origin: url.origin };
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * True for the app's own page: served from the app scheme (which answers only for files in the
 * renderer directory), or from the dev server's origin in development. Never file://, where any
 * file on the disk would count as "the app".
 */
export function isAppUrl(url: string, location: AppLocation): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (location.kind === 'dev') return parsed.origin === location.origin;
  return parsed.protocol === `${appScheme}:` && parsed.host === appHost && !parsed.username && !parsed.password;
}

/** What Electron's BrowserWindow constructor needs from us; the glue adds nothing security-relevant. */
export type SecureWindowOptions = {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  show: boolean;
  backgroundColor: string;
  icon?: string;
  webPreferences: {
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    spellcheck: false;
    navigateOnDragDrop: false;
    preload: string;
  };
};

export function windowOptions(preloadPath: string, icon?: string): SecureWindowOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'GitOps Lab',
    // Shown on `ready-to-show`, so people never see a blank white frame while React starts.
    show: false,
    backgroundColor: '#14171c',
    ...(icon ? { icon } : {}),
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // The spell checker would send typed words (repository names, project ids) to a dictionary service.
      spellcheck: false,
      // Dropping a file on the window must not replace the app with that file.
      navigateOnDragDrop: false,
      preload: preloadPath,
    },
  };
}

/**
 * The page's Content-Security-Policy. Scripts only from the app's own files and never `eval`.
 * `style-src` needs 'unsafe-inline' because xterm.js writes its theme and cell dimensions into
 * `<style>` elements it creates at run time (it has no nonce option), which a CSP without
 * 'unsafe-inline' blocks. React's `style={...}` props alone would not need it: React sets them
 * through the CSSOM, which CSP does not restrict. Inline styles cannot run code, so the cost is
 * limited to CSS injection, and `connect-src`/`img-src` keep such CSS from reaching other hosts.
 */
export function contentSecurityPolicy(): string {
  return CONTENT_SECURITY_POLICY;
}

/**
 * Adds the CSP to a response's headers (for `webRequest.onHeadersReceived`), replacing any
 * policy the response brought, whatever the header's capitalisation, so the dev server cannot
 * weaken it.
 */
export function withCspHeader(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [contentSecurityPolicy()];
  return out;
}

type Preventable = { preventDefault(): void };

/** `will-navigate`/`will-redirect` handler: the page may never leave the app, not even to a link it shows. */
export function navigationGuard(location: AppLocation, log: (message: string) => void = () => {}) {
  return (event: Preventable, url: string): void => {
    if (isAppUrl(url, location)) return;
    event.preventDefault();
    log(`blocked navigation to ${url}`);
  };
}

/** Schemes handed to the system browser. Anything else (file:, javascript:, smb:, custom app schemes) could run or open local things. */
const EXTERNAL_PROTOCOLS = new Set(['https:', 'http:']);

/**
 * `setWindowOpenHandler`: the app never opens a second window. Web links (the lab links to
 * GitHub, the GCP console and docs) go to the system browser; nothing else leaves the app.
 */
export function windowOpenHandler(url: string, openExternal: (url: string) => unknown): { action: 'deny' } {
  const parsed = parseUrl(url);
  if (parsed && EXTERNAL_PROTOCOLS.has(parsed.protocol)) {
    // The parsed form, so what the browser opens is exactly what was checked.
    const opened = openExternal(parsed.href);
    // shell.openExternal rejects when no browser is configured; that must not crash the main process.
    if (opened instanceof Promise) opened.catch(() => {});
  }
  return { action: 'deny' };
}

/** Camera, microphone, notifications, geolocation, clipboard reads...: the lab needs none of them. */
export function permissionRequestHandler(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

export function permissionCheckHandler(): boolean {
  return false;
}

/** The parts of Electron's WebFrameMain that identify who sent an IPC message. */
export type FrameLike = { url: string; parent: unknown } | null | undefined;

/**
 * True only for the top frame of the app's own page. An iframe or a page the window was somehow
 * navigated to must not reach the engine, which runs commands on the person's machine.
 */
export function isTrustedSender(frame: FrameLike, location: AppLocation): boolean {
  if (!frame) return false;
  return frame.parent === null && isAppUrl(frame.url, location);
}

/**
 * The Electron main process: glue between Electron and the plain-Node engine. Every decision
 * (window settings, CSP, which URLs and senders are trusted, how secrets are stored) lives in
 * the modules imported here, where it is unit-tested; this file only connects them.
 * Bundled to out/main/index.cjs with `electron` left external.
 */
import { join } from 'node:path';
import { ipcChannels } from '../api/methods';
import { createEngine } from '../lab/engine';
import type { ElectronMainShape, BrowserWindowShape } from './electron-shapes';
import { appSchemePrivileges, serveAppRequest } from './app-protocol';
import { createIpcRequestHandler } from './ipc';
import { createSecretVault, restoreRememberedSecrets, withRememberedSecrets } from './secret-vault';
import {
  appEntryUrl,
  appLocation,
  appScheme,
  navigationGuard,
  permissionCheckHandler,
  permissionRequestHandler,
  windowOpenHandler,
  windowOptions,
  withCspHeader,
} from './security';

const { app, BrowserWindow, ipcMain, protocol, session, shell, safeStorage } = require('electron') as ElectronMainShape;

/** How long quitting waits for running commands to stop before giving up on them. */
const CLOSE_GRACE_MS = 5_000;

const log = (message: string) => process.stderr.write(`gitops-lab: ${message}\n`);

// Renderers are sandboxed even if a future window forgets to ask for it.
app.enableSandbox();
// Must happen before `ready`: the page's scheme (see app-protocol.ts for why not file://).
protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: appSchemePrivileges }]);

if (!app.requestSingleInstanceLock()) {
  // A second copy would run a second engine on the same state and clusters.
  app.quit();
} else {
  startApp();
}

function startApp(): void {
  // The bundle sits in out/main; the page and the preload beside it in out/renderer, out/preload.
  const outDir = join(__dirname, '..');
  const rendererDir = join(outDir, 'renderer');
  const devServerUrl = process.env.ELECTRON_RENDERER_URL;
  const location = appLocation(rendererDir, devServerUrl, app.isPackaged);
  const guard = navigationGuard(location, log);
  let mainWindow: BrowserWindowShape | undefined;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => windowOpenHandler(url, (external) => shell.openExternal(external)));
  });

  const dataDir = app.getPath('userData');
  const engine = createEngine({ dataDir, env: process.env });
  const vault = createSecretVault({ dataDir, safeStorage, log });
  ipcMain.handle(ipcChannels.request, createIpcRequestHandler(withRememberedSecrets(engine, vault), location, log));
  engine.onEvent((event) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(ipcChannels.event, event);
  });

  function openWindow(): void {
    const opened = new BrowserWindow(windowOptions(join(outDir, 'preload', 'index.cjs'), join(outDir, '..', 'assets', 'icon.png')));
    mainWindow = opened;
    opened.once('ready-to-show', () => opened.show());
    opened.on('closed', () => {
      if (mainWindow === opened) mainWindow = undefined;
    });
    const loading = opened.loadURL(location.kind === 'dev' && devServerUrl ? devServerUrl : appEntryUrl);
    loading.catch((error: unknown) => log(`could not load the app page: ${String(error)}`));
  }

  app
    .whenReady()
    .then(async () => {
      protocol.handle(appScheme, (request) => serveAppRequest(request, rendererDir));
      const { defaultSession } = session;
      // The app scheme sends the CSP itself; this covers the dev server, whatever it sends.
      defaultSession.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withCspHeader(details.responseHeaders) }));
      defaultSession.setPermissionRequestHandler(permissionRequestHandler);
      defaultSession.setPermissionCheckHandler(permissionCheckHandler);

      openWindow();
      // safeStorage works only once the app is ready, and on macOS reading it may ask for the
      // keychain password, so this waits until the window is up. The engine announces the
      // restored secret to the page with an event.
      const restored = await restoreRememberedSecrets(engine, vault).catch((error: unknown) => {
        log(`could not restore saved secrets: ${String(error)}`);
        return [];
      });
      if (restored.length > 0) log(`restored ${restored.join(', ')} from the system key store`);
      // A failed start leaves the window showing what the engine could load.
      engine
        .start()
        .then(({ notices }) => notices.forEach(log))
        .catch((error: unknown) => log(`the engine did not start: ${String(error)}`));
    })
    .catch((error: unknown) => {
      log(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      app.exit(1);
    });

  app.on('activate', () => {
    // macOS: clicking the dock icon with no window open brings the window back.
    if (!mainWindow) openWindow();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closed = false;
  let closing = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    // Quitting waits for the engine to cancel what runs and flush its logs, but not forever.
    event.preventDefault();
    if (closing) return;
    closing = true;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    Promise.race([engine.close(), timeout])
      .catch((error: unknown) => log(`closing the engine failed: ${String(error)}`))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
}

/**
 * The slice of Electron's main-process API this app uses, typed locally. Electron is an optional
 * dependency that is not installed where the engine is developed and tested, so its own type
 * declarations cannot be imported everywhere; these shapes are checked against Electron's real
 * declarations by `test/electron/electron-shapes.typecheck.ts` in the desktop CI job.
 */

type Preventable = { preventDefault(): void };
type Listener<A extends unknown[]> = (...args: A) => void;

export type FrameShape = { readonly url: string; readonly parent: FrameShape | null };

export type WebContentsShape = {
  send(channel: string, ...args: unknown[]): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: Listener<[Preventable, string]>): unknown;
  on(event: 'will-redirect', listener: Listener<[Preventable, string]>): unknown;
  on(event: 'will-attach-webview', listener: Listener<[Preventable]>): unknown;
};

export type BrowserWindowShape = {
  readonly webContents: WebContentsShape;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
  show(): void;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
};

export type AppShape = {
  readonly isPackaged: boolean;
  getAppPath(): string;
  getPath(name: 'userData'): string;
  requestSingleInstanceLock(): boolean;
  enableSandbox(): void;
  whenReady(): Promise<void>;
  quit(): void;
  exit(code?: number): void;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'will-quit', listener: Listener<[Preventable]>): unknown;
  on(event: 'web-contents-created', listener: Listener<[unknown, WebContentsShape]>): unknown;
};

export type HeadersDetails = { responseHeaders?: Record<string, string[]> };

export type SessionShape = {
  webRequest: {
    onHeadersReceived(
      listener: (details: HeadersDetails, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void,
    ): void;
  };
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
};

export type ElectronMainShape = {
  app: AppShape;
  BrowserWindow: {
    new (options: import('./security').SecureWindowOptions): BrowserWindowShape;
    getAllWindows(): BrowserWindowShape[];
  };
  ipcMain: {
    handle(channel: string, listener: (event: { senderFrame: FrameShape | null }, message: unknown) => Promise<unknown>): void;
  };
  protocol: {
    registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: { standard: boolean; secure: boolean } }>): void;
    handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
  };
  session: { defaultSession: SessionShape };
  shell: { openExternal(url: string): Promise<void> };
  safeStorage: import('./secret-vault').SafeStorageLike;
};

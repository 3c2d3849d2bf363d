/**
 * The preload: runs sandboxed before the page and exposes the LabApi as `window.labApi`.
 * A sandboxed preload can only `require('electron')`, so this file is bundled with everything
 * it needs and kept tiny (no zod). Electron's own types are not installed where the engine is
 * developed (Electron is an optional dependency), hence the narrow local types below.
 */
import { buildLabApi } from './lab-api';

type IpcListener = (event: unknown, payload: unknown) => void;
type PreloadElectron = {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: IpcListener): unknown;
    removeListener(channel: string, listener: IpcListener): unknown;
  };
};

const { contextBridge, ipcRenderer } = require('electron') as PreloadElectron;

contextBridge.exposeInMainWorld(
  'labApi',
  buildLabApi(
    (channel, message) => ipcRenderer.invoke(channel, message),
    (channel, listener) => ipcRenderer.on(channel, listener),
    (channel, listener) => ipcRenderer.removeListener(channel, listener),
  ),
);

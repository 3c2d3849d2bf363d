/**
 * Picks the host's client: Electron's preload provides `window.labApi`; anywhere else the page
 * was served by the web host, which answers on a WebSocket at the same origin. One client per
 * window, so every caller shares the same socket.
 */
import type { LabApi } from '../../../electron/api/contract';
import type { LabClient } from './client';
import { createIpcClient } from './ipc-client';
import { apiUrlFor, createWsClient } from './ws-client';

export type { ConnectionState, LabClient } from './client';

let client: LabClient | null = null;

export function getLabClient(): LabClient {
  client ??= window.labApi ? createIpcClient(window.labApi) : createBrowserClient();
  return client;
}

function createBrowserClient(): LabClient {
  const ws = createWsClient({ url: apiUrlFor(window.location) });
  // A laptop that wakes up or rejoins the Wi-Fi should not sit out the rest of a backoff delay.
  window.addEventListener('online', () => ws.reconnectNow());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') ws.reconnectNow();
  });
  return ws;
}

export function getLabApi(): LabApi {
  return getLabClient().api;
}

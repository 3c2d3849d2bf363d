/**
 * Picks the host's client: Electron's preload provides `window.labApi`; anywhere else the page
 * was served by the web host, which answers on a WebSocket at the same origin.
 */
import type { LabClient } from './client';
import { createIpcClient } from './ipc-client';
import { apiUrlFor, createWsClient } from './ws-client';

export type { ConnectionState, LabClient } from './client';

export function getLabClient(): LabClient {
  if (window.labApi) return createIpcClient(window.labApi);
  return createWsClient({ url: apiUrlFor(window.location) });
}

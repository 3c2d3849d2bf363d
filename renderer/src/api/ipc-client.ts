/**
 * The Electron client: the preload script exposes the LabApi as `window.labApi` through the
 * context bridge, so there is nothing to connect and the link never drops.
 */
import type { LabApi } from '../../../electron/api/contract';
import type { LabClient } from './client';

declare global {
  interface Window {
    labApi?: LabApi;
  }
}

export function createIpcClient(api: LabApi): LabClient {
  return {
    api,
    onConnection(listener) {
      listener('open');
      return () => {};
    },
  };
}

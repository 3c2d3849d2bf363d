/**
 * The names of the LabApi requests and the Electron IPC channels, with no dependencies.
 * The sandboxed preload can only `require('electron')` at run time, so everything it uses is
 * bundled into it; importing these from here keeps zod and the schemas out of that bundle.
 * contract.ts checks at compile time that this list and its schemas name the same requests.
 */
export const labMethodNames = [
  'getSnapshot',
  'setInputs',
  'setSecret',
  'runStep',
  'retryStep',
  'skipStep',
  'cancelStep',
  'runAll',
  'cancelAll',
  'readLog',
  'getJournal',
  'exportScript',
  'troubleshoot',
  'planTeardown',
  'runTeardown',
  'cancelTeardown',
  'removeLeftovers',
] as const;
export type LabMethodName = (typeof labMethodNames)[number];

/** IPC channel names, declared once for main and preload. */
export const ipcChannels = {
  request: 'lab:request',
  event: 'lab:event',
} as const;

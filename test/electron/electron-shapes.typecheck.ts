/**
 * Compile-time check that Electron's real API fits the local shapes in
 * electron/main/electron-shapes.ts. It has effect where Electron is installed (Node >= 22.12,
 * as in CI, whose `npm test` runs tsc over test/**); where the optional dependency is skipped
 * the import below resolves to nothing and the check passes vacuously.
 */
// @ts-ignore Electron's declarations exist only where the optional dependency was installed.
import type * as RealElectron from 'electron';
import type { ElectronMainShape } from '../../electron/main/electron-shapes';

declare const real: typeof RealElectron;
export const fitsShapes: ElectronMainShape = real;

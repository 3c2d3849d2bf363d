import { realDurations, type DurationName } from './durations.js';

/**
 * Simulated time. Everything that "takes a while" in the world waits through `after`, so one
 * scale factor speeds the whole world up or down, and closing the world cancels every wait.
 */
export interface Clock {
  readonly scale: number;
  /** Resolves after `realSeconds` of real-world time, scaled; rejects with ClockStopped once stopped. */
  after(realSeconds: number): Promise<void>;
  /** `after` for a named duration from durations.ts. */
  wait(name: DurationName): Promise<void>;
  /** Real-world seconds that `elapsedMs` of scaled time stands for (for log timestamps). */
  simulatedSeconds(elapsedMs: number): number;
  /** Lets held waits start (see `createClock`'s `held`); a no-op for a running clock. */
  release(): void;
  stop(): void;
}

export class ClockStopped extends Error {
  constructor() {
    super('the simulated world is shutting down');
    this.name = 'ClockStopped';
  }
}

/**
 * `held`: time stands still until `release()`, so a test can look at the world mid-operation
 * (a cluster still PROVISIONING) without racing the scaled timers.
 */
export function createClock(scale: number, options: { held?: boolean } = {}): Clock {
  const pending = new Map<NodeJS.Timeout, () => void>();
  const heldWaits: Array<() => void> = [];
  let held = options.held ?? false;
  let stopped = false;
  const start = (realSeconds: number, resolve: () => void, reject: (e: Error) => void): void => {
    const timer = setTimeout(() => {
      pending.delete(timer);
      resolve();
    }, Math.max(0, realSeconds * scale * 1000));
    pending.set(timer, () => reject(new ClockStopped()));
  };
  const after = (realSeconds: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (stopped) return reject(new ClockStopped());
      if (held) heldWaits.push(() => (stopped ? reject(new ClockStopped()) : start(realSeconds, resolve, reject)));
      else start(realSeconds, resolve, reject);
    });
  return {
    scale,
    after,
    wait: (name) => after(realDurations[name]),
    simulatedSeconds: (elapsedMs) => (scale > 0 ? elapsedMs / 1000 / scale : 0),
    release() {
      held = false;
      for (const begin of heldWaits.splice(0)) begin();
    },
    stop() {
      stopped = true;
      for (const begin of heldWaits.splice(0)) begin();
      for (const [timer, cancel] of pending) {
        clearTimeout(timer);
        cancel();
      }
      pending.clear();
    },
  };
}

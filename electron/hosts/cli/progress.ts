/**
 * `lab up`'s progress display, fed with the engine's events. In a terminal, one live line per
 * running step (title, elapsed time, the last line it printed) is redrawn in place, and finished
 * steps stay above it; elsewhere (CI, a pipe, a log file) only plain lines are written, because
 * cursor movements would end up as garbage in the file.
 */
import type { LabEvent, Snapshot, StepState } from '../../api/contract';

export interface ProgressOptions {
  /** Redraw live lines in place (stdout is a terminal). */
  tty: boolean;
  write(text: string): void;
  titles: Record<string, string>;
  /** Terminal width, for cutting live lines so they never wrap. */
  columns?: number;
  now?(): number;
}

export interface Progress {
  onEvent(event: LabEvent): void;
  /** Redraws the live lines (elapsed times move on even when nothing is printed). */
  tick(): void;
  /** Clears the live lines; the display writes nothing afterwards. */
  stop(): void;
}

const CLEAR_LINE = '\r\x1b[2K';
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** The last non-empty line of a chunk of output, without colours or carriage-return redraws. */
export function lastLine(chunk: string): string | undefined {
  const plain = chunk.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  const lines = plain.split(/\r?\n/).map((line) => line.split('\r').pop()!.trim()).filter(Boolean);
  return lines.at(-1);
}

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const running = new Map<string, { since: number; last: string }>();
  let drawn = 0;
  let frame = 0;
  let stopped = false;
  const title = (id: string) => options.titles[id] ?? id;

  function clearLive(): string {
    if (!options.tty || drawn === 0) return '';
    // Up to the first live line, then clear each one on the way down.
    const up = drawn > 1 ? `\x1b[${drawn - 1}A` : '';
    const out = up + Array.from({ length: drawn }, (_, i) => CLEAR_LINE + (i < drawn - 1 ? '\x1b[1B' : '')).join('') + (drawn > 1 ? `\x1b[${drawn - 1}A` : '');
    drawn = 0;
    return out + '\r';
  }

  function liveLines(): string {
    const width = Math.max(20, (options.columns ?? 100) - 1);
    const spinner = FRAMES[frame % FRAMES.length];
    const lines = [...running].map(([id, step]) => {
      const line = `${spinner} ${title(id)}  ${formatElapsed(now() - step.since)}${step.last ? `  ${step.last}` : ''}`;
      return line.length > width ? `${line.slice(0, width - 1)}…` : line;
    });
    drawn = lines.length;
    return lines.join('\n');
  }

  /** A permanent line: above the live lines in a terminal, as is elsewhere. */
  function print(line: string): void {
    if (stopped) return;
    if (!options.tty) return options.write(`${line}\n`);
    options.write(`${clearLive()}${line}\n${liveLines()}`);
  }

  function onStep(stepId: string, state: StepState): void {
    const step = running.get(stepId);
    if (state.status === 'running') {
      if (step) return;
      running.set(stepId, { since: now(), last: '' });
      print(`▶ ${title(stepId)}`);
      return;
    }
    if (!step) return;
    running.delete(stepId);
    const elapsed = formatElapsed(now() - step.since);
    if (state.status === 'succeeded') print(`✔ ${title(stepId)} (${elapsed})`);
    else if (state.status === 'failed') print(`✗ ${title(stepId)} failed after ${elapsed}: ${firstLine(state.error?.message)}`);
    else if (state.status === 'cancelled') print(`■ ${title(stepId)} cancelled after ${elapsed}`);
    else if (state.status === 'skipped') print(`↷ ${title(stepId)} skipped`);
  }

  return {
    onEvent(event) {
      if (stopped) return;
      if (event.type === 'step') onStep(event.stepId, event.state);
      else if (event.type === 'log') {
        const line = lastLine(event.data);
        const step = running.get(event.stream);
        if (!line || !(step || event.stream in options.titles)) return;
        if (step) step.last = line;
        // Without a terminal, the step's explanations (not every line tools print) show progress;
        // they may arrive just after the step ended, as logs are sent in batches.
        if (!options.tty && event.source === 'info') {
          for (const info of event.data.split('\n').map((l) => l.trim()).filter(Boolean)) options.write(`  ${title(event.stream)}: ${info}\n`);
        }
      }
    },
    tick() {
      if (stopped || !options.tty || running.size === 0) return;
      frame += 1;
      options.write(`${clearLive()}${liveLines()}`);
    },
    stop() {
      if (stopped) return;
      options.write(clearLive());
      stopped = true;
    },
  };
}

const firstLine = (text: string | undefined): string => (text ?? 'unknown error').split('\n')[0]!;

/** The plan `lab up` shows before it asks: every step in order, done or to run, with estimates. */
export function formatPlan(snapshot: Snapshot): { text: string; toRun: number; estimateSeconds: number } {
  const lines: string[] = [];
  let toRun = 0;
  let estimateSeconds = 0;
  for (const phase of snapshot.phases) {
    lines.push(phase.title);
    for (const step of phase.steps) {
      const status = snapshot.steps[step.id]?.status ?? 'pending';
      const done = status === 'succeeded' || status === 'skipped';
      if (!done) {
        toRun += 1;
        estimateSeconds += step.estimateSeconds;
      }
      lines.push(`  ${done ? '✔' : '•'} ${step.title}${done ? ` (${status === 'skipped' ? 'skipped' : 'done'})` : ` (about ${formatElapsed(step.estimateSeconds * 1000)})`}`);
    }
  }
  return { text: `${lines.join('\n')}\n`, toRun, estimateSeconds };
}

import type { ToolIo } from '../bin/tool-io.js';

export type Level = 'info' | 'warning' | 'error' | 'fatal';

const LEVEL_TEXT: Record<Level, string> = { info: 'INFO', warning: 'WARN', error: 'ERRO', fatal: 'FATA' };
const LEVEL_COLOUR: Record<Level, number> = { info: 36, warning: 33, error: 31, fatal: 31 };

/**
 * k3d's logrus output: INFO on stdout, WARN and worse on stderr. Colours are forced (k3d sets
 * ForceColors) unless `LOG_COLORS=false`, where logrus falls back to its key=value layout.
 * The bracketed number is seconds since start; here simulated seconds, so a scaled 25 s
 * cluster creation still reads `INFO[0025]`.
 */
export class K3dLog {
  private readonly started = Date.now();

  constructor(
    private readonly io: ToolIo,
    private timeScale = 1,
  ) {}

  setTimeScale(scale: number): void {
    this.timeScale = scale;
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warning', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  /** Logs and returns the exit code logrus' Fatal uses. */
  fatal(message: string): number {
    this.write('fatal', message);
    return 1;
  }

  private write(level: Level, message: string): void {
    const stream = level === 'info' ? this.io.stdout : this.io.stderr;
    const colours = (this.io.env.LOG_COLORS ?? 'true').toLowerCase() !== 'false';
    if (colours) {
      const elapsed = this.timeScale > 0 ? Math.floor((Date.now() - this.started) / 1000 / this.timeScale) : 0;
      stream.write(`\x1b[${LEVEL_COLOUR[level]}m${LEVEL_TEXT[level]}\x1b[0m[${String(elapsed).padStart(4, '0')}] ${message.padEnd(44)} \n`);
    } else {
      const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      stream.write(`time="${time}" level=${level} msg=${JSON.stringify(message)}\n`);
    }
  }
}

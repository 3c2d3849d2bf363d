import { request } from 'node:http';

/** A refusal from the world, with a machine-readable kind the fake CLI turns into the real tool's wording. */
export class WorldError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'WorldError';
  }
}

/**
 * Calls the world's control server (`LAB_SIM_CONTROL`). node:http rather than fetch: the fake
 * CLIs start on every command, and loading undici costs more than the call itself.
 */
export function callWorld<T = unknown>(env: NodeJS.ProcessEnv, path: string, body?: unknown): Promise<T> {
  const base = env.LAB_SIM_CONTROL;
  if (!base) return Promise.reject(new Error('LAB_SIM_CONTROL is not set: source the env.sh the simulated world wrote'));
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise<T>((resolve, reject) => {
    const req = request(
      url,
      {
        method: payload ? 'POST' : 'GET',
        headers: payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            return reject(new Error(`the simulated world answered ${res.statusCode} with non-JSON: ${text.slice(0, 200)}`));
          }
          if ((res.statusCode ?? 500) >= 400) {
            const err = (parsed as { error?: { kind?: string; message?: string; data?: Record<string, unknown> } } | undefined)?.error;
            return reject(new WorldError(res.statusCode ?? 500, err?.kind ?? 'unknown', err?.message ?? text, err?.data ?? {}));
          }
          resolve(parsed as T);
        });
        res.on('error', reject);
      },
    );
    req.on('error', (err) => reject(new Error(`cannot reach the simulated world at ${base}: ${err.message}`)));
    req.end(payload);
  });
}

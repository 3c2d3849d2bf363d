/**
 * The one place a request from outside (IPC message, WebSocket frame, CLI) meets the engine.
 * It checks the method exists, validates the params against the contract, calls the backend and
 * validates what it returns, so every host enforces the same boundary with the same messages.
 */
import { z } from 'zod';
import { LabApiError, labRequests, type ApiErrorBody, type LabMethod, type LabResult } from './contract';
import { fieldIssues } from './inputs';

/** What a host needs from the engine: one handler per request, taking already-validated params. */
export type LabBackend = {
  [M in LabMethod]: (params: z.infer<(typeof labRequests)[M]['params']>) => Promise<LabResult<M>> | LabResult<M>;
};

export function isLabMethod(name: unknown): name is LabMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(labRequests, name);
}

export async function dispatch(backend: LabBackend, method: unknown, params: unknown): Promise<unknown> {
  if (!isLabMethod(method)) {
    throw new LabApiError('unknown-method', `unknown request ${JSON.stringify(method)}`);
  }
  const spec = labRequests[method];
  const parsed = spec.params.safeParse(params ?? {});
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error);
    throw new LabApiError('bad-request', `invalid ${method} request: ${issues.map((i) => i.message).join('; ')}`, issues);
  }
  const handler = backend[method] as (p: unknown) => Promise<unknown> | unknown;
  const result = await handler(parsed.data);
  const checked = spec.result.safeParse(result);
  if (!checked.success) {
    throw new LabApiError('internal', `the engine answered ${method} with a malformed result: ${checked.error.message}`);
  }
  return checked.data;
}

/** Turns anything thrown by a backend into the error body that crosses the boundary. */
export function toErrorBody(error: unknown): ApiErrorBody {
  if (error instanceof LabApiError) return error.toBody();
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}

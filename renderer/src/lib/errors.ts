import { LabApiError } from '../../../electron/api/contract';

/** A request failure as one readable sentence, with field issues when the engine gave them. */
export function errorMessage(error: unknown): string {
  if (error instanceof LabApiError && error.issues?.length) {
    return `${error.message} (${error.issues.map((i) => i.message).join('; ')})`;
  }
  return error instanceof Error ? error.message : String(error);
}

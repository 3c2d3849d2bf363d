/**
 * Judges the inputs a step needs just before it runs. While typing, inputs are checked field
 * by field (partial schema); at run time the step's own `inputSchema` decides, or else the full
 * lab schema restricted to the fields the step declares, so `docker` can run before the GCP
 * project is known while `gcp-credentials` cannot.
 */
import { fieldIssues, labInputsSchema, type FieldIssue, type LabInputs, type PartialLabInputs } from '../../api/inputs';
import type { StepDefinition } from './step';

export interface StepInputs {
  issues: FieldIssue[];
  /** The inputs with defaults applied as far as they parse; complete only when `issues` is empty. */
  inputs: LabInputs;
}

export function inputsForStep(step: Pick<StepDefinition, 'inputs' | 'inputSchema'>, raw: PartialLabInputs): StepInputs {
  // Missing sections are judged as empty objects, so issues name the field (`github.owner`)
  // instead of the whole section.
  const filled = { ...raw, github: raw.github ?? {}, gcp: raw.gcp ?? {} };
  const full = labInputsSchema.safeParse(filled);
  let inputs = (full.success ? full.data : filled) as LabInputs;

  if (step.inputSchema) {
    const own = step.inputSchema.safeParse(filled);
    if (!own.success) return { issues: fieldIssues(own.error), inputs };
    if (!full.success && isRecord(own.data)) inputs = mergeDeep(filled, own.data) as LabInputs;
    return { issues: [], inputs };
  }
  if (full.success) return { issues: [], inputs };
  const declared = step.inputs;
  const issues = fieldIssues(full.error).filter((issue) =>
    declared.some((field) => field === issue.field || issue.field.startsWith(`${field}.`) || field.startsWith(`${issue.field}.`)),
  );
  return { issues, inputs };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? mergeDeep(current, value) : value;
  }
  return out;
}

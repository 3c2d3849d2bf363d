/**
 * `lab.yaml`: the inputs an instructor hands out, loaded into `LabInputs` through the same schema
 * the wizard uses. Every message names the file and the field (`lab.yaml: github.owner: ...`),
 * because the person reading it has the file open, not the code.
 *
 * The GitHub token never belongs in the file (files get shared and committed): a `token` key is
 * refused. Relative paths are resolved against the file's folder, so the file works from anywhere.
 * `scaffold.keep` / `scaffold.replace` answer, for `lab up`, what the app would ask on the scaffold
 * step's card about files the person changed (the step's error prints the entries to paste).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { cleanupInputsSchema, clusterInputsSchema, fieldIssues, gcpInputsSchema, githubInputsSchema, labInputsSchema, scaffoldInputsSchema, type LabInputs } from '../../api/inputs';

export interface LabConfig {
  inputs: LabInputs;
  /** Absolute path of the file read. */
  file: string;
}

export class LabConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'LabConfigError';
  }
}

/** Keys each section may hold; anything else is most likely a typo and is reported. */
const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': ['github', 'gcp', 'clusters', 'workspaceDir', 'cleanup', 'scaffold'],
  github: Object.keys(githubInputsSchema.shape),
  gcp: Object.keys(gcpInputsSchema.shape),
  clusters: Object.keys(clusterInputsSchema.shape),
  cleanup: Object.keys(cleanupInputsSchema.shape),
  scaffold: Object.keys(scaffoldInputsSchema.shape),
};

const TOKEN_KEY = /^(token|github_?token|pat)$/i;

export function loadLabYaml(file: string): LabConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LabConfigError(absolute, [`${file}: cannot read the file (${code === 'ENOENT' ? 'it does not exist' : code ?? String(error)})`]);
  }
  return parseLabYaml(text, absolute);
}

export function parseLabYaml(text: string, file: string): LabConfig {
  const name = path.basename(file);
  const fail = (problems: string[]): never => {
    throw new LabConfigError(file, problems.map((problem) => `${name}: ${problem}`));
  };
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    fail(document.errors.map((error) => `line ${error.linePos?.[0].line ?? '?'}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`));
  }
  const data: unknown = document.toJS() ?? {};
  if (!isRecord(data)) return fail(['the file must be a mapping of keys (github:, gcp:, ...)']);

  const problems = [...tokenProblems(data), ...unknownKeyProblems(data)];
  if (problems.length > 0) fail(problems);

  const inputs = labInputsSchema.safeParse(data);
  if (!inputs.success) {
    fail(fieldIssues(inputs.error).map((issue) => (issue.message.startsWith(`${issue.field}:`) ? issue.message : `${issue.field}: ${issue.message}`)));
  }
  const parsed = inputs.data!;
  const folder = path.dirname(file);
  const resolved: LabInputs = {
    ...parsed,
    workspaceDir: resolvePath(folder, parsed.workspaceDir),
    gcp: { ...parsed.gcp, keyFile: parsed.gcp.keyFile ? resolvePath(folder, parsed.gcp.keyFile) : '' },
  };
  return { inputs: resolved, file };
}

function tokenProblems(data: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const look = (section: Record<string, unknown>, prefix: string): void => {
    for (const key of Object.keys(section)) {
      if (TOKEN_KEY.test(key)) {
        problems.push(`${prefix}${key}: a token does not belong in this file (files get shared and committed); remove it and export GITHUB_TOKEN in your shell instead`);
      }
    }
  };
  look(data, '');
  for (const [key, value] of Object.entries(data)) if (isRecord(value)) look(value, `${key}.`);
  return problems;
}

function unknownKeyProblems(data: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const check = (section: Record<string, unknown>, prefix: string, known: readonly string[]): void => {
    for (const key of Object.keys(section)) {
      if (TOKEN_KEY.test(key) || known.includes(key)) continue;
      problems.push(`${prefix}${key}: unknown key (known here: ${known.join(', ')})`);
    }
  };
  check(data, '', KNOWN_KEYS['']!);
  for (const section of ['github', 'gcp', 'clusters', 'cleanup', 'scaffold']) {
    const value = data[section];
    if (isRecord(value)) check(value, `${section}.`, KNOWN_KEYS[section]!);
  }
  return problems;
}

function resolvePath(folder: string, value: string): string {
  if (value === '~' || value.startsWith('~/')) return path.join(homedir(), value.slice(1));
  return path.resolve(folder, value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

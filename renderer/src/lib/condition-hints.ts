/**
 * Plain-language hints for the Ready messages newcomers meet most in this lab (LAB.md's
 * pitfalls). Each entry matches the controller's own wording, so a hint appears only where it
 * applies; the original message is always shown beside it.
 */

export interface ConditionHint {
  id: string;
  pattern: RegExp;
  hint: string;
}

export const conditionHints: readonly ConditionHint[] = [
  {
    id: 'dependency',
    pattern: /dependency '[^']+' is not ready|dependency .* not ready/i,
    hint: 'It waits for another object named in dependsOn. Fix the first not-ready object to its left; this one follows by itself.',
  },
  {
    id: 'sops-decrypt',
    pattern: /no key could decrypt secret|failed to decrypt|cannot decrypt sealed secret/i,
    hint: 'The secret was encrypted for another key (for example a recreated cluster). Seal it again with this cluster\'s public key and push.',
  },
  {
    id: 'quota',
    pattern: /quota .*exceeded|exceeded quota|QUOTA_EXCEEDED|insufficient regional quota/i,
    hint: 'The cloud project ran out of quota. Delete unused resources, choose a smaller machine or another region, or ask for a quota increase.',
  },
  {
    id: 'credentials',
    pattern: /cannot get credentials secret|credentials secret|could not find default credentials|missing credentials|secrets? "[^"]*" not found/i,
    hint: 'The provider has no usable credentials. Check that the credentials secret exists in the namespace the ProviderConfig names, with the right key.',
  },
  {
    id: 'helm-timeout',
    pattern: /context deadline exceeded|timed out waiting for the condition/i,
    hint: 'Helm gave up waiting for the pods to become ready. Look at the pods and their events: usually an image that cannot be pulled or too little CPU or memory.',
  },
  {
    id: 'deletion-protection',
    pattern: /deletion[ _-]?protection/i,
    hint: 'The cloud refuses to delete a protected resource. Turn deletion protection off on it first, then delete again.',
  },
];

/** Hints that apply to a Ready message, most specific first (table order). */
export function hintsFor(message: string): ConditionHint[] {
  if (!message) return [];
  return conditionHints.filter((h) => h.pattern.test(message));
}

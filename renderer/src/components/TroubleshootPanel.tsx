/**
 * The lab's troubleshooting commands (LAB.md step 17) as buttons: what is failing, the trace of
 * any object, the diff of a Kustomization against a local path. Each form is checked with the
 * contract's own schema before anything is sent, so the message matches what the engine says.
 */
import { useId, useState, type FormEvent } from 'react';
import { troubleshootSchema, type TroubleshootRequest } from '../../../electron/api/contract';

interface Props {
  context: string;
  busy: boolean;
  run(request: TroubleshootRequest, label: string): void;
  /** Prefills the forms from the object selected in the graph. */
  chosen?: { kind: string; name: string; namespace?: string };
}

function firstIssue(request: unknown): string | null {
  const parsed = troubleshootSchema.safeParse(request);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'invalid');
}

export function TroubleshootPanel({ context, busy, run, chosen }: Props) {
  const [open, setOpen] = useState<'trace' | 'diff' | null>(null);
  const [object, setObject] = useState('');
  const [namespace, setNamespace] = useState('flux-system');
  const [name, setName] = useState('');
  const [path, setPath] = useState('');
  const [issue, setIssue] = useState<string | null>(null);
  const ids = useId();

  function toggle(form: 'trace' | 'diff'): void {
    setIssue(null);
    if (open === form) return setOpen(null);
    setOpen(form);
    // Prefill from the selection only when the person has not typed anything yet.
    if (form === 'trace' && chosen && !object) {
      setObject(`${chosen.kind}/${chosen.name}`);
      setNamespace(chosen.namespace ?? 'flux-system');
    }
    if (form === 'diff' && chosen?.kind === 'Kustomization' && !name) setName(chosen.name);
  }

  function submit(event: FormEvent, request: TroubleshootRequest, label: string): void {
    event.preventDefault();
    const problem = firstIssue(request);
    setIssue(problem);
    if (!problem) run(request, label);
  }

  return (
    <section className="troubleshoot" aria-labelledby={`${ids}-title`}>
      <h4 id={`${ids}-title`}>Troubleshoot</h4>
      <div className="troubleshoot-actions">
        <button type="button" disabled={busy} onClick={() => run({ kind: 'failing', context }, `Failing on ${context}`)}>
          What is failing?
        </button>
        <button type="button" aria-expanded={open === 'trace'} onClick={() => toggle('trace')}>
          Trace…
        </button>
        <button type="button" aria-expanded={open === 'diff'} onClick={() => toggle('diff')}>
          Diff…
        </button>
      </div>
      {open === 'trace' ? (
        <form className="troubleshoot-form" onSubmit={(e) => submit(e, { kind: 'trace', context, object: object.trim(), namespace: namespace.trim() }, `Trace: ${object.trim()}`)}>
          <label>
            Object (kind/name)
            <input value={object} placeholder="deployment/frontend" onChange={(e) => setObject(e.target.value)} aria-invalid={issue?.startsWith('object') ? true : undefined} />
          </label>
          <label>
            Namespace
            <input value={namespace} onChange={(e) => setNamespace(e.target.value)} />
          </label>
          <button type="submit" disabled={busy}>
            Run trace
          </button>
        </form>
      ) : null}
      {open === 'diff' ? (
        <form className="troubleshoot-form" onSubmit={(e) => submit(e, { kind: 'diff', context, name: name.trim(), path: path.trim() }, `Diff: ${name.trim()}`)}>
          <label>
            Kustomization
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Local path
            <input value={path} placeholder="./clusters/dev" onChange={(e) => setPath(e.target.value)} />
          </label>
          <button type="submit" disabled={busy}>
            Run diff
          </button>
        </form>
      ) : null}
      {issue ? (
        <p className="action-error" role="alert">
          {issue}
        </p>
      ) : null}
    </section>
  );
}

/**
 * The step's inputs as labelled controls. Each value is checked with the engine's own schema as
 * it is typed, and valid values are sent to the engine after a short pause, so typing a name does
 * not send a request per key. The engine's answer can still refuse a value (it sees the whole
 * set, e.g. min <= max); its issues are shown under the field they name.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from '../lib/errors';
import { defaultValue, fieldPatch, fieldSpec, getField, parseControlValue, validateField, type FieldSpec } from '../lib/input-fields';
import { useLabContext, useLabState } from './lab-context';

const SEND_DELAY_MS = 400;

export function InputsForm({ fields }: { fields: string[] }) {
  const { api } = useLabContext();
  const inputs = useLabState((s) => s.snapshot?.inputs);
  const [drafts, setDrafts] = useState<Record<string, string | boolean>>({});
  const [serverIssues, setServerIssues] = useState<Record<string, string>>({});
  const timers = useRef(new Map<string, { timer: ReturnType<typeof setTimeout>; fire(): void }>());

  // Leaving the step or the page must not lose what was typed in the last moment: send it now.
  useEffect(() => {
    const pending = timers.current;
    const flush = () => {
      for (const { timer, fire } of pending.values()) {
        clearTimeout(timer);
        fire();
      }
      pending.clear();
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, []);

  if (fields.length === 0) return null;

  function send(spec: FieldSpec, raw: string | boolean): void {
    const value = parseControlValue(spec, raw);
    const previous = timers.current.get(spec.path);
    if (previous) clearTimeout(previous.timer);
    timers.current.delete(spec.path);
    if (validateField(spec, value) !== null || value === undefined) return;
    const fire = () => {
      api
          .setInputs({ inputs: fieldPatch(spec.path, value) })
          .then((result) => {
            setServerIssues((issues) => {
              const next = { ...issues };
              delete next[spec.path];
              for (const issue of result.issues) next[issue.field] = issue.message;
              return next;
            });
          })
          .catch((error: unknown) => setServerIssues((issues) => ({ ...issues, [spec.path]: errorMessage(error) })));
    };
    const timer = setTimeout(() => {
      timers.current.delete(spec.path);
      fire();
    }, SEND_DELAY_MS);
    timers.current.set(spec.path, { timer, fire });
  }

  function onChange(spec: FieldSpec, raw: string | boolean): void {
    setDrafts((d) => ({ ...d, [spec.path]: raw }));
    send(spec, raw);
  }

  return (
    <section className="inputs" aria-labelledby="inputs-title">
      <h3 id="inputs-title">Inputs</h3>
      <div className="fields">
        {fields.map((path) => {
          const spec = fieldSpec(path);
          const stored = getField(inputs, path);
          // A checkbox has no placeholder, so an untouched one shows the default the engine will use.
          const raw = drafts[path] ?? (spec.kind === 'checkbox' ? (stored ?? defaultValue(spec)) === true : stored === undefined ? '' : String(stored));
          const localIssue = path in drafts ? validateField(spec, parseControlValue(spec, raw)) : null;
          return <Field key={path} spec={spec} raw={raw} message={localIssue ?? serverIssues[path] ?? null} onChange={onChange} />;
        })}
      </div>
      {/* Issues about fields this card does not show (e.g. a value set on another step). */}
      {Object.entries(serverIssues)
        .filter(([field]) => !fields.includes(field))
        .map(([field, message]) => (
          <p key={field} className="field-message" role="alert">
            {message}
          </p>
        ))}
    </section>
  );
}

interface FieldProps {
  spec: FieldSpec;
  raw: string | boolean;
  message: string | null;
  onChange(spec: FieldSpec, raw: string | boolean): void;
}

function Field({ spec, raw, message, onChange }: FieldProps) {
  const id = useId();
  const messageId = `${id}-message`;
  const helpId = `${id}-help`;
  const describedBy = [message ? messageId : null, spec.help ? helpId : null].filter(Boolean).join(' ') || undefined;
  if (spec.kind === 'checkbox') {
    return (
      <div className="field field-checkbox">
        <input id={id} type="checkbox" checked={raw === true} aria-describedby={describedBy} onChange={(e) => onChange(spec, e.target.checked)} />
        <label htmlFor={id}>{spec.label}</label>
        {message ? <p id={messageId} className="field-message">{message}</p> : null}
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{spec.label}</label>
      <input
        id={id}
        type={spec.kind === 'number' ? 'number' : 'text'}
        value={String(raw)}
        placeholder={spec.placeholder}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={message ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(spec, e.target.value)}
      />
      {spec.help ? <p id={helpId} className="field-help">{spec.help}</p> : null}
      {message ? <p id={messageId} className="field-message" role="alert">{message}</p> : null}
    </div>
  );
}

/**
 * A secret (the GitHub token, Grafana's password): typed into a password box and handed straight
 * to the engine, which keeps it encrypted. The window never keeps it after sending, not in the
 * store, not in localStorage; it only shows whether the engine has one.
 */
import { useId, useState, type FormEvent } from 'react';
import type { SecretName } from '../../../electron/api/inputs';
import { errorMessage } from '../lib/errors';
import { useLabContext, useLabState } from './lab-context';

const labels: Record<SecretName, { label: string; help: string }> = {
  GITHUB_TOKEN: {
    label: 'GitHub personal access token',
    help: 'A classic token with the "repo" scope, or a fine-grained one with Administration and Contents read/write on the repository.',
  },
  GRAFANA_ADMIN_PASSWORD: {
    label: 'Grafana admin password',
    help: 'The password you will use to sign in to Grafana on the dev cluster.',
  },
};

export function SecretInput({ name }: { name: SecretName }) {
  const { api } = useLabContext();
  const isSet = useLabState((s) => s.snapshot?.secrets[name] === true);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const id = useId();

  async function onSubmit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!value) return;
    setSaving(true);
    setError(null);
    try {
      await api.setSecret({ name, value });
      setValue('');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  const { label, help } = labels[name];
  return (
    <form className="secret" onSubmit={(e) => void onSubmit(e)}>
      <label htmlFor={id}>{label}</label>
      <div className="secret-row">
        <input
          id={id}
          type="password"
          value={value}
          autoComplete="off"
          placeholder={isSet ? 'saved; type a new one to replace it' : ''}
          aria-describedby={`${id}-state ${id}-help`}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" disabled={!value || saving}>
          {isSet ? 'Replace' : 'Save'}
        </button>
        <span id={`${id}-state`} className={isSet ? 'secret-state secret-set' : 'secret-state'}>
          {isSet ? '✔ set' : 'not set'}
        </span>
      </div>
      <p id={`${id}-help`} className="field-help">{help}</p>
      {error ? <p className="field-message" role="alert">{error}</p> : null}
    </form>
  );
}

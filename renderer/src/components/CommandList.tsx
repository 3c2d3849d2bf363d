/**
 * The exact commands a step runs, as text a person could paste into a terminal to do the same by
 * hand. Secrets appear as `$NAME`: the app passes them in the environment, never on a command line.
 */
import { useState } from 'react';
import type { CommandView } from '../../../electron/api/contract';
import { formatCommand } from '../lib/shell-quote';

export function CommandList({ commands }: { commands: CommandView[] }) {
  const [copyState, setCopyState] = useState<string>('');
  if (commands.length === 0) return null;
  const text = commands.map(formatCommand).join('\n');
  const envNames = [...new Set(commands.flatMap((c) => c.env ?? []))];

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      setCopyState('Copied');
    } catch {
      setCopyState('Copy failed: select the text and copy it');
    }
  }

  return (
    <section className="commands" aria-labelledby="commands-title">
      <div className="section-head">
        <h3 id="commands-title">Commands</h3>
        <button type="button" onClick={() => void copy()}>
          Copy commands
        </button>
        <span className="copy-state" role="status" aria-live="polite">
          {copyState}
        </span>
      </div>
      <ol className="command-list">
        {commands.map((command, index) => (
          <li key={index}>
            <pre>
              <code>{formatCommand(command)}</code>
            </pre>
            {command.note ? <p className="command-note">{command.note}</p> : null}
          </li>
        ))}
      </ol>
      {envNames.length > 0 ? (
        <p className="field-help">
          {envNames.map((n) => `$${n}`).join(', ')} {envNames.length === 1 ? 'comes' : 'come'} from the app's secret store, passed in
          the environment, never on the command line.
        </p>
      ) : null}
    </section>
  );
}

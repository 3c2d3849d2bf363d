/**
 * The whole lab as a shell script (what `lab export-script` prints), shown in a dialog with a
 * Copy button, for people who want to replay or study it outside the app.
 */
import { useRef, useState } from 'react';
import { errorMessage } from '../lib/errors';
import { useLabContext } from './lab-context';

export function ExportScript({ disabled }: { disabled: boolean }) {
  const { api } = useLabContext();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [script, setScript] = useState('');
  const [message, setMessage] = useState('');

  async function open(): Promise<void> {
    setMessage('');
    try {
      setScript((await api.exportScript({})).script);
    } catch (error) {
      setScript('');
      setMessage(errorMessage(error));
    }
    dialogRef.current?.showModal();
  }

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(script);
      setMessage('Copied');
    } catch {
      setMessage('Copy failed: select the text and copy it');
    }
  }

  return (
    <>
      <button type="button" disabled={disabled} onClick={() => void open()}>
        Export script
      </button>
      <dialog ref={dialogRef} className="script-dialog" aria-labelledby="script-title">
        <div className="section-head">
          <h2 id="script-title">Commands run so far, as a shell script</h2>
          <button type="button" disabled={!script} onClick={() => void copy()}>
            Copy script
          </button>
          <span className="muted" role="status" aria-live="polite">
            {message}
          </span>
          <button type="button" className="dialog-close" onClick={() => dialogRef.current?.close()}>
            Close
          </button>
        </div>
        {script ? (
          <pre className="script-text">
            <code>{script}</code>
          </pre>
        ) : null}
      </dialog>
    </>
  );
}

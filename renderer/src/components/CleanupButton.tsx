/**
 * The one button that starts a cleanup: it opens the teardown dialog, which plans before anything
 * is deleted. The dialog exists only while open, so each opening starts from a fresh plan and
 * unticked options; focus goes back to the button when it closes.
 */
import { useRef, useState } from 'react';
import { CleanupDialog } from './CleanupDialog';
import { useLabState } from './lab-context';

export const CLEANUP_BUTTON_LABEL = 'Clean up everything…';

export function CleanupButton({ className }: { className?: string }) {
  const hasSnapshot = useLabState((s) => s.snapshot !== null);
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);

  function onClose(): void {
    setOpen(false);
    buttonRef.current?.focus();
  }

  return (
    <>
      <button ref={buttonRef} type="button" className={`cleanup-button ${className ?? ''}`.trim()} disabled={!hasSnapshot} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        {CLEANUP_BUTTON_LABEL}
      </button>
      {open ? <CleanupDialog onClose={onClose} /> : null}
    </>
  );
}

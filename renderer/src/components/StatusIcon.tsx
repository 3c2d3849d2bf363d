/** A step's or phase's status as a coloured glyph; hidden from screen readers, which get the status as words elsewhere. */
import type { StepStatus } from '../../../electron/api/contract';
import { statusIcons } from '../lib/format';

export function StatusIcon({ status }: { status: StepStatus }) {
  return (
    <span className={`status-icon status-${status}`} aria-hidden="true">
      {statusIcons[status]}
    </span>
  );
}

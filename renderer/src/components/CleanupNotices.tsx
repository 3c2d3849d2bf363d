/**
 * The engine's notices (the cost reminder, the deadline's automatic cleanup) as banners in the
 * window: a warning interrupts screen readers (role=alert), information waits its turn
 * (role=status). Each also becomes a desktop notification when the person has allowed them, for
 * someone who left the window during a long wait. Nothing here may throw: a notification
 * refused by the platform must not break the wizard.
 */
import { useEffect, useRef } from 'react';
import type { LabNotice } from '../lib/cleanup';
import { useLabState } from './lab-context';

function notifyDesktop(notice: LabNotice): void {
  try {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    new Notification(notice.level === 'warning' ? 'GitOps Lab: cloud costs' : 'GitOps Lab', { body: notice.message, tag: `lab-notice-${notice.id}` });
  } catch {
    // Some platforms only allow notifications from a service worker; the banner shows it anyway.
  }
}

export function CleanupNotices() {
  const notices = useLabState((s) => s.notices);
  const dismiss = useLabState((s) => s.dismissNotice);
  const shown = useRef(new Set<number>());

  useEffect(() => {
    for (const notice of notices) {
      if (shown.current.has(notice.id)) continue;
      shown.current.add(notice.id);
      notifyDesktop(notice);
    }
  }, [notices]);

  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`} role={notice.level === 'warning' ? 'alert' : 'status'}>
          <p>{notice.message}</p>
          <button type="button" aria-label={`Dismiss: ${notice.message}`} onClick={() => dismiss(notice.id)}>
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}

/**
 * "Notify me": a desktop notification when a long step ends, for someone who switched to another
 * window during a ten-minute cluster creation. Permission is asked only when the person presses
 * the toggle (browsers ignore or punish requests made on load). Electron's main process denies
 * permission requests, so there the toggle simply reports notifications as blocked; nothing
 * here may throw, because a missing notification must never break the wizard.
 */
import { useEffect, useState } from 'react';
import { stepEndNotices } from '../lib/notify';
import { useLabContext } from './lab-context';

type Permission = NotificationPermission | 'unsupported';

function currentPermission(): Permission {
  try {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  } catch {
    return 'unsupported';
  }
}

function show(title: string, body: string, tag: string): void {
  try {
    if (currentPermission() === 'granted') new Notification(title, { body, tag });
  } catch {
    // Some platforms only allow notifications from a service worker; the wizard shows the result anyway.
  }
}

export function NotifyToggle() {
  const lab = useLabContext();
  const [permission, setPermission] = useState<Permission>(currentPermission);
  const [on, setOn] = useState(false);
  const active = on && permission === 'granted';

  useEffect(() => {
    if (!active) return;
    return lab.store.subscribe((state, previous) => {
      if (state.snapshot === previous.snapshot) return;
      for (const notice of stepEndNotices(previous.snapshot, state.snapshot)) show(notice.title, notice.body, notice.stepId);
    });
  }, [active, lab]);

  async function toggle(): Promise<void> {
    if (on) return setOn(false);
    let next = currentPermission();
    if (next === 'default') {
      try {
        next = await Notification.requestPermission();
      } catch {
        next = currentPermission();
      }
    }
    setPermission(next);
    setOn(next === 'granted');
  }

  if (permission === 'unsupported') return null;
  const blocked = permission === 'denied';
  return (
    <button
      type="button"
      className="notify-toggle"
      aria-pressed={active}
      disabled={blocked}
      title={blocked ? 'Notifications are blocked for this app in the browser or system settings' : 'Notify me when a long step ends'}
      onClick={() => void toggle()}
    >
      {blocked ? 'Notifications blocked' : 'Notify me'}
    </button>
  );
}

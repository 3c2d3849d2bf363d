import type { KeyboardEvent, RefObject } from 'react';

const KEYS = ['ArrowDown', 'ArrowUp', 'Home', 'End'];

/**
 * Arrow keys, Home and End move focus between the step buttons inside `listRef` and select the
 * step they land on, so a whole step list is one tab stop.
 */
export function useStepListKeys(listRef: RefObject<HTMLElement | null>, select: (id: string) => void): (event: KeyboardEvent<HTMLElement>) => void {
  return (event) => {
    if (!KEYS.includes(event.key)) return;
    const buttons = Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>('button.step') ?? []);
    const index = buttons.findIndex((b) => b === document.activeElement);
    if (index === -1) return;
    event.preventDefault();
    const last = buttons.length - 1;
    const next = event.key === 'Home' ? 0 : event.key === 'End' ? last : event.key === 'ArrowDown' ? Math.min(index + 1, last) : Math.max(index - 1, 0);
    const target = buttons[next];
    if (!target) return;
    target.focus();
    if (target.dataset.stepId) select(target.dataset.stepId);
  };
}

// Single-key shortcuts for a screen: one window listener for as long as the screen is shown, quiet
// while someone types in a field or holds a modifier (so Ctrl+R and the browser's own keys still work).
import { useEffect, useEffectEvent } from 'react';
import { typing } from './format.ts';

/** Calls `handle` for unmodified key presses outside text fields; a `true` answer means it was used. */
export function useShortcuts(handle: (event: KeyboardEvent) => boolean): void {
  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (handle(event)) event.preventDefault();
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}

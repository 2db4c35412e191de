// Windowed rendering for a long list: only rows near the viewport are in the DOM (a few hundred,
// however many are loaded); padding above and below stands in for the rest at the average height of
// the rows rendered. The browser's scroll anchoring keeps the view steady as the window moves.
// The list's rendered rows are its children marked `data-row` (a list's items or a table body's rows).
import { useEffect, useState, type RefObject } from 'react';

/** Rows in the DOM at once. */
export const WINDOW = 240;
/** The window moves in steps of this many rows, so scrolling re-renders now and then, not per frame. */
const STEP = 40;
/** Rows kept above the first visible one. */
const LEAD = 80;

export interface ListWindow {
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
  /** Moves the window so that row `index` is rendered (before scrolling it into view). */
  reveal(index: number): void;
}

const clamp = (n: number, low: number, high: number) => Math.max(low, Math.min(high, n));
const startFor = (index: number, count: number) =>
  clamp(Math.floor((index - LEAD) / STEP) * STEP, 0, Math.max(0, count - WINDOW));

/** The rows of `count` to render in `list`, an element the window scrolls. */
export function useListWindow(list: RefObject<HTMLElement | null>, count: number): ListWindow {
  const [start, setStart] = useState(0);
  const [rowHeight, setRowHeight] = useState(64);
  const end = Math.min(count, start + WINDOW);

  // Follow the scroll position, once per frame at most, learning the rows' real average height from
  // those rendered as it goes.
  useEffect(() => {
    let frame = 0;
    const follow = () => {
      frame = 0;
      const el = list.current;
      if (!el) return;
      const items = el.querySelectorAll(':scope > [data-row]');
      const first = items[0];
      const last = items[items.length - 1];
      let height = rowHeight;
      if (first && last && items.length >= 2) {
        const average = (last.getBoundingClientRect().bottom - first.getBoundingClientRect().top) / items.length;
        if (average > 0 && Math.abs(average - rowHeight) > 0.5) setRowHeight((height = average));
      }
      const next = startFor(Math.floor(-el.getBoundingClientRect().top / height), count);
      setStart((current) => (current === next ? current : next));
    };
    const onScroll = () => {
      frame ||= requestAnimationFrame(follow);
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    onScroll();
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
    };
  }, [list, count, rowHeight]);

  return {
    start,
    end,
    padTop: start * rowHeight,
    padBottom: Math.max(0, count - end) * rowHeight,
    reveal(index) {
      if (index < start || index >= start + WINDOW) setStart(startFor(index, count));
    },
  };
}

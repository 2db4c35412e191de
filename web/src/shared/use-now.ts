// The current time for countdowns and ages: one timer per component, re-rendering it every `ms`.
import { useEffect, useState } from 'react';

/** The current time in milliseconds, ticking every `ms` while the component is shown. */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

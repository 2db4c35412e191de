// Progress lines while a run goes on: "[+1:05] …" once the load has started (time since its start),
// "[setup] …" before. Everything the harness prints goes through here, and is also kept for the report.

export interface Progress {
  line(text: string): void;
  /** Marks the start of the load: later lines show the time since then. */
  startClock(atMs: number): void;
  /** Every line printed so far. */
  lines(): readonly string[];
}

export function clockText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

export function createProgress(write: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Progress {
  let start: number | null = null;
  const kept: string[] = [];
  return {
    line(text) {
      const stamp = start === null ? '[setup]' : `[+${clockText(Date.now() - start)}]`;
      const full = `${stamp} ${text}`;
      kept.push(full);
      write(full);
    },
    startClock(atMs) {
      start = atMs;
    },
    lines: () => kept,
  };
}

/** Resolves after `ms` (at once for 0 or less). */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : resolve()));

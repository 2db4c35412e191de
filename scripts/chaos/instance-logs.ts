// What the instances complained about: their error lines (pino JSON, level 50 and up) counted by
// message and cause, and the deadlocks among them (PostgreSQL 40P01, issue 18's third fault), for the
// report. Not an invariant: errors are expected while the database is down; their kinds are the clue.
import fs from 'node:fs';
import path from 'node:path';

export interface LogSummary {
  errors: number;
  deadlocks: number;
  /** The most frequent kinds, "count× message: cause". */
  top: string[];
}

export function summarizeLogs(dir: string): LogSummary {
  const kinds = new Map<string, number>();
  let errors = 0;
  let deadlocks = 0;
  for (const file of fs.readdirSync(dir).filter((f) => /^instance-\d+\.log$/.test(f))) {
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (/deadlock detected|40P01/.test(line)) deadlocks++;
      if (!line.startsWith('{')) continue;
      let entry: { level?: number; msg?: string; err?: { message?: string } };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if ((entry.level ?? 0) < 50) continue;
      errors++;
      // Ports and ids differ from line to line; the kind of trouble does not.
      const cause = (entry.err?.message ?? '').replace(/\d+(\.\d+)*(:\d+)?/g, 'N').slice(0, 80);
      const kind = `${entry.msg ?? '?'}: ${cause}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
  }
  const top = [...kinds]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([kind, n]) => `${n}× ${kind}`);
  return { errors, deadlocks, top };
}

// `npm run chaos -- --recheck DIR`: the invariants checked again over the records a kept run (--keep)
// left in DIR, without running anything. For reading a failure closely, and for trying a change to a
// check against a run that is known.
import fs from 'node:fs';
import path from 'node:path';
import { checkAll } from './invariants/index.js';
import { parseRecords } from './records.js';
import { invariantTable } from './report.js';

/** Prints the table and every violation; returns the exit code a run would have had. */
export function recheck(dir: string): number {
  const records = parseRecords(fs.readFileSync(path.join(dir, 'records.json'), 'utf8'));
  const results = checkAll(records);
  const lines = [`seed ${records.seed}: ${records.deliveries.length} messages received`, '', invariantTable(results)];
  for (const [i, r] of results.entries()) {
    for (const note of r.notes) lines.push(`  (${i + 1}) ${note}`);
    for (const v of r.violations) lines.push(`  (${i + 1}) ${v.detail}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return results.every((r) => r.holds) ? 0 : 1;
}

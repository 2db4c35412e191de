// Schedule resolution benchmark (`npm run bench:schedules`): resolves the large schedule of
// test/fixtures/large-schedule.ts (3 layers, 50 overrides) over 4 weeks spanning a DST change, --runs
// times after a warm-up, and prints the median, p95 and max. The figure goes to docs/benchmarks.md by
// hand ("Schedules"); the on-call screen asks for 2 weeks of a schedule at a time.
import { resolveShifts } from '../src/schedules/resolve.js';
import { largeSchedule } from '../test/fixtures/large-schedule.js';
import { argValue, commitLabel, flag } from './lib.js';

if (flag('--help')) {
  console.log('usage: tsx bench/schedules.ts [--runs N (200)]');
  process.exit(0);
}
const runs = Number(argValue('--runs') ?? 200);
const definition = largeSchedule();
const [from, to] = [new Date('2026-03-16T00:00Z'), new Date('2026-04-13T00:00Z')];
let shifts = 0;
for (let i = 0; i < 5; i++) shifts = resolveShifts(definition, from, to).length; // JIT and Intl caches
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  resolveShifts(definition, from, to);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const pick = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] as number).toFixed(1);
console.log(
  `resolveShifts, 3 layers + 50 overrides, 4 weeks (${shifts} shifts), ${runs} runs: ` +
    `median ${pick(0.5)} ms, p95 ${pick(0.95)} ms, max ${pick(1)} ms; commit ${commitLabel()}`,
);

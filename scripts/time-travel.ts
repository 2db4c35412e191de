// Runs the whole test suite (vitest, not lint) with the machine's clock moved, to catch code and tests
// that mix the injected clock with the real one: a fixed date in a fake clock beside a certificate,
// token or file stamped with today's date passes today and fails some later day.
//
//   npm run test:time-travel                 all three runs below, one after another
//   npm run test:time-travel -- +400d        one run: 400 days ahead, UTC
//   npm run test:time-travel -- berlin       one run: Europe/Berlin, 3 minutes before its next DST change
//   npm run test:time-travel -- new-york     one run: America/New_York, likewise
//   npm run test:time-travel -- --list       where each run would land, without running
//
// It needs Debian's faketime (apt-get install faketime). The clock is moved by a relative offset
// (FAKETIME "+Ns"), which every child process (vigil serve, openssl, curl, Chromium) shares; an
// absolute "@date" would restart at that date in each new process. Runs of about 8 minutes each.
import { spawnSync } from 'node:child_process';

const DAY_MS = 86_400_000;

interface Run {
  name: string;
  zone: string;
  /** Seconds to move the clock by. */
  offsetSeconds: number;
  /** What the run lands on, for the report. */
  landsAt: string;
}

/** UTC offset of `zone` at `at`, in minutes, as the runtime's time zone data has it. */
function offsetMinutes(zone: string, at: Date): number {
  const local = new Date(at.toLocaleString('en-US', { timeZone: zone }));
  const utc = new Date(at.toLocaleString('en-US', { timeZone: 'UTC' }));
  return Math.round((local.getTime() - utc.getTime()) / 60_000);
}

/** The next instant after `from` at which `zone` changes its UTC offset (searched a year ahead, to the minute). */
function nextOffsetChange(zone: string, from: Date): Date {
  const minute = (m: number) => new Date(m * 60_000);
  const first = Math.floor(from.getTime() / 60_000);
  const before = offsetMinutes(zone, minute(first));
  let high = first;
  while (offsetMinutes(zone, minute(high)) === before) {
    high += 60;
    if (high - first > 366 * 24 * 60) throw new Error(`${zone} has no offset change within a year`);
  }
  let low = high - 60; // the change lies in (low, high], in whole minutes
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (offsetMinutes(zone, minute(mid)) === before) low = mid;
    else high = mid;
  }
  return minute(high);
}

function beforeDstChange(name: string, zone: string, now: Date): Run {
  const change = nextOffsetChange(zone, now);
  const start = change.getTime() - 3 * 60_000;
  return {
    name,
    zone,
    offsetSeconds: Math.round((start - now.getTime()) / 1000),
    landsAt: `${new Date(start).toISOString()}, 3 minutes before ${zone} changes its offset at ${change.toISOString()}`,
  };
}

function runsFor(choice: string | undefined, now: Date): Run[] {
  const all: Run[] = [
    {
      name: '+400d',
      zone: 'UTC',
      offsetSeconds: (400 * DAY_MS) / 1000,
      landsAt: new Date(now.getTime() + 400 * DAY_MS).toISOString(),
    },
    beforeDstChange('berlin', 'Europe/Berlin', now),
    beforeDstChange('new-york', 'America/New_York', now),
  ];
  if (!choice) return all;
  const run = all.find((r) => r.name === choice);
  if (!run) throw new Error(`unknown run "${choice}": one of ${all.map((r) => r.name).join(', ')}`);
  return [run];
}

if (process.argv[2] === '--list') {
  for (const run of runsFor(undefined, new Date())) console.log(`${run.name}: TZ=${run.zone}, ${run.landsAt}`);
  process.exit(0);
}

const found = spawnSync('faketime', ['-f', '+0', 'true']);
if (found.error) {
  console.error('test:time-travel needs faketime on the PATH: apt-get install faketime');
  process.exit(2);
}

const results: string[] = [];
for (const run of runsFor(process.argv[2], new Date())) {
  console.log(`\n== ${run.name}: TZ=${run.zone}, the clock at ${run.landsAt}\n`);
  const started = Date.now();
  const outcome = spawnSync('faketime', ['-f', `+${run.offsetSeconds}s`, 'npx', 'vitest', 'run'], {
    stdio: 'inherit',
    env: { ...process.env, TZ: run.zone, CI: process.env.CI ?? 'true' },
  });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  results.push(`${run.name}: ${outcome.status === 0 ? 'passed' : `FAILED (exit ${outcome.status})`} in ${minutes} min`);
}
console.log(`\n${results.join('\n')}`);
process.exitCode = results.every((r) => r.includes('passed')) ? 0 : 1;

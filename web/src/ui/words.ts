// Plain words for numbers and times: "1 incident" / "3 incidents" through Intl.PluralRules, times
// both relative ("4 min ago") and absolute with the zone named ("7 Dec 2026, 14:05 CET"), and the
// zone's own name for forms. Everything takes `now` so screens tick with one clock (useNow).

const rules = new Intl.PluralRules('en');

/** "1 incident", "2 incidents"; `plural` for irregular words ("1 person", "3 people"). */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en')} ${rules.select(n) === 'one' ? singular : plural}`;
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' });
const STEPS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Infinity],
];

/** "in 5 min", "3 hr ago", "yesterday". */
export function ago(iso: string, now: number): string {
  let amount = (Date.parse(iso) - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(amount) < size) return relative.format(Math.round(amount), unit); // years: size Infinity
    amount /= size;
  }
  return relative.format(Math.round(amount), 'year');
}

/** "7 Dec 2026, 14:05 CET": the absolute time in `timeZone` (the browser's by default), zone named. */
export function absolute(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}

const CLOCK = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

/** "14:05 CET": a time of today with the browser's zone named (due times, refresh stamps, windows). */
export const clockTime = (iso: string): string => CLOCK.format(new Date(iso));

/** "Europe/Berlin, CET": the IANA name people configure and the short name they read. */
export function zoneName(timeZone: string, at: number = Date.now()): string {
  const short = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date(at))
    .find((p) => p.type === 'timeZoneName')?.value;
  return short && short !== timeZone ? `${timeZone}, ${short}` : timeZone;
}

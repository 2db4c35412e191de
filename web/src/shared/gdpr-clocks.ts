// The GDPR dashboard's rules, pure and taking `now`: who may see personal data, the 72-hour breach
// clock (its text and colour), the order breaches and data-subject requests are listed in, how far a
// request is from its due time, the ledger's integrity in a sentence, and what a breach allows next.
import type { Breach, GdprCoverage, GdprLedger, GdprRequest, Session } from './api.ts';

const HOUR = 3_600_000;
/** Under this much time left a breach clock turns red. */
export const URGENT_MS = 12 * HOUR;

/** Admins and privacy-flagged responders read breaches, requests and subject ids; everyone else the counts. */
export const seesPersonalData = (session: Pick<Session, 'role' | 'user'>): boolean =>
  session.role === 'admin' || (session.role === 'responder' && session.user.privacy);

/** "61:04:09": hours (past 24 too), minutes and seconds of a span, for a clock that ticks. */
export function hms(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}

export type ClockTone = 'overdue' | 'urgent' | 'running' | 'stopped';

export interface BreachClock {
  tone: ClockTone;
  /** "11:59:30 left", "2:00:05 overdue", or "Clock stopped" once reported, not notifiable or closed. */
  text: string;
}

/** The Art. 33 clock of a breach at `now`: it runs while the breach is being assessed and stops once decided. */
export function breachClock(b: Pick<Breach, 'state' | 'deadline_at'>, now: number): BreachClock {
  if (b.state !== 'assessing') return { tone: 'stopped', text: 'Clock stopped' };
  const left = Date.parse(b.deadline_at) - now;
  if (left < 0) return { tone: 'overdue', text: `${hms(left)} overdue` };
  return { tone: left < URGENT_MS ? 'urgent' : 'running', text: `${hms(left)} left` };
}

const STOPPED_ORDER: Record<Breach['state'], number> = { assessing: 0, notified: 1, not_notifiable: 2, closed: 3 };

/**
 * Breaches in the order that needs acting on: the overdue first, then those still being assessed by the
 * nearest deadline, then those reported or not notifiable (a decision on the subjects still pending
 * first), closed last.
 */
export function sortBreaches<B extends Pick<Breach, 'state' | 'deadline_at' | 'subjects_decision_needed'>>(
  breaches: readonly B[],
  now: number,
): B[] {
  const rank = (b: B) => {
    if (b.state === 'assessing') return Date.parse(b.deadline_at) < now ? 0 : 1;
    return 2 + STOPPED_ORDER[b.state] * 2 + (b.subjects_decision_needed ? 0 : 1);
  };
  return [...breaches].sort((a, b) => rank(a) - rank(b) || Date.parse(a.deadline_at) - Date.parse(b.deadline_at));
}

/** Requests still to be answered (open or extended), the nearest due time first. */
export function pendingRequests<R extends Pick<GdprRequest, 'state' | 'due_at'>>(requests: readonly R[]): R[] {
  return requests
    .filter((r) => r.state === 'open' || r.state === 'extended')
    .sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at));
}

const DAY = 24 * HOUR;

/** How far a request is from its due time: "due today", "due in 3 days", "2 days overdue". */
export function requestDue(r: Pick<GdprRequest, 'due_at'>, now: number): { text: string; overdue: boolean } {
  const left = Date.parse(r.due_at) - now;
  if (left < 0) {
    const days = Math.floor(-left / DAY);
    return {
      text: days === 0 ? 'overdue since today' : `${days} ${days === 1 ? 'day' : 'days'} overdue`,
      overdue: true,
    };
  }
  const days = Math.floor(left / DAY);
  return { text: days === 0 ? 'due today' : `due in ${days} ${days === 1 ? 'day' : 'days'}`, overdue: false };
}

export interface Integrity {
  tone: 'good' | 'warn' | 'bad' | 'quiet';
  /** The badge's word. */
  word: string;
  text: string;
}

/** The consent ledger's integrity from its last chain check, in a word and a sentence. */
export function ledgerIntegrity(ledger: GdprLedger): Integrity {
  const check = ledger.last_check;
  if (ledger.rows === 0 && !check) return { tone: 'quiet', word: 'Empty', text: 'No consent decision recorded yet.' };
  if (!check) return { tone: 'warn', word: 'Not checked', text: `${rowsText(ledger.rows)}, never checked.` };
  if (!check.ok && check.first_broken) {
    const b = check.first_broken;
    return {
      tone: 'bad',
      word: 'Broken',
      text: `The chain breaks at row ${b.seq} (${b.reason}); verified up to row ${check.verified_up_to}.`,
    };
  }
  const since = ledger.unverified_rows > 0 ? `; ${rowsText(ledger.unverified_rows)} added since` : '';
  return { tone: 'good', word: 'Verified', text: `Verified up to row ${check.verified_up_to}${since}.` };
}

const rowsText = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'row' : 'rows'}`;

export const COVERAGE_STATES = ['granted', 'withdrawn', 'stale', 'none'] as const;
export type CoverageState = (typeof COVERAGE_STATES)[number];

/**
 * The coverage counts as the tops of stacked bars: for each state, per purpose, the sum of that state and
 * every state after it (granted on top of withdrawn on top of stale on top of none), so drawing the series
 * in the reverse order, each over the last, shows the stack.
 */
export function stackedCoverage(purposes: GdprCoverage['purposes']): Record<CoverageState, number[]> {
  const tops = {} as Record<CoverageState, number[]>;
  COVERAGE_STATES.forEach((state, i) => {
    const below = COVERAGE_STATES.slice(i);
    tops[state] = purposes.map((p) => below.reduce((sum, s) => sum + p[s], 0));
  });
  return tops;
}

/** "Newsletter: 3 granted, 1 withdrawn, 0 stale, 2 none; …" for the chart's description. */
export function coverageSummary(purposes: GdprCoverage['purposes']): string {
  if (purposes.length === 0) return 'No purposes registered.';
  return purposes.map((p) => `${p.name}: ${COVERAGE_STATES.map((s) => `${p[s]} ${s}`).join(', ')}`).join('; ') + '.';
}

export type BreachStep = 'report' | 'supplementary' | 'not_notifiable' | 'decision' | 'close';

/**
 * The steps the API allows a breach in its state: the first report while assessing, supplementary ones once
 * notified, "not notifiable" only while assessing with the risk assessed unlikely, the Art. 34 decision until
 * closed, and closing (from assessing only with a reason, which needs the unlikely risk too).
 */
export function allowedSteps(b: Pick<Breach, 'state' | 'risk'>): BreachStep[] {
  switch (b.state) {
    case 'assessing':
      return ['report', ...(b.risk === 'unlikely' ? (['not_notifiable', 'close'] as const) : []), 'decision'];
    case 'notified':
      return ['supplementary', 'decision', 'close'];
    case 'not_notifiable':
      return ['decision', 'close'];
    case 'closed':
      return [];
  }
}

/** Whether a first report at `reportedAt` comes after the deadline, so the API needs the reasons for the delay. */
export const reportIsLate = (b: Pick<Breach, 'state' | 'deadline_at'>, reportedAt: number): boolean =>
  b.state === 'assessing' && reportedAt > Date.parse(b.deadline_at);

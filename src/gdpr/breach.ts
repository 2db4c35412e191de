// The rules of a personal-data breach under the GDPR, pure and taking `now`. Art. 33(1): the controller
// reports a breach to the supervisory authority within 72 hours of becoming aware of it, unless it is
// unlikely to result in a risk to people; a later report states the reasons for the delay. Art. 33(4)
// allows the report in phases (an initial one, then supplementary ones). Art. 33(5): every breach is
// documented, reported or not, so "not notifiable" needs its reason. Art. 34: a breach likely to be a
// high risk is also communicated to the data subjects, unless an exemption of 34(3)(a)–(c) applies;
// that decision is recorded before the breach can be closed.
//
// State machine: assessing → notified | not_notifiable → closed. A notified breach takes supplementary
// reports; closing straight from assessing is closing it as not notifiable, and so needs the reason.
import { AppError } from '../errors.js';

export const BREACH_STATES = ['assessing', 'notified', 'not_notifiable', 'closed'] as const;
export type BreachState = (typeof BREACH_STATES)[number];
export const RISKS = ['unlikely', 'risk', 'high_risk'] as const;
export type Risk = (typeof RISKS)[number];
export const REPORT_KINDS = ['initial', 'supplementary'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const EXEMPTIONS = ['34(3)(a)', '34(3)(b)', '34(3)(c)'] as const;
export type Exemption = (typeof EXEMPTIONS)[number];

/** Incident categories (an alert's class or custom_details.category) that mean personal data may be involved. */
export const BREACH_CATEGORIES: readonly string[] = Object.freeze(['gdpr_violation', 'security_breach', 'data_loss']);

const HOUR_MS = 60 * 60 * 1000;
/** Art. 33(1): 72 hours from awareness. */
export const DEADLINE_MS = 72 * HOUR_MS;
/** A client's clock may run a little ahead of ours: aware_at up to a minute ahead counts as now. */
export const CLOCK_TOLERANCE_MS = 60_000;

/** When the reminders of the clock fall due, from awareness; "overdue" is the deadline itself. */
export const REMINDER_HOURS: ReadonlyArray<{ kind: string; hours: number }> = Object.freeze([
  { kind: '24h', hours: 24 },
  { kind: '48h', hours: 48 },
  { kind: '66h', hours: 66 },
  { kind: 'overdue', hours: 72 },
]);

export interface SubjectsDecision {
  decision: 'communicated' | 'exempt';
  communicatedAt: Date | null;
  channel: string | null;
  exemption: Exemption | null;
  reason: string | null;
  decidedBy: string;
  decidedAt: Date;
}

/** What the rules look at. */
export interface BreachFacts {
  state: BreachState;
  awareAt: Date;
  deadlineAt: Date;
  risk: Risk;
  reports: number;
  subjectsDecision: SubjectsDecision | null;
}

const invalid = (field: string, message: string) => new AppError('breach.invalid', `${field}: ${message}`, { field });
const conflict = (message: string, details: Record<string, unknown>) =>
  new AppError('breach.invalid_transition', message, details);

export const deadlineOf = (awareAt: Date): Date => new Date(awareAt.getTime() + DEADLINE_MS);

/** Hours left on the clock at `now`, to one decimal; negative once the deadline has passed. */
export function hoursLeft(deadlineAt: Date, now: Date): number {
  return Math.round(((deadlineAt.getTime() - now.getTime()) / HOUR_MS) * 10) / 10;
}

/** Overdue: still being assessed (nothing reported, nothing decided) when the deadline has passed. */
export function isOverdue(b: Pick<BreachFacts, 'state' | 'deadlineAt'>, now: Date): boolean {
  return b.state === 'assessing' && now.getTime() >= b.deadlineAt.getTime();
}

/** Art. 34: a high-risk breach not yet closed whose data subjects' information has not been decided. */
export function subjectsDecisionNeeded(b: Pick<BreachFacts, 'state' | 'risk' | 'subjectsDecision'>): boolean {
  return b.risk === 'high_risk' && b.subjectsDecision === null && b.state !== 'closed';
}

/** Refuses an awareness time in the future (beyond the clock tolerance). */
export function checkAwareAt(awareAt: Date, now: Date): void {
  if (awareAt.getTime() > now.getTime() + CLOCK_TOLERANCE_MS)
    throw invalid('aware_at', `must not be in the future (now is ${now.toISOString()})`);
}

/** A time that says when something happened: not in the future, not before awareness. */
function checkPast(field: string, at: Date, awareAt: Date, now: Date): void {
  if (at.getTime() > now.getTime() + CLOCK_TOLERANCE_MS) throw invalid(field, 'must not be in the future');
  if (at.getTime() < awareAt.getTime()) throw invalid(field, `must not be before aware_at (${awareAt.toISOString()})`);
}

/** Changes of the facts (PATCH) are refused once the breach is closed. */
export function checkEditable(b: Pick<BreachFacts, 'state'>): void {
  if (b.state === 'closed') throw conflict('the breach is closed; its record can no longer change', { state: b.state });
}

/**
 * A report to the authority: the first is the initial one (it moves the breach to notified), later ones are
 * supplementary. Returns whether this report is late (the first one, after the deadline), which then needs
 * its delay reason.
 */
export function checkReport(
  b: BreachFacts,
  r: { kind: ReportKind; reportedAt: Date; delayReason: string | null },
  now: Date,
): { late: boolean; next: BreachState } {
  if (b.state === 'closed' || b.state === 'not_notifiable')
    throw conflict(`a ${b.state.replace('_', ' ')} breach takes no report to the authority`, { state: b.state });
  if (r.kind === 'initial' && b.reports > 0)
    throw conflict('the initial report is recorded; further reports are kind "supplementary" (Art. 33(4))', {
      kind: r.kind,
    });
  if (r.kind === 'supplementary' && b.reports === 0)
    throw conflict('no initial report is recorded yet; record it first (kind "initial")', { kind: r.kind });
  checkPast('reported_at', r.reportedAt, b.awareAt, now);
  const late = r.kind === 'initial' && r.reportedAt.getTime() > b.deadlineAt.getTime();
  if (late && !r.delayReason)
    throw invalid(
      'delay_reason',
      `required: this first report comes after the 72-hour deadline (${b.deadlineAt.toISOString()}); Art. 33(1)`,
    );
  return { late, next: 'notified' };
}

/** Declaring the breach not notifiable (Art. 33(1)'s exception): only while assessing, only if unlikely a risk. */
export function checkNotNotifiable(b: BreachFacts): void {
  if (b.state !== 'assessing')
    throw conflict(`only a breach being assessed can be declared not notifiable (it is ${b.state})`, {
      state: b.state,
    });
  if (b.risk !== 'unlikely')
    throw conflict(
      `risk is ${b.risk}: only a breach unlikely to result in a risk is not notifiable (Art. 33(1)); ` +
        'set risk to "unlikely" first',
      { risk: b.risk },
    );
}

/** The Art. 34 decision as given: communicated (when, how) or exempt (which ground, why). */
export type DecisionInput =
  | { decision: 'communicated'; communicatedAt: Date; channel: string }
  | { decision: 'exempt'; exemption: Exemption; reason: string };

export function checkSubjectsDecision(b: BreachFacts, d: DecisionInput, now: Date): void {
  if (b.state === 'closed') throw conflict('the breach is closed', { state: b.state });
  if (d.decision === 'communicated') checkPast('communicated_at', d.communicatedAt, b.awareAt, now);
}

/**
 * Closing: from notified or not notifiable; from assessing only with a reason, which declares it not
 * notifiable on the way (so the reason is documented, Art. 33(5)). A high-risk breach needs its Art. 34
 * decision first. Returns whether closing also declares it not notifiable.
 */
export function checkClose(b: BreachFacts, reason: string | null): { declaresNotNotifiable: boolean } {
  if (b.state === 'closed') throw conflict('the breach is already closed', { state: b.state });
  const missing: string[] = [];
  if (b.state === 'assessing') {
    if (!reason) missing.push('reason');
    else checkNotNotifiable(b);
  }
  if (b.risk === 'high_risk' && b.subjectsDecision === null) missing.push('subjects_decision');
  if (missing.length > 0) {
    const why = missing.map((m) =>
      m === 'reason'
        ? 'reason: required to close a breach that was never reported (it is then documented as not notifiable, ' +
          'Art. 33(5)); or record the report to the authority first'
        : 'subjects_decision: a high-risk breach needs a recorded decision on informing the data subjects ' +
          '(communicated, or exempt under 34(3)(a)–(c)) before it is closed (Art. 34)',
    );
    throw new AppError('breach.invalid', why.join('; '), { field: missing[0], missing });
  }
  return { declaresNotNotifiable: b.state === 'assessing' };
}

/**
 * The reminders to schedule for a breach whose clock starts at `awareAt`, as of `now`: the 24/48/66-hour
 * ones still ahead (a breach recorded late does not get reminders for hours already gone) and, always,
 * the deadline itself (past already: the sweep flags it overdue at once).
 */
export function breachReminders(awareAt: Date, now: Date): Array<{ kind: string; dueAt: Date }> {
  return REMINDER_HOURS.map(({ kind, hours }) => ({
    kind,
    dueAt: new Date(awareAt.getTime() + hours * HOUR_MS),
  })).filter((r) => r.kind === 'overdue' || r.dueAt.getTime() > now.getTime());
}

/** "BR-20261207-0001": per UTC day, like incident numbers. */
export function breachNumber(day: string, sequence: number): string {
  return `BR-${day}-${String(sequence).padStart(4, '0')}`;
}

/** The category among BREACH_CATEGORIES that `category` names ("Data Loss" and "data-loss" count), or null. */
export function breachCategory(category: string | null | undefined): string | null {
  if (!category) return null;
  const norm = category
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return BREACH_CATEGORIES.includes(norm) ? norm : null;
}

/** The first of `categories` that names a breach category, or null. */
export function firstBreachCategory(categories: readonly string[] | undefined): string | null {
  return (categories ?? []).map(breachCategory).find((c) => c !== null) ?? null;
}

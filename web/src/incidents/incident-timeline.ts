// Timeline entries in words: each kind the server writes (incidents, alerts, escalation, notifications,
// status updates, the automatic diagnostics, the steps of a personal data breach) becomes a label and a
// few readable lines. Pure; kinds it does not know fall back to a humanised kind and the generic key/value view.
import type { Phase, ResponseRole, Severity, TimelineEvent } from '../shared/api.ts';
import { STATE_LABEL, type InvocationState } from '../shared/action-words.ts';
import { describeStep } from '../shared/gdpr-words.ts';
import { SEVERITY_LABEL, span } from '../shared/format.ts';
import { ROLE_LABEL } from './incident-api.ts';
import { ruleReason } from './incident-page-severity.ts';
import { eventLabel } from './checklist-words.ts';
import { absolute, count } from '../ui/words.ts';

export type Tone = 'bad' | 'good' | 'info' | 'plain';

export interface Section {
  title: string;
  lines: string[];
  tone?: Tone;
}

export interface Described {
  /** The entry's kind in words, e.g. "Acknowledged". */
  label: string;
  tone: Tone;
  /** Short facts, one a line. */
  lines: string[];
  /** Text people wrote (a note, a status update), shown as written. */
  quote?: string;
  /** Named groups of lines (the diagnostics' checks). */
  sections?: Section[];
  /** Everything else, for the generic key/value view. */
  rest?: Record<string, unknown>;
  /** Rule ids and other names for the "Technical details" disclosure, never the primary text. */
  technical?: string[];
}

type Data = Record<string, unknown>;

const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Data | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Data) : null;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const sev = (v: unknown): string =>
  typeof v === 'string' && v in SEVERITY_LABEL ? SEVERITY_LABEL[v as Severity] : (str(v) ?? 'unknown severity');
const role = (v: unknown): string =>
  typeof v === 'string' && v in ROLE_LABEL ? ROLE_LABEL[v as ResponseRole] : humanize(str(v) ?? 'role');
/** "Severity P1 because …" when the rule is one Vigil ships; a service's own rule by its effect only. */
const because = (severity: unknown, rule: unknown): string => {
  const reason = ruleReason(str(rule));
  return reason ? `${sev(severity)} because ${reason}` : `${sev(severity)} from one of the service's own rules`;
};
const at = (v: unknown): string => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? absolute(v) : '—');
const ms = (v: unknown): string | null => (num(v) === null ? null : span(num(v) as number));
const handles = (v: unknown): string =>
  list(v)
    .map((p) => `@${typeof p === 'string' ? p : (str(obj(p)?.handle) ?? str(obj(p)?.id) ?? '?')}`)
    .join(', ');
/** `count` for a number that may be missing (shown as 0). */
const counted = (v: unknown, word: string, plural?: string): string => count(num(v) ?? 0, word, plural);
const compact = (lines: Array<string | number | null | false | undefined>): string[] =>
  lines.filter((l): l is string => typeof l === 'string' && l !== '');

/** "notification_sent" → "Notification sent". */
export function humanize(kind: string): string {
  const words = kind.replace(/[_.-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Entry';
}

const bytes = (v: unknown): string | null => {
  const n = num(v);
  if (n === null) return null;
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${Math.round(n / 1024)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
};
const pct = (v: unknown): string | null => (num(v) === null ? null : `${Math.round((num(v) as number) * 1000) / 10}%`);

/** One check of the diagnostics; a check that failed carries only `error`. */
function check(title: string, value: unknown, lines: (d: Data) => string[]): Section | null {
  const d = obj(value);
  if (!d) return null;
  if (typeof d.error === 'string') return { title, lines: [`Check failed: ${d.error}`], tone: 'bad' };
  return { title, lines: lines(d) };
}

function diagnostics(d: Data): Described {
  const sections = [
    check('Production health', d.production_health, (h) => {
      const vigil = obj(h.vigil);
      const db = obj(vigil?.database);
      const outbox = obj(vigil?.outbox);
      const engine = obj(vigil?.escalation_engine);
      const troubled = list(h.services_not_operational).map(
        (s) => `${str(obj(s)?.name) ?? '?'} (${str(obj(s)?.status) ?? '?'})`,
      );
      return compact([
        `Overall: ${str(h.status) ?? 'unknown'}`,
        ...list(h.problems).map((p) => `Problem: ${String(p)}`),
        `${counted(h.services_checked, 'service')} checked` +
          `${troubled.length ? `; not operational: ${troubled.join(', ')}` : '; all operational'}`,
        db &&
          `Vigil database ${db.reachable === false ? 'unreachable' : 'reachable'}` +
            `${num(db.latency_ms) !== null ? ` (${num(db.latency_ms)} ms)` : ''}`,
        engine &&
          (num(engine.overdue_escalations) ?? 0) > 0 &&
          `${counted(engine.overdue_escalations, 'escalation')} overdue`,
        outbox && `Outbox: ${num(outbox.due) ?? 0} due, ${num(outbox.dead_last_24h) ?? 0} undeliverable in 24 h`,
      ]);
    }),
    check('Database', d.database_health, (h) => {
      const db = obj(h.database) ?? h;
      return compact([
        `${str(obj(h.target)?.name) ?? 'database'}: ${str(db.engine) ?? ''} ${str(db.version) ?? ''}`.trim(),
        `${db.reachable === false ? 'Unreachable' : 'Reachable'}` +
          `${num(db.latency_ms) !== null ? `, ${num(db.latency_ms)} ms` : ''}` +
          `${bytes(db.size_bytes) ? `, ${bytes(db.size_bytes)}` : ''}`,
        ...list(h.problems).map((p) => `Problem: ${String(p)}`),
      ]);
    }),
    check('Errors', d.error_analytics, (h) => {
      const totals = obj(h.totals) ?? {};
      const rate = obj(h.rate) ?? {};
      const top = list(h.top_groups)
        .slice(0, 5)
        .map(
          (g) => `${str(obj(g)?.title) ?? '?'}: ${counted(num(obj(g)?.events) ?? num(obj(g)?.events_total), 'event')}`,
        );
      return compact([
        `Last ${str(h.time_window) ?? 'hour'}: ${counted(totals.events, 'event')} ` +
          `in ${counted(totals.groups, 'group')}, ${counted(totals.users_affected, 'user')} affected`,
        ((num(totals.new_groups) ?? 0) > 0 || (num(totals.regressed_groups) ?? 0) > 0) &&
          `${num(totals.new_groups) ?? 0} new, ${num(totals.regressed_groups) ?? 0} regressed`,
        num(rate.peak_per_minute) !== null &&
          `Peak ${num(rate.peak_per_minute)}/min, average ${num(rate.per_minute_avg) ?? 0}/min`,
        ...top.map((t) => `Top: ${t}`),
      ]);
    }),
    check('Performance', d.performance, (h) => {
      const summary = obj(h.summary) ?? {};
      const bad = list(h.services_degraded_or_failing).map((s) => {
        const o = obj(s) ?? {};
        return compact([
          str(o.name) ?? '?',
          str(o.status),
          pct(o.error_rate) && `errors ${pct(o.error_rate)}`,
          num(o.degradation_pct) !== null && `${num(o.degradation_pct)}% slower`,
        ]).join(', ');
      });
      return compact([
        `Last ${str(h.time_window) ?? 'hour'}: ${counted(summary.request_count, 'check')}` +
          `${pct(summary.error_rate) ? `, error rate ${pct(summary.error_rate)}` : ''}`,
        bad.length
          ? `Degraded or failing: ${bad.join('; ')}`
          : `${counted(h.services_checked, 'service')} checked, none degraded`,
      ]);
    }),
  ].filter((s): s is Section => s !== null);
  const known = new Set([
    'production_health',
    'database_health',
    'error_analytics',
    'performance',
    'took_ms',
    'shared_with',
  ]);
  const rest = Object.fromEntries(Object.entries(d).filter(([k]) => !known.has(k)));
  const bad = sections.some(
    (s) => s.tone === 'bad' || s.lines.some((l) => /^(Overall: (down|degraded)|Problem|Unreachable)/.test(l)),
  );
  return {
    label: 'Automatic diagnostics',
    tone: bad ? 'bad' : 'info',
    lines: compact([
      `Runbook phase 2 health checks, ran in ${ms(d.took_ms) ?? '?'}`,
      num(d.shared_with) && `shared with ${counted(d.shared_with, 'other incident')}`,
    ]),
    sections,
    ...(Object.keys(rest).length > 0 && { rest }),
  };
}

const KINDS: Record<string, (d: Data) => Described> = {
  created: (d) => ({
    label: `Opened as ${sev(d.severity)}`,
    tone: 'bad',
    lines: compact([
      str(d.service) && `Service ${str(d.service)}`,
      `Respond by ${at(d.ack_due_at)}`,
      str(d.classified_by) && because(d.severity, d.classified_by),
    ]),
    ...(str(d.classified_by) && { technical: [`Severity rule ${str(d.classified_by)}`] }),
  }),
  acknowledged: (d) => ({
    label: 'Incident acknowledged',
    tone: 'good',
    lines: compact([
      ms(d.response_ms) &&
        `after ${ms(d.response_ms)}, ` +
          `${d.within_target === false ? 'after the response target' : 'within the response target'}`,
    ]),
  }),
  resolved: (d) => ({
    label: 'Incident resolved',
    tone: 'good',
    lines: compact([
      ms(d.duration_ms) && `after ${ms(d.duration_ms)}`,
      str(d.previous_phase) && `from the ${str(d.previous_phase)} phase`,
    ]),
    ...(str(d.note) && { quote: str(d.note) as string }),
  }),
  reopened: (d) => ({
    label: 'Incident reopened',
    tone: 'bad',
    lines: compact([str(d.phase) && `back to ${str(d.phase)}`]),
    ...(str(d.reason) && { quote: str(d.reason) as string }),
  }),
  note: (d) => ({ label: d.key === true ? 'Key note' : 'Note', tone: 'plain', lines: [], quote: str(d.text) ?? '' }),
  severity_changed: (d) => ({
    label: `Severity changed from ${sev(d.from)} to ${sev(d.to)}`,
    tone: 'info',
    lines: compact([`Respond by ${at(d.ack_due_at)}`]),
    ...(str(d.reason) && { quote: str(d.reason) as string }),
  }),
  phase_changed: (d) => ({
    label: `Phase moved from ${str(d.from) ?? '?'} to ${str(d.to) ?? '?'}`,
    tone: 'info',
    lines: compact([d.due_at ? `time box ends ${at(d.due_at)}` : 'open-ended']),
  }),
  role_assigned: (d) => ({
    label: `${role(d.role)} assigned to @${str(d.user) ?? '?'}`,
    tone: 'info',
    lines: compact([str(d.previous) && `was @${str(d.previous)}`]),
  }),
  role_unassigned: (d) => ({
    label: `${role(d.role)} unassigned`,
    tone: 'info',
    lines: compact([str(d.previous) && `was @${str(d.previous)}`]),
  }),
  response_breached: (d) => ({
    label: 'Response target missed',
    tone: 'bad',
    lines: compact([
      `${sev(d.severity)} was due ${at(d.ack_due_at)}`,
      ms(d.late_ms) && `${ms(d.late_ms)} late when noticed`,
    ]),
  }),
  alert_added: (d) => ({
    label: 'Alert added',
    tone: 'bad',
    lines: compact([
      str(d.summary),
      `Sent as ${str(d.severity) ?? 'no severity'}, classified ${sev(d.classified_as)}`,
      str(d.rule) && because(d.classified_as, d.rule),
    ]),
    ...(str(d.rule) && { technical: [`Severity rule ${str(d.rule)}`] }),
  }),
  alerts_added: (d) => {
    const alerts = list(d.alerts).map((a) => `${str(obj(a)?.summary) ?? '?'} (${sev(obj(a)?.classified_as)})`);
    const more = (num(d.count) ?? alerts.length) - alerts.length;
    return {
      label: `${count(num(d.count) ?? alerts.length, 'alert')} added`,
      tone: 'bad',
      lines: [...alerts, ...(more > 0 ? [`… and ${more} more`] : [])],
    };
  },
  // Written when resolving an incident resolves its open alerts; the ids may come as `alert_ids` or `alerts`.
  alerts_resolved: (d) => {
    const ids = (list(d.alert_ids).length ? list(d.alert_ids) : list(d.alerts)).map(
      (a) => str(a) ?? str(obj(a)?.id) ?? '?',
    );
    return {
      label: `${count(num(d.count) ?? ids.length, 'alert')} resolved with the incident`,
      tone: 'good',
      lines: [],
      ...(ids.length > 0 && { technical: [`Alert ids ${ids.join(', ')}`] }),
    };
  },
  recent_changes: (d) => {
    const changes = list(d.changes).map(
      (c) =>
        `${str(obj(c)?.summary) ?? '?'}${str(obj(c)?.source) ? ` (${str(obj(c)?.source)})` : ''}, ` +
        `${at(obj(c)?.timestamp)}`,
    );
    return { label: `Recent changes to the service: ${changes.length}`, tone: 'info', lines: changes };
  },
  escalated: (d) => ({
    label: `Escalated to level ${num(d.level) ?? '?'}${str(d.name) ? ` (${str(d.name)})` : ''}`,
    tone: 'bad',
    lines: compact([
      list(d.paged).length ? `Paged ${handles(d.paged)}` : null,
      str(d.policy) && `Policy ${str(d.policy)}${(num(d.loop) ?? 0) > 0 ? `, repeat ${num(d.loop)}` : ''}`,
    ]),
  }),
  escalation_skipped: (d) => ({
    label: `Escalation level ${num(d.level) ?? '?'}${str(d.name) ? ` (${str(d.name)})` : ''} skipped`,
    tone: 'plain',
    lines: compact([str(d.reason), str(d.policy) && `Policy ${str(d.policy)}`]),
  }),
  escalation_exhausted: (d) => ({
    label: 'Escalation ran out of levels',
    tone: 'bad',
    lines: compact([
      str(d.policy) && `Policy ${str(d.policy)} reached nobody`,
      `${counted(d.admins_paged, 'admin')} paged instead`,
    ]),
  }),
  escalation_suppressed: (d) => ({
    label: 'Escalation suppressed',
    tone: 'info',
    lines: compact([str(d.reason), d.until ? `until ${at(d.until)}` : null]),
  }),
  escalation_policy_changed: (d) => ({
    label: `Escalation policy: ${str(d.policy) ?? '?'}`,
    tone: 'info',
    lines: compact([str(d.severity) && `for ${sev(d.severity)}`]),
  }),
  status_update: (d) => ({
    label: 'Status update sent',
    tone: 'info',
    lines: compact([
      `to ${counted(d.notified, 'stakeholder')}`,
      d.next_update_at ? `next update by ${at(d.next_update_at)}` : 'no further update scheduled',
    ]),
    quote: str(d.status_text) ?? '',
  }),
  update_overdue: (d) => ({
    label: 'Status update overdue',
    tone: 'bad',
    lines: compact([
      `was due ${at(d.due_at)}`,
      list(d.reminded).length
        ? `reminded ${handles(d.reminded)}${d.via === 'admins' ? ' (admins: nobody holds the roles)' : ''}`
        : null,
      d.next_reminder_at ? `next reminder ${at(d.next_reminder_at)}` : null,
    ]),
  }),
  notification_sent: (d) => ({
    label: `Notification sent: ${humanize(str(d.kind) ?? 'message').toLowerCase()} by ${str(d.channel) ?? '?'}`,
    tone: 'plain',
    lines: compact([
      str(d.destination) && `to ${str(d.destination)}`,
      (num(d.attempt) ?? 1) > 1 && `attempt ${num(d.attempt)}`,
      num(d.bundled) && `bundled with ${count((num(d.bundled) as number) - 1, 'other')}`,
      d.resent_after_lost_sender === true && 'sent again: the server sending it first stopped mid-send',
    ]),
  }),
  notification_unknown: (d) => ({
    label:
      `Notification outcome unknown: ${humanize(str(d.kind) ?? 'message').toLowerCase()} ` +
      `by ${str(d.channel) ?? '?'}`,
    tone: 'bad',
    lines: compact([
      str(d.destination) && `to ${str(d.destination)}`,
      d.send_started_at
        ? `a send began ${at(d.send_started_at)}; its server stopped before recording the result`
        : null,
      'not sent again: the incident was answered meanwhile',
    ]),
  }),
  notification_retried: (d) => ({
    label:
      `Notification failed, retrying: ${humanize(str(d.kind) ?? 'message').toLowerCase()} ` +
      `by ${str(d.channel) ?? '?'}`,
    tone: 'bad',
    lines: compact([
      str(d.error) && `error: ${str(d.error)}`,
      `attempt ${num(d.attempt) ?? '?'}; next at ${at(d.next_attempt_at)}`,
    ]),
  }),
  notification_dead: (d) => ({
    label:
      `Notification undeliverable: ${humanize(str(d.kind) ?? 'message').toLowerCase()} ` +
      `by ${str(d.channel) ?? '?'}`,
    tone: 'bad',
    lines: compact([`gave up after ${counted(d.attempts, 'attempt')}`, str(d.error) && `error: ${str(d.error)}`]),
  }),
  diagnostics,
  checklist_ticked: (d) => ({ label: `Checklist: ${str(d.text) ?? 'a step'} done`, tone: 'good', lines: [] }),
  checklist_unticked: (d) => ({ label: `Checklist: ${str(d.text) ?? 'a step'} reopened`, tone: 'plain', lines: [] }),
  checklist_completed: (d) => ({
    label: `Checklist: ${str(d.text) ?? 'a step'} done by itself`,
    tone: 'good',
    lines: compact([str(d.event) && `because ${eventLabel(str(d.event) as string)}`]),
  }),
  postmortem_created: (d) => ({
    label: 'Post-mortem drafted',
    tone: 'info',
    lines: compact([str(d.owner) && `owner @${str(d.owner)}`]),
  }),
  postmortem_meeting_scheduled: (d) => ({
    label: 'Post-mortem meeting set',
    tone: 'info',
    lines: compact([d.meeting_at ? `for ${at(d.meeting_at)}` : null]),
  }),
  postmortem_in_review: () => ({ label: 'Post-mortem in review', tone: 'info', lines: [] }),
  postmortem_draft: () => ({ label: 'Post-mortem back to draft', tone: 'plain', lines: [] }),
  postmortem_published: () => ({ label: 'Post-mortem published', tone: 'good', lines: [] }),
  follow_up_added: (d) => ({
    label: `Follow-up added: ${str(d.title) ?? '?'}`,
    tone: 'info',
    lines: compact([str(d.owner) && `owner @${str(d.owner)}`]),
  }),
  follow_up_completed: (d) => ({ label: `Follow-up done: ${str(d.title) ?? '?'}`, tone: 'good', lines: [] }),
  follow_up_not_doing: (d) => ({
    label: `Follow-up not being done: ${str(d.title) ?? '?'}`,
    tone: 'plain',
    lines: compact([str(d.reason) && `because ${str(d.reason)}`]),
  }),
  follow_up_deleted: (d) => ({ label: `Follow-up deleted: ${str(d.title) ?? '?'}`, tone: 'plain', lines: [] }),
  follow_up_reopened: (d) => ({ label: `Follow-up reopened: ${str(d.title) ?? '?'}`, tone: 'info', lines: [] }),
  action_invoked: (d) => ({
    label: `${actionName(d)} ${d.state === 'awaiting_approval' ? 'asked for' : 'queued'}`,
    tone: 'info',
    lines: compact([
      paramsLine(d.params),
      d.state === 'awaiting_approval' && `Awaiting a second person's approval until ${at(d.approval_expires_at)}`,
    ]),
  }),
  action_approved: (d) => ({
    label: `${actionName(d)} approved`,
    tone: 'good',
    lines: compact([str(d.invoked_by) && `Asked for by ${str(d.invoked_by)}`]),
  }),
  action_rejected: (d) => ({
    label: `${actionName(d)} rejected`,
    tone: 'plain',
    lines: compact([str(d.reason) && `because ${str(d.reason)}`]),
  }),
  action_started: (d) => ({
    label: `${actionName(d)} started`,
    tone: 'info',
    lines: compact([str(d.by) && `On ${str(d.by)}`]),
  }),
  action_finished: (d) => {
    const state = typeof d.state === 'string' && d.state in STATE_LABEL ? (d.state as InvocationState) : null;
    const output = str(d.output);
    return {
      label: `${actionName(d)}: ${state ? STATE_LABEL[state].toLowerCase() : 'finished'}`,
      tone: state === 'succeeded' ? 'good' : state === 'failed' || state === 'timed_out' ? 'bad' : 'plain',
      lines: compact([
        num(d.http_status) !== null && `HTTP ${num(d.http_status)}`,
        num(d.exit_code) !== null && `Exit code ${num(d.exit_code)}`,
        str(d.reason),
      ]),
      ...(output && { sections: [{ title: 'Last lines of output', lines: output.split('\n') }] }),
    };
  },
};

/** "Action restart-checkout (dry run)": an action's entries name it. */
const actionName = (d: Data): string => `Action ${str(d.name) ?? '?'}${d.dry_run === true ? ' (dry run)' : ''}`;
/** "function=trust-scorer, project=abc": an invocation's parameters on one line; null without any. */
const paramsLine = (v: unknown): string | null => {
  const pairs = Object.entries(obj(v) ?? {}).map(([k, value]) => `${k}=${String(value)}`);
  return pairs.length ? pairs.join(', ') : null;
};

/** A step of the incident's personal data breach (`breach_opened`, …), named by the breach's number. */
function breachStep(event: TimelineEvent): Described | null {
  const step = describeStep(event.kind.slice('breach_'.length), event.data);
  if (!step) return null;
  const number = str(event.data.breach_number);
  return { ...step, label: number ? `${step.label} (${number})` : step.label };
}

/** What the timeline shows for `event`. */
export function describe(event: TimelineEvent): Described {
  const breach = event.kind.startsWith('breach_') ? breachStep(event) : null;
  if (breach) return breach;
  const known = Object.hasOwn(KINDS, event.kind) ? KINDS[event.kind] : undefined;
  if (known) {
    try {
      return known(event.data);
    } catch {
      // A shape this console does not expect: show it generically rather than not at all.
    }
  }
  return { label: humanize(event.kind), tone: 'plain', lines: [], rest: event.data };
}

/** One row of the timeline: an entry, or a run of entries shown as one. */
export interface Row {
  key: string;
  event: TimelineEvent;
  described: Described;
}

/**
 * The rows for `events` (newest first). A run of skipped escalation levels written together (a policy
 * that finds nobody at each level) reads as one row listing the levels, not one row per level.
 */
export function rows(events: readonly TimelineEvent[]): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < events.length;) {
    const event = events[i] as TimelineEvent;
    let j = i + 1;
    if (event.kind === 'escalation_skipped')
      while (j < events.length && events[j]?.kind === 'escalation_skipped' && events[j]?.at === event.at) j += 1;
    if (j - i > 1) {
      const run = events.slice(i, j).reverse();
      const levels = run.map((e) => num(e.data.level) ?? '?');
      out.push({
        key: run.map((e) => e.id).join('+'),
        event,
        described: {
          label: `Escalation levels ${levels.join(', ')} skipped`,
          tone: 'plain',
          lines: run
            .map(
              (e) =>
                `Level ${num(e.data.level) ?? '?'}${str(e.data.name) ? ` (${str(e.data.name)})` : ''}: ` +
                `${str(e.data.reason) ?? 'skipped'}`,
            )
            .concat(compact([str(event.data.policy) && `Policy ${str(event.data.policy)}`])),
        },
      });
    } else out.push({ key: event.id, event, described: describe(event) });
    i = j;
  }
  return out;
}

/** The timeline's filters: what people did, what Vigil did by itself, and messages sent to people. */
export type Source = 'people' | 'system' | 'notifications';
export const SOURCES: readonly Source[] = ['people', 'system', 'notifications'];

/** Kinds that are messages to people (pages, updates, reminders) whoever caused them. */
const NOTIFICATION_KINDS = new Set([
  'notification_sent',
  'notification_unknown',
  'notification_retried',
  'notification_dead',
  'update_overdue',
]);
/** Kinds only people write. */
const PEOPLE_KINDS = new Set(['note', 'role_assigned', 'role_unassigned', 'status_update']);
/** Kinds Vigil writes as a consequence, even when a person's action caused them. */
const SYSTEM_KINDS = new Set(['alerts_resolved', 'diagnostics', 'recent_changes']);

/**
 * Which filter an entry belongs to: notifications by kind, people's own entries by kind, and every
 * other entry (acknowledged, severity changed, unknown kinds…) by who did it: a person, or Vigil and
 * the integrations that send alerts.
 */
export function source(event: Pick<TimelineEvent, 'kind' | 'actor'>): Source {
  if (NOTIFICATION_KINDS.has(event.kind)) return 'notifications';
  if (PEOPLE_KINDS.has(event.kind)) return 'people';
  if (SYSTEM_KINDS.has(event.kind)) return 'system';
  return event.actor.type === 'user' ? 'people' : 'system';
}

/** A stretch of the timeline spent in one phase, newest first like its rows. */
export interface PhaseSection {
  key: string;
  /** The phase, or "resolved" for the time after the incident was resolved. */
  phase: Phase | 'resolved';
  /** When the stretch began (its first entry; the incident's start for the first one). */
  from: string;
  /** When it ended: the next stretch's start, or null while it goes on. */
  to: string | null;
  rows: Row[];
}

/**
 * `rows` (newest first) cut into stretches by phase: a phase change, a reopening and a resolve start
 * a new stretch, the entry that started it included. Pages of the timeline load newest first, so
 * the oldest loaded entries may come from before the first change seen: they are in the phase that
 * change moved away from (or, with no change loaded, in `current`, the incident's phase now).
 */
export function byPhase(all: readonly Row[], current: Phase, resolved: boolean): PhaseSection[] {
  const oldestFirst = [...all].reverse();
  const starts = (row: Row): Phase | 'resolved' | null => {
    const d = row.event.data;
    if (row.event.kind === 'phase_changed' && isPhase(d.to)) return d.to;
    if (row.event.kind === 'reopened') return isPhase(d.phase) ? d.phase : 'investigation';
    if (row.event.kind === 'resolved') return 'resolved';
    if (row.event.kind === 'created') return 'detection';
    return null;
  };
  const firstChange = oldestFirst.find((r) => starts(r) !== null && r.event.kind !== 'created');
  const before = (row: Row | undefined): Phase | 'resolved' => {
    if (!row) return resolved ? 'resolved' : current;
    const d = row.event.data;
    if (row.event.kind === 'phase_changed' && isPhase(d.from)) return d.from;
    if (row.event.kind === 'resolved') return isPhase(d.previous_phase) ? d.previous_phase : current;
    return 'resolved'; // a reopening follows a resolve
  };
  const sections: PhaseSection[] = [];
  let phase = before(firstChange);
  for (const row of oldestFirst) {
    const next = starts(row);
    const last = sections.at(-1);
    if (!last || (next !== null && next !== last.phase)) {
      if (last) last.to = row.event.at;
      phase = next ?? phase;
      sections.push({ key: row.key, phase, from: row.event.at, to: null, rows: [row] });
    } else last.rows.push(row);
  }
  for (const s of sections) s.rows.reverse();
  return sections.reverse();
}

const isPhase = (v: unknown): v is Phase =>
  v === 'detection' || v === 'investigation' || v === 'mitigation' || v === 'resolution';

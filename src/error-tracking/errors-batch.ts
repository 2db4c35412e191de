// One group-commit batch of error events, applied inside its transaction: the batch's groups are read
// in one query per service, then events apply in arrival order against that in-memory view (so a new
// group that two requests of the same batch hit is created once), and groups, events, users and
// minute counts are written together at the end. A group's events past the newest KEEP_EVENTS are
// trimmed in the same transaction (every TRIM_EVERY events), so the table stays bounded however hot a
// group is.
import type { Db } from '../db/database.js';
import { lockKeys } from '../db/lease.js';
import { newId } from '../ids.js';
import {
  addMinutes,
  claimSpike,
  findGroups,
  findProjectByService,
  insertEvents,
  serviceEventsIn,
  trimEvents,
  upsertGroups,
  upsertUsers,
  type ErrorGroup,
  type ErrorProject,
  type StoredEvent,
} from './errors.repo.js';
import type { ErrorEvent } from './event.js';
import { culpritOf, fingerprintHash, titleOf } from './fingerprint.js';

/** The latest events kept per group. */
export const KEEP_EVENTS = 100;
/**
 * A group is trimmed each time its count passes a multiple of this, not on every event: a hot group
 * then costs one delete per TRIM_EVERY events, and holds at most KEEP_EVENTS + TRIM_EVERY rows.
 */
export const TRIM_EVERY = 25;
/** New groups and regressions alert only here (Sentry SDKs report 'production' when unset). */
export const ALERT_ENVIRONMENT = 'production';

export interface ErrorSubmission {
  serviceId: string;
  events: ErrorEvent[];
}

export interface SubmissionResult {
  /** False when the service (and so its project) was deleted meanwhile: nothing was stored. */
  stored: boolean;
  /** The group of each event, in order. */
  groupIds: string[];
}

/** What the batch leaves for after its commit: alerts to raise. */
export interface BatchOutcome {
  results: SubmissionResult[];
  /** New or regressed production groups (alert_due set). */
  alerts: ErrorGroup[];
  /** Services whose events this minute went over their threshold, and this batch opened the spike. */
  spikes: Array<{ serviceId: string; events: number; threshold: number; minute: string }>;
}

export const minuteOf = (at: Date): string => new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();

/** How an event's text is remembered on its group. */
const lastMessageOf = (ev: ErrorEvent): string | null => (ev.exception?.value ?? ev.message)?.slice(0, 1000) ?? null;

export async function applyErrorBatch(trx: Db, submissions: ErrorSubmission[], now: Date): Promise<BatchOutcome> {
  const key = (serviceId: string, environment: string, fingerprint: string) =>
    `${serviceId}\n${environment}\n${fingerprint}`;
  const hashes = submissions.map((s) => s.events.map((ev) => fingerprintHash(ev)));

  const groups = new Map<string, ErrorGroup>();
  const byService = new Map<string, Set<string>>();
  submissions.forEach((s, i) => {
    const set = byService.get(s.serviceId) ?? new Set<string>();
    for (const h of hashes[i] ?? []) set.add(h);
    byService.set(s.serviceId, set);
  });
  /** Each group's count before this batch, to see which crossed a trim mark. */
  const countBefore = new Map<string, number>();
  const projects = new Map<string, ErrorProject>();
  // One service's batches apply one at a time across instances (PostgreSQL), as within one: groups
  // are read, counted in memory and written back, so two at once would each create a new group, or
  // each write back its own count.
  await lockKeys(
    trx,
    [...byService.keys()].map((serviceId) => `errors:${serviceId}`),
  );
  for (const [serviceId, fps] of byService) {
    const project = await findProjectByService(trx, serviceId);
    if (!project) continue;
    projects.set(serviceId, project);
    for (const g of await findGroups(trx, serviceId, [...fps])) {
      groups.set(key(serviceId, g.environment, g.fingerprint), g);
      countBefore.set(g.id, g.count);
    }
  }

  const created = new Set<string>();
  const changed = new Set<string>();
  /** Groups whose alert this batch made due: new in production, or regressed there. */
  const alerting = new Set<string>();
  const events: StoredEvent[] = [];
  const users = new Map<string, { groupId: string; userKey: string; at: Date }>();
  const minutes = new Map<
    string,
    { serviceId: string; environment: string; groupId: string; minute: string; count: number }
  >();
  const minute = minuteOf(now);
  const results: SubmissionResult[] = [];

  submissions.forEach((s, i) => {
    if (!projects.has(s.serviceId)) {
      results.push({ stored: false, groupIds: [] });
      return;
    }
    const groupIds: string[] = [];
    s.events.forEach((ev, j) => {
      const fingerprint = hashes[i]?.[j] as string;
      const k = key(s.serviceId, ev.environment, fingerprint);
      let g = groups.get(k);
      if (!g) {
        g = {
          id: newId('erg', now),
          serviceId: s.serviceId,
          environment: ev.environment,
          fingerprint,
          type: ev.exception?.synthetic ? null : (ev.exception?.type ?? null),
          title: titleOf(ev),
          culprit: culpritOf(ev),
          level: ev.level,
          firstSeen: now,
          lastSeen: now,
          count: 1,
          status: 'unresolved',
          resolvedAt: null,
          regressedAt: null,
          lastMessage: lastMessageOf(ev),
          alertDue: ev.environment === ALERT_ENVIRONMENT ? 'new' : null,
        };
        groups.set(k, g);
        created.add(g.id);
        if (g.alertDue) alerting.add(g.id);
      } else {
        g.count += 1;
        g.lastSeen = now;
        g.level = ev.level;
        // The newest event names the group (a value or message may have changed wording).
        g.title = titleOf(ev);
        g.culprit = culpritOf(ev) ?? g.culprit;
        g.lastMessage = lastMessageOf(ev) ?? g.lastMessage;
        if (g.status === 'resolved') {
          // Someone said it was fixed, and it is back.
          g.status = 'unresolved';
          g.regressedAt = now;
          if (g.environment === ALERT_ENVIRONMENT) {
            g.alertDue = 'regressed';
            alerting.add(g.id);
          }
        }
        if (!created.has(g.id)) changed.add(g.id);
      }
      groupIds.push(g.id);
      events.push({
        id: newId('eev', now),
        groupId: g.id,
        eventId: ev.eventId,
        receivedAt: now,
        timestamp: ev.timestamp,
        level: ev.level,
        message: ev.message?.slice(0, 8192) ?? null,
        release: ev.release,
        userKey: ev.userKey,
        data: ev.data,
      });
      if (ev.userKey) users.set(`${g.id}\n${ev.userKey}`, { groupId: g.id, userKey: ev.userKey, at: now });
      const mk = `${g.id}\n${minute}`;
      const m = minutes.get(mk);
      if (m) m.count += 1;
      else minutes.set(mk, { serviceId: s.serviceId, environment: g.environment, groupId: g.id, minute, count: 1 });
    });
    results.push({ stored: true, groupIds });
  });

  const all = [...groups.values()];
  await upsertGroups(
    trx,
    all
      .filter((g) => created.has(g.id) || changed.has(g.id))
      .map((group) => ({ group, alertDue: alerting.has(group.id) })),
  );
  await insertEvents(trx, events);
  await upsertUsers(trx, [...users.values()]);
  await addMinutes(trx, [...minutes.values()]);
  for (const g of all) {
    const before = countBefore.get(g.id) ?? 0;
    if (g.count > KEEP_EVENTS && Math.floor(g.count / TRIM_EVERY) > Math.floor(before / TRIM_EVERY))
      await trimEvents(trx, g.id, KEEP_EVENTS);
  }

  // A spike is opened by the batch that crosses the threshold; the flag makes it once across instances.
  const spikes: BatchOutcome['spikes'] = [];
  for (const [serviceId, project] of projects) {
    if (project.spikeOpen) continue;
    const total = await serviceEventsIn(trx, serviceId, [minute]);
    if (total > project.spikeThresholdPerMin && (await claimSpike(trx, project.projectId, true)))
      spikes.push({ serviceId, events: total, threshold: project.spikeThresholdPerMin, minute });
  }

  const alerts = all.filter((g) => alerting.has(g.id));
  return { results, alerts, spikes };
}

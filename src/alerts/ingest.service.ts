// Turning accepted events into alerts and incidents. Requests are group-committed: each batch is one
// transaction, and a request is answered only after its batch committed.
//
// Dedup: one open alert per (service, dedup key). A trigger for an open alert counts and updates it
// and pages nobody again; after a resolve the next trigger opens a new alert. Acknowledge/resolve for
// an unknown or closed key change nothing. An incident is acknowledged when none of its alerts is
// still triggered, and resolved when all of them are resolved.
import type { Actor } from '../auth/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { SEVERITIES, type Incident, type IncidentsService, type Severity } from '../incidents/index.js';
import type { Service, ServicesService } from '../services/index.js';
import { findOpenAlert, insertAlert, insertAlertEvent, openAlertCounts, saveAlert, type Alert } from './alerts.repo.js';
import { classify, DEFAULT_RULES, type Classification, type Rule } from './classify.js';
import type { AlertEvent } from './event.js';
import type { ChangeInput } from './formats/change.js';
import { GroupCommitter, type GroupCommitOptions } from './group-commit.js';

export interface IngestRequest {
  routingKey: string;
  events: AlertEvent[];
}

export type IngestResult = { ok: true; serviceId: string; dedupKeys: string[] } | { ok: false; reason: 'unknown_key' };

export interface IngestDeps {
  db: Db;
  clock: Clock;
  services: ServicesService;
  incidents: IncidentsService;
  options?: Partial<GroupCommitOptions>;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxBatch: 512, maxQueue: 4_096, maxWaitMs: 2 };

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

function details(ev: AlertEvent): Record<string, unknown> {
  return {
    ...(ev.timestamp && { timestamp: ev.timestamp }),
    ...(ev.component && { component: ev.component }),
    ...(ev.group && { group: ev.group }),
    ...(ev.class && { class: ev.class }),
    ...(ev.customDetails !== undefined && { custom_details: ev.customDetails }),
    links: ev.links,
    images: ev.images,
    ...(ev.client && { client: ev.client }),
    ...(ev.clientUrl && { client_url: ev.clientUrl }),
  };
}

export function createIngestService({ db, clock, services, incidents, options }: IngestDeps) {
  const integration = (service: Service, ev: AlertEvent): Actor => ({ type: 'integration', id: service.id, name: `${ev.format}:${service.name}`, role: 'responder' });

  async function incidentFor(trx: Db, service: Service, ev: AlertEvent, cls: Classification & { severity: Severity }, actor: Actor, now: Date): Promise<Incident> {
    const inc = incidents.within(trx);
    const joined = ev.groupKey
      ? await inc.openByGroupKey(service.id, ev.groupKey)
      : service.groupingWindowSeconds
        ? await inc.openSince(service.id, new Date(now.getTime() - service.groupingWindowSeconds * 1000))
        : undefined;
    if (joined) {
      const incident = await inc.load(joined);
      await raiseIfHigher(trx, incident, cls, actor, now);
      return incident;
    }
    const title = ev.summary.slice(0, 255).trim() || `Alert from ${ev.source || ev.format}`;
    return inc.open(actor, { title, severity: cls.severity, serviceId: service.id, description: ev.source ? `source: ${ev.source}` : undefined, groupKey: ev.groupKey, classifiedBy: cls.rule }, service.name, now);
  }

  /** A later event that classifies higher raises the incident; nothing lowers it. */
  async function raiseIfHigher(trx: Db, incident: Incident, cls: Classification & { severity: Severity }, actor: Actor, now: Date): Promise<void> {
    const inc = incidents.within(trx);
    if (incident.status !== 'resolved' && rank(cls.severity) < rank(incident.severity)) {
      await inc.setSeverity(incident, actor, cls.severity, now, `raised by an alert (rule ${cls.rule})`);
    }
  }

  async function trigger(trx: Db, service: Service, ev: AlertEvent, actor: Actor, now: Date): Promise<void> {
    const cls = classify(ev, [...((service.rules as Rule[] | null) ?? []), ...DEFAULT_RULES]);
    let open = await findOpenAlert(trx, service.id, ev.dedupKey);
    const current = open?.incidentId ? await incidents.within(trx).load(open.incidentId) : undefined;
    if (open && current?.status === 'resolved') {
      // A responder resolved the incident while its alert was still open: that alert is over, and
      // this trigger is a new problem that must page again, not a silent repeat.
      await saveAlert(trx, { ...open, status: 'resolved', resolvedAt: now });
      await insertAlertEvent(trx, { id: newId('aev', now), alertId: open.id, at: now, action: 'resolve', data: { reason: 'its incident was resolved' } });
      open = undefined;
    }
    if (open) {
      const updated: Alert = { ...open, summary: ev.summary || open.summary, source: ev.source || open.source, severity: ev.severity, details: details(ev), eventCount: open.eventCount + 1, lastSeenAt: now };
      if (cls.severity) {
        if (current) await raiseIfHigher(trx, current, { ...cls, severity: cls.severity }, actor, now);
        else updated.incidentId = (await incidentFor(trx, service, ev, { ...cls, severity: cls.severity }, actor, now)).id;
        updated.classifiedAs = cls.severity;
        updated.rule = cls.rule;
      }
      await saveAlert(trx, updated);
      await insertAlertEvent(trx, { id: newId('aev', now), alertId: open.id, at: now, action: 'trigger', data: ev });
      return;
    }
    const alert: Alert = {
      id: newId('alr', now),
      serviceId: service.id,
      dedupKey: ev.dedupKey,
      status: 'triggered',
      incidentId: null,
      format: ev.format,
      summary: ev.summary,
      source: ev.source,
      severity: ev.severity,
      classifiedAs: cls.severity,
      rule: cls.rule,
      details: details(ev),
      groupKey: ev.groupKey ?? null,
      eventCount: 1,
      firstSeenAt: now,
      lastSeenAt: now,
      acknowledgedAt: null,
      resolvedAt: null,
    };
    const incident = cls.severity ? await incidentFor(trx, service, ev, { ...cls, severity: cls.severity }, actor, now) : undefined;
    alert.incidentId = incident?.id ?? null;
    await insertAlert(trx, alert);
    await insertAlertEvent(trx, { id: newId('aev', now), alertId: alert.id, at: now, action: 'trigger', data: ev });
    if (incident) {
      await incidents.within(trx).record(incident, actor, 'alert_added', { alert_id: alert.id, dedup_key: alert.dedupKey, summary: alert.summary, severity: alert.severity, classified_as: cls.severity, rule: cls.rule }, now);
    }
  }

  async function followUp(trx: Db, service: Service, ev: AlertEvent, actor: Actor, now: Date): Promise<void> {
    const open = await findOpenAlert(trx, service.id, ev.dedupKey);
    if (!open) return; // unknown or closed key: accepted, changes nothing
    if (ev.action === 'acknowledge' && open.status !== 'triggered') return;
    const next: Alert = ev.action === 'acknowledge' ? { ...open, status: 'acknowledged', acknowledgedAt: now, lastSeenAt: now } : { ...open, status: 'resolved', resolvedAt: now, lastSeenAt: now };
    await saveAlert(trx, next);
    await insertAlertEvent(trx, { id: newId('aev', now), alertId: open.id, at: now, action: ev.action, data: ev });
    if (!open.incidentId) return;
    const counts = await openAlertCounts(trx, open.incidentId);
    const inc = incidents.within(trx);
    const incident = await inc.load(open.incidentId);
    if (ev.action === 'acknowledge' && counts.triggered === 0 && incident.status === 'triggered') {
      await inc.acknowledge(incident, actor, now);
    } else if (ev.action === 'resolve' && counts.unresolved === 0 && incident.status !== 'resolved') {
      await inc.resolve(incident, actor, now, 'all alerts resolved');
    }
  }

  async function apply(trx: Db, request: IngestRequest, now: Date, keys: Map<string, Service | null>): Promise<IngestResult> {
    let service = keys.get(request.routingKey);
    if (service === undefined) {
      service = (await services.byIntegrationKey(request.routingKey, trx)) ?? null;
      keys.set(request.routingKey, service);
    }
    if (!service) return { ok: false, reason: 'unknown_key' };
    for (const ev of request.events) {
      const actor = integration(service, ev);
      if (ev.action === 'trigger') await trigger(trx, service, ev, actor, now);
      else await followUp(trx, service, ev, actor, now);
    }
    return { ok: true, serviceId: service.id, dedupKeys: request.events.map((e) => e.dedupKey) };
  }

  const committer = new GroupCommitter<IngestRequest, IngestResult>(
    (batch) =>
      inTransaction(db, async (trx) => {
        const now = clock.now();
        const keys = new Map<string, Service | null>();
        const results: IngestResult[] = [];
        for (const request of batch) results.push(await apply(trx, request, now, keys));
        return results;
      }),
    { ...DEFAULT_GROUP_COMMIT, ...options },
  );

  // Per-key rate limits (off unless an admin sets one on the service): a fixed one-minute window per
  // key on this instance. The service is looked up through a short-lived cache so the check costs no
  // query per request; the batch still looks the key up itself, so a rotated key stops at once.
  // (Another instance's change reaches this cache when the entry expires.)
  const limits = new Map<string, { service: Service | null; fetchedAt: number; windowStart: number; count: number }>();
  const LIMIT_CACHE_MS = 10_000;
  // A changed limit (or a rotated or deleted key) applies to the next event, not after the cache expires.
  services.onChange((serviceId) => {
    for (const [key, entry] of limits) if (entry.service?.id === serviceId) limits.delete(key);
  });

  async function admit(routingKey: string, weight: number): Promise<void> {
    const nowMs = clock.now().getTime();
    let entry = limits.get(routingKey);
    if (!entry || nowMs - entry.fetchedAt > LIMIT_CACHE_MS) {
      if (limits.size > 10_000) limits.clear();
      const service = (await services.byIntegrationKey(routingKey)) ?? null;
      entry = { service, fetchedAt: nowMs, windowStart: entry?.windowStart ?? nowMs, count: entry?.count ?? 0 };
      limits.set(routingKey, entry);
    }
    const limit = entry.service?.rateLimitPerMinute;
    if (!limit) return;
    if (nowMs - entry.windowStart >= 60_000) {
      entry.windowStart = nowMs;
      entry.count = 0;
    }
    if (entry.count + weight > limit) {
      const retryAfter = Math.max(1, Math.ceil((entry.windowStart + 60_000 - nowMs) / 1000));
      throw new AppError('ingest.rate_limited', `this integration key is limited to ${limit} events a minute; retry in ${retryAfter} s`, { retry_after_s: retryAfter, limit_per_min: limit }, 'rate_limited');
    }
    entry.count += weight;
  }

  return {
    /** Refuses with 429 when the key's service has a rate limit and this minute's budget is spent. */
    admit,

    /** Stores a change event on the key's service; false when the key is unknown. */
    async submitChange(change: ChangeInput): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        const service = await services.byIntegrationKey(change.routingKey, trx);
        if (!service) return false;
        const now = clock.now();
        await services.recordChange(trx, {
          serviceId: service.id,
          at: now,
          timestamp: change.timestamp ? new Date(change.timestamp) : now,
          summary: change.summary,
          source: change.source,
          details: { ...(change.customDetails !== undefined && { custom_details: change.customDetails }), links: change.links },
        });
        return true;
      });
    },

    /** Commits the request's events (with others arriving at the same time) and answers after the commit. */
    submit: (request: IngestRequest) => committer.submit(request),
    /** Requests waiting for a transaction. */
    backlog: () => committer.depth,
    close: () => committer.close(),
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

// One group-commit batch of alert events, applied inside its transaction with set-based reads and
// writes, because per-event statements were where ingestion spent its time: the batch's open alerts
// are read in one query per service, new and changed alerts and their events are written together at
// the end, and per-incident work (the "alert added" timeline entry, acknowledging or resolving once
// no alert is left) happens once per incident instead of once per alert.
//
// Events apply in arrival order against the batch's in-memory view, so dedup and lifecycle come out
// as if they had been applied one by one. The one difference is deliberate: whether an incident is
// acknowledged or resolved by its alerts is decided once, after the whole batch — so a resolve
// followed by a new trigger of the same group within a few milliseconds keeps the incident open.
import type { Actor } from '../access/index.js';
import type { Db } from '../db/database.js';
import { lockKeys } from '../db/lease.js';
import { newId } from '../ids.js';
import { SEVERITIES, type Severity } from '../incident.js';
import { type IncidentsService, type IncidentState, type Opening } from '../incidents/index.js';
import type { Service, ServicesService } from '../services/index.js';
import {
  findOpenAlerts,
  insertAlertEvents,
  insertAlerts,
  openAlertCounts,
  updateAlerts,
  type Alert,
  type NewAlertEvent,
} from './alerts.repo.js';
import { categoriesOf, classify, DEFAULT_RULES, type Classification, type Rule } from './classify.js';
import type { AlertEvent } from './event.js';

/**
 * The events of one request and whose they are: an integration key from outside, or (for Vigil's own
 * sources: monitors, performance baselines, error tracking) the id of the service they belong to.
 */
export type IngestRequest = (
  { routingKey: string; serviceId?: undefined } | { serviceId: string; routingKey?: undefined }
) & { events: AlertEvent[] };

/** The lookup key of a request's service within a batch. */
const sourceOf = (r: IngestRequest): string =>
  r.serviceId !== undefined ? `id:${r.serviceId}` : `key:${r.routingKey}`;

export type IngestResult = { ok: true; serviceId: string; dedupKeys: string[] } | { ok: false; reason: 'unknown_key' };

export interface BatchDeps {
  services: ServicesService;
  incidents: IncidentsService;
}

type Classified = Classification & { severity: Severity };

/** How many alerts one "alerts added" timeline entry lists by name. */
const LISTED_ALERTS = 20;

const rank = (s: Severity): number => SEVERITIES.indexOf(s);
const pair = (a: string, b: string): string => `${a}\n${b}`;

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

const integration = (service: Service, ev: AlertEvent): Actor => ({
  type: 'integration',
  id: service.id,
  name: `${ev.format}:${service.name}`,
  role: 'responder',
});

/**
 * The advisory lock under which a service's alerts are written: its ingest batches hold it, and so does
 * a transaction resolving one of its incidents (which resolves the incident's alerts too).
 */
export const ingestLockKey = (serviceId: string): string => `ingest:${serviceId}`;

/** Applies the requests in one transaction (the caller's) and returns one result per request, in order. */
export async function applyBatch(
  trx: Db,
  deps: BatchDeps,
  requests: IngestRequest[],
  now: Date,
): Promise<IngestResult[]> {
  const batch = new AlertBatch(trx, deps, now);
  const services = await batch.resolveServices(requests);
  // One service's batches apply one at a time across instances (PostgreSQL), as they do within one:
  // otherwise two could each find no open alert, group incident or other unresolved alert, and open
  // a second alert or incident, or leave an incident open whose alerts are all resolved.
  await lockKeys(
    trx,
    [...services.values()].flatMap((s) => (s ? [ingestLockKey(s.id)] : [])),
  );
  await batch.loadOpenAlerts(requests, services);
  const results: IngestResult[] = [];
  for (const request of requests) {
    const service = services.get(sourceOf(request));
    if (!service) {
      results.push({ ok: false, reason: 'unknown_key' });
      continue;
    }
    for (const ev of request.events) await batch.apply(service, ev);
    results.push({ ok: true, serviceId: service.id, dedupKeys: request.events.map((e) => e.dedupKey) });
  }
  await batch.finish();
  return results;
}

class AlertBatch {
  /** Open alerts by (service, dedup key), as the batch has left them so far. */
  private readonly open = new Map<string, Alert>();
  /** Alerts to write at the end; `isNew` ones are inserted, the others updated. */
  private readonly dirty = new Map<string, { alert: Alert; isNew: boolean }>();
  private readonly events: NewAlertEvent[] = [];
  private readonly incidentStates = new Map<string, IncidentState>();
  /** Incident a (service, group key) or a service's grouping window joins; null = none open. */
  private readonly groups = new Map<string, string | null>();
  private readonly added = new Map<string, { actor: Actor; alerts: Array<Record<string, unknown>> }>();
  private readonly touched = new Map<string, { actor: Actor; acknowledge: boolean; resolve: boolean }>();
  private readonly rules = new Map<string, Rule[]>();
  /** Incidents this batch opens, written together when it finishes (before its alerts, which point at them). */
  private readonly opening: Opening[] = [];
  private readonly openingIds = new Set<string>();
  /** Categories named by events that joined an incident instead of opening it: incident id → categories. */
  private readonly joinedCategories = new Map<string, string[]>();
  /** Raises of incidents still to be opened, applied in order once they exist. */
  private readonly pendingRaises: Array<{ id: string; cls: Classified; actor: Actor }> = [];

  constructor(
    private readonly trx: Db,
    private readonly deps: BatchDeps,
    private readonly now: Date,
  ) {}

  private get inc() {
    return this.deps.incidents.within(this.trx);
  }

  async resolveServices(requests: IngestRequest[]): Promise<Map<string, Service | undefined>> {
    const services = new Map<string, Service | undefined>();
    for (const request of requests) {
      const source = sourceOf(request);
      if (services.has(source)) continue;
      services.set(
        source,
        request.serviceId !== undefined
          ? await this.deps.services.byId(request.serviceId, this.trx)
          : await this.deps.services.byIntegrationKey(request.routingKey, this.trx),
      );
    }
    return services;
  }

  /** Reads every open alert the batch can touch, and the state of their incidents. */
  async loadOpenAlerts(requests: IngestRequest[], services: Map<string, Service | undefined>): Promise<void> {
    const keysByService = new Map<string, Set<string>>();
    for (const request of requests) {
      const service = services.get(sourceOf(request));
      if (!service) continue;
      let keys = keysByService.get(service.id);
      if (!keys) keysByService.set(service.id, (keys = new Set()));
      for (const ev of request.events) keys.add(ev.dedupKey);
    }
    const incidentIds = new Set<string>();
    for (const [serviceId, keys] of keysByService) {
      for (const alert of await findOpenAlerts(this.trx, serviceId, [...keys])) {
        this.open.set(pair(serviceId, alert.dedupKey), alert);
        if (alert.incidentId) incidentIds.add(alert.incidentId);
      }
    }
    if (incidentIds.size > 0) for (const s of await this.inc.states([...incidentIds])) this.incidentStates.set(s.id, s);
  }

  async apply(service: Service, ev: AlertEvent): Promise<void> {
    const actor = integration(service, ev);
    if (ev.action === 'trigger') await this.trigger(service, ev, actor);
    else this.followUp(service, ev, actor);
  }

  private async trigger(service: Service, ev: AlertEvent, actor: Actor): Promise<void> {
    const cls = classify(ev, this.rulesOf(service));
    const key = pair(service.id, ev.dedupKey);
    let open = this.open.get(key);
    const current = open?.incidentId ? await this.incidentState(open.incidentId) : undefined;
    if (open && current?.status === 'resolved') {
      // An open alert of a resolved incident: resolving an incident resolves its alerts in the same
      // transaction (and migration 015 resolved those older versions left open), so only an older
      // instance still running beside this one during an upgrade leaves one. That alert is over, and
      // this trigger is a new problem that must page again, not a silent repeat.
      this.save({ ...open, status: 'resolved', resolvedAt: this.now });
      this.event(open.id, 'resolve', { reason: 'its incident was resolved' });
      open = undefined;
    }
    if (open) {
      const updated: Alert = {
        ...open,
        summary: ev.summary || open.summary,
        source: ev.source || open.source,
        severity: ev.severity,
        details: details(ev),
        eventCount: open.eventCount + 1,
        lastSeenAt: this.now,
      };
      if (cls.severity) {
        const classified = { ...cls, severity: cls.severity };
        if (current) await this.raiseIfHigher(current, classified, actor);
        else {
          updated.incidentId = await this.incidentFor(service, ev, classified, actor);
          this.noteAdded(updated, classified, actor);
        }
        updated.classifiedAs = cls.severity;
        updated.rule = cls.rule;
      }
      this.save(updated);
      this.event(open.id, 'trigger', ev);
      return;
    }
    const alert: Alert = {
      id: newId('alr', this.now),
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
      firstSeenAt: this.now,
      lastSeenAt: this.now,
      acknowledgedAt: null,
      resolvedAt: null,
    };
    if (cls.severity) {
      const classified = { ...cls, severity: cls.severity };
      alert.incidentId = await this.incidentFor(service, ev, classified, actor);
      this.noteAdded(alert, classified, actor);
    }
    this.save(alert, true);
    this.event(alert.id, 'trigger', ev);
  }

  private followUp(service: Service, ev: AlertEvent, actor: Actor): void {
    const open = this.open.get(pair(service.id, ev.dedupKey));
    if (!open) return; // unknown or closed key: accepted, changes nothing
    if (ev.action === 'acknowledge' && open.status !== 'triggered') return;
    const next: Alert =
      ev.action === 'acknowledge'
        ? { ...open, status: 'acknowledged', acknowledgedAt: this.now, lastSeenAt: this.now }
        : { ...open, status: 'resolved', resolvedAt: this.now, lastSeenAt: this.now };
    this.save(next);
    this.event(open.id, ev.action, ev);
    if (!open.incidentId) return;
    const seen = this.touched.get(open.incidentId) ?? { actor, acknowledge: false, resolve: false };
    this.touched.set(open.incidentId, {
      actor,
      acknowledge: seen.acknowledge || ev.action === 'acknowledge',
      resolve: seen.resolve || ev.action === 'resolve',
    });
  }

  /** The incident a classified alert belongs to: its group's or window's open one, else a new one. */
  private async incidentFor(service: Service, ev: AlertEvent, cls: Classified, actor: Actor): Promise<string> {
    const groupKey = ev.groupKey
      ? pair(service.id, ev.groupKey)
      : service.groupingWindowSeconds
        ? pair(service.id, '')
        : undefined;
    if (groupKey !== undefined && !this.groups.has(groupKey)) {
      const found = ev.groupKey
        ? await this.inc.openByGroupKey(service.id, ev.groupKey)
        : await this.inc.openSince(
            service.id,
            new Date(this.now.getTime() - (service.groupingWindowSeconds ?? 0) * 1000),
          );
      this.groups.set(groupKey, found ?? null);
    }
    const joined = groupKey === undefined ? undefined : this.groups.get(groupKey);
    if (joined) {
      const state = await this.incidentState(joined);
      if (state.status !== 'resolved') {
        await this.raiseIfHigher(state, cls, actor);
        const named = categoriesOf(ev);
        if (named.length > 0)
          this.joinedCategories.set(joined, [...new Set([...(this.joinedCategories.get(joined) ?? []), ...named])]);
        return joined;
      }
    }
    const title = ev.summary.slice(0, 255).trim() || `Alert from ${ev.source || ev.format}`;
    const id = newId('inc', this.now);
    this.opening.push({
      actor,
      input: {
        id,
        title,
        severity: cls.severity,
        serviceId: service.id,
        description: ev.source ? `source: ${ev.source}` : undefined,
        groupKey: ev.groupKey,
        classifiedBy: cls.rule,
        categories: categoriesOf(ev),
      },
      serviceName: service.name,
    });
    this.openingIds.add(id);
    // Numbered when it is written (finish); nothing before that reads the number.
    this.incidentStates.set(id, { id, number: '', status: 'triggered', severity: cls.severity });
    if (groupKey !== undefined) this.groups.set(groupKey, id);
    return id;
  }

  /** A later event that classifies higher raises the incident; nothing lowers it. */
  private async raiseIfHigher(state: IncidentState, cls: Classified, actor: Actor): Promise<void> {
    if (state.status === 'resolved' || rank(cls.severity) >= rank(state.severity)) return;
    if (this.openingIds.has(state.id)) this.pendingRaises.push({ id: state.id, cls, actor });
    else await this.raise(state.id, cls, actor);
    state.severity = cls.severity;
  }

  private async raise(id: string, cls: Classified, actor: Actor): Promise<void> {
    await this.inc.setSeverity(
      await this.inc.load(id),
      actor,
      cls.severity,
      this.now,
      `raised by an alert (rule ${cls.rule})`,
    );
  }

  private async incidentState(id: string): Promise<IncidentState> {
    let state = this.incidentStates.get(id);
    if (!state) {
      [state] = await this.inc.states([id]);
      if (!state) throw new Error(`alert refers to incident ${id}, which does not exist`);
      this.incidentStates.set(id, state);
    }
    return state;
  }

  private rulesOf(service: Service): Rule[] {
    let rules = this.rules.get(service.id);
    if (!rules) this.rules.set(service.id, (rules = [...((service.rules as Rule[] | null) ?? []), ...DEFAULT_RULES]));
    return rules;
  }

  private save(alert: Alert, isNew = false): void {
    this.dirty.set(alert.id, { alert, isNew: isNew || (this.dirty.get(alert.id)?.isNew ?? false) });
    const key = pair(alert.serviceId, alert.dedupKey);
    if (alert.status === 'resolved') {
      if (this.open.get(key)?.id === alert.id) this.open.delete(key);
    } else this.open.set(key, alert);
  }

  private event(alertId: string, action: string, data: unknown): void {
    this.events.push({ id: newId('aev', this.now), alertId, at: this.now, action, data });
  }

  private noteAdded(alert: Alert, cls: Classified, actor: Actor): void {
    if (!alert.incidentId) return;
    const entry = this.added.get(alert.incidentId) ?? { actor, alerts: [] };
    entry.alerts.push({
      alert_id: alert.id,
      dedup_key: alert.dedupKey,
      summary: alert.summary,
      severity: alert.severity,
      classified_as: cls.severity,
      rule: cls.rule,
    });
    this.added.set(alert.incidentId, entry);
  }

  /** Writes the batch's alerts and events, then does the per-incident work. */
  async finish(): Promise<void> {
    // The new incidents first (the alerts point at them), opened as they would have been one by one:
    // at the severity that opened each, then raised as later events of the batch raised them.
    for (const incident of await this.inc.openMany(this.opening, this.now)) {
      const state = this.incidentStates.get(incident.id);
      if (state) state.number = incident.number;
    }
    this.openingIds.clear();
    for (const { id, cls, actor } of this.pendingRaises) await this.raise(id, cls, actor);

    // Updates first: an alert resolved in this batch frees its dedup key for a new alert inserted after it.
    await updateAlerts(
      this.trx,
      [...this.dirty.values()].filter((d) => !d.isNew).map((d) => d.alert),
    );
    await insertAlerts(
      this.trx,
      [...this.dirty.values()].filter((d) => d.isNew).map((d) => d.alert),
    );
    await insertAlertEvents(this.trx, this.events);

    // One entry per incident, all written together (two statements for the batch, not two per incident).
    const entries = [];
    for (const [incidentId, { actor, alerts }] of this.added) {
      const incident = await this.incidentState(incidentId);
      entries.push(
        alerts.length === 1
          ? { incident, actor, kind: 'alert_added', data: alerts[0] as Record<string, unknown>, at: this.now }
          : {
              incident,
              actor,
              kind: 'alerts_added',
              data: { count: alerts.length, alerts: alerts.slice(0, LISTED_ALERTS) },
              at: this.now,
            },
      );
    }
    await this.inc.recordMany(entries);
    await this.inc.alertsJoined(this.joinedCategories, this.now);

    for (const [incidentId, { actor, acknowledge, resolve }] of this.touched) {
      const counts = await openAlertCounts(this.trx, incidentId);
      const incident = await this.inc.load(incidentId);
      if (resolve && counts.unresolved === 0 && incident.status !== 'resolved') {
        await this.inc.resolve(incident, actor, this.now, 'all alerts resolved');
      } else if (acknowledge && counts.triggered === 0 && incident.status === 'triggered') {
        await this.inc.acknowledge(incident, actor, this.now);
      }
    }
  }
}

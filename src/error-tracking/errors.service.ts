// Error tracking: Sentry-compatible projects (one per service), event ingestion through a group
// committer (many requests, one transaction; a request is answered after its batch committed), the
// alerts it raises through alert ingestion, and the group reads and actions people use.
//
// Alerts: a new group in production raises `errors:new:<group>` (severity error), a resolved
// production group that gets events again raises `errors:regressed:<group>`, and a service whose
// events in the current minute pass its threshold raises `errors:spike` (critical) until a sweep sees
// the previous and current minute back at or under it. Alerts are handed to ingestion after the
// events commit; a group keeps `alert_due` until that succeeded, so the sweep retries what a crash or
// a refused submit left behind (a repeated trigger only counts on the open alert).
import { randomBytes, randomUUID } from 'node:crypto';
import { authorize, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import { DEFAULT_GROUP_COMMIT, type AlertEvent, type IngestService } from '../alerts/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, isUniqueViolation, type Db } from '../db/database.js';
import { GroupCommitter, type GroupCommitOptions } from '../db/group-commit.js';
import { notFound } from '../errors.js';
import type { Service, ServicesService } from '../services/index.js';
import { buildDsn } from './envelope.js';
import {
  applyErrorBatch,
  minuteOf,
  type BatchOutcome,
  type ErrorSubmission,
  type SubmissionResult,
} from './errors-batch.js';
import {
  alertsDue,
  claimSpike,
  clearAlertDue,
  countEvents,
  deleteMinutesBefore,
  findGroup,
  findProjectByKey,
  findProjectByService,
  insertProject,
  latestEvents,
  listGroups,
  openSpikes,
  saveGroup,
  serviceEventsIn,
  setSpikeThreshold,
  usersPerGroup,
  type ErrorGroup,
  type ErrorProject,
  type GroupStatus,
} from './errors.repo.js';
import type { ErrorEvent } from './event.js';

export const DEFAULT_SPIKE_THRESHOLD = 100;
const KEY_CACHE_MS = 10_000;
const SWEEP_INTERVAL_MS = 5_000;
/** An alert still due this long after its group's last event was lost on the way; the sweep retries it. */
const ALERT_RETRY_MS = 30_000;
const MINUTES_KEPT_MS = 30 * 86_400_000;

export interface ErrorsDeps {
  db: Db;
  clock: Clock;
  services: ServicesService;
  ingest: IngestService;
  /** VIGIL_PUBLIC_URL, for the DSN and links in alerts. */
  publicUrl?: string | undefined;
  options?: Partial<GroupCommitOptions> | undefined;
}

export function createErrorsService({ db, clock, services, ingest, publicUrl, options }: ErrorsDeps) {
  const committer = new GroupCommitter<ErrorSubmission, SubmissionResult & { outcome: BatchOutcome }>(
    async (batch) => {
      const outcome = await inTransaction(db, (trx) => applyErrorBatch(trx, batch, clock.now()));
      return outcome.results.map((r) => ({ ...r, outcome }));
    },
    { ...DEFAULT_GROUP_COMMIT, ...options },
  );

  // Projects by public key, briefly cached so a burst of events costs no lookup per request.
  const byKey = new Map<string, { project: ErrorProject | undefined; at: number }>();

  async function projectForKey(publicKey: string): Promise<ErrorProject | undefined> {
    const now = performance.now(); // the cache's age in elapsed real time, not domain time
    const hit = byKey.get(publicKey);
    if (hit && now - hit.at < KEY_CACHE_MS) return hit.project;
    if (byKey.size > 10_000) byKey.clear();
    const project = await findProjectByKey(db, publicKey);
    byKey.set(publicKey, { project, at: now });
    return project;
  }

  async function ensureProject(serviceId: string): Promise<ErrorProject> {
    for (let attempt = 0; ; attempt++) {
      const found = await findProjectByService(db, serviceId);
      if (found) return found;
      try {
        return await insertProject(db, {
          serviceId,
          publicKey: randomBytes(16).toString('hex'),
          spikeThresholdPerMin: DEFAULT_SPIKE_THRESHOLD,
          createdAt: clock.now(),
        });
      } catch (error) {
        // Another request (or instance) took that id or created the project first: read again.
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
      }
    }
  }

  const link = (group: ErrorGroup) =>
    publicUrl
      ? [{ href: `${publicUrl.replace(/\/+$/, '')}/api/v1/errors/groups/${group.id}`, text: 'Error group' }]
      : [];

  function groupAlert(group: ErrorGroup): AlertEvent {
    const regressed = group.alertDue === 'regressed';
    return {
      format: 'errors',
      action: 'trigger',
      dedupKey: `errors:${regressed ? 'regressed' : 'new'}:${group.id}`,
      summary: `${regressed ? 'Regressed' : 'New'} error: ${group.title}`.slice(0, 1024),
      source: group.culprit ?? 'error tracking',
      severity: 'error',
      ...(group.type && { class: group.type }),
      customDetails: {
        group_id: group.id,
        environment: group.environment,
        level: group.level,
        title: group.title,
        culprit: group.culprit,
        events: group.count,
        first_seen: group.firstSeen.toISOString(),
        last_message: group.lastMessage,
        ...(regressed && {
          resolved_at: group.resolvedAt?.toISOString() ?? null,
          regressed_at: group.regressedAt?.toISOString() ?? null,
        }),
      },
      links: link(group),
      images: [],
    };
  }

  /** Hands due group alerts to ingestion and clears their flag; failures stay due for the sweep. */
  async function raiseGroupAlerts(groups: ErrorGroup[]): Promise<void> {
    const byService = new Map<string, ErrorGroup[]>();
    for (const g of groups) byService.set(g.serviceId, [...(byService.get(g.serviceId) ?? []), g]);
    for (const [serviceId, list] of byService) {
      // An unknown service (deleted meanwhile) leaves nothing to alert on either: cleared all the same.
      await ingest.submit({ serviceId, events: list.map(groupAlert) });
      await clearAlertDue(
        db,
        list.map((g) => g.id),
      );
    }
  }

  async function raiseSpike(spike: BatchOutcome['spikes'][number]): Promise<void> {
    try {
      await ingest.submit({
        serviceId: spike.serviceId,
        events: [
          {
            format: 'errors',
            action: 'trigger',
            dedupKey: 'errors:spike',
            summary:
              `Error spike: ${spike.events} events in the minute from ${spike.minute} ` +
              `(threshold ${spike.threshold} a minute)`,
            source: 'error tracking',
            severity: 'critical',
            customDetails: {
              events_per_minute: spike.events,
              threshold_per_min: spike.threshold,
              minute: spike.minute,
            },
            links: [],
            images: [],
          },
        ],
      });
    } catch (error) {
      // Not raised: let the next event over the threshold try again.
      const project = await findProjectByService(db, spike.serviceId);
      if (project) await claimSpike(db, project.projectId, false);
      throw error;
    }
  }

  /** Alerts that follow a committed batch; once per batch, by whichever of its requests gets there first. */
  const handled = new WeakSet<BatchOutcome>();
  async function afterCommit(outcome: BatchOutcome): Promise<void> {
    if (handled.has(outcome)) return;
    handled.add(outcome);
    if (outcome.alerts.length > 0) await raiseGroupAlerts(outcome.alerts);
    for (const spike of outcome.spikes) await raiseSpike(spike);
  }

  async function loadGroup(id: string): Promise<ErrorGroup> {
    const group = await findGroup(db, id);
    if (!group) throw notFound('error_group', id);
    return group;
  }

  let lastSweep = -Infinity;

  return {
    /** The project a DSN public key belongs to, or undefined. */
    projectForKey,

    /**
     * Stores a service's events (committed when this resolves) and raises the alerts they call for.
     * An alert that cannot be raised now does not fail the events: it stays due for the sweep.
     */
    async submit(submission: ErrorSubmission): Promise<SubmissionResult> {
      const { outcome, ...result } = await committer.submit(submission);
      await afterCommit(outcome).catch(() => undefined);
      return result;
    },

    /** The plain API: one event for a service named by id or name. */
    async report(
      actor: Actor,
      serviceRef: string,
      event: ErrorEvent,
    ): Promise<{ id: string; groupId: string; serviceId: string }> {
      authorize(actor, 'incident.write');
      const service = await services.get(actor, serviceRef);
      await ensureProject(service.id);
      const { stored, groupIds } = await this.submit({ serviceId: service.id, events: [event] });
      if (!stored) throw notFound('service', serviceRef);
      return { id: event.eventId, groupId: groupIds[0] as string, serviceId: service.id };
    },

    /** The service's DSN (its project is created on first use). `baseUrl` is used when no public URL is configured. */
    async dsn(
      actor: Actor,
      serviceRef: string,
      baseUrl: string,
    ): Promise<{ dsn: string; project: ErrorProject; service: Service }> {
      authorize(actor, 'read');
      const service = await services.get(actor, serviceRef);
      const project = await ensureProject(service.id);
      return { dsn: buildDsn(publicUrl ?? baseUrl, project.publicKey, project.projectId), project, service };
    },

    /** Changes the events a minute over which the service's errors raise a spike alert (admin). */
    async setSpikeThreshold(actor: Actor, serviceRef: string, threshold: number): Promise<ErrorProject> {
      authorize(actor, 'service.write');
      const service = await services.get(actor, serviceRef);
      const project = await ensureProject(service.id);
      await inTransaction(db, async (trx) => {
        await setSpikeThreshold(trx, project.projectId, threshold);
        await audit(trx, clock, actor, {
          action: 'error_project.update',
          target: { type: 'service', id: service.id },
          details: { spike_threshold_per_min: threshold },
        });
      });
      return { ...project, spikeThresholdPerMin: threshold };
    },

    async listGroups(
      actor: Actor,
      q: {
        limit: number;
        cursor?: string | undefined;
        service?: string | undefined;
        environment?: string | undefined;
        status?: GroupStatus | undefined;
      },
    ) {
      authorize(actor, 'read');
      const serviceId = q.service ? (await services.get(actor, q.service)).id : undefined;
      const rows = await listGroups(db, {
        limit: q.limit + 1,
        before: q.cursor,
        serviceId,
        environment: q.environment,
        status: q.status,
      });
      const data = rows.slice(0, q.limit);
      const users = await usersPerGroup(
        db,
        data.map((g) => g.id),
      );
      return {
        data: data.map((g) => ({ group: g, usersAffected: users.get(g.id) ?? 0 })),
        nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null,
      };
    },

    /** A group with its users affected and its latest events (newest first). */
    async getGroup(actor: Actor, id: string) {
      authorize(actor, 'read');
      const group = await loadGroup(id);
      const users = await usersPerGroup(db, [group.id]);
      return {
        group,
        usersAffected: users.get(group.id) ?? 0,
        events: await latestEvents(db, group.id, 100),
        storedEvents: await countEvents(db, group.id),
      };
    },

    /** Marks a group resolved and resolves its alerts; events after this make it regressed. */
    async resolveGroup(actor: Actor, id: string): Promise<ErrorGroup> {
      authorize(actor, 'incident.write');
      const group = await inTransaction(db, async (trx) => {
        const found = await findGroup(trx, id);
        if (!found) throw notFound('error_group', id);
        if (found.status === 'resolved') return found;
        const resolved: ErrorGroup = { ...found, status: 'resolved', resolvedAt: clock.now() };
        await saveGroup(trx, resolved);
        await audit(trx, clock, actor, {
          action: 'error_group.resolve',
          target: { type: 'error_group', id: found.id },
          details: { title: found.title, service_id: found.serviceId },
        });
        return resolved;
      });
      const resolve = (dedupKey: string): AlertEvent => ({
        format: 'errors',
        action: 'resolve',
        dedupKey,
        summary: '',
        source: 'error tracking',
        severity: 'info',
        links: [],
        images: [],
      });
      await ingest.submit({
        serviceId: group.serviceId,
        events: [resolve(`errors:new:${group.id}`), resolve(`errors:regressed:${group.id}`)],
      });
      return group;
    },

    /** Whether the sweep has waited its few seconds since the last one. */
    due: (now: Date) => now.getTime() - lastSweep >= SWEEP_INTERVAL_MS,

    /**
     * The engine's sweep (at most every few seconds): closes spikes whose rate fell back under the
     * threshold, retries alerts left due, and drops minute counts older than 30 days. Returns how many
     * spikes it closed and alerts it retried.
     */
    async sweep(): Promise<number> {
      const now = clock.now();
      if (now.getTime() - lastSweep < SWEEP_INTERVAL_MS) return 0;
      lastSweep = now.getTime();
      let worked = 0;
      const current = minuteOf(now);
      const previous = minuteOf(new Date(now.getTime() - 60_000));
      for (const project of await openSpikes(db)) {
        const lastMinute = await serviceEventsIn(db, project.serviceId, [previous]);
        const thisMinute = await serviceEventsIn(db, project.serviceId, [current]);
        if (lastMinute > project.spikeThresholdPerMin || thisMinute > project.spikeThresholdPerMin) continue;
        if (!(await claimSpike(db, project.projectId, false))) continue;
        worked += 1;
        // A busy ingest queue must not fail the engine's sweep: the spike stays open and is tried again.
        await ingest
          .submit({
            serviceId: project.serviceId,
            events: [
              {
                format: 'errors',
                action: 'resolve',
                dedupKey: 'errors:spike',
                summary: '',
                source: 'error tracking',
                severity: 'info',
                customDetails: {
                  events_last_minute: lastMinute,
                  events_this_minute: thisMinute,
                  threshold_per_min: project.spikeThresholdPerMin,
                },
                links: [],
                images: [],
              },
            ],
          })
          .catch(() => claimSpike(db, project.projectId, true));
      }
      const due = await alertsDue(db, new Date(now.getTime() - ALERT_RETRY_MS).toISOString(), 100);
      if (due.length > 0) await raiseGroupAlerts(due).catch(() => undefined); // still due: the next sweep tries again
      // Hourly (during minute 0) is often enough for the 30-day retention of minute counts.
      if (now.getUTCMinutes() === 0)
        await deleteMinutesBefore(db, new Date(now.getTime() - MINUTES_KEPT_MS).toISOString());
      return worked + due.length;
    },

    /** Requests waiting for a transaction. */
    backlog: () => committer.depth,
    close: () => committer.close(),
    /** A fresh event id for events that came without one. */
    newEventId: () => randomUUID().replaceAll('-', ''),
  };
}

export type ErrorsService = ReturnType<typeof createErrorsService>;

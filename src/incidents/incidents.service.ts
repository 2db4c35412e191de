// Incident use-cases: each one authorizes, loads, applies a rule from incident.ts, saves, and writes
// the timeline event and the audit row in the same transaction.
import { authorize, SYSTEM_ACTOR, type Actor } from '../access/index.js';
import { auditMany } from '../audit/index.js';
import type { Clock } from '../clock.js';
import type { Publish } from '../bus.js';
import { afterCommit, inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { ChangeEvent, ServicesService } from '../services/index.js';
import type { UsersService } from '../users/index.js';
import {
  ackDueAt,
  dayKey,
  formatNumber,
  nextStatus,
  phaseDueAt,
  reopenedPhase,
  type Incident,
  type Phase,
  type Role,
  type Severity,
  type Status,
  type StatusAction,
} from '../incident.js';
import {
  claimBreach,
  clearRole,
  countByStatusAndSeverity,
  countOpenByService,
  findIncident,
  findOpenByGroupKey,
  findOpenSince,
  findIncidentStates,
  findUnrecordedBreaches,
  insertEvents,
  findIncidents,
  insertIncidents,
  listEvents,
  listIncidents,
  nextSequences,
  saveIncident,
  setRole,
  type TimelineEvent,
} from './incidents.repo.js';

/** How far back a new incident looks for its service's change events. */
const RECENT_CHANGES_MS = 4 * 60 * 60 * 1000;

/** A change to one incident, told inside its transaction. */
export interface IncidentChange {
  trx: Db;
  incidentId: string;
  at: Date;
}

/** A timeline entry as told after its transaction committed. */
export interface CommittedEntry {
  incidentId: string;
  kind: string;
  at: Date;
}

/** What the incidents feature publishes on the app's bus (app.ts wires who reacts). */
export interface IncidentEvents {
  /**
   * Incidents a transaction has just opened (all of an ingest batch's at once), as written and after
   * their "created" entries: a subscriber needs not read them back and can write its rows for all at once.
   */
  'incident.opened': {
    trx: Db;
    incidents: readonly Incident[];
    at: Date;
    /** Incident id → the categories its opening alert named (class, custom_details.category); absent: none. */
    categories: ReadonlyMap<string, readonly string[]>;
  };
  /**
   * Alerts of an ingest batch joined incidents already open (or opened earlier in the batch) and named
   * these categories: incident id → categories. Inside the ingest transaction, after the alerts' entries.
   */
  'incident.alerts_joined': { trx: Db; categories: ReadonlyMap<string, readonly string[]>; at: Date };
  'incident.acknowledged': IncidentChange;
  /**
   * An incident about to be resolved by `actor`, inside the transaction, before its row changes (so a
   * subscriber can take locks that come before the incident's in the lock order); a subscriber that
   * throws stops the resolve. "incident.resolved" follows once the row says resolved.
   */
  'incident.resolving': { trx: Db; incident: Incident; actor: Actor; at: Date };
  'incident.resolved': IncidentChange;
  'incident.reopened': IncidentChange;
  'incident.severity_changed': IncidentChange;
  /** An explicit phase change (setPhase), after its entry; resolving moves to resolution without this event. */
  'incident.phase_changed': IncidentChange & { phase: Phase };
  /**
   * After a transaction that wrote timeline entries has committed (never for one that rolled back):
   * those entries, in order. Published outside any transaction; subscribers must not throw.
   */
  'incident.entries_committed': { entries: readonly CommittedEntry[] };
}

/** One timeline entry to record. */
export interface TimelineEntry {
  incident: Pick<Incident, 'id' | 'number'>;
  actor: Actor;
  kind: string;
  data: Record<string, unknown>;
  at: Date;
}

export interface IncidentsDeps {
  db: Db;
  clock: Clock;
  responseTargets: Readonly<Record<Severity, number>>;
  users: UsersService;
  services: ServicesService;
  publish: Publish<IncidentEvents>;
}

export interface NewIncident {
  title: string;
  severity: Severity;
  serviceId?: string | undefined;
  description?: string | undefined;
  impact?: string | undefined;
}

/** One incident to open: who opens it, what it is, and the service's name for its "created" entry. */
export interface Opening {
  actor: Actor;
  /** `id` when the caller has already used it (ingestion points its alerts at it). */
  input: NewIncident & Origin & { id?: string };
  serviceName: string | null;
}

/** Where an incident came from when an alert opened it. */
export interface Origin {
  /** Alerts with this key (Alertmanager's groupKey) join this incident while it is open. */
  groupKey?: string | undefined;
  /** The classification rule that chose the severity. */
  classifiedBy?: string | undefined;
  /** The categories the opening alert named ("gdpr_violation", "outage"…), told with incident.opened. */
  categories?: readonly string[] | undefined;
}

export interface IncidentListQuery {
  limit: number;
  cursor?: string | undefined;
  status?: Status[] | undefined;
  severity?: Severity[] | undefined;
  serviceId?: string | undefined;
}

/** Cursors are opaque to clients: base64url of "created_at|id" of the last row returned. */
function encodeCursor(i: Incident): string {
  return Buffer.from(`${i.createdAt.toISOString()}|${i.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt))) {
    throw new AppError('request.invalid_cursor', 'cursor is not one this server returned', { field: 'cursor' });
  }
  return { createdAt, id };
}

export function createIncidentsService(deps: IncidentsDeps) {
  const { db, clock, responseTargets, users, services, publish } = deps;

  async function load(ref: string, q: Db = db): Promise<Incident> {
    const incident = await findIncident(q, ref);
    if (!incident) throw notFound('incident', ref);
    return incident;
  }

  // Per transaction, the entries written so far, published once it commits (live updates).
  const uncommitted = new WeakMap<Db, CommittedEntry[]>();

  /** Every change to an incident writes a timeline entry through recordMany, so this one place sees them all. */
  function noteForCommit(q: Db, entries: TimelineEntry[]): void {
    let batch = uncommitted.get(q);
    if (!batch) {
      const list: CommittedEntry[] = [];
      uncommitted.set(q, (batch = list));
      afterCommit(q, () => {
        uncommitted.delete(q);
        void publish('incident.entries_committed', { entries: list });
      });
    }
    for (const { incident, kind, at } of entries) batch.push({ incidentId: incident.id, kind, at });
  }

  async function record(
    q: Db,
    incident: Pick<Incident, 'id' | 'number'>,
    actor: Actor,
    kind: string,
    data: Record<string, unknown>,
    at: Date,
  ): Promise<void> {
    await recordMany(q, [{ incident, actor, kind, data, at }]);
  }

  /** Several timeline entries (with their audit rows) in two statements. */
  async function recordMany(q: Db, entries: TimelineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await insertEvents(
      q,
      entries.map(({ incident, actor, kind, data, at }) => ({
        id: newId('evt', at),
        incidentId: incident.id,
        at,
        actor: { type: actor.type, id: actor.id, name: actor.name },
        kind,
        data,
      })),
    );
    await auditMany(
      q,
      clock,
      entries.map(({ incident, actor, kind, data }) => ({
        actor,
        record: {
          action: `incident.${kind}`,
          target: { type: 'incident', id: incident.id },
          details: { number: incident.number, ...data },
        },
      })),
    );
    noteForCommit(q, entries);
  }

  /** Runs one change to an existing incident in a transaction and returns the incident as stored afterwards. */
  async function change(
    actor: Actor,
    ref: string,
    apply: (trx: Db, incident: Incident, now: Date) => Promise<void>,
  ): Promise<Incident> {
    authorize(actor, 'incident.write');
    return inTransaction(db, async (trx) => {
      const incident = await load(ref, trx);
      await apply(trx, incident, clock.now());
      return load(incident.id, trx);
    });
  }

  /** Moves the status, guarding against a racing transition on another request or instance. */
  async function transition(trx: Db, incident: Incident, action: StatusAction, next: Incident): Promise<void> {
    const saved = await saveIncident(trx, next, incident.status);
    if (!saved) {
      const now = await load(incident.id, trx);
      nextStatus(now.status, action);
      throw new AppError('incident.conflict', 'the incident changed while this request ran; try again', {
        status: now.status,
      });
    }
  }

  async function assign(
    trx: Db,
    incident: Incident,
    actor: Actor,
    role: Role,
    userRef: string | null,
    now: Date,
  ): Promise<void> {
    const previous = incident.roles[role] ?? null;
    if (userRef === null) {
      if (!previous) return;
      await clearRole(trx, incident.id, role);
      await record(trx, incident, actor, 'role_unassigned', { role, previous: previous.handle }, now);
      return;
    }
    const user = await users.load(userRef, trx);
    if (user.deactivatedAt)
      throw new AppError('user.deactivated', `user "${user.handle}" is deactivated`, { user: user.handle });
    if (previous?.id === user.id) return;
    await setRole(trx, incident.id, role, user.id, now);
    await record(
      trx,
      incident,
      actor,
      'role_assigned',
      { role, user: user.handle, previous: previous?.handle ?? null },
      now,
    );
  }

  /**
   * Inserts new incidents with the next numbers of the day and their "created" entries, publishes
   * "incident.opened" for all of them at once, then writes each one's recent changes. The caller has
   * authorized and resolved the services. An ingest batch opens many at once: the numbers, the rows
   * and the entries cost one statement each for all of them.
   */
  async function openMany(trx: Db, openings: Opening[], now: Date): Promise<Incident[]> {
    if (openings.length === 0) return [];
    const day = dayKey(now);
    const first = await nextSequences(trx, day, openings.length);
    const incidents = openings.map(({ actor, input }, i): Incident => ({
      id: input.id ?? newId('inc', now),
      number: formatNumber(day, first + i),
      title: input.title,
      description: input.description ?? null,
      impact: input.impact ?? null,
      severity: input.severity,
      status: 'triggered',
      phase: 'detection',
      serviceId: input.serviceId ?? null,
      createdAt: now,
      updatedAt: now,
      createdBy: actor.id,
      ackDueAt: ackDueAt(now, input.severity, responseTargets),
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      breachRecordedAt: null,
      phaseStartedAt: now,
      phaseDueAt: phaseDueAt(now, 'detection'),
      groupKey: input.groupKey ?? null,
      classifiedBy: input.classifiedBy ?? null,
      roles: {},
      escalationLevel: 0,
      nextEscalationAt: null,
    }));
    await insertIncidents(trx, incidents);
    await recordMany(
      trx,
      incidents.map((incident, i) => {
        const { actor, serviceName } = openings[i] as Opening;
        const data = {
          title: incident.title,
          severity: incident.severity,
          service: serviceName,
          ack_due_at: incident.ackDueAt.toISOString(),
          ...(incident.classifiedBy && { classified_by: incident.classifiedBy }),
        };
        return { incident, actor, kind: 'created', data, at: now };
      }),
    );
    const categories = new Map<string, readonly string[]>();
    openings.forEach(({ input }, i) => {
      if (input.categories?.length) categories.set((incidents[i] as Incident).id, input.categories);
    });
    await publish('incident.opened', { trx, incidents, at: now, categories });
    // Deploys and config changes of the service in the last 4 hours are the usual first suspects;
    // incidents opened together on one service share one look at them.
    const suspects: TimelineEntry[] = [];
    const changesOf = new Map<string, Promise<ChangeEvent[]>>();
    for (const incident of incidents) {
      if (!incident.serviceId) continue;
      let pending = changesOf.get(incident.serviceId);
      if (!pending)
        changesOf.set(
          incident.serviceId,
          (pending = services.recentChanges(trx, incident.serviceId, now, RECENT_CHANGES_MS)),
        );
      const changes = await pending;
      if (changes.length === 0) continue;
      const list = changes.map((c) => ({
        id: c.id,
        summary: c.summary,
        source: c.source,
        timestamp: c.timestamp.toISOString(),
      }));
      suspects.push({ incident, actor: SYSTEM_ACTOR, kind: 'recent_changes', data: { changes: list }, at: now });
    }
    await recordMany(trx, suspects);
    return incidents;
  }

  async function acknowledgeIn(trx: Db, incident: Incident, actor: Actor, now: Date): Promise<void> {
    const status = nextStatus(incident.status, 'acknowledge');
    await transition(trx, incident, 'acknowledge', {
      ...incident,
      status,
      acknowledgedAt: now,
      acknowledgedBy: actor.id,
      updatedAt: now,
    });
    await record(
      trx,
      incident,
      actor,
      'acknowledged',
      { response_ms: now.getTime() - incident.createdAt.getTime(), within_target: now <= incident.ackDueAt },
      now,
    );
    await publish('incident.acknowledged', { trx, incidentId: incident.id, at: now });
    if (!incident.roles.incident_commander && actor.type === 'user' && actor.id) {
      await assign(trx, incident, actor, 'incident_commander', actor.id, now);
    }
  }

  async function resolveIn(trx: Db, given: Incident, actor: Actor, now: Date, note?: string): Promise<void> {
    nextStatus(given.status, 'resolve'); // refused before anything is locked or written
    await publish('incident.resolving', { trx, incident: given, actor, at: now });
    // A subscriber may have waited for a lock (its service's ingest batch) while that transaction
    // changed the incident (raised its severity, resolved it): go on from the row as it is now, since
    // the transition writes the whole row back.
    const incident = await load(given.id, trx);
    const status = nextStatus(incident.status, 'resolve');
    await transition(trx, incident, 'resolve', {
      ...incident,
      status,
      resolvedAt: now,
      resolvedBy: actor.id,
      phase: 'resolution',
      phaseStartedAt: incident.phase === 'resolution' ? incident.phaseStartedAt : now,
      phaseDueAt: null,
      updatedAt: now,
    });
    await record(
      trx,
      incident,
      actor,
      'resolved',
      {
        duration_ms: now.getTime() - incident.createdAt.getTime(),
        previous_phase: incident.phase,
        ...(note && { note }),
      },
      now,
    );
    await publish('incident.resolved', { trx, incidentId: incident.id, at: now });
  }

  async function severityIn(
    trx: Db,
    incident: Incident,
    actor: Actor,
    severity: Severity,
    now: Date,
    reason?: string,
  ): Promise<void> {
    const unanswered = incident.status === 'triggered';
    const due = unanswered ? ackDueAt(incident.createdAt, severity, responseTargets) : incident.ackDueAt;
    await saveIncident(trx, { ...incident, severity, ackDueAt: due, updatedAt: now });
    await record(
      trx,
      incident,
      actor,
      'severity_changed',
      { from: incident.severity, to: severity, ack_due_at: due.toISOString(), ...(reason && { reason }) },
      now,
    );
    await publish('incident.severity_changed', { trx, incidentId: incident.id, at: now });
  }

  return {
    /** Opens an incident with the next number of the day and its response target. */
    async create(actor: Actor, input: NewIncident): Promise<Incident> {
      authorize(actor, 'incident.write');
      return inTransaction(db, async (trx) => {
        const service = input.serviceId ? await services.load(input.serviceId, trx) : undefined;
        const [incident] = await openMany(
          trx,
          [{ actor, input: { ...input, serviceId: service?.id }, serviceName: service?.name ?? null }],
          clock.now(),
        );
        return load((incident as Incident).id, trx); // as stored, with what its subscribers (the escalation) added
      });
    },

    async get(actor: Actor, ref: string): Promise<Incident> {
      authorize(actor, 'read');
      return load(ref);
    },

    async list(actor: Actor, q: IncidentListQuery): Promise<{ data: Incident[]; nextCursor: string | null }> {
      authorize(actor, 'read');
      const serviceId = q.serviceId ? (await services.load(q.serviceId)).id : undefined;
      const rows = await listIncidents(db, {
        limit: q.limit + 1,
        status: q.status,
        severity: q.severity,
        serviceId,
        before: q.cursor ? decodeCursor(q.cursor) : undefined,
      });
      const data = rows.slice(0, q.limit);
      const last = data.at(-1);
      return { data, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
    },

    async timeline(
      actor: Actor,
      ref: string,
      q: { limit: number; cursor?: string | undefined },
    ): Promise<{ data: TimelineEvent[]; nextCursor: string | null }> {
      authorize(actor, 'read');
      const incident = await load(ref);
      const rows = await listEvents(db, incident.id, { limit: q.limit + 1, before: q.cursor });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    /** Acknowledges; the acknowledging person becomes incident commander when none is set. */
    acknowledge(actor: Actor, ref: string): Promise<Incident> {
      return change(actor, ref, (trx, incident, now) => acknowledgeIn(trx, incident, actor, now));
    },

    /** Resolves from any open status and moves the incident to the resolution phase. */
    resolve(actor: Actor, ref: string, note?: string): Promise<Incident> {
      return change(actor, ref, (trx, incident, now) => resolveIn(trx, incident, actor, now, note));
    },

    /** Reopens a resolved incident: triggered again, a fresh response target, back to investigation. */
    reopen(actor: Actor, ref: string, reason?: string): Promise<Incident> {
      return change(actor, ref, async (trx, incident, now) => {
        const status = nextStatus(incident.status, 'reopen');
        const { phase, dueAt } = reopenedPhase(now);
        await transition(trx, incident, 'reopen', {
          ...incident,
          status,
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
          resolvedBy: null,
          ackDueAt: ackDueAt(now, incident.severity, responseTargets),
          breachRecordedAt: null,
          phase,
          phaseStartedAt: now,
          phaseDueAt: dueAt,
          updatedAt: now,
        });
        await record(trx, incident, actor, 'reopened', { ...(reason && { reason }), phase }, now);
        await publish('incident.reopened', { trx, incidentId: incident.id, at: now });
      });
    },

    /** A note on the timeline; a `key` note is a moment the post-mortem's timeline is prefilled with. */
    addNote(actor: Actor, ref: string, text: string, key = false): Promise<Incident> {
      return change(actor, ref, async (trx, incident, now) => {
        await saveIncident(trx, { ...incident, updatedAt: now });
        await record(trx, incident, actor, 'note', { text, ...(key && { key: true }) }, now);
      });
    },

    /** An explicit phase change; the phase's due time follows the seed's time boxes from the incident's start. */
    setPhase(actor: Actor, ref: string, phase: Phase): Promise<Incident> {
      return change(actor, ref, async (trx, incident, now) => {
        if (incident.status === 'resolved') {
          throw new AppError(
            'incident.invalid_transition',
            'cannot change the phase of a resolved incident; reopen it first',
            { status: incident.status },
          );
        }
        if (incident.phase === phase) {
          throw new AppError('incident.invalid_transition', `the incident is already in the ${phase} phase`, { phase });
        }
        const dueAt = phaseDueAt(incident.createdAt, phase);
        await saveIncident(trx, { ...incident, phase, phaseStartedAt: now, phaseDueAt: dueAt, updatedAt: now });
        await record(
          trx,
          incident,
          actor,
          'phase_changed',
          { from: incident.phase, to: phase, due_at: dueAt?.toISOString() ?? null },
          now,
        );
        await publish('incident.phase_changed', { trx, incidentId: incident.id, phase, at: now });
      });
    },

    /** Changes severity; an unanswered incident's response target follows the new severity. */
    setSeverity(actor: Actor, ref: string, severity: Severity, reason?: string): Promise<Incident> {
      return change(actor, ref, async (trx, incident, now) => {
        if (incident.severity === severity) {
          throw new AppError('incident.invalid_transition', `the incident is already ${severity}`, { severity });
        }
        await severityIn(trx, incident, actor, severity, now, reason);
      });
    },

    /** Assigns a response role to a user (id or handle), or clears it with null. */
    assignRole(actor: Actor, ref: string, role: Role, userRef: string | null): Promise<Incident> {
      return change(actor, ref, async (trx, incident, now) => {
        await assign(trx, incident, actor, role, userRef, now);
      });
    },

    /**
     * Engine sweep: writes "response target missed" on the timeline of each triggered incident past
     * its ack_due_at. The claim is a conditional update, so on several instances each breach is written once.
     */
    async recordBreaches(limit = 100): Promise<number> {
      const now = clock.now();
      const due = await findUnrecordedBreaches(db, now, limit);
      let recorded = 0;
      for (const incident of due) {
        const claimed = await inTransaction(db, async (trx) => {
          if (!(await claimBreach(trx, incident.id, now))) return false;
          await record(
            trx,
            incident,
            SYSTEM_ACTOR,
            'response_breached',
            {
              severity: incident.severity,
              ack_due_at: incident.ackDueAt.toISOString(),
              late_ms: now.getTime() - incident.ackDueAt.getTime(),
            },
            now,
          );
          return true;
        });
        if (claimed) recorded += 1;
      }
      return recorded;
    },

    counts: () => countByStatusAndSeverity(db),

    /** The same counts for someone reading the list (its filter chips), of one service if given. */
    async countFor(actor: Actor, q: { serviceId?: string | undefined }) {
      authorize(actor, 'read');
      const serviceId = q.serviceId ? (await services.load(q.serviceId)).id : undefined;
      return countByStatusAndSeverity(db, serviceId);
    },

    /** Unresolved incidents per service and severity, for the health check. */
    openCounts: () => countOpenByService(db),

    /**
     * The same changes for another feature's transaction (alert ingestion): no authorization (the
     * caller is an integration acting on its own service) and no transaction of their own.
     */
    within(trx: Db) {
      return {
        /** Opens these incidents together (see openMany). */
        openMany: (openings: Opening[], now: Date) => openMany(trx, openings, now),
        load: (id: string) => load(id, trx),
        acknowledge: (incident: Incident, actor: Actor, now: Date) => acknowledgeIn(trx, incident, actor, now),
        resolve: (incident: Incident, actor: Actor, now: Date, note?: string) =>
          resolveIn(trx, incident, actor, now, note),
        setSeverity: (incident: Incident, actor: Actor, severity: Severity, now: Date, reason?: string) =>
          severityIn(trx, incident, actor, severity, now, reason),
        record: (
          incident: Pick<Incident, 'id' | 'number'>,
          actor: Actor,
          kind: string,
          data: Record<string, unknown>,
          now: Date,
        ) => record(trx, incident, actor, kind, data, now),
        /** Tells the categories that alerts joining open incidents named (see incident.alerts_joined). */
        alertsJoined: async (categories: ReadonlyMap<string, readonly string[]>, now: Date) => {
          if (categories.size > 0) await publish('incident.alerts_joined', { trx, categories, at: now });
        },
        /** Several timeline entries at once (a sweep's worth). */
        recordMany: (entries: TimelineEntry[]) => recordMany(trx, entries),
        /** Many incidents by id in a couple of queries (missing ids left out). */
        loadMany: (ids: readonly string[]) => findIncidents(trx, ids),
        openByGroupKey: (serviceId: string, groupKey: string) => findOpenByGroupKey(trx, serviceId, groupKey),
        openSince: (serviceId: string, since: Date) => findOpenSince(trx, serviceId, since),
        /** Status and severity of many incidents in one query (no roles). */
        states: (ids: string[]) => findIncidentStates(trx, ids),
      };
    },
  };
}

export type IncidentsService = ReturnType<typeof createIncidentsService>;

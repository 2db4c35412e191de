// The escalation engine's rules over stored state. An incident's escalation is one row (policy,
// levels reached, loop, next due time); the engine's sweep claims due rows and moves them on, and
// incident changes start, stop or restart them inside the change's own transaction. No in-memory
// timer is ever the source of truth: a restart finds every overdue row and carries on from it.
//
// Reaching a level resolves its targets to people at that moment (users, whoever a schedule has on
// call, a team's members), writes one page per person (the notifications feature delivers them) and
// a timeline entry naming them. A level with nobody to page is skipped at once, with a timeline entry,
// and the next level follows in the same step rather than after its delay. A policy that runs out
// without having paged anyone pages the admins instead.
import { adminUserIds } from '../credentials/index.js';
import { authorize, SYSTEM_ACTOR, type Actor } from '../access/index.js';
import type { Publish } from '../bus.js';
import type { Clock } from '../clock.js';
import { afterCommit, inTransaction, yieldToEventLoop, type Db } from '../db/database.js';
import { perTransaction } from '../db/per-transaction.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { Incident } from '../incident.js';
import type { IncidentsService, TimelineEntry } from '../incidents/index.js';
import type { SchedulesService } from '../schedules/index.js';
import type { ServicesService } from '../services/index.js';
import type { TeamsService } from '../teams/index.js';
import type { UsersService } from '../users/index.js';
import {
  claimDueEscalations,
  countPages,
  earliestDue,
  findEscalation,
  insertPages,
  listPages,
  lockEscalation,
  putEscalation,
  putEscalations,
  type EscalationState,
  type Page,
  overdueEscalations,
} from './escalation.repo.js';
import type { PoliciesService } from './policies.service.js';
import { levelDueAt, SEED_POLICY_ID, stopReason, type Level, type Policy, type Target } from './policy.js';

export interface EscalationDeps {
  db: Db;
  clock: Clock;
  incidents: IncidentsService;
  services: ServicesService;
  policies: PoliciesService;
  schedules: SchedulesService;
  teams: TeamsService;
  users: UsersService;
  publish: Publish<EscalationEvents>;
}

/** What the escalation feature publishes on the app's bus (app.ts wires who reacts). */
export interface EscalationEvents {
  /** Pages just written, inside their transaction (each page once). */
  'escalation.paged': { trx: Db; pages: Page[] };
  /**
   * After a commit that made an escalation due at once (an incident opened or reopened, a policy
   * changed with the severity): the sweep should run now rather than at its next tick.
   */
  'escalation.due': Record<string, never>;
}

/**
 * Rows one sweep transaction claims. Small enough that a backlog (a storm's incidents all escalating
 * at once) is worked through in transactions of a few milliseconds with requests served between
 * them; at 100 a transaction held ingestion for ~100 ms.
 */
const CLAIM = 25;
/** Levels one step may reach at most (a long run of empty levels, repeats included). */
const MAX_LEVELS_PER_STEP = 50;

type Position = { level: number; loop: number };
type Person = { id: string; handle: string };

/** `fn` called once per distinct key. */
function memo<K, V>(fn: (key: K) => V): (key: K) => V {
  const seen = new Map<K, V>();
  return (key) => {
    if (!seen.has(key)) seen.set(key, fn(key));
    return seen.get(key) as V;
  };
}

/** The next level to reach after the state's, or null when the policy (with its repeats) is done. */
function nextPosition(policy: Policy, state: Pick<EscalationState, 'level' | 'loop'>): Position | null {
  if (state.level < policy.levels.length) return { level: state.level, loop: state.loop };
  if (state.loop < policy.repeat) return { level: 0, loop: state.loop + 1 };
  return null;
}

export function createEscalationService(deps: EscalationDeps) {
  const { db, clock, incidents, services, policies, schedules, teams, users, publish } = deps;

  async function writePages(trx: Db, pages: Page[]): Promise<void> {
    const written = await insertPages(trx, pages);
    if (written.length > 0) await publish('escalation.paged', { trx, pages: written });
  }

  /** Once `trx` commits, asks for a sweep now: what it wrote is due at once (the tick covers a lost wake-up). */
  const sweepAfterCommit = (trx: Db) => afterCommit(trx, () => void publish('escalation.due', {}));

  // Within one transaction (a sweep, a batch of ingested alerts) each service and policy is read once.
  const loadService = perTransaction((q, id) => services.load(id, q).catch(() => undefined));
  const loadPolicy = perTransaction((q, id) => policies.load(id, q).catch(() => undefined));
  const maintenanceAt = perTransaction((q, key) => {
    const [serviceId = '', at = ''] = key.split(' ');
    return services.activeMaintenance(q, serviceId, new Date(at));
  });

  async function policyFor(trx: Db, serviceId: string | null, severity: string): Promise<Policy | undefined> {
    const service = serviceId ? await loadService(trx, serviceId) : undefined;
    const ref = service?.severityPolicies[severity] ?? service?.escalationPolicyId ?? SEED_POLICY_ID;
    return loadPolicy(trx, ref);
  }

  /** Active people a level's targets name right now, each once, in target order. */
  async function peopleFor(trx: Db, targets: Target[], now: Date): Promise<Person[]> {
    const ids: string[] = [];
    for (const target of targets) {
      if (target.type === 'user') ids.push(target.id);
      else if (target.type === 'schedule') ids.push(...(await schedules.onCall(target.id, now, trx).catch(() => [])));
      else ids.push(...((await teams.load(target.id, trx).catch(() => undefined))?.members ?? []));
    }
    const people: Person[] = [];
    for (const id of new Set(ids)) {
      const user = await users.find(id, trx);
      if (user && !user.deactivatedAt) people.push({ id: user.id, handle: user.handle });
    }
    return people;
  }

  /**
   * Moves escalations on as far as `now` allows (or each one level at once when `force`) and stores
   * where they stand. The caller holds the rows (claimed or locked) in `trx`. Work is gathered over
   * all rows and written at the end in a few multi-row statements (pages, timeline, escalation rows);
   * within one call a policy is read once and a level's targets are resolved to people once, since
   * every row shares the same `now`.
   */
  async function advance(
    trx: Db,
    states: EscalationState[],
    now: Date,
    force = false,
    actor: Actor = SYSTEM_ACTOR,
  ): Promise<EscalationState[]> {
    const found = new Map(
      (await incidents.within(trx).loadMany(states.map((s) => s.incidentId))).map((i) => [i.id, i]),
    );
    const peopleOf = memo((key: string) => peopleFor(trx, JSON.parse(key) as Target[], now));
    /** The admins, read once for every exhausted policy of this call. */
    let adminsNow: Promise<string[]> | undefined;
    const pages: Page[] = [];
    const entries: TimelineEntry[] = [];

    /** Reaches one level: pages its people, or records that nobody was there. Returns whether anyone was paged. */
    async function reach(incident: Incident, policy: Policy, run: number, at: Position): Promise<boolean> {
      const level = policy.levels[at.level] as Level;
      const number = at.level + 1;
      const people = await peopleOf(JSON.stringify(level.targets));
      const about = { level: number, name: level.name, loop: at.loop, policy: policy.name };
      if (people.length === 0) {
        entries.push({
          incident,
          actor,
          kind: 'escalation_skipped',
          data: { ...about, reason: 'nobody to page at this level' },
          at: now,
        });
        return false;
      }
      const reason =
        `level ${number}${level.name ? ` (${level.name})` : ''} ` +
        `of ${policy.name}${at.loop > 0 ? `, repeat ${at.loop}` : ''}`;
      for (const { id: userId } of people)
        pages.push({
          id: newId('pg', now),
          incidentId: incident.id,
          run,
          level: number,
          loop: at.loop,
          userId,
          at: now,
          reason,
        });
      entries.push({ incident, actor, kind: 'escalated', data: { ...about, paged: people }, at: now });
      return true;
    }

    /** A policy ran out without reaching anyone: its admins are paged instead. */
    async function alertAdmins(incident: Incident, policy: Policy, run: number): Promise<void> {
      const admins = await (adminsNow ??= adminUserIds(trx));
      for (const userId of admins)
        pages.push({
          id: newId('pg', now),
          incidentId: incident.id,
          run,
          level: 0,
          loop: 0,
          userId,
          at: now,
          reason: `${policy.name} ran out of levels without reaching anyone`,
        });
      entries.push({
        incident,
        actor: SYSTEM_ACTOR,
        kind: 'escalation_exhausted',
        data: { policy: policy.name, reached: 0, admins_paged: admins.length },
        at: now,
      });
    }

    async function stepOne(state: EscalationState): Promise<EscalationState> {
      const incident = found.get(state.incidentId);
      const policy = await loadPolicy(trx, state.policyId);
      let next: EscalationState = { ...state };
      const stop = (reason: string): EscalationState => ({ ...next, nextAt: null, stoppedAt: now, stopReason: reason });
      if (!incident) return stop('incident not found');
      // Escalating by hand goes on while the incident is unresolved, whatever the policy's condition.
      const stopped = !policy
        ? 'policy deleted'
        : force
          ? incident.status === 'resolved'
            ? 'resolved'
            : null
          : stopReason(policy.escalateWhile, incident.status);
      if (!policy || stopped) return stop(stopped ?? 'policy deleted');
      let hurry = force;
      let pagedNow = false;
      for (let i = 0; i < MAX_LEVELS_PER_STEP; i++) {
        const position = nextPosition(policy, next);
        if (!position) {
          next = stop('policy exhausted');
          if (!pagedNow && (await countPages(trx, incident.id, next.run)) === 0)
            await alertAdmins(incident, policy, next.run);
          break;
        }
        const due = levelDueAt(policy.levels, next.startedAt, position.loop, position.level);
        if (!hurry && due > now) {
          next = { ...next, nextAt: due };
          break;
        }
        const paged = await reach(incident, policy, next.run, position);
        pagedNow ||= paged;
        next = { ...next, level: position.level + 1, loop: position.loop, nextAt: now };
        // An empty level hands over to the next one at once; otherwise the next waits for its time.
        hurry = !paged;
      }
      return next;
    }

    const results: EscalationState[] = [];
    for (const state of states) results.push(await stepOne(state));
    await writePages(trx, pages);
    await incidents.within(trx).recordMany(entries);
    await putEscalations(trx, results, now);
    return results;
  }

  /**
   * Starts the escalations of `list` in `trx`: incidents this transaction has just opened (`opened`:
   * nothing earlier to lock, all written in one statement), or a reopened one, which restarts as its
   * escalation's next run.
   */
  async function start(trx: Db, list: readonly Incident[], now: Date, opened: boolean): Promise<void> {
    const suppressed: TimelineEntry[] = [];
    const states: EscalationState[] = [];
    for (const incident of list) {
      const window = incident.serviceId
        ? await maintenanceAt(trx, `${incident.serviceId} ${now.toISOString()}`)
        : undefined;
      if (window) {
        suppressed.push({
          incident,
          actor: SYSTEM_ACTOR,
          kind: 'escalation_suppressed',
          data: { reason: 'the service is in maintenance', until: window.end.toISOString(), maintenance_id: window.id },
          at: now,
        });
        continue;
      }
      const policy = await policyFor(trx, incident.serviceId, incident.severity);
      if (!policy) {
        suppressed.push({
          incident,
          actor: SYSTEM_ACTOR,
          kind: 'escalation_suppressed',
          data: { reason: 'no escalation policy applies' },
          at: now,
        });
        continue;
      }
      const previous = opened ? undefined : await lockEscalation(trx, incident.id);
      states.push({
        incidentId: incident.id,
        policyId: policy.id,
        level: 0,
        loop: 0,
        run: previous ? previous.run + 1 : 0,
        startedAt: now,
        nextAt: levelDueAt(policy.levels, now, 0, 0),
        stoppedAt: null,
        stopReason: null,
      });
    }
    await incidents.within(trx).recordMany(suppressed);
    await putEscalations(trx, states, now);
    // A wake-up rather than work here: the sweep can only see these rows once this transaction commits.
    if (states.length > 0) sweepAfterCommit(trx);
  }

  async function stopFor(trx: Db, incidentId: string, status: string, now: Date): Promise<void> {
    const state = await lockEscalation(trx, incidentId);
    if (!state || state.nextAt === null) return;
    const policy = await loadPolicy(trx, state.policyId);
    const reason = policy ? stopReason(policy.escalateWhile, status) : 'policy deleted';
    if (reason) await putEscalation(trx, { ...state, nextAt: null, stoppedAt: now, stopReason: reason }, now);
  }

  /**
   * A severity change may call for another policy (a service's P0 policy, say). A running escalation
   * then switches to it from its first level, with delays still counted from when it started, so
   * levels already due are reached at once; it becomes a new run, so its pages are not taken for the
   * old policy's.
   */
  async function reconsider(trx: Db, incidentId: string, now: Date): Promise<void> {
    const state = await lockEscalation(trx, incidentId);
    if (!state || state.nextAt === null) return;
    const incident = await incidents.within(trx).load(incidentId);
    const policy = await policyFor(trx, incident.serviceId, incident.severity);
    if (!policy || policy.id === state.policyId) return;
    await putEscalation(
      trx,
      {
        ...state,
        policyId: policy.id,
        level: 0,
        loop: 0,
        run: state.run + 1,
        nextAt: levelDueAt(policy.levels, state.startedAt, 0, 0),
      },
      now,
    );
    await incidents
      .within(trx)
      .record(
        incident,
        SYSTEM_ACTOR,
        'escalation_policy_changed',
        { severity: incident.severity, policy: policy.name, policy_id: policy.id },
        now,
      );
    sweepAfterCommit(trx);
  }

  return {
    // Reactions to incident changes, inside the change's transaction (app.ts subscribes them).

    /** Starts the escalations of incidents the transaction has just opened. */
    start: (trx: Db, opened: readonly Incident[], now: Date) => start(trx, opened, now, true),

    /** Starts a reopened incident's escalation again, as its next run. */
    async restart(trx: Db, incidentId: string, now: Date): Promise<void> {
      await start(trx, [await incidents.within(trx).load(incidentId)], now, false);
    },

    /** Follows a severity change to the policy the new severity calls for, if it is another. */
    followSeverity: (trx: Db, incidentId: string, now: Date) => reconsider(trx, incidentId, now),

    /** Stops a running escalation when its policy says the incident's new status ends it. */
    stopIf: (trx: Db, incidentId: string, status: 'acknowledged' | 'resolved', now: Date) =>
      stopFor(trx, incidentId, status, now),

    /** Moves every due escalation on; returns how many rows it worked. Safe on several instances. */
    async sweep(): Promise<number> {
      let total = 0;
      for (;;) {
        const now = clock.now();
        const worked = await inTransaction(db, async (trx) => {
          const due = await claimDueEscalations(trx, now, CLAIM);
          if (due.length > 0) await advance(trx, due, now);
          return due.length;
        });
        total += worked;
        if (worked < CLAIM) return total;
        await yieldToEventLoop(); // a backlog of due escalations must not hold requests for its whole length
      }
    },

    /** When the next escalation falls due (for the engine's early wake-up), or null. */
    nextDue: () => earliestDue(db),

    /** Escalations due at `now` or before and the oldest due time, for the health check. */
    overdue: (now: Date) => overdueEscalations(db, now),

    /** Reaches the next level at once (responders and admins), whatever its delay. */
    async escalate(actor: Actor, ref: string): Promise<EscalationState> {
      authorize(actor, 'incident.write');
      return inTransaction(db, async (trx) => {
        const incident = await incidents.within(trx).load(ref);
        if (incident.status === 'resolved')
          throw new AppError('incident.invalid_transition', `${incident.number} is resolved; reopen it to escalate`, {
            status: incident.status,
          });
        let state = await lockEscalation(trx, incident.id);
        const now = clock.now();
        if (!state || state.nextAt === null) {
          // Stopped (acknowledged on an "unacknowledged" policy, or never started): escalating picks it up again
          // from where it was.
          const policy = state
            ? await policies.load(state.policyId, trx)
            : await policyFor(trx, incident.serviceId, incident.severity);
          if (!policy)
            throw new AppError('escalation.unavailable', 'no escalation policy applies to this incident', {});
          state = {
            incidentId: incident.id,
            policyId: policy.id,
            level: state?.level ?? 0,
            loop: state?.loop ?? 0,
            run: state?.run ?? 0,
            startedAt: state?.startedAt ?? now,
            nextAt: now,
            stoppedAt: null,
            stopReason: null,
          };
          const position = nextPosition(policy, state);
          if (!position)
            throw new AppError('escalation.conflict', `${incident.number} has reached every level of ${policy.name}`, {
              policy: policy.name,
            });
        }
        const [moved] = await advance(trx, [state], now, true, actor);
        return moved as EscalationState;
      });
    },

    async pages(actor: Actor, ref: string): Promise<Page[]> {
      authorize(actor, 'read');
      const incident = await incidents.within(db).load(ref);
      return listPages(db, incident.id);
    },

    async state(actor: Actor, ref: string): Promise<EscalationState | undefined> {
      authorize(actor, 'read');
      const incident = await incidents.within(db).load(ref);
      return findEscalation(db, incident.id);
    },

    /** Who each level of every policy would page at `at`, and who each schedule has on call. */
    async onCallOverview(actor: Actor, at: Date) {
      authorize(actor, 'read');
      const scheduleRows: Array<{ id: string; name: string; userIds: string[] }> = [];
      for (let cursor: string | undefined, more = true; more;) {
        const page = await schedules.list(actor, { limit: 100, cursor });
        for (const s of page.data)
          scheduleRows.push({ id: s.id, name: s.name, userIds: await schedules.onCall(s.id, at) });
        cursor = page.nextCursor ?? undefined;
        more = page.nextCursor !== null;
      }
      const policyRows: Array<{
        id: string;
        name: string;
        levels: Array<{ level: number; name: string | null; delaySeconds: number; userIds: string[] }>;
      }> = [];
      for (let cursor: string | undefined, more = true; more;) {
        const page = await policies.list(actor, { limit: 100, cursor });
        for (const p of page.data) {
          const levels = [];
          for (const [i, level] of p.levels.entries())
            levels.push({
              level: i + 1,
              name: level.name,
              delaySeconds: level.delaySeconds,
              userIds: (await peopleFor(db, level.targets, at)).map((u) => u.id),
            });
          policyRows.push({ id: p.id, name: p.name, levels });
        }
        cursor = page.nextCursor ?? undefined;
        more = page.nextCursor !== null;
      }
      return { at, schedules: scheduleRows, policies: policyRows };
    },
  };
}

export type EscalationService = ReturnType<typeof createEscalationService>;

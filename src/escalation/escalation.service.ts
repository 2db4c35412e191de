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
import { adminUserIds, authorize, SYSTEM_ACTOR, type Actor } from '../auth/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { IncidentsService } from '../incidents/index.js';
import type { SchedulesService } from '../schedules/index.js';
import type { ServicesService } from '../services/index.js';
import type { TeamsService } from '../teams/index.js';
import type { UsersService } from '../users/index.js';
import { claimDueEscalations, countPages, earliestDue, findEscalation, insertPages, listPages, lockEscalation, putEscalation, type EscalationState, type Page } from './escalation.repo.js';
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
}

/** Rows one sweep transaction claims. */
const CLAIM = 100;
/** Levels one step may reach at most (a long run of empty levels, repeats included). */
const MAX_LEVELS_PER_STEP = 50;

type Position = { level: number; loop: number };

/** The next level to reach after the state's, or null when the policy (with its repeats) is done. */
function nextPosition(policy: Policy, state: Pick<EscalationState, 'level' | 'loop'>): Position | null {
  if (state.level < policy.levels.length) return { level: state.level, loop: state.loop };
  if (state.loop < policy.repeat) return { level: 0, loop: state.loop + 1 };
  return null;
}

export function createEscalationService(deps: EscalationDeps) {
  const { db, clock, incidents, services, policies, schedules, teams, users } = deps;
  let wake: () => void = () => undefined;
  // Told of every page written, inside its transaction (notifications turn pages into messages).
  const pageListeners: Array<(trx: Db, pages: Page[]) => Promise<void>> = [];
  async function writePages(trx: Db, pages: Page[]): Promise<void> {
    const written = await insertPages(trx, pages);
    if (written.length > 0) for (const listener of pageListeners) await listener(trx, written);
  }

  async function policyFor(trx: Db, serviceId: string | null, severity: string): Promise<Policy | undefined> {
    const service = serviceId ? await services.load(serviceId, trx).catch(() => undefined) : undefined;
    const ref = service?.severityPolicies[severity] ?? service?.escalationPolicyId ?? SEED_POLICY_ID;
    return policies.load(ref, trx).catch(() => undefined);
  }

  /** Active people a level's targets name right now, each once, in target order. */
  async function peopleFor(trx: Db, targets: Target[], now: Date): Promise<Array<{ id: string; handle: string }>> {
    const ids: string[] = [];
    for (const target of targets) {
      if (target.type === 'user') ids.push(target.id);
      else if (target.type === 'schedule') ids.push(...(await schedules.onCall(target.id, now, trx).catch(() => [])));
      else ids.push(...((await teams.load(target.id, trx).catch(() => undefined))?.members ?? []));
    }
    const people: Array<{ id: string; handle: string }> = [];
    for (const id of new Set(ids)) {
      const user = await users.find(id, trx);
      if (user && !user.deactivatedAt) people.push({ id: user.id, handle: user.handle });
    }
    return people;
  }

  /** Reaches one level: pages its people, or records that nobody was there. Returns whether anyone was paged. */
  async function reach(trx: Db, incident: { id: string; number: string }, policy: Policy, run: number, at: Position, now: Date, actor: Actor): Promise<boolean> {
    const level = policy.levels[at.level] as Level;
    const number = at.level + 1;
    const people = await peopleFor(trx, level.targets, now);
    const inc = incidents.within(trx);
    const about = { level: number, name: level.name, loop: at.loop, policy: policy.name };
    if (people.length === 0) {
      await inc.record(incident, actor, 'escalation_skipped', { ...about, reason: 'nobody to page at this level' }, now);
      return false;
    }
    const reason = `level ${number}${level.name ? ` (${level.name})` : ''} of ${policy.name}${at.loop > 0 ? `, repeat ${at.loop}` : ''}`;
    const pages: Page[] = people.map(({ id: userId }) => ({ id: newId('pg', now), incidentId: incident.id, run, level: number, loop: at.loop, userId, at: now, reason }));
    await writePages(trx, pages);
    await inc.record(incident, actor, 'escalated', { ...about, paged: people }, now);
    return true;
  }

  /**
   * Moves one escalation on as far as `now` allows (or one level at once when `force`), then stores
   * where it stands. The caller holds the row (claimed or locked) in `trx`.
   */
  async function step(trx: Db, state: EscalationState, now: Date, force = false, actor: Actor = SYSTEM_ACTOR): Promise<EscalationState> {
    const incident = await incidents.within(trx).load(state.incidentId);
    const policy = await policies.load(state.policyId, trx).catch(() => undefined);
    let next: EscalationState = { ...state };
    const stop = (reason: string): EscalationState => ({ ...next, nextAt: null, stoppedAt: now, stopReason: reason });
    // Escalating by hand goes on while the incident is unresolved, whatever the policy's condition.
    const stopped = !policy ? 'policy deleted' : force ? (incident.status === 'resolved' ? 'resolved' : null) : stopReason(policy.escalateWhile, incident.status);
    if (!policy || stopped) next = stop(stopped ?? 'policy deleted');
    else {
      let hurry = force;
      for (let i = 0; i < MAX_LEVELS_PER_STEP; i++) {
        const position = nextPosition(policy, next);
        if (!position) {
          next = stop('policy exhausted');
          if ((await countPages(trx, incident.id, next.run)) === 0) await alertAdmins(trx, incident, policy, next.run, now);
          break;
        }
        const due = levelDueAt(policy.levels, next.startedAt, position.loop, position.level);
        if (!hurry && due > now) {
          next = { ...next, nextAt: due };
          break;
        }
        const paged = await reach(trx, incident, policy, next.run, position, now, actor);
        next = { ...next, level: position.level + 1, loop: position.loop, nextAt: now };
        // An empty level hands over to the next one at once; otherwise the next waits for its time.
        hurry = !paged;
      }
    }
    await putEscalation(trx, next, now);
    return next;
  }

  async function alertAdmins(trx: Db, incident: { id: string; number: string }, policy: Policy, run: number, now: Date): Promise<void> {
    const admins = await adminUserIds(trx);
    await writePages(trx, admins.map((userId) => ({ id: newId('pg', now), incidentId: incident.id, run, level: 0, loop: 0, userId, at: now, reason: `${policy.name} ran out of levels without reaching anyone` })));
    await incidents.within(trx).record(incident, SYSTEM_ACTOR, 'escalation_exhausted', { policy: policy.name, reached: 0, admins_paged: admins.length }, now);
  }

  /** Starts (or, for a reopened incident, restarts) the escalation of an incident in `trx`. */
  async function start(trx: Db, incidentId: string, now: Date): Promise<void> {
    const incident = await incidents.within(trx).load(incidentId);
    const inc = incidents.within(trx);
    if (incident.serviceId) {
      const window = await services.activeMaintenance(trx, incident.serviceId, now);
      if (window) {
        await inc.record(incident, SYSTEM_ACTOR, 'escalation_suppressed', { reason: 'the service is in maintenance', until: window.end.toISOString(), maintenance_id: window.id }, now);
        return;
      }
    }
    const policy = await policyFor(trx, incident.serviceId, incident.severity);
    if (!policy) {
      await inc.record(incident, SYSTEM_ACTOR, 'escalation_suppressed', { reason: 'no escalation policy applies' }, now);
      return;
    }
    const previous = await lockEscalation(trx, incidentId);
    const state: EscalationState = { incidentId, policyId: policy.id, level: 0, loop: 0, run: previous ? previous.run + 1 : 0, startedAt: now, nextAt: levelDueAt(policy.levels, now, 0, 0), stoppedAt: null, stopReason: null };
    await putEscalation(trx, state, now);
    // A wake-up rather than work here: the sweep runs after this transaction commits (the 1 s tick covers a slow commit).
    setTimeout(() => wake(), 20).unref();
  }

  async function stopFor(trx: Db, incidentId: string, status: string, now: Date): Promise<void> {
    const state = await lockEscalation(trx, incidentId);
    if (!state || state.nextAt === null) return;
    const policy = await policies.load(state.policyId, trx).catch(() => undefined);
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
    await putEscalation(trx, { ...state, policyId: policy.id, level: 0, loop: 0, run: state.run + 1, nextAt: levelDueAt(policy.levels, state.startedAt, 0, 0) }, now);
    await incidents.within(trx).record(incident, SYSTEM_ACTOR, 'escalation_policy_changed', { severity: incident.severity, policy: policy.name, policy_id: policy.id }, now);
    setTimeout(() => wake(), 20).unref();
  }

  // Incidents tell us of every timeline entry inside its transaction.
  incidents.onEvent(async (trx, incidentId, kind, now) => {
    if (kind === 'created' || kind === 'reopened') await start(trx, incidentId, now);
    else if (kind === 'severity_changed') await reconsider(trx, incidentId, now);
    else if (kind === 'acknowledged') await stopFor(trx, incidentId, 'acknowledged', now);
    else if (kind === 'resolved') await stopFor(trx, incidentId, 'resolved', now);
  });

  return {
    /** Runs `listener` in the transaction that writes pages, with the pages written (never one twice). */
    onPages(listener: (trx: Db, pages: Page[]) => Promise<void>): void {
      pageListeners.push(listener);
    },

    /** The engine's wake-up, called soon after an escalation becomes due at once. */
    setWaker(fn: () => void): void {
      wake = fn;
    },

    /** Moves every due escalation on; returns how many rows it worked. Safe on several instances. */
    async sweep(): Promise<number> {
      let total = 0;
      for (;;) {
        const now = clock.now();
        const worked = await inTransaction(db, async (trx) => {
          const due = await claimDueEscalations(trx, now, CLAIM);
          for (const state of due) await step(trx, state, now);
          return due.length;
        });
        total += worked;
        if (worked < CLAIM) return total;
      }
    },

    /** When the next escalation falls due (for the engine's early wake-up), or null. */
    nextDue: () => earliestDue(db),

    /** Reaches the next level at once (responders and admins), whatever its delay. */
    async escalate(actor: Actor, ref: string): Promise<EscalationState> {
      authorize(actor, 'incident.write');
      return inTransaction(db, async (trx) => {
        const incident = await incidents.within(trx).load(ref);
        if (incident.status === 'resolved') throw new AppError('incident.invalid_transition', `${incident.number} is resolved; reopen it to escalate`, { status: incident.status });
        let state = await lockEscalation(trx, incident.id);
        const now = clock.now();
        if (!state || state.nextAt === null) {
          // Stopped (acknowledged on an "unacknowledged" policy, or never started): escalating picks it up again from where it was.
          const policy = state ? await policies.load(state.policyId, trx) : await policyFor(trx, incident.serviceId, incident.severity);
          if (!policy) throw new AppError('escalation.unavailable', 'no escalation policy applies to this incident', {});
          state = { incidentId: incident.id, policyId: policy.id, level: state?.level ?? 0, loop: state?.loop ?? 0, run: state?.run ?? 0, startedAt: state?.startedAt ?? now, nextAt: now, stoppedAt: null, stopReason: null };
          const position = nextPosition(policy, state);
          if (!position) throw new AppError('escalation.conflict', `${incident.number} has reached every level of ${policy.name}`, { policy: policy.name });
        }
        return step(trx, state, now, true, actor);
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
      for (let cursor: string | undefined, more = true; more; ) {
        const page = await schedules.list(actor, { limit: 100, cursor });
        for (const s of page.data) scheduleRows.push({ id: s.id, name: s.name, userIds: await schedules.onCall(s.id, at) });
        cursor = page.nextCursor ?? undefined;
        more = page.nextCursor !== null;
      }
      const policyRows: Array<{ id: string; name: string; levels: Array<{ level: number; name: string | null; delaySeconds: number; userIds: string[] }> }> = [];
      for (let cursor: string | undefined, more = true; more; ) {
        const page = await policies.list(actor, { limit: 100, cursor });
        for (const p of page.data) {
          const levels = [];
          for (const [i, level] of p.levels.entries()) levels.push({ level: i + 1, name: level.name, delaySeconds: level.delaySeconds, userIds: (await peopleFor(db, level.targets, at)).map((u) => u.id) });
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

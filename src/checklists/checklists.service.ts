// Runbooks and incidents' checklists. Admins (service.write: those who configure services configure the
// runbooks assigned to them) edit runbooks; every role reads them. When incidents open, each gets its
// checklist fixed from the runbook the rule in runbook.ts picks. Responders and admins tick and untick
// steps; every tick, untick and self-completion is a timeline entry of the incident, written in the same
// transaction as the step. completeOn is the one door for "this happened to that incident": any feature's
// reaction calls it inside its own transaction.
//
// Locks (PostgreSQL): checklist step rows come last. A tick updates one step row and inserts a timeline
// entry (a key-share lock on the incident, which the incident's own plain UPDATEs do not conflict with);
// completeOn runs inside a transaction that may already hold the incident row or outbox rows and takes
// only step rows; the window sweep takes step rows and nothing after them.
import { authorize, SYSTEM_ACTOR, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Incident, Phase, Severity } from '../incident.js';
import type { IncidentsService } from '../incidents/index.js';
import type { ServicesService } from '../services/index.js';
import { phaseEvents } from './auto-events.js';
import { checkToggle, stepData, type Checklist, type ChecklistStep } from './checklist.js';
import {
  allRunbooks,
  completeActionSteps,
  completeWaiting,
  deleteRunbook,
  findChecklist,
  findRunbook,
  findStep,
  insertChecklists,
  insertRunbook,
  insertRunbookIfAbsent,
  listRunbooks,
  listSteps,
  openedBetween,
  setWindow,
  tickStep,
  untickStep,
  updateRunbook,
  windowsEnded,
} from './checklists.repo.js';
import {
  DEFAULT_RUNBOOK_DESCRIPTION,
  DEFAULT_RUNBOOK_ID,
  DEFAULT_RUNBOOK_NAME,
  defaultSteps,
} from './default-runbook.js';
import { normalizeSteps, pickRunbook, type Runbook, type RunbookStep } from './runbook.js';

const WINDOW_EVENT = 'monitoring.enhanced_window_ended';

export interface ChecklistsDeps {
  db: Db;
  clock: Clock;
  incidents: IncidentsService;
  services: ServicesService;
  /** How long enhanced monitoring lasts after a resolve (the monitors' own constant). */
  enhancedForMs: number;
}

export interface RunbookInput {
  name: string;
  description?: string | null | undefined;
  /** Service ids or names; severities. Empty or absent: not narrowed by that attribute. */
  serviceIds?: string[] | undefined;
  severities?: Severity[] | undefined;
  steps: RunbookStep[];
}

export type RunbookPatch = Partial<RunbookInput>;

/** An incident's checklist as shown: its runbook (null when none applied) and its steps. */
export interface ChecklistView {
  incident: Pick<Incident, 'id' | 'number'>;
  checklist: Checklist | null;
  steps: ChecklistStep[];
}

export function createChecklistsService({ db, clock, incidents, services, enhancedForMs }: ChecklistsDeps) {
  async function load(q: Db, id: string): Promise<Runbook> {
    const found = await findRunbook(q, id);
    if (!found) throw notFound('runbook', id);
    return found;
  }

  /** Service refs (ids or names) → ids; 422 naming the first that is no service. */
  async function serviceIds(refs: readonly string[], q: Db): Promise<string[]> {
    const ids: string[] = [];
    for (const ref of refs) {
      const found = await services.load(ref, q).catch(() => undefined);
      if (!found)
        throw new AppError(
          'runbook.unknown_service',
          `applies_to.service_ids: ${JSON.stringify(ref)} is not a service`,
          { field: 'applies_to.service_ids', service: ref },
          'unprocessable',
        );
      if (!ids.includes(found.id)) ids.push(found.id);
    }
    return ids;
  }

  /** Writes self-completions as timeline entries of the incident. */
  async function recordCompleted(trx: Db, incidentId: string, steps: ChecklistStep[], at: Date): Promise<void> {
    if (steps.length === 0) return;
    const incident = await incidents.within(trx).load(incidentId);
    await incidents.within(trx).recordMany(
      steps.map((s) => ({
        incident,
        actor: SYSTEM_ACTOR,
        kind: 'checklist_completed',
        data: { ...stepData(s), event: s.doneEvent },
        at,
      })),
    );
  }

  /**
   * Completes every step of the incident's checklist waiting for one of `events` (not done, never completed
   * itself before) and writes a checklist_completed entry for each, in the caller's transaction. Calling it
   * again for the same event completes nothing more. Returns the steps it completed.
   */
  async function completeOn(
    trx: Db,
    incidentId: string,
    events: string | readonly string[],
    at: Date,
  ): Promise<ChecklistStep[]> {
    const done = await completeWaiting(trx, incidentId, typeof events === 'string' ? [events] : events, at);
    await recordCompleted(trx, incidentId, done, at);
    return done;
  }

  async function toggle(actor: Actor, ref: string, stepId: string, tick: boolean): Promise<ChecklistStep> {
    authorize(actor, 'incident.write');
    const incident = await incidents.get(actor, ref);
    return inTransaction(db, async (trx) => {
      const step = await findStep(trx, incident.id, stepId);
      if (!step) throw notFound('checklist_step', stepId);
      checkToggle(step, tick);
      const now = clock.now();
      const by = { type: actor.type, id: actor.id, name: actor.name };
      const changed = tick ? await tickStep(trx, step.id, by, now) : await untickStep(trx, step.id);
      if (!changed) checkToggle({ ...step, doneAt: tick ? now : null }, tick); // someone else was first
      const data = { ...stepData(step), ...(!tick && step.doneEvent && { completed_on: step.doneEvent }) };
      await incidents.within(trx).record(incident, actor, tick ? 'checklist_ticked' : 'checklist_unticked', data, now);
      await audit(trx, clock, actor, {
        action: tick ? 'checklist.tick' : 'checklist.untick',
        target: { type: 'checklist_step', id: step.id },
        details: { incident_id: incident.id, text: step.text },
      });
      return (await findStep(trx, incident.id, step.id)) as ChecklistStep;
    });
  }

  return {
    completeOn,

    /** Completes the incident's steps that run the action `name` (it just succeeded), in the caller's transaction. */
    async actionSucceeded(trx: Db, incidentId: string, name: string, at: Date): Promise<ChecklistStep[]> {
      const done = await completeActionSteps(trx, incidentId, name, at);
      await recordCompleted(trx, incidentId, done, at);
      return done;
    },

    /**
     * Writes the seed's runbook as the default unless it exists: at every start, so the first start imports
     * it and later ones (and other instances starting at the same time) leave it, and its edits, alone.
     * True when this call wrote it.
     */
    async importDefault(): Promise<boolean> {
      const now = clock.now();
      return insertRunbookIfAbsent(db, {
        id: DEFAULT_RUNBOOK_ID,
        name: DEFAULT_RUNBOOK_NAME,
        description: DEFAULT_RUNBOOK_DESCRIPTION,
        isDefault: true,
        appliesTo: { serviceIds: [], severities: [] },
        steps: normalizeSteps(defaultSteps()),
        createdAt: now,
        updatedAt: now,
      });
    },

    async create(actor: Actor, input: RunbookInput): Promise<Runbook> {
      authorize(actor, 'service.write');
      const steps = normalizeSteps(input.steps);
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        const r: Runbook = {
          id: newId('rb', now),
          name: input.name,
          description: input.description ?? null,
          isDefault: false,
          appliesTo: { serviceIds: await serviceIds(input.serviceIds ?? [], trx), severities: input.severities ?? [] },
          steps,
          createdAt: now,
          updatedAt: now,
        };
        await insertRunbook(trx, r);
        await audit(trx, clock, actor, {
          action: 'runbook.create',
          target: { type: 'runbook', id: r.id },
          details: { name: r.name, steps: r.steps.length, applies_to: r.appliesTo },
        });
        return r;
      });
    },

    async get(actor: Actor, id: string): Promise<Runbook> {
      authorize(actor, 'read');
      return load(db, id);
    },

    async list(actor: Actor, q: { limit: number; cursor?: string | undefined }) {
      authorize(actor, 'read');
      const rows = await listRunbooks(db, { limit: q.limit + 1, before: q.cursor });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    /** Changes a runbook; checklists already fixed keep their copy. The default applies to no one in particular. */
    async update(actor: Actor, id: string, patch: RunbookPatch): Promise<Runbook> {
      authorize(actor, 'service.write');
      const steps = patch.steps && normalizeSteps(patch.steps);
      return inTransaction(db, async (trx) => {
        const before = await load(trx, id);
        if (before.isDefault && (patch.serviceIds?.length || patch.severities?.length))
          throw new AppError(
            'runbook.invalid',
            'applies_to: the default runbook applies to every incident no other runbook is assigned to; ' +
              'create another runbook for these services or severities',
            { field: 'applies_to', runbook: id },
          );
        const after: Runbook = {
          ...before,
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.description !== undefined && { description: patch.description }),
          appliesTo: {
            serviceIds:
              patch.serviceIds !== undefined ? await serviceIds(patch.serviceIds, trx) : before.appliesTo.serviceIds,
            severities: patch.severities ?? before.appliesTo.severities,
          },
          steps: steps ?? before.steps,
          updatedAt: clock.now(),
        };
        await updateRunbook(trx, after);
        await audit(trx, clock, actor, {
          action: 'runbook.update',
          target: { type: 'runbook', id },
          details: { changed: Object.keys(patch).filter((k) => patch[k as keyof RunbookPatch] !== undefined) },
        });
        return after;
      });
    },

    /** Deletes a runbook (not the default: it is what applies when nothing else does); checklists keep their copy. */
    async remove(actor: Actor, id: string): Promise<void> {
      authorize(actor, 'service.write');
      await inTransaction(db, async (trx) => {
        const found = await load(trx, id);
        if (found.isDefault || !(await deleteRunbook(trx, id)))
          throw new AppError(
            'runbook.conflict',
            'the default runbook cannot be deleted: it applies when no other does; edit its steps instead',
            { runbook: id },
          );
        await audit(trx, clock, actor, {
          action: 'runbook.delete',
          target: { type: 'runbook', id },
          details: { name: found.name },
        });
      });
    },

    /** An incident's checklist with who did each step, or what completed it. */
    async checklist(actor: Actor, ref: string): Promise<ChecklistView> {
      authorize(actor, 'read');
      const incident = await incidents.get(actor, ref);
      const [checklist, steps] = await Promise.all([findChecklist(db, incident.id), listSteps(db, incident.id)]);
      return { incident, checklist: checklist ?? null, steps };
    },

    /** Ticks a step of the incident's checklist by hand (404 when it is no step of this incident). */
    tick: (actor: Actor, ref: string, stepId: string) => toggle(actor, ref, stepId, true),
    /** Unticks a done step, also one that completed itself (it will not complete itself again). */
    untick: (actor: Actor, ref: string, stepId: string) => toggle(actor, ref, stepId, false),

    /** Reaction to incident.opened: fixes each new incident's checklist from the runbook that applies. */
    async incidentsOpened(trx: Db, opened: readonly Incident[], at: Date): Promise<void> {
      const runbooks = await allRunbooks(trx);
      const lists = opened.flatMap((incident) => {
        const r = pickRunbook(runbooks, incident.serviceId, incident.severity);
        if (!r) return [];
        const checklist = { incidentId: incident.id, runbookId: r.id, runbookName: r.name, fixedAt: at };
        return [{ checklist, steps: r.steps.map((s) => ({ ...s, id: newId('cks', at) })) }];
      });
      await insertChecklists(trx, lists);
    },

    /** Reaction to a phase change: steps waiting for that phase, or an earlier one, complete. */
    phaseReached: (trx: Db, incidentId: string, phase: Phase, at: Date) =>
      completeOn(trx, incidentId, phaseEvents(phase), at),

    /** Reaction to incident.resolved: resolve and resolution-phase steps complete; the monitoring window starts. */
    async incidentResolved(trx: Db, incidentId: string, at: Date): Promise<void> {
      await completeOn(trx, incidentId, ['incident.resolved', ...phaseEvents('resolution')], at);
      await setWindow(trx, incidentId, WINDOW_EVENT, new Date(at.getTime() + enhancedForMs));
    },

    /** Reaction to incident.reopened: its problem came back, so its monitoring window no longer runs. */
    incidentReopened: (trx: Db, incidentId: string) => setWindow(trx, incidentId, WINDOW_EVENT, null),

    /**
     * The engine's checklist-windows sweep: for each incident whose enhanced-monitoring window has ended,
     * completes its waiting steps unless another incident of its service opened during the window (then the
     * steps are left for a person to judge); either way the window is settled. Each incident in its own
     * transaction; the conditional update makes two instances complete a step once. Resolves to how many
     * incidents had steps completed.
     */
    async sweepWindows(limit = 100): Promise<number> {
      const now = clock.now();
      let completed = 0;
      for (const { incidentId, endsAt } of await windowsEnded(db, now, limit)) {
        const done = await inTransaction(db, async (trx) => {
          const incident = await incidents.within(trx).load(incidentId);
          const from = new Date(endsAt.getTime() - enhancedForMs);
          const recurred =
            incident.status !== 'resolved' ||
            (incident.serviceId !== null && (await openedBetween(trx, incident.serviceId, incident.id, from, endsAt)));
          const steps = recurred ? [] : await completeOn(trx, incidentId, WINDOW_EVENT, endsAt);
          await setWindow(trx, incidentId, WINDOW_EVENT, null);
          return steps.length;
        });
        if (done > 0) completed += 1;
      }
      return completed;
    },
  };
}

export type ChecklistsService = ReturnType<typeof createChecklistsService>;

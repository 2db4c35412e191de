// Invocations of mitigation actions: invoking one on an incident, the second person's approval, cancelling,
// and the work of whoever runs it — a runner (through the runner routes) or Vigil's HTTP lane — claiming it
// with a lease, appending output, finishing it. Each move is one transaction that changes the invocation
// conditionally on the state it was read in and writes its timeline entry and audit row; the lease sweep
// cancels approval requests nobody answered and fails invocations whose holder stopped renewing its lease.
import { authorize, SYSTEM_ACTOR, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Publish } from '../bus.js';
import type { Clock } from '../clock.js';
import { afterCommit, inSavepoint, inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { GroupCommitter } from '../db/group-commit.js';
import type { IncidentsService } from '../incidents/index.js';
import type { ServicesService } from '../services/index.js';
import {
  APPROVAL_TTL_MS,
  FINAL_STATES,
  LEASE_MS,
  MAINTENANCE_PARAM,
  TRUNCATED_MARKER,
  appliesTo,
  byteLength,
  expectState,
  fitChunk,
  needsApproval,
  outputTail,
  withDryRun,
  type InvocationState,
  type OutputStream,
} from './action.js';
import {
  dueForSweep,
  findInvocation,
  insertInvocation,
  insertOutput,
  listInvocations,
  nextDueAt,
  nextQueued,
  outputAfter,
  saveInvocation,
  type Invocation,
  type OutputChunk,
  type Runner,
  type Who,
} from './actions.repo.js';
import type { DefinitionsService } from './definitions.service.js';
import { checkParams, type ParamValue } from './params.js';
import { invocationTopic, queueTopic, type Signals } from './signals.js';
import type { TemplateContext } from './template.js';

export type Outcome = 'succeeded' | 'failed' | 'timed_out' | 'cancelled';

/** What the actions feature publishes on the app's bus. */
export interface ActionEvents {
  /** An invocation (not a dry run) succeeded, inside the transaction that recorded it. */
  'action.succeeded': { trx: Db; incidentId: string; name: string; invocationId: string; at: Date };
}

export interface InvocationsDeps {
  db: Db;
  clock: Clock;
  incidents: IncidentsService;
  services: ServicesService;
  definitions: DefinitionsService;
  signals: Signals;
  publish: Publish<ActionEvents>;
}

export interface Finish {
  outcome: Outcome;
  exitCode?: number | null | undefined;
  signal?: string | null | undefined;
  httpStatus?: number | null | undefined;
  error?: string | null | undefined;
  /** The last of the output, stored with the finish in its transaction. */
  chunks?: ReadonlyArray<{ stream: OutputStream; data: string }> | undefined;
}

/** What the holder of a running invocation hears back on each post. */
export interface LeaseReply {
  cancel: boolean;
  leaseExpiresAt: Date;
}

export interface InvocationListQuery {
  limit: number;
  cursor?: string | undefined;
  incident?: string | undefined;
  service?: string | undefined;
  state?: InvocationState | undefined;
}

const who = (a: Actor): Who => ({ type: a.type, id: a.id, name: a.name });

/** The actor a runner (or Vigil's HTTP lane) acts as on the timeline and in the audit log. */
export const holderActor = (id: string, name: string): Actor => ({ type: 'system', id, name, role: 'admin' });

export function createInvocationsService({
  db,
  clock,
  incidents,
  services,
  definitions,
  signals,
  publish,
}: InvocationsDeps) {
  async function load(q: Db, id: string): Promise<Invocation> {
    const found = await findInvocation(q, id);
    if (!found) throw notFound('invocation', id);
    return found;
  }

  /** Tells waiting runners, the HTTP lane and output streams after the transaction commits. */
  function wake(trx: Db, inv: Invocation): void {
    afterCommit(trx, () => {
      signals.emit(invocationTopic(inv.id));
      if (inv.state === 'queued') signals.emitOne(queueTopic(inv.runnerGroup));
    });
  }

  async function timeline(trx: Db, inv: Invocation, actor: Actor, kind: string, data: Record<string, unknown>) {
    await incidents
      .within(trx)
      .record(
        { id: inv.incidentId, number: inv.incidentNumber },
        actor,
        kind,
        { invocation_id: inv.id, name: inv.name, dry_run: inv.dryRun, ...data },
        clock.now(),
      );
  }

  async function auditMove(trx: Db, actor: Actor, inv: Invocation, move: string, details: Record<string, unknown>) {
    await audit(trx, clock, actor, {
      action: `action.${move}`,
      target: { type: 'invocation', id: inv.id },
      details: { name: inv.name, incident_id: inv.incidentId, state: inv.state, ...details },
    });
  }

  /** Queued now: a maintenance_mode action's own half opens Vigil's maintenance window (not on a dry run). */
  async function queued(trx: Db, inv: Invocation, actor: Actor, now: Date): Promise<Invocation> {
    const next: Invocation = { ...inv, state: 'queued', queuedAt: now, updatedAt: now };
    const minutes = inv.params[MAINTENANCE_PARAM];
    if (inv.definition.category !== 'maintenance_mode' || inv.dryRun || typeof minutes !== 'number') return next;
    const serviceIds = inv.serviceId ? [inv.serviceId] : inv.definition.serviceIds;
    const ids = await services.openWindows(trx, serviceIds, {
      start: now,
      end: new Date(now.getTime() + minutes * 60_000),
      reason: `maintenance mode by action "${inv.name}" (${inv.incidentNumber})`,
      createdBy: actor.type === 'user' ? actor.id : null,
      at: now,
    });
    return { ...next, maintenanceIds: ids };
  }

  /** Output text as stored, for the timeline's summary. */
  async function outputText(q: Db, id: string): Promise<string> {
    const chunks = await outputAfter(q, id, 0, 10_000);
    return chunks.map((c) => c.data).join('');
  }

  /** Moves an invocation to a final state, in the caller's transaction; false when it was not in `from`. */
  async function settle(
    trx: Db,
    inv: Invocation,
    from: InvocationState,
    actor: Actor,
    finish: Finish,
    holder?: string,
  ): Promise<boolean> {
    const now = clock.now();
    const after: Invocation = {
      ...inv,
      state: finish.outcome,
      finishedAt: now,
      exitCode: finish.exitCode ?? inv.exitCode,
      signal: finish.signal ?? inv.signal,
      httpStatus: finish.httpStatus ?? inv.httpStatus,
      reason: finish.error ?? inv.reason,
      leaseExpiresAt: null,
      updatedAt: now,
    };
    if (!(await saveInvocation(trx, after, from, holder))) return false;
    // Maintenance mode that did not happen: Vigil's own window closes again.
    if (finish.outcome !== 'succeeded' && after.maintenanceIds.length > 0)
      await services.closeWindows(trx, after.maintenanceIds, now);
    const tail = outputTail(await outputText(trx, inv.id));
    await timeline(trx, after, actor, 'action_finished', {
      state: after.state,
      exit_code: after.exitCode,
      http_status: after.httpStatus,
      reason: after.reason,
      output: tail,
    });
    await auditMove(trx, actor, after, 'finish', {
      exit_code: after.exitCode,
      signal: after.signal,
      http_status: after.httpStatus,
      reason: after.reason,
    });
    if (after.state === 'succeeded' && !after.dryRun)
      await publish('action.succeeded', {
        trx,
        incidentId: after.incidentId,
        name: after.name,
        invocationId: after.id,
        at: now,
      });
    wake(trx, after);
    return true;
  }

  function decider(actor: Actor, inv: Invocation, move: 'approve' | 'reject'): void {
    authorize(actor, 'incident.write');
    if (actor.id !== null && actor.id === inv.invokedBy.id)
      throw new AppError(
        'action.forbidden',
        `a second person must ${move} it: ${inv.invokedBy.name} invoked it` +
          (move === 'reject' ? ' (to withdraw it, cancel it)' : ''),
        { invoked_by: inv.invokedBy.name },
        'forbidden',
      );
    expectState(inv.state, ['awaiting_approval'], move);
    if (inv.approvalExpiresAt && clock.now() >= inv.approvalExpiresAt)
      throw new AppError(
        'action.conflict',
        `the approval request expired at ${inv.approvalExpiresAt.toISOString()} (15 minutes after it was made); ` +
          'invoke the action again',
        { approval_expires_at: inv.approvalExpiresAt.toISOString() },
      );
  }

  /** Renews the lease of a running invocation held by `holder`; 409 when it is not (or no longer) its. */
  async function renew(trx: Db, holder: string, id: string): Promise<{ inv: Invocation; reply: LeaseReply }> {
    const inv = await load(trx, id);
    if (inv.state !== 'running' || inv.holder !== holder)
      throw new AppError(
        'action.conflict',
        inv.state === 'running'
          ? 'this invocation is held by another runner'
          : `this invocation is ${inv.state.replace('_', ' ')}, not running: stop the command`,
        { state: inv.state },
      );
    const now = clock.now();
    const after = { ...inv, leaseExpiresAt: new Date(now.getTime() + LEASE_MS), updatedAt: now };
    return { inv: after, reply: { cancel: inv.cancelRequested, leaseExpiresAt: after.leaseExpiresAt } };
  }

  /**
   * Stores output in the caller's transaction (the caller saves the returned invocation). At most 64 KiB is
   * kept: the chunk crossing the cap is cut on a character boundary and followed by a marker; later output
   * is dropped.
   */
  async function appendIn(
    trx: Db,
    inv: Invocation,
    chunks: ReadonlyArray<{ stream: OutputStream; data: string }>,
  ): Promise<Invocation> {
    const now = clock.now();
    const rows: OutputChunk[] = [];
    let { outputSeq: seq, outputTruncated: truncated } = inv;
    let kept = inv.outputBytes;
    for (const c of chunks) {
      if (truncated || c.data === '') continue;
      const { keep, cut } = fitChunk(kept, c.data);
      if (keep) rows.push({ seq: ++seq, stream: c.stream, data: keep, at: now });
      kept += byteLength(keep);
      if (cut) {
        rows.push({ seq: ++seq, stream: 'system', data: TRUNCATED_MARKER, at: now });
        truncated = true;
      }
    }
    await insertOutput(trx, inv.id, rows);
    if (rows.length > 0) afterCommit(trx, () => signals.emit(invocationTopic(inv.id)));
    return { ...inv, outputSeq: seq, outputTruncated: truncated, outputBytes: kept };
  }

  /**
   * `work` for the items that arrive together, in one transaction: one commit (one fsync) for a burst of
   * runners claiming, posting output or finishing, each answered once it committed. Each item runs in a
   * savepoint, so one refused (an AppError: not its holder's, moved on) is undone alone and answered with
   * its own error while the others commit.
   */
  function batched<T, R>(work: (trx: Db, item: T) => Promise<R>): (item: T) => Promise<R> {
    const committer = new GroupCommitter<T, R | AppError>(
      (items) =>
        inTransaction(db, async (trx) => {
          const results: Array<R | AppError> = [];
          for (const item of items) {
            try {
              results.push(await inSavepoint(trx, () => work(trx, item)));
            } catch (error) {
              if (!(error instanceof AppError)) throw error;
              results.push(error);
            }
          }
          return results;
        }),
      { maxBatch: 256, maxQueue: 4_096, maxWaitMs: 2 },
      'action',
    );
    return async (item) => {
      const result = await committer.submit(item);
      if (result instanceof AppError) throw result;
      return result;
    };
  }

  /** A new invocation stored (queued at once unless it awaits approval), group-committed with others. */
  type Insert = { base: Invocation; actor: Actor; now: Date };
  const insertOne = batched(async (trx, { base, actor, now }: Insert): Promise<Invocation> => {
    const inv = base.approvalRequired ? base : await queued(trx, base, actor, now);
    await insertInvocation(trx, inv);
    await timeline(trx, inv, actor, 'action_invoked', {
      category: inv.definition.category,
      state: inv.state,
      params: inv.params,
      approval_expires_at: inv.approvalExpiresAt?.toISOString() ?? null,
    });
    await auditMove(trx, actor, inv, 'invoke', { params: inv.params, dry_run: inv.dryRun });
    wake(trx, inv);
    return inv;
  });

  type Append = { holder: string; id: string; chunks: ReadonlyArray<{ stream: OutputStream; data: string }> };
  const appendOne = batched(async (trx, { holder, id, chunks }: Append): Promise<LeaseReply> => {
    const { inv, reply } = await renew(trx, holder, id);
    const after = await appendIn(trx, inv, chunks);
    if (!(await saveInvocation(trx, after, 'running', holder)))
      throw new AppError('action.conflict', 'this invocation is no longer held by this runner', { id });
    return reply;
  });

  type Claim = { group: string | null; holder: { id: string; name: string } };
  const claimOne = batched(async (trx, { group, holder }: Claim): Promise<Invocation | undefined> => {
    const inv = await nextQueued(trx, group);
    if (!inv) return undefined;
    const now = clock.now();
    const after: Invocation = {
      ...inv,
      state: 'running',
      holder: holder.id,
      holderName: holder.name,
      startedAt: now,
      leaseExpiresAt: new Date(now.getTime() + LEASE_MS),
      updatedAt: now,
    };
    if (!(await saveInvocation(trx, after, 'queued'))) return undefined;
    const actor = holderActor(holder.id, holder.name);
    await timeline(trx, after, actor, 'action_started', { by: holder.name });
    await auditMove(trx, actor, after, 'start', { holder: holder.name });
    wake(trx, after);
    return after;
  });

  type Finishing = { holder: { id: string; name: string }; id: string; finish: Finish };
  const finishOne = batched(async (trx, { holder, id, finish }: Finishing): Promise<Invocation> => {
    const inv = await load(trx, id);
    if (inv.state !== 'running' || inv.holder !== holder.id)
      throw new AppError(
        'action.conflict',
        `this invocation is ${inv.state.replace('_', ' ')}${inv.state === 'running' ? ' by another runner' : ''}`,
        { state: inv.state },
      );
    const held = finish.chunks?.length ? await appendIn(trx, inv, finish.chunks) : inv;
    const outcome: Finish =
      inv.cancelRequested && finish.outcome !== 'succeeded'
        ? { ...finish, outcome: 'cancelled', error: finish.error ?? 'cancelled on request' }
        : finish;
    if (!(await settle(trx, held, 'running', holderActor(holder.id, holder.name), outcome, holder.id)))
      throw new AppError('action.conflict', 'this invocation moved on meanwhile', { id });
    return load(trx, id);
  });

  const service = {
    /**
     * Invokes an action on an incident: the parameters checked (422 naming one; nothing is queued), a frozen
     * copy of the definition kept, queued at once or awaiting a second person's approval.
     */
    async invoke(
      actor: Actor,
      incidentRef: string,
      input: { definition: string; params: Record<string, unknown>; dryRun: boolean },
    ): Promise<Invocation> {
      authorize(actor, 'incident.write');
      const incident = await incidents.get(actor, incidentRef);
      const d = await definitions.load(input.definition).catch((error: unknown) => {
        if (error instanceof AppError && error.kind === 'not_found')
          throw new AppError(
            'action.unknown_definition',
            `definition_id: ${JSON.stringify(input.definition)} is no action (GET /api/v1/actions/definitions)`,
            { field: 'definition_id' },
            'unprocessable',
          );
        throw error;
      });
      if (!d.enabled)
        throw new AppError('action.conflict', `the action "${d.name}" is disabled (an admin enables it)`, {
          action: d.name,
        });
      if (!appliesTo(d, incident.serviceId))
        throw new AppError(
          'action.not_applicable',
          `the action "${d.name}" does not apply to this incident's service`,
          { action: d.name, service_id: incident.serviceId },
          'unprocessable',
        );
      const params = withDryRun(d, checkParams(d.params, input.params), input.dryRun);
      const approval = needsApproval(d.approval, incident.severity, input.dryRun);
      const now = clock.now();
      const { id: definitionId, createdAt: _c, updatedAt: _u, ...frozen } = d;
      const base: Invocation = {
        id: newId('inv', now),
        incidentId: incident.id,
        incidentNumber: incident.number,
        serviceId: incident.serviceId,
        definitionId,
        name: d.name,
        definition: frozen,
        params,
        dryRun: input.dryRun,
        state: 'awaiting_approval',
        runnerGroup: d.target.kind === 'runner' ? d.target.group : null,
        approvalRequired: approval,
        approvalExpiresAt: approval ? new Date(now.getTime() + APPROVAL_TTL_MS) : null,
        invokedBy: who(actor),
        decidedBy: null,
        decidedAt: null,
        reason: null,
        holder: null,
        holderName: null,
        leaseExpiresAt: null,
        cancelRequested: false,
        queuedAt: null,
        startedAt: null,
        finishedAt: null,
        exitCode: null,
        signal: null,
        httpStatus: null,
        outputBytes: 0,
        outputSeq: 0,
        outputTruncated: false,
        maintenanceIds: [],
        createdAt: now,
        updatedAt: now,
      };
      return insertOne({ base, actor, now });
    },

    /** A second person approves: it is queued (403 for the invoker, 409 once expired or decided). */
    async approve(actor: Actor, id: string): Promise<Invocation> {
      return inTransaction(db, async (trx) => {
        const inv = await load(trx, id);
        decider(actor, inv, 'approve');
        const now = clock.now();
        const after = await queued(trx, { ...inv, decidedBy: who(actor), decidedAt: now }, actor, now);
        if (!(await saveInvocation(trx, after, 'awaiting_approval')))
          throw new AppError('action.conflict', 'someone else decided it first', { id });
        await timeline(trx, after, actor, 'action_approved', { invoked_by: inv.invokedBy.name });
        await auditMove(trx, actor, after, 'approve', {});
        wake(trx, after);
        return after;
      });
    },

    async reject(actor: Actor, id: string, reason: string | undefined): Promise<Invocation> {
      return inTransaction(db, async (trx) => {
        const inv = await load(trx, id);
        decider(actor, inv, 'reject');
        const now = clock.now();
        const after: Invocation = {
          ...inv,
          state: 'rejected',
          decidedBy: who(actor),
          decidedAt: now,
          finishedAt: now,
          reason: reason ?? `rejected by ${actor.name}`,
          updatedAt: now,
        };
        if (!(await saveInvocation(trx, after, 'awaiting_approval')))
          throw new AppError('action.conflict', 'someone else decided it first', { id });
        await timeline(trx, after, actor, 'action_rejected', { reason: after.reason });
        await auditMove(trx, actor, after, 'reject', { reason: after.reason });
        wake(trx, after);
        return after;
      });
    },

    /**
     * Cancels: an invocation not yet running ends at once; a running one is asked to stop (its runner hears
     * `cancel: true` on its next post and finishes as cancelled).
     */
    async cancel(actor: Actor, id: string): Promise<Invocation> {
      authorize(actor, 'incident.write');
      return inTransaction(db, async (trx) => {
        const inv = await load(trx, id);
        expectState(inv.state, ['awaiting_approval', 'queued', 'running'], 'cancel');
        if (inv.state === 'running') {
          const after = { ...inv, cancelRequested: true, updatedAt: clock.now() };
          if (!(await saveInvocation(trx, after, 'running')))
            throw new AppError('action.conflict', 'it finished meanwhile', { id });
          await auditMove(trx, actor, after, 'cancel_request', {});
          wake(trx, after);
          return after;
        }
        const done = await settle(trx, inv, inv.state, actor, {
          outcome: 'cancelled',
          error: `cancelled by ${actor.name}`,
        });
        if (!done) throw new AppError('action.conflict', 'it moved on meanwhile; look again', { id });
        return load(trx, id);
      });
    },

    async get(actor: Actor, id: string): Promise<Invocation> {
      authorize(actor, 'read');
      return load(db, id);
    },

    /** Invocations newest first: an incident's, a service's, or of one state. */
    async list(actor: Actor, q: InvocationListQuery): Promise<{ data: Invocation[]; nextCursor: string | null }> {
      authorize(actor, 'read');
      const incidentId = q.incident ? (await incidents.get(actor, q.incident)).id : undefined;
      const serviceId = q.service ? (await services.get(actor, q.service)).id : undefined;
      const rows = await listInvocations(db, {
        limit: q.limit + 1,
        before: q.cursor,
        incidentId,
        serviceId,
        state: q.state,
      });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    /** Output after `after`, oldest first, with the invocation's state. */
    async output(actor: Actor, id: string, after: number): Promise<{ chunks: OutputChunk[]; invocation: Invocation }> {
      authorize(actor, 'read');
      const invocation = await load(db, id);
      return { chunks: await outputAfter(db, id, after, 1000), invocation };
    },

    // The work of whoever runs it.

    /**
     * Claims the oldest queued invocation of `group` (null: HTTP targets) for `holder`, with a lease; the
     * timeline says it started. Undefined when none is queued.
     */
    claim: (group: string | null, holder: { id: string; name: string }): Promise<Invocation | undefined> =>
      claimOne({ group, holder }),

    /**
     * A runner's long poll: claims work of its group, waiting up to `waitMs` for some to be queued (woken at
     * once on this instance, looking again every second for other instances' work).
     */
    async claimWaiting(runner: Runner, waitMs: number, signal?: AbortSignal): Promise<Invocation | undefined> {
      const until = Date.now() + waitMs;
      for (;;) {
        const inv = await service.claim(runner.group, { id: runner.id, name: runner.name });
        if (inv || signal?.aborted) return inv;
        const left = until - Date.now();
        if (left <= 0) return undefined;
        await signals.wait(queueTopic(runner.group), Math.min(left, 1000), signal);
      }
    },

    /** Renews the holder's lease; `cancel` says the invocation was asked to stop. */
    async heartbeat(holder: string, id: string): Promise<LeaseReply> {
      return inTransaction(db, async (trx) => {
        const { inv, reply } = await renew(trx, holder, id);
        if (!(await saveInvocation(trx, inv, 'running', holder)))
          throw new AppError('action.conflict', 'this invocation is no longer held by this runner', { id });
        return reply;
      });
    },

    /**
     * Appends output (renewing the lease), at most 64 KiB in all (appendIn). Group-committed with the other
     * invocations' (batched): a hundred commands streaming output would otherwise be hundreds of commits a second.
     */
    append: (
      holder: string,
      id: string,
      chunks: ReadonlyArray<{ stream: OutputStream; data: string }>,
    ): Promise<LeaseReply> => appendOne({ holder, id, chunks }),

    /** The holder finishes it; 409 when it is not (or no longer) the holder's. */
    finish: (holder: { id: string; name: string }, id: string, finish: Finish): Promise<Invocation> =>
      finishOne({ holder, id, finish }),

    /**
     * Cancels approval requests nobody answered in 15 minutes and fails invocations whose holder stopped
     * renewing its lease ("runner lost"; a retry is a new invocation). Returns how many it moved.
     */
    async sweep(): Promise<number> {
      const now = clock.now();
      let moved = 0;
      for (const id of await dueForSweep(db, now, 200)) {
        const done = await inTransaction(db, async (trx) => {
          const inv = await findInvocation(trx, id);
          if (!inv) return false;
          if (inv.state === 'awaiting_approval' && inv.approvalExpiresAt && inv.approvalExpiresAt <= now)
            return settle(trx, inv, 'awaiting_approval', SYSTEM_ACTOR, {
              outcome: 'cancelled',
              error: 'approval expired: nobody approved it within 15 minutes',
            });
          if (inv.state === 'running' && inv.leaseExpiresAt && inv.leaseExpiresAt <= now) {
            const lost = inv.holder?.startsWith('vigil:')
              ? 'runner lost: the Vigil instance running it stopped renewing its lease'
              : `runner lost: ${inv.holderName ?? 'the runner'} stopped renewing its lease`;
            return settle(trx, inv, 'running', SYSTEM_ACTOR, { outcome: 'failed', error: lost });
          }
          return false;
        });
        if (done) moved += 1;
      }
      return moved;
    },

    nextDueAt: () => nextDueAt(db),

    /** What an invocation's placeholders may use: its parameters, incident, service and id. */
    async context(inv: Invocation): Promise<TemplateContext> {
      const incident = await incidents.within(db).load(inv.incidentId);
      const svc = inv.serviceId ? await services.byId(inv.serviceId) : undefined;
      return {
        params: inv.params,
        incident: { id: incident.id, number: incident.number, title: incident.title, severity: incident.severity },
        service: svc ? { id: svc.id, name: svc.name } : null,
        invocation: { id: inv.id },
        dryRun: inv.dryRun,
      };
    },

    /** Whether the state is final (nothing more will happen). */
    isFinal: (state: InvocationState) => FINAL_STATES.has(state),
  };
  return service;
}

export type InvocationsService = ReturnType<typeof createInvocationsService>;
export type { ParamValue };

// Storage of mitigation actions: definitions, runners, invocations and their output. Every change of an
// invocation is a conditional update on the state it was read in, so two instances (or a runner and the
// lease sweep) racing on one invocation cannot both move it: one update matches, the other finds nothing.
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { claimSkippingLocked } from '../db/lease.js';
import type {
  ActionDefinitionsTable,
  ActionInvocationsTable,
  ActionOutputTable,
  ActionRunnersTable,
} from '../db/schema.js';
import type { ActionDefinition, ActionSpec, InvocationState, OutputStream } from './action.js';
import type { ParamValue } from './params.js';

export interface Who {
  type: string;
  id: string | null;
  name: string;
}

export interface Invocation {
  id: string;
  incidentId: string;
  incidentNumber: string;
  serviceId: string | null;
  definitionId: string;
  name: string;
  /** The definition as it was when invoked; secret header values stay sealed. */
  definition: ActionSpec;
  params: Record<string, ParamValue>;
  dryRun: boolean;
  state: InvocationState;
  runnerGroup: string | null;
  approvalRequired: boolean;
  approvalExpiresAt: Date | null;
  invokedBy: Who;
  decidedBy: Who | null;
  decidedAt: Date | null;
  reason: string | null;
  holder: string | null;
  holderName: string | null;
  leaseExpiresAt: Date | null;
  cancelRequested: boolean;
  queuedAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  exitCode: number | null;
  signal: string | null;
  httpStatus: number | null;
  outputBytes: number;
  outputSeq: number;
  outputTruncated: boolean;
  maintenanceIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface Runner {
  id: string;
  name: string;
  group: string;
  hint: string;
  version: string | null;
  hostname: string | null;
  commands: string[];
  lastSeenAt: Date | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface OutputChunk {
  seq: number;
  stream: OutputStream;
  data: string;
  at: Date;
}

const date = (s: string | null): Date | null => (s === null ? null : new Date(s));
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

// Definitions.

function toDefinition(r: ActionDefinitionsTable): ActionDefinition {
  return {
    id: r.id,
    name: r.name,
    category: r.category as ActionDefinition['category'],
    description: r.description,
    enabled: r.enabled === 1,
    serviceIds: JSON.parse(r.service_ids) as string[],
    params: JSON.parse(r.params) as ActionDefinition['params'],
    target: JSON.parse(r.target) as ActionDefinition['target'],
    dryRun: JSON.parse(r.dry_run) as ActionDefinition['dryRun'],
    timeoutSeconds: r.timeout_seconds,
    approval: r.approval as ActionDefinition['approval'],
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function definitionRow(d: ActionDefinition): ActionDefinitionsTable {
  return {
    id: d.id,
    name: d.name,
    category: d.category,
    description: d.description,
    enabled: d.enabled ? 1 : 0,
    service_ids: JSON.stringify(d.serviceIds),
    params: JSON.stringify(d.params),
    target: JSON.stringify(d.target),
    dry_run: JSON.stringify(d.dryRun),
    timeout_seconds: d.timeoutSeconds,
    approval: d.approval,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}

export async function insertDefinition(db: Db, d: ActionDefinition): Promise<void> {
  await db.insertInto('action_definitions').values(definitionRow(d)).execute();
}

export async function updateDefinition(db: Db, d: ActionDefinition): Promise<void> {
  const { id, ...row } = definitionRow(d);
  await db.updateTable('action_definitions').set(row).where('id', '=', id).execute();
}

export async function deleteDefinition(db: Db, id: string): Promise<void> {
  await db.deleteFrom('action_definitions').where('id', '=', id).execute();
}

/** By id, else by name. */
export async function findDefinition(db: Db, ref: string): Promise<ActionDefinition | undefined> {
  const row = await db
    .selectFrom('action_definitions')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('name', '=', ref)]))
    .orderBy('id')
    .executeTakeFirst();
  return row && toDefinition(row);
}

/** Definitions by name; the service and category filters are applied by the caller (the lists are short). */
export async function listDefinitions(db: Db): Promise<ActionDefinition[]> {
  const rows = await db.selectFrom('action_definitions').selectAll().orderBy('name').execute();
  return rows.map(toDefinition);
}

// Runners.

function toRunner(r: ActionRunnersTable): Runner {
  return {
    id: r.id,
    name: r.name,
    group: r.group_name,
    hint: r.hint,
    version: r.version,
    hostname: r.hostname,
    commands: JSON.parse(r.commands) as string[],
    lastSeenAt: date(r.last_seen_at),
    createdAt: new Date(r.created_at),
    revokedAt: date(r.revoked_at),
  };
}

export async function insertRunner(db: Db, r: Runner, tokenDigest: string): Promise<void> {
  await db
    .insertInto('action_runners')
    .values({
      id: r.id,
      name: r.name,
      group_name: r.group,
      token_digest: tokenDigest,
      hint: r.hint,
      version: r.version,
      hostname: r.hostname,
      commands: JSON.stringify(r.commands),
      last_seen_at: iso(r.lastSeenAt),
      created_at: r.createdAt.toISOString(),
      revoked_at: iso(r.revokedAt),
    })
    .execute();
}

export async function findRunner(db: Db, id: string): Promise<Runner | undefined> {
  const row = await db.selectFrom('action_runners').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRunner(row);
}

export async function findLiveRunnerByDigest(db: Db, tokenDigest: string): Promise<Runner | undefined> {
  const row = await db
    .selectFrom('action_runners')
    .selectAll()
    .where('token_digest', '=', tokenDigest)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row && toRunner(row);
}

/** Runners newest first, revoked ones after the live ones. */
export async function listRunners(db: Db): Promise<Runner[]> {
  const rows = await db.selectFrom('action_runners').selectAll().orderBy('id', 'desc').execute();
  return rows.map(toRunner).sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null));
}

export async function revokeRunner(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('action_runners')
    .set({ revoked_at: at.toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function touchRunner(
  db: Db,
  id: string,
  seen: { version: string | null; hostname: string | null; commands: string[]; at: Date },
): Promise<void> {
  await db
    .updateTable('action_runners')
    .set({
      version: seen.version,
      hostname: seen.hostname,
      commands: JSON.stringify(seen.commands),
      last_seen_at: seen.at.toISOString(),
    })
    .where('id', '=', id)
    .execute();
}

// Invocations.

type InvocationRow = ActionInvocationsTable & { incident_number: string };

function toInvocation(r: InvocationRow): Invocation {
  return {
    id: r.id,
    incidentId: r.incident_id,
    incidentNumber: r.incident_number,
    serviceId: r.service_id,
    definitionId: r.definition_id,
    name: r.name,
    definition: JSON.parse(r.definition) as ActionSpec,
    params: JSON.parse(r.params) as Record<string, ParamValue>,
    dryRun: r.dry_run === 1,
    state: r.state as InvocationState,
    runnerGroup: r.runner_group,
    approvalRequired: r.approval_required === 1,
    approvalExpiresAt: date(r.approval_expires_at),
    invokedBy: JSON.parse(r.invoked_by) as Who,
    decidedBy: r.decided_by === null ? null : (JSON.parse(r.decided_by) as Who),
    decidedAt: date(r.decided_at),
    reason: r.reason,
    holder: r.holder,
    holderName: r.holder_name,
    leaseExpiresAt: date(r.lease_expires_at),
    cancelRequested: r.cancel_requested === 1,
    queuedAt: date(r.queued_at),
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    exitCode: r.exit_code,
    signal: r.signal,
    httpStatus: r.http_status,
    outputBytes: r.output_bytes,
    outputSeq: r.output_seq,
    outputTruncated: r.output_truncated === 1,
    maintenanceIds: JSON.parse(r.maintenance_ids) as string[],
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function invocationRow(i: Invocation): ActionInvocationsTable {
  return {
    id: i.id,
    incident_id: i.incidentId,
    service_id: i.serviceId,
    definition_id: i.definitionId,
    name: i.name,
    definition: JSON.stringify(i.definition),
    params: JSON.stringify(i.params),
    dry_run: i.dryRun ? 1 : 0,
    state: i.state,
    runner_group: i.runnerGroup,
    approval_required: i.approvalRequired ? 1 : 0,
    approval_expires_at: iso(i.approvalExpiresAt),
    invoked_by: JSON.stringify(i.invokedBy),
    invoker_id: i.invokedBy.id,
    decided_by: i.decidedBy === null ? null : JSON.stringify(i.decidedBy),
    decided_at: iso(i.decidedAt),
    reason: i.reason,
    holder: i.holder,
    holder_name: i.holderName,
    lease_expires_at: iso(i.leaseExpiresAt),
    cancel_requested: i.cancelRequested ? 1 : 0,
    queued_at: iso(i.queuedAt),
    started_at: iso(i.startedAt),
    finished_at: iso(i.finishedAt),
    exit_code: i.exitCode,
    signal: i.signal,
    http_status: i.httpStatus,
    output_bytes: i.outputBytes,
    output_seq: i.outputSeq,
    output_truncated: i.outputTruncated ? 1 : 0,
    maintenance_ids: JSON.stringify(i.maintenanceIds),
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
  };
}

const invocations = (db: Db) =>
  db
    .selectFrom('action_invocations as a')
    .innerJoin('incidents as i', 'i.id', 'a.incident_id')
    .selectAll('a')
    .select('i.number as incident_number');

export async function insertInvocation(db: Db, i: Invocation): Promise<void> {
  await db.insertInto('action_invocations').values(invocationRow(i)).execute();
}

export async function findInvocation(db: Db, id: string): Promise<Invocation | undefined> {
  const row = await invocations(db).where('a.id', '=', id).executeTakeFirst();
  return row && toInvocation(row);
}

/**
 * Writes the invocation whole if it is still in `expected` (and, with `holder`, still held by it); false
 * when someone else moved it first.
 */
export async function saveInvocation(
  db: Db,
  i: Invocation,
  expected: InvocationState,
  holder?: string,
): Promise<boolean> {
  const { id, ...row } = invocationRow(i);
  let q = db.updateTable('action_invocations').set(row).where('id', '=', id).where('state', '=', expected);
  if (holder !== undefined) q = q.where('holder', '=', holder);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface InvocationQuery {
  limit: number;
  before?: string | undefined;
  incidentId?: string | undefined;
  serviceId?: string | undefined;
  state?: InvocationState | undefined;
}

/** Newest first. */
export async function listInvocations(db: Db, q: InvocationQuery): Promise<Invocation[]> {
  let query = invocations(db).orderBy('a.id', 'desc').limit(q.limit);
  if (q.before) query = query.where('a.id', '<', q.before);
  if (q.incidentId) query = query.where('a.incident_id', '=', q.incidentId);
  if (q.serviceId) query = query.where('a.service_id', '=', q.serviceId);
  if (q.state) query = query.where('a.state', '=', q.state);
  return (await query.execute()).map(toInvocation);
}

/** The oldest queued invocation for this group (null: Vigil's own HTTP lane), locked on PostgreSQL. */
export async function nextQueued(trx: Db, group: string | null): Promise<Invocation | undefined> {
  let q = trx.selectFrom('action_invocations').select('id').where('state', '=', 'queued');
  q = group === null ? q.where('runner_group', 'is', null) : q.where('runner_group', '=', group);
  const row = await claimSkippingLocked(trx, q.orderBy('queued_at').orderBy('id').limit(1)).executeTakeFirst();
  return row ? findInvocation(trx, row.id) : undefined;
}

/** Ids of invocations due for the sweep: approvals past their expiry and leases run out, as of `now`. */
export async function dueForSweep(db: Db, now: Date, limit: number): Promise<string[]> {
  const at = now.toISOString();
  const rows = await db
    .selectFrom('action_invocations')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'awaiting_approval'), eb('approval_expires_at', '<=', at)]),
        eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<=', at)]),
      ]),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The earliest approval expiry or lease end ahead, so the engine can wake for it. */
export async function nextDueAt(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('action_invocations')
    .select((eb) => [
      eb.fn.min(sql<string>`case when state = 'awaiting_approval' then approval_expires_at end`).as('approval'),
      eb.fn.min(sql<string>`case when state = 'running' then lease_expires_at end`).as('lease'),
    ])
    .where('state', 'in', ['awaiting_approval', 'running'])
    .executeTakeFirst();
  const times = [row?.approval, row?.lease].filter((t): t is string => typeof t === 'string').map((t) => new Date(t));
  return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}

// Output.

export async function insertOutput(db: Db, invocationId: string, chunks: readonly OutputChunk[]): Promise<void> {
  if (chunks.length === 0) return;
  await db
    .insertInto('action_output')
    .values(
      chunks.map((c): ActionOutputTable => ({
        invocation_id: invocationId,
        seq: c.seq,
        stream: c.stream,
        data: c.data,
        at: c.at.toISOString(),
      })),
    )
    .execute();
}

/** Output after `after`, oldest first. */
export async function outputAfter(db: Db, invocationId: string, after: number, limit: number): Promise<OutputChunk[]> {
  const rows = await db
    .selectFrom('action_output')
    .selectAll()
    .where('invocation_id', '=', invocationId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: r.seq, stream: r.stream as OutputStream, data: r.data, at: new Date(r.at) }));
}

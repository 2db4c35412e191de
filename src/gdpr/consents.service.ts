// The consent ledger's use-cases: append events (one or a batch, all or nothing), list them, a subject's
// status (an audited read), coverage counts, the chain check, and erasure for a completed DSAR.
//
// Appends are serialized: on PostgreSQL every append holds one advisory lock ("gdpr-ledger") for its
// transaction, so two instances never pick the same seq or link to the same prev_hash; SQLite's one
// writer does the same. Inside that transaction the batch's events are chained onto the head, the
// current-state rows of their subjects and purposes move to the latest decision (by `at`, ties by seq),
// and the counters per (purpose, policy version, decision) follow those moves, so coverage never scans
// the ledger. A 2xx means all of it committed.
import { audit } from '../audit/index.js';
import { authorize, authorizePrivacy, seal, unseal, type Actor } from '../access/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { lockKeys } from '../db/lease.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import {
  bumpCounts,
  deleteStates,
  ensureSecret,
  erasureOf,
  eventsAfter,
  eventsByIds,
  insertCheck,
  insertEvents,
  lastCheck,
  listEvents,
  pseudonymize,
  readCounts,
  readHead,
  recordErasure,
  stateOfSubject,
  statesOf,
  upsertStates,
  writeHead,
  type CurrentState,
  type LedgerCheck,
  type StoredEvent,
} from './ledger.repo.js';
import {
  checkLink,
  rowHash,
  statusOf,
  subjectKeyOf,
  supersedes,
  tooFarAhead,
  type ConsentStatus,
  type Decision,
} from './ledger.js';
import { hadVersion, type Purpose } from './purpose.js';
import { listPurposes } from './purposes.repo.js';

/** One consent event as the edge parsed it (proof already canonical JSON). */
export interface ConsentEventInput {
  id: string;
  subjectId: string;
  purpose: string;
  policyVersion: number;
  decision: Decision;
  at: Date;
  source: string;
  proof: string;
}

/** A refused event of a batch: its index, the field and why. */
export interface Rejected {
  index: number;
  field: string;
  message: string;
}

export interface SubjectStatus {
  subjectId: string;
  purposes: Array<{
    purpose: string;
    status: ConsentStatus;
    policyVersion: number | null;
    currentPolicyVersion: number;
    decidedAt: string | null;
    source: string | null;
  }>;
  erasedAt: Date | null;
  checkedAt: Date;
}

export type VerifyResult = LedgerCheck;

const LEDGER_LOCK = 'gdpr-ledger';
const KEY_NAME = 'subject-pseudonym';
const VERIFY_PAGE = 5_000;

/** "events[3].purpose: …; events[7].at: …", and the details listing them all. */
export function rejectedError(
  code: string,
  rejected: Rejected[],
  kind: 'invalid' | 'unprocessable' | 'conflict',
  batch: boolean,
): AppError {
  const named = rejected.map((r) => `${batch ? `events[${r.index}].` : ''}${r.field}: ${r.message}`);
  const first = rejected[0];
  return new AppError(
    code,
    `${named.slice(0, 10).join('; ')}${named.length > 10 ? `; and ${named.length - 10} more` : ''}` +
      (batch ? ' (nothing was stored)' : ''),
    { field: first ? `${batch ? `events[${first.index}].` : ''}${first.field}` : undefined, rejected },
    kind,
  );
}

const sameContent = (a: StoredEvent, b: StoredEvent) =>
  a.subjectKey === b.subjectKey &&
  a.purpose === b.purpose &&
  a.policyVersion === b.policyVersion &&
  a.decision === b.decision &&
  a.at === b.at &&
  a.source === b.source &&
  a.proof === b.proof;

const bucket = (purpose: string, version: number, decision: string) => `${purpose}|${version}|${decision}`;

export function createConsentsService({
  db,
  clock,
  secretKey,
}: {
  db: Db;
  clock: Clock;
  secretKey?: Buffer | undefined;
}) {
  let key: Buffer | undefined;

  /**
   * The pseudonym key, created once in the database (every instance shares it; a file in one instance's data
   * dir would differ per instance). Sealed with VIGIL_SECRET_KEY when one is set at creation.
   */
  async function pseudonymKey(): Promise<Buffer> {
    if (key) return key;
    const stored = await ensureSecret(
      db,
      KEY_NAME,
      (raw) => (secretKey ? seal(secretKey, raw.toString('base64')) : raw.toString('base64')),
      clock.now(),
    );
    if (stored.startsWith('v1:')) {
      if (!secretKey)
        throw new AppError(
          'gdpr.key_unavailable',
          'the consent ledger key is sealed with VIGIL_SECRET_KEY, which this instance lacks; set it as on the others',
        );
      key = Buffer.from(unseal(secretKey, stored), 'base64');
    } else key = Buffer.from(stored, 'base64');
    return key;
  }

  /** Subject pseudonym of a plain id. */
  async function subjectKey(subjectId: string): Promise<string> {
    return subjectKeyOf(await pseudonymKey(), subjectId);
  }

  function checkPurposes(events: readonly ConsentEventInput[], purposes: Map<string, Purpose>): Rejected[] {
    const out: Rejected[] = [];
    events.forEach((e, index) => {
      const p = purposes.get(e.purpose);
      if (!p) out.push({ index, field: 'purpose', message: `unknown purpose ${JSON.stringify(e.purpose)}` });
      else if (!hadVersion(p, e.policyVersion))
        out.push({
          index,
          field: 'policy_version',
          message:
            `purpose ${e.purpose} never had policy version ${e.policyVersion} ` +
            `(it had ${p.policyVersions.map((v) => v.version).join(', ')})`,
        });
    });
    return out;
  }

  return {
    subjectKey,

    /**
     * Appends events, all or none. Returns each event's seq and hash; an id stored before with the same
     * content is a duplicate (counted, nothing written), with other content a 409 naming it.
     */
    async append(actor: Actor, events: readonly ConsentEventInput[], batch: boolean) {
      authorizePrivacy(actor);
      const now = clock.now();
      const ahead: Rejected[] = [];
      events.forEach((e, index) => {
        if (tooFarAhead(e.at, now))
          ahead.push({
            index,
            field: 'at',
            message: `is in the future (${e.at.toISOString()}; now ${now.toISOString()})`,
          });
      });
      if (ahead.length > 0) throw rejectedError('consent.invalid', ahead, 'invalid', batch);
      const k = await pseudonymKey();
      const candidates: StoredEvent[] = events.map((e) => ({
        seq: 0,
        id: e.id,
        subjectKey: subjectKeyOf(k, e.subjectId),
        subjectId: e.subjectId,
        purpose: e.purpose,
        policyVersion: e.policyVersion,
        decision: e.decision,
        at: e.at.toISOString(),
        source: e.source,
        proof: e.proof,
        recordedAt: now.toISOString(),
        prevHash: '',
        hash: '',
      }));

      return inTransaction(db, async (trx) => {
        await lockKeys(trx, [LEDGER_LOCK]);
        const purposes = new Map((await listPurposes(trx)).map((p) => [p.key, p]));
        const unusable = checkPurposes(events, purposes);
        if (unusable.length > 0) throw rejectedError('consent.unknown_purpose', unusable, 'unprocessable', batch);

        const known = new Map(
          (await eventsByIds(trx, [...new Set(candidates.map((c) => c.id))])).map((e) => [e.id, e]),
        );
        const conflicts: Rejected[] = [];
        const results: Array<{ id: string; seq: number; hash: string; duplicate: boolean }> = [];
        const fresh: StoredEvent[] = [];
        const head = await readHead(trx);
        let { rows: seq, headHash: prev } = head;
        candidates.forEach((c, index) => {
          const before = known.get(c.id);
          if (before) {
            if (sameContent(before, c)) results.push({ id: c.id, seq: before.seq, hash: before.hash, duplicate: true });
            else
              conflicts.push({
                index,
                field: 'id',
                message: `${JSON.stringify(c.id)} was recorded before with other content (seq ${before.seq})`,
              });
            return;
          }
          seq += 1;
          const row: StoredEvent = { ...c, seq, prevHash: prev };
          row.hash = rowHash(prev, row);
          prev = row.hash;
          fresh.push(row);
          known.set(row.id, row);
          results.push({ id: row.id, seq: row.seq, hash: row.hash, duplicate: false });
        });
        if (conflicts.length > 0) throw rejectedError('consent.conflict', conflicts, 'conflict', batch);
        if (fresh.length > 0) await settle(trx, fresh, head, seq, prev);
        const accepted = fresh.length;
        await audit(trx, clock, actor, {
          action: 'gdpr.consents.recorded',
          target: { type: 'gdpr_ledger', id: null },
          details: {
            accepted,
            duplicates: results.length - accepted,
            ...(accepted > 0 && { first_seq: fresh[0]?.seq, last_seq: seq }),
          },
        });
        return { accepted, duplicates: results.length - accepted, events: results };
      });
    },

    /** Events newest first, of one subject and/or purpose; personal data, so the privacy role. */
    async list(
      actor: Actor,
      q: { subjectId?: string | undefined; purpose?: string | undefined; limit: number; cursor?: string | undefined },
    ) {
      authorizePrivacy(actor);
      const before = q.cursor === undefined ? undefined : Number(q.cursor);
      if (before !== undefined && !(Number.isInteger(before) && before > 0))
        throw new AppError('consent.invalid_cursor', 'cursor: not a cursor this list gave', { field: 'cursor' });
      const rows = await listEvents(db, {
        subjectKey: q.subjectId === undefined ? undefined : await subjectKey(q.subjectId),
        purpose: q.purpose,
        before,
        limit: q.limit + 1,
      });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? String(data.at(-1)?.seq) : null };
    },

    /** A subject's status per registered purpose; written to the audit log (who read whose status). */
    async status(actor: Actor, subjectId: string): Promise<SubjectStatus> {
      authorizePrivacy(actor);
      const sk = await subjectKey(subjectId);
      return inTransaction(db, async (trx) => {
        const [states, purposes, erasedAt] = [
          await stateOfSubject(trx, sk),
          await listPurposes(trx),
          await erasureOf(trx, sk),
        ];
        const checkedAt = clock.now();
        await audit(trx, clock, actor, {
          action: 'gdpr.consent_status.read',
          target: { type: 'subject', id: subjectId },
        });
        const latest = new Map(states.map((s) => [s.purpose, s]));
        return {
          subjectId,
          purposes: purposes.map((p) => {
            const s = latest.get(p.key);
            return {
              purpose: p.key,
              status: statusOf(s, p.policyVersion),
              policyVersion: s?.policyVersion ?? null,
              currentPolicyVersion: p.policyVersion,
              decidedAt: s?.at ?? null,
              source: s?.source ?? null,
            };
          }),
          erasedAt,
          checkedAt,
        };
      });
    },

    /** Per purpose how many subjects granted, withdrew, hold a stale grant or never decided: counts only. */
    async coverage(actor: Actor) {
      authorize(actor, 'read');
      const [head, counts, purposes] = [await readHead(db), await readCounts(db), await listPurposes(db)];
      return {
        subjects: head.subjects,
        purposes: purposes.map((p) => {
          let granted = 0;
          let withdrawn = 0;
          let stale = 0;
          for (const c of counts) {
            if (c.purpose !== p.key) continue;
            if (c.decision === 'withdrawn') withdrawn += c.count;
            else if (c.policyVersion < p.policyVersion) stale += c.count;
            else granted += c.count;
          }
          return {
            purpose: p.key,
            name: p.name,
            policyVersion: p.policyVersion,
            granted,
            withdrawn,
            stale,
            none: Math.max(0, head.subjects - granted - withdrawn - stale),
          };
        }),
      };
    },

    /**
     * Walks the whole chain in pages of seq order (never more than one page in memory), stops at the first
     * broken row, and stores the result as the ledger's last check.
     */
    async verify(
      actor: Actor,
      options: { onProgress?: (done: number, total: number) => void } = {},
    ): Promise<VerifyResult> {
      authorizePrivacy(actor);
      const started = performance.now();
      const head = await readHead(db);
      let prev: { seq: number; hash: string } | null = null;
      let firstBroken: VerifyResult['firstBroken'] = null;
      let walked = 0;
      walk: for (;;) {
        const page = await eventsAfter(db, prev?.seq ?? 0, VERIFY_PAGE);
        for (const row of page) {
          if (row.seq > head.rows) break walk;
          const reason = checkLink(prev, row);
          if (reason) {
            firstBroken = { seq: row.seq, id: row.id, reason };
            break walk;
          }
          prev = { seq: row.seq, hash: row.hash };
          walked += 1;
        }
        options.onProgress?.(walked, head.rows);
        if (page.length < VERIFY_PAGE) break;
        // Let requests in between pages (SQLite's reads are synchronous).
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!firstBroken && (prev?.seq ?? 0) < head.rows)
        firstBroken = { seq: (prev?.seq ?? 0) + 1, id: null, reason: 'missing rows' };
      if (!firstBroken && head.rows > 0 && prev?.hash !== head.headHash)
        firstBroken = { seq: head.rows, id: null, reason: 'hash mismatch' };
      const checkedAt = clock.now();
      const result: VerifyResult = {
        id: newId('lck', checkedAt),
        checkedAt,
        ok: firstBroken === null,
        rows: head.rows,
        verifiedUpTo: prev?.seq ?? 0,
        firstBroken,
        headHash: prev?.hash ?? null,
        durationMs: Math.round(performance.now() - started),
        checkedBy: actor.name,
      };
      await inTransaction(db, async (trx) => {
        await insertCheck(trx, result);
        await audit(trx, clock, actor, {
          action: 'gdpr.ledger.verified',
          target: { type: 'gdpr_ledger', id: null },
          details: { ok: result.ok, rows: result.rows, verified_up_to: result.verifiedUpTo, first_broken: firstBroken },
        });
      });
      return result;
    },

    /**
     * Whether the ledger can be written right now: writes its head row back as it is and rolls the write back
     * (a read-only file, a full disk, a database in recovery or a lock that never comes say no, with why).
     */
    async writable(): Promise<{ ok: boolean; error: string | null }> {
      const probe = new Error('rolled back: only a probe');
      try {
        await inTransaction(db, async (trx) => {
          await writeHead(trx, await readHead(trx));
          throw probe;
        });
      } catch (error) {
        if (error === probe) return { ok: true, error: null };
        return { ok: false, error: error instanceof Error ? error.message.slice(0, 300) : String(error) };
      }
      return { ok: true, error: null };
    },

    /** Rows, the newest event's time, the last check and how many rows it has not covered: counts only. */
    async ledgerState(actor: Actor) {
      authorize(actor, 'read');
      const [head, check] = [await readHead(db), await lastCheck(db)];
      return {
        rows: head.rows,
        newestEventAt: head.newestEventAt ? new Date(head.newestEventAt) : null,
        lastCheck: check,
        unverifiedRows: Math.max(0, head.rows - (check?.verifiedUpTo ?? 0)),
      };
    },

    /**
     * Erases a subject inside the caller's transaction (a completed erasure DSAR): the plain id in their events
     * becomes "erased:<pseudonym>" (the hashes never covered it, so the chain stays whole), their current
     * decisions go (status answers none), and an audited erasure row records when and by whom. The events stay
     * as proof of consent (Art. 7(1), Art. 17(3)(b) and (e)). Takes the ledger lock: call it before locking rows.
     */
    async eraseSubject(
      trx: Db,
      subjectId: string,
      actor: Actor,
      at: Date,
    ): Promise<{ events: number; purposes: number }> {
      authorizePrivacy(actor);
      const sk = await subjectKey(subjectId);
      await lockKeys(trx, [LEDGER_LOCK]);
      const events = await pseudonymize(trx, sk, `erased:${sk}`);
      const removed = await deleteStates(trx, sk);
      if (removed.length > 0) {
        const deltas = new Map<string, number>();
        for (const s of removed) {
          const b = bucket(s.purpose, s.policyVersion, s.decision);
          deltas.set(b, (deltas.get(b) ?? 0) - 1);
        }
        await bumpCounts(trx, deltas);
        const head = await readHead(trx);
        await writeHead(trx, { ...head, subjects: Math.max(0, head.subjects - 1) });
      }
      await recordErasure(trx, { subjectKey: sk, erasedAt: at, erasedBy: actor.name, events });
      await audit(trx, clock, actor, {
        action: 'gdpr.subject.erased',
        target: { type: 'subject', id: `erased:${sk}` },
        details: { events, purposes: removed.length },
      });
      return { events, purposes: removed.length };
    },
  };

  /** Stores fresh rows and moves the current state, counters and head with them. */
  async function settle(
    trx: Db,
    fresh: StoredEvent[],
    head: Awaited<ReturnType<typeof readHead>>,
    seq: number,
    prev: string,
  ) {
    await insertEvents(trx, fresh);
    const subjects = [...new Set(fresh.map((e) => e.subjectKey))];
    const before = await statesOf(trx, subjects);
    const hadState = new Set(before.map((s) => s.subjectKey));
    const current = new Map<string, CurrentState>(before.map((s) => [`${s.subjectKey}|${s.purpose}`, s]));
    const changed = new Map<string, CurrentState>();
    const deltas = new Map<string, number>();
    let newest = head.newestEventAt;
    for (const e of fresh) {
      if (newest === null || e.at > newest) newest = e.at;
      const k = `${e.subjectKey}|${e.purpose}`;
      const s = current.get(k);
      if (!supersedes(s, e)) continue;
      if (s)
        deltas.set(
          bucket(s.purpose, s.policyVersion, s.decision),
          (deltas.get(bucket(s.purpose, s.policyVersion, s.decision)) ?? 0) - 1,
        );
      const b = bucket(e.purpose, e.policyVersion, e.decision);
      deltas.set(b, (deltas.get(b) ?? 0) + 1);
      const next: CurrentState = {
        subjectKey: e.subjectKey,
        purpose: e.purpose,
        decision: e.decision,
        policyVersion: e.policyVersion,
        at: e.at,
        seq: e.seq,
        source: e.source,
      };
      current.set(k, next);
      changed.set(k, next);
    }
    await upsertStates(trx, [...changed.values()]);
    await bumpCounts(trx, deltas);
    const newSubjects = subjects.filter((s) => !hadState.has(s)).length;
    await writeHead(trx, { rows: seq, headHash: prev, subjects: head.subjects + newSubjects, newestEventAt: newest });
  }
}

export type ConsentsService = ReturnType<typeof createConsentsService>;

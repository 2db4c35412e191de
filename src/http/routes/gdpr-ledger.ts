// The GDPR consent ledger over HTTP: purposes (Art. 30 records), appending and
// listing consent events, a subject's consent status (audited), coverage counts and the chain check.
// A batch is parsed event by event so every refusal names its index (`events[3].purpose: …`), and a
// batch with any bad event is refused whole.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../app.js';
import { AppError } from '../../errors.js';
import {
  canonicalJson,
  DECISIONS,
  LAWFUL_BASES,
  MAX_BATCH,
  missingFields,
  PURPOSE_KEY,
  type ConsentEventInput,
  type Purpose,
  type Rejected,
  type StoredConsentEvent,
  type SubjectStatus,
  type VerifyResult,
  consentStatusAnswer,
  subjectIdText,
} from '../../gdpr/index.js';
import type * as views from '../views/index.js';
import { limit, ref, text } from '../schemas.js';

const tags = ['gdpr'];
/** A proof's canonical JSON may be this long at most. */
const MAX_PROOF = 8_192;
/** POST /api/v1/gdpr/consents takes this many bytes: a full batch with its proofs is larger than the usual limit. */
export const consentsBodyLimit = (bodyLimit: number): number => Math.max(bodyLimit, 16 * 1_048_576);

const idText = subjectIdText;
const list = z.array(text(200)).max(100);
const purposeKey = z.string().regex(PURPOSE_KEY, 'must be 1–64 characters of a-z, 0-9, ".", "_" or "-"');

const purposeFields = {
  name: text(200),
  lawful_basis: z.enum(LAWFUL_BASES),
  policy_version: z.number().int().min(1).max(1_000_000),
  data_categories: list,
  subject_categories: list,
  recipients: list,
  transfers_outside_eea: text(1000).nullable(),
  retention_days: z.number().int().min(1).max(100_000).nullable(),
  security_measures: text(5000).nullable(),
};
const purposeBody = z.strictObject({
  key: purposeKey,
  ...purposeFields,
  policy_version: purposeFields.policy_version.optional(),
  data_categories: list.optional(),
  subject_categories: list.optional(),
  recipients: list.optional(),
  transfers_outside_eea: purposeFields.transfers_outside_eea.optional(),
  retention_days: purposeFields.retention_days.optional(),
  security_measures: purposeFields.security_measures.optional(),
});
const purposePatch = z.strictObject(purposeFields).partial();

const consentEvent = z.strictObject({
  id: idText,
  subject_id: idText,
  purpose: z.string().min(1).max(64),
  policy_version: z.number().int().min(1).max(1_000_000),
  decision: z.enum(DECISIONS),
  at: z.iso.datetime({ offset: true }),
  source: text(200),
  proof: z.record(z.string(), z.unknown()).optional(),
});

/** One event, or {"events": [...]} of 1..MAX_BATCH, each parsed on its own so refusals name their index. */
export function parseConsents(body: unknown): { events: ConsentEventInput[]; batch: boolean } {
  const batch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'events' in body;
  let items: unknown[];
  if (batch) {
    const { events, ...rest } = body as { events: unknown };
    if (Object.keys(rest).length > 0)
      throw new AppError('consent.invalid', `${Object.keys(rest).slice(0, 5).join(', ')}: unknown field`, {
        field: Object.keys(rest)[0],
      });
    if (!Array.isArray(events) || events.length < 1 || events.length > MAX_BATCH)
      throw new AppError('consent.invalid', `events: must be an array of 1 to ${MAX_BATCH} events`, {
        field: 'events',
      });
    items = events;
  } else items = [body];
  const rejected: Rejected[] = [];
  const out: ConsentEventInput[] = [];
  items.forEach((item, index) => {
    const parsed = consentEvent.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        rejected.push({
          index,
          field:
            issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.map(String).join('.') || 'event',
          message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
        });
      return;
    }
    const e = parsed.data;
    const proof = canonicalJson(e.proof ?? {});
    if (proof === undefined || proof.length > MAX_PROOF) {
      rejected.push({
        index,
        field: 'proof',
        message:
          proof === undefined
            ? 'must be plain JSON (no lone surrogates)'
            : `must be at most ${MAX_PROOF} characters as JSON`,
      });
      return;
    }
    out.push({
      id: e.id,
      subjectId: e.subject_id,
      purpose: e.purpose,
      policyVersion: e.policy_version,
      decision: e.decision,
      at: new Date(e.at),
      source: e.source,
      proof,
    });
  });
  if (rejected.length > 0) {
    const named = rejected.map((r) => `${batch ? `events[${r.index}].` : ''}${r.field}: ${r.message}`);
    throw new AppError(
      'consent.invalid',
      `${named.slice(0, 10).join('; ')}${named.length > 10 ? `; and ${named.length - 10} more` : ''}` +
        (batch ? ' (nothing was stored)' : ''),
      { field: named[0]?.split(':')[0], rejected },
    );
  }
  return { events: out, batch };
}

export function purposeView(p: Purpose): z.input<typeof views.GdprPurpose> {
  return {
    key: p.key,
    name: p.name,
    lawful_basis: p.lawfulBasis,
    policy_version: p.policyVersion,
    policy_versions: p.policyVersions.map((v) => ({ version: v.version, since: v.since.toISOString() })),
    data_categories: p.dataCategories,
    subject_categories: p.subjectCategories,
    recipients: p.recipients,
    transfers_outside_eea: p.transfersOutsideEea,
    retention_days: p.retentionDays,
    security_measures: p.securityMeasures,
    missing: missingFields(p),
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

function consentView(e: StoredConsentEvent): z.input<typeof views.GdprConsentEvent> {
  return {
    id: e.id,
    subject_id: e.subjectId,
    purpose: e.purpose,
    policy_version: e.policyVersion,
    decision: e.decision,
    at: e.at,
    source: e.source,
    proof: JSON.parse(e.proof) as Record<string, unknown>,
    seq: e.seq,
    recorded_at: e.recordedAt,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

export function statusView(s: SubjectStatus): z.input<typeof views.GdprConsentStatus> {
  return consentStatusAnswer(s);
}

export function checkView(c: VerifyResult): z.input<typeof views.GdprLedgerCheck> {
  return {
    ok: c.ok,
    rows: c.rows,
    verified_up_to: c.verifiedUpTo,
    first_broken: c.firstBroken,
    head_hash: c.headHash,
    checked_at: c.checkedAt.toISOString(),
    duration_ms: c.durationMs,
  };
}

type Coverage = Awaited<ReturnType<App['consents']['coverage']>>;
type LedgerState = Awaited<ReturnType<App['consents']['ledgerState']>>;

export function coverageView(c: Coverage): z.input<typeof views.GdprCoverage> {
  return {
    subjects: c.subjects,
    purposes: c.purposes.map((p) => ({
      purpose: p.purpose,
      name: p.name,
      policy_version: p.policyVersion,
      granted: p.granted,
      withdrawn: p.withdrawn,
      stale: p.stale,
      none: p.none,
    })),
  };
}

export function ledgerView(s: LedgerState): z.input<typeof views.GdprLedger> {
  return {
    rows: s.rows,
    newest_event_at: s.newestEventAt?.toISOString() ?? null,
    last_check: s.lastCheck ? checkView(s.lastCheck) : null,
    unverified_rows: s.unverifiedRows,
  };
}

export function gdprLedgerRoutes(server: FastifyInstance, app: App): void {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const keyParams = z.strictObject({ key: ref });

  r.post(
    '/api/v1/gdpr/purposes',
    {
      schema: {
        tags,
        summary: 'Register a purpose of processing (Art. 30 record; admin or privacy flag)',
        body: purposeBody,
      },
    },
    async (request, reply) => {
      const b = request.body;
      const created = await app.purposes.create(request.actor, {
        key: b.key,
        name: b.name,
        lawfulBasis: b.lawful_basis,
        policyVersion: b.policy_version,
        dataCategories: b.data_categories,
        subjectCategories: b.subject_categories,
        recipients: b.recipients,
        transfersOutsideEea: b.transfers_outside_eea,
        retentionDays: b.retention_days,
        securityMeasures: b.security_measures,
      });
      return reply.status(201).send(purposeView(created));
    },
  );

  r.get(
    '/api/v1/gdpr/purposes',
    { schema: { tags, summary: 'Purposes of processing, newest first, each with its missing Art. 30 fields' } },
    async (request) => {
      const all = await app.purposes.list(request.actor);
      all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.key.localeCompare(a.key));
      return { data: all.map(purposeView), next_cursor: null };
    },
  );

  r.get(
    '/api/v1/gdpr/purposes/:key',
    { schema: { tags, summary: 'A purpose of processing with its policy versions', params: keyParams } },
    async (request) => purposeView(await app.purposes.get(request.actor, request.params.key)),
  );

  r.patch(
    '/api/v1/gdpr/purposes/:key',
    {
      schema: {
        tags,
        summary:
          'Change a purpose (admin or privacy flag); raising policy_version makes earlier grants stale, ' +
          'lowering it is 422',
        params: keyParams,
        body: purposePatch,
      },
    },
    async (request) => {
      const b = request.body;
      const updated = await app.purposes.update(request.actor, request.params.key, {
        name: b.name,
        lawfulBasis: b.lawful_basis,
        policyVersion: b.policy_version,
        dataCategories: b.data_categories,
        subjectCategories: b.subject_categories,
        recipients: b.recipients,
        transfersOutsideEea: b.transfers_outside_eea,
        retentionDays: b.retention_days,
        securityMeasures: b.security_measures,
      });
      return purposeView(updated);
    },
  );

  r.post(
    '/api/v1/gdpr/consents',
    {
      bodyLimit: consentsBodyLimit(app.config.bodyLimit),
      schema: {
        tags,
        summary: 'Record consent events: one event, or {"events": [...]} of up to 1,000 (admin or privacy flag)',
        description:
          'Event: {id, subject_id, purpose, policy_version, decision: granted|withdrawn, at, source, proof}. ' +
          'All or nothing; 201 with each event seq and hash, 200 when every event was a duplicate. ' +
          'An id recorded before with other content is 409; an unknown purpose or policy version 422.',
        body: z.unknown(),
      },
    },
    async (request, reply) => {
      const { events, batch } = parseConsents(request.body);
      const done = await app.consents.append(request.actor, events, batch);
      return reply.status(done.accepted > 0 ? 201 : 200).send({
        accepted: done.accepted,
        duplicates: done.duplicates,
        events: done.events.map((e) => ({ id: e.id, seq: e.seq, hash: e.hash })),
      });
    },
  );

  r.get(
    '/api/v1/gdpr/consents',
    {
      schema: {
        tags,
        summary: 'Consent events, newest first (admin or privacy flag)',
        querystring: z.strictObject({
          subject_id: idText.optional(),
          purpose: ref.optional(),
          limit,
          cursor: ref.optional(),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const page = await app.consents.list(request.actor, {
        subjectId: q.subject_id,
        purpose: q.purpose,
        limit: q.limit,
        cursor: q.cursor,
      });
      return { data: page.data.map(consentView), next_cursor: page.nextCursor };
    },
  );

  r.get(
    '/api/v1/gdpr/subjects/:subject_id/consent',
    {
      schema: {
        tags,
        summary: "A subject's consent status per purpose (admin or privacy flag; the read is audited)",
        params: z.strictObject({ subject_id: idText }),
      },
    },
    async (request) => statusView(await app.consents.status(request.actor, request.params.subject_id)),
  );

  r.get(
    '/api/v1/gdpr/coverage',
    { schema: { tags, summary: 'Per purpose: subjects granted, withdrawn, stale and none (counts only, any role)' } },
    async (request) => {
      return coverageView(await app.consents.coverage(request.actor));
    },
  );

  r.post(
    '/api/v1/gdpr/ledger/verify',
    {
      schema: {
        tags,
        summary: 'Walk the whole hash chain and name the first broken row (admin or privacy flag)',
      },
    },
    async (request) => checkView(await app.consents.verify(request.actor)),
  );

  r.get(
    '/api/v1/gdpr/ledger',
    { schema: { tags, summary: "The ledger's size, newest event, last chain check (counts only, any role)" } },
    async (request) => {
      return ledgerView(await app.consents.ledgerState(request.actor));
    },
  );
}

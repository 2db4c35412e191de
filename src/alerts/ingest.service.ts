// Turning accepted events into alerts and incidents. Requests are group-committed: each batch is one
// transaction, and a request is answered only after its batch committed.
//
// Dedup: one open alert per (service, dedup key). A trigger for an open alert counts and updates it
// and pages nobody again; after a resolve the next trigger opens a new alert. Acknowledge/resolve for
// an unknown or closed key change nothing. An incident is acknowledged when none of its alerts is
// still triggered, and resolved when all of them are resolved. How a batch applies: ingest-batch.ts.
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError } from '../errors.js';
import type { IncidentsService } from '../incidents/index.js';
import type { Service, ServicesService } from '../services/index.js';
import type { ChangeInput } from './formats/change.js';
import { GroupCommitter, type GroupCommitOptions } from '../db/group-commit.js';
import { applyBatch, type IngestRequest, type IngestResult } from './ingest-batch.js';

export type { IngestRequest, IngestResult } from './ingest-batch.js';

export interface IngestDeps {
  db: Db;
  clock: Clock;
  services: ServicesService;
  incidents: IncidentsService;
  options?: Partial<GroupCommitOptions>;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxBatch: 512, maxQueue: 4_096, maxWaitMs: 2 };

export function createIngestService({ db, clock, services, incidents, options }: IngestDeps) {
  const committer = new GroupCommitter<IngestRequest, IngestResult>(
    (batch) => inTransaction(db, (trx) => applyBatch(trx, { services, incidents }, batch, clock.now())),
    { ...DEFAULT_GROUP_COMMIT, ...options },
  );

  // Per-key rate limits (off unless an admin sets one on the service): a fixed one-minute window per
  // key on this instance. The service is looked up through a short-lived cache so the check costs no
  // query per request; the batch still looks the key up itself, so a rotated key stops at once.
  // (Another instance's change reaches this cache when the entry expires.)
  const limits = new Map<string, { service: Service | null; fetchedAt: number; windowStart: number; count: number }>();
  const LIMIT_CACHE_MS = 10_000;

  async function admit(routingKey: string, weight: number): Promise<void> {
    const nowMs = clock.now().getTime();
    let entry = limits.get(routingKey);
    if (!entry || nowMs - entry.fetchedAt > LIMIT_CACHE_MS) {
      if (limits.size > 10_000) limits.clear();
      const service = (await services.byIntegrationKey(routingKey)) ?? null;
      entry = { service, fetchedAt: nowMs, windowStart: entry?.windowStart ?? nowMs, count: entry?.count ?? 0 };
      limits.set(routingKey, entry);
    }
    const limit = entry.service?.rateLimitPerMinute;
    if (!limit) return;
    if (nowMs - entry.windowStart >= 60_000) {
      entry.windowStart = nowMs;
      entry.count = 0;
    }
    if (entry.count + weight > limit) {
      const retryAfter = Math.max(1, Math.ceil((entry.windowStart + 60_000 - nowMs) / 1000));
      throw new AppError(
        'ingest.rate_limited',
        `this integration key is limited to ${limit} events a minute; retry in ${retryAfter} s`,
        { retry_after_s: retryAfter, limit_per_min: limit },
        'rate_limited',
      );
    }
    entry.count += weight;
  }

  return {
    /**
     * Drops what the rate-limit cache holds of a service (its limit changed, its key was rotated or it
     * was deleted), so the change applies to the next event rather than when the cache expires.
     */
    forgetService(serviceId: string): void {
      for (const [key, entry] of limits) if (entry.service?.id === serviceId) limits.delete(key);
    },

    /** Refuses with 429 when the key's service has a rate limit and this minute's budget is spent. */
    admit,

    /** Stores a change event on the key's service; false when the key is unknown. */
    async submitChange(change: ChangeInput): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        const service = await services.byIntegrationKey(change.routingKey, trx);
        if (!service) return false;
        const now = clock.now();
        await services.recordChange(trx, {
          serviceId: service.id,
          at: now,
          timestamp: change.timestamp ? new Date(change.timestamp) : now,
          summary: change.summary,
          source: change.source,
          details: {
            ...(change.customDetails !== undefined && { custom_details: change.customDetails }),
            links: change.links,
          },
        });
        return true;
      });
    },

    /** Commits the request's events (with others arriving at the same time) and answers after the commit. */
    submit: (request: IngestRequest) => committer.submit(request),
    /** Requests waiting for a transaction. */
    backlog: () => committer.depth,
    close: () => committer.close(),
  };
}

export type IngestService = ReturnType<typeof createIngestService>;

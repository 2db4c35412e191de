// Monitors as a use-case API: create (targets checked against the SSRF allowlist, a postgres
// connection string sealed, a heartbeat token shown once), list, show, change, delete, recent checks,
// and heartbeats. Every change writes an audit row in its transaction. Running the checks is
// runner.ts; the figures for reports are stats.repo.ts.
import { randomBytes } from 'node:crypto';
import type { IngestService } from '../alerts/index.js';
import { audit } from '../audit/index.js';
import { authorize, digest, seal, unseal, type Actor } from '../access/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, isUniqueViolation, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { checkUrl, parseAllowlist, type Allowlist } from '../net/index.js';
import type { ServicesService } from '../services/index.js';
import { applyResult, DEFAULTS, heartbeatDeadline, stateEvent, type Monitor, type MonitorKind } from './monitor.js';
import {
  allMonitors,
  deleteMonitor,
  findByHeartbeatDigest,
  findMonitor,
  insertMonitor,
  insertSamples,
  listMonitors,
  listSamples,
  saveCheckState,
  updateMonitorSettings,
  type Sample,
} from './monitors.repo.js';
import { parseHostPort, probe } from './probe.js';
import { createMonitorRunner, type RunnerOptions } from './runner.js';

export interface MonitorInput {
  service: string;
  name: string;
  kind: MonitorKind;
  target?: string | undefined;
  intervalSeconds?: number | undefined;
  timeoutMs?: number | undefined;
  expectStatus?: number | null | undefined;
  expectKeyword?: string | null | undefined;
  failuresBeforeDown?: number | undefined;
  periodSeconds?: number | undefined;
  graceSeconds?: number | undefined;
  method?: string | undefined;
  headers?: Record<string, string> | null | undefined;
  /** auth monitors: a login endpoint to try after the JWKS (null clears it) and the JSON credentials to send it. */
  loginUrl?: string | null | undefined;
  loginBody?: Record<string, unknown> | null | undefined;
}

export type MonitorPatch = Partial<Omit<MonitorInput, 'service' | 'kind'>> & { paused?: boolean | undefined };

export interface MonitorsDeps {
  db: Db;
  clock: Clock;
  services: ServicesService;
  ingest: Pick<IngestService, 'submit'>;
  /** VIGIL_OUTBOUND_ALLOW as configured (the SSRF guard's allowlist). */
  outboundAllow: string | undefined;
  secretKey: Buffer | undefined;
  /** Extra trusted CAs for https checks (tests). */
  ca?: string | Buffer | undefined;
  runner?: Partial<RunnerOptions>;
}

const invalid = (field: string, message: string) => new AppError('monitor.invalid', `${field}: ${message}`, { field });

/**
 * What the target means for each kind, checked against the SSRF allowlist; the stored (shown) form and the sealed
 * secret.
 */
function checkTarget(
  kind: MonitorKind,
  target: string | undefined,
  allow: Allowlist,
  key: () => Buffer,
): { target: string; sealed: string | null } {
  if (kind === 'heartbeat') return { target: 'heartbeat', sealed: null };
  if (!target) throw invalid('target', `is required for ${kind} monitors`);
  const hostOk = (host: string, port: number) => {
    const verdict = checkUrl(`http://${host.includes(':') ? `[${host}]` : host}:${port}/`, allow);
    if (!verdict.ok) throw invalid('target', verdict.reason);
  };
  if (kind === 'http' || kind === 'auth') {
    const verdict = checkUrl(target, allow);
    if (!verdict.ok) throw invalid('target', verdict.reason);
    return { target: verdict.url.toString(), sealed: null };
  }
  if (kind === 'tcp') {
    const hp = parseHostPort(target);
    if (!hp) throw invalid('target', 'must be host:port, e.g. db.example.com:5432 or [2001:db8::1]:443');
    hostOk(hp.host, hp.port);
    return { target, sealed: null };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw invalid('target', 'not a URL; expected postgres://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw invalid('target', 'must be a postgres:// or postgresql:// URL');
  if (!url.hostname) throw invalid('target', 'names no host');
  if (url.searchParams.has('host') || url.searchParams.has('hostaddr'))
    throw invalid('target', 'host and hostaddr parameters are not supported; put the host in the URL');
  const port = url.port ? Number(url.port) : 5432;
  hostOk(url.hostname.replace(/^\[|\]$/g, ''), port);
  return {
    target: `${url.hostname}:${port}${url.pathname.length > 1 ? url.pathname : '/postgres'}`,
    sealed: seal(key(), target),
  };
}

/** Cross-field rules the route schema cannot state. */
function checkSettings(m: Monitor): void {
  if (m.kind !== 'heartbeat' && m.timeoutMs > m.intervalSeconds * 1000)
    throw invalid('timeout_ms', `must not be longer than the interval (${m.intervalSeconds} s)`);
  if (m.kind !== 'http' && m.method !== null)
    throw invalid(
      'method',
      m.kind === 'auth' ? 'auth monitors always GET their JWKS URL' : 'only http monitors send requests',
    );
  if (m.kind !== 'http' && m.kind !== 'auth' && m.headers !== null)
    throw invalid('headers', 'only http and auth monitors send requests');
  if (m.kind !== 'http' && (m.expectStatus !== null || m.expectKeyword !== null))
    throw invalid(
      m.expectStatus !== null ? 'expect_status' : 'expect_keyword',
      m.kind === 'auth'
        ? 'auth monitors always expect 200 and a JWKS document'
        : 'only http monitors check a status or keyword',
    );
  if (m.kind !== 'heartbeat' && (m.periodSeconds !== null || m.graceSeconds !== null))
    throw invalid(
      m.periodSeconds !== null ? 'period_seconds' : 'grace_seconds',
      'only heartbeat monitors have a period and grace',
    );
}

export function createMonitorsService(deps: MonitorsDeps) {
  const { db, clock, services } = deps;
  const allow = parseAllowlist(deps.outboundAllow);
  const key = () => {
    if (!deps.secretKey)
      throw new AppError(
        'monitor.conflict',
        'VIGIL_SECRET_KEY is not set on the server: the connection strings of postgres monitors ' +
          'and the login credentials of auth monitors are stored sealed with it ' +
          '(e.g. VIGIL_SECRET_KEY=$(openssl rand -hex 32))',
      );
    return deps.secretKey;
  };
  const unsealTarget = (m: Monitor): string => {
    if (!m.targetSealed) throw new Error('the monitor has no connection string');
    try {
      return unseal(key(), m.targetSealed);
    } catch {
      throw new Error('the connection string cannot be unsealed: VIGIL_SECRET_KEY is not the key it was stored with');
    }
  };
  const unsealLogin = (m: Monitor): Record<string, unknown> | null => {
    if (!m.loginBodySealed) return null;
    try {
      return JSON.parse(unseal(key(), m.loginBodySealed)) as Record<string, unknown>;
    } catch {
      throw new Error(
        'the login credentials cannot be unsealed: VIGIL_SECRET_KEY is not the key they were stored with',
      );
    }
  };
  /**
   * An auth monitor's login endpoint (checked against the allowlist) and its credentials (sealed); given values
   * only.
   */
  const applyLogin = (m: Monitor, input: Pick<MonitorInput, 'loginUrl' | 'loginBody'>): void => {
    if ((input.loginUrl ?? input.loginBody ?? null) !== null && m.kind !== 'auth')
      throw invalid(input.loginUrl != null ? 'login_url' : 'login_body', 'only auth monitors try a login');
    if (input.loginUrl !== undefined) {
      if (input.loginUrl === null) m.loginUrl = null;
      else {
        const verdict = checkUrl(input.loginUrl, allow);
        if (!verdict.ok) throw invalid('login_url', verdict.reason);
        m.loginUrl = verdict.url.toString();
      }
    }
    if (input.loginBody !== undefined)
      m.loginBodySealed = input.loginBody === null ? null : seal(key(), JSON.stringify(input.loginBody));
    if (m.loginBodySealed !== null && m.loginUrl === null)
      throw invalid('login_body', 'needs a login_url to be sent to');
  };
  const runner = createMonitorRunner({
    db,
    clock,
    ingest: deps.ingest,
    probe: (m) => probe(m, { allow, clock, ca: deps.ca, unsealTarget, unsealLogin }),
    options: deps.runner,
  });

  async function load(id: string, q: Db = db): Promise<Monitor> {
    const m = await findMonitor(q, id);
    if (!m) throw notFound('monitor', id);
    return m;
  }

  return {
    runner,

    /**
     * A new monitor, checked at once (a heartbeat waits for its first period); heartbeats get their token here
     * only.
     */
    async create(actor: Actor, input: MonitorInput): Promise<{ monitor: Monitor; token: string | null }> {
      authorize(actor, 'service.write');
      const service = await services.get(actor, input.service).catch((error: unknown) => {
        if (error instanceof AppError && error.kind === 'not_found')
          throw new AppError('monitor.invalid', `service_id: no service ${JSON.stringify(input.service)}`, {
            field: 'service_id',
          });
        throw error;
      });
      const { target, sealed } = checkTarget(input.kind, input.target, allow, key);
      const now = clock.now();
      const heartbeat = input.kind === 'heartbeat';
      const monitor: Monitor = {
        id: newId('mon', now),
        serviceId: service.id,
        name: input.name,
        kind: input.kind,
        target,
        targetSealed: sealed,
        loginUrl: null,
        loginBodySealed: null,
        intervalSeconds:
          input.intervalSeconds ??
          (heartbeat ? (input.periodSeconds ?? DEFAULTS.periodSeconds) : DEFAULTS.intervalSeconds),
        timeoutMs:
          input.timeoutMs ?? Math.min(DEFAULTS.timeoutMs, (input.intervalSeconds ?? DEFAULTS.intervalSeconds) * 1000),
        expectStatus: input.expectStatus ?? null,
        expectKeyword: input.expectKeyword ?? null,
        method: input.method ?? null,
        headers: input.headers ?? null,
        // A heartbeat's grace already is its tolerance: one missed deadline is down.
        failuresBeforeDown: input.failuresBeforeDown ?? (heartbeat ? 1 : DEFAULTS.failuresBeforeDown),
        periodSeconds: heartbeat ? (input.periodSeconds ?? DEFAULTS.periodSeconds) : (input.periodSeconds ?? null),
        graceSeconds: heartbeat ? (input.graceSeconds ?? DEFAULTS.graceSeconds) : (input.graceSeconds ?? null),
        lastBeatAt: null,
        state: 'pending',
        consecutiveFailures: 0,
        lastCheckAt: null,
        lastOkAt: null,
        lastError: null,
        lastLatencyMs: null,
        nextCheckAt: now,
        enhancedUntil: null,
        tlsExpiresAt: null,
        tlsWarnedAt: null,
        alertSeq: 0,
        alertSentSeq: 0,
        paused: false,
        createdAt: now,
        updatedAt: now,
      };
      applyLogin(monitor, input);
      checkSettings(monitor);
      if (heartbeat) monitor.nextCheckAt = heartbeatDeadline(monitor);
      const token = heartbeat ? `hb_${randomBytes(24).toString('base64url')}` : null;
      try {
        await inTransaction(db, async (trx) => {
          await insertMonitor(trx, monitor, token ? digest(token) : null);
          await audit(trx, clock, actor, {
            action: 'monitor.create',
            target: { type: 'monitor', id: monitor.id },
            details: { name: monitor.name, service_id: monitor.serviceId, kind: monitor.kind, target: monitor.target },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError(
            'monitor.already_exists',
            `service ${service.name} already has a monitor named ${JSON.stringify(input.name)}`,
            { field: 'name' },
          );
        throw error;
      }
      return { monitor, token };
    },

    async list(actor: Actor, q: { limit: number; cursor?: string | undefined; service?: string | undefined }) {
      authorize(actor, 'read');
      const serviceId = q.service ? (await services.get(actor, q.service)).id : undefined;
      const rows = await listMonitors(db, { limit: q.limit + 1, before: q.cursor, serviceId });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
    },

    async get(actor: Actor, id: string): Promise<Monitor> {
      authorize(actor, 'read');
      return load(id);
    },

    async update(actor: Actor, id: string, patch: MonitorPatch): Promise<Monitor> {
      authorize(actor, 'service.write');
      try {
        return await inTransaction(db, async (trx) => {
          const m = await load(id, trx);
          const now = clock.now();
          const next: Monitor = { ...m, updatedAt: now };
          if (patch.target !== undefined)
            Object.assign(
              next,
              (({ target, sealed }) => ({ target, targetSealed: sealed }))(
                checkTarget(m.kind, patch.target, allow, key),
              ),
            );
          if (patch.name !== undefined) next.name = patch.name;
          if (patch.intervalSeconds !== undefined) next.intervalSeconds = patch.intervalSeconds;
          if (patch.timeoutMs !== undefined) next.timeoutMs = patch.timeoutMs;
          if (patch.expectStatus !== undefined) next.expectStatus = patch.expectStatus;
          if (patch.expectKeyword !== undefined) next.expectKeyword = patch.expectKeyword;
          if (patch.failuresBeforeDown !== undefined) next.failuresBeforeDown = patch.failuresBeforeDown;
          if (patch.periodSeconds !== undefined) next.periodSeconds = patch.periodSeconds;
          if (patch.graceSeconds !== undefined) next.graceSeconds = patch.graceSeconds;
          if (patch.method !== undefined) next.method = patch.method;
          if (patch.headers !== undefined) next.headers = patch.headers;
          if (patch.paused !== undefined) next.paused = patch.paused;
          applyLogin(next, patch);
          checkSettings(next);
          // Changed settings take effect with a check now (a heartbeat: at its new deadline).
          next.nextCheckAt = m.kind === 'heartbeat' ? heartbeatDeadline(next) : now;
          await updateMonitorSettings(trx, next);
          const changed = Object.keys(patch).filter((k) => patch[k as keyof MonitorPatch] !== undefined);
          await audit(trx, clock, actor, {
            action: 'monitor.update',
            target: { type: 'monitor', id: m.id },
            details: { name: next.name, changed },
          });
          return next;
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError(
            'monitor.already_exists',
            `the service already has a monitor named ${JSON.stringify(patch.name)}`,
            { field: 'name' },
          );
        throw error;
      }
    },

    async remove(actor: Actor, id: string): Promise<void> {
      authorize(actor, 'service.write');
      await inTransaction(db, async (trx) => {
        const m = await load(id, trx);
        await deleteMonitor(trx, m.id);
        await audit(trx, clock, actor, {
          action: 'monitor.delete',
          target: { type: 'monitor', id: m.id },
          details: { name: m.name, service_id: m.serviceId },
        });
      });
    },

    /** The monitor's recent raw checks, newest first (the cursor is a check's time). */
    async checks(
      actor: Actor,
      id: string,
      q: { limit: number; cursor?: string | undefined },
    ): Promise<{ data: Sample[]; nextCursor: string | null }> {
      authorize(actor, 'read');
      const m = await load(id);
      const rows = await listSamples(db, m.id, { limit: q.limit + 1, before: q.cursor });
      const data = rows.slice(0, q.limit);
      return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.at.toISOString() ?? null) : null };
    },

    /** A beat for the heartbeat monitor whose token this is: up again (resolving its alert) if it was down. */
    async beat(token: string): Promise<Monitor> {
      const now = clock.now();
      const result = await inTransaction(db, async (trx) => {
        const m = await findByHeartbeatDigest(trx, digest(token));
        if (!m) throw new AppError('heartbeat.not_found', 'no heartbeat monitor has this token');
        const applied = applyResult(m, true);
        const next: Monitor = {
          ...m,
          state: applied.state,
          consecutiveFailures: 0,
          lastBeatAt: now,
          lastCheckAt: now,
          lastOkAt: now,
          lastError: null,
          alertSeq: m.alertSeq + (applied.transition ? 1 : 0),
        };
        next.nextCheckAt = heartbeatDeadline(next);
        await saveCheckState(trx, m.id, { ...next, alertSeq: next.alertSeq });
        await insertSamples(trx, [
          {
            monitorId: m.id,
            serviceId: m.serviceId,
            at: now,
            ok: true,
            latencyMs: null,
            bucket: null,
            status: null,
            error: null,
          },
        ]);
        return { next, transition: applied.transition };
      });
      if (result.transition === 'up')
        await runner.sendEvents([
          {
            monitor: result.next,
            events: [stateEvent(result.next, 'up', { ok: true, latencyMs: null, status: null, error: null })],
          },
        ]);
      return result.next;
    },

    /** Every monitor, for the health check (no permission check: the caller has authorized). */
    all: () => allMonitors(db),
  };
}

export type MonitorsService = ReturnType<typeof createMonitorsService>;

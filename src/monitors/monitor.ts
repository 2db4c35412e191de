// The monitor model and its pure rules: defaults, the effective interval (enhanced monitoring after
// an incident), what one check result does to a monitor's state, and the alert events that follow.
import type { AlertEvent } from '../alerts/index.js';

export const MONITOR_KINDS = ['http', 'tcp', 'postgres', 'heartbeat', 'auth'] as const;
export type MonitorKind = (typeof MONITOR_KINDS)[number];
export type MonitorState = 'up' | 'down' | 'pending';

export const DEFAULTS = {
  intervalSeconds: 60,
  timeoutMs: 10_000,
  /**
   * Two failures in a row before a monitor is down: one lost packet or a single slow answer should
   * not page anybody, and at the default interval a real outage is still reported within two minutes.
   */
  failuresBeforeDown: 2,
  periodSeconds: 300,
  graceSeconds: 60,
} as const;

/** Enhanced monitoring lasts this long after an incident of the service resolved (the runbook's 24 h). */
export const ENHANCED_FOR_MS = 24 * 3_600_000;
/** Enhanced intervals never go below this. */
export const ENHANCED_MIN_SECONDS = 10;
/** A certificate expiring within this many days raises a warning alert. */
export const TLS_WARN_DAYS = 14;

export interface Monitor {
  id: string;
  serviceId: string;
  name: string;
  kind: MonitorKind;
  /** URL, host:port, or (postgres) host:port/database without credentials. */
  target: string;
  /** The sealed connection string of a postgres monitor. */
  targetSealed: string | null;
  /** auth monitors: a login endpoint checked after the JWKS, and its JSON credentials, sealed. */
  loginUrl: string | null;
  loginBodySealed: string | null;
  intervalSeconds: number;
  timeoutMs: number;
  expectStatus: number | null;
  expectKeyword: string | null;
  method: string | null;
  headers: Record<string, string> | null;
  failuresBeforeDown: number;
  periodSeconds: number | null;
  graceSeconds: number | null;
  lastBeatAt: Date | null;
  state: MonitorState;
  consecutiveFailures: number;
  lastCheckAt: Date | null;
  lastOkAt: Date | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  nextCheckAt: Date;
  enhancedUntil: Date | null;
  tlsExpiresAt: Date | null;
  tlsWarnedAt: Date | null;
  /** State changes whose alerts were due, and the last one ingestion took (monitors.repo.ts). */
  alertSeq: number;
  alertSentSeq: number;
  paused: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What one check found. */
export interface CheckResult {
  ok: boolean;
  latencyMs: number | null;
  status: number | null;
  error: string | null;
  /** The server certificate's expiry (https and auth over https). */
  tlsExpiresAt?: Date | undefined;
}

/** The seconds between checks: a quarter of the interval (at least 10 s, never longer) while enhanced. */
export function effectiveInterval(
  m: Pick<Monitor, 'kind' | 'intervalSeconds' | 'periodSeconds' | 'enhancedUntil'>,
  now: Date,
): number {
  if (m.kind === 'heartbeat') return m.periodSeconds ?? DEFAULTS.periodSeconds;
  if (m.enhancedUntil && m.enhancedUntil > now)
    return Math.min(m.intervalSeconds, Math.max(ENHANCED_MIN_SECONDS, Math.ceil(m.intervalSeconds / 4)));
  return m.intervalSeconds;
}

/** When a heartbeat monitor is late: its last beat (or creation) plus period and grace. */
export function heartbeatDeadline(
  m: Pick<Monitor, 'lastBeatAt' | 'createdAt' | 'periodSeconds' | 'graceSeconds'>,
): Date {
  const from = m.lastBeatAt ?? m.createdAt;
  return new Date(
    from.getTime() + ((m.periodSeconds ?? DEFAULTS.periodSeconds) + (m.graceSeconds ?? DEFAULTS.graceSeconds)) * 1000,
  );
}

export type Transition = 'down' | 'up' | null;

export interface Applied {
  state: MonitorState;
  consecutiveFailures: number;
  /** 'down' when this result takes the monitor down, 'up' when it comes back from down. */
  transition: Transition;
}

/** What a result does to the state: down after `failuresBeforeDown` failures in a row, up on the first success. */
export function applyResult(
  m: Pick<Monitor, 'state' | 'consecutiveFailures' | 'failuresBeforeDown'>,
  ok: boolean,
): Applied {
  if (ok) return { state: 'up', consecutiveFailures: 0, transition: m.state === 'down' ? 'up' : null };
  const failures = m.consecutiveFailures + 1;
  if (m.state !== 'down' && failures >= m.failuresBeforeDown)
    return { state: 'down', consecutiveFailures: failures, transition: 'down' };
  return { state: m.state, consecutiveFailures: failures, transition: null };
}

/** The alert class a kind opens under (the runbook makes database connection and authentication failures P1). */
function classOf(kind: MonitorKind): string {
  if (kind === 'postgres') return 'database_connection';
  if (kind === 'auth') return 'authentication';
  return 'monitor_down';
}

export const dedupKeyOf = (m: Pick<Monitor, 'id'>): string => `monitor:${m.id}`;
export const tlsDedupKeyOf = (m: Pick<Monitor, 'id'>): string => `monitor:${m.id}:tls`;

const base = (
  m: Monitor,
  dedupKey: string,
  action: AlertEvent['action'],
  summary: string,
  severity: AlertEvent['severity'],
  klass: string,
  details: Record<string, unknown>,
): AlertEvent => ({
  format: 'monitor',
  action,
  dedupKey,
  summary,
  source: m.target,
  severity,
  component: m.name,
  class: klass,
  customDetails: details,
  links: [],
  images: [],
  client: 'Vigil monitors',
});

/** The trigger for a monitor that went down, or the resolve for one that came back. */
export function stateEvent(m: Monitor, transition: 'down' | 'up', result: CheckResult): AlertEvent {
  const details = {
    monitor_id: m.id,
    monitor: m.name,
    kind: m.kind,
    target: m.target,
    reason: result.error,
    latency_ms: result.latencyMs,
    status: result.status,
    consecutive_failures: m.consecutiveFailures,
  };
  return transition === 'down'
    ? base(
        m,
        dedupKeyOf(m),
        'trigger',
        `${m.kind} monitor "${m.name}" is down: ${result.error ?? 'check failed'}`,
        'critical',
        classOf(m.kind),
        details,
      )
    : base(
        m,
        dedupKeyOf(m),
        'resolve',
        `${m.kind} monitor "${m.name}" is up again`,
        'critical',
        classOf(m.kind),
        details,
      );
}

/** Whether a certificate expiring at `expires` is close enough to warn about. */
export function tlsExpiresSoon(expires: Date, now: Date): boolean {
  return expires.getTime() - now.getTime() <= TLS_WARN_DAYS * 86_400_000;
}

/** The warning for a certificate that expires soon, or its resolve once renewed. */
export function tlsEvent(m: Monitor, expires: Date, now: Date, action: 'trigger' | 'resolve'): AlertEvent {
  const days = Math.floor((expires.getTime() - now.getTime()) / 86_400_000);
  const summary =
    action === 'trigger'
      ? `TLS certificate of "${m.name}" ${days < 0 ? 'has expired' : `expires in ${days} day(s)`} ` +
        `(${expires.toISOString()})`
      : `TLS certificate of "${m.name}" renewed (expires ${expires.toISOString()})`;
  return base(m, tlsDedupKeyOf(m), action, summary, 'warning', 'certificate_expiry', {
    monitor_id: m.id,
    monitor: m.name,
    target: m.target,
    tls_expires_at: expires.toISOString(),
    days_left: days,
  });
}

// What a run leaves behind for the invariant checks: the faults as they happened, the events Vigil
// answered, every message the receivers got, and a snapshot of the database. Times are milliseconds
// since the epoch on the harness's clock, which is the machine's real clock; times read from the
// database are the writing instance's clock (off by its offset while one is skewed).
import type { ReceiverMode, ReceiverName } from './schedule.js';

/**
 * A fault as it was carried out (not as planned: a restart may take longer than its pause). `crash` is
 * not planned: an instance that exited without being told to, found and restarted by the harness.
 */
export interface FaultRecord {
  kind: 'kill' | 'sigterm' | 'pg-restart' | 'receiver' | 'skew' | 'burst' | 'crash';
  startMs: number;
  /** When it was over: the instance, PostgreSQL or receiver healthy again, the burst answered. */
  endMs: number;
  instance?: number;
  /** The process a kill or SIGTERM hit. */
  pid?: number;
  receiver?: ReceiverName;
  mode?: ReceiverMode;
  offsetSeconds?: number;
  /** A SIGTERM that did not end the process in time and was followed by SIGKILL. */
  escalatedToKill?: boolean;
  detail: string;
}

/** An ingest or API request the load generator got a 2xx for. */
export interface AnsweredEvent {
  kind:
    'pd-trigger' | 'pd-acknowledge' | 'pd-resolve' | 'alertmanager' | 'grafana' | 'change' | 'heartbeat' | 'api-ack';
  story: string;
  /** PagerDuty dedup key, or the Alertmanager/Grafana group key. */
  key: string;
  service: string;
  /** Ids written into the events (custom details or annotations) of triggers and change events. */
  triggerIds: string[];
  changeId?: string;
  heartbeatMonitor?: number;
  /** API acknowledgements: the incident. */
  incidentId?: string;
  /** Alertmanager/Grafana: every alert of the group was resolved in this notification. */
  resolvesGroup?: boolean;
  answeredMs: number;
  instance: number;
  attempts: number;
}

/** One message a receiver got. */
export interface Delivery {
  seq: number;
  receiver: ReceiverName;
  /** As Vigil stores the destination: the URL, email address or phone number. */
  destination: string;
  /** When the request (or SMTP connection) began. */
  arrivalMs: number;
  /** When the receiver answered, or saw the sender go. */
  endMs: number;
  /** ok: answered 2xx (250 for SMTP) while the sender was still there; error: refused; aborted: sender left first. */
  outcome: 'ok' | 'error' | 'aborted';
  mode: ReceiverMode;
  /** X-Vigil-Delivery. */
  messageId: string | null;
  /** Notification ids the message carries, and the key a receiver drops each one's repeats by. */
  carried: string[];
  dedupKeys: Record<string, string>;
  idSource: string;
  /** How many notifications the message says it carries (a bundle's count). */
  bundled: number;
  /** The Vigil process that sent it (from the socket's owner in /proc), when it could be told. */
  senderPid: number | null;
  /** Incidents the body names (webhooks only). */
  incidentIds: string[];
  subject: string;
}

export interface DbNotification {
  id: string;
  incidentId: string | null;
  kind: string;
  channel: string;
  destination: string;
  pageId: string | null;
  state: string;
  attempts: number;
  lastError: string | null;
  createdMs: number;
  sentMs: number | null;
}

export interface DbPage {
  id: string;
  incidentId: string;
  run: number;
  level: number;
  loop: number;
  userId: string;
  atMs: number;
}

export interface DbIncident {
  id: string;
  title: string;
  status: string;
  serviceId: string | null;
  groupKey: string | null;
  createdMs: number;
  acknowledgedMs: number | null;
  resolvedMs: number | null;
}

export interface DbTimelineEntry {
  incidentId: string;
  atMs: number;
  kind: string;
  data: Record<string, unknown>;
}

export interface DbEscalation {
  incidentId: string;
  policyId: string;
  run: number;
  startedMs: number;
}

export interface DbPolicy {
  id: string;
  escalateWhile: string;
  repeat: number;
  delaysSeconds: number[];
}

export interface DbAlert {
  serviceId: string;
  dedupKey: string;
  incidentId: string | null;
}

export interface DbMonitor {
  id: string;
  kind: string;
  intervalSeconds: number;
  createdMs: number;
  /** Times of its checks, oldest first. */
  samplesMs: number[];
  okSamples: number;
}

export interface DbSnapshot {
  notifications: DbNotification[];
  pages: DbPage[];
  incidents: DbIncident[];
  timeline: DbTimelineEntry[];
  escalations: DbEscalation[];
  policies: DbPolicy[];
  alerts: DbAlert[];
  /** chaos event ids found in stored trigger events and change events. */
  triggerIds: Set<string>;
  changeIds: Set<string>;
  monitors: DbMonitor[];
}

/** What setup created, for reading the records: service ids by role, heartbeat monitor ids by number. */
export interface SetupFacts {
  services: Record<string, string>;
  heartbeatMonitors: string[];
  httpMonitors: string[];
}

export interface RunRecords {
  seed: string;
  /** Load start and the moment the instances were stopped for the snapshot. */
  startMs: number;
  endMs: number;
  faults: FaultRecord[];
  answered: AnsweredEvent[];
  deliveries: Delivery[];
  db: DbSnapshot;
  setup: SetupFacts;
}

/** The records as JSON (sets as arrays), kept in the run's directory for a later look or a re-check. */
export function serializeRecords(records: RunRecords): string {
  return JSON.stringify({
    ...records,
    db: { ...records.db, triggerIds: [...records.db.triggerIds], changeIds: [...records.db.changeIds] },
  });
}

/** Records read back from serializeRecords' JSON. */
export function parseRecords(text: string): RunRecords {
  const raw = JSON.parse(text) as RunRecords & { db: { triggerIds: string[]; changeIds: string[] } };
  return { ...raw, db: { ...raw.db, triggerIds: new Set(raw.db.triggerIds), changeIds: new Set(raw.db.changeIds) } };
}

// Turning a planned request into HTTP: the path and body each ingest format expects (PagerDuty Events
// v2 and change events, Alertmanager webhook v4, Grafana webhook v1, heartbeats), and the record kept
// when Vigil answers it 2xx. Every trigger and change event carries its own id (custom details, or an
// annotation) so invariant 1 can find it in the database later.
import type { LoadOp, PlannedRequest } from './load-plan.js';
import type { AnsweredEvent } from './records.js';

export interface HttpRequest {
  path: string;
  body?: unknown;
}

export interface RequestContext {
  keys: Record<string, string>;
  heartbeatTokens: string[];
}

const summaryOf = (story: string, what: string) => `chaos ${story}: ${what}`;
const STARTS_AT = '2026-01-01T00:00:00Z';

function groupBody(op: Extract<LoadOp, { kind: 'alertmanager' | 'grafana' }>, story: string) {
  const firing = op.alerts.some((a) => a.status === 'firing');
  const alerts = op.alerts.map((a) => ({
    status: a.status,
    labels: { alertname: `ChaosAlert_${story}`, severity: a.severity, instance: `host-${a.fingerprint}`, story },
    annotations: { summary: summaryOf(story, `${op.kind} group`), chaos_event: a.eventId },
    startsAt: STARTS_AT,
    endsAt: a.status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
    generatorURL: `http://prometheus.chaos.test/graph?story=${story}`,
    fingerprint: a.fingerprint,
  }));
  const common = {
    receiver: 'vigil',
    status: firing ? 'firing' : 'resolved',
    groupKey: op.groupKey,
    groupLabels: { story },
    commonLabels: { story },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.chaos.test',
    truncatedAlerts: 0,
    alerts,
  };
  return op.kind === 'alertmanager'
    ? { version: '4', ...common }
    : { version: '1', title: `[${firing ? 'FIRING' : 'RESOLVED'}] ${story}`, orgId: 1, state: 'alerting', ...common };
}

/** The HTTP request for a planned step. */
export function httpRequestFor(request: PlannedRequest, ctx: RequestContext): HttpRequest {
  const { op, story } = request;
  switch (op.kind) {
    case 'pd':
      return {
        path: '/v2/enqueue',
        body: {
          routing_key: ctx.keys[op.service],
          event_action: op.action,
          dedup_key: op.dedupKey,
          ...(op.action === 'trigger' && {
            payload: {
              summary: summaryOf(story, `${op.severity} alert`),
              source: `host-${story}`,
              severity: op.severity,
              ...(op.eventClass && { class: op.eventClass }),
              custom_details: { chaos_event: op.eventId, story },
            },
          }),
        },
      };
    case 'alertmanager':
    case 'grafana':
      return { path: `/api/v1/integrations/${ctx.keys[op.service]}/${op.kind}`, body: groupBody(op, story) };
    case 'change':
      return {
        path: '/v2/change/enqueue',
        body: {
          routing_key: ctx.keys[op.service],
          payload: {
            summary: summaryOf(story, 'deploy'),
            source: 'chaos-ci',
            custom_details: { chaos_event: op.eventId },
          },
        },
      };
    case 'heartbeat':
      return { path: `/api/v1/heartbeats/${ctx.heartbeatTokens[op.monitor]}` };
  }
}

/** What to remember when Vigil answered the step 2xx. */
export function answeredRecord(
  request: PlannedRequest,
  answeredMs: number,
  instance: number,
  attempts: number,
): AnsweredEvent {
  const { op, story } = request;
  const base = { story, answeredMs, instance, attempts, triggerIds: [] as string[] };
  switch (op.kind) {
    case 'pd':
      return {
        ...base,
        kind: `pd-${op.action}`,
        key: op.dedupKey,
        service: op.service,
        triggerIds: op.action === 'trigger' ? [op.eventId] : [],
      };
    case 'alertmanager':
    case 'grafana':
      return {
        ...base,
        kind: op.kind,
        key: op.groupKey,
        service: op.service,
        triggerIds: op.alerts.filter((a) => a.status === 'firing').map((a) => a.eventId),
        resolvesGroup: op.alerts.every((a) => a.status === 'resolved'),
      };
    case 'change':
      return { ...base, kind: 'change', key: op.eventId, service: op.service, changeId: op.eventId };
    case 'heartbeat':
      return { ...base, kind: 'heartbeat', key: op.eventId, service: 'alertmanager', heartbeatMonitor: op.monitor };
  }
}

// Alert ingestion over HTTP on both dialects: PagerDuty Events API v2 (alert and change events) in
// PagerDuty's own shapes, Alertmanager (v4) and Grafana (v1) webhooks with their dedup and lifecycle
// rules, Grafana's HMAC signature, admission control and the per-key rate limit, and the alerts API.
// Payloads are written from the senders' public docs, not produced by our own parsers.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import type { alertView } from '../src/http/present.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { expectError, startHarness, unique, type Caller, type Harness, type Response } from './http-harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface ServiceJson {
  id: string;
  integration_key: string;
  [key: string]: unknown;
}
/** An alert as the API presents it; extra keys (events, total_events) on the detail route. */
type AlertJson = ReturnType<typeof alertView> & Record<string, unknown>;
interface TimelineJson {
  kind: string;
  actor: { type: string; id: string | null; name: string };
  data: Record<string, unknown>;
}

/** A PagerDuty Events API v2 trigger, as in PagerDuty's "Send an Alert Event" docs. */
function pdTrigger(routingKey: string, extra: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) {
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    payload: {
      summary: 'DISK at 99% on machine prod-datapipe03.example.com',
      timestamp: '2026-01-15T08:59:30.000+0000',
      severity: 'critical',
      source: 'prod-datapipe03.example.com',
      component: 'mysql',
      group: 'prod-datapipe',
      class: 'disk',
      custom_details: { 'free space': '1%', ping_time: '1500ms', load_avg: 0.75 },
      ...payload,
    },
    client: 'Sample Monitoring Service',
    client_url: 'https://monitoring.example.com',
    links: [{ href: 'http://acme.pagerduty.com', text: 'An example link.' }],
    images: [
      {
        src: 'https://chart.googleapis.com/chart?chs=600x400&chd=t:6,2,9,5,2,5,7,4,8,2,1&cht=lc',
        href: 'https://example.com/',
        alt: 'An example image',
      },
    ],
    ...extra,
  };
}

/** An Alertmanager webhook (version 4) notification, as documented in Prometheus' configuration docs. */
function amGroup(
  groupKey: string,
  alerts: Array<{
    fingerprint: string;
    status?: 'firing' | 'resolved';
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }>,
  extra: Record<string, unknown> = {},
) {
  const anyFiring = alerts.some((a) => (a.status ?? 'firing') === 'firing');
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status: anyFiring ? 'firing' : 'resolved',
    receiver: 'vigil',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate', job: 'api', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.com:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: {
        alertname: 'HighErrorRate',
        job: 'api',
        severity: 'critical',
        instance: `api-${a.fingerprint}:9100`,
        ...a.labels,
      },
      annotations: {
        summary: `High 5xx rate on api-${a.fingerprint}`,
        description: 'More than 5% of requests failed in the last 5 minutes',
        ...a.annotations,
      },
      startsAt: '2026-01-15T08:55:00.000Z',
      endsAt: a.status === 'resolved' ? '2026-01-15T08:59:00.000Z' : '0001-01-01T00:00:00Z',
      generatorURL:
        'http://prometheus.example.com:9090/graph?g0.expr=' +
        'rate%28http_requests_total%7Bcode%3D~%225..%22%7D%5B5m%5D%29+%3E+0.05',
      fingerprint: a.fingerprint,
    })),
    ...extra,
  };
}

/** A Grafana alerting webhook (version 1), as in Grafana's "Configure webhook notifications" docs. */
function grafanaNotification(fingerprint: string, state: 'firing' | 'resolved', extra: Record<string, unknown> = {}) {
  return {
    receiver: 'vigil-webhook',
    status: state,
    orgId: 1,
    alerts: [
      {
        status: state,
        labels: {
          alertname: 'High memory usage',
          team: 'blue',
          zone: 'us-1',
          severity: 'critical',
          grafana_folder: 'Infra',
        },
        annotations: {
          description: 'The system has high memory usage',
          runbook_url: 'https://myrunbook.com/runbook/1234',
          summary: 'This alert was triggered for zone us-1',
        },
        startsAt: '2026-01-15T09:51:03.157076+02:00',
        endsAt: state === 'resolved' ? '2026-01-15T09:58:03.157076+02:00' : '0001-01-01T00:00:00Z',
        generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
        fingerprint,
        silenceURL:
          'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DHigh+memory+usage',
        dashboardURL: 'https://play.grafana.org/d/abc123',
        panelURL: 'https://play.grafana.org/d/abc123?viewPanel=3',
        values: { B: 44.23943737541908, C: 1 },
        valueString:
          "[ var='B' labels={__name__=go_memstats_heap_inuse_bytes} value=44.23943737541908 ], [ var='C' value=1 ]",
      },
    ],
    groupLabels: {},
    commonLabels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
    commonAnnotations: {},
    externalURL: 'https://play.grafana.org/',
    version: '1',
    groupKey: `{}:{alertname="High memory usage",fp="${fingerprint}"}`,
    truncatedAlerts: 0,
    title: '[FIRING:1]  (High memory usage blue us-1)',
    state: state === 'firing' ? 'alerting' : 'ok',
    message: '**Firing**\n\nLabels:\n - alertname = High memory usage\n',
    ...extra,
  };
}

const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');
const randomKey = () => randomBytes(16).toString('hex');

describeEachDialect('HTTP ingestion', (env) => {
  let h: Harness;
  let admin: Caller;
  let viewer: Caller;
  const clock = new FakeClock('2026-01-15T09:00:00.000Z');

  beforeAll(async () => {
    h = await startHarness(env, { clock });
    admin = await h.caller('admin', 'ing-admin');
    viewer = await h.caller('viewer', 'ing-viewer');
  });
  afterAll(async () => h?.close());

  async function newService(settings: Record<string, unknown> = {}): Promise<ServiceJson> {
    const res = await h.call('POST', '/api/v1/services', { as: admin, body: { name: unique('ingest'), ...settings } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as ServiceJson;
  }
  const enqueue = (body: unknown, headers: Record<string, string> = {}) =>
    h.call('POST', '/v2/enqueue', { body, headers });
  const alertsOf = async (query: string): Promise<AlertJson[]> => {
    const res = await h.call('GET', `/api/v1/alerts?limit=200&${query}`, { as: viewer });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as AlertJson[];
  };
  const incident = async (id: string) => {
    const res = await h.call('GET', `/api/v1/incidents/${id}`, { as: viewer });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      id: string;
      status: string;
      severity: string;
      service_id: string;
      classified_by: string | null;
      title: string;
    };
  };
  const timeline = async (id: string): Promise<TimelineJson[]> => {
    const res = await h.call('GET', `/api/v1/incidents/${id}/timeline?limit=200`, { as: viewer });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as TimelineJson[];
  };
  const incidentsOf = async (serviceId: string) => {
    const res = await h.call('GET', `/api/v1/incidents?limit=200&service_id=${serviceId}`, { as: viewer });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data as Array<{ id: string; status: string }>;
  };

  describe('PagerDuty Events API v2', () => {
    it('accepts a trigger with 202 in PagerDuty shape, without a bearer token, and stores the alert', async () => {
      const svc = await newService();
      const res = await enqueue(pdTrigger(svc.integration_key, { dedup_key: 'srv01/mysql' }));
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'srv01/mysql' });

      const [alert, ...rest] = await alertsOf(`service_id=${svc.id}`);
      expect(rest).toEqual([]);
      expect(alert).toMatchObject({
        dedup_key: 'srv01/mysql',
        status: 'triggered',
        format: 'pagerduty',
        summary: 'DISK at 99% on machine prod-datapipe03.example.com',
        source: 'prod-datapipe03.example.com',
        severity: 'critical',
        classified_as: 'P1',
        event_count: 1,
      });
      expect(alert?.details).toMatchObject({
        component: 'mysql',
        group: 'prod-datapipe',
        class: 'disk',
        custom_details: { 'free space': '1%' },
        client: 'Sample Monitoring Service',
        client_url: 'https://monitoring.example.com',
      });
      const inc = await incident(alert?.incident_id as string);
      expect(inc).toMatchObject({ status: 'triggered', severity: 'P1', service_id: svc.id });
      const created = (await timeline(inc.id)).find((e) => e.kind === 'created');
      expect(created?.actor.type).toBe('integration');
    });

    it('generates a UUID dedup key for a trigger without one and returns it', async () => {
      const svc = await newService();
      const res = await enqueue(pdTrigger(svc.integration_key));
      expect(res.statusCode, res.body).toBe(202);
      const { dedup_key: key } = res.json() as { dedup_key: string };
      expect(key).toMatch(UUID);
      expect((await alertsOf(`service_id=${svc.id}`)).map((a) => a.dedup_key)).toEqual([key]);
      const again = await enqueue(pdTrigger(svc.integration_key));
      expect(again.json().dedup_key).not.toBe(key);
      // The generated key works for follow-ups.
      expect(
        (await enqueue({ routing_key: svc.integration_key, event_action: 'resolve', dedup_key: key })).statusCode,
      ).toBe(202);
      expect((await alertsOf(`service_id=${svc.id}&status=resolved`)).map((a) => a.dedup_key)).toEqual([key]);
    });

    it('answers 400 in PagerDuty shape naming every bad field', async () => {
      const svc = await newService();
      const res = await enqueue({
        routing_key: svc.integration_key,
        event_action: 'explode',
        payload: { summary: '', severity: 'fatal', timestamp: 'yesterday' },
        links: 'nope',
        images: [{ alt: 'no src' }],
      });
      expect(res.statusCode).toBe(400);
      const body = res.json() as { status: string; message: string; errors: string[] };
      expect(Object.keys(body).sort()).toEqual(['errors', 'message', 'status']);
      expect(body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid' });
      const all = body.errors.join('\n');
      for (const field of [
        "'event_action'",
        "'payload.summary'",
        "'payload.source'",
        "'payload.severity'",
        "'payload.timestamp'",
        "'links'",
        "'images[0].src'",
      ])
        expect(all).toContain(field);
      expect(body.errors.length).toBeGreaterThanOrEqual(7);

      const noPayload = await enqueue({ routing_key: svc.integration_key, event_action: 'trigger' });
      expect(noPayload.statusCode).toBe(400);
      expect(noPayload.json().errors.join()).toContain("'payload'");
      const ackWithoutKey = await enqueue({ routing_key: svc.integration_key, event_action: 'acknowledge' });
      expect(ackWithoutKey.statusCode).toBe(400);
      expect(ackWithoutKey.json().errors.join()).toContain("'dedup_key'");
      const missingKey = await enqueue({
        event_action: 'trigger',
        payload: { summary: 's', source: 'x', severity: 'info' },
      });
      expect(missingKey.json()).toMatchObject({
        status: 'invalid event',
        errors: [expect.stringContaining("'routing_key'")],
      });
      expect(await alertsOf(`service_id=${svc.id}`)).toEqual([]);
    });

    it('refuses an unknown routing key with 400 in PagerDuty shape', async () => {
      const res = await enqueue(pdTrigger(randomKey()));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [expect.stringContaining('routing_key')],
      });
    });

    it('answers invalid JSON and bodies over 512 KB in PagerDuty shape', async () => {
      const bad = await h.call('POST', '/v2/enqueue', {
        body: '{"routing_key": "abc", ',
        headers: { 'content-type': 'application/json' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [expect.any(String)],
      });

      const notObject = await h.call('POST', '/v2/enqueue', {
        body: '[1,2]',
        headers: { 'content-type': 'application/json' },
      });
      expect(notObject.statusCode).toBe(400);
      expect(notObject.json()).toMatchObject({ status: 'invalid event', errors: [expect.any(String)] });

      const svc = await newService();
      const huge = pdTrigger(svc.integration_key, {}, { custom_details: { blob: 'x'.repeat(600 * 1024) } });
      const big = await enqueue(huge);
      expect([400, 413]).toContain(big.statusCode);
      expect(big.json()).toMatchObject({
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: [expect.any(String)],
      });
      expect(await alertsOf(`service_id=${svc.id}`)).toEqual([]);

      // Just under the limit is fine.
      const fits = pdTrigger(svc.integration_key, {}, { custom_details: { blob: 'x'.repeat(500 * 1024) } });
      expect(JSON.stringify(fits).length).toBeLessThan(512 * 1024);
      expect((await enqueue(fits)).statusCode).toBe(202);
    });

    it(
      'dedups triggers, applies acknowledge and resolve to the incident as the integration, ' +
        'and opens anew after a resolve',
      async () => {
        const svc = await newService();
        const key = svc.integration_key;
        expect((await enqueue(pdTrigger(key, { dedup_key: 'disk-full' }))).statusCode).toBe(202);
        clock.advance(MIN);
        expect(
          (await enqueue(pdTrigger(key, { dedup_key: 'disk-full' }, { summary: 'DISK at 100%' }))).statusCode,
        ).toBe(202);
        const [alert, ...more] = await alertsOf(`service_id=${svc.id}`);
        expect(more).toEqual([]);
        expect(alert).toMatchObject({ event_count: 2, summary: 'DISK at 100%', status: 'triggered' });
        const incidentId = alert?.incident_id as string;
        expect(await incidentsOf(svc.id)).toHaveLength(1);

        // Follow-ups for unknown keys are accepted and change nothing.
        const unknownAck = await enqueue({ routing_key: key, event_action: 'acknowledge', dedup_key: 'never-seen' });
        expect(unknownAck.statusCode).toBe(202);
        expect(unknownAck.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'never-seen' });

        const ack = await enqueue({ routing_key: key, event_action: 'acknowledge', dedup_key: 'disk-full' });
        expect(ack.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'disk-full' });
        expect((await incident(incidentId)).status).toBe('acknowledged');
        const acked = (await timeline(incidentId)).find((e) => e.kind === 'acknowledged');
        expect(acked?.actor).toMatchObject({ type: 'integration', id: svc.id });

        expect((await enqueue({ routing_key: key, event_action: 'resolve', dedup_key: 'disk-full' })).statusCode).toBe(
          202,
        );
        expect((await incident(incidentId)).status).toBe('resolved');
        const resolved = (await timeline(incidentId)).find((e) => e.kind === 'resolved');
        expect(resolved?.actor).toMatchObject({ type: 'integration', id: svc.id });
        expect((await alertsOf(`service_id=${svc.id}`))[0]).toMatchObject({ status: 'resolved' });

        // A resolve for the closed key is accepted and changes nothing; a new trigger opens a new alert and incident.
        expect((await enqueue({ routing_key: key, event_action: 'resolve', dedup_key: 'disk-full' })).statusCode).toBe(
          202,
        );
        expect((await enqueue(pdTrigger(key, { dedup_key: 'disk-full' }))).statusCode).toBe(202);
        const both = await alertsOf(`service_id=${svc.id}`);
        expect(both).toHaveLength(2);
        const fresh = both.find((a) => a.status === 'triggered');
        expect(fresh?.id).not.toBe(alert?.id);
        expect(fresh?.incident_id).not.toBe(incidentId);
        expect(fresh?.event_count).toBe(1);
      },
    );

    it('acknowledges an incident only when all its alerts are acknowledged (grouping window)', async () => {
      const svc = await newService({ grouping_window_s: 600 });
      const key = svc.integration_key;
      await enqueue(pdTrigger(key, { dedup_key: 'a' }));
      await enqueue(pdTrigger(key, { dedup_key: 'b' }, { severity: 'error' }));
      const alerts = await alertsOf(`service_id=${svc.id}`);
      expect(alerts).toHaveLength(2);
      const incidentId = alerts[0]?.incident_id as string;
      expect(alerts.every((a) => a.incident_id === incidentId)).toBe(true);
      await enqueue({ routing_key: key, event_action: 'acknowledge', dedup_key: 'a' });
      expect((await incident(incidentId)).status).toBe('triggered');
      await enqueue({ routing_key: key, event_action: 'acknowledge', dedup_key: 'b' });
      expect((await incident(incidentId)).status).toBe('acknowledged');
      await enqueue({ routing_key: key, event_action: 'resolve', dedup_key: 'a' });
      expect((await incident(incidentId)).status).toBe('acknowledged');
      await enqueue({ routing_key: key, event_action: 'resolve', dedup_key: 'b' });
      expect((await incident(incidentId)).status).toBe('resolved');
    });

    it('classifies by the default rules and the service rules, and raises but never lowers', async () => {
      const svc = await newService({
        rules: [
          {
            name: 'checkout-down',
            when: [{ field: 'custom_details.checkout', op: 'eq', value: 'down' }],
            severity: 'P0',
          },
        ],
      });
      const key = svc.integration_key;
      await enqueue(pdTrigger(key, { dedup_key: 'w' }, { severity: 'warning', custom_details: {} }));
      const [warn] = await alertsOf(`service_id=${svc.id}`);
      expect(warn?.classified_as).toBe('P3');
      const incidentId = warn?.incident_id as string;
      expect((await incident(incidentId)).severity).toBe('P3');
      // Same key, now matching the service rule: the incident is raised to P0 with a timeline entry.
      await enqueue(pdTrigger(key, { dedup_key: 'w' }, { severity: 'warning', custom_details: { checkout: 'down' } }));
      expect((await incident(incidentId)).severity).toBe('P0');
      expect((await timeline(incidentId)).some((e) => e.kind === 'severity_changed')).toBe(true);
      await enqueue(pdTrigger(key, { dedup_key: 'w' }, { severity: 'warning', custom_details: {} }));
      expect((await incident(incidentId)).severity).toBe('P0');

      await enqueue(
        pdTrigger(
          key,
          { dedup_key: 'latency' },
          { severity: 'info', custom_details: { latency_degradation_pct: 250 } },
        ),
      );
      const latency = (await alertsOf(`service_id=${svc.id}`)).find((a) => a.dedup_key === 'latency');
      expect(latency?.classified_as).toBe('P1');
      expect((await incident(latency?.incident_id as string)).classified_by).toBe(latency?.rule);

      // info with nothing else: recorded as an alert, no incident.
      await enqueue(pdTrigger(key, { dedup_key: 'fyi' }, { severity: 'info', custom_details: {} }));
      const fyi = (await alertsOf(`service_id=${svc.id}`)).find((a) => a.dedup_key === 'fyi');
      expect(fyi).toMatchObject({ incident_id: null, classified_as: null });
    });
  });

  describe('change events', () => {
    it(
      'accepts with 202, lists them on the service, ' + 'shows them on new incidents within 4 h, and never pages',
      async () => {
        const svc = await newService();
        const change = {
          routing_key: svc.integration_key,
          payload: {
            summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
            timestamp: new Date(clock.now().getTime() - 30 * MIN).toISOString(),
            source: 'acme-build-pipeline-tool-default-i-9999',
            custom_details: { build_state: 'passed', build_number: '2', run_time: '1236s' },
          },
          links: [{ href: 'https://acme.pagerduty.dev/build/2', text: 'View more details in Acme!' }],
        };
        const res = await h.call('POST', '/v2/change/enqueue', { body: change });
        expect(res.statusCode, res.body).toBe(202);
        expect(res.json()).toMatchObject({ status: 'success' });
        const old = await h.call('POST', '/v2/change/enqueue', {
          body: {
            ...change,
            payload: {
              ...change.payload,
              summary: 'old deploy',
              timestamp: new Date(clock.now().getTime() - 5 * HOUR).toISOString(),
            },
          },
        });
        expect(old.statusCode).toBe(202);

        const listed = await h.call('GET', `/api/v1/services/${svc.id}/changes`, { as: viewer });
        expect(listed.statusCode).toBe(200);
        const data = listed.json().data as Array<Record<string, unknown>>;
        expect(data.map((c) => c.summary)).toEqual([change.payload.summary, 'old deploy']);
        expect(data[0]).toMatchObject({
          service_id: svc.id,
          source: change.payload.source,
          custom_details: change.payload.custom_details,
          links: change.links,
        });
        const paged = await h.call('GET', `/api/v1/services/${svc.id}/changes?limit=1`, { as: viewer });
        const next = paged.json().next_cursor as string;
        expect(next).toBeTruthy();
        const second = await h.call(
          'GET',
          `/api/v1/services/${svc.id}/changes?limit=1&cursor=${encodeURIComponent(next)}`,
          { as: viewer },
        );
        expect((second.json().data as Array<{ summary: string }>).map((c) => c.summary)).toEqual(['old deploy']);

        // Never pages.
        expect(await incidentsOf(svc.id)).toEqual([]);
        expect(await alertsOf(`service_id=${svc.id}`)).toEqual([]);

        await enqueue(pdTrigger(svc.integration_key, { dedup_key: 'after-deploy' }));
        const [alert] = await alertsOf(`service_id=${svc.id}`);
        const recent = (await timeline(alert?.incident_id as string)).find((e) => e.kind === 'recent_changes');
        expect(recent).toBeDefined();
        const summaries = (recent?.data.changes as Array<{ summary: string }>).map((c) => c.summary);
        expect(summaries).toEqual([change.payload.summary]);
      },
    );

    it('does not show changes older than 4 h and validates in PagerDuty shape', async () => {
      const svc = await newService();
      await h.call('POST', '/v2/change/enqueue', {
        body: {
          routing_key: svc.integration_key,
          payload: {
            summary: 'ancient deploy',
            timestamp: new Date(clock.now().getTime() - 4 * HOUR - MIN).toISOString(),
          },
        },
      });
      await enqueue(pdTrigger(svc.integration_key, { dedup_key: 'x' }));
      const [alert] = await alertsOf(`service_id=${svc.id}`);
      expect((await timeline(alert?.incident_id as string)).map((e) => e.kind)).not.toContain('recent_changes');

      const bad = await h.call('POST', '/v2/change/enqueue', {
        body: { routing_key: svc.integration_key, payload: { summary: '', timestamp: 'soon' }, links: [{}] },
      });
      expect(bad.statusCode).toBe(400);
      const body = bad.json() as { status: string; errors: string[] };
      expect(body.status).toBe('invalid event');
      for (const field of ['payload.summary', 'payload.timestamp', 'links[0]'])
        expect(body.errors.join('\n')).toContain(field);
      const unknown = await h.call('POST', '/v2/change/enqueue', {
        body: { routing_key: randomKey(), payload: { summary: 'deploy' } },
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json()).toMatchObject({
        status: 'invalid event',
        errors: [expect.stringContaining('routing_key')],
      });
    });
  });

  describe('Alertmanager webhook', () => {
    const url = (key: string) => `/api/v1/integrations/${key}/alertmanager`;

    it('turns a group into one incident, dedups re-sends, and resolves alert by alert then the incident', async () => {
      const svc = await newService();
      const groupKey = '{}/{severity="critical"}:{alertname="HighErrorRate"}';
      const three = [
        { fingerprint: 'a1b2c3d4e5f60001' },
        { fingerprint: 'a1b2c3d4e5f60002' },
        { fingerprint: 'a1b2c3d4e5f60003' },
      ];
      const first = await h.call('POST', url(svc.integration_key), {
        body: amGroup(groupKey, three, { truncatedAlerts: 2 }),
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ status: 'success', alerts: 3, truncated_alerts: 2 });

      let alerts = await alertsOf(`service_id=${svc.id}`);
      expect(alerts).toHaveLength(3);
      const incidentId = alerts[0]?.incident_id as string;
      expect(incidentId).toBeTruthy();
      expect(
        alerts.every((a) => a.incident_id === incidentId && a.group_key === groupKey && a.format === 'alertmanager'),
      ).toBe(true);
      const one = alerts.find((a) => a.dedup_key === 'a1b2c3d4e5f60001');
      expect(one).toMatchObject({
        summary: 'High 5xx rate on api-a1b2c3d4e5f60001',
        source: 'api-a1b2c3d4e5f60001:9100',
        severity: 'critical',
        classified_as: 'P1',
      });
      expect(JSON.stringify(one?.details)).toContain('prometheus.example.com');
      expect(await incidentsOf(svc.id)).toHaveLength(1);
      // truncatedAlerts is recorded on the stored alerts, not only echoed.
      expect(alerts.map((a) => (a.details.custom_details as Record<string, unknown>).truncatedAlerts)).toEqual([
        2, 2, 2,
      ]);

      // Alertmanager re-sends the whole group every group_interval.
      clock.advance(5 * MIN);
      expect((await h.call('POST', url(svc.integration_key), { body: amGroup(groupKey, three) })).statusCode).toBe(200);
      alerts = await alertsOf(`service_id=${svc.id}`);
      expect(alerts).toHaveLength(3);
      expect(alerts.map((a) => a.event_count)).toEqual([2, 2, 2]);
      expect(await incidentsOf(svc.id)).toHaveLength(1);

      // One alert resolves.
      const oneResolved = [{ ...three[0], status: 'resolved' as const }, three[1], three[2]] as typeof three;
      expect(
        (await h.call('POST', url(svc.integration_key), { body: amGroup(groupKey, oneResolved) })).statusCode,
      ).toBe(200);
      alerts = await alertsOf(`service_id=${svc.id}`);
      expect(Object.fromEntries(alerts.map((a) => [a.dedup_key, a.status]))).toEqual({
        a1b2c3d4e5f60001: 'resolved',
        a1b2c3d4e5f60002: 'triggered',
        a1b2c3d4e5f60003: 'triggered',
      });
      expect((await incident(incidentId)).status).toBe('triggered');

      // All resolve.
      const allResolved = three.map((a) => ({ ...a, status: 'resolved' as const }));
      expect(
        (await h.call('POST', url(svc.integration_key), { body: amGroup(groupKey, allResolved) })).statusCode,
      ).toBe(200);
      alerts = await alertsOf(`service_id=${svc.id}`);
      expect(alerts.map((a) => a.status)).toEqual(['resolved', 'resolved', 'resolved']);
      expect((await incident(incidentId)).status).toBe('resolved');
      const resolved = (await timeline(incidentId)).find((e) => e.kind === 'resolved');
      expect(resolved?.actor.type).toBe('integration');
    });

    it('resolves the open alerts of a group whose incident is resolved by hand; re-sent, it opens anew', async () => {
      const svc = await newService();
      const groupKey = '{}:{alertname="DiskFull"}';
      const two = [{ fingerprint: 'd15cf011000000a1' }, { fingerprint: 'd15cf011000000a2' }];
      expect((await h.call('POST', url(svc.integration_key), { body: amGroup(groupKey, two) })).statusCode).toBe(200);
      const [first] = await incidentsOf(svc.id);
      const resolve = await h.call('POST', `/api/v1/incidents/${first?.id}/resolve`, {
        as: admin,
        body: { note: 'cleaned up' },
      });
      expect(resolve.statusCode, resolve.body).toBe(200);

      expect((await alertsOf(`service_id=${svc.id}`)).map((a) => a.status)).toEqual(['resolved', 'resolved']);
      const ofIncident = await h.call('GET', `/api/v1/incidents/${first?.id}/alerts`, { as: viewer });
      expect((ofIncident.json().data as AlertJson[]).map((a) => [a.status, a.resolved_at])).toEqual([
        ['resolved', clock.now().toISOString()],
        ['resolved', clock.now().toISOString()],
      ]);
      const oldestFirst = (ofIncident.json().data as AlertJson[]).map((a) => a.id).reverse();
      const entry = (await timeline(first?.id as string)).find((e) => e.kind === 'alerts_resolved');
      expect(entry).toMatchObject({ actor: { type: 'user' }, data: { count: 2, alert_ids: oldestFirst } });

      // Alertmanager re-sends the still-firing group: a new problem, so new alerts and a new incident.
      clock.advance(5 * MIN);
      expect((await h.call('POST', url(svc.integration_key), { body: amGroup(groupKey, two) })).statusCode).toBe(200);
      const incidents = await incidentsOf(svc.id);
      expect(incidents.map((i) => i.status)).toEqual(['triggered', 'resolved']);
      const alerts = await alertsOf(`service_id=${svc.id}`);
      expect(alerts.map((a) => [a.status, a.incident_id === incidents[0]?.id])).toEqual([
        ['triggered', true],
        ['triggered', true],
        ['resolved', false],
        ['resolved', false],
      ]);
    });

    it('maps severity synonyms and separate groups to separate incidents; info opens none', async () => {
      const svc = await newService();
      await h.call('POST', url(svc.integration_key), {
        body: amGroup('{}:{team="a"}', [{ fingerprint: 'f-page', labels: { severity: 'page' } }]),
      });
      await h.call('POST', url(svc.integration_key), {
        body: amGroup('{}:{team="b"}', [{ fingerprint: 'f-low', labels: { severity: 'low' } }]),
      });
      await h.call('POST', url(svc.integration_key), {
        body: amGroup('{}:{team="c"}', [{ fingerprint: 'f-none', labels: { severity: 'none' } }]),
      });
      const alerts = await alertsOf(`service_id=${svc.id}`);
      const by = Object.fromEntries(alerts.map((a) => [a.dedup_key, a]));
      expect(by['f-page']).toMatchObject({ severity: 'critical', classified_as: 'P1' });
      expect(by['f-low']).toMatchObject({ severity: 'warning', classified_as: 'P3' });
      expect(by['f-none']).toMatchObject({ severity: 'info', classified_as: null, incident_id: null });
      expect(by['f-page']?.incident_id).not.toBe(by['f-low']?.incident_id);
      expect(await incidentsOf(svc.id)).toHaveLength(2);
    });

    it('answers 404 in our error shape for an unknown key and 400 naming the bad fields', async () => {
      const unknown = await h.call('POST', url(randomKey()), { body: amGroup('{}:{}', [{ fingerprint: 'x' }]) });
      expectError(unknown, 404, 'integration.not_found');

      const svc = await newService();
      const bad = amGroup('', [{ fingerprint: 'x' }], { version: '3' }) as Record<string, unknown>;
      (bad.alerts as Array<Record<string, unknown>>)[0] = {
        status: 'burning',
        labels: { alertname: 7 },
        startsAt: 'not a time',
      };
      const res = await h.call('POST', url(svc.integration_key), { body: bad });
      const error = expectError(res, 400, 'event.invalid');
      for (const field of ['version', 'groupKey', 'alerts[0].status', 'alerts[0].labels', 'alerts[0].startsAt'])
        expect(error.message).toContain(field);
      expect((error.details as { errors: string[] }).errors.length).toBeGreaterThanOrEqual(5);
      expectError(
        await h.call('POST', url(svc.integration_key), {
          body: '{"version":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'request.invalid_json',
      );
      expect(await alertsOf(`service_id=${svc.id}`)).toEqual([]);
    });
  });

  describe('Grafana webhook', () => {
    const url = (key: string) => `/api/v1/integrations/${key}/grafana`;
    const postRaw = (key: string, raw: string, headers: Record<string, string> = {}) =>
      h.call('POST', url(key), { body: raw, headers: { 'content-type': 'application/json', ...headers } });

    it('opens on firing and resolves on resolved, with Grafana links and values kept', async () => {
      const svc = await newService();
      const firing = await h.call('POST', url(svc.integration_key), {
        body: grafanaNotification('c6eadffa33fcdf37', 'firing'),
      });
      expect(firing.statusCode, firing.body).toBe(200);
      expect(firing.json()).toMatchObject({ status: 'success', alerts: 1 });
      const [alert] = await alertsOf(`service_id=${svc.id}`);
      expect(alert).toMatchObject({
        dedup_key: 'c6eadffa33fcdf37',
        format: 'grafana',
        status: 'triggered',
        summary: 'This alert was triggered for zone us-1',
        severity: 'critical',
        classified_as: 'P1',
      });
      const details = JSON.stringify(alert?.details);
      for (const text of ['play.grafana.org/d/abc123', 'viewPanel=3', 'alerting/silence/new', '44.23943737541908'])
        expect(details).toContain(text);
      const incidentId = alert?.incident_id as string;

      const resolved = await h.call('POST', url(svc.integration_key), {
        body: grafanaNotification('c6eadffa33fcdf37', 'resolved'),
      });
      expect(resolved.statusCode).toBe(200);
      expect((await alertsOf(`service_id=${svc.id}`))[0]?.status).toBe('resolved');
      expect((await incident(incidentId)).status).toBe('resolved');

      const bad = await h.call('POST', url(svc.integration_key), {
        body: {
          ...grafanaNotification('f', 'firing'),
          version: '4',
          alerts: [{ status: 'firing', labels: {}, values: { B: 'high' } }],
        },
      });
      const error = expectError(bad, 400, 'event.invalid');
      expect(error.message).toContain('version');
      expect(error.message).toContain('alerts[0].values');
      expectError(
        await h.call('POST', url(randomKey()), { body: grafanaNotification('f', 'firing') }),
        404,
        'integration.not_found',
      );
    });

    it('verifies the HMAC signature over the raw body when the service has a secret', async () => {
      const secret = 'grafana-shared-secret-123';
      const svc = await newService({ grafana_secret: secret });
      expect(svc).toMatchObject({
        grafana_signature: true,
        grafana_signature_header: 'X-Grafana-Alerting-Signature',
        grafana_timestamp_header: null,
      });
      expect(JSON.stringify(svc)).not.toContain(secret);
      const shown = await h.call('GET', `/api/v1/services/${svc.id}`, { as: viewer });
      expect(shown.json()).toMatchObject({ grafana_signature: true });
      expect(shown.body).not.toContain(secret);

      // Odd spacing and key order: only a check over the raw bytes accepts this signature.
      const raw = JSON.stringify(grafanaNotification('sig-1', 'firing'), null, 3);
      const valid = await postRaw(svc.integration_key, raw, { 'X-Grafana-Alerting-Signature': hmac(secret, raw) });
      expect(valid.statusCode, valid.body).toBe(200);
      expect((await alertsOf(`service_id=${svc.id}`)).map((a) => a.dedup_key)).toEqual(['sig-1']);

      const missing = expectError(await postRaw(svc.integration_key, raw), 401, 'integration.bad_signature');
      expect(missing.message).toMatch(/missing/);
      const wrong = expectError(
        await postRaw(svc.integration_key, raw, { 'X-Grafana-Alerting-Signature': hmac('another-secret', raw) }),
        401,
        'integration.bad_signature',
      );
      expect(wrong.message).toMatch(/does not match/);
      const tampered = raw.replace('sig-1', 'sig-2');
      expectError(
        await postRaw(svc.integration_key, tampered, { 'X-Grafana-Alerting-Signature': hmac(secret, raw) }),
        401,
        'integration.bad_signature',
      );
      const notHex = expectError(
        await postRaw(svc.integration_key, raw, { 'X-Grafana-Alerting-Signature': `sha256=${hmac(secret, raw)}` }),
        401,
        'integration.bad_signature',
      );
      expect(notHex.message).toMatch(/hex/);
      expect((await alertsOf(`service_id=${svc.id}`)).map((a) => a.dedup_key)).toEqual(['sig-1']);

      // The secret is stored for verification but never lands in the audit log.
      const audit = await env.database.db.selectFrom('audit_log').select('details').execute();
      expect(JSON.stringify(audit)).not.toContain(secret);

      // A rotated key stops at once, signed or not.
      const rotated = await h.call('POST', `/api/v1/services/${svc.id}/rotate-key`, { as: admin });
      expect(rotated.statusCode).toBe(200);
      expectError(
        await postRaw(svc.integration_key, raw, { 'X-Grafana-Alerting-Signature': hmac(secret, raw) }),
        404,
        'integration.not_found',
      );
      const newKey = rotated.json().integration_key as string;
      const raw2 = JSON.stringify(grafanaNotification('sig-3', 'firing'));
      expect((await postRaw(newKey, raw2, { 'X-Grafana-Alerting-Signature': hmac(secret, raw2) })).statusCode).toBe(
        200,
      );

      // Removing the secret turns the check off.
      const off = await h.call('PATCH', `/api/v1/services/${svc.id}`, { as: admin, body: { grafana_secret: null } });
      expect(off.json()).toMatchObject({ grafana_signature: false });
      const raw3 = JSON.stringify(grafanaNotification('sig-4', 'firing'));
      expect((await postRaw(newKey, raw3)).statusCode).toBe(200);
    });

    it('signs timestamp and body with a custom header and refuses stale or missing timestamps', async () => {
      const secret = 'another-shared-secret';
      const svc = await newService();
      const patched = await h.call('PATCH', `/api/v1/services/${svc.id}`, {
        as: admin,
        body: {
          grafana_secret: secret,
          grafana_signature_header: 'X-Vigil-Signature',
          grafana_timestamp_header: 'X-Vigil-Timestamp',
        },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject({
        grafana_signature: true,
        grafana_signature_header: 'X-Vigil-Signature',
        grafana_timestamp_header: 'X-Vigil-Timestamp',
      });
      expect(patched.body).not.toContain(secret);

      const raw = JSON.stringify(grafanaNotification('ts-1', 'firing'));
      const now = Math.floor(clock.now().getTime() / 1000);
      const sign = (ts: number) => ({
        'X-Vigil-Signature': hmac(secret, `${ts}:${raw}`),
        'X-Vigil-Timestamp': String(ts),
      });

      expect((await postRaw(svc.integration_key, raw, sign(now - 30))).statusCode).toBe(200);
      const stale = expectError(
        await postRaw(svc.integration_key, raw, sign(now - 600)),
        401,
        'integration.bad_signature',
      );
      expect(stale.message).toMatch(/timestamp/);
      const noTs = expectError(
        await postRaw(svc.integration_key, raw, { 'X-Vigil-Signature': hmac(secret, raw) }),
        401,
        'integration.bad_signature',
      );
      expect(noTs.message).toMatch(/timestamp header is missing/);
      // The default header no longer counts.
      expectError(
        await postRaw(svc.integration_key, raw, {
          'X-Grafana-Alerting-Signature': hmac(secret, `${now}:${raw}`),
          'X-Vigil-Timestamp': String(now),
        }),
        401,
        'integration.bad_signature',
      );
      // A signature over the body alone does not do once a timestamp is configured.
      expectError(
        await postRaw(svc.integration_key, raw, {
          'X-Vigil-Signature': hmac(secret, raw),
          'X-Vigil-Timestamp': String(now),
        }),
        401,
        'integration.bad_signature',
      );
      const [alert] = await alertsOf(`service_id=${svc.id}`);
      expect(alert?.event_count).toBe(1);
    });
  });

  describe('per-key rate limit', () => {
    it('refuses the 4th event in a minute with 429 and Retry-After, and lets events in after the minute', async () => {
      const svc = await newService();
      const patched = await h.call('PATCH', `/api/v1/services/${svc.id}`, {
        as: admin,
        body: { rate_limit_per_min: 3 },
      });
      expect(patched.json()).toMatchObject({ rate_limit_per_min: 3 });
      for (let i = 0; i < 3; i++)
        expect((await enqueue(pdTrigger(svc.integration_key, { dedup_key: `k${i}` }))).statusCode).toBe(202);
      const refused = await enqueue(pdTrigger(svc.integration_key, { dedup_key: 'k3' }));
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.json()).toMatchObject({ status: 'throttle event', errors: [expect.any(String)] });
      // The webhooks count toward the same budget and answer in our shape.
      const hook = await h.call('POST', `/api/v1/integrations/${svc.integration_key}/alertmanager`, {
        body: amGroup('{}:{rl}', [{ fingerprint: 'rl' }]),
      });
      expectError(hook, 429, 'ingest.rate_limited');
      expect(hook.headers['retry-after']).toBeDefined();
      expect((await alertsOf(`service_id=${svc.id}`)).map((a) => a.dedup_key).sort()).toEqual(['k0', 'k1', 'k2']);

      clock.advance(60_000);
      expect((await enqueue(pdTrigger(svc.integration_key, { dedup_key: 'k3' }))).statusCode).toBe(202);
      // Other keys are not limited.
      const other = await newService();
      for (let i = 0; i < 5; i++)
        expect((await enqueue(pdTrigger(other.integration_key, { dedup_key: `o${i}` }))).statusCode).toBe(202);
    });
  });

  describe('alerts API', () => {
    it("lists with filters and paging, shows one alert with its events, and an incident's alerts", async () => {
      const svc = await newService();
      const key = svc.integration_key;
      for (let i = 0; i < 5; i++) {
        await enqueue(pdTrigger(key, { dedup_key: `api-${i}` }));
        clock.advance(1000);
      }
      await enqueue({ routing_key: key, event_action: 'acknowledge', dedup_key: 'api-1' });
      await enqueue({ routing_key: key, event_action: 'resolve', dedup_key: 'api-2' });
      for (let i = 0; i < 3; i++) await enqueue(pdTrigger(key, { dedup_key: 'api-0' }));

      // Paging newest first, no overlap.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await h.call(
          'GET',
          `/api/v1/alerts?service_id=${svc.id}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          { as: viewer },
        );
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { data: AlertJson[]; next_cursor: string | null };
        expect(body.data.length).toBeLessThanOrEqual(2);
        seen.push(...body.data.map((a) => a.dedup_key));
        cursor = body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(['api-4', 'api-3', 'api-2', 'api-1', 'api-0']);

      expect((await alertsOf(`service_id=${svc.id}&status=triggered`)).map((a) => a.dedup_key)).toEqual([
        'api-4',
        'api-3',
        'api-0',
      ]);
      expect((await alertsOf(`service_id=${svc.id}&status=acknowledged,resolved`)).map((a) => a.dedup_key)).toEqual([
        'api-2',
        'api-1',
      ]);
      const first = (await alertsOf(`service_id=${svc.id}`)).find((a) => a.dedup_key === 'api-0') as AlertJson;
      expect((await alertsOf(`incident_id=${first.incident_id}`)).map((a) => a.dedup_key)).toEqual(['api-0']);

      const one = await h.call('GET', `/api/v1/alerts/${first.id}`, { as: viewer });
      expect(one.statusCode).toBe(200);
      const shown = one.json() as AlertJson & {
        events: Array<{ action: string; at: string; event: Record<string, unknown> }>;
        total_events: number;
      };
      expect(shown).toMatchObject({ id: first.id, dedup_key: 'api-0', event_count: 4, total_events: 4 });
      expect(shown.events).toHaveLength(4);
      expect(shown.events.every((e) => e.action === 'trigger')).toBe(true);
      const resolvedAlert = (await alertsOf(`service_id=${svc.id}&status=resolved`))[0] as AlertJson;
      const resolvedShown = (await h.call('GET', `/api/v1/alerts/${resolvedAlert.id}`, { as: viewer })).json() as {
        events: Array<{ action: string }>;
        total_events: number;
      };
      expect(resolvedShown.events.map((e) => e.action).sort()).toEqual(['resolve', 'trigger']);
      expect(resolvedShown.total_events).toBe(2);

      const ofIncident = await h.call('GET', `/api/v1/incidents/${first.incident_id}/alerts`, { as: viewer });
      expect(ofIncident.statusCode).toBe(200);
      expect((ofIncident.json().data as AlertJson[]).map((a) => a.id)).toEqual([first.id]);

      expectError(await h.call('GET', '/api/v1/alerts/alr_nope', { as: viewer }), 404, 'alert.not_found');
      expectError(await h.call('GET', '/api/v1/alerts?status=exploded', { as: viewer }), 400, 'request.invalid');
      expect((await h.call('GET', '/api/v1/alerts')).statusCode).toBe(401);
    });
  });

  describe('service ingestion settings', () => {
    it('refuses bad settings with 400 naming the field', async () => {
      const badRule = await h.call('POST', '/api/v1/services', {
        as: admin,
        body: {
          name: unique('bad'),
          rules: [{ name: 'r', when: [{ field: 'hostname', op: 'eq', value: 'x' }], severity: 'P9' }],
        },
      });
      const e1 = expectError(badRule, 400, 'request.invalid');
      expect(e1.message).toContain('rules.0.when.0.field');
      expect(e1.message).toContain('rules.0.severity');
      const svc = await newService();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ rules: [{ name: 'r', when: [], severity: 'P1' }] }, 'rules.0.when'],
        [
          { rules: [{ name: 'r', when: [{ field: 'class', op: 'matches', value: 'x' }], severity: 'P1' }] },
          'rules.0.when.0.op',
        ],
        [{ grouping_window_s: 0 }, 'grouping_window_s'],
        [{ rate_limit_per_min: -1 }, 'rate_limit_per_min'],
        [{ grafana_secret: 'short' }, 'grafana_secret'],
        [{ grafana_signature_header: 'Not A Header' }, 'grafana_signature_header'],
        [{ grafana_timestamp_header: '' }, 'grafana_timestamp_header'],
        [{ integration_key: 'x' }, 'integration_key'],
      ];
      for (const [body, field] of cases) {
        const error = expectError(
          await h.call('PATCH', `/api/v1/services/${svc.id}`, { as: admin, body }),
          400,
          'request.invalid',
        );
        expect(error.message, JSON.stringify(body)).toContain(field);
      }
      const forbidden = await h.call('PATCH', `/api/v1/services/${svc.id}`, {
        as: viewer,
        body: { rate_limit_per_min: 5 },
      });
      expect(forbidden.statusCode).toBe(403);
      const reset = await h.call('PATCH', `/api/v1/services/${svc.id}`, {
        as: admin,
        body: { grafana_signature_header: null, grouping_window_s: null, rules: null },
      });
      expect(reset.json()).toMatchObject({
        grafana_signature: false,
        grafana_signature_header: 'X-Grafana-Alerting-Signature',
        grouping_window_s: null,
        rules: null,
      });
    });
  });
});

// Two bounds: maxBatch 1 commits each request at once, so the queue only fills while a commit awaits I/O
// (PostgreSQL; better-sqlite3 commits synchronously, so on SQLite the event loop itself is the bound
// and nothing queues). maxBatch 2 holds the first request for maxWaitMs, so the queue fills on both.
const STORMS = [
  {
    name: 'maxBatch 1',
    ingest: { maxBatch: 1, maxQueue: 1, maxWaitMs: 50 },
    throttles: (engine: string) => engine === 'postgres',
  },
  { name: 'maxBatch 2, held 50 ms', ingest: { maxBatch: 2, maxQueue: 1, maxWaitMs: 50 }, throttles: () => true },
];

for (const storm of STORMS)
  describeEachDialect(`HTTP ingestion admission control (${storm.name})`, (env) => {
    let h: Harness;
    let viewer: Caller;
    let admin: Caller;

    beforeAll(async () => {
      h = await startHarness(env, { config: testConfig({ ingest: storm.ingest }) });
      admin = await h.caller('admin', 'adm-admin');
      viewer = await h.caller('viewer', 'adm-viewer');
    });
    afterAll(async () => h?.close());

    it('answers 429 with Retry-After when the commit queue is full, and stores every accepted event', async () => {
      const svc = (
        await h.call('POST', '/api/v1/services', { as: admin, body: { name: unique('storm') } })
      ).json() as ServiceJson;
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          h.call('POST', '/v2/enqueue', { body: pdTrigger(svc.integration_key, { dedup_key: `storm-${i}` }) }),
        ),
      );
      const accepted = results.filter((r) => r.statusCode === 202).map((r) => r.json().dedup_key as string);
      const throttled = results.filter((r) => r.statusCode === 429);
      expect(results.every((r) => r.statusCode === 202 || r.statusCode === 429)).toBe(true);
      expect(accepted.length).toBeGreaterThan(0);
      if (storm.throttles(env.dialect)) expect(throttled.length).toBeGreaterThan(0);
      for (const r of throttled) {
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(r.json()).toMatchObject({
          status: 'throttle event',
          message: expect.any(String),
          errors: [expect.any(String)],
        });
      }
      const stored = await h.call('GET', `/api/v1/alerts?service_id=${svc.id}&limit=200`, { as: viewer });
      expect((stored.json().data as AlertJson[]).map((a) => a.dedup_key).sort()).toEqual([...accepted].sort());

      const hooks = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          h.call('POST', `/api/v1/integrations/${svc.integration_key}/alertmanager`, {
            body: amGroup(`{}:{n="${i}"}`, [{ fingerprint: `hook-${i}` }]),
          }),
        ),
      );
      expect(hooks.every((r) => r.statusCode === 200 || r.statusCode === 429)).toBe(true);
      const hooksThrottled = hooks.filter((r) => r.statusCode === 429);
      if (storm.throttles(env.dialect)) expect(hooksThrottled.length).toBeGreaterThan(0);
      for (const r of hooksThrottled) {
        expectError(r, 429, 'ingest.saturated');
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      const hookAccepted = hooks.flatMap((r, i) => (r.statusCode === 200 ? [`hook-${i}`] : []));
      const all = await h.call('GET', `/api/v1/alerts?service_id=${svc.id}&limit=200`, { as: viewer });
      const keys = new Set((all.json().data as AlertJson[]).map((a) => a.dedup_key));
      for (const k of hookAccepted) expect(keys.has(k)).toBe(true);
      expect(keys.size).toBe(accepted.length + hookAccepted.length);

      // Once the storm is over, events are accepted again.
      expect(
        (await h.call('POST', '/v2/enqueue', { body: pdTrigger(svc.integration_key, { dedup_key: 'after' }) }))
          .statusCode,
      ).toBe(202);
    });
  });

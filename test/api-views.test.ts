// The schemas in src/http/views/ (from which the console's API types are generated) against real answers,
// on both dialects: each answer parses, and parsing keeps all of it (zod drops fields a schema does not
// name), so a field the server sends but the schema lacks fails here too. Presenters are also typed
// against the schemas; this covers what no type can: the runbook functions, whose answers are typed
// Record<string, unknown>, and values that only exist at run time.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { z } from 'zod';
import { FakeClock } from '../src/clock.js';
import * as views from '../src/http/views/index.js';
import { describeEachDialect } from './dialects.js';
import { startHarness, type Caller, type Harness } from './http-harness.js';

const HOUR = 3_600_000;

describeEachDialect('API views describe the answers the console reads', (env) => {
  let h: Harness;
  let admin: Caller;

  beforeAll(async () => {
    h = await startHarness(env, { clock: new FakeClock('2030-05-04T10:00:00.000Z') });
    admin = await h.caller('admin', 'views');
  });
  afterAll(async () => h?.close());

  /** The answer's JSON after checking its status. */
  async function answer(method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown) {
    const res = await h.call(method, url, { as: admin, body });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json() as unknown;
  }

  /** `body` is exactly what `schema` describes: nothing missing, nothing of another type, nothing more. */
  function conforms(schema: z.ZodType, body: unknown, what: string) {
    const parsed = schema.safeParse(body);
    expect(parsed.error, `${what}: ${JSON.stringify(parsed.error?.issues)}`).toBeUndefined();
    expect(parsed.data, `${what}: fields the schema does not name`).toEqual(body);
  }

  /** A list envelope whose items are `item`, with at least one of them unless `empty`. */
  function list(item: z.ZodType, body: unknown, what: string, empty = false) {
    const data = (body as { data: unknown[] }).data;
    expect(Array.isArray(data), what).toBe(true);
    if (!empty) expect(data.length, `${what}: no items to check`).toBeGreaterThan(0);
    for (const x of data) conforms(item, x, what);
  }

  const run = (fn: string, body: Record<string, unknown>) => answer('POST', `/functions/v1/${fn}`, body);

  it('services, keys, the DSN, maintenance windows and monitors', async () => {
    const created = (await answer('POST', '/api/v1/services', { name: 'Views checkout' })) as { id: string };
    conforms(views.ServiceWithKey, created, 'POST /services');
    conforms(views.ServiceWithKey, await answer('POST', `/api/v1/services/${created.id}/rotate-key`), 'rotate-key');
    conforms(views.Service, await answer('GET', `/api/v1/services/${created.id}`), 'GET /services/:id');
    list(views.Service, await answer('GET', '/api/v1/services?limit=100'), 'GET /services');
    conforms(views.Dsn, await answer('GET', `/api/v1/services/${created.id}/dsn`), 'GET dsn');

    const maintenance = `/api/v1/services/${created.id}/maintenance`;
    conforms(views.MaintenanceWindow, await answer('POST', maintenance, { duration_s: 3600 }), 'POST maintenance');
    list(views.MaintenanceWindow, await answer('GET', maintenance), 'GET maintenance');
    conforms(views.MaintenanceEnded, await answer('DELETE', maintenance), 'DELETE maintenance');

    const monitor = (await answer('POST', '/api/v1/monitors', {
      service_id: created.id,
      name: 'Nightly job',
      kind: 'heartbeat',
      period_seconds: 3600,
    })) as { id: string };
    conforms(views.CreatedMonitor, monitor, 'POST /monitors');
    conforms(views.Monitor, await answer('PATCH', `/api/v1/monitors/${monitor.id}`, { paused: true }), 'PATCH');
    list(views.Monitor, await answer('GET', `/api/v1/monitors?service_id=${created.id}`), 'GET /monitors');
    list(views.Check, await answer('GET', `/api/v1/monitors/${monitor.id}/checks`), 'GET checks', true);

    const health = await run('production-monitoring', { action: 'health_check' });
    conforms(views.HealthCheck, health, 'health_check');
    for (const time_window of ['1h', '7d'])
      conforms(
        views.PerformanceReport,
        await run('production-monitoring', { action: 'performance_report', time_window }),
        `performance_report ${time_window}`,
      );
  });

  it('an incident from an alert: the incident, its list, timeline, alerts, escalation and updates', async () => {
    const service = (await answer('POST', '/api/v1/services', { name: 'Views payments' })) as {
      integration_key: string;
    };
    const enqueued = await h.call('POST', '/v2/enqueue', {
      body: {
        routing_key: service.integration_key,
        event_action: 'trigger',
        payload: { summary: 'Payments down', source: 'probe', severity: 'critical' },
      },
    });
    expect(enqueued.statusCode, enqueued.body).toBe(202);
    const alerts = (await answer('GET', '/api/v1/alerts?limit=10')) as { data: Array<{ incident_id: string }> };
    list(views.Alert, alerts, 'GET /alerts');
    const id = alerts.data[0]?.incident_id as string;

    conforms(views.Incident, await answer('GET', `/api/v1/incidents/${id}`), 'GET /incidents/:id');
    list(views.Incident, await answer('GET', '/api/v1/incidents?limit=5'), 'GET /incidents');
    conforms(views.IncidentCounts, await answer('GET', '/api/v1/incidents/counts'), 'GET /incidents/counts');
    list(views.Alert, await answer('GET', `/api/v1/incidents/${id}/alerts`), 'GET incident alerts');
    conforms(views.IncidentEscalation, await answer('GET', `/api/v1/incidents/${id}/escalation`), 'escalation');
    conforms(
      views.Incident,
      await answer('POST', `/api/v1/incidents/${id}/roles`, { role: 'technical_lead', user: admin.handle }),
      'roles',
    );
    conforms(views.Incident, await answer('POST', `/api/v1/incidents/${id}/acknowledge`, {}), 'acknowledge');
    conforms(views.UpdateSchedule, await answer('GET', `/api/v1/incidents/${id}/updates/next`), 'updates/next');
    const draft = { status_text: 'Failing over to the second region' };
    conforms(views.UpdatePreview, await answer('POST', `/api/v1/incidents/${id}/updates/preview`, draft), 'preview');
    conforms(views.UpdateSent, await answer('POST', `/api/v1/incidents/${id}/updates`, draft), 'updates');
    for (const template of ['initial', 'resolution'])
      conforms(
        views.Message,
        await answer('GET', `/api/v1/incidents/${id}/communications/${template}/preview`),
        `${template} preview`,
      );
    list(views.TimelineEvent, await answer('GET', `/api/v1/incidents/${id}/timeline?limit=50`), 'timeline');
  });

  it('people: users, the session, tokens, contact methods, notification rules and stakeholders', async () => {
    list(views.User, await answer('GET', '/api/v1/users?limit=200'), 'GET /users');
    conforms(views.User, await answer('GET', `/api/v1/users/${admin.userId}`), 'GET /users/:id');
    const session = await h.call('POST', '/api/v1/session', { body: { token: admin.token } });
    expect(session.statusCode, session.body).toBe(200);
    conforms(views.Session, session.json(), 'POST /session');

    conforms(
      views.IssuedToken,
      await answer('POST', '/api/v1/tokens', { user: admin.userId, role: 'viewer' }),
      'token',
    );
    list(views.Token, await answer('GET', '/api/v1/tokens?limit=200'), 'GET /tokens');

    const methods = `/api/v1/users/${admin.userId}/contact-methods`;
    const method = (await answer('POST', methods, { kind: 'email', address: 'views@example.test' })) as { id: string };
    conforms(views.ContactMethod, method, 'POST contact method');
    list(views.ContactMethod, await answer('GET', methods), 'GET contact methods');
    const rules = `/api/v1/users/${admin.userId}/notification-rules`;
    conforms(
      views.NotificationRule,
      await answer('POST', rules, { contact_method_id: method.id, delay_seconds: 0 }),
      'POST rule',
    );
    list(views.NotificationRule, await answer('GET', rules), 'GET rules');

    const stakeholder = { name: 'CEO', kind: 'email', address: 'ceo@example.test', severities: ['P0'] };
    conforms(views.Stakeholder, await answer('POST', '/api/v1/stakeholders', stakeholder), 'POST stakeholder');
    conforms(
      views.Stakeholder,
      await answer('POST', '/api/v1/stakeholders', { ...stakeholder, severities: [], topics: ['gdpr'] }),
      'POST stakeholder with a topic',
    );
    list(views.Stakeholder, await answer('GET', '/api/v1/stakeholders'), 'GET stakeholders');
    list(views.Template, await answer('GET', '/api/v1/templates'), 'GET templates');
  });

  it('on-call: policies, teams, schedules, shifts, overrides, who is on call and calendar links', async () => {
    const policy = await answer('POST', '/api/v1/escalation-policies', {
      name: 'Views policy',
      levels: [{ delay_seconds: 0, targets: [{ type: 'user', id: admin.userId }] }],
    });
    conforms(views.Policy, policy, 'POST policy');
    list(views.Policy, await answer('GET', '/api/v1/escalation-policies?limit=200'), 'GET policies');
    conforms(
      views.Team,
      await answer('POST', '/api/v1/teams', { name: 'Views team', members: [admin.userId] }),
      'team',
    );
    list(views.Team, await answer('GET', '/api/v1/teams?limit=200'), 'GET teams');

    const schedule = (await answer('POST', '/api/v1/schedules', {
      name: 'Views rota',
      timezone: 'Europe/Berlin',
      layers: [
        {
          name: 'Days',
          rotation: { kind: 'daily', handoff_at: '2030-05-01T09:00:00Z', participants: [admin.userId] },
          restrictions: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }],
        },
      ],
    })) as { id: string };
    conforms(views.Schedule, schedule, 'POST schedule');
    list(views.Schedule, await answer('GET', '/api/v1/schedules?limit=200'), 'GET schedules');
    const start = new Date(h.clock.now().getTime() + HOUR).toISOString();
    const end = new Date(h.clock.now().getTime() + 2 * HOUR).toISOString();
    const overrides = `/api/v1/schedules/${schedule.id}/overrides`;
    conforms(views.Override, await answer('POST', overrides, { user_id: admin.userId, start, end }), 'override');
    list(views.Override, await answer('GET', overrides), 'GET overrides');
    const shifts = await answer('GET', `/api/v1/schedules/${schedule.id}/shifts`);
    conforms(views.ShiftWindow, shifts, 'GET shifts');
    expect((shifts as { data: unknown[] }).data.length).toBeGreaterThan(0);
    conforms(views.OnCallOverview, await answer('GET', '/api/v1/oncall'), 'GET /oncall');
    conforms(views.CalendarLink, await answer('POST', '/api/v1/ical/tokens', {}), 'POST ical token');
    conforms(views.CalendarLinksRevoked, await answer('DELETE', `/api/v1/users/${admin.userId}/ical-tokens`), 'revoke');
  });

  // GDPR breaches (issue 20, part "breaches")
  it('GDPR breaches: a breach with reports and decision, its list, history and the settings', async () => {
    conforms(views.GdprSettings, await answer('PUT', '/api/v1/gdpr/settings', { dpo_name: 'Dana' }), 'PUT settings');
    conforms(views.GdprSettings, await answer('GET', '/api/v1/gdpr/settings'), 'GET settings');
    const incident = (await answer('POST', '/api/v1/incidents', { title: 'Views leak', severity: 'P1' })) as {
      id: string;
    };
    const opened = (await answer('POST', `/api/v1/incidents/${incident.id}/personal-data`, {})) as { id: string };
    conforms(views.Breach, opened, 'POST personal-data');
    const path = `/api/v1/gdpr/breaches/${opened.id}`;
    conforms(views.Breach, await answer('PATCH', path, { risk: 'high_risk', data_categories: ['email'] }), 'PATCH');
    conforms(
      views.Breach,
      await answer('POST', `${path}/notifications`, { authority: 'BfDI', reference: 'R' }),
      'report',
    );
    conforms(
      views.Breach,
      await answer('POST', `${path}/subjects-decision`, {
        decision: 'communicated',
        communicated_at: '2030-05-04T10:00:00Z',
        channel: 'email',
      }),
      'decision',
    );
    conforms(views.Breach, await answer('POST', `${path}/close`, {}), 'close');
    conforms(views.Breach, await answer('POST', '/api/v1/gdpr/breaches', { title: 'Views manual' }), 'POST breach');
    list(views.Breach, await answer('GET', '/api/v1/gdpr/breaches'), 'GET breaches');
    list(views.BreachEvent, await answer('GET', `${path}/events`), 'GET events');
  });

  it('errors and the database dashboards: groups, analytics, database-scalability', async () => {
    const service = (await answer('POST', '/api/v1/services', { name: 'Views api' })) as { id: string };
    await answer('POST', '/api/v1/errors', {
      service: service.id,
      exception: { type: 'TypeError', value: 'x is undefined' },
    });
    const groups = (await answer('GET', '/api/v1/errors/groups?status=unresolved&limit=50')) as {
      data: Array<{ id: string }>;
    };
    list(views.ErrorGroup, groups, 'GET error groups');
    const analytics = await run('error-tracking', { action: 'get_error_analytics', time_window: '1h' });
    conforms(views.ErrorAnalytics, analytics, 'get_error_analytics');
    expect((analytics as { top_groups: unknown[] }).top_groups.length).toBeGreaterThan(0);
    const group = groups.data[0]?.id as string;
    conforms(views.ErrorGroup, await answer('POST', `/api/v1/errors/groups/${group}/resolve`), 'resolve group');
    await answer('POST', '/api/v1/errors', {
      service: service.id,
      exception: { type: 'TypeError', value: 'x is undefined' },
    });
    const regressed = await run('error-tracking', { action: 'get_error_analytics', time_window: '1h' });
    conforms(views.ErrorAnalytics, regressed, 'get_error_analytics with a regressed group');
    expect((regressed as { regressed_groups: unknown[] }).regressed_groups.length).toBeGreaterThan(0);

    conforms(views.DbHealth, await run('database-scalability', { action: 'health_check' }), 'db health_check');
    conforms(
      views.PoolStatus,
      await run('database-scalability', { action: 'connection_pool_status' }),
      'connection_pool_status',
    );
    conforms(
      views.Analysis,
      await run('database-scalability', { action: 'performance_analysis' }),
      'performance_analysis',
    );
    list(views.RegisteredDatabase, await answer('GET', '/api/v1/databases'), 'GET /databases', true);
  });
  it('the status page: settings, components, what was published, maintenance and subscribers', async () => {
    const service = (await answer('POST', '/api/v1/services', { name: 'Views status' })) as { id: string };
    conforms(views.StatusSettingsView, await answer('GET', '/api/v1/status/page'), 'GET status/page');
    conforms(views.StatusSettingsView, await answer('PATCH', '/api/v1/status/page', { name: 'Views' }), 'PATCH page');
    const component = (await answer('POST', '/api/v1/status/components', {
      name: 'Views API',
      service_ids: [service.id],
    })) as { id: string };
    conforms(views.StatusComponent, component, 'POST components');
    const path = `/api/v1/status/components/${component.id}`;
    conforms(views.StatusComponent, await answer('PATCH', path, { status: 'degraded_performance' }), 'PATCH');
    list(views.StatusComponent, await answer('GET', '/api/v1/status/components'), 'GET components');

    const incident = (await answer('POST', '/api/v1/incidents', {
      title: 'Views outage',
      severity: 'P1',
      service_id: service.id,
    })) as { id: string };
    const updates = `/api/v1/incidents/${incident.id}/status-updates`;
    conforms(views.StatusDraft, await answer('GET', `${updates}/draft`), 'GET draft');
    const published = await answer('POST', updates, {
      status: 'investigating',
      body: 'Looking into it.',
      component_statuses: { [component.id]: 'partial_outage' },
    });
    conforms(views.PublishedIncidentView, published, 'POST status-updates');
    conforms(views.PublishedIncidentView, await answer('GET', updates), 'GET status-updates');
    conforms(
      views.PublishedIncidentView,
      await answer('PUT', `${updates}/postmortem`, { body: 'A summary.' }),
      'PUT pm',
    );

    const m = await answer('POST', '/api/v1/status/maintenances', {
      title: 'Views upgrade',
      body: 'Short.',
      component_ids: [component.id],
      starts_at: new Date(h.clock.now().getTime() + HOUR).toISOString(),
      ends_at: new Date(h.clock.now().getTime() + 2 * HOUR).toISOString(),
    });
    conforms(views.StatusMaintenance, m, 'POST maintenances');
    list(views.StatusMaintenance, await answer('GET', '/api/v1/status/maintenances'), 'GET maintenances');

    const subscribed = await h.call('POST', '/status/api/v2/subscribers', { body: { email: 'views@example.test' } });
    expect(subscribed.statusCode, subscribed.body).toBe(202);
    const subscribers = (await answer('GET', '/api/v1/status/subscribers')) as { data: unknown[]; counts: unknown };
    list(views.StatusSubscriber, subscribers, 'GET subscribers');
    expect(subscribers.counts).toEqual({ pending: 1, confirmed: 0 });
  });

  it('mitigation actions: definitions, invocations, output, runners and offers', async () => {
    const service = (await answer('POST', '/api/v1/services', { name: 'views-actions' })) as {
      id: string;
      integration_key: string;
    };
    const definition = (await answer('POST', '/api/v1/actions/definitions', {
      name: 'views-rollback',
      category: 'rollback',
      approval: 'none',
      params: [{ name: 'version', type: 'string', pattern: '[a-z0-9.]+', required: true }],
      target: { kind: 'runner', group: 'views', command: 'rollback' },
      dry_run: { supported: true, flag: '--dry-run' },
    })) as { id: string };
    conforms(views.ActionDefinition, definition, 'POST definitions');
    list(views.ActionDefinition, await answer('GET', '/api/v1/actions/definitions'), 'GET definitions');
    const created = await answer('POST', '/api/v1/actions/runners', { name: 'views-runner', group: 'views' });
    conforms(views.CreatedActionRunner, created, 'POST runners');
    list(views.ActionRunner, await answer('GET', '/api/v1/actions/runners'), 'GET runners');

    const incident = (await answer('POST', '/api/v1/incidents', {
      title: 'Views act',
      severity: 'P2',
      service_id: service.id,
    })) as { id: string };
    const inv = (await answer('POST', `/api/v1/incidents/${incident.id}/actions`, {
      definition_id: definition.id,
      params: { version: '1.2.3' },
    })) as { id: string };
    conforms(views.ActionInvocation, inv, 'POST incident actions');
    const token = (created as { token: string }).token;
    const claim = await h.call('POST', '/api/v1/runner/claim', { as: token, body: { wait_seconds: 0 } });
    expect(claim.statusCode).toBe(200);
    await h.call('POST', `/api/v1/runner/invocations/${inv.id}/output`, {
      as: token,
      body: { chunks: [{ stream: 'stdout', data: 'rolled back\n' }] },
    });
    await h.call('POST', `/api/v1/runner/invocations/${inv.id}/finish`, {
      as: token,
      body: { outcome: 'succeeded', exit_code: 0 },
    });
    conforms(views.ActionInvocation, await answer('GET', `/api/v1/actions/invocations/${inv.id}`), 'GET invocation');
    list(
      views.ActionInvocation,
      await answer('GET', `/api/v1/incidents/${incident.id}/actions`),
      'GET incident actions',
    );
    list(views.ActionInvocation, await answer('GET', '/api/v1/actions/invocations'), 'GET invocations');
    const output = await answer('GET', `/api/v1/actions/invocations/${inv.id}/output`);
    conforms(views.ActionOutput, output, 'GET output');
    list(views.ActionOutputChunk, output, 'output chunks');
    const change = await h.call('POST', '/v2/change/enqueue', {
      body: {
        routing_key: service.integration_key,
        payload: { summary: 'deploy', custom_details: { version: '2.0' } },
      },
    });
    expect(change.statusCode).toBe(202);
    const changes = (await answer('GET', `/api/v1/services/${service.id}/changes`)) as { data: Array<{ id: string }> };
    const offers = await answer('GET', `/api/v1/actions/offers/${changes.data[0]?.id ?? ''}`);
    list(views.ActionOffer, offers, 'GET offers');
  });
});

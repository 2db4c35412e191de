import { expect, it } from 'vitest';
import { alertEvent as ev } from '../../test/alert-events.js';
import { describeEachDialect } from '../../test/dialects.js';
import { FakeClock } from '../clock.js';
import type { AlertEvent } from './event.js';

const MIN = 60_000;

describeEachDialect('alert ingestion', (env) => {
  async function setup(name: string, settings: { groupingWindowSeconds?: number; rules?: unknown[] } = {}) {
    const clock = new FakeClock('2033-01-01T00:00:00.000Z');
    const app = env.app(clock);
    const { service, integrationKey } = await app.services.create(env.admin, { name, ...settings });
    const send = async (...events: AlertEvent[]) => {
      const result = await app.ingest.submit({ routingKey: integrationKey, events });
      expect(result.ok).toBe(true);
      return result;
    };
    const alerts = async () => (await app.alerts.list(env.admin, { limit: 100, serviceId: service.id })).data;
    const incidents = async () => (await app.incidents.list(env.admin, { limit: 100, serviceId: service.id })).data;
    const kinds = async (id: string) =>
      (await app.incidents.timeline(env.admin, id, { limit: 200 })).data.map((e) => e.kind).reverse();
    return { app, clock, service, integrationKey, send, alerts, incidents, kinds };
  }

  it('answers unknown routing keys without storing anything', async () => {
    const { app } = await setup('ing-unknown');
    expect(await app.ingest.submit({ routingKey: 'x'.repeat(32), events: [ev({ dedupKey: 'a' })] })).toEqual({
      ok: false,
      reason: 'unknown_key',
    });
  });

  it('opens one alert and one incident per new key, classified and recorded with its rule', async () => {
    const t = await setup('ing-new');
    await t.send(
      ev({ dedupKey: 'k1', severity: 'critical' }),
      ev({ dedupKey: 'k2', severity: 'error', class: 'payment_failure' }),
    );
    const alerts = await t.alerts();
    expect(alerts.map((a) => [a.dedupKey, a.classifiedAs, a.rule, a.eventCount])).toEqual([
      ['k2', 'P0', 'seed.p0_class', 1],
      ['k1', 'P1', 'severity.critical', 1],
    ]);
    const incidents = await t.incidents();
    expect(incidents.map((i) => [i.severity, i.classifiedBy, i.title])).toEqual([
      ['P0', 'seed.p0_class', 'alert k2'],
      ['P1', 'severity.critical', 'alert k1'],
    ]);
    expect(await t.kinds(incidents[0]?.id as string)).toEqual(['created', 'alert_added']);
  });

  it('counts a re-trigger of an open alert without a second incident', async () => {
    const t = await setup('ing-retrigger');
    await t.send(ev({ dedupKey: 'same' }));
    t.clock.advance(MIN);
    await t.send(ev({ dedupKey: 'same', summary: 'still failing' }));
    await t.send(ev({ dedupKey: 'same' }));
    const [alert] = await t.alerts();
    expect(alert).toMatchObject({ eventCount: 3, summary: 'alert same', status: 'triggered' });
    expect(alert?.lastSeenAt.toISOString()).toBe('2033-01-01T00:01:00.000Z');
    expect(await t.incidents()).toHaveLength(1);
    const detail = await t.app.alerts.get(env.admin, alert?.id as string);
    expect(detail.totalEvents).toBe(3);
    expect(detail.events.map((e) => e.action)).toEqual(['trigger', 'trigger', 'trigger']);
  });

  it(
    'acknowledges the incident when all its open alerts are acknowledged, ' + 'and resolves it when all are resolved',
    async () => {
      const t = await setup('ing-lifecycle');
      await t.send({ ...ev({ dedupKey: 'a', groupKey: 'g1' }) }, ev({ dedupKey: 'b', groupKey: 'g1' }));
      const [incident] = await t.incidents();
      expect((await t.alerts()).every((a) => a.incidentId === incident?.id)).toBe(true);
      await t.send(ev({ dedupKey: 'a', action: 'acknowledge' }));
      expect((await t.app.incidents.get(env.admin, incident?.id as string)).status).toBe('triggered');
      await t.send(ev({ dedupKey: 'b', action: 'acknowledge' }));
      expect((await t.app.incidents.get(env.admin, incident?.id as string)).status).toBe('acknowledged');
      await t.send(ev({ dedupKey: 'a', action: 'resolve' }));
      expect((await t.app.incidents.get(env.admin, incident?.id as string)).status).toBe('acknowledged');
      await t.send(ev({ dedupKey: 'b', action: 'resolve' }));
      const resolved = await t.app.incidents.get(env.admin, incident?.id as string);
      expect(resolved.status).toBe('resolved');
      const events = (await t.app.incidents.timeline(env.admin, resolved.id, { limit: 50 })).data;
      expect(events.find((e) => e.kind === 'resolved')?.actor).toMatchObject({
        type: 'integration',
        id: t.service.id,
        name: 'pagerduty:ing-lifecycle',
      });
    },
  );

  it('opens a new alert and incident for a trigger after a resolve', async () => {
    const t = await setup('ing-reopen');
    await t.send(ev({ dedupKey: 'flap' }));
    await t.send(ev({ dedupKey: 'flap', action: 'resolve' }));
    await t.send(ev({ dedupKey: 'flap' }));
    expect((await t.alerts()).map((a) => a.status)).toEqual(['triggered', 'resolved']);
    expect((await t.incidents()).map((i) => i.status)).toEqual(['triggered', 'resolved']);
  });

  it('opens a new alert and incident when the old alert’s incident was resolved by hand', async () => {
    const t = await setup('ing-manual-resolve');
    await t.send(ev({ dedupKey: 'stuck' }));
    const [first] = await t.incidents();
    await t.app.incidents.resolve(env.admin, first?.id as string, 'fixed by hand');
    await t.send(ev({ dedupKey: 'stuck' }));
    const incidents = await t.incidents();
    expect(incidents.map((i) => i.status)).toEqual(['triggered', 'resolved']);
    const alerts = await t.alerts();
    expect(alerts.map((a) => [a.status, a.incidentId])).toEqual([
      ['triggered', incidents[0]?.id],
      ['resolved', first?.id],
    ]);
  });

  it('applies a rate limit set while the key is in use to the very next event', async () => {
    const t = await setup('ing-limit-change');
    await t.app.ingest.admit(t.integrationKey, 1);
    await t.app.ingest.admit(t.integrationKey, 1);
    await t.app.services.update(env.admin, t.service.id, { rateLimitPerMinute: 1 });
    await t.app.ingest.admit(t.integrationKey, 1);
    await expect(t.app.ingest.admit(t.integrationKey, 1)).rejects.toMatchObject({
      code: 'ingest.rate_limited',
      kind: 'rate_limited',
    });
    await t.app.services.update(env.admin, t.service.id, { rateLimitPerMinute: null });
    await t.app.ingest.admit(t.integrationKey, 1);
  });

  it('accepts acknowledge and resolve for unknown or closed keys and changes nothing', async () => {
    const t = await setup('ing-noop');
    await t.send(ev({ dedupKey: 'ghost', action: 'acknowledge' }), ev({ dedupKey: 'ghost', action: 'resolve' }));
    expect(await t.alerts()).toEqual([]);
    await t.send(ev({ dedupKey: 'done' }), ev({ dedupKey: 'done', action: 'resolve' }));
    const before = await t.alerts();
    await t.send(ev({ dedupKey: 'done', action: 'resolve' }), ev({ dedupKey: 'done', action: 'acknowledge' }));
    expect(await t.alerts()).toEqual(before);
  });

  it('records info alerts without an incident, and opens one when the alert later classifies higher', async () => {
    const t = await setup('ing-info');
    await t.send(ev({ dedupKey: 'quiet', severity: 'info' }));
    expect(await t.incidents()).toEqual([]);
    expect((await t.alerts())[0]).toMatchObject({ classifiedAs: null, rule: 'severity.info', incidentId: null });
    await t.send(ev({ dedupKey: 'quiet', severity: 'error' }));
    const [incident] = await t.incidents();
    expect(incident?.severity).toBe('P2');
    expect((await t.alerts())[0]?.incidentId).toBe(incident?.id);
  });

  it('raises the incident severity for a higher classification and never lowers it', async () => {
    const t = await setup('ing-raise');
    await t.send(ev({ dedupKey: 'r', severity: 'warning' }));
    const [incident] = await t.incidents();
    expect(incident?.severity).toBe('P3');
    await t.send(ev({ dedupKey: 'r', severity: 'critical', customDetails: { users_affected_pct: 100 } }));
    expect((await t.app.incidents.get(env.admin, incident?.id as string)).severity).toBe('P0');
    await t.send(ev({ dedupKey: 'r', severity: 'warning' }));
    expect((await t.app.incidents.get(env.admin, incident?.id as string)).severity).toBe('P0');
    expect(await t.kinds(incident?.id as string)).toEqual(['created', 'alert_added', 'severity_changed']);
  });

  it('joins alerts of a service within its grouping window into its open incident', async () => {
    const t = await setup('ing-window', { groupingWindowSeconds: 600 });
    await t.send(ev({ dedupKey: 'w1' }));
    t.clock.advance(5 * MIN);
    await t.send(ev({ dedupKey: 'w2' }));
    t.clock.advance(6 * MIN);
    await t.send(ev({ dedupKey: 'w3' }));
    const incidents = await t.incidents();
    expect(incidents).toHaveLength(2);
    const byIncident = (await t.alerts()).map((a) => [a.dedupKey, a.incidentId === incidents[1]?.id]);
    expect(byIncident).toEqual([
      ['w3', false],
      ['w2', true],
      ['w1', true],
    ]);
  });

  it('uses a service’s own rules before the defaults', async () => {
    const t = await setup('ing-rules', {
      rules: [{ name: 'svc.checkout', when: [{ field: 'component', op: 'eq', value: 'checkout' }], severity: 'P0' }],
    });
    await t.send(ev({ dedupKey: 'c', severity: 'warning', component: 'checkout' }));
    expect((await t.incidents())[0]).toMatchObject({ severity: 'P0', classifiedBy: 'svc.checkout' });
  });

  it('shows the service’s changes of the last 4 hours on a new incident', async () => {
    const t = await setup('ing-changes');
    await t.app.services.recordChange(env.database.db, {
      serviceId: t.service.id,
      at: t.clock.now(),
      timestamp: t.clock.now(),
      summary: 'deploy v42',
      source: 'ci',
      details: {},
    });
    t.clock.advance(3 * 60 * MIN);
    await t.send(ev({ dedupKey: 'after-deploy' }));
    const [incident] = await t.incidents();
    const events = (await t.app.incidents.timeline(env.admin, incident?.id as string, { limit: 50 })).data;
    expect(events.find((e) => e.kind === 'recent_changes')?.data).toMatchObject({
      changes: [{ summary: 'deploy v42', source: 'ci' }],
    });
    t.clock.advance(2 * 60 * MIN);
    await t.send(ev({ dedupKey: 'much-later' }));
    const [later] = await t.incidents();
    expect(await t.kinds(later?.id as string)).not.toContain('recent_changes');
  });

  it('keeps every one of 300 concurrent events, in few transactions', async () => {
    const t = await setup('ing-storm');
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        t.app.ingest.submit({
          routingKey: t.integrationKey,
          events: [ev({ dedupKey: `s${i % 100}`, severity: 'warning' })],
        }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const alerts = (await t.app.alerts.list(env.admin, { limit: 200, serviceId: t.service.id })).data;
    expect(alerts).toHaveLength(100);
    expect(alerts.reduce((sum, a) => sum + a.eventCount, 0)).toBe(300);
    expect(await t.incidents()).toHaveLength(100);
  });

  it('applies one batch in arrival order: trigger, resolve and trigger again of a key give two alerts', async () => {
    const t = await setup('ing-batch-order');
    await t.send(
      ev({ dedupKey: 'k', severity: 'warning' }),
      ev({ dedupKey: 'k', action: 'resolve' }),
      ev({ dedupKey: 'k', severity: 'warning', summary: 'back again' }),
      ev({ dedupKey: 'k', severity: 'warning', summary: 'still back' }),
    );
    const alerts = await t.alerts();
    expect(alerts.map((a) => [a.status, a.eventCount, a.summary])).toEqual([
      ['triggered', 2, 'still back'],
      ['resolved', 1, 'alert k'],
    ]);
    const incidents = await t.incidents();
    expect(incidents.map((i) => i.status)).toEqual(['triggered', 'resolved']);
    expect(await t.kinds(incidents[1]?.id as string)).toEqual(['created', 'alert_added', 'resolved']);
  });

  it('records a group of alerts arriving together as one timeline entry on their one incident', async () => {
    const t = await setup('ing-batch-group');
    const group = Array.from({ length: 30 }, (_, i) =>
      ev({
        dedupKey: `fp${i}`,
        severity: i === 7 ? 'critical' : 'warning',
        groupKey: '{}:{alertname="Down"}',
        format: 'alertmanager',
      }),
    );
    await t.send(...group);
    const [incident, ...others] = await t.incidents();
    expect(others).toHaveLength(0);
    expect(incident).toMatchObject({ severity: 'P1' });
    expect(await t.kinds(incident?.id as string)).toEqual(['created', 'severity_changed', 'alerts_added']);
    const entry = (await t.app.incidents.timeline(env.admin, incident?.id as string, { limit: 10 })).data.find(
      (e) => e.kind === 'alerts_added',
    );
    expect(entry?.data).toMatchObject({ count: 30 });
    expect((entry?.data as { alerts: unknown[] }).alerts).toHaveLength(20);
    expect((await t.alerts()).every((a) => a.incidentId === incident?.id)).toBe(true);
    // The same group re-sent with every alert resolved resolves the incident, once.
    await t.send(...group.map((e) => ({ ...e, action: 'resolve' as const })));
    expect((await t.incidents())[0]?.status).toBe('resolved');
    expect((await t.kinds(incident?.id as string)).filter((k) => k === 'resolved')).toHaveLength(1);
  });

  it(
    'opens the incidents of one batch together: numbered in arrival order, ' + 'and answerable within the same batch',
    async () => {
      const t = await setup('ing-batch-many');
      await t.send(ev({ dedupKey: 'm1' }), ev({ dedupKey: 'm2', severity: 'error' }), ev({ dedupKey: 'm3' }), {
        ...ev({ dedupKey: 'm2' }),
        action: 'acknowledge',
      });
      const byTitle = new Map((await t.incidents()).map((i) => [i.title, i]));
      const [m1, m2, m3] = ['alert m1', 'alert m2', 'alert m3'].map((title) => byTitle.get(title));
      const seq = (n: string | undefined) => Number(n?.split('-').at(-1));
      expect(seq(m2?.number)).toBe(seq(m1?.number) + 1);
      expect(seq(m3?.number)).toBe(seq(m2?.number) + 1);
      expect([m1?.severity, m2?.severity, m3?.severity]).toEqual(['P1', 'P2', 'P1']);
      expect([m1?.status, m2?.status, m3?.status]).toEqual(['triggered', 'acknowledged', 'triggered']);
      const kinds = await t.kinds(m2?.id as string);
      expect(kinds[0]).toBe('created');
      expect(kinds.indexOf('alert_added')).toBeLessThan(kinds.indexOf('acknowledged'));
      expect((await t.alerts()).map((a) => [a.dedupKey, a.incidentId])).toEqual([
        ['m3', m3?.id],
        ['m2', m2?.id],
        ['m1', m1?.id],
      ]);
    },
  );

  it('keeps an incident open when a resolve is followed by a new trigger of its group in the same batch', async () => {
    const t = await setup('ing-batch-reopen');
    const a = ev({ dedupKey: 'a', groupKey: 'g', severity: 'warning' });
    await t.send(a);
    await t.send({ ...a, action: 'resolve' }, ev({ dedupKey: 'b', groupKey: 'g', severity: 'warning' }));
    const incidents = await t.incidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.status).toBe('triggered');
    expect((await t.alerts()).map((x) => [x.dedupKey, x.status])).toEqual([
      ['b', 'triggered'],
      ['a', 'resolved'],
    ]);
  });
});

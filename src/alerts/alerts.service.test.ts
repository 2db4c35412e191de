// An incident's open alerts resolve with it, whoever resolves it, in the same transaction: the alerts
// API then shows them resolved, each alert's events say why, the timeline has one entry naming them,
// and a later trigger of the same dedup key is a new alert and a new incident that pages again.
import { expect, it } from 'vitest';
import { alertEvent as ev } from '../../test/alert-events.js';
import { describeEachDialect } from '../../test/dialects.js';
import { FakeClock } from '../clock.js';
import { up as resolveLeftOpen } from '../db/migrations/015-resolve-alerts-of-resolved-incidents.js';
import type { AlertEvent } from './event.js';

const MIN = 60_000;

describeEachDialect('alerts resolved with their incident', (env) => {
  async function setup(name: string) {
    const clock = new FakeClock('2034-03-01T08:00:00.000Z');
    const app = env.app(clock);
    const { service, integrationKey } = await app.services.create(env.admin, { name });
    const send = async (...events: AlertEvent[]) =>
      expect((await app.ingest.submit({ routingKey: integrationKey, events })).ok).toBe(true);
    const alerts = async () => (await app.alerts.list(env.admin, { limit: 100, serviceId: service.id })).data;
    const incidents = async () => (await app.incidents.list(env.admin, { limit: 100, serviceId: service.id })).data;
    const timeline = async (id: string) =>
      (await app.incidents.timeline(env.admin, id, { limit: 200 })).data.slice().reverse();
    return { app, clock, service, send, alerts, incidents, timeline };
  }

  it('resolves every open alert of an incident resolved by hand, and says so once on its timeline', async () => {
    const t = await setup('with-hand');
    const group = (key: string) => ev({ dedupKey: key, groupKey: 'g', severity: 'warning' });
    await t.send(group('a'), group('b'), group('c'));
    await t.send(ev({ dedupKey: 'b', action: 'acknowledge' }), ev({ dedupKey: 'c', action: 'resolve' }));
    const [incident] = await t.incidents();
    const before = Object.fromEntries((await t.alerts()).map((a) => [a.dedupKey, a]));
    expect([before.a?.status, before.b?.status, before.c?.status]).toEqual(['triggered', 'acknowledged', 'resolved']);

    t.clock.advance(10 * MIN);
    const resolved = await t.app.incidents.resolve(env.admin, incident?.id as string, 'rolled back');
    expect(resolved.status).toBe('resolved');

    const after = Object.fromEntries((await t.alerts()).map((a) => [a.dedupKey, a]));
    expect(Object.values(after).map((a) => a.status)).toEqual(['resolved', 'resolved', 'resolved']);
    expect(after.a?.resolvedAt).toEqual(t.clock.now());
    expect(after.b?.resolvedAt).toEqual(t.clock.now());
    expect(after.c?.resolvedAt).toEqual(before.c?.resolvedAt); // resolved before, left as it was

    const entries = await t.timeline(incident?.id as string);
    expect(entries.map((e) => e.kind).slice(-2)).toEqual(['alerts_resolved', 'resolved']);
    const entry = entries.find((e) => e.kind === 'alerts_resolved');
    expect(entry?.actor).toMatchObject({ type: 'user', name: 'root' });
    expect(entry?.data).toEqual({ count: 2, alert_ids: [before.a?.id, before.b?.id] });

    const shown = await t.app.alerts.get(env.admin, before.b?.id as string);
    expect(shown.events[0]).toMatchObject({
      action: 'resolve',
      data: { reason: 'its incident was resolved', incident: incident?.number, by: 'root' },
    });
  });

  it('opens a new alert and a new incident, which pages again, for a trigger after the resolve', async () => {
    const t = await setup('with-retrigger');
    await t.send(ev({ dedupKey: 'disk' }));
    const [first] = await t.incidents();
    await t.app.incidents.resolve(env.admin, first?.id as string);
    // A resolve from the source afterwards finds no open alert: accepted, and it changes nothing.
    await t.send(ev({ dedupKey: 'disk', action: 'resolve' }));
    expect((await t.timeline(first?.id as string)).filter((e) => e.kind.startsWith('resolved'))).toHaveLength(1);

    t.clock.advance(MIN);
    await t.send(ev({ dedupKey: 'disk', summary: 'disk full again' }));
    const [second, old] = await t.incidents();
    expect([second?.status, old?.id]).toEqual(['triggered', first?.id]);
    const [fresh, gone] = await t.alerts();
    expect(fresh).toMatchObject({ dedupKey: 'disk', status: 'triggered', incidentId: second?.id, eventCount: 1 });
    expect(gone).toMatchObject({ dedupKey: 'disk', status: 'resolved', incidentId: first?.id, eventCount: 1 });
    const escalation = await t.app.escalation.state(env.admin, second?.id as string);
    expect(escalation).toMatchObject({ run: 0, stoppedAt: null, nextAt: t.clock.now() });
  });

  it('writes no entry when the incident resolved because its last alert did', async () => {
    const t = await setup('with-source');
    await t.send(ev({ dedupKey: 'x' }));
    await t.send(ev({ dedupKey: 'x', action: 'resolve' }));
    const [incident] = await t.incidents();
    // No alerts_resolved entry; the resolve of this P1 drafts its post-mortem.
    expect((await t.timeline(incident?.id as string)).map((e) => e.kind)).toEqual([
      'created',
      'alert_added',
      'resolved',
      'postmortem_created',
    ]);
  });

  it('does not touch the alerts of a reopened incident again, and resolves those added since', async () => {
    const t = await setup('with-reopen');
    const group = (key: string) => ev({ dedupKey: key, groupKey: 'g2', severity: 'warning' });
    await t.send(group('one'));
    const [incident] = await t.incidents();
    const id = incident?.id as string;
    await t.app.incidents.resolve(env.admin, id);
    await t.app.incidents.reopen(env.admin, id, 'not fixed');
    expect((await t.alerts()).map((a) => a.status)).toEqual(['resolved']);
    await t.send(group('two')); // joins the reopened incident through its group key
    expect((await t.alerts()).map((a) => [a.dedupKey, a.incidentId])).toEqual([
      ['two', id],
      ['one', id],
    ]);
    await t.app.incidents.resolve(env.admin, id);
    const counts = (await t.timeline(id)).filter((e) => e.kind === 'alerts_resolved').map((e) => e.data.count);
    expect(counts).toEqual([1, 1]);
  });

  it('resolves, on upgrade, the alerts earlier versions left open under resolved incidents', async () => {
    const t = await setup('with-upgrade');
    await t.send(ev({ dedupKey: 'old' }), ev({ dedupKey: 'live' }));
    const byKey = async () => Object.fromEntries((await t.alerts()).map((a) => [a.dedupKey, a]));
    const old = (await byKey()).old;
    const resolved = await t.app.incidents.resolve(env.admin, old?.incidentId as string);
    // As an earlier version left it: the incident resolved, its alert still open.
    await env.database.db
      .updateTable('alerts')
      .set({ status: 'triggered', open_key: 'old', resolved_at: null })
      .where('id', '=', old?.id as string)
      .execute();
    expect((await byKey()).old?.status).toBe('triggered');

    await resolveLeftOpen(env.database.db as never);
    const after = await byKey();
    expect(after.old).toMatchObject({ status: 'resolved', resolvedAt: resolved.resolvedAt });
    expect(after.live?.status).toBe('triggered');
  });
});

// Error tracking over HTTP on both dialects: Sentry's envelope and store endpoints (written from the
// public protocol description: envelope header line, item header lines with optional byte length,
// X-Sentry-Auth / sentry_key / DSN authentication, gzip and deflate bodies), grouping, bounded event
// retention, users affected, the alerts (new group, spike and its resolve, regression), the analytics
// function, the DSN endpoint, and the official @sentry/node SDK against a listening server.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import zlib from 'node:zlib';
import * as Sentry from '@sentry/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { expectSuccess, inProcess } from './cli-harness.js';
import { describeEachDialect } from './dialects.js';
import { expectError, startHarness, unique, type Caller, type Harness } from './http-harness.js';

const START = new Date('2026-11-28T09:00:30Z');

interface Dsn {
  dsn: string;
  project_id: number;
  public_key: string;
  service_id: string;
}
interface Group {
  id: string;
  title: string;
  type: string | null;
  culprit: string | null;
  level: string;
  environment: string;
  status: string;
  count: number;
  users_affected: number;
  regressed_at: string | null;
  resolved_at: string | null;
  last_message: string | null;
  events?: Array<{ event_id: string; message: string | null; exception?: { type: string } }>;
}

const eventId = () => randomUUID().replaceAll('-', '');
const authHeader = (key: string) => ({
  'x-sentry-auth': `Sentry sentry_version=7, sentry_client=vigil-test/1.0, sentry_key=${key}`,
});

/** A Sentry exception event: `frames` are [module, function, line]. */
function exceptionEvent(
  type: string,
  value: string,
  frames: Array<[string, string, number]>,
  extra: Record<string, unknown> = {},
) {
  return {
    event_id: eventId(),
    timestamp: START.getTime() / 1000,
    platform: 'node',
    level: 'error',
    exception: {
      values: [
        {
          type,
          value,
          stacktrace: {
            frames: frames.map(([module, fn, lineno]) => ({
              module,
              function: fn,
              filename: `/srv/app/${module}.js`,
              lineno,
              in_app: true,
            })),
          },
        },
      ],
    },
    ...extra,
  };
}

/** An envelope: the header line, then each item as a header line (with the byte length when asked) and its payload. */
function envelope(
  header: Record<string, unknown>,
  items: Array<{ type: string; payload: unknown; length?: boolean }>,
): string {
  const lines = [JSON.stringify(header)];
  for (const item of items) {
    const payload = typeof item.payload === 'string' ? item.payload : JSON.stringify(item.payload);
    lines.push(
      JSON.stringify({ type: item.type, ...(item.length !== false && { length: Buffer.byteLength(payload) }) }),
      payload,
    );
  }
  return `${lines.join('\n')}\n`;
}

describeEachDialect('error tracking', (env) => {
  let h: Harness;
  let admin: Caller;
  let responder: Caller;
  let viewer: Caller;
  let clock: FakeClock;

  async function newService(): Promise<{ id: string; name: string; dsn: Dsn }> {
    const { service } = await h.app.services.create(env.admin, { name: unique('web') });
    const res = await h.call('GET', `/api/v1/services/${service.id}/dsn`, { as: viewer });
    expect(res.statusCode, res.body).toBe(200);
    return { id: service.id, name: service.name, dsn: res.json() as Dsn };
  }

  const store = (d: Dsn, event: unknown, headers: Record<string, string> = authHeader(d.public_key)) =>
    h.server.inject({
      method: 'POST',
      url: `/api/${d.project_id}/store/`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof event === 'string' || Buffer.isBuffer(event) ? event : JSON.stringify(event),
    });
  const postEnvelope = (
    d: Dsn,
    body: string | Buffer,
    headers: Record<string, string> = {},
    query = `?sentry_key=${d.public_key}&sentry_version=7`,
  ) =>
    h.server.inject({
      method: 'POST',
      url: `/api/${d.project_id}/envelope/${query}`,
      headers: { 'content-type': 'application/x-sentry-envelope', ...headers },
      payload: body,
    });
  const groups = async (serviceId: string, extra = '') =>
    (
      (await h.call('GET', `/api/v1/errors/groups?service_id=${serviceId}${extra}`, { as: viewer })).json() as {
        data: Group[];
      }
    ).data;
  const group = async (id: string) =>
    (await h.call('GET', `/api/v1/errors/groups/${id}`, { as: viewer })).json() as Group;
  const alerts = async (serviceId: string) =>
    (
      (await h.call('GET', `/api/v1/alerts?service_id=${serviceId}&limit=200`, { as: viewer })).json() as {
        data: Array<{
          dedup_key: string;
          status: string;
          severity: string;
          incident_id: string | null;
          details: { custom_details?: Record<string, unknown> };
        }>;
      }
    ).data;

  beforeAll(async () => {
    clock = new FakeClock(START);
    h = await startHarness(env, { clock });
    admin = await h.caller('admin');
    responder = await h.caller('responder');
    viewer = await h.caller('viewer');
  });
  afterAll(async () => h?.close());

  describe('DSN', () => {
    it('is built from the server address, stays the same, and refuses unknown services', async () => {
      const svc = await newService();
      expect(svc.dsn.dsn).toBe(`http://${svc.dsn.public_key}@localhost/${svc.dsn.project_id}`);
      expect(svc.dsn.public_key).toMatch(/^[0-9a-f]{32}$/);
      expect(Number.isInteger(svc.dsn.project_id)).toBe(true);
      const again = (await h.call('GET', `/api/v1/services/${svc.name}/dsn`, { as: viewer })).json() as Dsn;
      expect(again.dsn).toBe(svc.dsn.dsn);
      expectError(await h.call('GET', '/api/v1/services/nope-nope/dsn', { as: viewer }), 404, 'service.not_found');
      expectError(await h.call('GET', `/api/v1/services/${svc.id}/dsn`), 401, 'auth.unauthorized');
    });

    it('uses VIGIL_PUBLIC_URL when it is set', async () => {
      const other = await startHarness(env, {
        clock,
        config: { ...env.config, notify: { ...env.config.notify, publicUrl: 'https://vigil.example.com/' } },
      });
      try {
        const { service } = await other.app.services.create(env.admin, { name: unique('pub') });
        const res = (await other.call('GET', `/api/v1/services/${service.id}/dsn`, { as: viewer })).json() as Dsn;
        expect(res.dsn).toBe(`https://${res.public_key}@vigil.example.com/${res.project_id}`);
      } finally {
        await other.close();
      }
    });
  });

  describe('store and envelope endpoints', () => {
    let svc: { id: string; dsn: Dsn };
    beforeAll(async () => {
      svc = await newService();
    });

    it('store: one event with X-Sentry-Auth, answered {"id"} after the commit', async () => {
      const ev = exceptionEvent(
        'TypeError',
        "Cannot read properties of undefined (reading 'id')",
        [['app/checkout', 'pay', 10]],
        { environment: 'staging' },
      );
      const res = await store(svc.dsn, ev);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ id: ev.event_id });
      expect(res.headers['access-control-allow-origin']).toBe('*');
      const [g] = await groups(svc.id);
      expect(g).toMatchObject({
        title: "TypeError: Cannot read properties of undefined (reading 'id')",
        type: 'TypeError',
        culprit: 'pay (app/checkout)',
        environment: 'staging',
        count: 1,
        level: 'error',
        status: 'unresolved',
      });
      expect((await group(g?.id as string)).events?.[0]?.event_id).toBe(ev.event_id);
    });

    it('store: the key as a query parameter, a gzip body, and the legacy base64+deflate body', async () => {
      const ev = exceptionEvent('RangeError', 'too far', [['app/a', 'f', 1]]);
      const res = await h.server.inject({
        method: 'POST',
        url: `/api/${svc.dsn.project_id}/store/?sentry_key=${svc.dsn.public_key}`,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        payload: zlib.gzipSync(JSON.stringify(ev)),
      });
      expect(res.statusCode, res.body).toBe(200);
      const legacy = exceptionEvent('RangeError', 'too far', [['app/a', 'f', 2]]);
      const res2 = await store(svc.dsn, zlib.deflateSync(JSON.stringify(legacy)).toString('base64'));
      expect(res2.statusCode, res2.body).toBe(200);
      expect(res2.json()).toEqual({ id: legacy.event_id });
      const rangeErrors = (await groups(svc.id)).filter((g) => g.type === 'RangeError');
      expect(rangeErrors.map((g) => g.count)).toEqual([2]);
    });

    it('envelope: event items with and without a length, other item types accepted and dropped', async () => {
      const a = exceptionEvent('Error', 'first', [['app/env', 'one', 1]]);
      const body = envelope({ event_id: a.event_id, sent_at: START.toISOString() }, [
        { type: 'event', payload: a },
        { type: 'attachment', payload: 'line one\nline two' },
        { type: 'client_report', payload: { timestamp: 1, discarded_events: [] }, length: false },
      ]);
      const res = await postEnvelope(svc.dsn, body);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ id: a.event_id });
      const onlyOthers = envelope({ event_id: eventId() }, [
        { type: 'transaction', payload: { type: 'transaction', spans: [] } },
        { type: 'session', payload: { sid: 'x', status: 'ok' }, length: false },
      ]);
      const before = (await groups(svc.id)).length;
      const res2 = await postEnvelope(svc.dsn, onlyOthers);
      expect(res2.statusCode, res2.body).toBe(200);
      expect((await groups(svc.id)).length).toBe(before);
    });

    it('envelope: the DSN in the header authenticates; gzip and deflate bodies', async () => {
      const a = exceptionEvent('Error', 'dsn', [['app/env', 'dsn', 1]]);
      const res = await postEnvelope(
        svc.dsn,
        envelope({ event_id: a.event_id, dsn: svc.dsn.dsn }, [{ type: 'event', payload: a }]),
        {},
        '',
      );
      expect(res.statusCode, res.body).toBe(200);
      const b = exceptionEvent('Error', 'gz', [['app/env', 'gz', 1]]);
      expect(
        (
          await postEnvelope(svc.dsn, zlib.gzipSync(envelope({}, [{ type: 'event', payload: b }])), {
            'content-encoding': 'gzip',
          })
        ).statusCode,
      ).toBe(200);
      const c = exceptionEvent('Error', 'deflate', [['app/env', 'deflate', 1]]);
      expect(
        (
          await postEnvelope(svc.dsn, zlib.deflateSync(envelope({}, [{ type: 'event', payload: c }])), {
            'content-encoding': 'deflate',
          })
        ).statusCode,
      ).toBe(200);
      const titles = (await groups(svc.id)).map((g) => g.title);
      expect(titles).toEqual(expect.arrayContaining(['Error: dsn', 'Error: gz', 'Error: deflate']));
    });

    it('refuses bad keys (401/403), unknown projects (404) and malformed bodies (400), storing nothing', async () => {
      const other = await newService();
      const ev = exceptionEvent('Error', 'x', [['m', 'f', 1]]);
      const before = (await groups(svc.id)).length;
      expectError(await store(svc.dsn, ev, {}), 401, 'errors.unauthorized');
      expectError(await store(svc.dsn, ev, authHeader('0'.repeat(32))), 401, 'errors.unauthorized');
      expectError(await store(svc.dsn, ev, authHeader(other.dsn.public_key)), 403, 'errors.forbidden');
      expectError(
        await store({ ...svc.dsn, project_id: 'abc' as unknown as number }, ev),
        404,
        'errors.project_not_found',
      );
      expectError(await store(svc.dsn, '{"event_id":'), 400, 'errors.invalid');
      const badLevel = expectError(await store(svc.dsn, { ...ev, level: 'loud' }), 400, 'errors.invalid_event');
      expect(badLevel.message).toContain('level');
      const badFrames = expectError(
        await store(svc.dsn, { ...ev, exception: { values: [{ type: 'E', stacktrace: { frames: 'no' } }] } }),
        400,
        'errors.invalid_event',
      );
      expect(badFrames.message).toContain('exception.values.0.stacktrace.frames');
      expectError(await postEnvelope(svc.dsn, 'not json\n{}'), 400, 'errors.invalid_event');
      const short = expectError(
        await postEnvelope(svc.dsn, `{}\n{"type":"event","length":999}\n{}`),
        400,
        'errors.invalid_event',
      );
      expect(short.message).toContain('items.0.length');
      const badItem = expectError(
        await postEnvelope(svc.dsn, envelope({}, [{ type: 'event', payload: { level: 7 } }])),
        400,
        'errors.invalid_event',
      );
      expect(badItem.message).toContain('items.0.level');
      expectError(
        await postEnvelope(svc.dsn, Buffer.from('not gzip'), { 'content-encoding': 'gzip' }),
        400,
        'errors.invalid_encoding',
      );
      expectError(
        await postEnvelope(svc.dsn, 'x', { 'content-encoding': 'compress' }),
        415,
        'errors.unsupported_encoding',
      );
      // A small gzip body that inflates past 8 × the body limit is stopped while inflating.
      const bomb = zlib.gzipSync(Buffer.alloc(env.config.bodyLimit * 8 + 1024, 0x20));
      expect(bomb.length).toBeLessThan(env.config.bodyLimit);
      expectError(await postEnvelope(svc.dsn, bomb, { 'content-encoding': 'gzip' }), 413, 'errors.too_large');
      expect((await groups(svc.id)).length).toBe(before);
    });
  });

  it('refuses a NUL in the group filters naming the field, rather than failing in the database', async () => {
    const res = await h.call('GET', '/api/v1/errors/groups?environment=%00', { as: viewer });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.body).toContain('environment');
  });

  it('a deleted service takes its errors with it, and its key stops at once', async () => {
    const gone = await newService();
    const ev = exceptionEvent('Error', 'x', [['m', 'f', 1]], { environment: 'staging' });
    expect((await store(gone.dsn, ev)).statusCode).toBe(200);
    await h.app.services.remove(env.admin, gone.id);
    expectError(await store(gone.dsn, { ...ev, event_id: eventId() }), 401, 'errors.unauthorized');
    expect((await h.call('GET', `/api/v1/errors/groups?service_id=${gone.id}`, { as: viewer })).statusCode).toBe(404);
    expect(
      (await h.app.errorTracking.listGroups(env.admin, { limit: 200 })).data.filter(
        (x) => x.group.serviceId === gone.id,
      ),
    ).toEqual([]);
  });

  describe('grouping', () => {
    let svc: { id: string; dsn: Dsn };
    beforeAll(async () => {
      svc = await newService();
    });
    const send = async (ev: unknown) => {
      const res = await store(svc.dsn, ev);
      expect(res.statusCode, res.body).toBe(200);
    };

    it('by exception type and in-app frames, not line numbers or values', async () => {
      await send(
        exceptionEvent('DbError', 'timeout after 3001 ms', [
          ['app/db', 'query', 10],
          ['app/orders', 'list', 5],
        ]),
      );
      await send(
        exceptionEvent('DbError', 'timeout after 5230 ms', [
          ['app/db', 'query', 99],
          ['app/orders', 'list', 7],
        ]),
      );
      await send(
        exceptionEvent('DbError', 'timeout after 1 ms', [
          ['app/db', 'query', 10],
          ['app/orders', 'show', 5],
        ]),
      );
      await send(
        exceptionEvent('OtherError', 'timeout after 1 ms', [
          ['app/db', 'query', 10],
          ['app/orders', 'show', 5],
        ]),
      );
      const list = (await groups(svc.id)).filter((g) => g.type === 'DbError' || g.type === 'OtherError');
      expect(list.map((g) => g.count).sort()).toEqual([1, 1, 2]);
    });

    it('by message template for messages, and by the SDK fingerprint (with {{ default }})', async () => {
      await send({ message: 'user 17 not found in shard 3', level: 'warning' });
      await send({ message: 'user 42 not found in shard 9', level: 'warning' });
      await send({ logentry: { message: 'payment %s declined', formatted: 'payment p_1 declined' } });
      await send({ logentry: { message: 'payment %s declined', formatted: 'payment p_2 declined' } });
      const msgs = (await groups(svc.id)).filter((g) => g.type === null);
      expect(msgs.map((g) => [g.title, g.count]).sort()).toEqual([
        ['payment p_2 declined', 2],
        ['user 42 not found in shard 9', 2],
      ]);
      await send(exceptionEvent('FpError', 'a', [['app/x', 'a', 1]], { fingerprint: ['checkout-flaky'] }));
      await send(exceptionEvent('FpOther', 'b', [['app/y', 'b', 1]], { fingerprint: ['checkout-flaky'] }));
      await send(exceptionEvent('FpError', 'a', [['app/x', 'a', 1]], { fingerprint: ['{{ default }}', 'tenant-1'] }));
      await send(exceptionEvent('FpError', 'a', [['app/x', 'a', 2]], { fingerprint: ['{{ default }}', 'tenant-1'] }));
      await send(exceptionEvent('FpError', 'a', [['app/x', 'a', 1]], { fingerprint: ['{{default}}', 'tenant-2'] }));
      const fp = (await groups(svc.id)).filter((g) => g.type?.startsWith('Fp'));
      expect(fp.map((g) => g.count).sort()).toEqual([1, 2, 2]);
    });

    it('keeps the newest 100 events of a group (trimmed every 25), counting all; counts distinct users', async () => {
      const events = Array.from({ length: 130 }, (_, i) =>
        exceptionEvent('BusyError', `n ${i}`, [['app/busy', 'loop', i]], { user: { id: `u${i % 3}` } }),
      );
      // Several requests at once: one batch, one transaction.
      for (let i = 0; i < 120; i += 15) await Promise.all(events.slice(i, i + 15).map((ev) => send(ev)));
      for (const ev of events.slice(120)) await send(ev);
      const [g] = (await groups(svc.id)).filter((x) => x.type === 'BusyError');
      const full = await group(g?.id as string);
      expect(full.count).toBe(130);
      expect(full.events?.length).toBe(100);
      // Trimmed to 100 when the count passed 125, and 5 since.
      expect((await h.app.errorTracking.getGroup(env.admin, g?.id as string)).storedEvents).toBe(105);
      expect(full.users_affected).toBe(3);
      expect(full.events?.[0]?.event_id).toBe(events.at(-1)?.event_id);
    });
  });

  describe('alerts', () => {
    it('a new production group raises errors:new and opens an incident; staging does not', async () => {
      const svc = await newService();
      await store(svc.dsn, exceptionEvent('StagingOnly', 'x', [['app/s', 's', 1]], { environment: 'staging' }));
      expect(await alerts(svc.id)).toEqual([]);
      const res = await store(svc.dsn, exceptionEvent('CheckoutError', 'card declined', [['app/pay', 'charge', 1]]));
      expect(res.statusCode).toBe(200);
      const [g] = await groups(svc.id, '&environment=production');
      const found = await alerts(svc.id);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ dedup_key: `errors:new:${g?.id}`, status: 'triggered', severity: 'error' });
      const incident = (await h.call('GET', `/api/v1/incidents/${found[0]?.incident_id}`, { as: viewer })).json() as {
        severity: string;
        title: string;
      };
      expect(incident).toMatchObject({ severity: 'P2', title: 'New error: CheckoutError: card declined' });
      // More of the same group: no second alert.
      await store(svc.dsn, exceptionEvent('CheckoutError', 'card declined', [['app/pay', 'charge', 2]]));
      expect(await alerts(svc.id)).toHaveLength(1);
    });

    it(
      'a spike over the threshold raises errors:spike (critical, ' +
        'P1) and the sweep resolves it once the rate falls',
      async () => {
        const svc = await newService();
        const patched = await h.call('PATCH', `/api/v1/services/${svc.id}/dsn`, {
          as: admin,
          body: { spike_threshold_per_min: 5 },
        });
        expect(patched.statusCode, patched.body).toBe(200);
        expectError(
          await h.call('PATCH', `/api/v1/services/${svc.id}/dsn`, {
            as: responder,
            body: { spike_threshold_per_min: 5 },
          }),
          403,
          'auth.forbidden',
        );
        for (let i = 0; i < 6; i++)
          await store(
            svc.dsn,
            exceptionEvent('SpikeError', `n ${i}`, [['app/spike', 'go', 1]], { environment: 'staging' }),
          );
        let spike = (await alerts(svc.id)).find((a) => a.dedup_key === 'errors:spike');
        expect(spike).toMatchObject({ status: 'triggered', severity: 'critical' });
        expect(spike?.details.custom_details).toMatchObject({ events_per_minute: 6, threshold_per_min: 5 });
        expect(
          (
            (await h.call('GET', `/api/v1/incidents/${spike?.incident_id}`, { as: viewer })).json() as {
              severity: string;
            }
          ).severity,
        ).toBe('P1');
        // Still over within the minute: the sweep leaves it open.
        await h.app.errorTracking.sweep();
        expect((await alerts(svc.id)).find((a) => a.dedup_key === 'errors:spike')?.status).toBe('triggered');
        clock.advance(2 * 60_000);
        await h.app.errorTracking.sweep();
        spike = (await alerts(svc.id)).find((a) => a.dedup_key === 'errors:spike');
        expect(spike?.status).toBe('resolved');
        // The P1 got the automatic diagnostics, error analytics among them.
        expect(await h.app.diagnostics.sweep()).toBeGreaterThan(0);
        const timeline = (
          await h.call('GET', `/api/v1/incidents/${spike?.incident_id}/timeline`, { as: viewer })
        ).json() as { data: Array<{ kind: string; data: { error_analytics?: { totals?: { events: number } } } }> };
        expect(
          timeline.data.find((e) => e.kind === 'diagnostics')?.data.error_analytics?.totals?.events,
        ).toBeGreaterThanOrEqual(6);
      },
    );

    it('a resolved group that gets events again is regressed and alerts', async () => {
      const svc = await newService();
      await store(svc.dsn, exceptionEvent('FlakyError', 'x', [['app/f', 'f', 1]]));
      const [g] = await groups(svc.id);
      expectError(
        await h.call('POST', `/api/v1/errors/groups/${g?.id}/resolve`, { as: viewer }),
        403,
        'auth.forbidden',
      );
      const resolved = await h.call('POST', `/api/v1/errors/groups/${g?.id}/resolve`, { as: responder });
      expect(resolved.statusCode, resolved.body).toBe(200);
      expect(resolved.json()).toMatchObject({ status: 'resolved' });
      const auditLog = (await h.call('GET', '/api/v1/audit?limit=20', { as: admin })).json() as {
        data: Array<{ action: string; target: { id: string } }>;
      };
      expect(auditLog.data.find((e) => e.action === 'error_group.resolve')?.target.id).toBe(g?.id);
      expect((await alerts(svc.id)).find((a) => a.dedup_key === `errors:new:${g?.id}`)?.status).toBe('resolved');
      expect((await groups(svc.id, '&status=resolved')).map((x) => x.id)).toEqual([g?.id]);
      clock.advance(60_000);
      await store(svc.dsn, exceptionEvent('FlakyError', 'x again', [['app/f', 'f', 1]]));
      const back = await group(g?.id as string);
      expect(back).toMatchObject({
        status: 'unresolved',
        count: 2,
        regressed_at: clock.now().toISOString(),
        last_message: 'x again',
      });
      expect(back.resolved_at).not.toBeNull();
      expect((await alerts(svc.id)).find((a) => a.dedup_key === `errors:regressed:${g?.id}`)?.status).toBe('triggered');
      expectError(
        await h.call('POST', '/api/v1/errors/groups/erg_nope/resolve', { as: responder }),
        404,
        'error_group.not_found',
      );
    });
  });

  describe('plain API', () => {
    it('POST /api/v1/errors needs incident.write, names bad fields, and groups like the SDK path', async () => {
      const svc = await newService();
      const body = {
        service: svc.name,
        exception: {
          type: 'ValueError',
          value: 'bad input 12',
          stacktrace: { frames: [{ module: 'app.forms', function: 'clean', in_app: true }] },
        },
        environment: 'production',
        user: { email: 'a@example.test' },
        tags: { region: 'eu' },
      };
      expectError(await h.call('POST', '/api/v1/errors', { as: viewer, body }), 403, 'auth.forbidden');
      expectError(await h.call('POST', '/api/v1/errors', { body }), 401, 'auth.unauthorized');
      const res = await h.call('POST', '/api/v1/errors', { as: responder, body });
      expect(res.statusCode, res.body).toBe(201);
      const { group_id } = res.json() as { group_id: string };
      expect(
        (
          await h.call('POST', '/api/v1/errors', {
            as: responder,
            body: { ...body, exception: { ...body.exception, value: 'bad input 13' } },
          })
        ).json(),
      ).toMatchObject({ group_id });
      expect(await group(group_id)).toMatchObject({
        count: 2,
        users_affected: 1,
        title: 'ValueError: bad input 13',
        culprit: 'clean (app.forms)',
      });
      const missing = expectError(
        await h.call('POST', '/api/v1/errors', { as: responder, body: { service: svc.name } }),
        400,
        'request.invalid',
      );
      expect(missing.message).toContain('message');
      expectError(
        await h.call('POST', '/api/v1/errors', {
          as: responder,
          body: { service: svc.name, message: 'x', level: 'loud' },
        }),
        400,
        'request.invalid',
      );
      expectError(
        await h.call('POST', '/api/v1/errors', { as: responder, body: { service: 'nope-nope', message: 'x' } }),
        404,
        'service.not_found',
      );
    });
  });

  describe('get_error_analytics', () => {
    it('totals, rate, top groups, users affected, new and regressed groups in the window', async () => {
      const svc = await newService();
      const t0 = clock.now();
      // An old group: seen 2 hours ago, resolved, and back now (regressed).
      const old = exceptionEvent('OldError', 'old', [['app/old', 'o', 1]]);
      await store(svc.dsn, old);
      const [oldGroup] = await groups(svc.id);
      await h.call('POST', `/api/v1/errors/groups/${oldGroup?.id}/resolve`, { as: responder });
      clock.advance(2 * 3_600_000);
      await store(svc.dsn, exceptionEvent('OldError', 'old', [['app/old', 'o', 1]], { user: { id: 'u1' } }));
      for (let i = 0; i < 4; i++)
        await store(
          svc.dsn,
          exceptionEvent('HotError', `hot ${i}`, [['app/hot', 'h', 1]], { user: { id: `u${i % 2}` } }),
        );
      clock.advance(60_000);
      await store(svc.dsn, exceptionEvent('HotError', 'hot later', [['app/hot', 'h', 1]], { user: { id: 'u9' } }));
      await store(svc.dsn, exceptionEvent('StageError', 's', [['app/st', 's', 1]], { environment: 'staging' }));

      const res = await h.call('POST', '/functions/v1/error-tracking', {
        as: viewer,
        body: { action: 'get_error_analytics', time_window: '1h', service: svc.name },
      });
      expect(res.statusCode, res.body).toBe(200);
      const a = res.json() as {
        totals: Record<string, number>;
        rate: { per_minute_avg: number; peak_per_minute: number; series: Array<{ events: number }> };
        top_groups: Array<{
          title: string;
          events: number;
          users_affected: number;
          first_seen: string;
          last_message: string;
          level: string;
        }>;
        new_groups: Array<{ title: string }>;
        regressed_groups: Array<{ id: string; regressed_at: string }>;
        service: { id: string };
      };
      expect(a.service.id).toBe(svc.id);
      expect(a.totals).toEqual({ events: 7, groups: 3, users_affected: 3, new_groups: 2, regressed_groups: 1 });
      expect(a.rate.series).toHaveLength(60);
      expect(a.rate.series.reduce((s, p) => s + p.events, 0)).toBe(7);
      expect(a.rate.peak_per_minute).toBe(5);
      expect(a.rate.per_minute_avg).toBeCloseTo(7 / 60, 2);
      expect(a.top_groups[0]).toMatchObject({
        title: 'HotError: hot later',
        events: 5,
        users_affected: 3,
        last_message: 'hot later',
        level: 'error',
      });
      expect(a.new_groups.map((g) => g.title).sort()).toEqual(['HotError: hot later', 'StageError: s']);
      expect(a.regressed_groups.map((g) => g.id)).toEqual([oldGroup?.id]);

      const prod = (
        await h.call('POST', '/functions/v1/error-tracking', {
          as: viewer,
          body: { action: 'get_error_analytics', time_window: '15m', service: svc.id, environment: 'production' },
        })
      ).json() as { totals: Record<string, number> };
      expect(prod.totals).toMatchObject({ events: 6, groups: 2 });
      const week = (
        await h.call('POST', '/functions/v1/error-tracking', {
          as: viewer,
          body: { action: 'get_error_analytics', time_window: '7d', service: svc.id },
        })
      ).json() as { totals: Record<string, number>; rate: { series: unknown[] } };
      expect(week.totals.events).toBe(8);
      expect(week.rate.series).toHaveLength(168);
      expect(t0.getTime()).toBeLessThan(clock.now().getTime());
      const bad = expectError(
        await h.call('POST', '/functions/v1/error-tracking', {
          as: viewer,
          body: { action: 'get_error_analytics', time_window: '2h' },
        }),
        400,
        'function.invalid',
      );
      expect(bad.message).toContain('time_window');
      expectError(
        await h.call('POST', '/functions/v1/error-tracking', {
          as: viewer,
          body: { action: 'get_error_analytics', service: 'nope-nope' },
        }),
        404,
        'service.not_found',
      );
    });
  });

  describe('the official Sentry SDK (@sentry/node)', () => {
    it(
      'reports captureException and captureMessage to a listening Vigil, ' + 'visible in groups and analytics',
      async () => {
        const svc = await h.app.services.create(env.admin, { name: unique('sdk') });
        const base = await h.server.listen({ host: '127.0.0.1', port: 0 });
        const dsnRes = await fetch(`${base}/api/v1/services/${svc.service.id}/dsn`, {
          headers: { authorization: `Bearer ${viewer.token}` },
        });
        const { dsn } = (await dsnRes.json()) as Dsn;
        expect(dsn).toMatch(new RegExp(`^http://[0-9a-f]{32}@127\\.0\\.0\\.1:\\d+/\\d+$`));
        // The CLI prints the same DSN.
        expect(
          expectSuccess(
            await inProcess(['service', 'dsn', svc.service.name], { VIGIL_URL: base, VIGIL_TOKEN: viewer.token }),
          ),
        ).toBe(`${dsn}\n`);
        expect(
          JSON.parse(
            expectSuccess(
              await inProcess(['service', 'dsn', svc.service.id, '--json'], {
                VIGIL_URL: base,
                VIGIL_TOKEN: viewer.token,
              }),
            ),
          ),
        ).toMatchObject({ dsn, service_id: svc.service.id });
        Sentry.init({ dsn, defaultIntegrations: false, environment: 'production', release: 'shop@1.2.3' });
        try {
          function chargeCard(): never {
            throw new TypeError('card token missing');
          }
          for (let i = 0; i < 2; i++) {
            try {
              chargeCard();
            } catch (error) {
              Sentry.withScope((scope) => {
                scope.setUser({ id: `sdk-user-${i}` });
                Sentry.captureException(error);
              });
            }
          }
          Sentry.captureMessage('nightly export finished with 3 warnings', 'warning');
          expect(await Sentry.flush(10_000)).toBe(true);
        } finally {
          await Sentry.close(2_000);
        }
        const list = await groups(svc.service.id);
        const typeError = list.find((g) => g.type === 'TypeError');
        expect(typeError).toMatchObject({
          title: 'TypeError: card token missing',
          count: 2,
          users_affected: 2,
          environment: 'production',
          level: 'error',
        });
        expect(typeError?.culprit).toContain('chargeCard');
        const message = list.find((g) => g.type === null);
        expect(message).toMatchObject({ title: 'nightly export finished with 3 warnings', level: 'warning', count: 1 });
        const detail = (await h.call('GET', `/api/v1/errors/groups/${typeError?.id}`, { as: viewer })).json() as {
          events: Array<{ release: string; exception: { type: string; frames: unknown[] }; sdk: { name: string } }>;
        };
        expect(detail.events[0]).toMatchObject({
          release: 'shop@1.2.3',
          exception: { type: 'TypeError' },
          sdk: { name: 'sentry.javascript.node' },
        });
        const analytics = (
          await h.call('POST', '/functions/v1/error-tracking', {
            as: viewer,
            body: { action: 'get_error_analytics', time_window: '15m', service: svc.service.id },
          })
        ).json() as { totals: Record<string, number> };
        expect(analytics.totals).toMatchObject({ events: 3, groups: 2, users_affected: 2, new_groups: 2 });
        // The new production groups alerted.
        expect((await alerts(svc.service.id)).map((a) => a.dedup_key).sort()).toEqual(
          [`errors:new:${message?.id}`, `errors:new:${typeError?.id}`].sort(),
        );

        // A process that dies of an uncaught exception, with the SDK's default integrations: reported before it exits.
        const { service: crashing } = await h.app.services.create(env.admin, { name: unique('worker') });
        const { dsn: workerDsn } = (await (
          await fetch(`${base}/api/v1/services/${crashing.id}/dsn`, {
            headers: { authorization: `Bearer ${viewer.token}` },
          })
        ).json()) as Dsn;
        const script = `import * as Sentry from '@sentry/node';
Sentry.init({ dsn: process.env.WORKER_DSN, environment: 'production', shutdownTimeout: 5000 });
setTimeout(() => { throw new Error('worker crashed: queue 7 lost'); }, 10);`;
        const exit = await new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
            cwd: process.cwd(),
            env: { ...process.env, WORKER_DSN: workerDsn },
            stdio: 'ignore',
          });
          child.on('exit', (code) => resolve(code));
        });
        expect(exit).toBe(1);
        const crashed = await groups(crashing.id);
        expect(crashed).toMatchObject([
          { title: 'Error: worker crashed: queue 7 lost', type: 'Error', level: 'fatal', count: 1 },
        ]);
      },
    );
  });
});

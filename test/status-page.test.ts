// Issue 22's walk, on both dialects: a P0 alert turns its service's component to major_outage on /status and
// in summary.json within a second, while nothing about the incident itself shows; a responder publishes an
// update, which reaches a confirmed e-mail subscriber (through a real SMTP server on loopback) and a signed
// webhook subscriber once each; resolving moves the component back and the incident into history; scheduled
// maintenance walks its states on the fake clock and opens the service's maintenance window; and every bad
// input the issue lists gets its 4xx and changes nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { verifySignature } from '../src/notify/signature.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { expectError, startHarness, unique, type Caller, type Harness } from './http-harness.js';

const MIN = 60_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read field by field
type Json = any;

function smtpPeer() {
  const mails: Array<{ to: string[]; raw: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString()));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  return {
    mails,
    start: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function hookPeer() {
  const hits: Array<{ path: string; headers: http.IncomingHttpHeaders; raw: string }> = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', headers: req.headers, raw });
      res.writeHead(200).end('ok');
    });
  });
  return {
    hits,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A quoted-printable mail body with its soft line breaks joined and =XX decoded. */
const unfold = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

describeEachDialect('status page: components, publishing, subscribers, maintenance', (env) => {
  const smtp = smtpPeer();
  const hooks = hookPeer();
  const clock = new FakeClock('2026-12-07T09:00:00Z');
  let h: Harness;
  let admin: Caller;
  let ana: Caller;
  let hooksBase: string;
  let engine: { sweep(): Promise<unknown>; deliver(): Promise<unknown>; stop(): Promise<void> };

  beforeAll(async () => {
    const port = await smtp.start();
    hooksBase = await hooks.start();
    h = await startHarness(env, {
      clock,
      config: testConfig({
        notify: {
          ...testConfig().notify,
          smtpUrl: `smtp://127.0.0.1:${port}`,
          outboundAllow: '127.0.0.1/32',
          publicUrl: 'https://vigil.example.test',
        },
      }),
    });
    engine = h.app.engine.start({ info: vi.fn(), error: vi.fn() }, 0, { wake: false });
    admin = await h.caller('admin');
    ana = await h.caller('responder');
  });
  afterAll(async () => {
    await engine.stop();
    await h.close();
    await smtp.stop();
    await hooks.stop();
  });

  async function json(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, body?: unknown, as: Caller | undefined = admin) {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Json;
  }
  const summary = () => json('GET', '/status/api/v2/summary.json', undefined, undefined);
  const page = async () => (await h.call('GET', '/status')).body;
  /** Polls `check` against summary.json until it holds; returns the milliseconds it took (fails after 1 s). */
  async function within1s(check: (s: Json) => boolean): Promise<number> {
    const start = performance.now();
    for (;;) {
      if (check(await summary())) return performance.now() - start;
      if (performance.now() - start > 1_000) throw new Error(`not within 1 s: ${JSON.stringify(await summary())}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const fromIp = (ip: string, body: unknown) =>
    h.server.inject({
      method: 'POST',
      url: '/status/api/v2/subscribers',
      remoteAddress: ip,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('walks an outage from the alert to history, telling subscribers once each', async () => {
    const service = await json('POST', '/api/v1/services', { name: unique('checkout') });
    const component = await json('POST', '/api/v1/status/components', {
      name: 'Checkout API',
      description: 'Payments and orders',
      group: 'Shop',
      service_ids: [service.id],
    });
    expect(component).toMatchObject({ status: 'operational', automatic: 'operational', manual_status: null });
    await json('PATCH', '/api/v1/status/page', { name: 'Example Shop' });

    let s = await summary();
    expect(s.status).toEqual({ indicator: 'none', description: 'All Systems Operational' });
    expect(s.page.name).toBe('Example Shop');
    expect(s.components.find((c: Json) => c.id === component.id)?.status).toBe('operational');
    expect(await page()).toContain('Checkout API');

    // An e-mail subscriber: double opt-in through the link in a real mail.
    const subscribed = await fromIp('192.0.2.10', { email: 'Customer@Example.test' });
    expect(subscribed.statusCode, subscribed.body).toBe(202);
    expect(subscribed.json().subscriber).toEqual({ kind: 'email', state: 'pending' });
    await engine.deliver();
    expect(smtp.mails.map((m) => m.to)).toEqual([['customer@example.test']]);
    const confirmUrl = /https:\/\/vigil\.example\.test(\/status\/subscribers\/confirm\?token=[\w.%-]+)/.exec(
      unfold(smtp.mails[0]?.raw ?? ''),
    )?.[1];
    expect(confirmUrl).toBeDefined();
    const confirmed = await h.call('GET', confirmUrl as string);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('Subscribed');
    // The same link again, and a forged one: 400, nothing changes.
    expect((await h.call('GET', confirmUrl as string)).statusCode).toBe(400);
    expect((await h.call('GET', '/status/subscribers/confirm?token=sub_x.forged')).statusCode).toBe(400);
    // A webhook subscriber: live at once, its secret shown once; a private address is refused by the SSRF guard.
    const hook = await fromIp('192.0.2.11', { endpoint: `${hooksBase}/status-hook` });
    expect(hook.statusCode, hook.body).toBe(202);
    const secret = hook.json().secret as string;
    expect(secret.length).toBeGreaterThan(20);
    expectError(await fromIp('192.0.2.11', { endpoint: 'http://10.1.2.3/hook' }), 422, 'subscriber.forbidden_endpoint');
    const listed = await json('GET', '/api/v1/status/subscribers');
    expect(listed.counts).toEqual({ pending: 0, confirmed: 2 });
    // Viewers and responders never see addresses.
    expectError(await h.call('GET', '/api/v1/status/subscribers', { as: ana }), 403, 'auth.forbidden');

    // A P0 alert: the component is a major outage within a second; nothing of the incident shows.
    const enqueued = await h.call('POST', '/v2/enqueue', {
      body: {
        routing_key: service.integration_key,
        event_action: 'trigger',
        payload: { summary: 'db-7 primary down (secret internal note)', source: 'db-7', severity: 'critical', class: 'outage' },
      },
    });
    expect(enqueued.statusCode, enqueued.body).toBe(202);
    const took = await within1s((x) => x.components.find((c: Json) => c.id === component.id)?.status === 'major_outage');
    expect(took).toBeLessThan(1_000);
    s = await summary();
    expect(s.status.indicator).toBe('critical');
    expect(s.incidents).toEqual([]);
    const html = await page();
    expect(html).toContain('Major System Outage');
    expect(html).not.toContain('db-7');
    expect(JSON.stringify(await summary())).not.toContain('db-7');
    const incident = (await json('GET', `/api/v1/incidents?service_id=${service.id}`)).data[0] as Json;
    expect(incident.severity).toBe('P0');
    expect(await json('GET', `/api/v1/incidents/${incident.id}/status-updates`)).toBeNull();

    // The draft comes from the customer notice: components and no internal text.
    const draft = await json('GET', `/api/v1/incidents/${incident.id}/status-updates/draft`);
    expect(draft.name).toBe('Service disruption: Checkout API');
    expect(draft.body).toContain('affecting Checkout API');
    expect(draft.component_statuses).toEqual({ [component.id]: 'major_outage' });
    expect(`${draft.name} ${draft.body}`).not.toContain('db-7');

    // Bad updates change nothing.
    const updates = `/api/v1/incidents/${incident.id}/status-updates`;
    const bad = [
      [{ status: 'exploding', body: 'x' }, 400],
      [{ status: 'investigating', body: '   ' }, 400],
      [{ status: 'investigating', body: 'x', component_statuses: { cmp_nope: 'major_outage' } }, 422],
      [{ status: 'investigating', body: 'x', component_statuses: { [component.id]: 'on_fire' } }, 400],
    ] as const;
    for (const [body, status] of bad) {
      const res = await h.call('POST', updates, { as: ana, body });
      expect(res.statusCode, res.body).toBe(status);
    }
    const named = await h.call('POST', updates, { as: ana, body: { status: 'exploding', body: 'x' } });
    expect(named.body).toContain('investigating');
    expect(await json('GET', updates)).toBeNull();
    expect((await summary()).incidents).toEqual([]);

    // The preview shows the page as it would be, and publishes nothing.
    const preview = await h.call('POST', `${updates}/preview`, {
      as: ana,
      body: { status: 'investigating', body: 'We are looking into failed payments.', name: 'Failed payments' },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.body).toContain('Failed payments');
    expect(await json('GET', updates)).toBeNull();

    // A responder publishes, telling subscribers.
    const published = await json(
      'POST',
      updates,
      {
        status: 'investigating',
        body: 'We are looking into failed payments.',
        name: 'Failed payments',
        impact: 'critical',
        component_statuses: { [component.id]: 'major_outage' },
        notify_subscribers: true,
      },
      ana,
    );
    expect(published).toMatchObject({ name: 'Failed payments', status: 'investigating', impact: 'critical' });
    await within1s((x) => x.incidents.length === 1);
    s = await summary();
    expect(s.incidents[0]).toMatchObject({ name: 'Failed payments', status: 'investigating', impact: 'critical' });
    expect(s.incidents[0].incident_updates[0].body).toBe('We are looking into failed payments.');
    expect(await page()).toContain('We are looking into failed payments.');

    await engine.deliver();
    await engine.deliver();
    const updateMails = smtp.mails.slice(1);
    expect(updateMails.map((m) => m.to)).toEqual([['customer@example.test']]);
    const mail = unfold(updateMails[0]?.raw ?? '');
    expect(mail).toContain('We are looking into failed payments.');
    expect(mail).toMatch(/List-Unsubscribe: <https:\/\/vigil\.example\.test\/status\/unsubscribe\?token=/);
    expect(mail).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail).not.toContain('db-7');
    expect(hooks.hits).toHaveLength(1);
    const hit = hooks.hits[0] as (typeof hooks.hits)[number];
    expect(hit.path).toBe('/status-hook');
    expect(verifySignature(hit.headers['x-vigil-signature'] as string, hit.raw, [secret], clock.now())).toEqual({ ok: true });
    expect(JSON.parse(hit.raw)).toMatchObject({
      event: 'incident.updated',
      incident: { name: 'Failed payments', status: 'investigating' },
    });

    // Resolving the incident: the component goes back, the public incident resolves into history.
    clock.advance(30 * MIN);
    await json('POST', `/api/v1/incidents/${incident.id}/resolve`, { note: 'failover done' }, ana);
    await within1s((x) => x.components.find((c: Json) => c.id === component.id)?.status === 'operational');
    expect((await summary()).incidents).toEqual([]);
    const history = await json('GET', '/status/api/v2/incidents.json', undefined, undefined);
    expect(history.incidents[0]).toMatchObject({ name: 'Failed payments', status: 'resolved' });
    expect(history.incidents[0].resolved_at).toBe(clock.now().toISOString());
    expect((await json('GET', '/status/api/v2/incidents/unresolved.json', undefined, undefined)).incidents).toEqual([]);
    // The resolve told the same two subscribers once more (the first update had told them).
    await engine.deliver();
    expect(smtp.mails).toHaveLength(3);
    expect(hooks.hits).toHaveLength(2);
    await engine.deliver();
    expect(smtp.mails).toHaveLength(3);
    expect(hooks.hits).toHaveLength(2);

    // One click on the unsubscribe link ends it; the address is gone.
    const unsubscribeUrl = /https:\/\/vigil\.example\.test(\/status\/unsubscribe\?token=[\w.%-]+)/.exec(mail)?.[1] as string;
    const gone = await h.call('GET', unsubscribeUrl);
    expect(gone.statusCode).toBe(200);
    expect(gone.body).toContain('Unsubscribed');
    expect((await json('GET', '/api/v1/status/subscribers')).counts).toEqual({ pending: 0, confirmed: 1 });
    expect((await h.call('POST', unsubscribeUrl)).body).toContain('had ended already');
  });

  it('moves scheduled maintenance through its states on the clock, opening the service window', async () => {
    const service = await json('POST', '/api/v1/services', { name: unique('search') });
    const component = await json('POST', '/api/v1/status/components', { name: 'Search', service_ids: [service.id] });
    await summary();
    const starts = new Date(clock.now().getTime() + 60 * MIN);
    const ends = new Date(clock.now().getTime() + 120 * MIN);
    expectError(
      await h.call('POST', '/api/v1/status/maintenances', {
        as: ana,
        body: { title: 'x', body: 'y', component_ids: [component.id], starts_at: ends.toISOString(), ends_at: starts.toISOString() },
      }),
      400,
      'maintenance.invalid',
    );
    const m = await json(
      'POST',
      '/api/v1/status/maintenances',
      {
        title: 'Search index rebuild',
        body: 'Search may be slow.',
        component_ids: [component.id],
        starts_at: starts.toISOString(),
        ends_at: ends.toISOString(),
      },
      ana,
    );
    expect(m.state).toBe('scheduled');
    await within1s((x) => x.scheduled_maintenances.some((sm: Json) => sm.id === m.id && sm.status === 'scheduled'));

    const stateAfter = async (ms: number) => {
      clock.advance(ms);
      await engine.sweep();
      return (await json('GET', `/api/v1/status/maintenances/${m.id}`)).state as string;
    };
    expect(await stateAfter(59 * MIN)).toBe('scheduled');
    expect(await stateAfter(1 * MIN)).toBe('in_progress');
    const windows = await json('GET', `/api/v1/services/${service.id}/maintenance`);
    expect(JSON.stringify(windows)).toContain(ends.toISOString());
    await within1s((x) => x.components.find((c: Json) => c.id === component.id)?.status === 'under_maintenance');
    expect(
      (await json('GET', '/status/api/v2/scheduled-maintenances/active.json', undefined, undefined)).scheduled_maintenances.map(
        (sm: Json) => sm.id,
      ),
    ).toContain(m.id);
    expect(await stateAfter(60 * MIN)).toBe('verifying');
    expect(await stateAfter(15 * MIN)).toBe('completed');
    await within1s((x) => x.components.find((c: Json) => c.id === component.id)?.status === 'operational');
  });

  it('sets a status by hand until it is cleared', async () => {
    const component = await json('POST', '/api/v1/status/components', { name: unique('cdn') });
    expectError(
      await h.call('PATCH', `/api/v1/status/components/${component.id}`, { as: ana, body: { status: 'sideways' } }),
      400,
      'request.invalid',
    );
    const set = await json('PATCH', `/api/v1/status/components/${component.id}`, { status: 'degraded_performance' }, ana);
    expect(set).toMatchObject({ status: 'degraded_performance', automatic: 'operational', manual_status: 'degraded_performance' });
    await within1s((x) => x.components.find((c: Json) => c.id === component.id)?.status === 'degraded_performance');
    await json('PATCH', `/api/v1/status/components/${component.id}`, { status: null }, ana);
    await within1s((x) => x.components.find((c: Json) => c.id === component.id)?.status === 'operational');
  });

  it('limits subscribe attempts to 5 a minute from one address', async () => {
    for (let i = 0; i < 5; i++) expect((await fromIp('198.51.100.7', { email: `p${i}@example.test` })).statusCode).toBe(202);
    const sixth = await fromIp('198.51.100.7', { email: 'p6@example.test' });
    expectError(sixth, 429, 'subscriber.rate_limited');
    expect(sixth.headers['retry-after']).toBeDefined();
    expect((await fromIp('198.51.100.8', { email: 'p6@example.test' })).statusCode).toBe(202);
    clock.advance(MIN);
    expect((await fromIp('198.51.100.7', { email: 'p7@example.test' })).statusCode).toBe(202);
    expectError(await fromIp('198.51.100.9', { email: 'x@example.test', endpoint: 'https://example.test/h' }), 400, 'request.invalid');
  });
});

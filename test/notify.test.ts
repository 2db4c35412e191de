// Notifications end to end with real peers over loopback: an HTTP receiver that fails on demand and
// an SMTP server, reached through the SSRF guard's allowlist. Time is a fake clock; the engine's
// sweeps and deliveries are run by the test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApp, type App } from '../src/app.js';
import type { Engine } from '../src/engine/index.js';
import { SYSTEM_ACTOR } from '../src/access/index.js';
import { FakeClock, offsetClock } from '../src/clock.js';
import { bundleId } from '../src/notify/dispatcher.js';
import { verifySignature } from '../src/notify/signature.js';
import { describeEachDialect, testConfig } from './dialects.js';
import { smtpPeer } from './smtp-peer.js';

const MIN = 60_000;

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers one request: a status, headers, and optionally only once `hold` settles. */
interface Answer {
  status: number;
  headers?: Record<string, string>;
  hold?: Promise<unknown>;
}

/** Resolves once `check` holds (polled every 10 ms), or fails after `ms`. */
async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An HTTP receiver: answers each path with the status queued for it (default 200), records every request. */
function receiver() {
  const received: Received[] = [];
  const plans = new Map<string, Answer[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const plan = plans.get(req.url ?? '')?.shift() ?? { status: 200 };
      const answer = () => res.writeHead(plan.status, plan.headers).end(plan.status < 300 ? 'ok' : 'nope');
      if (plan.hold) void plan.hold.then(answer);
      else answer();
    });
  });
  return {
    received,
    /** Queues answers for a path, used in order, then 200s. */
    plan: (path: string, ...answers: Answer[]) => plans.set(path, answers),
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describeEachDialect('notifications', (env) => {
  const hooks = receiver();
  const mail = smtpPeer();
  let base = '';
  let smtpPort = 0;
  const engines: Engine[] = [];
  let n = 0;
  const unique = (s: string) => `${s}-${++n}-${Math.random().toString(36).slice(2, 6)}`;

  beforeAll(async () => {
    base = await hooks.start();
    smtpPort = await mail.start();
  });
  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    await hooks.stop();
    await mail.stop();
  });

  /**
   * A server (app and engine) on the test database. `shared` makes it a second instance on the same fake clock,
   * its own reading of it moved by `offsetMs` (a clock that runs ahead).
   */
  function setup(start: string, pageIntervalMs?: number, shared?: { clock: FakeClock; offsetMs: number }) {
    const clock = shared?.clock ?? new FakeClock(start);
    const config = testConfig({
      notify: {
        smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
        smtpFrom: 'Vigil <vigil@test.example>',
        outboundAllow: '127.0.0.1/32',
        publicUrl: 'https://vigil.test.example',
        twilioUrl: base.replace('http://', 'http://AC123:sekret@'),
        twilioFrom: '+15550000000',
        ...(pageIntervalMs !== undefined && { pageIntervalMs }),
      },
    });
    const app: App = createApp(config, env.database, offsetClock(clock, shared?.offsetMs ?? 0));
    const logger = { info: vi.fn(), error: vi.fn() };
    const engine = app.engine.start(logger, 0, { wake: false }); // the test runs every sweep itself
    engines.push(engine);
    /** One engine sweep (escalations) and one delivery round. */
    const tick = async () => {
      await engine.sweep();
      await engine.deliver();
      expect(logger.error).not.toHaveBeenCalled();
    };
    const person = async (label: string) => {
      const handle = unique(label);
      return app.users.create(SYSTEM_ACTOR, { handle, name: handle, email: `${handle}@test.example` });
    };
    const method = (
      userId: string,
      kind: 'webhook' | 'email' | 'slack' | 'sms' | 'voice',
      address: string,
      secret?: string,
    ) => app.users.addContactMethod(env.admin, userId, { kind, address, secret });
    const pagedService = async (userId: string) => {
      const policy = await app.policies.create(env.admin, {
        name: unique('pol'),
        escalateWhile: 'unresolved',
        repeat: 0,
        levels: [{ name: 'on-call', delaySeconds: 0, targets: [{ type: 'user', id: userId }] }],
      });
      return (await app.services.create(env.admin, { name: unique('svc'), escalationPolicyId: policy.id }))
        .integrationKey;
    };
    const alert = async (routingKey: string, dedupKey: string) => {
      const result = await app.ingest.submit({
        routingKey,
        events: [
          {
            format: 'pagerduty',
            action: 'trigger',
            dedupKey,
            summary: `checkout failing ${dedupKey}`,
            source: 'web-1',
            severity: 'critical',
            links: [],
            images: [],
          },
        ],
      });
      expect(result.ok).toBe(true);
      const [incident] = (await app.incidents.list(env.admin, { limit: 1 })).data;
      return incident as NonNullable<typeof incident>;
    };
    const log = async (incidentId: string) => app.notify.deliveries(env.admin, incidentId);
    const kinds = async (incidentId: string) =>
      (await app.incidents.timeline(env.admin, incidentId, { limit: 200 })).data.map((e) => e.kind).reverse();
    return { clock, app, engine, tick, person, method, pagedService, alert, log, kinds };
  }

  it(
    'pages the on-call person by their rules: ' + 'a signed webhook at once, email two minutes later, each once',
    async () => {
      const t = setup('2031-05-01T10:00:00.000Z');
      const u = await t.person('nt-u');
      const hook = await t.method(u.id, 'webhook', `${base}/hook/${u.handle}`, 'secret-one');
      const email = await t.method(u.id, 'email', `${u.handle}@test.example`);
      await t.app.notify.addRule(env.admin, u.id, { contactMethodId: hook.id, delaySeconds: 0 });
      await t.app.notify.addRule(env.admin, u.id, { contactMethodId: email.id, delaySeconds: 120 });
      const incident = await t.alert(await t.pagedService(u.id), 'nt-1');

      await t.tick();
      await t.tick();
      const got = hooks.received.filter((r) => r.path === `/hook/${u.handle}`);
      expect(got).toHaveLength(1);
      const [request] = got as [Received];
      expect(
        verifySignature(request.headers['x-vigil-signature'] as string, request.body, ['secret-one'], t.clock.now()),
      ).toEqual({ ok: true });
      const body = JSON.parse(request.body) as {
        event: string;
        incident: { number: string };
        message: { subject: string };
        delivery_id: string;
      };
      expect(body).toMatchObject({ event: 'page', incident: { number: incident.number } });
      expect(request.headers['x-vigil-delivery']).toBe(body.delivery_id);
      expect(mail.mails.filter((m) => m.to.includes(`${u.handle}@test.example`))).toHaveLength(0);

      t.clock.advance(2 * MIN);
      await t.tick();
      await t.tick();
      const mails = mail.mails.filter((m) => m.to.includes(`${u.handle}@test.example`));
      expect(mails).toHaveLength(1);
      expect(mails[0]?.raw).toContain(`Subject: [P1] ${incident.number}`);
      expect(hooks.received.filter((r) => r.path === `/hook/${u.handle}`)).toHaveLength(1);

      const log = await t.log(incident.id);
      expect(log.map((x) => [x.channel, x.state, x.attempts])).toEqual([
        ['email', 'sent', 1],
        ['webhook', 'sent', 1],
      ]);
      expect((await t.kinds(incident.id)).filter((k) => k === 'notification_sent')).toHaveLength(2);
    },
  );

  it(
    'retries a failing receiver with backoff, honours Retry-After, ' +
      'and after the last attempt marks it dead and tells the admins',
    async () => {
      const t = setup('2031-05-02T10:00:00.000Z');
      const u = await t.person('nt-r');
      const admin = await t.person('nt-admin');
      await t.app.tokens.create(env.admin, { user: admin.id, name: 'ops', role: 'admin' });
      await t.method(admin.id, 'webhook', `${base}/admin/${admin.handle}`);
      const path = `/flaky/${u.handle}`;
      await t.method(u.id, 'webhook', `${base}${path}`);
      hooks.plan(
        path,
        { status: 503 },
        { status: 429, headers: { 'retry-after': '600' } },
        { status: 500 },
        { status: 502 },
        { status: 500 },
        { status: 500 },
      );
      const incident = await t.alert(await t.pagedService(u.id), 'nt-2');

      await t.tick();
      const [first] = await t.log(incident.id);
      expect(first).toMatchObject({ state: 'failed', attempts: 1 });
      const wait1 = (first?.nextAttemptAt.getTime() ?? 0) - t.clock.now().getTime();
      expect(wait1).toBeGreaterThanOrEqual(0.8 * MIN);
      expect(wait1).toBeLessThanOrEqual(1.2 * MIN);

      t.clock.advance(1.2 * MIN);
      await t.tick();
      const [second] = await t.log(incident.id);
      expect(second).toMatchObject({ state: 'failed', attempts: 2 });
      // The receiver asked for 10 minutes, more than the backoff's 2.
      expect((second?.nextAttemptAt.getTime() ?? 0) - t.clock.now().getTime()).toBe(10 * MIN);

      for (let i = 0; i < 6; i++) {
        t.clock.advance(20 * MIN);
        await t.tick();
      }
      const [dead] = (await t.log(incident.id)).filter((x) => x.kind === 'page');
      expect(dead).toMatchObject({ state: 'dead', attempts: 6 });
      expect(dead?.lastError).toContain('500');
      expect(hooks.received.filter((r) => r.path === path)).toHaveLength(6);
      const timeline = await t.kinds(incident.id);
      expect(timeline.filter((k) => k === 'notification_retried')).toHaveLength(5);
      expect(timeline.filter((k) => k === 'notification_dead')).toHaveLength(1);
      const toAdmin = hooks.received.filter((r) => r.path === `/admin/${admin.handle}`);
      expect(toAdmin).toHaveLength(1);
      expect(JSON.parse(toAdmin[0]?.body ?? '{}')).toMatchObject({
        event: 'notification.dead',
        notification_id: dead?.id,
      });
    },
  );

  it('marks a permanently refused delivery dead at once (a 404 will not get better)', async () => {
    const t = setup('2031-05-03T10:00:00.000Z');
    const u = await t.person('nt-404');
    const path = `/gone/${u.handle}`;
    await t.method(u.id, 'webhook', `${base}${path}`);
    hooks.plan(path, { status: 404 });
    const incident = await t.alert(await t.pagedService(u.id), 'nt-3');
    await t.tick();
    expect(
      (await t.log(incident.id)).filter((x) => x.kind === 'page').map((x) => [x.state, x.attempts, x.lastError]),
    ).toEqual([['dead', 1, expect.stringContaining('404') as string]]);
  });

  it('sends nothing for a page whose incident was acknowledged while it waited', async () => {
    const t = setup('2031-05-04T10:00:00.000Z');
    const u = await t.person('nt-ack');
    const m = await t.method(u.id, 'webhook', `${base}/late/${u.handle}`);
    await t.app.notify.addRule(env.admin, u.id, { contactMethodId: m.id, delaySeconds: 300 });
    const incident = await t.alert(await t.pagedService(u.id), 'nt-4');
    await t.tick();
    await t.app.incidents.acknowledge(env.admin, incident.id);
    t.clock.advance(5 * MIN);
    await t.tick();
    expect(hooks.received.filter((r) => r.path === `/late/${u.handle}`)).toHaveLength(0);
    expect((await t.log(incident.id)).map((x) => x.state)).toEqual(['cancelled']);
  });

  it('pages a person at most once a minute per contact method, bundling what piled up', async () => {
    const t = setup('2031-05-05T10:00:00.000Z');
    const u = await t.person('nt-storm');
    const path = `/storm/${u.handle}`;
    await t.method(u.id, 'webhook', `${base}${path}`);
    const key = await t.pagedService(u.id);
    await t.alert(key, 'storm-1');
    await t.tick();
    await t.tick();
    expect(hooks.received.filter((r) => r.path === path)).toHaveLength(1);
    t.clock.advance(10_000);
    await t.alert(key, 'storm-2');
    await t.alert(key, 'storm-3');
    await t.tick();
    await t.tick();
    expect(hooks.received.filter((r) => r.path === path)).toHaveLength(1);
    t.clock.advance(MIN);
    await t.tick();
    const got = hooks.received.filter((r) => r.path === path);
    expect(got).toHaveLength(2);
    const bundled = JSON.parse(got[1]?.body ?? '{}') as { bundle: unknown[]; message: { subject: string } };
    expect(bundled.bundle).toHaveLength(2);
    expect(bundled.message.subject).toBe('2 pages');
  });

  it('in a storm, one message a minute carries every page due for the person, not one claim’s worth', async () => {
    const t = setup('2031-05-05T12:00:00.000Z');
    const u = await t.person('nt-big-storm');
    const path = `/big-storm/${u.handle}`;
    await t.method(u.id, 'webhook', `${base}${path}`);
    const key = await t.pagedService(u.id);
    const first = await Promise.all(Array.from({ length: 120 }, (_, i) => t.alert(key, `big-${i}`)));
    await t.tick();
    let got = hooks.received.filter((r) => r.path === path);
    // More than one claim's worth (50), in one message.
    expect(got).toHaveLength(1);
    const bundle = JSON.parse(got[0]?.body ?? '{}') as {
      bundle: unknown[];
      bundled: number;
      message: { subject: string; text: string };
    };
    expect(bundle.bundled).toBe(120);
    expect(bundle.bundle).toHaveLength(20);
    // 100 subjects named, then the count of the rest.
    expect(bundle.message.text.split('\n')).toHaveLength(101);
    expect(bundle.message.text.split('\n').at(-1)).toBe('… 20 more');
    const sent = await Promise.all(
      first.slice(0, 5).map(async (i) => (await t.log(i.id)).filter((x) => x.kind === 'page').map((x) => x.state)),
    );
    expect(sent).toEqual(Array.from({ length: 5 }, () => ['sent']));
    // The next 30 wait for the minute, then go as one message.
    const second = await Promise.all(Array.from({ length: 30 }, (_, i) => t.alert(key, `big-late-${i}`)));
    t.clock.advance(10_000);
    await t.tick();
    expect(hooks.received.filter((r) => r.path === path)).toHaveLength(1);
    t.clock.advance(MIN);
    await t.tick();
    got = hooks.received.filter((r) => r.path === path);
    expect(got).toHaveLength(2);
    expect((JSON.parse(got[1]?.body ?? '{}') as { bundled: number }).bundled).toBe(30);
    expect((await t.log(second[29]?.id as string)).filter((x) => x.kind === 'page').map((x) => x.state)).toEqual([
      'sent',
    ]);
  });

  it('takes the page interval from the configuration (VIGIL_PAGE_INTERVAL)', async () => {
    const t = setup('2031-05-05T14:00:00.000Z', 10_000);
    const u = await t.person('nt-interval');
    const path = `/interval/${u.handle}`;
    await t.method(u.id, 'webhook', `${base}${path}`);
    const key = await t.pagedService(u.id);
    await t.alert(key, 'iv-1');
    await t.tick();
    await t.alert(key, 'iv-2');
    t.clock.advance(9_000);
    await t.tick();
    expect(hooks.received.filter((r) => r.path === path)).toHaveLength(1);
    t.clock.advance(1_000);
    await t.tick();
    expect(hooks.received.filter((r) => r.path === path)).toHaveLength(2);
  });

  it(
    'skips a destination whose circuit breaker is open without spending attempts, ' + 'while others get through',
    async () => {
      const t = setup('2031-05-06T10:00:00.000Z');
      const [a, b] = [await t.person('nt-brk-a'), await t.person('nt-brk-b')];
      const deadPath = `/down/${a.handle}`;
      await t.method(a.id, 'webhook', `${base}${deadPath}`);
      await t.method(b.id, 'webhook', `${base}/up/${b.handle}`);
      hooks.plan(deadPath, ...Array.from({ length: 20 }, () => ({ status: 500 })));
      const [keyA, keyB] = [await t.pagedService(a.id), await t.pagedService(b.id)];
      // One page to A, failing: attempts 1 to 5 (20 minutes apart, past each backoff) open A's breaker.
      const first = await t.alert(keyA, 'brk-a-1');
      await t.tick();
      for (let i = 0; i < 4; i++) {
        t.clock.advance(20 * MIN);
        await t.tick();
      }
      expect(hooks.received.filter((r) => r.path === deadPath)).toHaveLength(5);
      expect((await t.log(first.id)).map((x) => [x.state, x.attempts])).toEqual([['failed', 5]]);
      // Open (for a minute): A's new page waits without a request or an attempt, while B's goes out.
      t.clock.advance(30_000);
      const second = await t.alert(keyA, 'brk-a-2');
      const forB = await t.alert(keyB, 'brk-b');
      await t.tick();
      expect(hooks.received.filter((r) => r.path === deadPath)).toHaveLength(5);
      expect((await t.log(second.id)).map((x) => [x.state, x.attempts])).toEqual([['pending', 0]]);
      // Once the breaker closes, the held page is tried again.
      t.clock.advance(31_000);
      await t.tick();
      expect(hooks.received.filter((r) => r.path === deadPath)).toHaveLength(6);
      expect((await t.log(forB.id)).map((x) => x.state)).toEqual(['sent']);
    },
  );

  it(
    'sends the runbook’s initial notification to the P1 stakeholders when a P1 alert opens an incident, ' +
      'and the resolution notification when it resolves',
    async () => {
      const t = setup('2031-05-07T10:00:00.000Z');
      const u = await t.person('nt-comms');
      await t.method(u.id, 'webhook', `${base}/oncall/${u.handle}`, 'page-secret-0001');
      const tag = u.handle;
      const leads = await t.app.notify.addStakeholder(env.admin, {
        name: 'Engineering leads',
        kind: 'webhook',
        address: `${base}/leads/${tag}`,
        severities: ['P0', 'P1'],
        secret: 'stakeholder-secret-01',
      });
      await t.app.notify.addStakeholder(env.admin, {
        name: 'CEO',
        kind: 'webhook',
        address: `${base}/ceo/${tag}`,
        severities: ['P0'],
      });
      await t.app.notify.addStakeholder(env.admin, {
        name: 'Support email',
        kind: 'email',
        address: `support-${tag}@test.example`,
        severities: ['P1'],
      });
      expect(leads.severities).toEqual(['P0', 'P1']);

      const incident = await t.alert(await t.pagedService(u.id), 'comms-1');
      expect(incident.severity).toBe('P1');
      await t.tick();
      await t.tick();

      const toLeads = hooks.received.filter((r) => r.path === `/leads/${tag}`);
      expect(toLeads).toHaveLength(1);
      expect(
        verifySignature(
          toLeads[0]?.headers['x-vigil-signature'] as string,
          toLeads[0]?.body ?? '',
          ['stakeholder-secret-01'],
          t.clock.now(),
        ),
      ).toEqual({ ok: true });
      const initial = JSON.parse(toLeads[0]?.body ?? '{}') as {
        event: string;
        incident: { id: string; next_escalation_at: string | null };
        message: { subject: string; text: string };
      };
      expect(initial.event).toBe('notification.initial');
      // Built from the incident as stored in the same transaction, its escalation already started.
      expect(initial.incident.id).toBe(incident.id);
      expect(initial.incident.next_escalation_at).toEqual(expect.any(String));
      expect(initial.message.subject).toBe(`[P1] Production Incident - ${incident.title}`);
      expect(initial.message.text).toContain(incident.number);
      // The P0-only contact hears nothing of a P1; the P1 email list does; the on-call person is paged once.
      expect(hooks.received.filter((r) => r.path === `/ceo/${tag}`)).toHaveLength(0);
      const mails = mail.mails.filter((m) => m.to.includes(`support-${tag}@test.example`));
      expect(mails).toHaveLength(1);
      expect(mails[0]?.raw).toContain(`Subject: [P1] Production Incident - ${incident.title}`);
      expect(hooks.received.filter((r) => r.path === `/oncall/${u.handle}`)).toHaveLength(1);

      await t.app.incidents.resolve(env.admin, incident.id);
      await t.tick();
      const afterResolve = hooks.received.filter((r) => r.path === `/leads/${tag}`);
      expect(afterResolve).toHaveLength(2);
      const resolution = JSON.parse(afterResolve[1]?.body ?? '{}') as { event: string; message: { subject: string } };
      expect(resolution).toMatchObject({
        event: 'notification.resolution',
        message: { subject: `[RESOLVED] [P1] Production Incident - ${incident.title}` },
      });

      // A status update goes to the same stakeholders, with the severity's cadence for the next one.
      const preview = await t.app.notify.preview(env.admin, incident.id, 'resolution');
      expect(preview.subject).toBe(`[RESOLVED] [P1] Production Incident - ${incident.title}`);
      const update = await t.app.notify.statusUpdate(env.admin, incident.id, {
        statusText: 'Root cause found: an expired certificate.',
      });
      expect(update).toEqual({ notified: 2, nextUpdateAt: null }); // resolved: no next update is scheduled
      await t.tick();
      const updateBody = JSON.parse(hooks.received.filter((r) => r.path === `/leads/${tag}`)[2]?.body ?? '{}') as {
        event: string;
        message: { text: string };
      };
      expect(updateBody).toMatchObject({
        event: 'incident.update',
        message: { text: expect.stringContaining('expired certificate') as string },
      });
      expect((await t.kinds(incident.id)).filter((k) => k === 'status_update')).toHaveLength(1);

      const log = (await t.log(incident.id)).filter((x) => x.kind !== 'update');
      expect(log.map((x) => [x.kind, x.channel, x.state]).sort()).toEqual(
        [
          ['initial', 'email', 'sent'],
          ['initial', 'webhook', 'sent'],
          ['page', 'webhook', 'sent'],
          ['resolution', 'email', 'sent'],
          ['resolution', 'webhook', 'sent'],
        ].sort(),
      );
    },
  );

  it('schedules the next status update by the severity’s cadence and refuses one in the past', async () => {
    const t = setup('2031-05-08T10:00:00.000Z');
    const p0 = await t.app.incidents.create(env.admin, { title: 'all regions down', severity: 'P0' });
    const update = await t.app.notify.statusUpdate(env.admin, p0.id, {
      statusText: 'Failing over to the standby region.',
    });
    expect(update.nextUpdateAt?.toISOString()).toBe('2031-05-08T10:30:00.000Z');
    const chosen = await t.app.notify.statusUpdate(env.admin, p0.id, {
      statusText: 'Standby is taking traffic.',
      nextUpdateAt: new Date('2031-05-08T10:10:00.000Z'),
    });
    expect(chosen.nextUpdateAt?.toISOString()).toBe('2031-05-08T10:10:00.000Z');
    await expect(
      t.app.notify.statusUpdate(env.admin, p0.id, {
        statusText: 'x',
        nextUpdateAt: new Date('2031-05-08T09:00:00.000Z'),
      }),
    ).rejects.toMatchObject({ code: 'update.invalid' });
    const p2 = await t.app.incidents.create(env.admin, { title: 'slow reports', severity: 'P2' });
    expect(
      (await t.app.notify.statusUpdate(env.admin, p2.id, { statusText: 'Looking into it.' })).nextUpdateAt,
    ).toBeNull();
  });

  it('texts and calls through a Twilio-compatible gateway, with the account as basic auth', async () => {
    const t = setup('2031-05-09T10:00:00.000Z');
    const u = await t.person('nt-sms');
    const number = `+1555${String(Date.now()).slice(-7)}`;
    await t.method(u.id, 'sms', number);
    await t.method(u.id, 'voice', number);
    const incident = await t.alert(await t.pagedService(u.id), 'sms-1');
    await t.tick();
    await t.tick();
    const mine = (suffix: string) =>
      hooks.received.filter(
        (r) => r.path === `/2010-04-01/Accounts/AC123/${suffix}` && new URLSearchParams(r.body).get('To') === number,
      );
    const [text] = mine('Messages.json');
    const [call] = mine('Calls.json');
    expect(text?.headers.authorization).toBe(`Basic ${Buffer.from('AC123:sekret').toString('base64')}`);
    expect(new URLSearchParams(text?.body).get('From')).toBe('+15550000000');
    expect(new URLSearchParams(text?.body).get('Body')).toContain(incident.number);
    expect(new URLSearchParams(call?.body).get('Twiml')).toMatch(/^<Response><Say>\[P1\] INC-/);
    // (Stakeholders added by an earlier test also get this P1's initial notification; only the pages matter here.)
    expect(
      (await t.log(incident.id))
        .filter((x) => x.kind === 'page')
        .map((x) => [x.channel, x.state])
        .sort(),
    ).toEqual([
      ['sms', 'sent'],
      ['voice', 'sent'],
    ]);
  });

  it(
    'a bundle whose sender was lost: each page keeps its one id in every message that carries it, and pages ' +
      'answered meanwhile are recorded as outcome unknown, not "not sent" (issue 18, faults 1 and 2)',
    async () => {
      const t = setup('2031-05-10T10:00:00.000Z');
      const u = await t.person('nt-lost');
      const path = `/lost/${u.handle}`;
      await t.method(u.id, 'webhook', `${base}${path}`);
      const key = await t.pagedService(u.id);
      await t.alert(key, 'lost-0');
      await t.tick();
      // Three more pages wait out the one-a-minute throttle, then go as one bundle.
      const a = await t.alert(key, 'lost-a');
      const b = await t.alert(key, 'lost-b');
      const c = await t.alert(key, 'lost-c');
      await t.tick();
      t.clock.advance(MIN);
      let answer = () => undefined as void;
      hooks.plan(path, { status: 200, hold: new Promise<void>((r) => (answer = r)) });
      // This instance sends the bundle; the receiver takes it and holds its answer: to the database the
      // instance is gone mid-send.
      const lost = t.engine.deliver();
      await until(() => hooks.received.filter((r) => r.path === path).length === 2);
      await t.app.incidents.acknowledge(env.admin, a.id);
      await t.app.incidents.acknowledge(env.admin, c.id);
      // Another instance, long after the lease: it re-sends b alone and does not re-send a and c.
      t.clock.advance(10 * MIN);
      const other = setup('', undefined, { clock: t.clock, offsetMs: 0 });
      await other.engine.deliver();
      answer();
      await lost;

      const got = hooks.received.filter((r) => r.path === path);
      expect(got).toHaveLength(3);
      const pageIds = async (incidentId: string) =>
        (await t.log(incidentId)).filter((x) => x.kind === 'page').map((x) => x.id);
      const [ida, idb, idc] = [(await pageIds(a.id))[0], (await pageIds(b.id))[0], (await pageIds(c.id))[0]];
      const ids = (r: (typeof got)[number]) => String(r.headers['x-vigil-delivery-ids']).split(',');
      // The bundle: its own id (made from its pages'), every page id in the header and in the body.
      const bundle = got[1] as (typeof got)[number];
      expect(bundle.headers['x-vigil-delivery']).toBe(bundleId([ida, idb, idc] as string[]));
      expect(ids(bundle).sort()).toEqual([ida, idb, idc].sort());
      expect((JSON.parse(bundle.body) as { delivery_ids: string[] }).delivery_ids.sort()).toEqual(
        [ida, idb, idc].sort(),
      );
      // b again, alone, under the same id: a receiver that drops the ids it has seen drops all of it.
      const again = got[2] as (typeof got)[number];
      expect([again.headers['x-vigil-delivery'], ids(again)]).toEqual([idb, [idb]]);
      const seen = new Set(ids(got[0] as (typeof got)[number]));
      const fresh = got.slice(1).map((r) => ids(r).filter((id) => !seen.has(id) && seen.add(id)).length);
      expect(fresh).toEqual([3, 0]);
      // The record says what is known.
      for (const incident of [a, c]) {
        const [row] = (await t.log(incident.id)).filter((x) => x.kind === 'page');
        expect(row?.state).toBe('unknown');
        expect(row?.lastError).toMatch(
          /^not re-sent: the incident was acknowledged; an earlier send's outcome is unknown/,
        );
        expect(await t.kinds(incident.id)).toContain('notification_unknown');
      }
      expect((await t.log(b.id)).filter((x) => x.kind === 'page').map((x) => x.state)).toEqual(['sent']);
      const sentEntry = (await t.app.incidents.timeline(env.admin, b.id, { limit: 50 })).data.find(
        (e) => e.kind === 'notification_sent',
      );
      expect(sentEntry?.data).toMatchObject({ resent_after_lost_sender: true });
    },
  );

  it(
    'a send in flight on a healthy instance is never taken over, even by an instance whose clock runs 30 s ahead ' +
      '(issue 18: the lease covers the slowest send plus the clock tolerance)',
    async () => {
      const t = setup('2031-05-11T10:00:00.000Z');
      const u = await t.person('nt-slow');
      const path = `/slow/${u.handle}`;
      await t.method(u.id, 'webhook', `${base}${path}`);
      const incident = await t.alert(await t.pagedService(u.id), 'slow-1');
      let answer = () => undefined as void;
      hooks.plan(path, { status: 200, hold: new Promise<void>((r) => (answer = r)) });
      await t.engine.sweep(); // the escalation writes the page
      const slow = t.engine.deliver();
      await until(() => hooks.received.filter((r) => r.path === path).length === 1);
      // 40 s later by the shared clock (past the 30 s a claim used to last), 70 s by the fast one's.
      t.clock.advance(40_000);
      const fast = setup('', undefined, { clock: t.clock, offsetMs: 30_000 });
      await fast.engine.deliver();
      answer();
      await slow;
      expect(hooks.received.filter((r) => r.path === path)).toHaveLength(1);
      expect((await t.log(incident.id)).filter((x) => x.kind === 'page').map((x) => [x.state, x.attempts])).toEqual([
        ['sent', 1],
      ]);
    },
  );
});

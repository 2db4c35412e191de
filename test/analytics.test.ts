// Response analytics on both dialects over a small known history on a fake clock: incidents opened,
// acknowledged, resolved (one reopened and resolved again) through the API at known offsets; pages at
// levels 1–3 and page messages by SMS, voice, e-mail and Slack (sent or failed) written as the escalation
// engine and the dispatcher write them, to two responders in Berlin and New York across both zones'
// daylight-saving changes; follow-ups completed, not doing, overdue and deleted. Every figure is asserted
// exactly, in the summary, the weekly and daily series and their CSV, with each filter, and every bad input.
import { beforeAll, afterAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import type { NotificationsTable } from '../src/db/schema.js';
import { describeEachDialect } from './dialects.js';
import { expectError, startHarness, type Caller, type Harness } from './http-harness.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const MIN = 60_000;
const FROM = '2026-03-02T00:00:00.000Z'; // a Monday
const TO = '2026-04-06T00:00:00.000Z'; // five weeks later, and "now" when the figures are read
const RANGE = `from=${FROM}&to=${TO}`;

describeEachDialect('analytics', (env) => {
  const clock = new FakeClock(FROM);
  let h: Harness;
  let admin: Caller;
  let viewer: Caller;
  let alice: Caller;
  let bob: Caller;
  let serviceId: string;
  let teamId: string;
  const ids: Record<string, string> = {};

  async function call(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, as: Caller = admin) {
    const res = await h.call(method, url, { as, body });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Json;
  }
  const get = (url: string, as: Caller = viewer) => call('GET', url, undefined, as);

  /** Opens an incident at `at`, then acts on it at minute offsets: [action, minutes after the trigger]. */
  async function incident(
    name: string,
    severity: string,
    at: string,
    steps: Array<['acknowledge' | 'resolve' | 'reopen', number]>,
    extra: Record<string, unknown> = {},
  ) {
    clock.set(at);
    const created = await call('POST', '/api/v1/incidents', { title: `Incident ${name}`, severity, ...extra });
    ids[name] = created.id as string;
    for (const [action, minutes] of steps) {
      clock.set(new Date(Date.parse(at) + minutes * MIN));
      await call('POST', `/api/v1/incidents/${created.id}/${action}`, {});
    }
  }

  async function page(incident: string, user: Caller, level: number, at: string) {
    await env.database.db
      .insertInto('pages')
      .values({
        id: `pg-${incident}-${level}-${user.handle}`,
        incident_id: ids[incident] as string,
        run: 1,
        level,
        loop: 0,
        user_id: user.userId,
        at,
        reason: `level ${level}`,
      })
      .execute();
  }

  let messages = 0;
  async function message(incident: string, user: Caller, channel: string, sentAt: string, state = 'sent') {
    const row: NotificationsTable = {
      id: `ntf-${++messages}`,
      incident_id: ids[incident] as string,
      kind: 'page',
      channel,
      destination: `${user.handle}-${channel}`,
      secret: null,
      user_id: user.userId,
      page_id: null,
      subject: 'paged',
      body: 'paged',
      payload: '{}',
      state,
      attempts: 1,
      next_attempt_at: sentAt,
      deadline_at: null,
      last_error: null,
      created_at: sentAt,
      sent_at: state === 'sent' ? sentAt : null,
      send_started_at: null,
    };
    await env.database.db.insertInto('notifications').values(row).execute();
  }

  beforeAll(async () => {
    h = await startHarness(env, { clock });
    admin = await h.caller('admin');
    viewer = await h.caller('viewer');
    alice = await h.caller('responder', 'alice');
    bob = await h.caller('responder', 'bob');
    await call('PATCH', `/api/v1/users/${alice.userId}`, { timezone: 'Europe/Berlin' });
    await call('PATCH', `/api/v1/users/${bob.userId}`, { timezone: 'America/New_York' });
    serviceId = (await call('POST', '/api/v1/services', { name: 'checkout' })).id as string;
    teamId = (await call('POST', '/api/v1/teams', { name: 'night-owls', members: [bob.handle] })).id as string;

    // A follow-up needs a future due time when added: they are added first, on incident A.
    await incident('A', 'P1', '2026-03-02T10:00:00.000Z', [], { service_id: serviceId });
    const followUp = async (due: string) =>
      (
        await call('POST', '/api/v1/follow-ups', {
          incident_id: ids.A,
          title: `Follow-up due ${due}`,
          kind: 'technical',
          owner_id: 'me',
          due_at: due,
        })
      ).id as string;
    const done = await followUp('2026-03-20T12:00:00.000Z');
    const dropped = await followUp('2026-03-21T12:00:00.000Z');
    await followUp('2026-03-25T12:00:00.000Z'); // stays outstanding: overdue by TO
    await followUp('2026-04-20T12:00:00.000Z'); // due after the range
    const deleted = await followUp('2026-03-22T12:00:00.000Z');
    await call('PATCH', `/api/v1/follow-ups/${done}`, { status: 'completed' });
    await call('PATCH', `/api/v1/follow-ups/${dropped}`, { status: 'not_doing', reason: 'covered by OPS-9' });
    await call('PATCH', `/api/v1/follow-ups/${deleted}`, { status: 'deleted' });

    // A: P1, acknowledged after 5 min, resolved after 60 (in target).
    clock.set('2026-03-02T10:05:00.000Z');
    await call('POST', `/api/v1/incidents/${ids.A}/acknowledge`, {});
    clock.set('2026-03-02T11:00:00.000Z');
    await call('POST', `/api/v1/incidents/${ids.A}/resolve`, {});
    // B: P1, acknowledged after 20 min (breach), resolved at 2 h, reopened at 3 h, resolved again at 4 h.
    await incident('B', 'P1', '2026-03-03T10:00:00.000Z', [
      ['acknowledge', 20],
      ['resolve', 120],
      ['reopen', 180],
      ['resolve', 240],
    ]);
    // C: P0, acknowledged after 10 min (breach of the 5-minute "immediate"), resolved after 30.
    await incident('C', 'P0', '2026-03-04T10:00:00.000Z', [
      ['acknowledge', 10],
      ['resolve', 30],
    ]);
    // D: P2, resolved after 30 min without an acknowledgement (its first response, in target).
    await incident('D', 'P2', '2026-03-10T10:00:00.000Z', [['resolve', 30]]);
    // E: P3, never answered: its 4 h passed (breach). G: P3 opened an hour before TO, not decided yet.
    await incident('E', 'P3', '2026-03-11T10:00:00.000Z', []);
    await incident('G', 'P3', '2026-04-05T23:00:00.000Z', []);
    // Outside the range: before it, acknowledged inside it (counts for MTTA only: first acknowledged in range).
    await incident('Z', 'P2', '2026-03-01T23:50:00.000Z', [['acknowledge', 20]]);

    // Pages: A level 1; B levels 1–2; C levels 1–3 (B and C escalated beyond L1); one before the range.
    await page('A', alice, 1, '2026-03-02T10:00:00.000Z');
    await page('B', alice, 1, '2026-03-03T10:00:00.000Z');
    await page('B', bob, 2, '2026-03-03T10:15:00.000Z');
    await page('C', alice, 1, '2026-03-04T10:00:00.000Z');
    await page('C', bob, 2, '2026-03-04T10:15:00.000Z');
    await page('C', alice, 3, '2026-03-04T10:30:00.000Z');
    await page('Z', alice, 1, '2026-03-01T23:50:00.000Z');

    // Alice in Berlin (CET +1, CEST +2 from 2026-03-29 01:00 UTC).
    await message('A', alice, 'sms', '2026-03-02T10:00:00.000Z'); // Mon 11:00 business
    await message('B', alice, 'voice', '2026-03-03T22:30:00.000Z'); // Tue 23:30 sleep
    await message('B', alice, 'email', '2026-03-03T22:30:00.000Z'); // e-mail does not interrupt
    await message('C', alice, 'sms', '2026-03-07T12:00:00.000Z'); // Sat 13:00 off
    await message('C', alice, 'sms', '2026-03-30T06:30:00.000Z'); // Mon 08:30 CEST business (07:30 in CET)
    await message('C', alice, 'sms', '2026-03-05T10:00:00.000Z', 'failed'); // never delivered
    // Bob in New York (EST −5, EDT −4 from 2026-03-08 07:00 UTC).
    await message('C', bob, 'voice', '2026-03-04T02:00:00.000Z'); // Tue 21:00 EST off
    await message('C', bob, 'sms', '2026-03-09T12:30:00.000Z'); // Mon 08:30 EDT business (07:30 in EST)
    await message('C', bob, 'sms', '2026-03-10T03:00:00.000Z'); // Mon 23:00 EDT sleep
    await message('C', bob, 'slack', '2026-03-10T03:00:00.000Z'); // chat does not interrupt
    await message('Z', bob, 'sms', '2026-03-01T12:00:00.000Z'); // before the range

    clock.set(TO);
  });
  afterAll(() => h.close());

  it('summarises the range with every figure exact and named by its definition', async () => {
    const s = await get(`/api/v1/analytics/summary?${RANGE}`);
    expect([s.from, s.to, s.generated_at]).toEqual([FROM, TO, TO]);
    expect(s.response_targets_s).toEqual({ P0: 300, P1: 900, P2: 3600, P3: 14400 });
    expect(s.incidents).toMatchObject({ total: 6, by_severity: { P0: 1, P1: 2, P2: 1, P3: 2 } });
    // MTTA: A 300, B 1200 (its first acknowledgement), C 600, Z 1200 (acknowledged in range).
    expect(s.mtta).toMatchObject({ n: 4, mean_s: 825, p50_s: 900, p95_s: 1200 });
    // MTTR: A 3600, B 14400 (trigger to its last resolution), C 1800, D 1800.
    expect(s.mttr).toMatchObject({ n: 4, mean_s: 5400, p50_s: 2700, p95_s: 12780 });
    expect(s.response_target_breaches).toMatchObject({ breached: 3, decided: 5, rate: 0.6 });
    expect(s.escalated_beyond_l1).toMatchObject({ escalated: 2, incidents: 6, share: 0.3333 });
    expect(s.pages.total).toBe(6);
    expect(s.interruptions).toMatchObject({
      total: 7,
      business_hours: 3,
      off_hours: 2,
      sleep_hours: 2,
      channels: ['sms', 'voice'],
    });
    const responders = (s.interruptions.by_responder as Json[]).map((r) => [
      r.handle,
      r.timezone,
      r.business_hours,
      r.off_hours,
      r.sleep_hours,
      r.total,
    ]);
    expect(responders).toEqual([
      [alice.handle, 'Europe/Berlin', 2, 1, 1, 4],
      [bob.handle, 'America/New_York', 1, 1, 1, 3],
    ]);
    expect(s.follow_ups).toMatchObject({ due: 3, completed: 1, not_doing: 1, overdue: 1, outstanding: 0 });
    for (const figure of [
      'incidents',
      'mtta',
      'mttr',
      'response_target_breaches',
      'escalated_beyond_l1',
      'pages',
      'interruptions',
      'follow_ups',
    ])
      expect(typeof s[figure].definition, figure).toBe('string');
    expect(s.mtta.definition).toMatch(/^trigger → first acknowledgement/);
    expect(s.response_target_breaches.definition).toContain('P0 "immediate" = 5 min');
  });

  it('filters by severity, service and team', async () => {
    const p1 = await get(`/api/v1/analytics/summary?${RANGE}&severity=P1`);
    expect(p1.incidents.total).toBe(2);
    expect(p1.mtta).toMatchObject({ n: 2, mean_s: 750, p50_s: 750, p95_s: 1155 });
    expect(p1.mttr).toMatchObject({ n: 2, mean_s: 9000, p50_s: 9000, p95_s: 13860 });
    expect(p1.filters).toEqual({ service_id: null, team_id: null, severity: ['P1'] });
    const both = await get(`/api/v1/analytics/summary?${RANGE}&severity=P0,P1`);
    expect(both.incidents.by_severity).toEqual({ P0: 1, P1: 2, P2: 0, P3: 0 });

    const service = await get(`/api/v1/analytics/summary?${RANGE}&service_id=checkout`);
    expect(service.filters.service_id).toBe(serviceId);
    expect([service.incidents.total, service.mtta.n, service.pages.total, service.interruptions.total]).toEqual([
      1, 1, 1, 1,
    ]);
    expect(service.follow_ups.due).toBe(3);

    // The team (bob): incidents that paged him (B, C); pages and interruptions his own.
    const team = await get(`/api/v1/analytics/summary?${RANGE}&team_id=${teamId}`);
    expect(team.incidents).toMatchObject({ total: 2, by_severity: { P0: 1, P1: 1, P2: 0, P3: 0 } });
    expect(team.escalated_beyond_l1).toMatchObject({ escalated: 2, incidents: 2, share: 1 });
    expect(team.pages.total).toBe(2);
    expect(team.interruptions).toMatchObject({ total: 3, business_hours: 1, off_hours: 1, sleep_hours: 1 });
    expect((team.interruptions.by_responder as Json[]).map((r) => r.handle)).toEqual([bob.handle]);
  });

  it('gives the same figures per week and per day', async () => {
    const weeks = await get(`/api/v1/analytics/timeseries?${RANGE}&bucket=week`);
    expect(weeks.bucket).toBe('week');
    expect(Object.keys(weeks.definitions)).toHaveLength(9);
    expect((weeks.buckets as Json[]).map((b) => b.start)).toEqual([
      FROM,
      '2026-03-09T00:00:00.000Z',
      '2026-03-16T00:00:00.000Z',
      '2026-03-23T00:00:00.000Z',
      '2026-03-30T00:00:00.000Z',
    ]);
    const [w1, w2, w3, w4, w5] = weeks.buckets as Json[];
    expect(w1?.incidents.total).toBe(3);
    expect(w1?.mtta).toEqual({ n: 4, mean_s: 825, p50_s: 900, p95_s: 1200 });
    expect(w1?.mttr).toEqual({ n: 3, mean_s: 6600, p50_s: 3600, p95_s: 13320 });
    expect(w1?.response_target_breaches).toEqual({ breached: 2, decided: 3, rate: 0.6667 });
    expect(w1?.escalated_beyond_l1).toEqual({ escalated: 2, incidents: 3, share: 0.6667 });
    expect(w1?.pages.total).toBe(6);
    expect(w1?.interruptions).toEqual({ total: 4, business_hours: 1, off_hours: 2, sleep_hours: 1 });
    expect(w2?.incidents).toEqual({ total: 2, by_severity: { P0: 0, P1: 0, P2: 1, P3: 1 } });
    expect(w2?.mtta).toEqual({ n: 0, mean_s: null, p50_s: null, p95_s: null });
    expect(w2?.mttr).toEqual({ n: 1, mean_s: 1800, p50_s: 1800, p95_s: 1800 });
    expect(w2?.interruptions).toEqual({ total: 2, business_hours: 1, off_hours: 0, sleep_hours: 1 });
    expect(w3?.follow_ups).toEqual({ due: 2, completed: 1, not_doing: 1, overdue: 0, outstanding: 0 });
    expect(w4?.follow_ups).toEqual({ due: 1, completed: 0, not_doing: 0, overdue: 1, outstanding: 0 });
    expect(w5?.interruptions).toEqual({ total: 1, business_hours: 1, off_hours: 0, sleep_hours: 0 });
    expect(w5?.incidents.total).toBe(1);
    expect(w5?.response_target_breaches).toEqual({ breached: 0, decided: 0, rate: null });

    // A range that starts mid-week is clipped; days are UTC days.
    const days = await get(`/api/v1/analytics/timeseries?from=2026-03-03T12:00:00Z&to=2026-03-05T00:00:00Z&bucket=day`);
    expect((days.buckets as Json[]).map((b) => [b.start, b.end, b.incidents.total, b.mtta.n])).toEqual([
      ['2026-03-03T12:00:00.000Z', '2026-03-04T00:00:00.000Z', 0, 0],
      ['2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z', 1, 1],
    ]);
    const clipped = await get(`/api/v1/analytics/timeseries?from=2026-03-04T12:00:00Z&to=2026-03-12T00:00:00Z`);
    expect((clipped.buckets as Json[]).map((b) => [b.start, b.end])).toEqual([
      ['2026-03-04T12:00:00.000Z', '2026-03-09T00:00:00.000Z'],
      ['2026-03-09T00:00:00.000Z', '2026-03-12T00:00:00.000Z'],
    ]);
  });

  it('exports CSV', async () => {
    const res = await h.call('GET', `/api/v1/analytics/summary?${RANGE}&format=csv`, { as: viewer });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="analytics-summary.csv"');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('metric,value,definition');
    expect(lines[1]).toBe(`from,${FROM},`);
    const row = (metric: string) =>
      lines
        .find((l) => l.startsWith(`${metric},`))
        ?.split(',')
        .slice(0, 2);
    expect(row('mtta_p95_s')).toEqual(['mtta_p95_s', '1200']);
    expect(row('breach_rate')).toEqual(['breach_rate', '0.6']);
    expect(row(`interruptions_sleep_hours:${bob.handle}`)).toEqual([`interruptions_sleep_hours:${bob.handle}`, '1']);
    expect(lines.find((l) => l.startsWith('mtta_mean_s,'))).toMatch(/^mtta_mean_s,825,"trigger → first ack/);

    const series = await h.call('GET', `/api/v1/analytics/timeseries?${RANGE}&format=csv`, { as: viewer });
    const rows = series.body.trimEnd().split('\r\n');
    expect(series.headers['content-disposition']).toBe('attachment; filename="analytics-week.csv"');
    expect(rows).toHaveLength(6);
    const header = rows[0]?.split(',') ?? [];
    expect(header.slice(0, 7)).toEqual([
      'start',
      'end',
      'incidents',
      'incidents_P0',
      'incidents_P1',
      'incidents_P2',
      'incidents_P3',
    ]);
    expect(header).toHaveLength(34);
    const w2 = Object.fromEntries(header.map((c, i) => [c, rows[2]?.split(',')[i]]));
    expect(w2).toMatchObject({
      start: '2026-03-09T00:00:00.000Z',
      incidents: '2',
      mtta_mean_s: '',
      mttr_p50_s: '1800',
    });
  });

  it('refuses bad input with a 4xx naming the problem', async () => {
    const bad = (query: string) => h.call('GET', `/api/v1/analytics/summary?${query}`, { as: viewer });
    expect(
      expectError(await bad('from=2026-03-10T00:00:00Z&to=2026-03-01T00:00:00Z'), 400, 'analytics.invalid_range')
        .message,
    ).toMatch(/must be before to/);
    expectError(await bad('from=2026-03-10T00:00:00Z&to=2026-03-10T00:00:00Z'), 400, 'analytics.invalid_range');
    expect(
      expectError(await bad('from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z'), 400, 'analytics.invalid_range')
        .message,
    ).toMatch(/424 days; at most 400/);
    // 400 days exactly is allowed.
    expect((await bad('from=2025-01-25T00:00:00Z&to=2026-03-01T00:00:00Z')).statusCode).toBe(200);
    const series = await h.call(
      'GET',
      '/api/v1/analytics/timeseries?from=2026-03-10T00:00:00Z&to=2026-03-01T00:00:00Z',
      {
        as: viewer,
      },
    );
    expectError(series, 400, 'analytics.invalid_range');
    expectError(await bad('service_id=nope'), 404, 'service.not_found');
    expectError(await bad('team_id=nope'), 404, 'team.not_found');
    for (const query of ['from=yesterday', 'severity=P5', 'format=xml', 'colour=red', 'to=2026-03-01'])
      expect((await bad(query)).statusCode, query).toBe(400);
    expect((await h.call('GET', '/api/v1/analytics/timeseries?bucket=month', { as: viewer })).statusCode).toBe(400);
    expect((await h.call('GET', '/api/v1/analytics/summary')).statusCode).toBe(401);
  });
});

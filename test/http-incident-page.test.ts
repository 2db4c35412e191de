// What the incident page's status-update composer reads, on both dialects: when the next update is due
// (and whether one is overdue, also after the engine's reminder moved the due time on), and the preview
// of an update as it would be sent, which sends and records nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect } from './dialects.js';
import { expectError, startHarness, type Caller, type Harness, type Response } from './http-harness.js';

const MIN = 60_000;
const START = '2030-05-04T10:00:00.000Z';
const at = (plusMs: number) => new Date(Date.parse(START) + plusMs).toISOString();

describeEachDialect('HTTP incident page: status updates', (env) => {
  let h: Harness;
  let responder: Caller;
  let viewer: Caller;

  beforeAll(async () => {
    h = await startHarness(env, { clock: new FakeClock(START) });
    responder = await h.caller('responder', 'ip-resp');
    viewer = await h.caller('viewer', 'ip-view');
  });
  afterAll(async () => h?.close());

  const ok = (res: Response, status = 200) => {
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };
  const open = async (severity: string) =>
    ok(
      await h.call('POST', '/api/v1/incidents', { as: responder, body: { title: `Checkout ${severity}`, severity } }),
      201,
    ) as { id: string; number: string };
  const kinds = async (id: string) =>
    (
      ok(await h.call('GET', `/api/v1/incidents/${id}/timeline?limit=200`, { as: viewer })) as {
        data: Array<{ kind: string }>;
      }
    ).data.map((e) => e.kind);

  it(
    'tells when a P1’s first update is due (its cadence ' + 'from opening) and what an update now would announce',
    async () => {
      const incident = await open('P1');
      h.clock.advance(10 * MIN);
      expect(ok(await h.call('GET', `/api/v1/incidents/${incident.number}/updates/next`, { as: viewer }))).toEqual({
        next_update_at: at(60 * MIN),
        overdue: false,
        missed: 0,
        last_update_at: null,
        default_next_update_at: at(70 * MIN),
        cadence_seconds: 3600,
        updates_needed: true,
      });
    },
  );

  it(
    'shows an update as overdue once its time passes, ' + 'and still after the engine reminded and moved it on',
    async () => {
      const incident = await open('P0');
      const start = h.clock.now().getTime() - Date.parse(START);
      h.clock.advance(31 * MIN);
      const late = ok(await h.call('GET', `/api/v1/incidents/${incident.id}/updates/next`, { as: viewer }));
      expect(late).toMatchObject({ next_update_at: at(start + 30 * MIN), overdue: true, missed: 0 });

      await h.app.notify.remindOverdueUpdates();
      const reminded = ok(await h.call('GET', `/api/v1/incidents/${incident.id}/updates/next`, { as: viewer }));
      expect(reminded).toMatchObject({ next_update_at: at(start + 60 * MIN), overdue: true, missed: 1 });

      // An update clears it: the announced time is the next due time.
      const next = at(start + 31 * MIN + 45 * MIN);
      ok(
        await h.call('POST', `/api/v1/incidents/${incident.id}/updates`, {
          as: responder,
          body: { status_text: 'Rolled back', next_update_at: next },
        }),
        201,
      );
      expect(ok(await h.call('GET', `/api/v1/incidents/${incident.id}/updates/next`, { as: viewer }))).toMatchObject({
        next_update_at: next,
        overdue: false,
        missed: 0,
        last_update_at: at(start + 31 * MIN),
      });
    },
  );

  it('has nothing due for a P2 until an update names a time, and nothing once resolved', async () => {
    const incident = await open('P2');
    expect(ok(await h.call('GET', `/api/v1/incidents/${incident.id}/updates/next`, { as: viewer }))).toMatchObject({
      next_update_at: null,
      overdue: false,
      default_next_update_at: null,
      cadence_seconds: null,
      updates_needed: true,
    });
    ok(await h.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { as: responder, body: {} }));
    expect(ok(await h.call('GET', `/api/v1/incidents/${incident.id}/updates/next`, { as: viewer }))).toMatchObject({
      next_update_at: null,
      overdue: false,
      missed: 0,
      default_next_update_at: null,
      updates_needed: false,
    });
  });

  it('says a resolved P1 needs no more updates, telling that apart from a severity without a cadence', async () => {
    const incident = await open('P1');
    h.clock.advance(70 * MIN); // its first update is overdue
    expect(ok(await h.call('GET', `/api/v1/incidents/${incident.id}/updates/next`, { as: viewer }))).toMatchObject({
      overdue: true,
      cadence_seconds: 3600,
      updates_needed: true,
    });
    ok(await h.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { as: responder, body: {} }));
    expect(ok(await h.call('GET', `/api/v1/incidents/${incident.id}/updates/next`, { as: viewer }))).toEqual({
      next_update_at: null,
      overdue: false,
      missed: 0,
      last_update_at: null,
      default_next_update_at: null,
      cadence_seconds: 3600,
      updates_needed: false,
    });
  });

  it('previews an update exactly as it would be sent, without sending or recording it', async () => {
    const incident = await open('P1');
    const now = h.clock.now().getTime();
    const preview = ok(
      await h.call('POST', `/api/v1/incidents/${incident.id}/updates/preview`, {
        as: responder,
        body: { status_text: 'Database failover in progress' },
      }),
    );
    expect(preview).toEqual({
      subject: `[P1] Update: Checkout P1 (${incident.number})`,
      text:
        'Database failover in progress\n\nStatus: triggered, phase: detection.\n' +
        `Next update by ${new Date(now + 60 * MIN).toISOString()}.`,
      next_update_at: new Date(now + 60 * MIN).toISOString(),
    });
    expect(await kinds(incident.id)).not.toContain('status_update');

    const next = new Date(now + 20 * MIN).toISOString();
    const given = ok(
      await h.call('POST', `/api/v1/incidents/${incident.id}/updates/preview`, {
        as: responder,
        body: { status_text: 'x', next_update_at: next },
      }),
    );
    expect(given.next_update_at).toBe(next);
    expect(given.text).toContain(`Next update by ${next}.`);
    const sent = ok(
      await h.call('POST', `/api/v1/incidents/${incident.id}/updates`, {
        as: responder,
        body: { status_text: 'x', next_update_at: next },
      }),
      201,
    );
    expect(sent.next_update_at).toBe(next);
  });

  it('refuses a next update time in the past and an empty text, and 404s an unknown incident', async () => {
    const incident = await open('P1');
    const past = new Date(h.clock.now().getTime() - MIN).toISOString();
    expectError(
      await h.call('POST', `/api/v1/incidents/${incident.id}/updates/preview`, {
        as: responder,
        body: { status_text: 'x', next_update_at: past },
      }),
      400,
      'update.invalid',
    );
    expectError(
      await h.call('POST', `/api/v1/incidents/${incident.id}/updates/preview`, {
        as: responder,
        body: { status_text: '  ' },
      }),
      400,
      'request.invalid',
    );
    expectError(
      await h.call('GET', '/api/v1/incidents/INC-20000101-0001/updates/next', { as: viewer }),
      404,
      'incident.not_found',
    );
  });
});

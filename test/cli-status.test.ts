// `vigil status …` run in-process (as main.ts runs them) against a real HTTP server on loopback, on both
// dialects: components listed and set by hand and back to automatic, an update published about an incident
// (what the public page then shows), maintenance added, listed and completed, subscribers listed and exported;
// and for each command a one-line failure with a non-zero exit that changes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect } from './dialects.js';
import { expectOneLineFailure, expectSuccess, field, inProcess, listeningHarness, type Env } from './cli-harness.js';
import type { Caller, Harness } from './http-harness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read field by field
type Json = any;

describeEachDialect('vigil status CLI', (env) => {
  const clock = new FakeClock('2026-12-07T09:00:00Z');
  let h: Harness;
  let cli: Env;
  let responder: Caller;
  let checkout: { id: string };
  let search: { id: string };
  let incident: string;
  const vigil = (...args: string[]) => inProcess(args, cli);
  const api = async (method: 'GET' | 'POST', url: string, body?: unknown) =>
    (await h.call(method, url, { as: cli.VIGIL_TOKEN, body })).json() as Json;

  beforeAll(async () => {
    ({ h, cli } = await listeningHarness(env, clock));
    responder = await h.caller('responder', 'ana');
    const service = await api('POST', '/api/v1/services', { name: 'checkout-svc' });
    checkout = await api('POST', '/api/v1/status/components', {
      name: 'Checkout API',
      group: 'Shop',
      service_ids: [service.id],
    });
    search = await api('POST', '/api/v1/status/components', { name: 'Search' });
    incident = (await api('POST', '/api/v1/incidents', { title: 'db-7 disk full', severity: 'P2' })).number;
  });
  afterAll(() => h.close());

  it('lists components and sets one by hand, then back to automatic', async () => {
    const listed = expectSuccess(await vigil('status', 'components'));
    expect(listed).toMatch(/^ID\s+NAME\s+GROUP\s+STATUS\s+AUTOMATIC\s+SET BY HAND\s+PUBLIC/);
    expect(listed).toMatch(/Checkout API\s+Shop\s+operational\s+operational\s+-\s+true/);

    expect(expectSuccess(await vigil('status', 'set', 'checkout api', 'partial_outage'))).toBe(
      'Checkout API: partial_outage (set by hand; automatic would be operational)\n',
    );
    const json = JSON.parse(expectSuccess(await vigil('status', 'components', '--json'))) as Json;
    expect(json.data.find((c: Json) => c.id === checkout.id)).toMatchObject({
      status: 'partial_outage',
      manual_status: 'partial_outage',
    });
    expect(expectSuccess(await vigil('status', 'set', checkout.id, 'auto'))).toBe(
      'Checkout API: operational (automatic)\n',
    );
  });

  it('refuses an unknown component or status with one line and changes nothing', async () => {
    expectOneLineFailure(
      await vigil('status', 'set', 'Billing', 'major_outage'),
      /no component has the id or name "Billing"/,
    );
    expectOneLineFailure(await vigil('status', 'set', 'Search', 'down'), /down.*Allowed choices/);
    const json = JSON.parse(expectSuccess(await vigil('status', 'components', '--json'))) as Json;
    expect(json.data.map((c: Json) => c.status)).toEqual(['operational', 'operational']);
  });

  it('publishes an update about an incident, which the public page then shows', async () => {
    const out = expectSuccess(
      await vigil(
        'status',
        'publish',
        incident,
        '--status',
        'identified',
        '--body',
        'Checkout is slow; we found the cause.',
        '--name',
        'Slow checkout',
        '--impact',
        'minor',
        '--component',
        'Checkout API=degraded_performance',
        '--notify',
      ),
    );
    expect(out).toBe(
      `${incident}: published "Slow checkout" as identified (impact minor, 1 update(s), subscribers told)\n`,
    );
    const published = await api('GET', `/api/v1/incidents/${incident}/status-updates`);
    expect(published).toMatchObject({ name: 'Slow checkout', status: 'identified', component_ids: [checkout.id] });
    expect(published.updates[0]).toMatchObject({
      body: 'Checkout is slow; we found the cause.',
      component_statuses: { [checkout.id]: 'degraded_performance' },
      notified: true,
    });
    const summary = (await h.call('GET', '/status/api/v2/summary.json')).json() as Json;
    expect(summary.incidents.map((i: Json) => i.name)).toEqual(['Slow checkout']);

    const again = JSON.parse(
      expectSuccess(
        await vigil('status', 'publish', incident, '--status', 'monitoring', '--body', 'Fixed; watching.', '--json'),
      ),
    ) as Json;
    expect(again.updates.map((u: Json) => u.status)).toEqual(['monitoring', 'identified']);
  });

  it('refuses a blank body, a malformed --component and an unknown incident, publishing nothing', async () => {
    const before = (await api('GET', `/api/v1/incidents/${incident}/status-updates`)).updates.length;
    expectOneLineFailure(await vigil('status', 'publish', incident, '--status', 'resolved', '--body', '   '), /body/);
    expectOneLineFailure(
      await vigil('status', 'publish', incident, '--status', 'resolved', '--body', 'x', '--component', 'Search=down'),
      /<component>=<status>/,
    );
    expectOneLineFailure(
      await vigil('status', 'publish', 'INC-20000101-0000', '--status', 'investigating', '--body', 'x'),
      /INC-20000101-0000/,
    );
    expect((await api('GET', `/api/v1/incidents/${incident}/status-updates`)).updates.length).toBe(before);
  });

  it('adds, lists and completes maintenance', async () => {
    const added = expectSuccess(
      await vigil(
        'status',
        'maintenance',
        'add',
        '--title',
        'Search index rebuild',
        '--body',
        'Search may return stale results.',
        '--component',
        'Search',
        '--component',
        checkout.id,
        '--starts',
        '2026-12-08T02:00:00Z',
        '--ends',
        '2026-12-08T03:00:00+00:00',
      ),
    );
    const id = field(added, 'id');
    expect(field(added, 'state')).toBe('scheduled');
    expect(field(added, 'component_ids')).toBe(JSON.stringify([search.id, checkout.id]));
    const listed = expectSuccess(await vigil('status', 'maintenance', 'list'));
    expect(listed).toMatch(/^ID\s+TITLE\s+STATE\s+STARTS\s+ENDS\s+COMPONENTS/);
    expect(listed).toMatch(
      /Search index rebuild\s+scheduled\s+2026-12-08T02:00:00.000Z\s+2026-12-08T03:00:00.000Z\s+2/,
    );
    expect(expectSuccess(await vigil('status', 'maintenance', 'complete', id))).toBe(`${id}: completed\n`);
    const json = JSON.parse(expectSuccess(await vigil('status', 'maintenance', 'list', '--json'))) as Json;
    expect(json.data.find((m: Json) => m.id === id).state).toBe('completed');
  });

  it('refuses maintenance that ends before it starts, or a bad time, adding nothing', async () => {
    const count = async () => (await api('GET', '/api/v1/status/maintenances')).data.length;
    const before = await count();
    const add = (...times: string[]) =>
      vigil('status', 'maintenance', 'add', '--title', 'T', '--body', 'B', '--component', 'Search', ...times);
    expectOneLineFailure(await add('--starts', '2026-12-09T03:00:00Z', '--ends', '2026-12-09T02:00:00Z'), /ends_at/);
    expectOneLineFailure(await add('--starts', 'tomorrow', '--ends', '2026-12-09T02:00:00Z'), /--starts/);
    expectOneLineFailure(await vigil('status', 'maintenance', 'complete', 'mnt_nope'), /not found|mnt_nope/);
    expect(await count()).toBe(before);
  });

  it('lists and exports subscribers for admins only', async () => {
    const res = await h.call('POST', '/status/api/v2/subscribers', { body: { email: 'Customer@Example.com' } });
    expect(res.statusCode).toBe(202);
    const listed = expectSuccess(await vigil('status', 'subscribers'));
    expect(listed).toMatch(/^ID\s+KIND\s+ADDRESS\s+STATE\s+CREATED/);
    expect(listed).toMatch(/email\s+customer@example.com\s+pending/);
    expect(listed).toMatch(/\n0 confirmed, 1 pending\n$/);
    const csv = expectSuccess(await vigil('status', 'subscribers', '--csv'));
    expect(csv.split('\n')[0]).toBe('id,kind,address,components,state,created_at,confirmed_at');
    expect(csv).toMatch(/^sub_\w+,email,customer@example.com,,pending,2026-12-07T09:00:00.000Z,$/m);

    expectOneLineFailure(
      await inProcess(['status', 'subscribers'], { ...cli, VIGIL_TOKEN: responder.token }),
      /HTTP 403/,
    );
  });
});

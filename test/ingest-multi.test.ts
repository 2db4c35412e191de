// Two instances ingesting into one PostgreSQL at the same moment (issue 3): each app has its own pool
// and its own group committer, as two `vigil serve` processes would, and each round sends one request
// to each of them at once. Whatever the interleaving, the rules hold as they do on one instance: an
// Alertmanager group gets one incident, a dedup key one open alert, and an incident whose alerts are
// all resolved is resolved even when the last two resolves arrive on different instances together.
// Error tracking's batches likewise: one group per fingerprint, and every event counted.
//
// PostgreSQL only (SQLite serves one instance). With CI=true an unreachable PostgreSQL fails the run
// (test/engines.ts throws on import); elsewhere this file is skipped with one line.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import type { AlertEvent } from '../src/alerts/index.js';
import { SYSTEM_ACTOR, type Actor } from '../src/access/index.js';
import { systemClock } from '../src/clock.js';
import { createDb, inTransaction, migrate, type Database } from '../src/db/database.js';
import { lockKeys } from '../src/db/lease.js';
import { parseSentryEvent } from '../src/error-tracking/event.js';
import { PG_URL, pgAdmin, pgDatabaseUrl, pgProblem, testConfig } from './dialects.js';

const ROUNDS = 40;

const alert = (dedupKey: string, over: Partial<AlertEvent> = {}): AlertEvent => ({
  format: 'alertmanager',
  action: 'trigger',
  dedupKey,
  summary: `alert ${dedupKey}`,
  source: 'prometheus',
  severity: 'critical',
  links: [],
  images: [],
  ...over,
});

if (pgProblem) console.log(`ingest-multi skipped: PostgreSQL at ${PG_URL} is unreachable (${pgProblem})`);

describe.skipIf(Boolean(pgProblem))('two ingesting instances on one PostgreSQL [postgres]', () => {
  const dbName = `vigil_test_${randomBytes(6).toString('hex')}`;
  const databases: Database[] = [];
  const apps: App[] = [];
  let admin: Actor;

  beforeAll(async () => {
    await pgAdmin(`CREATE DATABASE ${dbName}`);
    for (let i = 0; i < 2; i++) databases.push(createDb({ databaseUrl: pgDatabaseUrl(dbName), poolSize: 4 }));
    await migrate((databases[0] as Database).db);
    const config = testConfig();
    for (const database of databases) apps.push(createApp(config, database, systemClock));
    const root = await (apps[0] as App).users.create(SYSTEM_ACTOR, {
      handle: 'root',
      name: 'Test Admin',
      email: 'root@example.test',
    });
    admin = { type: 'user', id: root.id, name: root.handle, role: 'admin' };
  });

  afterAll(async () => {
    for (const app of apps) await app.ingest.close();
    for (const database of databases) await database.close().catch(() => undefined);
    if (!pgProblem) await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  /** Sends one request to each instance at once and expects both accepted. */
  async function both(routingKey: string, first: AlertEvent[], second: AlertEvent[]): Promise<void> {
    const [a, b] = await Promise.all([
      (apps[0] as App).ingest.submit({ routingKey, events: first }),
      (apps[1] as App).ingest.submit({ routingKey, events: second }),
    ]);
    expect([a.ok, b.ok]).toEqual([true, true]);
  }

  async function incidentsOf(serviceId: string) {
    return (await (apps[0] as App).incidents.list(admin, { limit: 200, serviceId })).data;
  }

  it('gives an Alertmanager group one incident when its alerts reach both instances together', async () => {
    const { service, integrationKey } = await (apps[0] as App).services.create(admin, { name: 'am-groups' });
    for (let round = 0; round < ROUNDS; round++) {
      const groupKey = `{}:{alertname="Down",round="${round}"}`;
      await both(integrationKey, [alert(`r${round}-a`, { groupKey })], [alert(`r${round}-b`, { groupKey })]);
    }
    const incidents = await incidentsOf(service.id);
    expect(incidents).toHaveLength(ROUNDS);
    const alerts = (await (apps[0] as App).alerts.list(admin, { limit: 200, serviceId: service.id })).data;
    expect(alerts).toHaveLength(2 * ROUNDS);
    // Both alerts of each round point at that round's one incident.
    const byRound = new Map<string, Set<string | null>>();
    for (const a of alerts) {
      const round = a.dedupKey.split('-')[0] as string;
      byRound.set(round, (byRound.get(round) ?? new Set()).add(a.incidentId));
    }
    expect([...byRound.values()].filter((ids) => ids.size !== 1 || ids.has(null))).toEqual([]);
  });

  it('keeps one open alert per dedup key when the same new key reaches both instances together', async () => {
    const { service, integrationKey } = await (apps[0] as App).services.create(admin, { name: 'same-key' });
    for (let round = 0; round < ROUNDS; round++)
      await both(
        integrationKey,
        [alert(`k${round}`, { format: 'pagerduty' })],
        [alert(`k${round}`, { format: 'pagerduty' })],
      );
    const alerts = (await (apps[0] as App).alerts.list(admin, { limit: 200, serviceId: service.id })).data;
    expect(alerts).toHaveLength(ROUNDS);
    expect(alerts.filter((a) => a.eventCount !== 2)).toEqual([]);
    expect(await incidentsOf(service.id)).toHaveLength(ROUNDS);
  });

  it('resolves an incident when its last two alerts resolve on different instances at once', async () => {
    const { service, integrationKey } = await (apps[0] as App).services.create(admin, { name: 'last-two' });
    for (let round = 0; round < ROUNDS; round++) {
      const groupKey = `{}:{alertname="Slow",round="${round}"}`;
      await (apps[0] as App).ingest.submit({
        routingKey: integrationKey,
        events: [alert(`s${round}-a`, { groupKey }), alert(`s${round}-b`, { groupKey })],
      });
      await both(
        integrationKey,
        [alert(`s${round}-a`, { groupKey, action: 'resolve' })],
        [alert(`s${round}-b`, { groupKey, action: 'resolve' })],
      );
    }
    const incidents = await incidentsOf(service.id);
    expect(incidents).toHaveLength(ROUNDS);
    expect(incidents.filter((i) => i.status !== 'resolved').map((i) => i.number)).toEqual([]);
  });

  it(
    'resolves an incident by hand while an ingest batch of its service holds its alerts and raises it: ' +
      'the resolve waits for the batch instead of deadlocking, keeps the raise and resolves every alert',
    async () => {
      const [one, two] = apps as [App, App];
      const { service, integrationKey } = await one.services.create(admin, { name: 'hand-vs-batch' });
      await one.ingest.submit({ routingKey: integrationKey, events: [alert('h1', { severity: 'warning' })] });
      const [incident] = await incidentsOf(service.id);
      expect(incident?.severity).toBe('P3');
      let resolving: Promise<unknown> | undefined;
      // What an ingest batch does, held open: its service's lock, then an alert row, then the incident's row.
      await inTransaction((databases[0] as Database).db, async (trx) => {
        await lockKeys(trx, [`ingest:${service.id}`]);
        await trx
          .updateTable('alerts')
          .set({ event_count: 2 })
          .where('incident_id', '=', incident?.id as string)
          .execute();
        resolving = two.incidents.resolve(admin, incident?.id as string, 'by hand');
        await new Promise((r) => setTimeout(r, 300)); // the resolve is under way on the other instance meanwhile
        const held = await one.incidents.within(trx).load(incident?.id as string);
        await one.incidents.within(trx).setSeverity(held, SYSTEM_ACTOR, 'P1', new Date(), 'raised by an alert');
      });
      const resolved = (await resolving) as { status: string; severity: string };
      expect(resolved).toMatchObject({ status: 'resolved', severity: 'P1' });
      const alerts = (await one.alerts.list(admin, { limit: 10, serviceId: service.id })).data;
      expect(alerts.map((a) => [a.status, a.eventCount])).toEqual([['resolved', 2]]);
    },
  );

  it(
    'creates an error group once and counts every event ' + 'when the same error reaches both instances together',
    async () => {
      const { service } = await (apps[0] as App).services.create(admin, { name: 'errors-both' });
      const dsn = await (apps[0] as App).errorTracking.dsn(admin, service.id, 'http://vigil.test');
      expect(dsn.project.serviceId).toBe(service.id);
      const event = (round: number) => {
        const parsed = parseSentryEvent(
          {
            level: 'error',
            environment: 'production',
            exception: { values: [{ type: 'TypeError', value: `round ${round} failed` }] },
            fingerprint: [`round-${round}`],
          },
          new Date(),
          () => randomBytes(16).toString('hex'),
        );
        if (!parsed.ok) throw new Error(parsed.errors.join('; '));
        return parsed.value;
      };
      for (let round = 0; round < ROUNDS; round++) {
        // Twice per round: first both create the group, then both count on it.
        for (let pass = 0; pass < 2; pass++) {
          const results = await Promise.all(
            apps.map((app) => app.errorTracking.submit({ serviceId: service.id, events: [event(round)] })),
          );
          expect(results.map((r) => r.stored)).toEqual([true, true]);
        }
      }
      const groups = (await (apps[0] as App).errorTracking.listGroups(admin, { limit: 200, service: service.id })).data;
      expect(groups).toHaveLength(ROUNDS);
      expect(groups.filter(({ group }) => group.count !== 4).map(({ group }) => [group.title, group.count])).toEqual(
        [],
      );
    },
  );
});

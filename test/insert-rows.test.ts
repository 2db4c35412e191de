// db/insert-rows.ts on both dialects: chunked multi-row inserts keep every row and its values, and the
// upsert form rewrites only the columns it names.
import { expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../src/access/index.js';
import { insertRows } from '../src/db/insert-rows.js';
import { inTransaction } from '../src/db/database.js';
import { describeEachDialect } from './dialects.js';

describeEachDialect('insertRows', (env) => {
  const columns = [
    'id',
    'service_id',
    'dedup_key',
    'open_key',
    'status',
    'incident_id',
    'format',
    'summary',
    'source',
    'severity',
    'classified_as',
    'rule',
    'details',
    'group_key',
    'event_count',
    'first_seen_at',
    'last_seen_at',
    'acknowledged_at',
    'resolved_at',
  ] as const;
  const row = (serviceId: string, i: number, over: Record<string, unknown> = {}) => ({
    id: `alr_rows_${String(i).padStart(4, '0')}`,
    service_id: serviceId,
    dedup_key: `k-${i}`,
    open_key: `k-${i}`,
    status: 'triggered',
    incident_id: null,
    format: 'pagerduty',
    summary: `summary ${i} with 'quotes' and "doubles"`,
    source: 'db-1',
    severity: 'info',
    classified_as: null,
    rule: 'default',
    details: JSON.stringify({ i }),
    group_key: null,
    event_count: 1,
    first_seen_at: '2026-11-28T10:00:00.000Z',
    last_seen_at: '2026-11-28T10:00:00.000Z',
    acknowledged_at: null,
    resolved_at: null,
    ...over,
  });

  it('writes every row of a batch that spans several power-of-two statements, values intact', async () => {
    const { id } = (await env.app().services.create(SYSTEM_ACTOR, { name: 'insert-rows-a' })).service;
    const rows = Array.from({ length: 203 }, (_, i) => row(id, i)); // 128 + 64 + 8 + 2 + 1
    await insertRows(env.database.db, 'alerts', columns, rows);
    const stored = await env.database.db
      .selectFrom('alerts')
      .selectAll()
      .where('service_id', '=', id)
      .orderBy('id')
      .execute();
    expect(stored).toHaveLength(203);
    expect(stored.map((r) => ({ ...r, event_count: Number(r.event_count) }))).toEqual(rows);
  });

  it(
    'with onConflictUpdate, rewrites the named columns of existing rows and inserts the new ones, ' +
      'in the caller’s transaction',
    async () => {
      const { id } = (await env.app().services.create(SYSTEM_ACTOR, { name: 'insert-rows-b' })).service;
      await insertRows(env.database.db, 'alerts', columns, [row(id, 1000), row(id, 1001)]);
      const set = ['status', 'open_key', 'event_count', 'resolved_at'] as const;
      await inTransaction(env.database.db, async (trx) => {
        await insertRows(
          trx,
          'alerts',
          columns,
          [
            row(id, 1000, {
              status: 'resolved',
              open_key: null,
              event_count: 7,
              resolved_at: '2026-11-28T11:00:00.000Z',
              summary: 'not rewritten',
            }),
            row(id, 1002),
          ],
          { onConflictUpdate: { key: 'id', set } },
        );
      });
      const stored = await env.database.db
        .selectFrom('alerts')
        .select(['id', 'status', 'open_key', 'event_count', 'resolved_at', 'summary'])
        .where('service_id', '=', id)
        .orderBy('id')
        .execute();
      expect(stored.map((r) => ({ ...r, event_count: Number(r.event_count) }))).toEqual([
        {
          id: 'alr_rows_1000',
          status: 'resolved',
          open_key: null,
          event_count: 7,
          resolved_at: '2026-11-28T11:00:00.000Z',
          summary: 'summary 1000 with \'quotes\' and "doubles"',
        },
        {
          id: 'alr_rows_1001',
          status: 'triggered',
          open_key: 'k-1001',
          event_count: 1,
          resolved_at: null,
          summary: 'summary 1001 with \'quotes\' and "doubles"',
        },
        {
          id: 'alr_rows_1002',
          status: 'triggered',
          open_key: 'k-1002',
          event_count: 1,
          resolved_at: null,
          summary: 'summary 1002 with \'quotes\' and "doubles"',
        },
      ]);
    },
  );

  it('rolls back with its transaction, and writes nothing for no rows', async () => {
    const { id } = (await env.app().services.create(SYSTEM_ACTOR, { name: 'insert-rows-c' })).service;
    await expect(
      inTransaction(env.database.db, async (trx) => {
        await insertRows(trx, 'alerts', columns, [row(id, 2000)]);
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    await insertRows(env.database.db, 'alerts', columns, []);
    expect(await env.database.db.selectFrom('alerts').select('id').where('service_id', '=', id).execute()).toEqual([]);
  });

  it('fails the whole statement when one row breaks a constraint (a taken id), storing none of its rows', async () => {
    const { id } = (await env.app().services.create(SYSTEM_ACTOR, { name: 'insert-rows-d' })).service;
    await insertRows(env.database.db, 'alerts', columns, [row(id, 3000)]);
    await expect(
      insertRows(env.database.db, 'alerts', columns, [
        row(id, 3001),
        row(id, 3000, { dedup_key: 'other', open_key: 'other' }),
      ]),
    ).rejects.toThrow();
    expect(
      (await env.database.db.selectFrom('alerts').select('id').where('service_id', '=', id).execute()).map((r) => r.id),
    ).toEqual(['alr_rows_3000']);
  });
});

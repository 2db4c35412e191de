// The GDPR clock's generic reminders on both dialects: rows scheduled per subject, swept by subject type
// to the handler registered for it (how data-subject requests plug in), each sent once however often
// and from however many sweeps; a handler's "cancelled" and a handler's failure; a re-plan keeps what
// was sent.
import { beforeAll, expect, it } from 'vitest';
import { FakeClock } from '../src/clock.js';
import { inTransaction } from '../src/db/database.js';
import { cancelReminders, createReminderSweep, scheduleReminders, type ReminderHandler } from '../src/gdpr/index.js';
import { remindersOf } from '../src/gdpr/reminders.repo.js';
import { describeEachDialect } from './dialects.js';

const DAY = 86_400_000;

describeEachDialect('GDPR clock reminders', (env) => {
  const clock = new FakeClock('2026-12-07T00:00:00Z');
  const calls: string[] = [];
  let failNext = false;
  const request: ReminderHandler = async (_trx, r) => {
    if (failNext) {
      failNext = false;
      throw new Error('receiver down');
    }
    calls.push(`${r.subjectId}:${r.kind}`);
    return r.subjectId.endsWith('done') ? 'cancelled' : 'sent';
  };
  const subject = (id: string) => ({ type: 'request', id });
  const at = (days: number) => new Date(clock.now().getTime() + days * DAY);

  beforeAll(async () => {
    await inTransaction(env.database.db, async (trx) => {
      await scheduleReminders(
        trx,
        subject('dsr-1'),
        [
          { kind: '7d', dueAt: at(23) },
          { kind: '1d', dueAt: at(29) },
        ],
        clock.now(),
      );
      await scheduleReminders(trx, subject('dsr-done'), [{ kind: '7d', dueAt: at(23) }], clock.now());
      await scheduleReminders(trx, { type: 'unknown', id: 'x' }, [{ kind: 'k', dueAt: at(1) }], clock.now());
    });
  });

  it('sends each due reminder once, through the handler of its subject type', async () => {
    const sweeps = [1, 2].map(() => createReminderSweep({ db: env.database.db, clock, handlers: { request } }));
    expect(await sweeps[0]?.run()).toBe(0);
    expect(await sweeps[0]?.nextDue()).toEqual(at(23));
    clock.advance(23 * DAY);
    failNext = true;
    await expect(sweeps[0]?.run()).rejects.toThrow('receiver down');
    expect((await remindersOf(env.database.db, 'request', 'dsr-1'))[0]?.state).toBe('pending'); // rolled back
    expect(calls).toEqual(['dsr-done:7d']); // the failure held up no other reminder
    const sent = await Promise.all(sweeps.map((s) => s.run()));
    expect(sent.reduce((a, b) => a + b, 0)).toBe(1);
    expect(calls.sort()).toEqual(['dsr-1:7d', 'dsr-done:7d']);
    expect((await remindersOf(env.database.db, 'request', 'dsr-done')).map((r) => r.state)).toEqual(['cancelled']);
    expect(await sweeps[1]?.run()).toBe(0);
    expect((await remindersOf(env.database.db, 'unknown', 'x')).map((r) => r.state)).toEqual(['pending']);
  });

  it('a re-plan moves pending reminders and keeps sent ones sent; cancelling stops the rest', async () => {
    await inTransaction(env.database.db, async (trx) => {
      await scheduleReminders(
        trx,
        subject('dsr-1'),
        [
          { kind: '7d', dueAt: at(50) },
          { kind: '1d', dueAt: at(56) },
        ],
        clock.now(),
      );
    });
    const rows = await remindersOf(env.database.db, 'request', 'dsr-1');
    expect(rows.map((r) => [r.kind, r.state, r.dueAt.toISOString()])).toEqual([
      ['7d', 'sent', at(0).toISOString()],
      ['1d', 'pending', at(56).toISOString()],
    ]);
    const cancelled = await inTransaction(env.database.db, (trx) =>
      cancelReminders(trx, subject('dsr-1'), clock.now()),
    );
    expect(cancelled).toBe(1);
    clock.advance(60 * DAY);
    calls.length = 0;
    expect(await createReminderSweep({ db: env.database.db, clock, handlers: { request } }).run()).toBe(0);
    expect(calls).toEqual([]);
  });
});

// `vigil analytics` run in-process (as main.ts runs it) against a real HTTP server on loopback, on both
// dialects, over two incidents on a fake clock: the summary with each figure's definition, --json, --csv,
// the filters, and one-line failures with a non-zero exit.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { humanSeconds } from '../src/cli/commands/analytics.js';
import { FakeClock } from '../src/clock.js';
import { describeEachDialect } from './dialects.js';
import { expectOneLineFailure, expectSuccess, field, inProcess, listeningHarness, type Env } from './cli-harness.js';
import type { Harness } from './http-harness.js';

const RANGE = ['--from', '2026-05-04T00:00:00Z', '--to', '2026-05-11T00:00:00Z'];

describeEachDialect('vigil analytics CLI', (env) => {
  const clock = new FakeClock('2026-05-04T09:00:00Z');
  let h: Harness;
  let cli: Env;
  const vigil = (...args: string[]) => inProcess(args, cli);

  beforeAll(async () => {
    ({ h, cli } = await listeningHarness(env, clock));
    const open = async (severity: string) =>
      (
        (
          await h.call('POST', '/api/v1/incidents', { as: cli.VIGIL_TOKEN, body: { title: 'Slow API', severity } })
        ).json() as { id: string }
      ).id;
    const act = (id: string, action: string) =>
      h.call('POST', `/api/v1/incidents/${id}/${action}`, { as: cli.VIGIL_TOKEN, body: {} });
    const p1 = await open('P1');
    const p2 = await open('P2');
    clock.advance(5 * 60_000);
    await act(p1, 'acknowledge');
    clock.advance(25 * 60_000);
    await act(p2, 'acknowledge');
    clock.advance(45 * 60_000);
    await act(p1, 'resolve');
    clock.set('2026-05-11T00:00:00Z');
  });
  afterAll(() => h.close());

  it('prints the summary with definitions, as JSON and as CSV', async () => {
    const out = expectSuccess(await vigil('analytics', ...RANGE));
    expect(out).toContain('Response analytics from 2026-05-04T00:00:00.000Z to 2026-05-11T00:00:00.000Z');
    expect(field(out, 'incidents')).toBe('2 (P0 0, P1 1, P2 1, P3 0)');
    // Acknowledged after 5 and 30 minutes: mean 17m30s, p50 the same, p95 28m45s.
    expect(field(out, 'MTTA')).toBe('mean 17m30s  p50 17m30s  p95 28m45s  (n 2)');
    expect(field(out, 'MTTR')).toBe('mean 1h15m  p50 1h15m  p95 1h15m  (n 1)');
    expect(field(out, 'target breaches')).toBe('0 of 2 (0%)');
    expect(out).toMatch(/^\s+trigger → first acknowledgement/m);

    const json = JSON.parse(expectSuccess(await vigil('analytics', ...RANGE, '--severity', 'P2', '--json'))) as {
      mtta: { mean_s: number; n: number };
      incidents: { total: number };
    };
    expect([json.incidents.total, json.mtta.n, json.mtta.mean_s]).toEqual([1, 1, 1800]);

    const csv = expectSuccess(await vigil('analytics', ...RANGE, '--csv')).split('\r\n');
    expect(csv[0]).toBe('metric,value,definition');
    expect(csv.find((l) => l.startsWith('mtta_p95_s,'))?.split(',')[1]).toBe('1725');
  });

  it('fails on one line, changing nothing', async () => {
    expectOneLineFailure(
      await vigil('analytics', '--from', '2026-05-11T00:00:00Z', '--to', '2026-05-04T00:00:00Z'),
      /must be before to/,
    );
    expectOneLineFailure(
      await vigil('analytics', '--from', '2025-01-01T00:00:00Z', '--to', '2026-05-04T00:00:00Z'),
      /at most 400/,
    );
    expectOneLineFailure(await vigil('analytics', '--service', 'nowhere'), /nowhere/);
    expectOneLineFailure(await vigil('analytics', '--severity', 'P9'), /severity/);
    expectOneLineFailure(await vigil('analytics', '--from', 'yesterday'), /ISO 8601/);
    expect((await vigil('analytics', '--json', '--csv')).code).not.toBe(0);
  });

  it('writes durations for people', () => {
    expect([humanSeconds(4500), humanSeconds(90.5), humanSeconds(0), humanSeconds(null)]).toEqual([
      '1h15m',
      '1m30.5s',
      '0s',
      '-',
    ]);
  });
});

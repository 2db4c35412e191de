// Degradation alerts through the real ingestion path on both dialects; the response-time figures are
// handed in, so each case says exactly how slow the service is against its baseline.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/dialects.js';
import { unique } from '../../test/http-harness.js';
import type { App } from '../app.js';
import { SYSTEM_ACTOR } from '../access/index.js';
import { FakeClock } from '../clock.js';
import type { StatsRow } from '../monitors/index.js';
import { createPerformanceService } from './performance.service.js';

const START = new Date('2026-11-28T12:00:00Z');

describeEachDialect('performance degradation', (env) => {
  let app: App;
  let clock: FakeClock;
  let serviceId: string;
  /** p95 now and in the baseline, and how many checks each has, per service. */
  let figures: { now: Partial<StatsRow>; baseline: Partial<StatsRow> };

  const row = (f: Partial<StatsRow>): StatsRow => ({
    monitorId: null,
    serviceId,
    count: 60,
    failures: 0,
    p50: null,
    p95: null,
    p99: null,
    ...f,
  });
  const perf = () =>
    createPerformanceService({
      clock,
      ingest: app.ingest,
      services: async () => [await app.services.get(SYSTEM_ACTOR, serviceId)],
      monitors: async () => [],
      isOpen: async (id, key) => (await app.alerts.open(id, [key])).length > 0,
      // The window ending now is the only single-range query; the baseline is the 7 ranges before it.
      stats: async ({ ranges }) => ({
        monitors: [],
        services: [row(ranges.length === 1 ? figures.now : figures.baseline)],
      }),
    });
  const degradation = async () => (await app.alerts.lookup(SYSTEM_ACTOR, `performance:${serviceId}`))[0];

  beforeAll(async () => {
    clock = new FakeClock(START);
    app = env.app(clock);
    serviceId = (await app.services.create(env.admin, { name: unique('api') })).service.id;
  });

  it('raises a P2 past 100 %, raises it to P1 past 200 %, and resolves when p95 is back', async () => {
    const p = perf();
    figures = { now: { p95: 180 }, baseline: { p95: 100, count: 500 } };
    expect(await p.sweep()).toBe(0); // 80 % slower: nothing to say
    expect(await degradation()).toBeUndefined();

    clock.advance(60_000);
    figures.now = { p95: 250 };
    expect(await p.sweep()).toBe(1);
    const raised = await degradation();
    expect(raised).toMatchObject({ status: 'triggered', format: 'performance' });
    const incident = await app.incidents.get(SYSTEM_ACTOR, raised?.incidentId as string);
    expect(incident.severity).toBe('P2');

    // Within the minute nothing is looked at again.
    figures.now = { p95: 400 };
    expect(await p.sweep()).toBe(0);
    clock.advance(60_000);
    expect(await p.sweep()).toBe(1);
    expect((await app.incidents.get(SYSTEM_ACTOR, incident.id)).severity).toBe('P1');
    expect((await degradation())?.id).toBe(raised?.id); // the same alert, updated

    clock.advance(60_000);
    figures.now = { p95: 120 };
    expect(await p.sweep()).toBe(1);
    expect((await degradation())?.status).toBe('resolved');
    expect((await app.incidents.get(SYSTEM_ACTOR, incident.id)).status).toBe('resolved');

    // Healthy and nothing open: no write at all.
    clock.advance(60_000);
    expect(await p.sweep()).toBe(0);
  });

  it('stays quiet with too few checks in the window or its baseline', async () => {
    const p = perf();
    clock.advance(60_000);
    figures = { now: { p95: 900, count: 3 }, baseline: { p95: 100, count: 500 } };
    expect(await p.sweep()).toBe(0);
    clock.advance(60_000);
    figures = { now: { p95: 900, count: 60 }, baseline: { p95: 100, count: 10 } };
    expect(await p.sweep()).toBe(0);
  });

  describe('report', () => {
    it('gives each service its figures, baseline and degradation', async () => {
      figures = {
        now: { p50: 40, p95: 350, p99: 500, count: 100, failures: 5 },
        baseline: { p50: 30, p95: 100, p99: 150, count: 700, failures: 7 },
      };
      const report = await perf().report(SYSTEM_ACTOR, 3_600_000);
      expect(report.window).toEqual({
        from: new Date(clock.now().getTime() - 3_600_000).toISOString(),
        to: clock.now().toISOString(),
      });
      expect(report.baseline.ranges).toBe(7);
      expect(report.services[0]).toMatchObject({
        id: serviceId,
        request_count: 100,
        error_count: 5,
        error_rate: 0.05,
        latency_ms: { p50: 40, p95: 350, p99: 500 },
        baseline: { request_count: 700, error_rate: 0.01, latency_ms: { p95: 100 } },
        degradation_pct: 250,
        status: 'degraded',
      });
      expect(report.summary).toMatchObject({
        request_count: 100,
        error_rate: 0.05,
        degraded_services: [report.services[0]?.name],
      });
    });
  });
});

import { describe, expect, it } from 'vitest';
import { bucketBounds, bucketOf, exactPercentile, histogramPercentile } from './histogram.js';
import { applyResult, effectiveInterval, heartbeatDeadline } from './monitor.js';
import { parseHostPort } from './probe.js';

const NOW = new Date('2026-11-28T09:00:00Z');

describe('applyResult', () => {
  it.each([
    // state, failures so far, failures before down, ok → state, failures, transition
    ['pending', 0, 2, true, 'up', 0, null],
    ['pending', 0, 2, false, 'pending', 1, null],
    ['pending', 1, 2, false, 'down', 2, 'down'],
    ['up', 0, 1, false, 'down', 1, 'down'],
    ['up', 0, 3, false, 'up', 1, null],
    ['down', 5, 2, false, 'down', 6, null],
    ['down', 5, 2, true, 'up', 0, 'up'],
    ['up', 1, 2, true, 'up', 0, null],
  ] as const)('%s after %i/%i failures, ok=%s → %s', (state, failures, before, ok, next, nextFailures, transition) => {
    expect(applyResult({ state, consecutiveFailures: failures, failuresBeforeDown: before }, ok)).toEqual({
      state: next,
      consecutiveFailures: nextFailures,
      transition,
    });
  });
});

describe('effectiveInterval', () => {
  const later = new Date(NOW.getTime() + 3_600_000);
  it.each([
    [60, null, 60],
    [60, later, 15],
    [20, later, 10], // at least 10 s
    [10, later, 10],
    [300, later, 75],
    [300, NOW, 300], // enhanced_until reached: normal again
  ] as const)('interval %i s, enhanced until %s → %i s', (intervalSeconds, enhancedUntil, expected) => {
    expect(effectiveInterval({ kind: 'http', intervalSeconds, periodSeconds: null, enhancedUntil }, NOW)).toBe(
      expected,
    );
  });
  it('heartbeats follow their period', () => {
    expect(
      effectiveInterval({ kind: 'heartbeat', intervalSeconds: 60, periodSeconds: 120, enhancedUntil: null }, NOW),
    ).toBe(120);
  });
  it('a heartbeat is late after its last beat (or creation) plus period and grace', () => {
    expect(
      heartbeatDeadline({ lastBeatAt: null, createdAt: NOW, periodSeconds: 60, graceSeconds: 30 }).toISOString(),
    ).toBe('2026-11-28T09:01:30.000Z');
    expect(
      heartbeatDeadline({
        lastBeatAt: new Date('2026-11-28T10:00:00Z'),
        createdAt: NOW,
        periodSeconds: 60,
        graceSeconds: 0,
      }).toISOString(),
    ).toBe('2026-11-28T10:01:00.000Z');
  });
});

describe('histogram', () => {
  it('puts every latency in the bucket whose bounds hold it', () => {
    for (const ms of [0, 1, 1.2, 2, 3, 10, 99, 100, 101, 1000, 5000, 32_000, 40_000, 59_999]) {
      const [lower, upper] = bucketBounds(bucketOf(ms));
      expect(ms <= upper || bucketOf(ms) === 31, `${ms}`).toBe(true);
      expect(ms >= lower, `${ms}`).toBe(true);
    }
  });
  it('reads percentiles within one bucket width of the exact ones', () => {
    const latencies = Array.from({ length: 1000 }, (_, i) => 20 + ((i * 37) % 400));
    const sorted = [...latencies].sort((a, b) => a - b);
    const hist = new Array<number>(32).fill(0);
    for (const l of latencies) hist[bucketOf(l)] = (hist[bucketOf(l)] ?? 0) + 1;
    for (const p of [0.5, 0.95, 0.99]) {
      const exact = exactPercentile(sorted, p) as number;
      const approx = histogramPercentile(hist, p) as number;
      expect(Math.max(approx / exact, exact / approx), `p${p * 100}: ${approx} vs ${exact}`).toBeLessThanOrEqual(
        Math.SQRT2,
      );
    }
  });
  it('is null when empty', () => {
    expect(histogramPercentile(new Array<number>(32).fill(0), 0.5)).toBeNull();
    expect(exactPercentile([], 0.5)).toBeNull();
    expect(exactPercentile([5], 0.99)).toBe(5);
  });
});

describe('parseHostPort', () => {
  it.each([
    ['db.example.com:5432', { host: 'db.example.com', port: 5432 }],
    ['127.0.0.1:80', { host: '127.0.0.1', port: 80 }],
    ['[2001:db8::1]:443', { host: '2001:db8::1', port: 443 }],
    ['db.example.com', undefined],
    ['db.example.com:0', undefined],
    ['db.example.com:70000', undefined],
    ['http://x:1', undefined],
    ['a b:1', undefined],
  ] as const)('%s', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });
});

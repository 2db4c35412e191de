import { describe, expect, it } from 'vitest';
import { HttpStats } from './metrics.js';

describe('HttpStats', () => {
  it('renders counts and cumulative latency buckets per method, route and status', () => {
    const stats = new HttpStats();
    stats.observe('POST', '/v2/enqueue', 202, 0.0004);
    stats.observe('POST', '/v2/enqueue', 202, 0.003);
    stats.observe('POST', '/v2/enqueue', 202, 9);
    stats.observe('POST', '/v2/enqueue', 400, 0.002);
    const text = stats.render();
    const value = (line: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(line))
          ?.split(' ')
          .at(-1),
      );
    const ok = 'method="POST",route="/v2/enqueue",status_code="202"';
    expect(value(`vigil_http_requests_total{${ok}}`)).toBe(3);
    expect(value(`vigil_http_requests_total{method="POST",route="/v2/enqueue",status_code="400"}`)).toBe(1);
    expect(value(`vigil_http_request_duration_seconds_bucket{le="0.001",${ok}}`)).toBe(1);
    expect(value(`vigil_http_request_duration_seconds_bucket{le="0.0025",${ok}}`)).toBe(1);
    expect(value(`vigil_http_request_duration_seconds_bucket{le="0.005",${ok}}`)).toBe(2);
    expect(value(`vigil_http_request_duration_seconds_bucket{le="5",${ok}}`)).toBe(2);
    expect(value(`vigil_http_request_duration_seconds_bucket{le="+Inf",${ok}}`)).toBe(3);
    expect(value(`vigil_http_request_duration_seconds_sum{${ok}}`)).toBeCloseTo(9.0034, 6);
    expect(value(`vigil_http_request_duration_seconds_count{${ok}}`)).toBe(3);
    expect(text).toContain('# TYPE vigil_http_request_duration_seconds histogram');
  });

  it('escapes label values', () => {
    const stats = new HttpStats();
    stats.observe('GET', 'a"b\\c\nd', 404, 0.01);
    expect(stats.render()).toContain('route="a\\"b\\\\c\\nd"');
  });
});

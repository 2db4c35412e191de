import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDsn, keyFromAuthHeader, keyFromDsn, parseEnvelope } from './envelope.js';

const env = (s: string) => parseEnvelope(Buffer.from(s));

describe('parseEnvelope', () => {
  it('reads items with a length (payloads may hold newlines) and without one (up to the newline)', () => {
    const payload = 'a\nb';
    const parsed = env(
      `{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc"}\n` +
        `{"type":"attachment","length":${Buffer.byteLength(payload)}}\n${payload}\n` +
        '{"type":"event"}\n{"message":"hi"}\n',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.header.event_id).toBe('9ec79c33ec9942ab8353589fcb2e04dc');
    expect(parsed.value.items.map((i) => [i.type, i.payload.toString()])).toEqual([
      ['attachment', 'a\nb'],
      ['event', '{"message":"hi"}'],
    ]);
  });

  it('counts length in bytes, not characters', () => {
    const payload = '{"message":"é✓"}';
    const parsed = env(`{}\n{"type":"event","length":${Buffer.byteLength(payload)}}\n${payload}`);
    expect(parsed.ok && parsed.value.items[0]?.payload.toString()).toBe(payload);
  });

  it('takes an envelope with only a header, and a last item without a trailing newline', () => {
    expect(env('{}')).toEqual({ ok: true, value: { header: {}, items: [] } });
    const parsed = env('{}\n{"type":"session"}\n{"sid":"1"}');
    expect(parsed.ok && parsed.value.items.map((i) => i.payload.toString())).toEqual(['{"sid":"1"}']);
  });

  it.each([
    ['', 'envelope header'],
    ['[1]\n', 'envelope header'],
    ['{}\nnot json\n', 'items.0'],
    ['{}\n{"length":2}\n{}', 'items.0.type'],
    ['{}\n{"type":"event","length":-1}\n{}', 'items.0.length'],
    ['{}\n{"type":"event","length":50}\n{}', 'items.0.length'],
  ])('refuses %j naming %s', (body, field) => {
    const parsed = env(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]).toContain(field);
  });
});

describe('keys and DSNs', () => {
  it.each([
    ['Sentry sentry_version=7, sentry_client=raven-js/3.0, sentry_key=abc123, sentry_secret=s', 'abc123'],
    ['Sentry sentry_key=abc123,sentry_version=7', 'abc123'],
    ['sentry sentry_key=k', 'k'],
    ['Bearer abc', undefined],
    ['Sentry sentry_version=7', undefined],
    [undefined, undefined],
  ])('X-Sentry-Auth %j → %j', (header, key) => {
    expect(keyFromAuthHeader(header)).toBe(key);
  });

  it('reads and builds DSNs', () => {
    expect(keyFromDsn('https://abc@o1.ingest.example.com/42')).toBe('abc');
    expect(keyFromDsn('not a url')).toBeUndefined();
    expect(keyFromDsn(7)).toBeUndefined();
    expect(buildDsn('http://127.0.0.1:8080', 'k', 3)).toBe('http://k@127.0.0.1:8080/3');
    expect(buildDsn('https://vigil.example.com/', 'k', 3)).toBe('https://k@vigil.example.com/3');
    expect(buildDsn('https://example.com/vigil/', 'k', 12)).toBe('https://k@example.com/vigil/12');
  });
});

describe('random input', () => {
  it('parseEnvelope never throws: an envelope or named problems', () => {
    const line = fc.oneof(
      fc.json(),
      fc.string(),
      fc.constantFrom('{"type":"event"}', '{"type":"event","length":3}', '{}'),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          fc.array(line, { maxLength: 6 }).map((lines) => Buffer.from(lines.join('\n'))),
        ),
        (body) => {
          const parsed = parseEnvelope(body);
          if (!parsed.ok) expect(parsed.errors.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

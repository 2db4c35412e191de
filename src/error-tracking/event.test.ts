import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSentryEvent } from './event.js';

const NOW = new Date('2026-11-28T10:00:00Z');
const parse = (body: unknown) => parseSentryEvent(body, NOW, () => 'f'.repeat(32));

describe('parseSentryEvent', () => {
  it('reads what grouping and analytics use, with Sentry defaults', () => {
    const parsed = parse({ message: 'hi' });
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        eventId: 'f'.repeat(32),
        timestamp: NOW,
        level: 'error',
        environment: 'production',
        message: 'hi',
        userKey: null,
        exception: null,
      },
    });
  });

  it.each([
    [{ timestamp: 1795860000.5 }, '2026-11-28T10:00:00.500Z'],
    [{ timestamp: '2026-11-28T09:00:00Z' }, '2026-11-28T09:00:00.000Z'],
    [{ timestamp: '2026-11-28T09:00:00' }, '2026-11-28T09:00:00.000Z'],
    [{ timestamp: '2026-11-28T09:00:00+02:00' }, '2026-11-28T07:00:00.000Z'],
  ])('timestamp %j', (body, iso) => {
    const parsed = parse(body);
    expect(parsed.ok && parsed.value.timestamp.toISOString()).toBe(iso);
  });

  it.each([
    [{ user: { id: 7, email: 'a@b' } }, 'id:7'],
    [{ user: { username: 'ana', email: 'a@b' } }, 'username:ana'],
    [{ user: { email: 'a@b', ip_address: '1.2.3.4' } }, 'email:a@b'],
    [{ user: { ip_address: '1.2.3.4' } }, 'ip:1.2.3.4'],
    [{ user: { ip_address: '{{auto}}' } }, null],
    [{ user: {} }, null],
  ])('user %j → %s', (body, key) => {
    const parsed = parse(body);
    expect(parsed.ok && parsed.value.userKey).toBe(key);
  });

  it('maps level aliases and normalises event ids', () => {
    const parsed = parse({
      level: 'WARN',
      event_id: '9EC79C33-EC99-42AB-8353-589FCB2E04DC',
      tags: [
        ['a', 'b'],
        ['n', 1],
      ],
      environment: 'staging',
    });
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        level: 'warning',
        eventId: '9ec79c33ec9942ab8353589fcb2e04dc',
        tags: { a: 'b', n: '1' },
        environment: 'staging',
      },
    });
  });

  it('takes the last (outermost) exception of a chain', () => {
    const parsed = parse({
      exception: {
        values: [
          { type: 'Cause', value: 'root' },
          { type: 'Wrapper', value: 'outer' },
        ],
      },
    });
    expect(parsed.ok && parsed.value.exception?.type).toBe('Wrapper');
  });

  it.each([
    [null, 'event'],
    [[], 'event'],
    [{ level: 'loud' }, 'level'],
    [{ level: 3 }, 'level'],
    [{ event_id: 'nope' }, 'event_id'],
    [{ timestamp: 'yesterday' }, 'timestamp'],
    [{ timestamp: {} }, 'timestamp'],
    [{ environment: 'x'.repeat(65) }, 'environment'],
    [{ environment: 'a/b' }, 'environment'],
    [{ exception: { values: 'x' } }, 'exception.values'],
    [{ exception: { values: [{ type: 5 }] } }, 'exception.values.0.type'],
    [{ exception: { values: [{ stacktrace: { frames: [1] } }] } }, 'exception.values.0.stacktrace.frames.0'],
    [{ fingerprint: 'x' }, 'fingerprint'],
    [{ fingerprint: [{}] }, 'fingerprint.0'],
    [{ user: 'ana' }, 'user'],
    [{ message: 5 }, 'message'],
  ])('refuses %j naming %s', (body, field) => {
    const parsed = parse(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[0]?.startsWith(`${field}:`)).toBe(true);
  });

  it('drops NUL characters, which PostgreSQL text refuses', () => {
    const parsed = parse({ message: 'a\u0000b' });
    expect(parsed.ok && parsed.value.message).toBe('ab');
  });
});

describe('random input', () => {
  it('parseSentryEvent never throws, and what it accepts has a valid level, environment and id', () => {
    const field = fc.constantFrom(
      'event_id',
      'timestamp',
      'level',
      'environment',
      'message',
      'logentry',
      'exception',
      'user',
      'tags',
      'fingerprint',
      'release',
      'culprit',
      'transaction',
      'request',
      'sdk',
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.dictionary(field, fc.jsonValue(), { maxKeys: 6 })), (body) => {
        const parsed = parse(body);
        if (!parsed.ok) return void expect(parsed.errors.length).toBeGreaterThan(0);
        expect(['fatal', 'error', 'warning', 'info', 'debug']).toContain(parsed.value.level);
        expect(parsed.value.eventId).toMatch(/^[0-9a-f]{32}$/);
        expect(parsed.value.environment.length).toBeLessThanOrEqual(64);
        expect(Number.isFinite(parsed.value.timestamp.getTime())).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

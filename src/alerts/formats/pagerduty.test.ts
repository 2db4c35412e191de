import fc from 'fast-check';
import { expectSoundParse, junk, maybe } from '../../../test/parse-checks.js';
import { describe, expect, it, vi } from 'vitest';
import { nastyString } from '../../../test/fuzz-inputs.js';
import type { AlertEvent } from '../event.js';
import { eventInvariantProblems } from './fields.js';
import { parsePagerDutyEvent } from './pagerduty.js';

// A trigger as a checkout service's monitoring would send it, written from the Events API v2 docs.
const TRIGGER = {
  routing_key: 'r1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
  event_action: 'trigger',
  dedup_key: 'checkout/db-primary/connections',
  payload: {
    summary: 'db-primary: connection pool exhausted (500/500) for checkout',
    source: 'db-primary.eu-west-1.internal',
    severity: 'critical',
    timestamp: '2026-03-14T09:26:53.589+01:00',
    component: 'postgres',
    group: 'checkout',
    class: 'database_connection',
    custom_details: { pool: { used: 500, max: 500 }, users_affected_pct: 62, regions: ['eu-west-1'] },
  },
  images: [
    {
      src: 'https://grafana.example.com/render/pool.png',
      href: 'https://grafana.example.com/d/pool',
      alt: 'Pool usage',
    },
  ],
  links: [{ href: 'https://runbooks.example.com/db/pool', text: 'Runbook' }],
  client: 'Checkout monitoring',
  client_url: 'https://monitoring.example.com/checkout',
  sent_by: 'an extra field PagerDuty clients add',
};

/** TRIGGER with one field (a dotted path) replaced, or removed when the value is undefined. */
function withField(path: string, value: unknown, base: object = TRIGGER): Record<string, unknown> {
  const copy = structuredClone(base) as Record<string, unknown>;
  const parts = path.split('.');
  let target = copy;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  const last = parts.at(-1) as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

const newId = () => '5f0c7a52-7c8e-4f43-9d38-3f0e6d1f2b11';

function accept(body: unknown): { event: AlertEvent; generatedDedupKey: boolean } {
  const result = parsePagerDutyEvent(body, newId);
  if (!result.ok) throw new Error(`refused: ${result.errors.join('; ')}`);
  expect(eventInvariantProblems(result.value.event)).toEqual([]);
  return result.value;
}

function refuse(body: unknown): string[] {
  const result = parsePagerDutyEvent(body, newId);
  if (result.ok) throw new Error('accepted');
  return result.errors;
}

describe('parsePagerDutyEvent accepts', () => {
  it('a full trigger, normalizing the timestamp to UTC and ignoring unknown fields', () => {
    expect(parsePagerDutyEvent(TRIGGER, newId)).toEqual({
      ok: true,
      value: {
        routingKey: 'r1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6',
        generatedDedupKey: false,
        event: {
          format: 'pagerduty',
          action: 'trigger',
          dedupKey: 'checkout/db-primary/connections',
          summary: 'db-primary: connection pool exhausted (500/500) for checkout',
          source: 'db-primary.eu-west-1.internal',
          severity: 'critical',
          timestamp: '2026-03-14T08:26:53.589Z',
          component: 'postgres',
          group: 'checkout',
          class: 'database_connection',
          customDetails: { pool: { used: 500, max: 500 }, users_affected_pct: 62, regions: ['eu-west-1'] },
          images: [
            {
              src: 'https://grafana.example.com/render/pool.png',
              href: 'https://grafana.example.com/d/pool',
              alt: 'Pool usage',
            },
          ],
          links: [{ href: 'https://runbooks.example.com/db/pool', text: 'Runbook' }],
          client: 'Checkout monitoring',
          clientUrl: 'https://monitoring.example.com/checkout',
        },
      },
    });
  });

  it.each([
    ['no dedup_key', withField('dedup_key', undefined)],
    ['a null dedup_key', withField('dedup_key', null)],
    ['an empty dedup_key', withField('dedup_key', '')],
    ['a blank dedup_key', withField('dedup_key', '   ')],
  ])('a trigger with %s, generating the key with newId()', (_name, body) => {
    const id = vi.fn(newId);
    const result = parsePagerDutyEvent(body, id);
    expect(result.ok && result.value.event.dedupKey).toBe(newId());
    expect(result.ok && result.value.generatedDedupKey).toBe(true);
    expect(id).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['acknowledge', { routing_key: 'k', event_action: 'acknowledge', dedup_key: 'd1' }],
    ['resolve', { routing_key: 'k', event_action: 'resolve', dedup_key: 'd1' }],
    [
      'resolve with a payload it ignores',
      { routing_key: 'k', event_action: 'resolve', dedup_key: 'd1', payload: { severity: 'urgent', summary: 7 } },
    ],
    [
      'acknowledge with a payload that is not an object',
      { routing_key: 'k', event_action: 'acknowledge', dedup_key: 'd1', payload: 'x' },
    ],
  ])('%s with neutral summary, source and severity', (_name, body) => {
    const id = vi.fn(newId);
    const result = parsePagerDutyEvent(body, id);
    expect(result).toEqual({
      ok: true,
      value: {
        routingKey: 'k',
        generatedDedupKey: false,
        event: {
          format: 'pagerduty',
          action: body.event_action,
          dedupKey: 'd1',
          summary: '',
          source: '',
          severity: 'info',
          links: [],
          images: [],
          client: undefined,
          clientUrl: undefined,
        },
      },
    });
    expect(id).not.toHaveBeenCalled();
  });

  it.each([
    ['a 255-character dedup_key', 'dedup_key', 'k'.repeat(255), (e: AlertEvent) => e.dedupKey.length === 255],
    [
      'a dedup_key of 255 emoji (510 UTF-16 units)',
      'dedup_key',
      '😀'.repeat(255),
      (e: AlertEvent) => e.dedupKey === '😀'.repeat(255),
    ],
    ['a 1024-character summary', 'payload.summary', 's'.repeat(1024), (e: AlertEvent) => e.summary.length === 1024],
    ['a 255-character source', 'payload.source', 'h'.repeat(255), (e: AlertEvent) => e.source.length === 255],
    ['a 64-character routing key', 'routing_key', 'r'.repeat(64), () => true],
    [
      'a timestamp without offset, read as UTC',
      'payload.timestamp',
      '2026-03-14T09:26:53',
      (e: AlertEvent) => e.timestamp === '2026-03-14T09:26:53.000Z',
    ],
    [
      'a date-only timestamp',
      'payload.timestamp',
      '2026-03-14',
      (e: AlertEvent) => e.timestamp === '2026-03-14T00:00:00.000Z',
    ],
    ['no timestamp', 'payload.timestamp', undefined, (e: AlertEvent) => e.timestamp === undefined],
    ['severity error', 'payload.severity', 'error', (e: AlertEvent) => e.severity === 'error'],
    ['severity warning', 'payload.severity', 'warning', (e: AlertEvent) => e.severity === 'warning'],
    ['severity info', 'payload.severity', 'info', (e: AlertEvent) => e.severity === 'info'],
    [
      'custom_details as a string',
      'payload.custom_details',
      'free text',
      (e: AlertEvent) => e.customDetails === 'free text',
    ],
    [
      'custom_details as an array',
      'payload.custom_details',
      [1, 'two', null],
      (e: AlertEvent) => JSON.stringify(e.customDetails) === '[1,"two",null]',
    ],
    ['custom_details null', 'payload.custom_details', null, (e: AlertEvent) => e.customDetails === undefined],
    ['no component, group or class', 'payload.component', null, (e: AlertEvent) => e.component === undefined],
    ['null images and links', 'images', null, (e: AlertEvent) => e.images.length === 0],
    [
      'an image with only src',
      'images',
      [{ src: 'https://x/y.png' }],
      (e: AlertEvent) => e.images[0]?.src === 'https://x/y.png' && e.images[0].href === undefined,
    ],
    [
      'a link with only href',
      'links',
      [{ href: 'https://x' }],
      (e: AlertEvent) => e.links[0]?.href === 'https://x' && e.links[0].text === undefined,
    ],
    ['no client', 'client', undefined, (e: AlertEvent) => e.client === undefined],
  ])('%s', (_name, path, value, check) => {
    expect(check(accept(withField(path, value)).event)).toBe(true);
  });
});

describe('parsePagerDutyEvent refuses', () => {
  it.each([
    ['a body that is not an object', null, ['The event must be a JSON object']],
    ['an array body', [TRIGGER], ['The event must be a JSON object']],
    ['a string body', 'trigger', ['The event must be a JSON object']],
    ['no routing_key', withField('routing_key', undefined), ["'routing_key' is missing or blank"]],
    ['a blank routing_key', withField('routing_key', '  '), ["'routing_key' is missing or blank"]],
    ['a numeric routing_key', withField('routing_key', 42), ["'routing_key' must be a string"]],
    [
      'a 65-character routing_key',
      withField('routing_key', 'r'.repeat(65)),
      ["'routing_key' is longer than 64 characters"],
    ],
    ['a routing_key with NUL', withField('routing_key', 'ab\u0000c'), ["'routing_key' contains a NUL character"]],
    ['no event_action', withField('event_action', undefined), ["'event_action' is missing or blank"]],
    [
      'an unknown event_action',
      withField('event_action', 'escalate'),
      ["'event_action' must be one of trigger, acknowledge, resolve"],
    ],
    [
      'an upper-case event_action',
      withField('event_action', 'TRIGGER'),
      ["'event_action' must be one of trigger, acknowledge, resolve"],
    ],
    [
      'a 256-character dedup_key',
      withField('dedup_key', 'k'.repeat(256)),
      ["'dedup_key' is longer than 255 characters"],
    ],
    ['a numeric dedup_key', withField('dedup_key', 12), ["'dedup_key' must be a string"]],
    ['a dedup_key with NUL', withField('dedup_key', 'a\u0000'), ["'dedup_key' contains a NUL character"]],
    [
      'a dedup_key with an unpaired surrogate',
      withField('dedup_key', 'a\ud800'),
      ["'dedup_key' contains an unpaired UTF-16 surrogate"],
    ],
    [
      'acknowledge without dedup_key',
      { routing_key: 'k', event_action: 'acknowledge' },
      ["'dedup_key' is missing or blank"],
    ],
    [
      'resolve with an empty dedup_key',
      { routing_key: 'k', event_action: 'resolve', dedup_key: '' },
      ["'dedup_key' is missing or blank"],
    ],
    ['a trigger without payload', withField('payload', undefined), ["'payload' is missing or not an object"]],
    ['a trigger whose payload is an array', withField('payload', [1]), ["'payload' is missing or not an object"]],
    ['no summary', withField('payload.summary', undefined), ["'payload.summary' is missing or blank"]],
    ['a blank summary', withField('payload.summary', ' \t'), ["'payload.summary' is missing or blank"]],
    ['a numeric summary', withField('payload.summary', 5), ["'payload.summary' must be a string"]],
    [
      'a 1025-character summary',
      withField('payload.summary', 's'.repeat(1025)),
      ["'payload.summary' is longer than 1024 characters"],
    ],
    ['no source', withField('payload.source', undefined), ["'payload.source' is missing or blank"]],
    [
      'a 256-character source',
      withField('payload.source', 'h'.repeat(256)),
      ["'payload.source' is longer than 255 characters"],
    ],
    ['no severity', withField('payload.severity', undefined), ["'payload.severity' is missing or blank"]],
    [
      'an unknown severity',
      withField('payload.severity', 'fatal'),
      ["'payload.severity' must be one of critical, error, warning, info"],
    ],
    [
      'a capitalized severity',
      withField('payload.severity', 'Critical'),
      ["'payload.severity' must be one of critical, error, warning, info"],
    ],
    [
      'a numeric severity',
      withField('payload.severity', 1),
      ["'payload.severity' must be one of critical, error, warning, info"],
    ],
    [
      'a timestamp that is not ISO 8601',
      withField('payload.timestamp', 'yesterday'),
      ["'payload.timestamp' is not a valid ISO 8601 timestamp"],
    ],
    [
      'an impossible date',
      withField('payload.timestamp', '2026-02-30T10:00:00Z'),
      ["'payload.timestamp' is not a valid ISO 8601 timestamp"],
    ],
    ['a Unix-time timestamp', withField('payload.timestamp', 1773480413), ["'payload.timestamp' must be a string"]],
    [
      'a 256-character component',
      withField('payload.component', 'c'.repeat(256)),
      ["'payload.component' is longer than 255 characters"],
    ],
    ['a numeric group', withField('payload.group', 5), ["'payload.group' must be a string"]],
    ['an object class', withField('payload.class', {}), ["'payload.class' must be a string"]],
    [
      'NUL deep in custom_details',
      withField('payload.custom_details', { a: { b: [1, 'x\u0000'] } }),
      ["'payload.custom_details.a.b[1]' contains a NUL character"],
    ],
    [
      'NUL in a custom_details key',
      withField('payload.custom_details', { a: { ['k\u0000']: 1 } }),
      ["'payload.custom_details.a' has a key that contains a NUL character"],
    ],
    [
      'a custom_details string with NUL',
      withField('payload.custom_details', '\u0000'),
      ["'payload.custom_details' contains a NUL character"],
    ],
    ['images that are not an array', withField('images', { src: 'x' }), ["'images' must be an array"]],
    ['an image that is not an object', withField('images', ['x']), ["'images[0]' must be an object"]],
    [
      'an image without src',
      withField('images', [{ src: 'ok' }, { alt: 'x' }]),
      ["'images[1].src' is missing or blank"],
    ],
    [
      'an image with a numeric href',
      withField('images', [{ src: 'ok', href: 1 }]),
      ["'images[0].href' must be a string"],
    ],
    ['a link without href', withField('links', [{ text: 'x' }]), ["'links[0].href' is missing or blank"]],
    ['a link with a numeric text', withField('links', [{ href: 'x', text: 2 }]), ["'links[0].text' must be a string"]],
    ['a numeric client', withField('client', 5), ["'client' must be a string"]],
    ['a client_url with NUL', withField('client_url', 'https://x\u0000'), ["'client_url' contains a NUL character"]],
  ])('%s', (_name, body, errors) => {
    expect(refuse(body)).toEqual(errors);
  });

  it('custom_details nested deeper than 32 levels', () => {
    const nest = (n: number): unknown => (n === 0 ? 1 : { a: nest(n - 1) });
    expect(parsePagerDutyEvent(withField('payload.custom_details', nest(32)), newId).ok).toBe(true);
    expect(refuse(withField('payload.custom_details', nest(33)))).toEqual([
      `'payload.custom_details${'.a'.repeat(32)}' is nested deeper than 32 levels`,
    ]);
  });

  it('lists every problem at once, in field order', () => {
    const body = {
      event_action: 'trigger',
      dedup_key: 'k'.repeat(300),
      payload: { summary: '', severity: 'urgent', custom_details: { x: '\u0000' } },
      links: [{}],
      client: 1,
    };
    expect(refuse(body)).toEqual([
      "'routing_key' is missing or blank",
      "'dedup_key' is longer than 255 characters",
      "'payload.summary' is missing or blank",
      "'payload.source' is missing or blank",
      "'payload.severity' must be one of critical, error, warning, info",
      "'payload.custom_details.x' contains a NUL character",
      "'links[0].href' is missing or blank",
      "'client' must be a string",
    ]);
  });

  it('checks the payload of an event with an unknown action too', () => {
    expect(refuse({ routing_key: 'k', event_action: 'page', payload: { summary: 's', source: 'h' } })).toEqual([
      "'event_action' must be one of trigger, acknowledge, resolve",
      "'payload.severity' is missing or blank",
    ]);
  });

  it('does not call newId() for a refused event', () => {
    const id = vi.fn(newId);
    parsePagerDutyEvent(withField('dedup_key', undefined, withField('payload.summary', '')), id);
    expect(id).not.toHaveBeenCalled();
  });
});

describe('parsePagerDutyEvent properties', () => {
  const check = (body: unknown) => expectSoundParse(parsePagerDutyEvent(body, newId), (v) => [v.event]);

  it('never throws on random JSON', () => {
    fc.assert(fc.property(junk, check), { numRuns: 500 });
  });

  it('never throws on the right field names holding anything', () => {
    const payload = fc.record(
      {
        summary: maybe(nastyString),
        source: maybe(nastyString),
        severity: maybe(fc.constantFrom('critical', 'error', 'warning', 'info')),
        timestamp: maybe(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
        component: junk,
        group: junk,
        class: junk,
        custom_details: junk,
      },
      { requiredKeys: [] },
    );
    const body = fc.record(
      {
        routing_key: maybe(fc.string({ minLength: 1, maxLength: 70 })),
        event_action: maybe(fc.constantFrom('trigger', 'acknowledge', 'resolve')),
        dedup_key: maybe(nastyString),
        payload: maybe(payload),
        images: maybe(fc.array(maybe(fc.record({ src: junk, href: junk, alt: junk }, { requiredKeys: [] })))),
        links: maybe(fc.array(maybe(fc.record({ href: junk, text: junk }, { requiredKeys: [] })))),
        client: junk,
        client_url: junk,
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(body, check), { numRuns: 1000 });
  });

  it('accepts every well-formed trigger and keeps its fields', () => {
    const text = (max: number) =>
      fc
        .string({ unit: 'grapheme', minLength: 1, maxLength: max })
        .filter((s) => s.trim() !== '' && !s.includes('\u0000'));
    const body = fc.record({
      routing_key: fc.stringMatching(/^[a-z0-9]{32}$/),
      event_action: fc.constant('trigger'),
      dedup_key: text(255),
      payload: fc.record({
        summary: text(1024),
        source: text(255),
        severity: fc.constantFrom('critical', 'error', 'warning', 'info'),
        custom_details: fc.jsonValue({ maxDepth: 5 }),
      }),
    });
    fc.assert(
      fc.property(body, (sent) => {
        const { event } = accept(sent);
        expect([event.dedupKey, event.summary, event.source, event.severity]).toEqual([
          sent.dedup_key,
          sent.payload.summary,
          sent.payload.source,
          sent.payload.severity,
        ]);
        expect(event.customDetails).toBe(sent.payload.custom_details ?? undefined);
      }),
      { numRuns: 300 },
    );
  });
});

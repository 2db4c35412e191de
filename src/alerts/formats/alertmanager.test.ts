import fc from 'fast-check';
import { expectSoundParse, junk, maybe } from '../../../test/parse-checks.js';
import { describe, expect, it } from 'vitest';
import { nastyString } from '../../../test/fuzz-inputs.js';
import type { AlertEvent } from '../event.js';
import { labelsFingerprint } from './alert-group.js';
import { parseAlertmanagerWebhook } from './alertmanager.js';
import { eventInvariantProblems } from './fields.js';

// One group notification as an Alertmanager webhook_config receiver sends it, written from the
// payload description in Alertmanager's docs: one alert still firing, one just resolved.
const FIRING = {
  status: 'firing',
  labels: {
    alertname: 'PostgresConnectionsHigh',
    instance: 'db-1:9187',
    job: 'postgres',
    severity: 'page',
    namespace: 'payments',
    service: 'checkout-db',
    team: 'payments',
  },
  annotations: {
    summary: 'db-1 uses 97% of max_connections',
    description: 'Connections have been above 90% for 5 minutes.',
    runbook_url: 'https://runbooks.example.com/pg/connections',
  },
  startsAt: '2026-03-14T09:26:53.589271832Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus.example.com:9090/graph?g0.expr=pg_connections+%3E+0.9&g0.tab=1',
  fingerprint: '7c2f0a9e41d3b865',
};
const RESOLVED = {
  status: 'resolved',
  labels: {
    alertname: 'PostgresConnectionsHigh',
    instance: 'db-2:9187',
    job: 'postgres',
    severity: 'warning',
    cluster: 'eu-1',
  },
  annotations: { description: 'db-2 is back under 90%.' },
  startsAt: '2026-03-14T08:00:00Z',
  endsAt: '2026-03-14T09:20:00+00:00',
  generatorURL: '',
  fingerprint: 'b3d1e6f0a2c49587',
};
const NOTIFICATION = {
  version: '4',
  groupKey: '{}/{team="payments"}:{alertname="PostgresConnectionsHigh"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'vigil',
  groupLabels: { alertname: 'PostgresConnectionsHigh' },
  commonLabels: { alertname: 'PostgresConnectionsHigh', job: 'postgres' },
  commonAnnotations: {},
  externalURL: 'https://alertmanager.example.com:9093',
  alerts: [FIRING, RESOLVED],
};

/** The notification with one alert: FIRING changed by `patch` (undefined removes a field). */
function single(patch: Record<string, unknown>, envelope: Record<string, unknown> = {}): Record<string, unknown> {
  const alert: Record<string, unknown> = { ...structuredClone(FIRING), ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete alert[key];
  const body: Record<string, unknown> = { ...structuredClone(NOTIFICATION), alerts: [alert], ...envelope };
  for (const [key, value] of Object.entries(envelope)) if (value === undefined) delete body[key];
  return body;
}

function events(body: unknown): AlertEvent[] {
  const result = parseAlertmanagerWebhook(body);
  if (!result.ok) throw new Error(`refused: ${result.errors.join('; ')}`);
  for (const event of result.value.events) expect(eventInvariantProblems(event)).toEqual([]);
  return result.value.events;
}

const one = (patch: Record<string, unknown>, envelope?: Record<string, unknown>): AlertEvent =>
  events(single(patch, envelope))[0] as AlertEvent;

function refuse(body: unknown): string[] {
  const result = parseAlertmanagerWebhook(body);
  if (result.ok) throw new Error('accepted');
  return result.errors;
}

describe('parseAlertmanagerWebhook accepts', () => {
  it('a group notification, one event per alert', () => {
    const result = parseAlertmanagerWebhook(NOTIFICATION);
    expect(result.ok && { ...result.value, events: result.value.events.length }).toEqual({
      events: 2,
      groupKey: NOTIFICATION.groupKey,
      truncatedAlerts: 0,
      receiver: 'vigil',
      status: 'firing',
    });
    const [firing, resolved] = events(NOTIFICATION);
    expect(firing).toEqual({
      format: 'alertmanager',
      action: 'trigger',
      dedupKey: '7c2f0a9e41d3b865',
      summary: 'db-1 uses 97% of max_connections',
      source: 'db-1:9187',
      severity: 'critical',
      timestamp: '2026-03-14T09:26:53.589Z',
      component: 'checkout-db',
      group: 'payments',
      class: 'PostgresConnectionsHigh',
      customDetails: {
        labels: FIRING.labels,
        annotations: FIRING.annotations,
        startsAt: FIRING.startsAt,
        endsAt: FIRING.endsAt,
      },
      links: [{ href: FIRING.generatorURL, text: 'Source' }],
      images: [],
      client: 'Alertmanager',
      clientUrl: 'https://alertmanager.example.com:9093',
      groupKey: NOTIFICATION.groupKey,
    });
    expect(resolved).toMatchObject({
      action: 'resolve',
      dedupKey: 'b3d1e6f0a2c49587',
      summary: 'db-2 is back under 90%.',
      severity: 'warning',
      component: 'postgres',
      group: 'eu-1',
      links: [],
      groupKey: NOTIFICATION.groupKey,
    });
  });

  const labels = (extra: Record<string, string>, without: string[] = []) => {
    const l: Record<string, string> = { ...FIRING.labels, ...extra };
    for (const name of without) delete l[name];
    return l;
  };

  it.each([
    [
      'no fingerprint: a SHA-256 of the sorted labels',
      { fingerprint: undefined },
      (e: AlertEvent) => e.dedupKey === labelsFingerprint(FIRING.labels) && /^[0-9a-f]{64}$/.test(e.dedupKey),
    ],
    [
      'a blank fingerprint counts as none',
      { fingerprint: ' ' },
      (e: AlertEvent) => e.dedupKey === labelsFingerprint(FIRING.labels),
    ],
    ['status resolved resolves', { status: 'resolved' }, (e: AlertEvent) => e.action === 'resolve'],
    ['severity label P2 → error', { labels: labels({ severity: 'P2' }) }, (e: AlertEvent) => e.severity === 'error'],
    ['severity label none → info', { labels: labels({ severity: 'none' }) }, (e: AlertEvent) => e.severity === 'info'],
    [
      'an unknown severity label → warning',
      { labels: labels({ severity: 'purple' }) },
      (e: AlertEvent) => e.severity === 'warning',
    ],
    ['no severity label → warning', { labels: labels({}, ['severity']) }, (e: AlertEvent) => e.severity === 'warning'],
    [
      'summary from description without summary',
      { annotations: { description: 'desc' } },
      (e: AlertEvent) => e.summary === 'desc',
    ],
    [
      'a blank summary annotation falls through',
      { annotations: { summary: '  ', description: 'desc' } },
      (e: AlertEvent) => e.summary === 'desc',
    ],
    [
      'summary from alertname without annotations',
      { annotations: undefined },
      (e: AlertEvent) => e.summary === 'PostgresConnectionsHigh',
    ],
    [
      'summary "Alertmanager alert" as a last resort',
      { annotations: {}, labels: { job: 'x' } },
      (e: AlertEvent) => e.summary === 'Alertmanager alert',
    ],
    [
      'a long summary cut to 1024 characters',
      { annotations: { summary: 'é'.repeat(3000) } },
      (e: AlertEvent) => e.summary === 'é'.repeat(1024),
    ],
    [
      'a long emoji summary cut by characters',
      { annotations: { summary: '😀'.repeat(1500) } },
      (e: AlertEvent) => e.summary === '😀'.repeat(1024),
    ],
    [
      'source from job without instance',
      { labels: labels({}, ['instance']) },
      (e: AlertEvent) => e.source === 'postgres',
    ],
    [
      'a long instance label cut to 255',
      { labels: labels({ instance: 'i'.repeat(300) }) },
      (e: AlertEvent) => e.source === 'i'.repeat(255),
    ],
    [
      'component from job without service',
      { labels: labels({}, ['service']) },
      (e: AlertEvent) => e.component === 'postgres',
    ],
    [
      'group from cluster without namespace',
      { labels: labels({ cluster: 'eu-1' }, ['namespace']) },
      (e: AlertEvent) => e.group === 'eu-1',
    ],
    ['no group labels, no group', { labels: labels({}, ['namespace']) }, (e: AlertEvent) => e.group === undefined],
    ['no alertname, no class', { labels: labels({}, ['alertname']) }, (e: AlertEvent) => e.class === undefined],
    ['an empty generatorURL, no link', { generatorURL: '' }, (e: AlertEvent) => e.links.length === 0],
    ['no startsAt, no timestamp', { startsAt: undefined }, (e: AlertEvent) => e.timestamp === undefined],
    [
      "Go's zero startsAt, no timestamp",
      { startsAt: '0001-01-01T00:00:00Z' },
      (e: AlertEvent) => e.timestamp === undefined,
    ],
    [
      'an offset startsAt normalized to UTC',
      { startsAt: '2026-03-14T10:26:53+01:00' },
      (e: AlertEvent) => e.timestamp === '2026-03-14T09:26:53.000Z',
    ],
  ])('%s', (_name, patch, check) => {
    expect(check(one(patch))).toBe(true);
  });

  it.each([
    [
      'source from the externalURL host without instance or job',
      { externalURL: 'http://am.internal:9093/' },
      'am.internal:9093',
    ],
    ['source "alertmanager" without externalURL', { externalURL: undefined }, 'alertmanager'],
    ['source "alertmanager" when externalURL is not a URL', { externalURL: 'not a url' }, 'alertmanager'],
  ])('%s', (_name, envelope, source) => {
    expect(one({ labels: { alertname: 'A' } }, envelope).source).toBe(source);
  });

  it('derives the same key for the same labels in any order, a different one for other labels', () => {
    const a = one({ fingerprint: undefined, labels: { alertname: 'A', instance: 'h1' } });
    const b = one({ fingerprint: undefined, labels: { instance: 'h1', alertname: 'A' } });
    const c = one({ fingerprint: undefined, labels: { alertname: 'A', instance: 'h2' } });
    expect(a.dedupKey).toBe(b.dedupKey);
    expect(a.dedupKey).not.toBe(c.dedupKey);
  });

  it('replaces a groupKey longer than 255 characters with a stable digest', () => {
    const long = `{}/{team="payments"}:{${'x'.repeat(300)}}`;
    const result = parseAlertmanagerWebhook(single({}, { groupKey: long }));
    const again = parseAlertmanagerWebhook(single({}, { groupKey: long }));
    expect(result.ok && result.value.groupKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.ok && result.value.events[0]?.groupKey).toBe(again.ok && again.value.groupKey);
  });

  it.each([
    ['an empty alerts array', { alerts: [] }, { events: 0, truncatedAlerts: 0, receiver: 'vigil', status: 'firing' }],
    [
      'no truncatedAlerts or receiver',
      { truncatedAlerts: undefined, receiver: undefined },
      { events: 1, truncatedAlerts: 0, receiver: '', status: 'firing' },
    ],
    [
      'truncated alerts and a resolved group',
      { truncatedAlerts: 42, status: 'resolved' },
      { events: 1, truncatedAlerts: 42, receiver: 'vigil', status: 'resolved' },
    ],
    [
      'unknown extra fields',
      { tenant: 'x', commonLabels: 'ignored' },
      { events: 1, truncatedAlerts: 0, receiver: 'vigil', status: 'firing' },
    ],
  ])('%s', (_name, envelope, expected) => {
    const result = parseAlertmanagerWebhook(single({}, envelope));
    expect(
      result.ok && {
        events: result.value.events.length,
        truncatedAlerts: result.value.truncatedAlerts,
        receiver: result.value.receiver,
        status: result.value.status,
      },
    ).toEqual(expected);
  });

  it('10,000 alerts in one payload', () => {
    const alerts = Array.from({ length: 10_000 }, (_, i) => ({ ...FIRING, fingerprint: `fp${i}` }));
    expect(events({ ...NOTIFICATION, alerts })).toHaveLength(10_000);
  });
});

describe('parseAlertmanagerWebhook refuses', () => {
  it.each([
    ['a body that is not an object', [NOTIFICATION], ['body must be a JSON object']],
    ['version 3', single({}, { version: '3' }), ['version must be "4"']],
    ['no version', single({}, { version: undefined }), ['version must be "4"']],
    ['a numeric version', single({}, { version: 4 }), ['version must be "4"']],
    ['no groupKey', single({}, { groupKey: undefined }), ['groupKey is missing or blank']],
    ['a numeric groupKey', single({}, { groupKey: 666 }), ['groupKey must be a string']],
    ['an unknown group status', single({}, { status: 'pending' }), ['status must be one of firing, resolved']],
    ['a numeric receiver', single({}, { receiver: 1 }), ['receiver must be a string']],
    [
      'a negative truncatedAlerts',
      single({}, { truncatedAlerts: -1 }),
      ['truncatedAlerts must be a non-negative integer'],
    ],
    [
      'a fractional truncatedAlerts',
      single({}, { truncatedAlerts: 1.5 }),
      ['truncatedAlerts must be a non-negative integer'],
    ],
    [
      'a string truncatedAlerts',
      single({}, { truncatedAlerts: '3' }),
      ['truncatedAlerts must be a non-negative integer'],
    ],
    ['a numeric externalURL', single({}, { externalURL: 9093 }), ['externalURL must be a string']],
    ['no alerts', single({}, { alerts: undefined }), ['alerts must be an array']],
    ['alerts as an object', single({}, { alerts: { 0: FIRING } }), ['alerts must be an array']],
    ['an alert that is not an object', single({}, { alerts: [FIRING, 'x'] }), ['alerts[1] must be an object']],
    ['an unknown alert status', single({ status: 'active' }), ['alerts[0].status must be one of firing, resolved']],
    ['an alert without labels', single({ labels: undefined }), ['alerts[0].labels must be an object of strings']],
    [
      'labels with a number',
      single({ labels: { alertname: 'A', port: 9187 } }),
      ['alerts[0].labels must be an object of strings'],
    ],
    ['labels as an array', single({ labels: ['alertname'] }), ['alerts[0].labels must be an object of strings']],
    [
      'annotations with null',
      single({ annotations: { summary: null } }),
      ['alerts[0].annotations must be an object of strings'],
    ],
    [
      'a label value with NUL',
      single({ labels: { alertname: 'A\u0000' } }),
      ['alerts[0].labels.alertname contains a NUL character'],
    ],
    [
      'a label name with NUL',
      single({ labels: { ['a\u0000']: 'x' } }),
      ['alerts[0].labels has a key that contains a NUL character'],
    ],
    [
      'an annotation with an unpaired surrogate',
      single({ annotations: { summary: '\udfff' } }),
      ['alerts[0].annotations.summary contains an unpaired UTF-16 surrogate'],
    ],
    [
      'a startsAt that is not a time',
      single({ startsAt: 'soon' }),
      ['alerts[0].startsAt is not a valid ISO 8601 timestamp'],
    ],
    ['a numeric startsAt', single({ startsAt: 1773480413 }), ['alerts[0].startsAt must be a string']],
    [
      'an endsAt that is not a time',
      single({ endsAt: '2026-13-01T00:00:00Z' }),
      ['alerts[0].endsAt is not a valid ISO 8601 timestamp'],
    ],
    [
      'a 256-character fingerprint',
      single({ fingerprint: 'f'.repeat(256) }),
      ['alerts[0].fingerprint is longer than 255 characters'],
    ],
    ['a numeric generatorURL', single({ generatorURL: 7 }), ['alerts[0].generatorURL must be a string']],
  ])('%s', (_name, body, errors) => {
    expect(refuse(body)).toEqual(errors);
  });

  it('more than 10,000 alerts', () => {
    const alerts = Array.from({ length: 10_001 }, () => FIRING);
    expect(refuse({ ...NOTIFICATION, alerts })).toEqual([
      'alerts has 10001 entries; at most 10000 are accepted per payload',
    ]);
  });

  it('lists every problem at once, each alert by its index', () => {
    const alerts = [FIRING, { ...FIRING, status: 'on' }, FIRING, { ...FIRING, labels: 'alertname=A', startsAt: 'now' }];
    expect(refuse({ ...NOTIFICATION, version: '2', groupKey: '', alerts })).toEqual([
      'version must be "4"',
      'groupKey is missing or blank',
      'alerts[1].status must be one of firing, resolved',
      'alerts[3].labels must be an object of strings',
      'alerts[3].startsAt is not a valid ISO 8601 timestamp',
    ]);
  });

  it('lists at most 100 problems for a payload of bad alerts', () => {
    const errors = refuse({
      ...NOTIFICATION,
      alerts: Array.from({ length: 5000 }, () => ({ ...FIRING, status: 'x' })),
    });
    expect(errors).toHaveLength(101);
    expect(errors.at(-1)).toBe('… and 4900 more errors');
  });
});

describe('parseAlertmanagerWebhook properties', () => {
  const stringMap = maybe(fc.dictionary(nastyString, maybe(nastyString), { maxKeys: 5 }));
  const check = (body: unknown) => expectSoundParse(parseAlertmanagerWebhook(body), (v) => v.events);

  it('never throws on random JSON', () => {
    fc.assert(fc.property(junk, check), { numRuns: 500 });
  });

  it('never throws on the right field names holding anything', () => {
    const alert = fc.record(
      {
        status: maybe(fc.constantFrom('firing', 'resolved')),
        labels: stringMap,
        annotations: stringMap,
        startsAt: maybe(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
        endsAt: junk,
        generatorURL: maybe(nastyString),
        fingerprint: maybe(nastyString),
      },
      { requiredKeys: [] },
    );
    const body = fc.record(
      {
        version: maybe(fc.constant('4')),
        groupKey: maybe(nastyString),
        truncatedAlerts: maybe(fc.nat()),
        status: maybe(fc.constantFrom('firing', 'resolved')),
        receiver: junk,
        externalURL: maybe(fc.webUrl()),
        alerts: maybe(fc.array(maybe(alert), { maxLength: 5 })),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(body, check), { numRuns: 1000 });
  });

  it('accepts every well-formed notification, one event per alert keyed by fingerprint', () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
      .filter((s) => s.trim() !== '' && !s.includes('\u0000'));
    const alert = fc.record({
      status: fc.constantFrom('firing', 'resolved'),
      labels: fc.dictionary(text, text, { maxKeys: 6 }),
      annotations: fc.dictionary(text, fc.string({ unit: 'grapheme', maxLength: 2000 }), { maxKeys: 3 }),
      fingerprint: fc.stringMatching(/^[0-9a-f]{16}$/),
    });
    const body = fc.record({
      version: fc.constant('4'),
      groupKey: text,
      status: fc.constantFrom('firing', 'resolved'),
      alerts: fc.array(alert, { maxLength: 20 }),
    });
    fc.assert(
      fc.property(body, (sent) => {
        const got = events(sent);
        expect(got.map((e) => [e.dedupKey, e.action, e.groupKey])).toEqual(
          sent.alerts.map((a) => [a.fingerprint, a.status === 'resolved' ? 'resolve' : 'trigger', sent.groupKey]),
        );
      }),
      { numRuns: 200 },
    );
  });
});

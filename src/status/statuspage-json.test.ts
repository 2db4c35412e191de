import { describe, expect, it } from 'vitest';
import { at, component, incident, maintenance, publicModel, update } from '../../test/fixtures/public-model.js';
import {
  activeMaintenancesJson,
  componentsJson,
  groupComponentId,
  incidentsJson,
  maintenancesJson,
  statusJson,
  summaryJson,
  unresolvedIncidentsJson,
  upcomingMaintenancesJson,
} from './statuspage-json.js';
import {
  componentsDocShape,
  incidentsDocShape,
  maintenancesDocShape,
  statusDocShape,
  summaryShape,
  type SpComponent,
} from './statuspage-shapes.js';

/** A page with a bit of everything: two groups, open and closed incidents, maintenance in each state. */
function busyModel() {
  return publicModel({
    components: [
      component('api', { name: 'API', group: 'Core', position: 1, status: 'partial_outage' }),
      component('web', { name: 'Website', group: null, position: 2, description: 'The marketing site' }),
      component('db', { name: 'Database', group: 'Core', position: 3 }),
      component('mail', { name: 'Mail', group: 'Messaging', position: 4, onlyShowIfDegraded: true }),
    ],
    incidents: [
      incident('open', {
        name: 'API errors',
        impact: 'major',
        status: 'identified',
        createdAt: at('2026-03-15T09:00:00Z'),
        updatedAt: at('2026-03-15T09:30:00Z'),
        componentIds: ['api', 'gone'],
        updates: [
          update('open-2', {
            status: 'identified',
            createdAt: at('2026-03-15T09:30:00Z'),
            affected: [{ componentId: 'api', name: 'API', status: 'partial_outage' }],
          }),
          update('open-1', {
            createdAt: at('2026-03-15T09:00:00Z'),
            affected: [{ componentId: 'api', name: 'API', status: 'degraded_performance' }],
          }),
        ],
      }),
      incident('old', {
        status: 'resolved',
        impact: 'minor',
        createdAt: at('2026-02-01T10:00:00Z'),
        monitoringAt: at('2026-02-01T10:30:00Z'),
        resolvedAt: at('2026-02-01T11:00:00Z'),
        updatedAt: at('2026-02-01T11:00:00Z'),
        componentIds: ['db'],
        updates: [update('old-1', { status: 'resolved', createdAt: at('2026-02-01T11:00:00Z') })],
      }),
    ],
    maintenances: [
      maintenance('running', {
        status: 'in_progress',
        scheduledFor: at('2026-03-15T11:00:00Z'),
        scheduledUntil: at('2026-03-15T13:00:00Z'),
        componentIds: ['db'],
      }),
      maintenance('next', { status: 'scheduled', scheduledFor: at('2026-03-20T22:00:00Z') }),
      maintenance('later', { status: 'scheduled', scheduledFor: at('2026-03-27T22:00:00Z') }),
      maintenance('checking', {
        status: 'verifying',
        scheduledFor: at('2026-03-15T08:00:00Z'),
        scheduledUntil: at('2026-03-15T10:00:00Z'),
        updatedAt: at('2026-03-15T10:00:00Z'),
      }),
      maintenance('done', {
        status: 'completed',
        scheduledFor: at('2026-03-01T08:00:00Z'),
        scheduledUntil: at('2026-03-01T09:00:00Z'),
        updatedAt: at('2026-03-01T09:30:00Z'),
      }),
    ],
  });
}

const ids = (list: Array<{ id: string }>) => list.map((x) => x.id);

describe('Statuspage documents validate against the documented shapes', () => {
  const model = busyModel();
  it.each([
    ['summary', summaryShape, summaryJson],
    ['status', statusDocShape, statusJson],
    ['components', componentsDocShape, componentsJson],
    ['incidents', incidentsDocShape, incidentsJson],
    ['incidents/unresolved', incidentsDocShape, unresolvedIncidentsJson],
    ['scheduled-maintenances', maintenancesDocShape, maintenancesJson],
    ['scheduled-maintenances/upcoming', maintenancesDocShape, upcomingMaintenancesJson],
    ['scheduled-maintenances/active', maintenancesDocShape, activeMaintenancesJson],
  ] as const)('%s.json', (_name, shape, render) => {
    const doc = JSON.parse(JSON.stringify(render(model)));
    expect(shape.safeParse(doc).error).toBeUndefined();
    // An empty page is as valid as a busy one.
    expect(shape.safeParse(JSON.parse(JSON.stringify(render(publicModel({ components: [] }))))).success).toBe(true);
  });

  it('the strict shapes refuse a missing or an extra field', () => {
    const doc = summaryJson(model);
    const { time_zone: _dropped, ...pageWithout } = doc.page;
    expect(summaryShape.safeParse({ ...doc, page: pageWithout }).success).toBe(false);
    expect(summaryShape.safeParse({ ...doc, page: { ...doc.page, internal_notes: 'x' } }).success).toBe(false);
  });

  it('carries the page and the overall indicator', () => {
    const doc = statusJson(model);
    expect(doc.page).toEqual({
      id: 'page1',
      name: 'Acme',
      url: 'https://status.acme.test/status',
      time_zone: 'Europe/Berlin',
      updated_at: '2026-03-15T12:00:00.000Z',
    });
    expect(doc.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
  });
});

describe('components', () => {
  const components = componentsJson(busyModel()).components;
  const byId = new Map<string, SpComponent>(components.map((c) => [c.id, c]));

  it('puts grouped components under a group component placed before its first member', () => {
    const core = groupComponentId('Core');
    expect(ids(components)).toEqual([core, 'api', 'web', 'db', groupComponentId('Messaging'), 'mail']);
    expect(byId.get(core)).toMatchObject({ name: 'Core', group: true, components: ['api', 'db'], group_id: null });
    expect(byId.get('api')).toMatchObject({ group: false, group_id: core });
    expect(byId.get('db')).toMatchObject({ group_id: core });
    expect(byId.get('web')).toMatchObject({ group_id: null, description: 'The marketing site' });
  });

  it('gives a group the worst status and earliest position of its members', () => {
    expect(byId.get(groupComponentId('Core'))).toMatchObject({ status: 'partial_outage', position: 1 });
    expect(byId.get(groupComponentId('Messaging'))).toMatchObject({ status: 'operational', position: 4 });
  });

  it('derives group ids from the name only, so they survive rebuilds', () => {
    expect(groupComponentId('Core')).toBe(groupComponentId('Core'));
    expect(groupComponentId('Core')).not.toBe(groupComponentId('core'));
    const again = componentsJson(publicModel({ components: [component('other', { group: 'Core' })] }));
    expect(again.components[0]?.id).toBe(groupComponentId('Core'));
  });

  it('lists a component shown only when degraded, with the flag set', () => {
    expect(byId.get('mail')).toMatchObject({ only_show_if_degraded: true, status: 'operational' });
  });
});

describe('incidents', () => {
  it('summary and unresolved.json carry only unresolved incidents; incidents.json all, newest first', () => {
    const model = busyModel();
    expect(ids(summaryJson(model).incidents)).toEqual(['open']);
    expect(ids(unresolvedIncidentsJson(model).incidents)).toEqual(['open']);
    expect(ids(incidentsJson(model).incidents)).toEqual(['open', 'old']);
  });

  it('incidents.json keeps the latest 50', () => {
    const many = Array.from({ length: 60 }, (_, n) =>
      incident(`i${n}`, { status: 'resolved', createdAt: new Date(Date.UTC(2026, 1, 1) + n * 3_600_000) }),
    );
    const list = incidentsJson(publicModel({ incidents: many })).incidents;
    expect(list).toHaveLength(50);
    expect(list[0]?.id).toBe('i59');
    expect(list[49]?.id).toBe('i10');
  });

  it('maps an incident field by field, with old statuses told from the earlier updates', () => {
    const open = summaryJson(busyModel()).incidents[0];
    expect(open).toMatchObject({
      id: 'open',
      name: 'API errors',
      status: 'identified',
      impact: 'major',
      created_at: '2026-03-15T09:00:00.000Z',
      started_at: '2026-03-15T09:00:00.000Z',
      updated_at: '2026-03-15T09:30:00.000Z',
      monitoring_at: null,
      resolved_at: null,
      shortlink: 'https://status.acme.test/status#incident-open',
      page_id: 'page1',
    });
    // An unknown component id (no longer public) is left out rather than invented.
    expect(ids(open?.components ?? [])).toEqual(['api']);
    expect(open?.incident_updates.map((u) => [u.id, u.incident_id, u.affected_components])).toEqual([
      [
        'open-2',
        'open',
        [{ code: 'api', name: 'API', old_status: 'degraded_performance', new_status: 'partial_outage' }],
      ],
      ['open-1', 'open', [{ code: 'api', name: 'API', old_status: 'operational', new_status: 'degraded_performance' }]],
    ]);
  });

  it('sends affected_components as null when an update changed none', () => {
    const old = incidentsJson(busyModel()).incidents.find((i) => i.id === 'old');
    expect(old?.incident_updates[0]?.affected_components).toBeNull();
    expect(old).toMatchObject({ resolved_at: '2026-02-01T11:00:00.000Z', monitoring_at: '2026-02-01T10:30:00.000Z' });
  });
});

describe('scheduled maintenances', () => {
  const model = busyModel();

  it('upcoming holds the scheduled ones, active the running or verifying ones, both soonest first', () => {
    expect(ids(upcomingMaintenancesJson(model).scheduled_maintenances)).toEqual(['next', 'later']);
    expect(ids(activeMaintenancesJson(model).scheduled_maintenances)).toEqual(['checking', 'running']);
  });

  it('summary holds upcoming and active, never completed', () => {
    expect(ids(summaryJson(model).scheduled_maintenances)).toEqual(['checking', 'running', 'next', 'later']);
  });

  it('scheduled-maintenances.json holds all, the latest scheduled first', () => {
    expect(ids(maintenancesJson(model).scheduled_maintenances)).toEqual([
      'later',
      'next',
      'running',
      'checking',
      'done',
    ]);
  });

  it('maps times and impact, and tells the states passed through as updates, newest first', () => {
    const all = maintenancesJson(model).scheduled_maintenances;
    const done = all.find((m) => m.id === 'done');
    expect(done).toMatchObject({
      impact: 'maintenance',
      status: 'completed',
      scheduled_for: '2026-03-01T08:00:00.000Z',
      scheduled_until: '2026-03-01T09:00:00.000Z',
      resolved_at: '2026-03-01T09:30:00.000Z',
    });
    expect(done?.incident_updates.map((u) => [u.status, u.created_at])).toEqual([
      ['completed', '2026-03-01T09:30:00.000Z'],
      ['verifying', '2026-03-01T09:00:00.000Z'],
      ['in_progress', '2026-03-01T08:00:00.000Z'],
      ['scheduled', '2026-03-10T09:00:00.000Z'],
    ]);
    const running = all.find((m) => m.id === 'running');
    expect(running?.incident_updates.map((u) => u.status)).toEqual(['in_progress', 'scheduled']);
    expect(running?.incident_updates.at(-1)?.body).toBe('We will upgrade running.');
    expect(ids(running?.components ?? [])).toEqual(['db']);
    expect(running?.resolved_at).toBeNull();
  });

  it('a maintenance completed by hand before it started skips the states it never reached', () => {
    const early = maintenance('early', {
      status: 'completed',
      scheduledFor: at('2026-03-20T22:00:00Z'),
      updatedAt: at('2026-03-12T08:00:00Z'),
    });
    const doc = maintenancesJson(publicModel({ maintenances: [early] }));
    expect(doc.scheduled_maintenances[0]?.incident_updates.map((u) => u.status)).toEqual(['completed', 'scheduled']);
  });
});

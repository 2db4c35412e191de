import { describe, expect, it } from 'vitest';
import type { StatusComponent, StatusMaintenance } from './api.ts';
import { publicPagePath } from './status-api.ts';
import {
  byGroupAndPosition,
  maintenanceByState,
  maintenanceProblem,
  splitPreview,
  statusSource,
} from './status-words.ts';

const component = (name: string, group: string | null, position: number): StatusComponent =>
  ({ id: name, name, group, position }) as StatusComponent;

const maintenance = (id: string, state: StatusMaintenance['state'], starts: string, completed: string | null = null) =>
  ({ id, state, starts_at: starts, ends_at: starts, completed_at: completed }) as StatusMaintenance;

describe('byGroupAndPosition', () => {
  it('lists ungrouped components first, then by group, position and name', () => {
    const sorted = byGroupAndPosition([
      component('Search', 'Web', 2),
      component('API', null, 1),
      component('Checkout', 'Web', 1),
      component('Billing', 'Back office', 0),
      component('Admin', 'Web', 1),
      component('Status', null, 0),
    ]);
    expect(sorted.map((c) => c.name)).toEqual(['Status', 'API', 'Billing', 'Admin', 'Checkout', 'Search']);
  });
});

describe('statusSource', () => {
  it.each([
    [null, null, 'Automatic'],
    ['major_outage', null, 'Set by hand'],
    ['partial_outage', 'pi_1', 'Set by a published update'],
  ] as const)('manual %s from %s reads "%s"', (manual, source, words) => {
    expect(statusSource({ manual_status: manual, manual_source: source })).toBe(words);
  });
});

describe('maintenanceByState', () => {
  it('puts running work first, scheduled soonest first, completed latest first, and leaves out empty states', () => {
    const groups = maintenanceByState([
      maintenance('later', 'scheduled', '2026-03-02T10:00:00Z'),
      maintenance('old', 'completed', '2026-01-01T10:00:00Z', '2026-01-01T12:00:00Z'),
      maintenance('soon', 'scheduled', '2026-03-01T10:00:00Z'),
      maintenance('now', 'in_progress', '2026-02-01T10:00:00Z'),
      maintenance('recent', 'completed', '2026-02-01T08:00:00Z', '2026-02-01T09:00:00Z'),
    ]);
    expect(groups.map((g) => [g.state, g.items.map((m) => m.id)])).toEqual([
      ['in_progress', ['now']],
      ['scheduled', ['soon', 'later']],
      ['completed', ['recent', 'old']],
    ]);
  });
});

describe('maintenanceProblem', () => {
  const ok = {
    title: 'DB upgrade',
    body: 'Read-only for 10 minutes',
    startsAt: '2026-03-01T10:00:00Z',
    endsAt: '2026-03-01T11:00:00Z',
  };
  it.each([
    [{}, null],
    [{ title: '  ' }, 'Give it a title.'],
    [{ body: '' }, 'Say what will happen, for customers.'],
    [{ endsAt: null }, 'Choose when it starts and ends.'],
    [{ endsAt: '2026-03-01T10:00:00Z' }, 'It must end after it starts.'],
    [{ endsAt: '2026-03-01T09:00:00Z' }, 'It must end after it starts.'],
  ])('%j → %s', (change, problem) => {
    expect(maintenanceProblem({ ...ok, ...change })).toBe(problem);
  });
});

describe('splitPreview', () => {
  it('takes the stylesheet out of the document and keeps the markup', () => {
    const html =
      '<!doctype html><html><head><title>Acme status</title><style>:root{--ok:#157a3e}\nbody{margin:0}</style></head>' +
      '<body><h1>Acme</h1></body></html>';
    const { markup, css, imagesLeftOut } = splitPreview(html);
    expect(markup).toBe(
      '<!doctype html><html><head><title>Acme status</title></head><body><h1>Acme</h1></body></html>',
    );
    expect(css).toBe(':root{--ok:#157a3e}\nbody{margin:0}');
    expect(imagesLeftOut).toBe(false);
  });

  it('leaves out images from other sites, which the console may not load, and says so', () => {
    const { markup, imagesLeftOut } = splitPreview(
      '<header><img src="https://cdn.example.com/logo.svg" alt=""><h1>Acme</h1></header>',
    );
    expect(markup).toBe('<header><h1>Acme</h1></header>');
    expect(imagesLeftOut).toBe(true);
  });
});

describe('publicPagePath', () => {
  it.each([
    [undefined, '/status'],
    ['http://127.0.0.1:8080/status', '/status'],
    ['https://vigil.example.com/public/status', '/public/status'],
    ['not a url', '/status'],
  ])('%s → %s', (url, path) => {
    expect(publicPagePath(url)).toBe(path);
  });
});

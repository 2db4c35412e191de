// The list's pure rules: filters to and from the URL, live rows folded into loaded pages, and the
// response-target and phase texts.
import { describe, expect, it } from 'vitest';
import type { Incident, IncidentStreamRow, Page } from '../shared/api.ts';
import {
  activityText,
  applyLive,
  chipCounts,
  filterFromParams,
  matches,
  paramsFromFilter,
  phaseText,
  responseText,
  rowOfIncident,
  rowOfStream,
  SAVED_FILTERS,
  toggleSeverity,
  type ListRow,
} from './incident-list.ts';

const T0 = Date.parse('2026-11-28T10:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

function row(n: number, over: Partial<ListRow> = {}): ListRow {
  return {
    id: `id${n}`,
    number: `INC-20261128-${String(n).padStart(4, '0')}`,
    title: `incident ${n}`,
    severity: 'P1',
    status: 'triggered',
    phase: 'detection',
    service_id: 's1',
    escalation_level: 1,
    created_at: iso(n * 1000),
    updated_at: iso(n * 1000),
    ack_due_at: iso(n * 1000 + 15 * 60_000),
    acknowledged_at: null,
    resolved_at: null,
    phase_due_at: iso(n * 1000 + 5 * 60_000),
    commander: null,
    ...over,
  };
}

const page = (...rows: ListRow[]): Page<ListRow> => ({ data: rows, next_cursor: null });
const open = filterFromParams(new URLSearchParams());

describe('filters in the URL', () => {
  it.each([
    ['', { status: ['triggered', 'acknowledged'], severity: [], service_id: undefined }],
    ['status=all', { status: [], severity: [], service_id: undefined }],
    ['status=resolved&severity=P0,P1&service=s9', { status: ['resolved'], severity: ['P0', 'P1'], service_id: 's9' }],
    ['status=bogus,resolved&severity=P7,P2', { status: ['resolved'], severity: ['P2'], service_id: undefined }],
  ])('%s', (query, filter) => {
    expect(filterFromParams(new URLSearchParams(query))).toEqual(filter);
  });

  it('round-trips, leaving the default out of the URL', () => {
    for (const query of ['', 'status=all', 'status=resolved&severity=P0%2CP1&service=s9', 'severity=P3']) {
      expect(paramsFromFilter(filterFromParams(new URLSearchParams(query))).toString()).toBe(query);
    }
  });

  it('matches on every given field', () => {
    expect(matches(row(1), open)).toBe(true);
    expect(matches(row(1, { status: 'resolved' }), open)).toBe(false);
    expect(matches(row(1), { severity: ['P0'] })).toBe(false);
    expect(matches(row(1), { service_id: 's2' })).toBe(false);
    expect(matches(row(1, { status: 'resolved' }), { status: [] })).toBe(true);
  });
});

describe('applyLive', () => {
  it('puts a new matching incident on top of the first page and ignores one that does not match', () => {
    const pages = [page(row(2), row(1))];
    const next = applyLive(
      pages,
      [
        { kind: 'created', row: row(3) },
        { kind: 'created', row: row(4, { severity: 'P3' }) },
      ],
      { ...open, severity: ['P1'] },
    );
    expect(next[0]?.data.map((r) => r.id)).toEqual(['id3', 'id2', 'id1']);
  });

  it('replaces a changed row in place, on whichever page holds it', () => {
    const pages = [page(row(4), row(3)), page(row(2), row(1))];
    const next = applyLive(
      pages,
      [{ kind: 'updated', row: row(2, { status: 'acknowledged', acknowledged_at: iso(60_000) }) }],
      open,
    );
    expect(next[0]).toBe(pages[0]);
    expect(next[1]?.data.map((r) => [r.id, r.status])).toEqual([
      ['id2', 'acknowledged'],
      ['id1', 'triggered'],
    ]);
  });

  it(
    'drops a row that no longer matches (resolved under ' + 'the open filter) and keeps the last of several changes',
    () => {
      const pages = [page(row(2), row(1))];
      const next = applyLive(
        pages,
        [
          { kind: 'updated', row: row(1, { status: 'acknowledged' }) },
          { kind: 'updated', row: row(1, { status: 'resolved' }) },
        ],
        open,
      );
      expect(next[0]?.data.map((r) => r.id)).toEqual(['id2']);
    },
  );

  it(
    'leaves a change of an incident older than everything ' + 'loaded to the page that will bring it (no duplicates)',
    () => {
      const pages = [page(row(9), row(8)), page(row(7), row(6))];
      expect(applyLive(pages, [{ kind: 'updated', row: row(3, { escalation_level: 2 }) }], open)).toBe(pages);
    },
  );

  it(
    'brings back an unloaded incident that now matches (reopened), ' +
      'and returns the same pages when nothing changed',
    () => {
      const pages = [page(row(5), row(2))];
      expect(applyLive(pages, [{ kind: 'updated', row: row(3, { status: 'resolved' }) }], open)).toBe(pages);
      const next = applyLive(pages, [{ kind: 'updated', row: row(3, { status: 'triggered' }) }], open);
      expect(next[0]?.data.map((r) => r.id)).toEqual(['id3', 'id5', 'id2']);
    },
  );
});

describe('chips and saved filters', () => {
  const groups = [
    { status: 'triggered', severity: 'P0', count: 2 },
    { status: 'triggered', severity: 'P2', count: 5 },
    { status: 'acknowledged', severity: 'P0', count: 1 },
    { status: 'resolved', severity: 'P1', count: 40 },
  ] as const;

  it('counts each status chip within the chosen severities and each severity chip within the chosen statuses', () => {
    // Open, Triggered, Acknowledged, Resolved, All
    expect(chipCounts([...groups], open)).toEqual({
      status: [8, 7, 1, 40, 48],
      severity: { P0: 3, P1: 0, P2: 5, P3: 0 },
    });
    expect(chipCounts([...groups], { status: [], severity: ['P0'] })).toEqual({
      status: [3, 2, 1, 0, 3],
      severity: { P0: 3, P1: 40, P2: 5, P3: 0 },
    });
  });

  it('toggles a severity in or out, keeping them in order', () => {
    expect(toggleSeverity({ severity: ['P2'] }, 'P0').severity).toEqual(['P0', 'P2']);
    expect(toggleSeverity({ severity: ['P0', 'P2'] }, 'P0').severity).toEqual(['P2']);
  });

  it('offers saved filters that are plain URLs, the first being the default view', () => {
    expect(SAVED_FILTERS.map((s) => paramsFromFilter(s.filter).toString())).toEqual([
      '',
      'severity=P0%2CP1',
      'status=triggered',
      'status=resolved',
    ]);
  });
});

describe('rows and their commander', () => {
  const user = { id: 'u1', handle: 'lea', name: 'Lea Park' };
  const roles = {
    incident_commander: null,
    technical_lead: null,
    devops_engineer: null,
    security_officer: null,
    communication_lead: null,
  };
  const { commander: _, ...fields } = row(1);

  it('takes the commander from the list and, by handle, from the stream', () => {
    const incident = { ...fields, roles: { ...roles, incident_commander: user } } as unknown as Incident;
    expect(rowOfIncident(incident).commander).toEqual({ handle: 'lea', name: 'Lea Park' });
    const streamed: IncidentStreamRow = { ...fields, roles: { ...roles, incident_commander: 'lea' } };
    expect(rowOfStream(streamed)).toEqual({ ...fields, commander: { handle: 'lea', name: 'lea' } });
  });

  it('keeps the name it knows when the stream names the same commander, and takes a new one as it comes', () => {
    const known = row(1, { commander: { handle: 'lea', name: 'Lea Park' } });
    const same = applyLive(
      [page(known)],
      [{ kind: 'updated', row: row(1, { status: 'acknowledged', commander: { handle: 'lea', name: 'lea' } }) }],
      open,
    );
    expect(same[0]?.data[0]?.commander).toEqual({ handle: 'lea', name: 'Lea Park' });
    const other = applyLive(
      [page(known)],
      [{ kind: 'updated', row: row(1, { commander: { handle: 'sam', name: 'sam' } }) }],
      open,
    );
    expect(other[0]?.data[0]?.commander).toEqual({ handle: 'sam', name: 'sam' });
  });
});

describe('row texts', () => {
  it('counts down to the response target while triggered, then says whether it was met', () => {
    expect(responseText(row(0), T0 + 60_000)).toEqual({ text: 'respond in 14m', late: false });
    expect(responseText(row(0), T0 + 20 * 60_000)).toEqual({ text: 'response 5m overdue', late: true });
    expect(responseText(row(0, { status: 'acknowledged', acknowledged_at: iso(60_000) }), T0 + 20 * 60_000)).toEqual({
      text: 'responded in time',
      late: false,
    });
    expect(responseText(row(0, { status: 'resolved', resolved_at: iso(16 * 60_000) }), T0 + 20 * 60_000)).toEqual({
      text: 'response target missed',
      late: true,
    });
  });

  it('says when the incident last changed, and "now" for a stamp a little ahead of this clock', () => {
    expect(activityText(row(0), T0 + 3 * 60_000)).toBe('3 min. ago');
    expect(activityText(row(0), T0 - 1_000)).toBe('now');
  });

  it('shows the phase with its end, overdue after it, and just the phase once resolved', () => {
    expect(phaseText(row(0), T0 + 60_000)).toEqual({ text: 'detection, ends in 4m', overdue: false });
    expect(phaseText(row(0), T0 + 7 * 60_000)).toEqual({ text: 'detection, 2m overdue', overdue: true });
    expect(phaseText(row(0, { status: 'resolved', phase: 'resolution' }), T0 + 7 * 60_000)).toEqual({
      text: 'resolution',
      overdue: false,
    });
  });
});

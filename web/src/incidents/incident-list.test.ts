// The list's pure rules: filters to and from the URL, live rows folded into loaded pages, and the
// response-target and phase texts.
import { describe, expect, it } from 'vitest';
import type { IncidentRow, Page } from '../shared/api.ts';
import { applyLive, filterFromParams, matches, paramsFromFilter, phaseText, responseText } from './incident-list.ts';

const T0 = Date.parse('2026-11-28T10:00:00Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

function row(n: number, over: Partial<IncidentRow> = {}): IncidentRow {
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
    ...over,
  };
}

const page = (...rows: IncidentRow[]): Page<IncidentRow> => ({ data: rows, next_cursor: null });
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

  it('shows the phase with its end, overdue after it, and just the phase once resolved', () => {
    expect(phaseText(row(0), T0 + 60_000)).toEqual({ text: 'detection, ends in 4m', overdue: false });
    expect(phaseText(row(0), T0 + 7 * 60_000)).toEqual({ text: 'detection, 2m overdue', overdue: true });
    expect(phaseText(row(0, { status: 'resolved', phase: 'resolution' }), T0 + 7 * 60_000)).toEqual({
      text: 'resolution',
      overdue: false,
    });
  });
});

// Follow-ups in words: the due column at a fixed now, the page's order, and the filters' query.
import { describe, expect, it } from 'vitest';
import type { FollowUp } from '../shared/api.ts';
import { byUrgency, DEFAULT_FILTERS, dueText, filterQuery } from './follow-up-words.ts';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const HOUR = 3_600_000;
let n = 0;
const followUp = (over: Partial<FollowUp>): FollowUp => ({
  id: `fu${(n += 1)}`,
  incident_id: 'inc1',
  incident_number: 'INC-20261207-0001',
  postmortem_id: null,
  title: `item ${n}`,
  kind: 'technical',
  owner_id: 'u1',
  owner: 'ana',
  due_at: new Date(NOW + 24 * HOUR).toISOString(),
  priority: 'medium',
  status: 'outstanding',
  reason: null,
  external_url: null,
  overdue: false,
  completed_at: null,
  created_by: { type: 'user', id: 'u1', name: 'ana' },
  created_at: '2026-12-01T00:00:00Z',
  updated_at: '2026-12-01T00:00:00Z',
  ...over,
});

describe('dueText', () => {
  it('reads ahead, overdue and closed follow-ups', () => {
    expect(dueText(followUp({}), NOW)).toBe('due tomorrow');
    expect(dueText(followUp({ due_at: new Date(NOW + 3 * HOUR).toISOString() }), NOW)).toBe('due in 3 hr.');
    expect(dueText(followUp({ due_at: new Date(NOW - 2 * HOUR).toISOString(), overdue: true }), NOW)).toBe(
      'overdue, was due 2 hr. ago',
    );
    expect(
      dueText(followUp({ status: 'completed', completed_at: new Date(NOW - 5 * 60_000).toISOString() }), NOW),
    ).toBe('done 5 min. ago');
    expect(dueText(followUp({ status: 'not_doing', reason: 'x' }), NOW)).toBe('not doing');
  });
});

describe('byUrgency', () => {
  it('puts overdue first, then the nearest due time, then priority; closed ones last in the given order', () => {
    const later = followUp({ title: 'later', due_at: new Date(NOW + 48 * HOUR).toISOString() });
    const soonLow = followUp({ title: 'soon low', priority: 'low', due_at: new Date(NOW + HOUR).toISOString() });
    const soonUrgent = followUp({
      title: 'soon urgent',
      priority: 'urgent',
      due_at: new Date(NOW + HOUR).toISOString(),
    });
    const late = followUp({ title: 'late', overdue: true, due_at: new Date(NOW - HOUR).toISOString() });
    const done1 = followUp({ title: 'done 1', status: 'completed' });
    const done2 = followUp({ title: 'done 2', status: 'not_doing' });
    expect(byUrgency([done1, later, soonLow, done2, late, soonUrgent]).map((f) => f.title)).toEqual([
      'late',
      'soon urgent',
      'soon low',
      'later',
      'done 1',
      'done 2',
    ]);
  });
});

describe('filterQuery', () => {
  it('asks the API for what the filters say', () => {
    expect(filterQuery(DEFAULT_FILTERS)).toBe('?limit=200&status=outstanding');
    expect(
      filterQuery({ mine: true, overdue: true, status: 'any', kind: 'training', incident: ' INC-20261207-0001 ' }),
    ).toBe('?limit=200&owner_id=me&overdue=true&kind=training&incident_id=INC-20261207-0001');
  });
});

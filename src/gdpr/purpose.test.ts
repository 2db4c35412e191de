import { describe, expect, it } from 'vitest';
import { hadVersion, missingFields, policyChange } from './purpose.js';

const complete = {
  name: 'Newsletter',
  dataCategories: ['email'],
  subjectCategories: ['customers'],
  recipients: ['mailer'],
  retentionDays: 365,
  securityMeasures: 'encrypted at rest',
};

describe('missingFields', () => {
  it.each([
    [{}, []],
    [{ name: '  ' }, ['name']],
    [{ dataCategories: [] }, ['data_categories']],
    [{ subjectCategories: [], recipients: [] }, ['subject_categories', 'recipients']],
    [{ retentionDays: null }, ['retention_days']],
    [{ securityMeasures: null }, ['security_measures']],
    [{ securityMeasures: ' ' }, ['security_measures']],
    [
      { dataCategories: [], subjectCategories: [], recipients: [], retentionDays: null, securityMeasures: null },
      ['data_categories', 'subject_categories', 'recipients', 'retention_days', 'security_measures'],
    ],
  ])('%o → %o', (change, missing) => {
    expect(missingFields({ ...complete, ...change })).toEqual(missing);
  });
});

describe('policyChange', () => {
  it.each([
    [1, 1, 'same'],
    [1, 2, 'raise'],
    [3, 10, 'raise'],
    [3, 2, 'refused'],
    [3, 0, 'refused'],
    [3, 2.5, 'refused'],
    [1, -1, 'refused'],
  ])('from %i to %d: %s', (current, requested, kind) => {
    expect(policyChange(current, requested).kind).toBe(kind);
  });

  it('says why a lower version is refused', () => {
    expect(policyChange(3, 2)).toMatchObject({ reason: expect.stringContaining('may only be raised: it is 3') });
  });
});

describe('hadVersion', () => {
  const p = { policyVersions: [1, 3].map((version) => ({ version, since: new Date(0) })) };
  it.each([
    [1, true],
    [2, false],
    [3, true],
    [4, false],
  ])('version %i: %s', (v, had) => expect(hadVersion(p, v)).toBe(had));
});

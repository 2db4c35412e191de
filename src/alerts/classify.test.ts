import { describe, expect, it } from 'vitest';
import { categoriesOf, classify, DEFAULT_RULES, type Classifiable, type Rule } from './classify.js';

const base: Classifiable = { severity: 'warning', summary: 'something', source: 'host-1' };

describe('classify with the seed defaults', () => {
  it.each([
    ['class outage', { class: 'outage' }, 'P0', 'seed.p0_class'],
    ['class "Complete Outage" (spaces, case)', { class: 'Complete Outage' }, 'P0', 'seed.p0_class'],
    ['class data-loss', { class: 'data-loss' }, 'P0', 'seed.p0_class'],
    ['class gdpr_violation', { class: 'gdpr_violation' }, 'P0', 'seed.p0_class'],
    ['category payment_failure', { customDetails: { category: 'payment_failure' } }, 'P0', 'seed.p0_category'],
    ['category security_breach', { customDetails: { category: 'security_breach' } }, 'P0', 'seed.p0_category'],
    ['100 % of users', { customDetails: { users_affected_pct: 100 } }, 'P0', 'seed.p0_all_users'],
    ['"100" % of users as a string', { customDetails: { users_affected_pct: '100' } }, 'P0', 'seed.p0_all_users'],
    ['51 % of users', { customDetails: { users_affected_pct: 51 } }, 'P1', 'seed.p1_most_users'],
    ['exactly 50 % of users falls through', { customDetails: { users_affected_pct: 50 } }, 'P3', 'severity.warning'],
    ['latency +201 %', { customDetails: { latency_degradation_pct: 201 } }, 'P1', 'seed.p1_latency_over_200'],
    ['latency +200 %', { customDetails: { latency_degradation_pct: 200 } }, 'P2', 'seed.p2_latency_100_200'],
    ['latency +100 %', { customDetails: { latency_degradation_pct: 100 } }, 'P2', 'seed.p2_latency_100_200'],
    ['latency +99 % falls through', { customDetails: { latency_degradation_pct: 99 } }, 'P3', 'severity.warning'],
    ['class edge_function_failure', { class: 'edge_function_failure' }, 'P1', 'seed.p1_class'],
    ['class database_connection', { class: 'database_connection' }, 'P1', 'seed.p1_class'],
    ['class authentication', { class: 'authentication' }, 'P1', 'seed.p1_class'],
    ['severity critical', { severity: 'critical' }, 'P1', 'severity.critical'],
    ['severity error', { severity: 'error' }, 'P2', 'severity.error'],
    ['severity warning', { severity: 'warning' }, 'P3', 'severity.warning'],
    ['severity info opens no incident', { severity: 'info' }, null, 'severity.info'],
    ['an info event about an outage is still P0', { severity: 'info', class: 'outage' }, 'P0', 'seed.p0_class'],
    [
      'a non-numeric percentage is ignored',
      { customDetails: { users_affected_pct: 'lots' } },
      'P3',
      'severity.warning',
    ],
    [
      'a nested object where a number is expected is ignored',
      { customDetails: { users_affected_pct: { v: 90 } } },
      'P3',
      'severity.warning',
    ],
    [
      'custom_details that is a string is ignored',
      { customDetails: 'users_affected_pct=100' },
      'P3',
      'severity.warning',
    ],
  ] as const)('%s → %s', (_name, extra, severity, rule) => {
    expect(classify({ ...base, ...extra } as Classifiable)).toEqual({ severity, rule });
  });
});

describe('service rules come first', () => {
  const rules: Rule[] = [
    {
      name: 'payments.checkout',
      when: [
        { field: 'component', op: 'eq', value: 'checkout' },
        { field: 'severity', op: 'in', value: ['error', 'critical'] },
      ],
      severity: 'P0',
    },
    {
      name: 'payments.nightly',
      when: [{ field: 'summary', op: 'contains', value: 'nightly batch' }],
      severity: 'none',
    },
    ...DEFAULT_RULES,
  ];
  it.each([
    ['all conditions match', { component: 'checkout', severity: 'error' }, 'P0', 'payments.checkout'],
    ['one condition fails', { component: 'checkout', severity: 'warning' }, 'P3', 'severity.warning'],
    [
      'summary contains, case-insensitive',
      { summary: 'Nightly Batch late', severity: 'critical' },
      null,
      'payments.nightly',
    ],
    ['nested custom_details path', { customDetails: { db: { replica: 'lagging' } } }, 'P3', 'severity.warning'],
  ] as const)('%s', (_name, extra, severity, rule) => {
    expect(classify({ ...base, ...extra } as Classifiable, rules)).toEqual({ severity, rule });
  });
  it('walks nested custom_details paths', () => {
    const nested: Rule[] = [
      { name: 'db.lag', when: [{ field: 'custom_details.db.lag_s', op: 'gte', value: 30 }], severity: 'P2' },
    ];
    expect(classify({ ...base, customDetails: { db: { lag_s: 31 } } }, nested)).toEqual({
      severity: 'P2',
      rule: 'db.lag',
    });
    expect(classify({ ...base, customDetails: { db: { lag_s: 29 } } }, nested)).toEqual({
      severity: null,
      rule: 'unmatched',
    });
  });
});

describe('the categories an event names', () => {
  it.each([
    [{}, []],
    [{ class: 'GDPR Violation' }, ['gdpr_violation']],
    [{ customDetails: { category: 'data-loss' } }, ['data_loss']],
    [{ class: 'outage', customDetails: { category: 'security_breach' } }, ['outage', 'security_breach']],
    [{ class: 'data_loss', customDetails: { category: 'Data Loss' } }, ['data_loss']],
    [{ class: '  ', customDetails: { category: 42 } }, []],
  ])('%j → %j', (extra, expected) => {
    expect(categoriesOf({ ...base, ...extra })).toEqual(expected);
  });
});

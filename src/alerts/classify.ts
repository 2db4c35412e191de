// Classification of alert events into the seed's P0–P3 (or no incident at all). Rules are data so
// services can carry their own; the first rule whose conditions all match decides.
import type { Severity } from '../incident.js';

/** PagerDuty's event severities, which every accepted format is mapped onto. */
export const EVENT_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

/** The fields of an event that rules can look at. */
export interface Classifiable {
  severity: EventSeverity;
  summary: string;
  source: string;
  class?: string | undefined;
  component?: string | undefined;
  group?: string | undefined;
  customDetails?: unknown;
}

export type Operator = 'in' | 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains';

export interface Condition {
  /** `severity`, `summary`, `source`, `class`, `component`, `group` or `custom_details.<path>`. */
  field: string;
  op: Operator;
  value: string | number | Array<string | number>;
}

export interface Rule {
  name: string;
  when: Condition[];
  /** `none` records the alert without opening an incident. */
  severity: Severity | 'none';
}

export interface Classification {
  severity: Severity | null;
  rule: string;
}

const SEED_P0_CATEGORIES = [
  'outage',
  'complete_outage',
  'data_loss',
  'data_corruption',
  'security_breach',
  'payment_failure',
  'gdpr_violation',
];
const SEED_P1_CLASSES = ['edge_function_failure', 'database_connection', 'authentication'];

/**
 * The seed runbook's severity levels as rules: P0 for outages, data loss, breaches, payment and GDPR
 * failures or all users affected; P1 for > 50 % of users, > 200 % latency, edge function, database
 * connection and authentication problems; P2 for 100–200 % latency; then the event's own severity.
 */
export const DEFAULT_RULES: readonly Rule[] = Object.freeze([
  { name: 'seed.p0_class', when: [{ field: 'class', op: 'in', value: SEED_P0_CATEGORIES }], severity: 'P0' },
  {
    name: 'seed.p0_category',
    when: [{ field: 'custom_details.category', op: 'in', value: SEED_P0_CATEGORIES }],
    severity: 'P0',
  },
  {
    name: 'seed.p0_all_users',
    when: [{ field: 'custom_details.users_affected_pct', op: 'gte', value: 100 }],
    severity: 'P0',
  },
  {
    name: 'seed.p1_most_users',
    when: [{ field: 'custom_details.users_affected_pct', op: 'gt', value: 50 }],
    severity: 'P1',
  },
  {
    name: 'seed.p1_latency_over_200',
    when: [{ field: 'custom_details.latency_degradation_pct', op: 'gt', value: 200 }],
    severity: 'P1',
  },
  {
    name: 'seed.p2_latency_100_200',
    when: [{ field: 'custom_details.latency_degradation_pct', op: 'gte', value: 100 }],
    severity: 'P2',
  },
  { name: 'seed.p1_class', when: [{ field: 'class', op: 'in', value: SEED_P1_CLASSES }], severity: 'P1' },
  { name: 'severity.critical', when: [{ field: 'severity', op: 'eq', value: 'critical' }], severity: 'P1' },
  { name: 'severity.error', when: [{ field: 'severity', op: 'eq', value: 'error' }], severity: 'P2' },
  { name: 'severity.warning', when: [{ field: 'severity', op: 'eq', value: 'warning' }], severity: 'P3' },
  { name: 'severity.info', when: [{ field: 'severity', op: 'eq', value: 'info' }], severity: 'none' },
]);

/** "Complete Outage" and "complete-outage" both read as complete_outage. */
function norm(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim().replace(/%$/, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Reads a field from the event; custom_details paths walk nested objects. */
export function fieldValue(event: Classifiable, field: string): unknown {
  if (field.startsWith('custom_details.')) {
    let current: unknown = event.customDetails;
    for (const key of field.slice('custom_details.'.length).split('.')) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  }
  switch (field) {
    case 'severity':
      return event.severity;
    case 'summary':
      return event.summary;
    case 'source':
      return event.source;
    case 'class':
      return event.class;
    case 'component':
      return event.component;
    case 'group':
      return event.group;
    default:
      return undefined;
  }
}

export function matches(event: Classifiable, c: Condition): boolean {
  const actual = fieldValue(event, c.field);
  if (actual === undefined || actual === null) return false;
  switch (c.op) {
    case 'in': {
      const options = (Array.isArray(c.value) ? c.value : [c.value]).map((v) => norm(String(v)));
      return typeof actual === 'string' || typeof actual === 'number' ? options.includes(norm(String(actual))) : false;
    }
    case 'eq':
      return typeof actual === 'string' || typeof actual === 'number'
        ? norm(String(actual)) === norm(String(c.value))
        : false;
    case 'contains':
      return typeof actual === 'string' && actual.toLowerCase().includes(String(c.value).toLowerCase());
    default: {
      const a = numberOf(actual);
      const b = numberOf(c.value);
      if (a === undefined || b === undefined) return false;
      return c.op === 'gt' ? a > b : c.op === 'gte' ? a >= b : c.op === 'lt' ? a < b : a <= b;
    }
  }
}

/**
 * The categories an event names, normalized: its `class` and its `custom_details.category` (the two fields
 * the seed's P0 rules look at). Carried to the incident it opens, so reactions can tell a GDPR violation
 * from an outage although both are P0.
 */
export function categoriesOf(event: Classifiable): string[] {
  const named = [fieldValue(event, 'class'), fieldValue(event, 'custom_details.category')];
  return [...new Set(named.flatMap((v) => (typeof v === 'string' && v.trim() !== '' ? [norm(v)] : [])))];
}

/** The first matching rule of `rules` (a service's own first, then the defaults) decides the severity. */
export function classify(event: Classifiable, rules: readonly Rule[] = DEFAULT_RULES): Classification {
  for (const rule of rules) {
    if (rule.when.every((c) => matches(event, c))) {
      return { severity: rule.severity === 'none' ? null : rule.severity, rule: rule.name };
    }
  }
  return { severity: null, rule: 'unmatched' };
}

// What every invariant check returns: a figure for the table, whether it holds, and the evidence for
// each violation (incident and delivery ids), so a failing run says where to look.

export interface Violation {
  detail: string;
  incidentIds: string[];
  deliveryIds: string[];
}

export interface InvariantResult {
  key: string;
  title: string;
  /** The figure shown in the table, e.g. "0 of 1,234". */
  figure: string;
  holds: boolean;
  violations: Violation[];
  /** Further counts worth reading that do not decide the outcome. */
  notes: string[];
}

export function violation(
  detail: string,
  incidentIds: Array<string | null | undefined> = [],
  deliveryIds: string[] = [],
) {
  return {
    detail,
    incidentIds: [...new Set(incidentIds.filter((x): x is string => typeof x === 'string'))],
    deliveryIds: [...new Set(deliveryIds)],
  } satisfies Violation;
}

/** Nearest-rank percentile of `values` (0 < p ≤ 100); null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const count = (n: number): string => n.toLocaleString('en-US');
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
export const iso = (ms: number): string => new Date(ms).toISOString();

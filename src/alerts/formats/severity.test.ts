import { describe, expect, it } from 'vitest';
import { SEVERITY_SYNONYMS, severityFromLabel } from './severity.js';

describe('severityFromLabel', () => {
  it.each([
    ['critical', 'critical'],
    ['page', 'critical'],
    ['P1', 'critical'],
    ['p0', 'critical'],
    ['SEV-1', 'critical'],
    ['sev_0', 'critical'],
    ['High', 'critical'],
    ['major', 'critical'],
    ['fatal', 'critical'],
    ['emergency', 'critical'],
    ['alert', 'critical'],
    ['error', 'error'],
    ['err', 'error'],
    ['p2', 'error'],
    ['sev 2', 'error'],
    ['medium', 'error'],
    ['warning', 'warning'],
    ['warn', 'warning'],
    ['low', 'warning'],
    ['minor', 'warning'],
    ['P3', 'warning'],
    ['info', 'info'],
    ['informational', 'info'],
    ['none', 'info'],
    ['ok', 'info'],
    ['p4', 'info'],
    ['P5', 'info'],
    ['debug', 'info'],
    ['  Critical  ', 'critical'],
    ['unknown-level', 'warning'],
    ['', 'warning'],
    ['constructor', 'warning'],
    ['__proto__', 'warning'],
  ] as const)('%j → %s', (label, expected) => {
    expect(severityFromLabel(label)).toBe(expected);
  });

  it('reads a missing label as warning', () => {
    expect(severityFromLabel(undefined)).toBe('warning');
  });

  it('maps every listed synonym to its own severity, and no spelling twice', () => {
    const all = Object.values(SEVERITY_SYNONYMS).flat();
    expect(new Set(all).size).toBe(all.length);
    for (const [severity, names] of Object.entries(SEVERITY_SYNONYMS)) {
      for (const name of names) expect(severityFromLabel(name)).toBe(severity);
    }
  });
});

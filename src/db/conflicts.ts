// Errors after which the same work, run again, can succeed: PostgreSQL aborted the transaction to break a
// deadlock (40P01) or a serialization conflict (40001) and rolled everything in it back. Anything else is a
// real failure. SQLite reports neither (its one writer serializes transactions).

export type Conflict = 'deadlock' | 'serialization';

const CODES: Record<string, Conflict> = { '40P01': 'deadlock', '40001': 'serialization' };

/** The kind of conflict `error` reports, or null when running the work again would not help. */
export function conflictOf(error: unknown): Conflict | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? (CODES[code] ?? null) : null;
}

// Errors after which the same work, run again, can succeed: PostgreSQL aborted the transaction to break a
// deadlock (40P01) or a serialization conflict (40001) and rolled everything in it back; or the database
// could not be reached at all (down, restarting, out of connections, or SQLite busy past its timeout).
// Anything else is a real failure.

export type Conflict = 'deadlock' | 'serialization';

const CODES: Record<string, Conflict> = { '40P01': 'deadlock', '40001': 'serialization' };

/** The kind of conflict `error` reports, or null when running the work again would not help. */
export function conflictOf(error: unknown): Conflict | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? (CODES[code] ?? null) : null;
}

/** Connection-level codes: Node's socket errors; PostgreSQL's shutdowns, start-up and too many clients (and 08xxx). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'SQLITE_BUSY',
]);

/** What node-postgres says when a connection dies or none can be had in time (these carry no code). */
const UNREACHABLE_MESSAGES = new RegExp(
  [
    'Connection terminated',
    'timeout exceeded when trying to connect',
    'Client has encountered a connection error',
    'Client was closed',
  ].join('|'),
  'i',
);

/**
 * Whether `error` says the database could not be reached (rather than that the work was wrong): the request
 * should be answered 503 with Retry-After, and nothing it asked for was committed.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true;
  return error instanceof Error && UNREACHABLE_MESSAGES.test(error.message);
}

// Session secrets and the CSRF token derived from them. The CSRF token is an HMAC of the session
// secret, so it is never stored, can be handed out again by GET /api/v1/session, and does not reveal
// the secret it came from.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_PREFIX = 'vgs_';

/** A new session secret: "vgs_" and 43 base64url characters (32 random bytes). */
export function generateSessionSecret(): string {
  return SESSION_PREFIX + randomBytes(32).toString('base64url');
}

export function csrfTokenOf(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('vigil csrf v1').digest('base64url');
}

/** Compares in constant time; anything but the exact token (missing, repeated, other length) is a mismatch. */
export function csrfMatches(sessionSecret: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfTokenOf(sessionSecret));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

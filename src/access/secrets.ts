// Generating and digesting secrets. Tokens carry 256 random bits, so a fast SHA-256 digest is enough:
// there is nothing to brute-force that a slow hash would protect.
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'vgl_';

/** A new token: its prefix ("vgl_" for API tokens) and 43 base64url characters (32 random bytes). */
export function generateToken(prefix = TOKEN_PREFIX): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** What is stored instead of a secret. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A short, harmless reminder of which token this is, e.g. "vgl_Xy3k…". */
export function hintOf(secret: string): string {
  return `${secret.slice(0, 8)}…`;
}

const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A 32-character [a-z0-9] integration key, as PagerDuty routing keys are; unbiased by rejection sampling. */
export function generateIntegrationKey(): string {
  let key = '';
  while (key.length < 32) {
    for (const byte of randomBytes(48)) {
      // 252 = 7 × 36: bytes at or above it would favour the first letters.
      if (byte < 252 && key.length < 32) key += KEY_ALPHABET[byte % 36];
    }
  }
  return key;
}

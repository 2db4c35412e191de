// Password rules and argon2id digests. The digest is a PHC string ("$argon2id$v=19$m=…") that carries
// its own salt and cost, so raising the cost later still verifies the old digests.
import argon2 from 'argon2';
import { AppError } from '../errors.js';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;

/** OWASP's argon2id floor (19 MiB, 2 passes, 1 lane): ~20 ms here, slow enough against offline guessing. */
const COST = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Throws a 400 naming `field` unless the password has 12 to 1024 characters. */
export function checkPassword(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
    throw new AppError('user.invalid_password', `${field} must have ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`, {
      field,
      min: PASSWORD_MIN,
      max: PASSWORD_MAX,
    });
  }
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, COST);
}

/** True when `password` matches `digest`; a malformed digest is a mismatch, not an error. */
export async function verifyPassword(digest: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(digest, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Verifies against a digest of a random password: a sign-in for a handle that does not exist (or
 * has no password) costs the same time as a wrong password, so timing does not tell who exists.
 */
export async function verifyDummy(password: string): Promise<false> {
  dummy ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  await verifyPassword(await dummy, password);
  return false;
}

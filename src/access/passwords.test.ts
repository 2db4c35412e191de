import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { checkPassword, hashPassword, verifyDummy, verifyPassword } from './passwords.js';
import { csrfMatches, csrfTokenOf, generateSessionSecret } from './session-secret.js';

describe('passwords', () => {
  it.each([
    ['x'.repeat(11), false],
    ['x'.repeat(12), true],
    ['é'.repeat(12), true],
    ['😀'.repeat(12), true],
    ['x'.repeat(1024), true],
    ['x'.repeat(1025), false],
  ])('checkPassword(%#) accepts 12 to 1024 characters', (password, ok) => {
    if (ok) expect(() => checkPassword(password)).not.toThrow();
    else {
      const error = (() => {
        try {
          checkPassword(password);
        } catch (e) {
          return e;
        }
      })() as AppError;
      expect(error).toBeInstanceOf(AppError);
      expect(error.code).toBe('user.invalid_password');
      expect(error.details).toMatchObject({ field: 'password' });
    }
  });

  it('digests with argon2id, salted, and verifies only the same password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(a, 'correct horse batterY')).toBe(false);
    expect(await verifyPassword('not a digest', 'correct horse battery')).toBe(false);
    expect(await verifyDummy('anything at all')).toBe(false);
  });
});

describe('session secrets and CSRF tokens', () => {
  it('derives a CSRF token that matches only its own session and does not contain the secret', () => {
    const secret = generateSessionSecret();
    expect(secret).toMatch(/^vgs_[A-Za-z0-9_-]{43}$/);
    const csrf = csrfTokenOf(secret);
    expect(csrf).toBe(csrfTokenOf(secret));
    expect(secret).not.toContain(csrf);
    expect(csrfMatches(secret, csrf)).toBe(true);
    expect(csrfMatches(generateSessionSecret(), csrf)).toBe(false);
    for (const bad of [undefined, '', csrf.slice(1), `${csrf}x`, [csrf, csrf], secret])
      expect(csrfMatches(secret, bad)).toBe(false);
  });
});

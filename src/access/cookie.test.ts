import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, readCookie, sessionCookie } from './cookie.js';

describe('sessionCookie', () => {
  it('is HttpOnly, SameSite=Strict, Path=/, with Max-Age, and Secure only over TLS', () => {
    expect(sessionCookie('vgs_abc', { secure: false, maxAgeSeconds: 604800 })).toBe(
      'vigil_session=vgs_abc; Path=/; Max-Age=604800; HttpOnly; SameSite=Strict',
    );
    expect(sessionCookie('vgs_abc', { secure: true, maxAgeSeconds: 604800 })).toBe(
      'vigil_session=vgs_abc; Path=/; Max-Age=604800; HttpOnly; SameSite=Strict; Secure',
    );
    expect(sessionCookie('x', { secure: false, maxAgeSeconds: -5.5 })).toContain('Max-Age=0;');
  });

  it('is cleared with an empty value that expires at once', () => {
    expect(clearedSessionCookie(false)).toBe(
      'vigil_session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict',
    );
    expect(clearedSessionCookie(true)).toMatch(/; Secure$/);
  });
});

describe('readCookie', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['vigil_session=abc', 'abc'],
    ['a=1; vigil_session=abc; b=2', 'abc'],
    ['a=1;vigil_session=abc', 'abc'],
    ['vigil_session="abc"', 'abc'],
    ['vigil_session=', undefined],
    ['vigil_session=first; vigil_session=second', 'first'],
    ['xvigil_session=abc', undefined],
    ['vigil_sessionx=abc', undefined],
    ['garbage; ;;=; vigil_session=a=b', 'a=b'],
  ])('%j → %j', (header, expected) => {
    expect(readCookie(header, 'vigil_session')).toBe(expected);
  });
});

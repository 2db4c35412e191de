// The session cookie: building Set-Cookie values and reading the Cookie header, without a dependency.

export const SESSION_COOKIE = 'vigil_session';

export interface CookieOptions {
  /** Add Secure (the request came over TLS). */
  secure: boolean;
  maxAgeSeconds: number;
}

/** `vigil_session=<secret>; Path=/; Max-Age=…; HttpOnly; SameSite=Strict[; Secure]`. */
export function sessionCookie(secret: string, { secure, maxAgeSeconds }: CookieOptions): string {
  return [
    `${SESSION_COOKIE}=${secret}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** A Set-Cookie value that makes the browser forget the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'Max-Age=0',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** The value of cookie `name` in a Cookie header (the first one when repeated), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value || undefined;
  }
  return undefined;
}

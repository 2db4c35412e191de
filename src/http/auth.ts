// Bearer-token authentication for /api/*, /functions/* and /verify: 401 without a valid token. Roles are
// checked by the services (403), so every caller path is covered, not just HTTP.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clearedSessionCookie, csrfMatches, readCookie, SESSION_COOKIE, type Actor } from '../access/index.js';
import { type Session, type SessionsService, type TokensService } from '../credentials/index.js';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    /** Set when the request was authenticated by the session cookie rather than a bearer token. */
    session?: { record: Session; secret: string };
  }
}

/** Signing in is how one gets credentials, so POST here needs none. */
export const SESSION_PATH = '/api/v1/session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const PROTECTED = ['/api/', '/functions/'];
/** The runbook's own paths outside those prefixes (its curl commands keep their paths). */
const PROTECTED_PATHS = new Set(['/verify']);
const PUBLIC = new Set(['/api/v1/openapi.json']);

/** Webhook URLs carry the integration key as their credential (Alertmanager and Grafana cannot all send tokens). */
const INTEGRATIONS = '/api/v1/integrations/';
/** Heartbeat URLs carry the monitor's heartbeat token as their credential (cron jobs ping them with plain curl). */
const HEARTBEATS = '/api/v1/heartbeats/';
/** Runner routes take runner tokens only, checked by their own hook (routes/runner.ts); API tokens fail there. */
export const RUNNER_ROUTES = '/api/v1/runner/';

export function requiresToken(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return (
    PROTECTED_PATHS.has(path) ||
    (PROTECTED.some((prefix) => path.startsWith(prefix)) &&
      !PUBLIC.has(path) &&
      !path.startsWith(INTEGRATIONS) &&
      !path.startsWith(HEARTBEATS) &&
      !path.startsWith(RUNNER_ROUTES))
  );
}

/**
 * Secure when the request itself came over TLS, or when VIGIL_PUBLIC_URL says people reach Vigil by
 * https (behind a TLS-terminating proxy the server sees http; forwarded headers are not trusted).
 */
export const secureCookie = (request: FastifyRequest, publicUrl: string | undefined) =>
  request.protocol === 'https' || (publicUrl?.startsWith('https://') ?? false);

/**
 * An onRequest hook factory: resolves the bearer token to an Actor or answers 401. Without an
 * Authorization header, a valid vigil_session cookie authenticates instead (with `sessions`), and
 * then POST, PUT, PATCH and DELETE must carry the session's X-CSRF-Token header (403 auth.csrf).
 */
export function bearerAuth(tokens: TokensService, sessions?: SessionsService, publicUrl?: string) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // The matched route, not the raw URL: the router decodes "/%61pi/…" to "/api/…", and a check on
    // the raw text would let such a request reach the handler with no actor. Unmatched URLs use the raw path.
    const path = request.routeOptions.url ?? request.url;
    if (!requiresToken(path)) return;
    if (sessions && request.method === 'POST' && path === SESSION_PATH) return;
    const header = request.headers.authorization;
    const cookie = header === undefined && sessions ? readCookie(request.headers.cookie, SESSION_COOKIE) : undefined;
    if (cookie !== undefined && sessions) {
      const found = await sessions.authenticate(cookie, request.id);
      if (!found) {
        void reply.header('set-cookie', clearedSessionCookie(secureCookie(request, publicUrl)));
        throw new AppError('auth.unauthorized', 'the session has ended or is unknown; sign in again');
      }
      if (UNSAFE.has(request.method) && !csrfMatches(cookie, request.headers['x-csrf-token'])) {
        throw new AppError(
          'auth.csrf',
          "a request signed in by cookie must send the session's X-CSRF-Token header",
          undefined,
          'forbidden',
        );
      }
      request.actor = found.actor;
      request.session = { record: found.session, secret: cookie };
      return;
    }
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      throw new AppError('auth.unauthorized', 'missing "Authorization: Bearer <token>" header');
    }
    const actor = await tokens.authenticate(match[1], request.id);
    if (!actor) throw new AppError('auth.unauthorized', 'the token is unknown, revoked, or its user is deactivated');
    request.actor = actor;
  };
}

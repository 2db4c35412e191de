// The console's one door to the server: same-origin fetch with the session cookie, and the CSRF token
// (from the sign-in answer or GET /api/v1/session) on every unsafe request.
import type { Incident, Service, Session, Severity, Status } from './api-types.gen.ts';

// Every shape the server answers with is generated from its schemas (scripts/api-types.ts), re-exported
// here so that screens import API types from this one file; the two older names stay as aliases.
export type * from './api-types.gen.ts';
export type { Alert as AlertRow, Incident as IncidentDetail } from './api-types.gen.ts';

/** The list envelope every collection answers with. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** An answer other than 2xx, with the server's stable error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error body's `details` (e.g. `{ field: 'params.x' }` on a 422), when it has any. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** Remembers the session's CSRF token (null after signing out). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Sends one request with a JSON body (if any) and the CSRF token on unsafe methods, accepting `accept`. */
function send(method: string, path: string, body: unknown, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  return fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The ApiError of an answer other than 2xx, from the server's JSON error body when it has one. */
async function failure(response: Response): Promise<ApiError> {
  const json = (await response.json().catch(() => null)) as {
    error?: { code?: string; message?: string; details?: unknown };
  } | null;
  const error = json?.error;
  return new ApiError(
    response.status,
    error?.code ?? 'http.error',
    error?.message ?? `HTTP ${response.status}`,
    error?.details,
  );
}

/** Calls the API and returns the parsed JSON body (undefined for 204). */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(method, path, body, 'application/json');
  if (response.status === 204) return undefined as T;
  if (!response.ok) throw await failure(response);
  return (await response.json().catch(() => null)) as T;
}

/** Calls the API for a document that is not JSON (a page's HTML) and returns its text. */
export async function apiText(method: string, path: string, body?: unknown): Promise<string> {
  const response = await send(method, path, body, 'text/html, text/plain');
  if (!response.ok) throw await failure(response);
  return response.text();
}

export type Credentials = { handle: string; password: string } | { token: string };

// The session cookie is HttpOnly, so the page cannot see it. This flag remembers that this browser
// signed in, so a visitor who never did gets the sign-in screen without a 401 from GET /session
// (which the browser would log as an error). A stale flag costs one 401, after which it is cleared.
const SIGNED_IN = 'vigil.signed-in';

function remember(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN, '1');
    else localStorage.removeItem(SIGNED_IN);
  } catch {
    // Storage can be disabled; then every visit asks the server.
  }
}

function mayBeSignedIn(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN) !== null;
  } catch {
    return true;
  }
}

export async function signIn(credentials: Credentials): Promise<Session> {
  const session = await api<Session>('POST', '/api/v1/session', credentials);
  setCsrfToken(session.csrf_token);
  remember(true);
  return session;
}

/** The current session, or null when not signed in. */
export async function currentSession(): Promise<Session | null> {
  if (!mayBeSignedIn()) return null;
  try {
    const session = await api<Session>('GET', '/api/v1/session');
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 404)) {
      remember(false);
      return null;
    }
    throw error;
  }
}

export async function signOut(): Promise<void> {
  remember(false);
  await api<void>('DELETE', '/api/v1/session');
  setCsrfToken(null);
}

export interface IncidentFilter {
  status?: Status[];
  severity?: Severity[];
  service_id?: string;
}

/** The query string of a list request: filters, page size and cursor. */
export function incidentQuery(filter: IncidentFilter, limit: number, cursor?: string | null): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (filter.status?.length) q.set('status', filter.status.join(','));
  if (filter.severity?.length) q.set('severity', filter.severity.join(','));
  if (filter.service_id) q.set('service_id', filter.service_id);
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

export const listIncidents = (filter: IncidentFilter, cursor?: string | null) =>
  api<Page<Incident>>('GET', `/api/v1/incidents?${incidentQuery(filter, 100, cursor)}`);
export const listServices = () => api<Page<Service>>('GET', '/api/v1/services?limit=100');
export const acknowledge = (id: string) =>
  api<Incident>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/acknowledge`, {});
export const resolve = (id: string) => api<Incident>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/resolve`, {});

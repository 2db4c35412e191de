// The console's one door to the server: same-origin fetch with the session cookie, and the CSRF token
// (from the sign-in answer or GET /api/v1/session) on every unsafe request.

export type Role = 'viewer' | 'responder' | 'admin';
export type Severity = 'P0' | 'P1' | 'P2' | 'P3';
export type Status = 'triggered' | 'acknowledged' | 'resolved';

export interface Session {
  user: { id: string; handle: string; name: string };
  role: Role;
  expires_at: string;
  idle_expires_at: string;
  csrf_token: string;
}

export type Phase = 'detection' | 'investigation' | 'mitigation' | 'resolution';

/** What the list shows: the fields that both GET /api/v1/incidents and the stream's rows carry. */
export interface IncidentRow {
  id: string;
  /** INC-YYYYMMDD-NNNN */
  number: string;
  title: string;
  severity: Severity;
  status: Status;
  phase: Phase;
  service_id: string | null;
  escalation_level: number;
  created_at: string;
  updated_at: string;
  ack_due_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  phase_due_at: string | null;
}

/** GET /api/v1/incidents/{id}. */
export interface Incident extends IncidentRow {
  description: string | null;
  impact: string | null;
  created_by: string | null;
  acknowledged_by: string | null;
  resolved_by: string | null;
  response_breached: boolean;
  phase_started_at: string;
  phase_overdue: boolean;
  classified_by: string | null;
  roles: Record<string, unknown>;
  next_escalation_at: string | null;
}

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

/** Calls the API and returns the parsed JSON body (undefined for 204). */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'http.error', error?.message ?? `HTTP ${response.status}`);
  }
  return json as T;
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
export const listServices = () => api<Page<{ id: string; name: string }>>('GET', '/api/v1/services?limit=100');
export const acknowledge = (id: string) =>
  api<Incident>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/acknowledge`, {});
export const resolve = (id: string) => api<Incident>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/resolve`, {});

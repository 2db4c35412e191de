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

export interface Incident {
  id: string;
  number: number;
  title: string;
  severity: Severity;
  status: Status;
  service_id: string | null;
  created_at: string;
  updated_at: string;
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
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'http.error', error?.message ?? `HTTP ${response.status}`);
  }
  return json as T;
}

export type Credentials = { handle: string; password: string } | { token: string };

export async function signIn(credentials: Credentials): Promise<Session> {
  const session = await api<Session>('POST', '/api/v1/session', credentials);
  setCsrfToken(session.csrf_token);
  return session;
}

/** The current session, or null when not signed in. */
export async function currentSession(): Promise<Session | null> {
  try {
    const session = await api<Session>('GET', '/api/v1/session');
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 404)) return null;
    throw error;
  }
}

export async function signOut(): Promise<void> {
  await api<void>('DELETE', '/api/v1/session');
  setCsrfToken(null);
}

export const listIncidents = () => api<Page<Incident>>('GET', '/api/v1/incidents?limit=100');
export const listServices = () => api<Page<{ id: string; name: string }>>('GET', '/api/v1/services?limit=100');
export const acknowledge = (id: string) => api<Incident>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/acknowledge`, {});
export const resolve = (id: string) => api<Incident>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/resolve`, {});

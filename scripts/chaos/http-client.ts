// The harness's HTTP calls to Vigil: one request with a timeout, the answer read whole. Network
// failures (refused, reset, timed out) come back as an answer with status 0 and the reason, so callers
// decide about retries in one place.
import { Agent, request } from 'undici';

export interface Answer {
  /** HTTP status, or 0 when no answer came (see `error`). */
  status: number;
  body: unknown;
  text: string;
  retryAfter?: string | undefined;
  error?: string | undefined;
  /** The failure's code when no answer came: ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, TimeoutError, … */
  errorCode?: string | undefined;
  /** How long the call took. */
  ms: number;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  token?: string | undefined;
  timeoutMs?: number;
}

export type Call = (url: string, options?: CallOptions) => Promise<Answer>;

/** A caller with its own connection pool (the burst gets one of its own so it cannot starve the load). */
export function createCaller(connections = 128): { call: Call; close(): Promise<void> } {
  const agent = new Agent({ connections, keepAliveTimeout: 4_000, connect: { timeout: 3_000 } });
  const call: Call = async (url, options = {}) => {
    const started = performance.now();
    const timeout = options.timeoutMs ?? 10_000;
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    try {
      const response = await request(url, {
        method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
        headers,
        body: payload,
        dispatcher: agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      });
      const text = await response.body.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const retryAfter = response.headers['retry-after'];
      return {
        status: response.statusCode,
        body,
        text,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        ms: performance.now() - started,
      };
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const code = (error as { code?: unknown }).code;
      const errorCode = typeof code === 'string' ? code : error instanceof Error ? error.name : 'Error';
      return { status: 0, body: undefined, text: '', error: reason, errorCode, ms: performance.now() - started };
    }
  };
  return { call, close: () => agent.close() };
}

// The CLI's HTTP client: VIGIL_URL and VIGIL_TOKEN (default: the admin-token file in the data dir).
// Light imports only (no database layer): client commands should start fast.
import { readAdminTokenFile } from '../access/index.js';
import { loadClientConfig } from '../config.js';

export class CliError extends Error {
  override name = 'CliError';
}

export interface RequestOptions {
  /**
   * A PagerDuty-compatible endpoint: the routing key in the body is the credential, errors come in PagerDuty's
   * shape.
   */
  pagerDuty?: boolean;
}

export interface Client {
  request<T = unknown>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T>;
}

export function createClient(env: NodeJS.ProcessEnv = process.env): Client {
  const config = loadClientConfig(env);
  const token = config.token ?? readAdminTokenFile(config.dataDir);
  return {
    async request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
      if (!token && !options.pagerDuty) {
        throw new CliError(
          `no token: set VIGIL_TOKEN, or run on the server host where ${config.dataDir}/admin-token exists`,
        );
      }
      let response: Response;
      try {
        response = await fetch(`${config.url}${path}`, {
          method,
          headers: {
            ...(token && !options.pagerDuty && { authorization: `Bearer ${token}` }),
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, bad port…).
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const reason = cause?.code ?? cause?.message ?? (error as Error).message;
        throw new CliError(
          `cannot reach Vigil at ${config.url} (${reason}); is it running? set VIGIL_URL if it is elsewhere`,
        );
      }
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        throw new CliError(`${method} ${path}: HTTP ${response.status} with a body that is not JSON`);
      }
      if (!response.ok && options.pagerDuty) {
        const pd = parsed as { message?: string; errors?: string[] } | undefined;
        throw new CliError(`${pd?.message ?? 'refused'}: ${(pd?.errors ?? []).join('; ')} (HTTP ${response.status})`);
      }
      if (!response.ok) {
        const err = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
        throw new CliError(err ? `${err.message} (${err.code}, HTTP ${response.status})` : `HTTP ${response.status}`);
      }
      return parsed as T;
    },
  };
}

/** Builds a query string from the defined values only. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// The CLI's HTTP client: VIGIL_URL and VIGIL_TOKEN (default: the admin token `vigil serve` saved in
// its data dir, looked for as ClientConfig.tokenDataDirs says). Light imports only (no database
// layer): client commands should start fast.
import { adminTokenFile, readAdminTokenFile } from '../access/index.js';
import { loadClientConfig, type ClientConfig } from '../config.js';

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    /** For a refused request: its HTTP status and the API's error (code, details), so a command can act on them. */
    readonly refusal?: { status: number; code?: string | undefined; details?: unknown },
  ) {
    super(message);
  }
}

export interface RequestOptions {
  /**
   * A PagerDuty-compatible endpoint: the routing key in the body is the credential, errors come in PagerDuty's
   * shape.
   */
  pagerDuty?: boolean;
  /** How long to wait for the answer (default 30 s): a whole-ledger check takes longer. */
  timeoutMs?: number;
}

export interface Client {
  request<T = unknown>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  /** GET of a body that is not JSON (a Markdown or PDF report), as bytes; errors as request's. */
  download(path: string, options?: RequestOptions): Promise<Buffer>;
}

/** The token to send: VIGIL_TOKEN, else the first saved admin token in the config's data dirs. */
export function clientToken(config: ClientConfig): string | undefined {
  if (config.token) return config.token;
  for (const dir of config.tokenDataDirs) {
    const token = readAdminTokenFile(dir);
    if (token) return token;
  }
  return undefined;
}

/** Why there is no token, where the CLI looked, and how to give it one. */
export function noTokenMessage(config: ClientConfig): string {
  const files = config.tokenDataDirs.map(adminTokenFile);
  return (
    `no token: VIGIL_TOKEN is unset and there is no admin token at ${files.join(' or ')}; ` +
    'set VIGIL_TOKEN to an API token (on the server host: export VIGIL_TOKEN=$(cat <data dir>/admin-token)), ' +
    "or VIGIL_DATA_DIR to the server's data dir"
  );
}

export function createClient(config: ClientConfig = loadClientConfig()): Client {
  const token = clientToken(config);

  async function send(method: string, path: string, body: unknown, options: RequestOptions): Promise<Response> {
    if (!token && !options.pagerDuty) throw new CliError(noTokenMessage(config));
    try {
      return await fetch(`${config.url}${path}`, {
        method,
        headers: {
          ...(token && !options.pagerDuty && { authorization: `Bearer ${token}` }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, bad port…).
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(
        `cannot reach Vigil at ${config.url} (${reason}); is it running? set VIGIL_URL if it is elsewhere`,
      );
    }
  }

  /** The API's refusal as a one-line CliError that keeps its status, code and details. */
  function refused(status: number, parsed: unknown): CliError {
    const err = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    return new CliError(err ? `${err.message} (${err.code}, HTTP ${status})` : `HTTP ${status}`, {
      status,
      code: err?.code,
      details: err?.details,
    });
  }

  return {
    async request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
      const response = await send(method, path, body, options);
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
      if (!response.ok) throw refused(response.status, parsed);
      return parsed as T;
    },

    async download(path: string, options: RequestOptions = {}): Promise<Buffer> {
      const response = await send('GET', path, undefined, options);
      const bytes = Buffer.from(await response.arrayBuffer());
      if (response.ok) return bytes;
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch {
        // not JSON: the status says it
      }
      throw refused(response.status, parsed);
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

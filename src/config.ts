// The only reader of process.env. A bad value stops start-up with a message naming the variable.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { DEFAULT_RESPONSE_TARGETS, SEVERITIES, type Severity } from './incident.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** postgres://… selects PostgreSQL; undefined means SQLite at `<dataDir>/vigil.db`. */
  readonly databaseUrl: string | undefined;
  readonly adminToken: string | undefined;
  readonly logLevel: LogLevel;
  /** Milliseconds from creation to `ack_due_at`, per severity. */
  readonly responseTargets: Readonly<Record<Severity, number>>;
  /** Severities whose resolution creates a post-mortem (VIGIL_POSTMORTEM_SEVERITIES); empty: none do. */
  readonly postmortemSeverities: readonly Severity[];
  /** Largest accepted request body for the API, in bytes. */
  readonly bodyLimit: number;
  /** Group commit of ingested events: batch size, queue bound (past it: 429), longest wait in ms. */
  readonly ingest: Readonly<{ maxBatch: number; maxQueue: number; maxWaitMs: number }>;
  /** Outbound delivery: SMTP for email, the SSRF guard's allowlist (raw text, parsed by notify/), links in messages. */
  /**
   * Seals secrets Vigil must read back (monitored databases' connection strings); none → registering them is
   * refused.
   */
  readonly secretKey?: Buffer | undefined;
  /**
   * How `POST /verify` checks a JWT: a JWKS URL or a shared HS256 secret, and the issuer and audience it must
   * carry.
   */
  readonly jwt: Readonly<{
    jwksUrl: string | undefined;
    secret: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
  }>;
  readonly notify: Readonly<{
    smtpUrl: string | undefined;
    smtpFrom: string;
    outboundAllow: string | undefined;
    publicUrl: string | undefined;
    twilioUrl?: string | undefined;
    twilioFrom?: string | undefined;
    pageIntervalMs?: number;
    /** How far instances' clocks may disagree; outbox leases are this much longer (VIGIL_CLOCK_TOLERANCE). */
    clockToleranceMs?: number;
  }>;
  /**
   * Moves this process's clock by this many milliseconds (VIGIL_FAULT_CLOCK_OFFSET). For fault tests only
   * (npm run chaos skews one instance's clock); 0 everywhere else.
   */
  readonly clockOffsetMs: number;
  /**
   * The public status page: the path it is served under (VIGIL_STATUS_PREFIX, default /status), and a host name
   * that serves it at its root as well, so it can sit behind a domain of its own (VIGIL_STATUS_HOST).
   */
  readonly statusPage: Readonly<{ prefix: string; host: string | undefined }>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** A duration such as "30s" or "5m", in milliseconds, of at most `maxMs`; `message` otherwise. */
function durationUpTo(maxMs: number, message: string) {
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return ms;
  });
}

const envSchema = z.object({
  VIGIL_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:_-]{1,253}$/, 'must be a host name or an IPv4/IPv6 address')
    .default('127.0.0.1'),
  VIGIL_PORT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(0).max(65535, 'must be at most 65535'))
    .default(8080),
  VIGIL_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a postgres:// or postgresql:// URL (leave it unset for SQLite)')
    .optional(),
  VIGIL_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
  VIGIL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VIGIL_RESPONSE_TARGETS: z.string().optional(),
  VIGIL_POSTMORTEM_SEVERITIES: z
    .string()
    .regex(/^(none|P[0-3](\s*,\s*P[0-3])*)$/, 'must be severities such as P0,P1 (or "none")')
    .transform((text) => (text === 'none' ? [] : [...new Set(text.split(',').map((s) => s.trim() as Severity))]))
    .default(['P0', 'P1']),
  VIGIL_BODY_LIMIT: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of bytes')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1024, 'must be at least 1024')
        .max(64 * 1_048_576, 'must be at most 67108864 (64 MiB)'),
    )
    .default(1_048_576),
  VIGIL_INGEST_MAX_BATCH: wholeNumber(1, 10_000).default(512),
  VIGIL_INGEST_MAX_QUEUE: wholeNumber(1, 1_000_000).default(4_096),
  VIGIL_INGEST_MAX_WAIT_MS: wholeNumber(0, 1_000).default(2),
  VIGIL_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be smtp://[user:pass@]host[:port] or smtps://…')
    .optional(),
  VIGIL_SMTP_FROM: z.string().min(3).max(320).default('Vigil <vigil@localhost>'),
  VIGIL_OUTBOUND_ALLOW: z.string().max(10_000).optional(),
  VIGIL_TWILIO_URL: z
    .string()
    .regex(
      /^https?:\/\/[^\s:@/]+:[^\s@/]+@[^\s]+$/,
      'must be https://<AccountSid>:<AuthToken>@<host> (Twilio or a compatible gateway)',
    )
    .optional(),
  VIGIL_TWILIO_FROM: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form such as +15551234567')
    .optional(),
  VIGIL_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL')
    .optional(),
  VIGIL_SECRET_KEY: z
    .string()
    .transform((text, ctx) => {
      const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
      if (key.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be 32 bytes as 64 hex digits or base64 (e.g. openssl rand -hex 32)',
        });
        return z.NEVER;
      }
      return key;
    })
    .optional(),
  VIGIL_JWT_JWKS_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL of a JSON Web Key Set')
    .optional(),
  VIGIL_JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (an HS256 key shorter than its hash is weak)')
    .max(4096)
    .optional(),
  VIGIL_JWT_ISSUER: z.string().min(1).max(2048).optional(),
  VIGIL_JWT_AUDIENCE: z.string().min(1).max(2048).optional(),
  VIGIL_PAGE_INTERVAL: durationUpTo(86_400_000, 'must be a duration of at most 1d such as 30s, 1m or 5m').default(
    60_000,
  ),
  VIGIL_CLOCK_TOLERANCE: durationUpTo(600_000, 'must be a duration of at most 10m such as 1s, 30s or 1m').default(
    60_000,
  ),
  VIGIL_FAULT_CLOCK_OFFSET: z
    .string()
    .transform((text, ctx) => {
      const match = /^([+-])(.+)$/.exec(text.trim());
      const ms = match ? parseDuration(match[2] as string) : undefined;
      if (!match || ms === undefined || ms > 3_600_000) {
        ctx.addIssue({ code: 'custom', message: 'must be a signed duration of at most 1h such as +30s or -30s' });
        return z.NEVER;
      }
      return match[1] === '-' ? -ms : ms;
    })
    .default(0),
  VIGIL_STATUS_PREFIX: z
    .string()
    .regex(/^(\/[a-z0-9][a-z0-9-]{0,39}){1,3}$/, 'must be a path such as /status (lower-case letters, digits, -)')
    .refine(
      (p) => !/^\/(api|functions|v2|docs|assets)(\/|$)/.test(p),
      'must not be under /api, /functions, /v2, /docs or /assets',
    )
    .default('/status'),
  VIGIL_STATUS_HOST: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?$/, 'must be a host name such as status.example.com')
    .optional(),
});

export interface ConfigOverrides {
  host?: string;
  port?: number | string;
  dataDir?: string;
}

/** Reads the environment once, applies CLI overrides, and returns a frozen Config or throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    picked[key] = value === '' ? undefined : value;
  }
  if (overrides.host !== undefined) picked.VIGIL_HOST = overrides.host;
  if (overrides.port !== undefined) picked.VIGIL_PORT = String(overrides.port);
  if (overrides.dataDir !== undefined) picked.VIGIL_DATA_DIR = overrides.dataDir;

  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    host: e.VIGIL_HOST,
    port: e.VIGIL_PORT,
    dataDir: path.resolve(e.VIGIL_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    adminToken: e.VIGIL_ADMIN_TOKEN,
    logLevel: e.VIGIL_LOG_LEVEL,
    responseTargets: Object.freeze(parseResponseTargets(e.VIGIL_RESPONSE_TARGETS)),
    postmortemSeverities: Object.freeze(e.VIGIL_POSTMORTEM_SEVERITIES),
    bodyLimit: e.VIGIL_BODY_LIMIT,
    ingest: Object.freeze({
      maxBatch: e.VIGIL_INGEST_MAX_BATCH,
      maxQueue: e.VIGIL_INGEST_MAX_QUEUE,
      maxWaitMs: e.VIGIL_INGEST_MAX_WAIT_MS,
    }),
    secretKey: e.VIGIL_SECRET_KEY,
    jwt: Object.freeze({
      jwksUrl: e.VIGIL_JWT_JWKS_URL,
      secret: e.VIGIL_JWT_SECRET,
      issuer: e.VIGIL_JWT_ISSUER,
      audience: e.VIGIL_JWT_AUDIENCE,
    }),
    notify: Object.freeze({
      smtpUrl: e.VIGIL_SMTP_URL,
      smtpFrom: e.VIGIL_SMTP_FROM,
      outboundAllow: e.VIGIL_OUTBOUND_ALLOW,
      publicUrl: e.VIGIL_PUBLIC_URL,
      twilioUrl: e.VIGIL_TWILIO_URL,
      twilioFrom: e.VIGIL_TWILIO_FROM,
      pageIntervalMs: e.VIGIL_PAGE_INTERVAL,
      clockToleranceMs: e.VIGIL_CLOCK_TOLERANCE,
    }),
    clockOffsetMs: e.VIGIL_FAULT_CLOCK_OFFSET,
    statusPage: Object.freeze({ prefix: e.VIGIL_STATUS_PREFIX, host: e.VIGIL_STATUS_HOST }),
  });
}

/** A target beyond this is a typo; far larger ones would also push due times past what a Date can hold. */
const MAX_RESPONSE_TARGET_MS = 365 * 86_400_000;

/** "P0=5m,P1=15m" overrides the seed's targets severity by severity; the rest keep their defaults. */
function parseResponseTargets(text: string | undefined): Record<Severity, number> {
  const targets = { ...DEFAULT_RESPONSE_TARGETS };
  if (text === undefined) return targets;
  for (const part of text.split(',')) {
    const [name, value, ...extra] = part.split('=').map((s) => s.trim());
    const ms = value === undefined || extra.length > 0 ? undefined : parseDuration(value);
    if (!SEVERITIES.includes(name as Severity) || ms === undefined || ms > MAX_RESPONSE_TARGET_MS) {
      throw new ConfigError(
        `invalid configuration:\n  VIGIL_RESPONSE_TARGETS: "${part}" is not SEVERITY=DURATION of at most 365d ` +
          '(e.g. P0=5m,P1=15m,P2=1h,P3=4h)',
      );
    }
    targets[name as Severity] = ms;
  }
  return targets;
}

export interface ClientConfig {
  readonly url: string;
  /** From VIGIL_TOKEN; when unset the CLI reads the admin token saved in the first of `tokenDataDirs` holding one. */
  readonly token: string | undefined;
  /**
   * The data dirs whose `admin-token` (saved by `vigil serve`) the CLI reads when VIGIL_TOKEN is unset,
   * in this order: `$VIGIL_DATA_DIR` alone when VIGIL_DATA_DIR is set (the user named the data dir;
   * another one's token would only earn a 401); otherwise `./data` under the current folder (the
   * server's default data dir) and then `data/` beside this copy of Vigil (where `npm start` in a
   * checkout saves it), so a `vigil` put on the PATH by `npm link` works from any folder.
   */
  readonly tokenDataDirs: readonly string[];
}

/** This copy of Vigil's own folder (its checkout, or the installed package): the parent of src/ or dist/. */
const VIGIL_HOME = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What the CLI's client commands need: where the server is and which token to send. `where` is the
 * current folder and Vigil's own folder, given by tests.
 */
export function loadClientConfig(
  env: NodeJS.ProcessEnv = process.env,
  where: { cwd: string; home: string } = { cwd: process.cwd(), home: VIGIL_HOME },
): ClientConfig {
  const url = env.VIGIL_URL || 'http://127.0.0.1:8080';
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new ConfigError(`invalid configuration:\n  VIGIL_URL: "${url}" is not an http:// or https:// URL`);
  }
  return Object.freeze({
    url: url.replace(/\/+$/, ''),
    token: env.VIGIL_TOKEN || undefined,
    tokenDataDirs: Object.freeze(
      env.VIGIL_DATA_DIR
        ? [path.resolve(where.cwd, env.VIGIL_DATA_DIR)]
        : [...new Set([path.join(where.cwd, 'data'), path.join(where.home, 'data')])],
    ),
  });
}

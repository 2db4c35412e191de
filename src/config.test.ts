import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadClientConfig, loadConfig, type Config, type ConfigOverrides } from './config.js';
import { DEFAULT_RESPONSE_TARGETS } from './incident.js';

const VARIABLES = [
  'VIGIL_HOST',
  'VIGIL_PORT',
  'VIGIL_DATA_DIR',
  'DATABASE_URL',
  'VIGIL_ADMIN_TOKEN',
  'VIGIL_LOG_LEVEL',
  'VIGIL_RESPONSE_TARGETS',
  'VIGIL_BODY_LIMIT',
] as const;
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const DAY = 86_400_000;

/** The ConfigError `run` throws; fails the test if it returns or throws anything else. */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** Either a Config or a ConfigError; anything else thrown fails the property. */
function attempt(env: NodeJS.ProcessEnv, overrides?: ConfigOverrides): Config | ConfigError {
  try {
    return loadConfig(env, overrides);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

/** What every accepted configuration promises the rest of the program. */
function expectSound(config: Config): void {
  expect(Object.isFrozen(config)).toBe(true);
  expect(Object.isFrozen(config.responseTargets)).toBe(true);
  expect(config.host.length).toBeGreaterThan(0);
  expect(Number.isInteger(config.port) && config.port >= 0 && config.port <= 65535).toBe(true);
  expect(path.isAbsolute(config.dataDir)).toBe(true);
  expect(LEVELS).toContain(config.logLevel);
  expect(Number.isInteger(config.bodyLimit) && config.bodyLimit >= 1024).toBe(true);
  for (const ms of Object.values(config.responseTargets)) {
    expect(Number.isInteger(ms) && ms > 0 && ms <= 365 * DAY).toBe(true);
    expect(Number.isNaN(new Date(Date.now() + ms).getTime())).toBe(false);
  }
}

describe('loadConfig', () => {
  it(
    'defaults to 127.0.0.1:8080, ./data, SQLite, info, the seed targets, a 1 MiB body limit ' +
      'and the group-commit bounds',
    () => {
      const config = loadConfig({});
      expect(config).toEqual({
        host: '127.0.0.1',
        port: 8080,
        dataDir: path.resolve('./data'),
        databaseUrl: undefined,
        adminToken: undefined,
        logLevel: 'info',
        responseTargets: DEFAULT_RESPONSE_TARGETS,
        postmortemSeverities: ['P0', 'P1'],
        bodyLimit: 1_048_576,
        ingest: { maxBatch: 512, maxQueue: 4_096, maxWaitMs: 2 },
        jwt: { jwksUrl: undefined, secret: undefined, issuer: undefined, audience: undefined },
        notify: {
          smtpUrl: undefined,
          smtpFrom: 'Vigil <vigil@localhost>',
          outboundAllow: undefined,
          publicUrl: undefined,
          pageIntervalMs: 60_000,
          clockToleranceMs: 60_000,
        },
        clockOffsetMs: 0,
        statusPage: { prefix: '/status', host: undefined },
      });
    },
  );

  it('reads where the status page is served and names a bad prefix or host', () => {
    expect(
      loadConfig({ VIGIL_STATUS_PREFIX: '/system-status', VIGIL_STATUS_HOST: 'status.example.com' }).statusPage,
    ).toEqual({
      prefix: '/system-status',
      host: 'status.example.com',
    });
    expect(() => loadConfig({ VIGIL_STATUS_PREFIX: 'status' })).toThrow(/VIGIL_STATUS_PREFIX: must be a path/);
    expect(() => loadConfig({ VIGIL_STATUS_PREFIX: '/api/status' })).toThrow(/VIGIL_STATUS_PREFIX: must not be under/);
    expect(() => loadConfig({ VIGIL_STATUS_HOST: 'https://status.example.com' })).toThrow(/VIGIL_STATUS_HOST/);
  });

  it('reads the /verify issuer settings and names a bad one', () => {
    expect(
      loadConfig({
        VIGIL_JWT_JWKS_URL: 'https://id.example.com/.well-known/jwks.json',
        VIGIL_JWT_ISSUER: 'https://id.example.com/',
        VIGIL_JWT_AUDIENCE: 'api',
      }).jwt,
    ).toEqual({
      jwksUrl: 'https://id.example.com/.well-known/jwks.json',
      secret: undefined,
      issuer: 'https://id.example.com/',
      audience: 'api',
    });
    expect(() => loadConfig({ VIGIL_JWT_JWKS_URL: 'id.example.com/jwks' })).toThrow(
      /VIGIL_JWT_JWKS_URL: must be an http/,
    );
    expect(() => loadConfig({ VIGIL_JWT_SECRET: 'short' })).toThrow(/VIGIL_JWT_SECRET: must be at least 32 characters/);
  });

  it('reads the outbound settings and names a bad SMTP or public URL', () => {
    expect(
      loadConfig({
        VIGIL_SMTP_URL: 'smtps://u:p@mail.example.com:465',
        VIGIL_SMTP_FROM: 'Ops <ops@example.com>',
        VIGIL_OUTBOUND_ALLOW: '10.0.0.0/8,hooks.internal',
        VIGIL_PUBLIC_URL: 'https://vigil.example.com',
      }).notify,
    ).toEqual({
      smtpUrl: 'smtps://u:p@mail.example.com:465',
      smtpFrom: 'Ops <ops@example.com>',
      outboundAllow: '10.0.0.0/8,hooks.internal',
      publicUrl: 'https://vigil.example.com',
      pageIntervalMs: 60_000,
      clockToleranceMs: 60_000,
    });
    expect(() => loadConfig({ VIGIL_SMTP_URL: 'http://mail' })).toThrow(/VIGIL_SMTP_URL: must be smtp/);
    expect(() => loadConfig({ VIGIL_PUBLIC_URL: 'vigil.example.com' })).toThrow(/VIGIL_PUBLIC_URL: must be an http/);
  });

  it('reads the clock tolerance of outbox leases as a duration and names a bad one', () => {
    expect(loadConfig({ VIGIL_CLOCK_TOLERANCE: '5s' }).notify.clockToleranceMs).toBe(5_000);
    expect(() => loadConfig({ VIGIL_CLOCK_TOLERANCE: '1h' })).toThrow(/VIGIL_CLOCK_TOLERANCE: must be a duration/);
  });

  it('reads the fault-test clock offset as a signed duration and names a bad one', () => {
    expect(loadConfig({ VIGIL_FAULT_CLOCK_OFFSET: '+30s' }).clockOffsetMs).toBe(30_000);
    expect(loadConfig({ VIGIL_FAULT_CLOCK_OFFSET: '-1m' }).clockOffsetMs).toBe(-60_000);
    expect(() => loadConfig({ VIGIL_FAULT_CLOCK_OFFSET: '30s' })).toThrow(
      /VIGIL_FAULT_CLOCK_OFFSET: must be a signed duration/,
    );
    expect(() => loadConfig({ VIGIL_FAULT_CLOCK_OFFSET: '+2h' })).toThrow(/at most 1h/);
  });

  it('reads the page interval as a duration and names a bad one', () => {
    expect(loadConfig({ VIGIL_PAGE_INTERVAL: '5m' }).notify.pageIntervalMs).toBe(300_000);
    expect(() => loadConfig({ VIGIL_PAGE_INTERVAL: 'often' })).toThrow(/VIGIL_PAGE_INTERVAL: must be a duration/);
    expect(() => loadConfig({ VIGIL_PAGE_INTERVAL: '2d' })).toThrow(
      /VIGIL_PAGE_INTERVAL: must be a duration of at most 1d/,
    );
  });

  it('reads VIGIL_SECRET_KEY as 32 bytes in hex or base64, and names a bad one', () => {
    expect(loadConfig({ VIGIL_SECRET_KEY: '07'.repeat(32) }).secretKey).toEqual(Buffer.alloc(32, 7));
    expect(loadConfig({ VIGIL_SECRET_KEY: Buffer.alloc(32, 9).toString('base64') }).secretKey).toEqual(
      Buffer.alloc(32, 9),
    );
    expect(loadConfig({}).secretKey).toBeUndefined();
    expect(() => loadConfig({ VIGIL_SECRET_KEY: 'short' })).toThrow(/VIGIL_SECRET_KEY: must be 32 bytes/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ VIGIL_PORT: '', VIGIL_HOST: '', DATABASE_URL: '', VIGIL_LOG_LEVEL: '' })).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      databaseUrl: undefined,
      logLevel: 'info',
    });
  });

  it('selects PostgreSQL when DATABASE_URL is a postgres:// or postgresql:// URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://vigil@db:5432/vigil' }).databaseUrl).toBe(
      'postgres://vigil@db:5432/vigil',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/vigil' }).databaseUrl).toBe('postgresql://db/vigil');
    expect(configError(() => loadConfig({ DATABASE_URL: 'mysql://db/vigil' })).message).toContain('DATABASE_URL');
  });

  it.each([
    ['VIGIL_PORT', 'abc'],
    ['VIGIL_PORT', '-1'],
    ['VIGIL_PORT', '65536'],
    ['VIGIL_PORT', '80.5'],
    ['VIGIL_LOG_LEVEL', 'loud'],
    ['VIGIL_LOG_LEVEL', 'INFO'],
    ['VIGIL_ADMIN_TOKEN', 'short'],
    ['VIGIL_BODY_LIMIT', '1023'],
    ['VIGIL_BODY_LIMIT', '1mb'],
    ['DATABASE_URL', 'postgres://'],
  ])('%s=%j stops start-up with a message naming it', (name, value) => {
    const error = configError(() => loadConfig({ [name]: value }));
    expect(error.message).toContain(`${name}:`);
  });

  it('lets `vigil serve --host/--port/--data-dir` win over the environment', () => {
    const env = { VIGIL_HOST: '0.0.0.0', VIGIL_PORT: '9000', VIGIL_DATA_DIR: '/srv/env' };
    expect(loadConfig(env)).toMatchObject({ host: '0.0.0.0', port: 9000, dataDir: '/srv/env' });
    expect(loadConfig(env, { host: '::1', port: '9100', dataDir: '/srv/flag' })).toMatchObject({
      host: '::1',
      port: 9100,
      dataDir: '/srv/flag',
    });
    expect(loadConfig(env, { port: 0 }).port).toBe(0);
    expect(configError(() => loadConfig(env, { port: 'abc' })).message).toContain('VIGIL_PORT:');
  });

  it('reads VIGIL_RESPONSE_TARGETS severity by severity, keeping the defaults for the rest', () => {
    const config = loadConfig({ VIGIL_RESPONSE_TARGETS: 'P0=2m, P2 = 90m ,P3=1d' });
    expect(config.responseTargets).toEqual({ ...DEFAULT_RESPONSE_TARGETS, P0: 120_000, P2: 5_400_000, P3: DAY });
  });

  it.each([
    'P9=5m',
    'P0',
    'P0=',
    'P0=soon',
    'P0=0m',
    'P0=0.4ms',
    'P0=5m=1h',
    'P0=5m,',
    ',P0=5m',
    'p0=5m',
    'P0=366d',
    'P0=99999999999d',
  ])('refuses VIGIL_RESPONSE_TARGETS=%j, naming it', (value) => {
    expect(configError(() => loadConfig({ VIGIL_RESPONSE_TARGETS: value })).message).toContain(
      'VIGIL_RESPONSE_TARGETS:',
    );
  });

  it('reads VIGIL_POSTMORTEM_SEVERITIES (default P0,P1; "none" turns automatic post-mortems off)', () => {
    expect(loadConfig({}).postmortemSeverities).toEqual(['P0', 'P1']);
    expect(loadConfig({ VIGIL_POSTMORTEM_SEVERITIES: 'P0, P1,P2,P1' }).postmortemSeverities).toEqual([
      'P0',
      'P1',
      'P2',
    ]);
    expect(loadConfig({ VIGIL_POSTMORTEM_SEVERITIES: 'none' }).postmortemSeverities).toEqual([]);
    for (const value of ['P4', 'p1', 'P0,', 'P0;P1', 'all'])
      expect(configError(() => loadConfig({ VIGIL_POSTMORTEM_SEVERITIES: value })).message).toContain(
        'VIGIL_POSTMORTEM_SEVERITIES:',
      );
  });

  it('returns a frozen config', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.responseTargets)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  const value = fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.stringMatching(/^[ -]?\d{0,7}(\.\d)?[ a-z]?$/) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '0',
        '8080',
        '65535',
        '65536',
        '-1',
        '1e3',
        ' 80',
        '0x50',
        '1024',
        '1023',
        '99999999999999999999999',
        'postgres://u@h/db',
        'postgresql://',
        'postgres://\n',
        'mysql://x',
        'info',
        'LOUD',
        'silent',
        'P0=5m,P1=1h',
        'P0=5m=3',
        'P9=1m',
        'P0=0.4ms',
        'P0=99999999999d',
        'P0=5m,,P1=1m',
        '__proto__=5m',
        'x'.repeat(32),
        'x'.repeat(600),
        '\u0000',
        '../..',
      ),
    },
  );

  it('for any one variable set to anything, gives a sound Config or a ConfigError naming that variable', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VARIABLES), value, (name, v) => {
        const result = attempt({ [name]: v });
        if (result instanceof ConfigError) expect(result.message).toContain(`${name}:`);
        else expectSound(result);
      }),
      { numRuns: 1500 },
    );
  });

  it('for any environment and overrides, gives a sound Config or a ConfigError naming a variable that was set', () => {
    const env = fc.dictionary(fc.oneof(fc.constantFrom(...VARIABLES), fc.string({ maxLength: 10 })), value, {
      maxKeys: 10,
    });
    const overrides = fc.record(
      { host: value, port: fc.oneof(value, fc.integer(), fc.double()), dataDir: value },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(env, overrides, (e, o) => {
        const result = attempt(e, o);
        if (result instanceof ConfigError) {
          const set = VARIABLES.filter(
            (name) =>
              (e[name] ?? '') !== '' ||
              (name === 'VIGIL_HOST' && o.host !== undefined) ||
              (name === 'VIGIL_PORT' && o.port !== undefined) ||
              (name === 'VIGIL_DATA_DIR' && o.dataDir !== undefined),
          );
          expect(
            set.some((name) => result.message.includes(`${name}:`)),
            result.message,
          ).toBe(true);
        } else {
          expectSound(result);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('loadClientConfig', () => {
  it('defaults to the local server, strips trailing slashes, and refuses non-http URLs naming VIGIL_URL', () => {
    expect(loadClientConfig({})).toMatchObject({ url: 'http://127.0.0.1:8080', token: undefined });
    expect(loadClientConfig({ VIGIL_URL: 'https://vigil.example//', VIGIL_TOKEN: 't' })).toMatchObject({
      url: 'https://vigil.example',
      token: 't',
    });
    expect(configError(() => loadClientConfig({ VIGIL_URL: 'ftp://x' })).message).toContain('VIGIL_URL:');
  });

  it.each([
    ['no VIGIL_DATA_DIR: ./data, then data/ beside Vigil', {}, '/srv/ops', ['/srv/ops/data', '/opt/vigil/data']],
    ['no VIGIL_DATA_DIR, run inside Vigil’s own folder: its data/ once', {}, '/opt/vigil', ['/opt/vigil/data']],
    ['an absolute VIGIL_DATA_DIR, alone', { VIGIL_DATA_DIR: '/var/lib/vigil' }, '/srv/ops', ['/var/lib/vigil']],
    ['a relative VIGIL_DATA_DIR, from the current folder', { VIGIL_DATA_DIR: 'state' }, '/srv/ops', ['/srv/ops/state']],
  ])('looks for the saved admin token with %s', (_, env, cwd, dirs) => {
    expect(loadClientConfig(env, { cwd, home: '/opt/vigil' }).tokenDataDirs).toEqual(dirs);
  });

  it('takes Vigil’s own folder to be the one above src/ (dist/ once built)', () => {
    const home = path.resolve(import.meta.dirname, '..');
    expect(loadClientConfig({}).tokenDataDirs).toEqual([...new Set([path.resolve('data'), path.join(home, 'data')])]);
  });

  it('for any VIGIL_URL, gives a client config or a ConfigError naming VIGIL_URL', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.constantFrom('http://', 'https://[::1', 'http://x:99999', 'javascript:alert(1)'),
        ),
        (url) => {
          try {
            expect(loadClientConfig({ VIGIL_URL: url }).url).toMatch(/^https?:/);
          } catch (error) {
            if (!(error instanceof ConfigError)) throw error;
            expect(error.message).toContain('VIGIL_URL:');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

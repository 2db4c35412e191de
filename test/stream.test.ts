// GET /api/v1/stream on both dialects, over real HTTP: a listening server on 127.0.0.1:0 and a fetch
// client reading the server-sent events as they arrive. Events sent to /v2/enqueue show up as
// incident.created, acknowledging as incident.updated and timeline.entry; filters, tokens (header and
// ?access_token=), Last-Event-ID resumption, rolled-back changes publishing nothing, heartbeats and
// shutdown with open streams. On PostgreSQL: two instances over one database (NOTIFY/LISTEN), and a
// dropped LISTEN connection telling streams to reload. Every stream is aborted or ended by the
// server in the test that opened it, so vitest has no open handles left.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Agent, fetch, type Headers } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { SYSTEM_ACTOR, type TokenRole } from '../src/access/index.js';
import { FakeClock } from '../src/clock.js';
import { inTransaction } from '../src/db/database.js';
import { buildServer } from '../src/http/server.js';
import { pack, type StreamEvent } from '../src/stream/events.js';
import { createStreamService } from '../src/stream/index.js';
import { describeEachDialect, type DialectEnv } from './dialects.js';
import { unique } from './http-harness.js';

/**
 * The HTTP client; each suite closes it (and starts a fresh one) before its servers, so no keep-alive connection
 * outlives them.
 */
let agent = new Agent();

interface Sse {
  id: string | undefined;
  event: string;
  data: Record<string, unknown>;
}

interface Stream {
  readonly status: number;
  readonly headers: Headers;
  /** Every event received so far, in order. */
  readonly events: Sse[];
  /** Comment lines (heartbeats) and retry fields received so far. */
  readonly comments: string[];
  readonly retry: string[];
  /** Resolves with the first event (from `from` on) matching `pred`, or fails after `timeoutMs`. */
  next(pred: (e: Sse) => boolean, timeoutMs?: number, from?: number): Promise<Sse>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens the stream and, for a 200, waits for the server's ": connected" comment (events flow from then on). */
async function openStream(url: string, headers: Record<string, string> = {}): Promise<Stream & { body?: string }> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal, dispatcher: agent });
  if (res.status !== 200)
    return {
      status: res.status,
      headers: res.headers,
      events: [],
      comments: [],
      retry: [],
      next: () => Promise.reject(new Error('no stream')),
      ended: Promise.resolve(),
      close: () => undefined,
      body: await res.text(),
    };
  const events: Sse[] = [];
  const comments: string[] = [];
  const retry: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let done = false;
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else {
              const at = line.indexOf(':');
              fields[line.slice(0, at)] = line.slice(at + 1).replace(/^ /, '');
            }
          }
          if (fields.retry !== undefined) retry.push(fields.retry);
          if (fields.event !== undefined)
            events.push({
              id: fields.id,
              event: fields.event,
              data: JSON.parse(fields.data ?? 'null') as Record<string, unknown>,
            });
          for (const w of waiters) w();
        }
      }
    } catch {
      // aborted by the test
    } finally {
      done = true;
      for (const w of waiters) w();
    }
  })();
  const stream: Stream = {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    retry,
    ended,
    next(pred, timeoutMs = 2000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find(pred);
          if (found) finish(() => resolve(found));
          else if (done)
            finish(() => reject(new Error(`stream ended without the event; got ${JSON.stringify(events)}`)));
        };
        const timer = setTimeout(
          () =>
            finish(() => reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`))),
          timeoutMs,
        );
        const finish = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
  await waitFor(() => comments.includes('connected') || done, 5000);
  return stream;
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One Vigil instance: an app and its server listening on a free loopback port. */
interface Instance {
  app: App;
  server: FastifyInstance;
  url: string;
  token(role: TokenRole): Promise<string>;
  post(path: string, body: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }>;
}

async function startInstance(env: DialectEnv, adminToken?: string): Promise<Instance> {
  const app = createApp(env.config, env.database, new FakeClock());
  const server = await buildServer(app, { stream: { heartbeatMs: 100 } });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const address = server.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const instance: Instance = {
    app,
    server,
    url,
    async token(role) {
      const handle = unique(role);
      const user = await app.users.create(env.admin, { handle, name: handle, email: `${handle}@example.test` });
      return (await app.tokens.create(env.admin, { user: user.id, role })).secret;
    },
    async post(path, body, token = adminToken) {
      const res = await fetch(`${url}${path}`, {
        dispatcher: agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
  };
  return instance;
}

describeEachDialect('GET /api/v1/stream', (env) => {
  let a: Instance;
  let admin: string;
  let viewer: string;
  let service: { id: string; key: string };
  let other: { id: string; key: string };
  const streams: Stream[] = [];
  const open = async (query = '', headers?: Record<string, string>) => {
    const s = await openStream(`${a.url}/api/v1/stream${query}`, headers ?? { authorization: `Bearer ${viewer}` });
    streams.push(s);
    return s;
  };
  const trigger = (key: string, dedup: string, severity = 'critical') =>
    a.post('/v2/enqueue', {
      routing_key: key,
      event_action: 'trigger',
      dedup_key: dedup,
      payload: { summary: `down: ${dedup}`, source: 'web-1', severity },
    });

  beforeAll(async () => {
    a = await startInstance(env);
    admin = await a.token('admin');
    viewer = await a.token('viewer');
    const s1 = await a.app.services.create(env.admin, { name: unique('checkout') });
    const s2 = await a.app.services.create(env.admin, { name: unique('search') });
    service = { id: s1.service.id, key: s1.integrationKey };
    other = { id: s2.service.id, key: s2.integrationKey };
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    // Keep-alive connections of this file's client go first, so that server close has none to wait for.
    await agent.close();
    agent = new Agent();
    await a?.server.close();
  });

  it('answers 401 without a token, or with a bad one in the header or ?access_token=', async () => {
    const none = await openStream(`${a.url}/api/v1/stream`, {});
    expect(none.status).toBe(401);
    expect(JSON.parse((none as { body: string }).body).error.code).toBe('auth.unauthorized');
    expect((await openStream(`${a.url}/api/v1/stream?access_token=nope`, {})).status).toBe(401);
    expect((await openStream(`${a.url}/api/v1/stream`, { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('rejects ?access_token= on other routes', async () => {
    const res = await fetch(`${a.url}/api/v1/incidents?access_token=${viewer}`, { dispatcher: agent });
    expect(res.status).toBe(401);
    await res.text();
  });

  it('streams text/event-stream with retry: 2000 and heartbeats; ?access_token= works for this route', async () => {
    const s = await open(`?access_token=${viewer}`, {});
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(s.headers.get('cache-control')).toContain('no-cache');
    expect(s.headers.get('x-request-id')).toBeTruthy();
    expect(s.retry).toEqual(['2000']);
    await waitFor(() => s.comments.includes('ping'), 2000);
    s.close();
  });

  it(
    'an event sent to /v2/enqueue appears as incident.created within 2 s; ' +
      'acknowledging shows incident.updated and timeline.entry',
    async () => {
      const s = await open();
      const started = Date.now();
      expect((await trigger(service.key, unique('disk'))).status).toBe(202);
      const created = await s.next((e) => e.event === 'incident.created', 2000);
      expect(Date.now() - started).toBeLessThan(2000);
      const row = created.data;
      expect(row).toMatchObject({
        severity: expect.stringMatching(/^P[0-3]$/),
        status: 'triggered',
        phase: 'detection',
        service_id: service.id,
        escalation_level: expect.any(Number),
      });
      expect(row.number).toMatch(/^INC-\d{8}-\d{4}$/);
      expect(Object.keys(row).sort()).toEqual(
        [
          'ack_due_at',
          'acknowledged_at',
          'created_at',
          'escalation_level',
          'id',
          'number',
          'phase',
          'phase_due_at',
          'resolved_at',
          'roles',
          'service_id',
          'severity',
          'status',
          'title',
          'updated_at',
        ].sort(),
      );
      const createdEntry = await s.next(
        (e) => e.event === 'timeline.entry' && e.data.kind === 'created' && e.data.incident_id === row.id,
      );
      expect(createdEntry.data).toMatchObject({ incident_id: row.id, kind: 'created', service_id: service.id });
      expect(created.id).toMatch(/^[0-9a-f]{8}-\d+$/);

      const from = s.events.length;
      const ack = await a.post(`/api/v1/incidents/${String(row.id)}/acknowledge`, {}, admin);
      expect(ack.status).toBe(200);
      const updated = await s.next((e) => e.event === 'incident.updated' && e.data.id === row.id, 2000, from);
      expect(updated.data.status).toBe('acknowledged');
      // the acknowledger took command
      expect((updated.data.roles as Record<string, string | null>).incident_commander).toBeTruthy();
      await s.next((e) => e.event === 'timeline.entry' && e.data.kind === 'role_assigned', 2000, from);
      const entries = s.events
        .slice(from)
        .filter((e) => e.event === 'timeline.entry')
        .map((e) => e.data.kind);
      expect(entries).toEqual(['acknowledged', 'role_assigned']);
      // Ids increase by one per event this process received.
      const seqs = s.events.map((e) => Number(e.id?.split('-')[1]));
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
      s.close();
    },
  );

  it('an escalation moving on shows incident.updated with the new level', async () => {
    const s = await open();
    const res = await a.post('/api/v1/incidents', { title: 'escalate me', severity: 'P1' }, admin);
    expect(res.status).toBe(201);
    const created = await s.next((e) => e.event === 'incident.created' && e.data.id === res.json.id);
    const from = s.events.length;
    const escalated = await a.post(`/api/v1/incidents/${String(res.json.id)}/escalate`, {}, admin);
    expect(escalated.status, JSON.stringify(escalated.json)).toBeLessThan(300);
    const updated = await s.next((e) => e.event === 'incident.updated' && e.data.id === res.json.id, 2000, from);
    expect(updated.data.escalation_level).toBeGreaterThan(created.data.escalation_level as number);
    expect(
      s.events.slice(from).some((e) => e.event === 'timeline.entry' && String(e.data.kind).startsWith('escalat')),
    ).toBe(true);
    s.close();
  });

  it('filters by service_id and severity', async () => {
    const byService = await open(`?service_id=${service.id}`);
    const byName = await open(
      `?service_id=${encodeURIComponent((await a.app.services.get(env.admin, service.id)).name)}`,
    );
    const p0 = await open('?severity=P0,P1');
    await trigger(other.key, unique('other'), 'critical');
    const mine = await trigger(service.key, unique('mine'), 'warning');
    expect(mine.status).toBe(202);
    const seen = await byService.next((e) => e.event === 'incident.created');
    expect(seen.data.service_id).toBe(service.id);
    expect((await byName.next((e) => e.event === 'incident.created')).data.service_id).toBe(service.id);
    const loud = await p0.next((e) => e.event === 'incident.created');
    expect(['P0', 'P1']).toContain(loud.data.severity);
    expect(loud.data.service_id).toBe(other.id);
    await sleep(200);
    expect(byService.events.every((e) => e.data.service_id === service.id)).toBe(true);
    expect(p0.events.every((e) => e.data.severity === 'P0' || e.data.severity === 'P1')).toBe(true);
    for (const s of [byService, byName, p0]) s.close();
  });

  it('answers 400 for a bad filter and 404 for an unknown service, before streaming', async () => {
    const bad = await openStream(`${a.url}/api/v1/stream?severity=P9`, { authorization: `Bearer ${viewer}` });
    expect(bad.status).toBe(400);
    const unknown = await openStream(`${a.url}/api/v1/stream?service_id=nope-${unique('x')}`, {
      authorization: `Bearer ${viewer}`,
    });
    expect(unknown.status).toBe(404);
  });

  it('publishes nothing for a change that rolls back', async () => {
    const s = await open();
    await expect(
      inTransaction(a.app.database.db, async (trx) => {
        await a.app.incidents
          .within(trx)
          .openMany(
            [{ actor: SYSTEM_ACTOR, input: { title: 'rolled back', severity: 'P1' }, serviceName: null }],
            new Date(),
          );
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const res = await a.post('/api/v1/incidents', { title: 'committed', severity: 'P2' }, admin);
    expect(res.status).toBe(201);
    const first = await s.next((e) => e.event === 'incident.created');
    expect(first.data.title).toBe('committed');
    expect(s.events.some((e) => e.data.title === 'rolled back')).toBe(false);
    s.close();
  });

  it('resumes after Last-Event-ID from this process, and sends reset for an id it cannot resume', async () => {
    const s = await open();
    await a.post('/api/v1/incidents', { title: 'before', severity: 'P3' }, admin);
    const seen = await s.next((e) => e.event === 'incident.created');
    // Keep another stream open so the channel stays listened to while the first reconnects.
    const keep = await open();
    s.close();
    await a.post('/api/v1/incidents', { title: 'while away', severity: 'P3' }, admin);
    await keep.next((e) => e.data.title === 'while away');
    const again = await open('', { authorization: `Bearer ${viewer}`, 'last-event-id': seen.id as string });
    const replayed = await again.next((e) => e.event === 'incident.created');
    expect(replayed.data.title).toBe('while away');
    expect(again.events[0]?.event).not.toBe('reset');
    const foreign = await open('?last_event_id=00000000-5');
    expect((await foreign.next(() => true)).event).toBe('reset');
    for (const x of [keep, again, foreign]) x.close();
  });

  it('server close ends open streams instead of hanging', async () => {
    const b = await startInstance(env);
    const token = await b.token('viewer');
    const s = await openStream(`${b.url}/api/v1/stream`, { authorization: `Bearer ${token}` });
    expect(s.status).toBe(200);
    const started = Date.now();
    await b.server.close();
    await s.ended;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(b.app.stream.size).toBe(0);
  });

  it(
    'ends streams after their lifetime (the client reconnects); ' +
      'logs show ?access_token= blanked; HEAD is not a stream',
    async () => {
      const app = createApp(env.config, env.database, new FakeClock());
      const lines: string[] = [];
      const server = await buildServer(app, {
        stream: { maxMs: 100 },
        logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
      });
      try {
        const user = await app.users.create(env.admin, {
          handle: unique('short'),
          name: 'short',
          email: `${unique('s')}@example.test`,
        });
        const { secret } = await app.tokens.create(env.admin, { user: user.id, role: 'viewer' });
        // inject() returns only when the response ends: the lifetime ends it.
        const res = await server.inject({ method: 'GET', url: `/api/v1/stream?severity=P1&access_token=${secret}` });
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('retry: 2000');
        expect(lines.join('\n')).toContain('access_token=[redacted]');
        expect(lines.join('\n')).not.toContain(secret);
        expect(
          (
            await server.inject({
              method: 'HEAD',
              url: '/api/v1/stream',
              headers: { authorization: `Bearer ${secret}` },
            })
          ).statusCode,
        ).toBe(404);
      } finally {
        await server.close();
      }
    },
  );

  {
    // Declared on both dialects and run on PostgreSQL only (SQLite has one process per data file).
    describe.runIf(env?.dialect === 'postgres')('several instances on PostgreSQL', () => {
      it('an incident opened through instance A appears on a stream from instance B', async () => {
        const b = await startInstance(env);
        try {
          const token = await b.token('viewer');
          const s = await openStream(`${b.url}/api/v1/stream`, { authorization: `Bearer ${token}` });
          streams.push(s);
          const dedup = unique('cross');
          const started = Date.now();
          await trigger(service.key, dedup);
          const created = await s.next(
            (e) => e.event === 'incident.created' && e.data.title === `down: ${dedup}`,
            2000,
          );
          expect(Date.now() - started).toBeLessThan(2000);
          expect(created.data.service_id).toBe(service.id);
          s.close();
        } finally {
          await b.server.close();
        }
      });

      it(
        'a storm of 80 incidents, committed a batch at a time and sent as several messages per batch, ' +
          'reaches instance B whole and in order',
        async () => {
          const b = await startInstance(env);
          try {
            const token = await b.token('viewer');
            const s = await openStream(`${b.url}/api/v1/stream`, { authorization: `Bearer ${token}` });
            streams.push(s);
            const keys = Array.from({ length: 80 }, () => unique('storm'));
            const answers = await Promise.all(keys.map((k) => trigger(service.key, k)));
            expect(answers.every((r) => r.status === 202)).toBe(true);
            const titles = new Set(keys.map((k) => `down: ${k}`));
            // Until every incident and at least one timeline entry of each has arrived: a batch's rows may
            // come in several messages, so the last incident's entries can follow its created row later.
            await s.next(() => {
              const created = s.events.filter(
                (e) => e.event === 'incident.created' && titles.has(String(e.data.title)),
              );
              return (
                created.length === titles.size &&
                created.every((c) =>
                  s.events.some((e) => e.event === 'timeline.entry' && e.data.incident_id === c.data.id),
                )
              );
            }, 5000);
            // Per incident, its created row comes before its timeline entries, as they were committed.
            for (const created of s.events.filter(
              (e) => e.event === 'incident.created' && titles.has(String(e.data.title)),
            )) {
              const at = s.events.indexOf(created);
              const firstEntry = s.events.findIndex(
                (e) => e.event === 'timeline.entry' && e.data.incident_id === created.data.id,
              );
              expect(firstEntry).toBeGreaterThan(at);
            }
            s.close();
          } finally {
            await b.server.close();
          }
        },
      );

      it('a dropped LISTEN connection tells streams to reload, and events flow again after it reconnects', async () => {
        const s = await open();
        // Ends this process's listening connection as a server restart or network fault would.
        await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                   WHERE datname = current_database() AND query = 'LISTEN vigil_events'`.execute(env.database.db);
        expect((await s.next((e) => e.event === 'reset', 3000)).data.reason).toBe('events_interrupted');
        expect((await s.next((e) => e.event === 'reset' && e.data.reason === 'events_resumed', 5000)).event).toBe(
          'reset',
        );
        await a.post('/api/v1/incidents', { title: 'after reconnect', severity: 'P3' }, admin);
        expect((await s.next((e) => e.data.title === 'after reconnect')).event).toBe('incident.created');
        s.close();
      });
    });
  }
});

describe('stream service', () => {
  it('drops a subscriber that cannot keep up, and stops listening when nobody subscribes', async () => {
    let listening = false;
    let deliver: ((payload: string) => void) | undefined;
    const service = createStreamService({
      channel: {
        shared: false,
        publish: async () => undefined,
        listen: async (h) => {
          listening = true;
          deliver = h.message;
        },
        unlisten: async () => {
          listening = false;
        },
      },
      load: async () => [],
    });
    let ended = 0;
    let accepted = 0;
    await service.subscribe({ type: 'user', id: 'u', name: 'u', role: 'viewer' }, {}, undefined, {
      write: () => accepted++ < 2,
      end: () => ended++,
    });
    expect(listening).toBe(true);
    const event: StreamEvent = {
      event: 'timeline.entry',
      data: { incident_id: 'i', kind: 'note', at: '2026-01-01T00:00:00.000Z', service_id: null, severity: 'P3' },
    };
    deliver?.(JSON.stringify([event, event, event, event]));
    expect(ended).toBe(1);
    expect(service.size).toBe(0);
    await sleep(0);
    expect(listening).toBe(false);
  });

  it('packs events into messages under the size limit', () => {
    const event: StreamEvent = {
      event: 'timeline.entry',
      data: {
        incident_id: 'inc_x'.repeat(20),
        kind: 'note',
        at: '2026-01-01T00:00:00.000Z',
        service_id: null,
        severity: 'P3',
      },
    };
    const parts = pack(
      Array.from({ length: 500 }, () => event),
      7900,
    );
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(7900);
    expect(parts.flatMap((p) => JSON.parse(p) as unknown[]).length).toBe(500);
  });
});

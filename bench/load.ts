// Lean HTTP/1.1 load generators for the benchmarks, over keep-alive TCP connections with one request
// in flight each (no pipelining). Requests are written as one pre-encoded string each and answers are
// framed by Content-Length only, so the generator costs a few microseconds of CPU per request and
// leaves the shared cores to the server being measured. Latencies are kept per request.
//
// - closedLoopLoad: N connections, each sending its next POST as soon as the previous answer is complete.
// - openLoopLoad: POSTs leave on a fixed schedule whatever the answers; a request goes out on an idle
//   connection, or a new one up to a limit, or waits for one; latency counts from its scheduled time.
import net from 'node:net';

export interface LoadTarget {
  url: string;
  /** POST (default), or GET: then `body` should give '' and no content-type is sent. */
  method?: 'POST' | 'GET';
  /** The n-th request's body (n counts from 0 across all connections). */
  body: (n: number) => string;
  headers?: Record<string, string>;
  /** A request unanswered this long fails the run (default 10 s). */
  timeoutMs?: number;
}

export interface LoadResult {
  requests: number;
  statuses: Map<number, number>;
  /** The first answer of each status, trimmed, to explain an unexpected one. */
  samples: Map<number, string>;
  errors: string[];
  seconds: number;
  /** Latencies in ms, sorted. */
  latencies: Float64Array;
}

export const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number) : NaN;

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Reads HTTP/1.1 answers off one connection's bytes. Only Content-Length framing is understood (what
 * the server sends for JSON answers); anything else is reported as an error rather than guessed at.
 */
class AnswerReader {
  private buffered: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the answers completed by them as [status, body] pairs. */
  push(chunk: Buffer): Array<[number, Buffer]> {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const done: Array<[number, Buffer]> = [];
    for (;;) {
      const end = this.buffered.indexOf(HEADER_END);
      if (end < 0) return done;
      const head = this.buffered.toString('latin1', 0, end);
      const status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (!length) throw new Error(`answer without Content-Length: ${head.slice(0, 200)}`);
      const total = end + 4 + Number(length[1]);
      if (this.buffered.length < total) return done;
      done.push([status, this.buffered.subarray(end + 4, total)]);
      this.buffered = this.buffered.subarray(total);
    }
  }
}

/** What both loops record: statuses, a sample answer per status, latencies, errors. */
class Recorder {
  readonly statuses = new Map<number, number>();
  readonly samples = new Map<number, string>();
  readonly errors: string[] = [];
  private latencies = new Float64Array(1 << 16);
  private count = 0;

  record(ms: number, status: number, body: Buffer): void {
    if (this.count === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.count++] = ms;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (!this.samples.has(status)) this.samples.set(status, body.toString('utf8', 0, Math.min(body.length, 300)));
  }

  result(seconds: number): LoadResult {
    return {
      requests: this.count,
      statuses: this.statuses,
      samples: this.samples,
      errors: this.errors,
      seconds,
      latencies: this.latencies.slice(0, this.count).sort(),
    };
  }
}

/** One keep-alive connection with at most one request in flight. */
class Connection {
  private readonly socket: net.Socket;
  private readonly reader = new AnswerReader();
  private sentAt = 0;
  private closed = false;
  busy = false;
  /** The number of the request in flight (the open loop's schedule slot). */
  tag = 0;

  constructor(
    target: URL,
    private readonly requestHead: string,
    private readonly events: {
      ready: (c: Connection) => void;
      answer: (c: Connection, sentAt: number, status: number, body: Buffer) => void;
      fail: (message: string) => void;
    },
  ) {
    this.socket = net.connect({ host: target.hostname, port: Number(target.port || 80), noDelay: true });
    this.socket.on('connect', () => events.ready(this));
    this.socket.on('data', (chunk: Buffer) => {
      let answers: Array<[number, Buffer]>;
      try {
        answers = this.reader.push(chunk);
      } catch (e) {
        return this.fail((e as Error).message);
      }
      for (const [status, body] of answers) {
        this.busy = false;
        events.answer(this, this.sentAt, status, body);
      }
    });
    this.socket.on('error', (e) => this.fail(`connection error: ${e.message}`));
    this.socket.on('close', () => {
      if (this.busy) this.fail('the server closed a connection with a request unanswered');
    });
  }

  /** Sends the request with this body ('' for a GET); `sentAt` (default now) is where its latency counts from. */
  send(body: string, sentAt = performance.now(), tag = 0): void {
    this.socket.write(`${this.requestHead}${Buffer.byteLength(body)}\r\n\r\n${body}`);
    this.sentAt = sentAt;
    this.tag = tag;
    this.busy = true;
  }

  /** How long the request in flight has waited, or 0. */
  waiting(now: number): number {
    return this.busy ? now - this.sentAt : 0;
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private fail(message: string): void {
    if (this.closed) return;
    this.close();
    this.events.fail(message);
  }
}

function requestHeadFor(target: URL, headers: Record<string, string> | undefined, method = 'POST'): string {
  const headerBlock = Object.entries({ ...(method === 'POST' && { 'content-type': 'application/json' }), ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return (
    `${method} ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\n` +
    `connection: keep-alive\r\n${headerBlock}content-length: `
  );
}

/** Runs the closed loop until `seconds` have passed or `amount` requests were sent, then waits for their answers. */
export function closedLoopLoad(
  o: LoadTarget & { connections: number; seconds?: number; amount?: number },
): Promise<LoadResult> {
  const target = new URL(o.url);
  const head = requestHeadFor(target, o.headers, o.method);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const rec = new Recorder();
  const t0 = performance.now();
  const deadline = o.seconds === undefined ? Infinity : t0 + o.seconds * 1000;
  let next = 0;
  const more = (): boolean =>
    (o.amount === undefined ? performance.now() < deadline : next < o.amount) && rec.errors.length === 0;

  return new Promise((resolve) => {
    let open = o.connections;
    const connections: Connection[] = [];
    const watchdog = setInterval(() => {
      const now = performance.now();
      if (connections.some((c) => c.waiting(now) > timeoutMs)) fail(`no answer within ${timeoutMs} ms`);
    }, 1000);
    const done = (c: Connection): void => {
      c.close();
      if (--open === 0) {
        clearInterval(watchdog);
        resolve(rec.result((performance.now() - t0) / 1000));
      }
    };
    const sendNext = (c: Connection): void => (more() ? c.send(o.body(next++)) : done(c));
    const fail = (message: string): void => {
      rec.errors.push(message);
      for (const c of connections) if (!c.busy) c.close();
      clearInterval(watchdog);
      resolve(rec.result((performance.now() - t0) / 1000));
    };
    for (let i = 0; i < o.connections; i++) {
      connections.push(
        new Connection(target, head, {
          ready: sendNext,
          answer: (c, sentAt, status, body) => {
            rec.record(performance.now() - sentAt, status, body);
            sendNext(c);
          },
          fail,
        }),
      );
    }
  });
}

export interface OpenLoopResult extends LoadResult {
  /** How far behind its schedule the generator itself fell at worst, in ms (measured requests only). */
  lateMs: number;
  /** Connections opened in all. */
  connections: number;
  /** The requests scheduled before `measureFrom`, apart. */
  warmup: LoadResult;
}

/**
 * Sends `rate` POSTs a second for `seconds`, on a fixed schedule (checked every millisecond); requests
 * numbered below `measureFrom` are a warm-up, recorded apart. A request
 * goes out on an idle connection, else on a new one (at most `maxConnections`), else waits for the
 * first connection to come free; its latency always counts from its scheduled time. Resolves once
 * every request is answered.
 */
export function openLoopLoad(
  o: LoadTarget & { rate: number; seconds: number; maxConnections: number; measureFrom?: number },
): Promise<OpenLoopResult> {
  const target = new URL(o.url);
  const head = requestHeadFor(target, o.headers, o.method);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const rec = new Recorder();
  const warm = new Recorder();
  const measureFrom = o.measureFrom ?? 0;
  const total = Math.round(o.rate * o.seconds);
  const idle: Connection[] = [];
  const all: Connection[] = [];
  const queued: number[] = []; // scheduled request numbers waiting for a connection
  let sent = 0;
  let answered = 0;
  let lateMs = 0;
  const t0 = performance.now();
  const scheduledAt = (n: number): number => t0 + (n / o.rate) * 1000;

  return new Promise((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      for (const c of all) c.close();
      const elapsed = (performance.now() - t0) / 1000;
      resolve({
        ...rec.result(elapsed - measureFrom / o.rate),
        lateMs,
        connections: all.length,
        warmup: warm.result(measureFrom / o.rate),
      });
    };
    const dispatch = (c: Connection): void => {
      const n = queued.shift();
      if (n === undefined) idle.push(c);
      else c.send(o.body(n), scheduledAt(n), n);
    };
    const events = {
      ready: dispatch,
      answer: (c: Connection, sentAt: number, status: number, body: Buffer) => {
        (c.tag < measureFrom ? warm : rec).record(performance.now() - sentAt, status, body);
        if (++answered === total) finish();
        else dispatch(c);
      },
      fail: (message: string) => {
        rec.errors.push(message);
        finish();
      },
    };
    const ticker = setInterval(() => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) / 1000) * o.rate) + 1);
      for (; sent < due; sent++) {
        if (sent >= measureFrom) lateMs = Math.max(lateMs, now - scheduledAt(sent));
        const c = idle.pop();
        if (c) c.send(o.body(sent), scheduledAt(sent), sent);
        else {
          queued.push(sent);
          if (all.length < o.maxConnections) all.push(new Connection(target, head, events));
        }
      }
      if (all.some((c) => c.waiting(now) > timeoutMs)) events.fail(`no answer within ${timeoutMs} ms`);
    }, 1);
  });
}

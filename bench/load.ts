// A lean closed-loop HTTP/1.1 load generator for the benchmarks: N keep-alive TCP connections, each
// sending its next POST as soon as the previous answer is complete (pipelining 1). Requests are
// written as one pre-encoded buffer each and answers are framed by Content-Length only, so the
// generator costs a few microseconds of CPU per request; the point is to leave the shared cores to
// the server being measured. Latencies are kept per request (0.1 ms resolution in the figures).
import net from 'node:net';

export interface LoadOptions {
  url: string;
  connections: number;
  /** Run for this many seconds … */
  seconds?: number;
  /** … or send exactly this many requests. */
  amount?: number;
  /** The n-th request's body (n counts from 0 across all connections). */
  body: (n: number) => string;
  headers?: Record<string, string>;
  /** Per-request timeout; a request still unanswered after it fails the run (default 10 s). */
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

export const percentile = (sorted: Float64Array, p: number): number => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number) : NaN);

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

/** Runs the closed loop to its end (time or amount) and returns what every connection saw. */
export function closedLoopLoad(o: LoadOptions): Promise<LoadResult> {
  const target = new URL(o.url);
  const port = Number(target.port || 80);
  const headerBlock = Object.entries({ 'content-type': 'application/json', ...o.headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const requestHead = `POST ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\nconnection: keep-alive\r\n${headerBlock}content-length: `;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const statuses = new Map<number, number>();
  const samples = new Map<number, string>();
  const errors: string[] = [];
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let next = 0;
  const t0 = performance.now();
  const deadline = o.seconds === undefined ? Infinity : t0 + o.seconds * 1000;
  const more = (): boolean => (o.amount === undefined ? performance.now() < deadline : next < o.amount) && errors.length === 0;

  const record = (ms: number, status: number, body: Buffer): void => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = ms;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (!samples.has(status)) samples.set(status, body.toString('utf8', 0, Math.min(body.length, 300)));
  };

  const connection = (): Promise<void> =>
    new Promise((resolve) => {
      const socket = net.connect({ host: target.hostname, port, noDelay: true });
      const reader = new AnswerReader();
      let sentAt = 0;
      let busy = false;
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      const finish = (error?: string): void => {
        if (finished) return;
        finished = true;
        if (error) errors.push(error);
        if (timer) clearTimeout(timer);
        socket.destroy();
        resolve();
      };
      const send = (): void => {
        if (!more()) return finish();
        const body = o.body(next++);
        socket.write(`${requestHead}${Buffer.byteLength(body)}\r\n\r\n${body}`);
        sentAt = performance.now();
        busy = true;
        timer ??= setInterval(() => {
          if (busy && performance.now() - sentAt > timeoutMs) finish(`no answer within ${timeoutMs} ms`);
        }, 1000);
      };
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        let answers: Array<[number, Buffer]>;
        try {
          answers = reader.push(chunk);
        } catch (e) {
          return finish((e as Error).message);
        }
        for (const [status, body] of answers) {
          busy = false;
          record(performance.now() - sentAt, status, body);
          send();
        }
      });
      socket.on('error', (e) => finish(`connection error: ${e.message}`));
      socket.on('close', () => {
        if (busy) finish('the server closed a connection with a request unanswered');
      });
    });

  return Promise.all(Array.from({ length: o.connections }, connection)).then(() => ({
    requests: count,
    statuses,
    samples,
    errors,
    seconds: (performance.now() - t0) / 1000,
    latencies: latencies.slice(0, count).sort(),
  }));
}

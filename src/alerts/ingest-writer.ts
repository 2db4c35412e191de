// Runs ingest transactions on a worker thread (alerts/ingest-worker.ts) for a server on a SQLite
// file. SQLite does its work — statements, then the fsync of the commit — on the calling thread;
// on the event loop that stalls every request while a batch commits. With the writer, the event loop
// forms batches and answers requests, and the worker applies and commits them on the other core. A
// 2xx still waits for its batch's commit. If the worker dies, the batches it held fail (and are
// retried or answered 5xx by the caller) and the next batch starts a new worker.
import { Worker } from 'node:worker_threads';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { IngestRequest, IngestResult } from './ingest-batch.js';
import type { FromWorker, ToWorker } from './ingest-worker.js';

export interface IngestWriter {
  run(batch: IngestRequest[], now: Date): Promise<IngestResult[]>;
  /** Waits for batches in flight, closes the worker's connection and ends it. */
  close(): Promise<void>;
}

// From dist/ the worker is JavaScript. From src/ (development and tests, run through tsx) it is
// TypeScript, and a worker thread does not inherit the process's loader: it registers tsx first.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './ingest-worker.ts' : './ingest-worker.js', import.meta.url);

function newWorker(workerData: unknown): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

export function startIngestWriter(config: Config, file: string, onWake: () => void, onError: (error: Error) => void = () => undefined): IngestWriter {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: IngestResult[]) => void; reject: (e: unknown) => void }>();

  function start(): Worker {
    const w = newWorker({ config, file });
    w.on('message', (message: FromWorker) => {
      if (message.type === 'wake') onWake();
      else if (message.type === 'done' || message.type === 'failed') {
        const waiting = pending.get(message.id);
        pending.delete(message.id);
        if (message.type === 'done') waiting?.resolve(message.results as IngestResult[]);
        else {
          const { message: text, code, details, kind } = message.error;
          waiting?.reject(code ? new AppError(code, text, details, kind) : new Error(text));
        }
      }
    });
    w.on('error', (error) => onError(error));
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      // Whatever it held never committed (or did and could not say so): the caller answers 5xx or retries.
      for (const [id, waiting] of pending) {
        pending.delete(id);
        waiting.reject(new AppError('ingest.unavailable', 'the ingest worker stopped; retry the request'));
      }
    });
    return w;
  }
  // Started now, so the first events do not wait for the worker to load.
  worker = start();

  return {
    run(batch, now) {
      worker ??= start();
      const id = nextId++;
      return new Promise<IngestResult[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        (worker as Worker).postMessage({ type: 'batch', id, batch, now: now.getTime() } satisfies ToWorker);
      });
    },

    async close() {
      const w = worker;
      if (!w) return;
      worker = undefined;
      const closed = new Promise<void>((resolve) => w.once('exit', () => resolve()));
      w.postMessage({ type: 'close' } satisfies ToWorker);
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
      await Promise.race([closed, timeout]);
      await w.terminate();
    },
  };
}

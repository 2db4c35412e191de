// The ingest worker thread (started by ingest-writer.ts for a server on a SQLite file): its own
// connection to the same database and its own copy of the features, so that a batch of events —
// alerts, incidents, escalation starts, initial notifications, all in one transaction — is applied
// and fsynced here while the server's event loop goes on reading requests.
import { parentPort, workerData } from 'node:worker_threads';
import { createServices } from '../app.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { createDb } from '../db/database.js';
import { AppError } from '../errors.js';
import type { IngestRequest } from './ingest-batch.js';

export type ToWorker = { type: 'batch'; id: number; batch: IngestRequest[]; now: number } | { type: 'close' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; results: unknown[] }
  | { type: 'failed'; id: number; error: { message: string; code?: string; details?: unknown; kind?: AppError['kind'] } }
  | { type: 'wake' }
  | { type: 'closed' };

const port = parentPort;
if (!port) throw new Error('ingest-worker.ts runs as a worker thread');
const { config, file } = workerData as { config: Config; file: string };
// The server's connection runs the log checkpoints; this one only writes.
const database = createDb({ sqlitePath: file, checkpointIntervalMs: 0 });
const app = createServices(config, database, systemClock);
const post = (message: FromWorker) => port.postMessage(message);
// Escalations started here are swept by the server's engine: tell it to look now.
app.escalation.setWaker(() => post({ type: 'wake' }));

port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    void database.close().finally(() => {
      post({ type: 'closed' });
      port.close();
    });
    return;
  }
  app.ingest.applyHere(message.batch, new Date(message.now)).then(
    (results) => post({ type: 'done', id: message.id, results }),
    (error: unknown) =>
      post({
        type: 'failed',
        id: message.id,
        error: error instanceof AppError ? { message: error.message, code: error.code, details: error.details, kind: error.kind } : { message: error instanceof Error ? error.message : String(error) },
      }),
  );
});
post({ type: 'ready' });

// Checkpoints a SQLite write-ahead log on a worker thread.
//
// Left to itself, SQLite checkpoints inside whichever commit pushes the log past 1,000 pages: that
// commit copies the log into the database file and fsyncs it, and since the server's connection
// lives on the event loop, every request waits while it does. With automatic checkpoints off on the
// server's connection, this worker holds a connection of its own and runs a PASSIVE checkpoint every
// interval: it copies whatever no reader still needs, never blocks a writer, and once one completes
// the next write transaction starts the log over from its beginning, so the file stays bounded.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  /** Runs a last checkpoint, closes the worker's connection and ends the worker. */
  stop(): Promise<void>;
}

// Plain CommonJS so it runs the same from dist/ and from src/ under a TypeScript loader.
const WORKER_SOURCE =
  `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 100');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // Busy (another checkpoint, a schema change): the next interval tries again.
    if (!String(error && error.code).startsWith('SQLITE_BUSY'))` +
  ` parentPort.postMessage({ error: String(error && error.message) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('stopped');
  parentPort.close();
});
`;

/** Starts checkpointing `file` every `intervalMs`; `onError` hears failures other than a busy database. */
export function startCheckpointer(
  file: string,
  intervalMs = 200,
  onError: (message: string) => void = (message) =>
    process.stderr.write(`vigil: checkpointing the SQLite log failed: ${message}\n`),
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, intervalMs, driver } });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (message: unknown) => {
    if (typeof message === 'object' && message && 'error' in message)
      onError(String((message as { error: unknown }).error));
  });
  worker.on('error', (error) => onError(error.message));
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        // Held while it finishes, so a process that is only waiting for this does not end first.
        worker.ref();
        worker.postMessage('stop');
        // A worker that does not finish its last checkpoint promptly is ended; the server's own close checkpoints
        // anyway.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)));
        await Promise.race([exited, timeout]);
        clearTimeout(timer);
        await worker.terminate();
      })();
      return stopping;
    },
  };
}

// The public status page as served: every document (the HTML page, the Statuspage-compatible JSON, the
// feeds) rendered once per change into memory, with its gzip and ETag, so a request costs no database
// read and no rendering — a traffic spike during an outage is answered from here.
//
// A rebuild runs when something public may have changed (status.changed, an incident's timeline, the
// engine's periodic sweep for what other instances changed). Rebuilds never overlap: a request for one
// while one runs makes exactly one more run after it, so a storm of changes costs at most two rebuilds
// in a row, spaced by `minGapMs`. Requests meanwhile get the previous snapshot, never a half-built one.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Clock } from '../clock.js';
import { historyAtom, historyRss } from './feeds.js';
import { renderStatusPage } from './page-html.js';
import {
  activeMaintenancesJson,
  componentsJson,
  incidentsJson,
  maintenancesJson,
  statusJson,
  summaryJson,
  unresolvedIncidentsJson,
  upcomingMaintenancesJson,
} from './statuspage-json.js';
import type { PublicModel } from './status.js';

export interface StatusDocument {
  type: string;
  body: Buffer;
  gzip: Buffer;
  /** A strong validator: the body's digest, quoted. */
  etag: string;
}

/** Document name → how it is made from the model. The names are the paths under the page's prefix. */
const JSON_DOCS: Record<string, (m: PublicModel) => unknown> = {
  'api/v2/summary.json': summaryJson,
  'api/v2/status.json': statusJson,
  'api/v2/components.json': componentsJson,
  'api/v2/incidents.json': incidentsJson,
  'api/v2/incidents/unresolved.json': unresolvedIncidentsJson,
  'api/v2/scheduled-maintenances.json': maintenancesJson,
  'api/v2/scheduled-maintenances/upcoming.json': upcomingMaintenancesJson,
  'api/v2/scheduled-maintenances/active.json': activeMaintenancesJson,
};

export const STATUS_DOCUMENTS = ['', ...Object.keys(JSON_DOCS), 'history.rss', 'history.atom'] as const;

const compress = promisify(gzip);

/** One document; compressed on libuv's thread pool, so requests keep being answered meanwhile. */
async function documentOf(type: string, text: string): Promise<StatusDocument> {
  const body = Buffer.from(text);
  return {
    type,
    body,
    gzip: await compress(body, { level: 6 }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}

/** Every document of one model. */
export async function renderDocuments(
  model: PublicModel,
  opts: { prefix: string; subscribe: boolean },
): Promise<Map<string, StatusDocument>> {
  const made: Array<[string, string, string]> = [
    ['', 'text/html; charset=utf-8', renderStatusPage(model, opts)],
    ...Object.entries(JSON_DOCS).map(([name, make]): [string, string, string] => [
      name,
      'application/json; charset=utf-8',
      JSON.stringify(make(model)),
    ]),
    ['history.rss', 'application/rss+xml; charset=utf-8', historyRss(model, opts.prefix)],
    ['history.atom', 'application/atom+xml; charset=utf-8', historyAtom(model, opts.prefix)],
  ];
  const docs = await Promise.all(made.map(async ([name, type, text]) => [name, await documentOf(type, text)] as const));
  return new Map(docs);
}

export interface SnapshotDeps {
  clock: Clock;
  /** Reads the model (and settles components' statuses); the only part that touches the database. */
  build: () => Promise<PublicModel>;
  prefix: string;
  subscribe: boolean;
  /** Least time between the starts of two rebuilds. */
  minGapMs?: number;
  onError?: (error: unknown) => void;
}

export function createStatusSnapshot(deps: SnapshotDeps) {
  const { clock, build, prefix, subscribe, minGapMs = 200 } = deps;
  let docs: Map<string, StatusDocument> | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let builds = 0;
  let lastStart = 0;
  let lastBuiltAt: Date | null = null;

  async function once(spaced: boolean): Promise<void> {
    const wait = lastStart + minGapMs - performance.now();
    if (spaced && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lastStart = performance.now();
    const next = await build();
    docs = await renderDocuments(next, { prefix, subscribe });
    builds += 1;
    lastBuiltAt = clock.now();
  }

  /**
   * Rebuilds now, or once more after the rebuild running; resolves when a build begun after the call is done.
   * `spaced` (a change noticed) keeps `minGapMs` after the last start; the engine's periodic call needs no gap.
   */
  function refresh(spaced = false): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    let first = true;
    running = (async () => {
      try {
        do {
          again = false;
          try {
            await once(spaced || !first);
            first = false;
          } catch (error) {
            deps.onError?.(error);
          }
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return {
    refresh,
    /**
     * Something public may have changed: rebuild, unless nobody has asked for the page yet (then the first
     * request builds it), so an instance nobody reads the page from does no work for it.
     */
    changed(): void {
      if (docs) void refresh(true);
    },
    /**
     * Whether there is no snapshot yet or it is older than `maxAgeMs` at `now`: the engine's periodic rebuild,
     * which also records components' status changes while nobody reads the page.
     */
    staleAt(now: Date, maxAgeMs: number): boolean {
      return lastBuiltAt === null || now.getTime() - lastBuiltAt.getTime() >= maxAgeMs;
    },
    /** A document by name ('' is the HTML page), building the first snapshot if there is none yet. */
    async document(name: string): Promise<StatusDocument | undefined> {
      if (!docs) await refresh(false);
      return docs?.get(name);
    },
    /** How many snapshots were built (vigil_status_snapshot_builds_total). */
    builds: (): number => builds,
  };
}

export type StatusSnapshot = ReturnType<typeof createStatusSnapshot>;

// Reading which notifications a received message carries. Vigil is moving from one id per message
// (X-Vigil-Delivery; for a bundle of pages, the first page's id) to a message id plus the list of every
// notification id the message carries (X-Vigil-Delivery-Ids, at most 100, on HTTP and email; and
// `delivery_ids` in webhook bodies). Receivers must work with both, so they read defensively, in this
// order: the list header, the body's delivery_ids, the ids of a webhook bundle's pages, the body's
// delivery_id, the message header.
//
// What a receiver drops repeats by is a separate question: the list when the message has one (each
// notification is its own key), else the message header, which today stands for the whole bundle.

export interface CarriedIds {
  /** Every notification id the message is known to carry. */
  carried: string[];
  /** How `carried` was read. */
  source: 'list-header' | 'body-ids' | 'bundle' | 'body-id' | 'header' | 'none';
  /** The key a receiver drops repeats by, for each carried id. */
  dedupKeys: Map<string, string>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Ids from a comma- or space-separated header value (folded email headers come back with spaces). */
export function splitIdList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The ids a message carries and the key a receiver would drop each one's repeats by. */
export function carriedIds(input: { header?: string | undefined; listHeader?: string | undefined; body?: unknown }) {
  const header = input.header?.trim() || undefined;
  const list = splitIdList(input.listHeader);
  const body = isRecord(input.body) ? input.body : undefined;
  let carried: string[] = [];
  let source: CarriedIds['source'] = 'none';
  if (list.length > 0) {
    carried = list;
    source = 'list-header';
  } else if (body && Array.isArray(body.delivery_ids) && body.delivery_ids.some((x) => typeof x === 'string')) {
    carried = body.delivery_ids.filter((x): x is string => typeof x === 'string');
    source = 'body-ids';
  } else if (body && Array.isArray(body.bundle)) {
    carried = body.bundle.flatMap((p) => (isRecord(p) && typeof p.delivery_id === 'string' ? [p.delivery_id] : []));
    source = 'bundle';
  } else if (body && typeof body.delivery_id === 'string') {
    carried = [body.delivery_id];
    source = 'body-id';
  } else if (header) {
    carried = [header];
    source = 'header';
  }
  carried = [...new Set(carried)];
  const byList = source === 'list-header' || source === 'body-ids';
  const dedupKeys = new Map(carried.map((id) => [id, byList ? id : (header ?? id)]));
  return { carried, source, dedupKeys } satisfies CarriedIds;
}

/**
 * How many notifications a message says it carries: the webhook body's `bundled` or the length of its
 * `delivery_ids`, else the "N pages: …" a bundled message's subject starts with, else 1.
 */
export function bundledCount(subject: string | undefined, body?: unknown): number {
  if (isRecord(body)) {
    if (typeof body.bundled === 'number' && body.bundled > 0) return body.bundled;
    if (Array.isArray(body.delivery_ids) && body.delivery_ids.length > 0) return body.delivery_ids.length;
  }
  const match = subject ? /^(\d+) pages\b/.exec(subject.trim()) : null;
  return match ? Number(match[1]) : 1;
}

/** Incident ids a webhook body names: its incident, or each bundled page's. */
export function incidentIdsOf(body: unknown): string[] {
  if (!isRecord(body)) return [];
  const ids: string[] = [];
  const add = (incident: unknown) => {
    if (isRecord(incident) && typeof incident.id === 'string') ids.push(incident.id);
  };
  add(body.incident);
  if (Array.isArray(body.bundle)) for (const page of body.bundle) if (isRecord(page)) add(page.incident);
  return [...new Set(ids)];
}

/** Incident titles a webhook body names (the load generator writes its story into them). */
export function incidentTitlesOf(body: unknown): Array<{ id: string; title: string; event: string }> {
  if (!isRecord(body)) return [];
  const found: Array<{ id: string; title: string; event: string }> = [];
  const add = (item: Record<string, unknown>) => {
    const incident = item.incident;
    if (isRecord(incident) && typeof incident.id === 'string' && typeof incident.title === 'string')
      found.push({ id: incident.id, title: incident.title, event: typeof item.event === 'string' ? item.event : '' });
  };
  add(body);
  if (Array.isArray(body.bundle)) for (const page of body.bundle) if (isRecord(page)) add(page);
  return found;
}

// `vigil gdpr consents|purposes|verify`: the consent ledger from the terminal.
// The CSV import streams the file, checks its header before sending anything, sends batches of 1,000,
// and when the API refuses a batch (it names the bad events by index) reports those lines as rejected
// and sends the rest again; the summary says what was imported, skipped as duplicates and rejected.
import fs from 'node:fs';
import { parse } from 'csv-parse';
import type { Command } from 'commander';
import { CliError, createClient, type Client } from '../client.js';
import { block, print, table } from '../output.js';

type Row = Record<string, unknown>;

/** The import file's header, exactly. */
export const CSV_COLUMNS = [
  'id',
  'subject_id',
  'purpose',
  'policy_version',
  'decision',
  'at',
  'source',
  'proof',
] as const;
const BATCH = 1000;
const BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'];

interface Pending {
  line: number;
  event: Record<string, unknown>;
}

export interface ImportSummary {
  imported: number;
  duplicates: number;
  rejected: Array<{ line: number; message: string }>;
}

/** One CSV record as an event, or why it cannot be one (refused here, never sent). */
function toEvent(record: string[]): { event: Record<string, unknown> } | { problem: string } {
  const [id, subject_id, purpose, version, decision, at, source, proofText] = record as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  let proof: unknown = {};
  if (proofText.trim() !== '') {
    try {
      proof = JSON.parse(proofText);
    } catch {
      return { problem: 'proof: not valid JSON' };
    }
    if (typeof proof !== 'object' || proof === null || Array.isArray(proof))
      return { problem: 'proof: must be a JSON object (or empty)' };
  }
  return {
    event: {
      id,
      subject_id,
      purpose,
      // Sent as written when it is not a whole number, so the API names it.
      policy_version: /^\d{1,9}$/.test(version.trim()) ? Number(version.trim()) : version,
      decision,
      at,
      source,
      proof,
    },
  };
}

/**
 * Sends one batch; refused events (named by index) are moved to `rejected` and the rest re-sent until the
 * API takes them or none are left. Any other refusal (authentication, the server) ends the import.
 */
async function sendBatch(client: Client, batch: Pending[], summary: ImportSummary): Promise<void> {
  let left = batch;
  while (left.length > 0) {
    try {
      const done = await client.request<{ accepted: number; duplicates: number }>('POST', '/api/v1/gdpr/consents', {
        events: left.map((p) => p.event),
      });
      summary.imported += done.accepted;
      summary.duplicates += done.duplicates;
      return;
    } catch (error) {
      const rejected = (error as CliError).refusal?.details as
        { rejected?: Array<{ index: number; field: string; message: string }> } | undefined;
      if (!(error instanceof CliError) || !Array.isArray(rejected?.rejected) || rejected.rejected.length === 0)
        throw error;
      const bad = new Map<number, string>();
      for (const r of rejected.rejected) {
        const before = bad.get(r.index);
        bad.set(r.index, `${before ? `${before}; ` : ''}${r.field}: ${r.message}`);
      }
      for (const [index, message] of bad) {
        const p = left[index];
        if (p) summary.rejected.push({ line: p.line, message });
      }
      left = left.filter((_, i) => !bad.has(i));
    }
  }
}

/** Imports a consent CSV; progress on stderr. Throws before sending anything when the header is wrong. */
export async function importConsents(
  client: Client,
  file: string,
  progress: (summary: ImportSummary, lines: number) => void,
): Promise<ImportSummary> {
  const summary: ImportSummary = { imported: 0, duplicates: 0, rejected: [] };
  const parser = fs.createReadStream(file).pipe(parse({ info: true, relax_column_count: true, bom: true }));
  let header = true;
  let batch: Pending[] = [];
  let lines = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      lines = info.lines;
      if (header) {
        header = false;
        const got = record.map((c) => c.trim());
        if (got.join(',') !== CSV_COLUMNS.join(','))
          throw new CliError(
            `${file}: the header must be exactly ${CSV_COLUMNS.join(',')} ` +
              `(got ${got.join(',').slice(0, 200)}); nothing was sent`,
          );
        continue;
      }
      if (record.length === 1 && record[0]?.trim() === '') continue;
      if (record.length !== CSV_COLUMNS.length) {
        summary.rejected.push({
          line: info.lines,
          message: `expected ${CSV_COLUMNS.length} columns, found ${record.length}`,
        });
        continue;
      }
      const made = toEvent(record);
      if ('problem' in made) summary.rejected.push({ line: info.lines, message: made.problem });
      else batch.push({ line: info.lines, event: made.event });
      if (batch.length === BATCH) {
        await sendBatch(client, batch, summary);
        batch = [];
        progress(summary, lines);
      }
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const e = error as { code?: string; message?: string };
    if (e.code === 'ENOENT') throw new CliError(`${file}: no such file`);
    throw new CliError(`${file}: ${e.message ?? String(error)}`);
  }
  if (header) throw new CliError(`${file}: empty; the header must be ${CSV_COLUMNS.join(',')}`);
  await sendBatch(client, batch, summary);
  progress(summary, lines);
  summary.rejected.sort((a, b) => a.line - b.line);
  return summary;
}

const listOption = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function purposeBody(o: Record<string, string | string[] | undefined>): Row {
  const int = (name: string, v: string | string[] | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${name}: must be a whole number of at least 1`);
    return n;
  };
  const nullable = (v: string | string[] | undefined) =>
    v === undefined ? undefined : v === '' || v === 'none' ? null : v;
  const body: Row = {
    name: o.name,
    lawful_basis: o.basis,
    policy_version: int('--policy-version', o.policyVersion),
    data_categories: o.dataCategories,
    subject_categories: o.subjectCategories,
    recipients: o.recipients,
    transfers_outside_eea: nullable(o.transfers),
    retention_days: o.retentionDays === 'none' ? null : int('--retention-days', o.retentionDays),
    security_measures: nullable(o.security),
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

function purposeOptions(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'what the processing is for, in words')
    .option('--basis <basis>', `lawful basis (Art. 6(1)): ${BASES.join(', ')}`)
    .option('--policy-version <n>', 'the privacy policy version consents are given under (only ever raised)')
    .option('--data-categories <list>', 'categories of personal data, comma-separated', listOption)
    .option('--subject-categories <list>', 'categories of data subjects, comma-separated', listOption)
    .option('--recipients <list>', 'categories of recipients, comma-separated', listOption)
    .option('--transfers <text>', 'transfers outside the EEA: where to and under which safeguard ("none" for none)')
    .option('--retention-days <n>', 'how long the data is kept, in days ("none" to clear)')
    .option('--security <text>', 'technical and organisational security measures ("none" to clear)')
    .option('--json', 'print JSON');
}

function purposeBlock(p: Row): string {
  return block({
    key: p.key,
    name: p.name,
    lawful_basis: p.lawful_basis,
    policy_version: p.policy_version,
    data_categories: (p.data_categories as string[]).join(', '),
    subject_categories: (p.subject_categories as string[]).join(', '),
    recipients: (p.recipients as string[]).join(', '),
    transfers_outside_eea: p.transfers_outside_eea ?? 'none',
    retention_days: p.retention_days,
    security_measures: p.security_measures,
    missing: (p.missing as string[]).join(', ') || '-',
  });
}

export function addLedgerCommands(gdpr: Command): void {
  const consents = gdpr.command('consents').description('the consent ledger: import events, a subject’s status');

  consents
    .command('import')
    .description(
      'import consent events from a CSV file with the header\n' +
        `  ${CSV_COLUMNS.join(',')}\n` +
        '(proof: a JSON object, may be empty; at: ISO 8601). Sent in batches of 1,000; lines the server refuses are ' +
        'reported with their line numbers and the rest imported; an id imported before with the same content is ' +
        'skipped as a duplicate. Exit 1 when any line was rejected.',
    )
    .argument('<file>', 'the CSV file')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const tty = process.stderr.isTTY;
      const summary = await importConsents(createClient(), file, (s, lines) => {
        const text = `line ${lines}: ${s.imported} imported, ${s.duplicates} duplicates, ${s.rejected.length} rejected`;
        if (tty) process.stderr.write(`\r${text}`);
        else console.error(text);
      });
      if (tty) process.stderr.write('\n');
      print(o, summary, () =>
        [
          `imported: ${summary.imported}`,
          `duplicates skipped: ${summary.duplicates}`,
          `rejected: ${summary.rejected.length}`,
          ...summary.rejected.map((r) => `  line ${r.line}: ${r.message}`),
        ].join('\n'),
      );
      if (summary.rejected.length > 0)
        throw new CliError(
          `${summary.rejected.length} line${summary.rejected.length === 1 ? '' : 's'} rejected: ` +
            summary.rejected
              .slice(0, 20)
              .map((r) => r.line)
              .join(', ') +
            (summary.rejected.length > 20 ? ', …' : ''),
        );
    });

  consents
    .command('status')
    .description('a subject’s consent per purpose: granted, withdrawn, stale or none (the read is audited)')
    .argument('<subject>', 'the subject id (your user id for the person)')
    .option('--json', 'print JSON')
    .action(async (subject: string, o: { json?: boolean }) => {
      const s = await createClient().request<{ purposes: Row[]; erased_at: string | null }>(
        'GET',
        `/api/v1/gdpr/subjects/${encodeURIComponent(subject)}/consent`,
      );
      print(o, s, () => {
        const rows = table(s.purposes, {
          purpose: 'PURPOSE',
          status: 'STATUS',
          policy_version: 'VERSION',
          current_policy_version: 'CURRENT',
          decided_at: 'DECIDED',
          source: 'SOURCE',
        });
        return s.erased_at ? `${rows}\n\nerased at ${s.erased_at}` : rows;
      });
    });

  const purposes = gdpr.command('purposes').description('purposes of processing (Art. 30 records)');

  purposes
    .command('list')
    .description('purposes with their policy version and missing Art. 30 fields')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const page = await createClient().request<{ data: Row[] }>('GET', '/api/v1/gdpr/purposes');
      print(o, page, () =>
        table(
          page.data.map((p) => ({ ...p, missing: (p.missing as string[]).join(', ') || '-' })),
          { key: 'KEY', name: 'NAME', lawful_basis: 'BASIS', policy_version: 'VERSION', missing: 'MISSING' },
        ),
      );
    });

  purposeOptions(
    purposes
      .command('add')
      .description('register a purpose (admin, or a responder with the privacy flag)')
      .argument('<key>', 'stable key consent events name, e.g. newsletter'),
  ).action(async (key: string, o: Record<string, string | undefined> & { json?: boolean }) => {
    if (!o.name || !o.basis) throw new CliError('--name and --basis are required');
    const created = await createClient().request<Row>('POST', '/api/v1/gdpr/purposes', { key, ...purposeBody(o) });
    print(o, created, () => purposeBlock(created));
  });

  purposeOptions(
    purposes
      .command('set')
      .description('change a purpose; a higher --policy-version makes earlier grants stale')
      .argument('<key>', 'the purpose key'),
  ).action(async (key: string, o: Record<string, string | undefined> & { json?: boolean }) => {
    const body = purposeBody(o);
    if (Object.keys(body).length === 0) throw new CliError('nothing to change: give at least one option (see --help)');
    const updated = await createClient().request<Row>(
      'PATCH',
      `/api/v1/gdpr/purposes/${encodeURIComponent(key)}`,
      body,
    );
    print(o, updated, () => purposeBlock(updated));
  });

  gdpr
    .command('verify')
    .description('walk the consent ledger’s hash chain; exit 1 naming the first broken row')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const client = createClient();
      const state = await client.request<{ rows: number }>('GET', '/api/v1/gdpr/ledger');
      const started = Date.now();
      console.error(`verifying ${state.rows} rows…`);
      const ticker = setInterval(
        () => console.error(`  still walking the chain (${Math.round((Date.now() - started) / 1000)} s)`),
        5_000,
      );
      let result: Row & { ok: boolean; first_broken: { seq: number; id: string | null; reason: string } | null };
      try {
        result = await client.request('POST', '/api/v1/gdpr/ledger/verify', undefined, { timeoutMs: 30 * 60_000 });
      } finally {
        clearInterval(ticker);
      }
      print(o, result, () => {
        const fb = result.first_broken;
        return result.ok
          ? `ok: ${String(result.rows)} rows verified in ${String(result.duration_ms)} ms; ` +
              `head ${String(result.head_hash)}`
          : `BROKEN at row ${fb?.seq} (id ${fb?.id ?? '-'}): ${fb?.reason}; ` +
              `verified up to row ${String(result.verified_up_to)} of ${String(result.rows)}`;
      });
      const fb = result.first_broken;
      if (!result.ok)
        throw new CliError(
          `the consent ledger is broken at row ${fb?.seq} (id ${fb?.id ?? '-'}): ${fb?.reason}; ` +
            `verified up to row ${String(result.verified_up_to)}`,
        );
    });
}

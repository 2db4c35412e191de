// Human output (aligned tables, key/value blocks) by default; --json prints the API's answer as is.
import fs from 'node:fs';
import { CliError } from './client.js';

export interface OutputOptions {
  json?: boolean;
}

type Row = Record<string, unknown>;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Prints rows as a table with the given columns (key → heading). */
export function table(rows: Row[], columns: Record<string, string>): string {
  const keys = Object.keys(columns);
  const matrix = [keys.map((k) => columns[k] as string), ...rows.map((r) => keys.map((k) => cell(r[k])))];
  const widths = keys.map((_, i) => Math.max(...matrix.map((line) => (line[i] as string).length)));
  return matrix
    .map((line) => line.map((c, i) => (i === line.length - 1 ? c : c.padEnd(widths[i] as number))).join('  '))
    .join('\n');
}

/** Prints one object as "key: value" lines. */
export function block(obj: Row): string {
  const width = Math.max(...Object.keys(obj).map((k) => k.length));
  return Object.entries(obj)
    .map(([k, v]) => `${k.padEnd(width)}  ${cell(v)}`)
    .join('\n');
}

export function print(opts: OutputOptions, data: unknown, human: () => string): void {
  console.log(opts.json ? JSON.stringify(data, null, 2) : human());
}

/** Writes a downloaded document to `file`, or a one-line CliError naming the option and why not. */
export function saveFile(option: string, file: string, bytes: Buffer): void {
  try {
    fs.writeFileSync(file, bytes);
  } catch (error) {
    throw new CliError(`${option}: cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

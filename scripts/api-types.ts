// Writes web/src/shared/api-types.gen.ts: one TypeScript type per schema in the registry of
// src/http/views/ (the JSON the console reads), so a field renamed on the server fails the console's
// build instead of its page. `--check` writes nothing and fails, naming the file, when it is stale.
//
//   npm run api-types                     rewrite the file
//   tsx scripts/api-types.ts --check      exit 1 if the file differs from what would be written
//
// Each schema goes through zod's own z.toJSONSchema (as a registry, so a schema used inside another is
// a $ref by name), then the small subset of JSON Schema that zod writes for these plain shapes is
// printed as TypeScript here, and the result through Prettier with the repository's settings.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { z } from 'zod';
import { API_VIEWS } from '../src/http/views/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const GENERATED = path.join(ROOT, 'web/src/shared/api-types.gen.ts');
const COMMAND = 'npm run api-types';

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  description?: string;
};

/** The TypeScript for one JSON schema; `named` are the registry's names that a $ref may point at. */
function typeOf(s: JsonSchema, named: ReadonlySet<string>): string {
  if (s.$ref !== undefined) {
    if (!named.has(s.$ref)) throw new Error(`$ref to ${s.$ref}, which is not in the registry`);
    return s.$ref;
  }
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map((m) => typeOf(m, named)).join(' | ');
  if (s.allOf) return s.allOf.map((m) => wrap(typeOf(m, named))).join(' & ');
  if (Array.isArray(s.type)) return s.type.map((t) => typeOf({ ...s, type: t }, named)).join(' | ');
  switch (s.type) {
    case undefined:
      return 'unknown';
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = s.items ? typeOf(s.items, named) : 'unknown';
      return /^[\w.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
      return objectOf(s, named);
    default:
      throw new Error(`JSON Schema type ${s.type} has no TypeScript here`);
  }
}

/** A union inside an intersection keeps its parentheses. */
const wrap = (t: string) => (t.includes(' | ') ? `(${t})` : t);

/** An object: its properties, or a record (`propertyNames` + `additionalProperties`), never both. */
function objectOf(s: JsonSchema, named: ReadonlySet<string>): string {
  const values = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  if (s.properties) {
    if (values) throw new Error('an object with both properties and a catch-all has no TypeScript here');
    return `{ ${members(s, named)} }`;
  }
  if (!values) return 'Record<string, never>';
  const key = s.propertyNames ? typeOf(s.propertyNames, named) : 'string';
  const record = `Record<${key}, ${typeOf(values, named)}>`;
  // An enum-keyed record lists its keys as required (z.record) or not (z.partialRecord).
  return key === 'string' || (s.required?.length ?? 0) > 0 ? record : `Partial<${record}>`;
}

function members(s: JsonSchema, named: ReadonlySet<string>): string {
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {})
    .map(([name, p]) => {
      const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
      return `${doc(p.description)}${key}${required.has(name) ? '' : '?'}: ${typeOf(p, named)};`;
    })
    .join('\n');
}

const doc = (text: string | undefined) => (text ? `/** ${text.replaceAll('*/', '*\\/')} */\n` : '');

/** The generated file's text, formatted as the repository formats TypeScript. */
export async function renderApiTypes(): Promise<string> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(API_VIEWS)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, { io: 'output', uri: (id) => id, unrepresentable: 'throw' }) as {
    schemas: Record<string, JsonSchema>;
  };
  const named = new Set(Object.keys(schemas));
  const blocks = Object.keys(API_VIEWS).map((name) => {
    const s = schemas[name];
    if (!s) throw new Error(`${name}: zod wrote no JSON Schema for it`);
    const body =
      s.type === 'object' && s.properties
        ? `export interface ${name} {\n${members(s, named)}\n}`
        : `export type ${name} = ${typeOf(s, named)};`;
    return `${doc(s.description)}${body}`;
  });
  const source = [
    `// Generated by scripts/api-types.ts from the zod schemas in src/http/views/ — do not edit.`,
    `// Regenerate with \`${COMMAND}\`; \`npm run lint\` fails while this file is stale.`,
    '',
    ...blocks.flatMap((b) => [b, '']),
  ].join('\n');
  const options = (await prettier.resolveConfig(GENERATED)) ?? {};
  return prettier.format(source, { ...options, filepath: GENERATED });
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const fileArg = argv.indexOf('--file');
  const file = fileArg >= 0 && argv[fileArg + 1] ? path.resolve(argv[fileArg + 1] as string) : GENERATED;
  const wanted = await renderApiTypes();
  const shown = path.relative(process.cwd(), file);
  if (check) {
    const current = await readFile(file, 'utf8').catch(() => null);
    if (current === wanted) return 0;
    console.error(
      `${shown} is ${current === null ? 'missing' : 'stale'}: ` +
        `the API schemas in src/http/views/ changed since it was generated. Run \`${COMMAND}\`.`,
    );
    return 1;
  }
  await writeFile(file, wanted);
  console.log(`wrote ${shown} (${Object.keys(API_VIEWS).length} types)`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}

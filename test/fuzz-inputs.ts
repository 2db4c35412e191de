// fast-check arbitraries for hostile HTTP requests: path segments, query strings, bodies and
// headers, built from a route's OpenAPI description so that new fields and routes are fuzzed too.
import fc from 'fast-check';

/** The part of an OpenAPI / JSON Schema object the generators look at. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  /** Values the route documents as examples; the fuzzer tries them often, e.g. real time zone names. */
  examples?: unknown[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** A request body as bytes on the wire plus the headers that describe it. */
export interface BodySpec {
  payload?: string | Buffer;
  headers: Record<string, string>;
}

/** Percent-encodes like encodeURIComponent, but a lone surrogate (which that throws on) becomes invalid UTF-8 bytes. */
export function encode(text: string): string {
  return text
    .split(/(\p{Cs})/u)
    .map((part, i) => (i % 2 === 1 ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');
}

/** Raw URL text that routers and decoders trip over; used verbatim, never re-encoded. */
const RAW_JUNK = [
  '',
  '..',
  '.',
  '/',
  '%2e%2e',
  '%2E%2E%2F',
  '..%2f..%2f',
  '%00',
  '%',
  '%%',
  '%zz',
  '%C0%AF',
  '%ED%A0%80',
  '%FF%FE',
  '%E2%82',
  '%252e',
  ';',
  '*',
  ':id',
  '{id}',
  '~',
  '%20',
  '+',
  '%2F',
  '\\',
  '%5C',
  'null',
  'undefined',
  '__proto__',
  'constructor',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Strings that hurt: unicode, NUL, lone surrogates, whitespace only, very long. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}\u0000${b}`),
  },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), loneSurrogate).map(([a, s]) => a + s) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ' ',
      '   ',
      '\t\n',
      '\u00a0\u2003\u3000',
      '\u200b',
      '\ufeff',
      '\u202e',
      'é',
      'e\u0301',
      '🔥',
      '👩‍👩‍👧',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 190, max: 12_000 }), fc.constantFrom('x', 'é', '😀', '\u0000', ' '))
      .map(([n, c]) => c.repeat(n)),
  },
);

/** A path segment: a real id or number of a stored object, a mangled one, or junk. */
export function pathSegment(realIds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...realIds).map(encode) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...realIds), fc.constantFrom('..', '%00', '%20', '/', 'x', '%zz', '%ED%A0%80'))
        .map(([id, junk]) => encode(id) + junk),
    },
    { weight: 1, arbitrary: fc.constantFrom(...realIds).map((id) => encode(id.toUpperCase())) },
    { weight: 5, arbitrary: nastyString.map(encode) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_JUNK) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.constantFrom(...RAW_JUNK, 'a', 'INC-', '0001'), { minLength: 1, maxLength: 6 })
        .map((parts) => parts.join('')),
    },
  );
}

/**
 * The route's own path spelled differently: letters percent-encoded ("/%61pi/…", which the router
 * decodes), a doubled or trailing slash, upper case. `{param}` placeholders are left for the caller.
 */
export function pathSpelling(template: string): fc.Arbitrary<string> {
  const letters = [...template.matchAll(/[a-z](?![^{]*\})/g)].map((m) => m.index);
  const encodeAt = (positions: number[], upper: boolean) =>
    [...template]
      .map((ch, i) =>
        positions.includes(i) ? `%${ch.charCodeAt(0).toString(16)[upper ? 'toUpperCase' : 'toLowerCase']()}` : ch,
      )
      .join('');
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(template) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.subarray(letters, { minLength: 1, maxLength: 4 }), fc.boolean())
        .map(([positions, upper]) => encodeAt(positions, upper)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `/${template}`,
        `${template}/`,
        template.replace(/^\/api/, '/API'),
        template.replace(/\//g, '//'),
      ),
    },
  );
}

const queryValue = (realIds: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '0',
        '1',
        '-1',
        '50',
        '200',
        '201',
        '1e2',
        '1e400',
        'NaN',
        'Infinity',
        '0x10',
        '1.5',
        ' 5',
        '',
        'true',
        'null',
        '[]',
        'P1',
        'P9',
        'P1,P9',
        ',,,',
        'triggered',
        'triggered,resolved',
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...realIds).map(encode) },
    { weight: 4, arbitrary: nastyString.map(encode) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_JUNK) },
  );

/** "?a=b&…" with the route's own parameter names, repeated keys, unknown keys and undecodable text. */
export function queryString(names: readonly string[], realIds: readonly string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names, 'limit', 'cursor') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'limit[]', 'a[b]', '', '%', '%zz', '&'),
    },
    { weight: 1, arbitrary: nastyString.map(encode) },
  );
  const pair = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(key, queryValue(realIds)).map(([k, v]) => `${k}=${v}`) },
    { weight: 1, arbitrary: key },
    { weight: 1, arbitrary: fc.constantFrom('=', '&', '==', '=%', '%=%', '?', '#frag') },
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 6, arbitrary: fc.array(pair, { minLength: 1, maxLength: 6 }).map((pairs) => `?${pairs.join('&')}`) },
  );
}

/** Any JSON value of the wrong kind, or a string that hurts. */
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.5) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) },
);

/** A value the schema would likely accept, so that requests get past validation and into the services. */
function plausible(schema: JsonSchema, realIds: readonly string[]): fc.Arbitrary<unknown> {
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return fc.oneof(...options.map((s) => plausible(s, realIds)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  if (schema.examples?.length)
    return fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...schema.examples) },
      { weight: 1, arbitrary: plausible({ ...schema, examples: undefined }, realIds) },
    );
  switch (schema.type) {
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'integer': {
      // Mostly inside the declared range (so requests get through), sometimes just outside it.
      const min = schema.minimum ?? -5;
      const max = Math.max(min, Math.min(schema.maximum ?? 300, min + 4000));
      return fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min, max }) },
        { weight: 1, arbitrary: fc.integer({ min: -5, max: 300 }) },
      );
    }
    case 'array': {
      if (!schema.items) return fc.jsonValue({ maxDepth: 2 });
      const minLength = schema.minItems ?? 0;
      return fc.array(plausible(schema.items, realIds), {
        minLength,
        maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)),
      });
    }
    case 'object': {
      if (!schema.properties) return fc.jsonValue({ maxDepth: 2 });
      const names = Object.keys(schema.properties);
      return fc.record(
        Object.fromEntries(names.map((name) => [name, plausible(schema.properties?.[name] as JsonSchema, realIds)])),
        { requiredKeys: (schema.required ?? []).filter((n) => names.includes(n)) },
      );
    }
    case 'number':
      return fc.double();
    case 'string': {
      if (schema.format === 'date-time') {
        const instant = fc
          .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true })
          .map((d) => d.toISOString());
        return fc.oneof({ weight: 6, arbitrary: instant }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) });
      }
      if (schema.format === 'email')
        return fc.oneof(
          fc.stringMatching(/^[a-z0-9]{1,12}$/).map((s) => `${s}@example.test`),
          fc.emailAddress(),
          fc.string({ maxLength: 20 }).map((s) => `${s}@example.test`),
        );
      const pattern = schema.pattern ? safeRegExp(schema.pattern) : undefined;
      if (pattern) return fc.stringMatching(pattern);
      const max = Math.min(schema.maxLength ?? 60, 60);
      return fc.oneof(
        fc.constantFrom(...realIds),
        fc.string({ minLength: 1, maxLength: max }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }),
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so that "__proto__" becomes a real key in the JSON rather than a prototype change.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

type Edit =
  | { op: 'junk'; field: string; value: unknown }
  | { op: 'drop'; field: string }
  | { op: 'extra'; field: string; value: unknown };

/** Objects with the route's real field names: mostly plausible values, then a few fields broken, dropped or added. */
export function fieldObject(schema: JsonSchema, realIds: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const variants = [schema.anyOf, schema.oneOf].flat().filter((s): s is JsonSchema => !!s?.properties);
  const object = schema.properties ? schema : (variants[0] ?? {});
  const properties = object.properties ?? {};
  const names = Object.keys(properties);
  const requiredKeys = (object.required ?? []).filter((name) => names.includes(name));
  const base = fc.record(
    Object.fromEntries(names.map((name) => [name, plausible(properties[name] as JsonSchema, realIds)])),
    { requiredKeys },
  );
  const fieldName = names.length ? fc.constantFrom(...names) : fc.constant('field');
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ op: fc.constant('junk' as const), field: fieldName, value: junkValue }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), field: fieldName }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('extra' as const),
        field: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'id', 'created_at')),
        value: junkValue,
      }),
    },
  );
  return fc.tuple(base, fc.array(edit, { maxLength: 3 })).map(([record, edits]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) setOwn(out, k, v);
    for (const e of edits) {
      if (e.op === 'drop') delete out[e.field];
      else setOwn(out, e.field, e.value);
    }
    return out;
  });
}

const json = (payload: string | Buffer, type = 'application/json'): BodySpec => ({
  payload,
  headers: { 'content-type': type },
});

/** A JSON object with the route's field names, mostly plausible values. */
export function fieldBody(schema: JsonSchema | undefined, realIds: readonly string[]): fc.Arbitrary<BodySpec> {
  return fieldObject(schema ?? {}, realIds).map((o) => json(JSON.stringify(o)));
}

/** Every kind of body: JSON of any shape, field-aware objects, broken bytes, other types, nothing at all. */
export function body(schema: JsonSchema | undefined, realIds: readonly string[]): fc.Arbitrary<BodySpec> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue().map((v) => json(JSON.stringify(v) ?? 'null')) },
    { weight: 8, arbitrary: fieldBody(schema, realIds) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => json(Buffer.from(bytes))) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((s) => json(s)) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{',
          '{"a":',
          '[1,',
          '"\\ud800"',
          '{"a":1}{"b":2}',
          '\ufeff{}',
          '{"__proto__":{"x":1}}',
          '1e99999',
          '-',
          'NaN',
          '{"a":"\\u0000"}',
        )
        .map((s) => json(s)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/xml',
            'application/octet-stream',
            'application/jsonx',
            'application/vnd.api+json',
            'application/json; charset=utf-16',
            'APPLICATION/JSON',
            'application/json;',
            'application/json, text/plain',
            '*/*',
            ';',
            'é/ü',
          ),
          fc.oneof(
            fc.string({ maxLength: 60 }),
            fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
          ),
        )
        .map(([type, payload]) => json(payload, type)),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom<BodySpec>(
        { headers: {} },
        { headers: { 'content-type': 'application/json' } },
        json(''),
        json('   '),
        json('null'),
        json('{}'),
        json('[]'),
        json('""'),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom('0', '1', '99999', '-1', 'abc'))
        .map(([v, length]) => ({
          payload: JSON.stringify(v) ?? 'null',
          headers: { 'content-type': 'application/json', 'content-length': length },
        })),
    },
  );
}

/**
 * Characters a real HTTP/1.1 parser lets through in a header value (llhttp refuses DEL and other controls with its
 * own 400).
 */
const headerChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
  .map((c) => String.fromCharCode(c));

/** Authorization header values that must never authenticate: empty, malformed, unknown, other schemes. */
export const garbageAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 48, maxLength: 48, unit: fc.constantFrom(...'0123456789abcdef') }).map((s) => `Bearer ${s}`),
  fc.string({ unit: headerChar, maxLength: 80 }).map((s) => `Bearer ${s}`),
  fc.string({ unit: headerChar, maxLength: 80 }),
  fc.constantFrom(
    '',
    'Bearer',
    'Bearer ',
    'Bearer  ',
    'bearer x y',
    'Basic YWRtaW46YWRtaW4=',
    'Token abc',
    `Bearer ${'a'.repeat(10_000)}`,
  ),
);

/** A request id the client chooses; it ends up in audit rows. */
export const requestId: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.string({ unit: headerChar, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 8000 }).map((n) => 'r'.repeat(n)) },
);

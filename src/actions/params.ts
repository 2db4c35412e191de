// The parameters of a mitigation action, pure: what a definition declares (type, enum, pattern, range,
// default, required) and the check of the values an invocation brings. The server checks them when an
// action is invoked, and `vigil runner` checks them again against the frozen definition before it
// substitutes them into a command's argv, so a runner never trusts the server's word alone.
import { AppError } from '../errors.js';

export const PARAM_TYPES = ['string', 'integer', 'boolean', 'enum'] as const;
export type ParamType = (typeof PARAM_TYPES)[number];
export type ParamValue = string | number | boolean;

export interface ParamSpec {
  name: string;
  type: ParamType;
  description?: string | null | undefined;
  /** The allowed values of an enum parameter. */
  enum?: string[] | null | undefined;
  /** A regular expression a string must match whole (anchored at both ends). */
  pattern?: string | null | undefined;
  /** Integers: the smallest and largest value; strings: the shortest and longest length. */
  min?: number | null | undefined;
  max?: number | null | undefined;
  default?: ParamValue | null | undefined;
  required: boolean;
}

/** A parameter with every optional field present (null when not set), as definitions store and show it. */
export type FullParamSpec = { [K in keyof ParamSpec]-?: Exclude<ParamSpec[K], undefined> };

export function fullSpec(p: ParamSpec): FullParamSpec {
  return {
    name: p.name,
    type: p.type,
    description: p.description ?? null,
    enum: p.enum ?? null,
    pattern: p.pattern ?? null,
    min: p.min ?? null,
    max: p.max ?? null,
    default: p.default ?? null,
    required: p.required,
  };
}

/** A parameter's name: what `{{params.x}}` placeholders can name. */
export const PARAM_NAME = /^[a-z_][a-z0-9_]{0,63}$/;
/** The longest string value accepted (a command-line argument, a URL piece). */
export const STRING_MAX = 4096;
const PATTERN_MAX = 500;

const invalid = (field: string, message: string, details: Record<string, unknown> = {}) =>
  new AppError('action.invalid_param', `${field}: ${message}`, { field, ...details }, 'unprocessable');

/** The anchored regular expression of a pattern; throws (422 naming the field) when it does not compile. */
export function compilePattern(pattern: string, field: string): RegExp {
  if (pattern.length > PATTERN_MAX) throw invalid(field, `a pattern is at most ${PATTERN_MAX} characters`);
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (error) {
    throw invalid(field, `not a regular expression (${(error as Error).message})`);
  }
}

/**
 * Checks a definition's parameter list (unique names, an enum's values, a pattern that compiles, a range
 * in order, a default that passes its own checks); throws a 422 naming the first problem.
 */
export function checkSpecs(specs: readonly ParamSpec[]): void {
  const seen = new Set<string>();
  specs.forEach((spec, i) => {
    const at = `params[${i}]`;
    if (!PARAM_NAME.test(spec.name))
      throw invalid(`${at}.name`, 'must be 1–64 characters of a-z, 0-9 and "_", starting with a letter or "_"');
    if (seen.has(spec.name)) throw invalid(`${at}.name`, `"${spec.name}" is declared twice`);
    seen.add(spec.name);
    if (spec.type === 'enum' && !(spec.enum && spec.enum.length > 0))
      throw invalid(`${at}.enum`, 'an enum parameter needs its list of values');
    if (spec.type !== 'enum' && spec.enum) throw invalid(`${at}.enum`, 'only enum parameters have values');
    if (spec.pattern != null) {
      if (spec.type !== 'string') throw invalid(`${at}.pattern`, 'only string parameters have a pattern');
      compilePattern(spec.pattern, `${at}.pattern`);
    }
    if ((spec.min != null || spec.max != null) && spec.type !== 'integer' && spec.type !== 'string')
      throw invalid(`${at}.min`, 'only integer and string parameters have a range');
    if (spec.min != null && spec.max != null && spec.min > spec.max)
      throw invalid(`${at}.min`, `min ${spec.min} is above max ${spec.max}`);
    if (spec.default != null) checkValue(spec, spec.default, `${at}.default`);
  });
}

/** One value against its parameter; returns it in its type (an integer given as "3" becomes 3). */
function checkValue(spec: ParamSpec, raw: unknown, field: string): ParamValue {
  switch (spec.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw invalid(field, 'must be true or false', { expected: 'boolean' });
    }
    case 'integer': {
      const n = typeof raw === 'string' && /^-?\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : raw;
      if (typeof n !== 'number' || !Number.isSafeInteger(n))
        throw invalid(field, 'must be a whole number', { expected: 'integer' });
      if (spec.min != null && n < spec.min) throw invalid(field, `must be at least ${spec.min}`, { min: spec.min });
      if (spec.max != null && n > spec.max) throw invalid(field, `must be at most ${spec.max}`, { max: spec.max });
      return n;
    }
    case 'enum': {
      if (typeof raw !== 'string' || !spec.enum?.includes(raw))
        throw invalid(field, `must be one of ${(spec.enum ?? []).join(', ')}`, { allowed: spec.enum ?? [] });
      return raw;
    }
    case 'string': {
      if (typeof raw !== 'string') throw invalid(field, 'must be a string', { expected: 'string' });
      if (raw.includes('\u0000')) throw invalid(field, 'must not contain NUL characters');
      if (raw.length > STRING_MAX) throw invalid(field, `must be at most ${STRING_MAX} characters`);
      if (spec.min != null && raw.length < spec.min)
        throw invalid(field, `must be at least ${spec.min} characters`, { min: spec.min });
      if (spec.max != null && raw.length > spec.max)
        throw invalid(field, `must be at most ${spec.max} characters`, { max: spec.max });
      if (spec.pattern != null && !compilePattern(spec.pattern, field).test(raw))
        throw invalid(field, `does not match the pattern ${spec.pattern}`, { pattern: spec.pattern });
      return raw;
    }
  }
}

/**
 * The values of an invocation checked against the definition: every name declared, each value of its
 * type and within its enum, pattern and range, defaults filled in, required ones present. Throws a 422
 * naming the parameter (`params.x`) on the first problem; nothing else happens.
 */
export function checkParams(
  specs: readonly ParamSpec[],
  given: Readonly<Record<string, unknown>>,
): Record<string, ParamValue> {
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(given))
    if (!known.has(name))
      throw invalid(`params.${name}`, `the action has no such parameter (it has ${[...known].join(', ') || 'none'})`, {
        known: [...known],
      });
  const out: Record<string, ParamValue> = {};
  for (const spec of specs) {
    const raw = given[spec.name];
    if (raw === undefined || raw === null) {
      if (spec.default != null) out[spec.name] = spec.default;
      else if (spec.required) throw invalid(`params.${spec.name}`, 'is required');
      continue;
    }
    out[spec.name] = checkValue(spec, raw, `params.${spec.name}`);
  }
  return out;
}
